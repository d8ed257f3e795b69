"""`<rule>.spark.py`: the PySpark job of one sync rule, self-contained.

The job is the source of `spark_job.py` (checked by ruff and mypy like the rest of engage,
and importing nothing of engage) followed by the rule's data — its columns, file settings,
view names and Spark SQL statements, every value written with `repr`, so a name or a
statement can only ever be a Python string — and the entry points `sync(spark, …)` and
`main`. `engage sync run --engine spark` runs this same text (see spark_run.py).
"""

from __future__ import annotations

import functools
from pathlib import Path

from compiler.emit.sync.build import SyncSql
from compiler.emit.sync.spec import SyncSpec

_RUNTIME = Path(__file__).with_name("spark_job.py")
_CHARSETS = {"utf-8": "utf-8", "latin-1": "latin-1", "utf-16": "utf-16"}


def _text(value: str, indent: str) -> str:
    """A string as a parenthesised run of one literal per line (readable and safe)."""
    lines = value.splitlines(keepends=True) or [""]
    if len(lines) == 1:
        return repr(value)
    prefix = indent + "    "  # each line's literal on a line of its own (reprs in C: `map`)
    return "(\n" + prefix + ("\n" + prefix).join(map(repr, lines)) + "\n" + indent + ")"


def _strings(values: tuple[str, ...]) -> str:
    return "(" + "".join(f"{v!r}, " for v in values).rstrip(" ") + ")"


def rule_block(spec: SyncSpec, sql: SyncSql) -> str:
    statements = "".join(f"        {_text(s, '        ')},\n" for s in sql.spark)
    return (
        "# ---------------------------------------------------------------- the rule\n"
        "RULE = Rule(\n"
        f"    name={spec.rule!r},\n"
        f"    source={spec.source!r},\n"
        f"    columns={_strings(spec.columns)},\n"
        f"    required={_strings(spec.required_columns)},\n"
        f"    header={spec.file.header!r},\n"
        f"    delimiter={spec.file.delimiter!r},\n"
        f"    encoding={_CHARSETS[spec.file.encoding]!r},\n"
        f"    extract={sql.extract!r},\n"
        f"    checked={sql.checked!r},\n"
        "    statements=(\n"
        f"{statements}"
        "    ),\n"
        ")\n"
        "\n\n"
        "def sync(spark: Any, input: str, out: str, rejects: str) -> Result:\n"
        '    """This rule\'s job on a SparkSession, e.g. a notebook\'s `spark`."""\n'
        "    return run(spark, RULE, input, out, rejects)\n"
        "\n\n"
        'if __name__ == "__main__":\n'
        "    sys.exit(main(RULE))\n"
    )


@functools.cache
def _runtime() -> str:
    """The source of spark_job.py, read once per process (it is part of every job)."""
    return _RUNTIME.read_text("utf-8")


def job(spec: SyncSpec, sql: SyncSql) -> str:
    header = (
        "#!/usr/bin/env python3\n"
        f"# engage sync rule {spec.rule}: {spec.source} -> {spec.target} (PySpark job)\n"
        f"# spark-submit {spec.rule}.spark.py --input PATH --out PATH --rejects PATH\n"
    )
    return f"{header}{_runtime()}\n\n{rule_block(spec, sql)}"
