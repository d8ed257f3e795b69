"""Golden files: the Marketing Cloud (mcdev) folder and the sync code of the example
ecosystem (`ecosystem/`), per environment, compared byte for byte.

Refresh after an intended change, then read the diff before committing:

    ENGAGE_UPDATE_GOLDEN=1 pytest tests/test_emit_marketing_cloud_golden.py
    git diff tests/golden/generate/marketing_cloud tests/golden/generate/sync
"""

from __future__ import annotations

import difflib
import json
import os
import shutil
from pathlib import Path

import pytest
import sqlglot

from compiler.diagnostics import Severity
from compiler.emit.generate import generate
from compiler.emit.marketing_cloud.tsql import problems
from compiler.pipeline import compile_path
from compiler.source import ParseCache

ECOSYSTEM = Path(__file__).resolve().parents[1] / "ecosystem"
GOLDEN = Path(__file__).resolve().parent / "golden" / "generate"
TARGETS = ("marketing_cloud", "sync")
ENVIRONMENTS = ("sandbox", "production")
UPDATE = os.environ.get("ENGAGE_UPDATE_GOLDEN") == "1"


def files_under(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def diff(name: str, expected: bytes, actual: bytes) -> str:
    lines = difflib.unified_diff(
        expected.decode().splitlines(), actual.decode().splitlines(),
        f"golden/{name}", f"generated/{name}", lineterm="",
    )  # fmt: skip
    return "\n".join(list(lines)[:60])


def valid(name: str, content: bytes) -> None:
    """Every file parses with the tool of its kind."""
    if name.endswith(".json"):
        json.loads(content)
    elif name.endswith(".query-meta.sql"):
        assert problems(content.decode()) == [], name
    elif name.endswith(".duckdb.sql"):
        assert len(sqlglot.parse(content.decode(), read="duckdb")) == 3, name
    elif name.endswith(".spark.sql"):
        assert len(sqlglot.parse(content.decode(), read="spark")) == 3, name


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_example_ecosystem_matches_the_golden_files(env: str, tmp_path: Path) -> None:
    if not ECOSYSTEM.is_dir():
        pytest.skip("the example ecosystem is not in this checkout")
    comp = compile_path(ECOSYSTEM, env, cache=ParseCache(None))
    assert comp.ok and comp.resolved is not None, [f.message for f in comp.findings]
    result = generate(comp.resolved, tmp_path / "build", targets=TARGETS)
    assert [f.message for f in result.findings if f.severity is Severity.ERROR] == []
    for target in TARGETS:
        actual = files_under(tmp_path / "build" / target)
        golden = GOLDEN / target / env
        if UPDATE:
            shutil.rmtree(golden, ignore_errors=True)
            for name, content in actual.items():
                (golden / name).parent.mkdir(parents=True, exist_ok=True)
                (golden / name).write_bytes(content)
        expected = files_under(golden)
        assert sorted(actual) == sorted(expected), f"{target}/{env}: files differ"
        for name, content in actual.items():
            assert content == expected[name], diff(
                f"{target}/{env}/{name}", expected[name], content
            )
            valid(name, content)


def test_environments_differ_only_in_synchronized_names() -> None:
    """Sandbox reads Contact_Salesforce_1 (a second connected org); nothing else differs."""
    sandbox = files_under(GOLDEN / "marketing_cloud" / "sandbox")
    production = files_under(GOLDEN / "marketing_cloud" / "production")
    if not sandbox:
        pytest.skip("no golden files yet")
    assert sorted(sandbox) == sorted(production)
    changed = sorted(n for n in sandbox if sandbox[n] != production[n])
    assert changed, "the sandbox suffix reaches no query"
    for name in changed:
        assert sandbox[name] == production[name].replace(b"_Salesforce]", b"_Salesforce_1]"), name
    assert files_under(GOLDEN / "sync" / "sandbox") == files_under(GOLDEN / "sync" / "production")
