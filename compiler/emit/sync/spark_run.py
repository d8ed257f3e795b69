"""`engage sync run --engine spark`: the rule's generated PySpark job, run locally.

The job's text (`<rule>.spark.py`, exactly as `engage generate` writes it) is executed as a
module and its `run` called on a local SparkSession (`local[2]`, or `ENGAGE_SPARK_MASTER`),
so what a team tests here is what it submits. PySpark is an optional extra
(`pip install "engage[spark]"`) and needs a Java runtime (17 or newer for PySpark 4).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
import types
from pathlib import Path
from typing import Any

from compiler.emit.sync.build import SyncSql
from compiler.emit.sync.runner import RunResult, SyncRunError
from compiler.emit.sync.spark import job
from compiler.emit.sync.spec import SyncSpec

MASTER = "local[2]"


def unavailable() -> str | None:
    """Why Spark cannot run here (no PySpark, no Java), or None."""
    if importlib.util.find_spec("pyspark") is None:
        return 'PySpark is not installed: pip install "engage[spark]"'
    java_home = os.environ.get("JAVA_HOME")
    if not shutil.which("java") and not (java_home and Path(java_home, "bin", "java").exists()):
        return "Spark needs a Java runtime (java on PATH or JAVA_HOME), e.g. openjdk-17-jre"
    return None


def load_job(spec: SyncSpec, sql: SyncSql) -> types.ModuleType:
    """The generated job as a module (its `__name__` is not `__main__`: main does not run)."""
    name = f"engage_sync_job_{spec.rule}"
    module = types.ModuleType(name)
    module.__file__ = f"{spec.rule}.spark.py"
    code = compile(job(spec, sql), module.__file__, "exec")
    sys.modules[name] = module  # dataclasses look their module up while the class is made
    try:
        exec(code, module.__dict__)  # the text engage itself generates, nothing else
    finally:
        del sys.modules[name]
    return module


def session() -> Any:
    """The active SparkSession, or a local one: quiet, small shuffles, no web UI."""
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    spark = (
        SparkSession.builder.master(os.environ.get("ENGAGE_SPARK_MASTER", MASTER))
        .appName("engage sync run")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def run(spec: SyncSpec, sql: SyncSql, source: Path, out: Path, rejects: Path) -> RunResult:
    problem = unavailable()
    if problem is not None:
        raise SyncRunError(problem)
    module = load_job(spec, sql)
    try:
        result = module.sync(session(), str(source), str(out), str(rejects))
    except module.JobError as err:
        raise SyncRunError(str(err)) from err
    return RunResult(
        read=result.read,
        accepted=result.accepted,
        rejected=result.rejected,
        reasons=dict(result.reasons),
    )
