"""Golden files: the Marketing Cloud (mcdev) folder and the sync code of the example
ecosystem (`ecosystem/`), per environment, compared byte for byte.

Refresh after an intended change, then read the diff before committing:

    ENGAGE_UPDATE_GOLDEN=1 pytest tests/test_emit_marketing_cloud_golden.py   (tests/golden.py)
    git diff tests/golden/generate/marketing_cloud tests/golden/generate/sync
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlglot
from golden import compare_tree, golden_files

from compiler.diagnostics import Severity
from compiler.emit.generate import generate
from compiler.emit.marketing_cloud.tsql import problems
from compiler.pipeline import compile_path
from compiler.source import ParseCache

ECOSYSTEM = Path(__file__).resolve().parents[1] / "ecosystem"
GOLDEN = Path(__file__).resolve().parent / "golden" / "generate"
TARGETS = ("marketing_cloud", "sync")
ENVIRONMENTS = ("sandbox", "production")


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
    comp = compile_path(ECOSYSTEM, env, cache=ParseCache(None))
    assert comp.ok and comp.resolved is not None, [f.message for f in comp.findings]
    result = generate(comp.resolved, tmp_path / "build", targets=TARGETS)
    assert [f.message for f in result.findings if f.severity is Severity.ERROR] == []
    for target in TARGETS:
        actual = compare_tree(tmp_path / "build" / target, GOLDEN / target / env)
        for name, content in actual.items():
            valid(name, content)


def test_environments_differ_only_in_synchronized_names() -> None:
    """Sandbox reads Contact_Salesforce_1 (a second connected org), and its business units
    have their own MIDs (in .mcdevrc.json, and in the per-unit unsubscribes of the queries
    of a unit whose consent is per unit); nothing else differs."""
    sandbox = golden_files(GOLDEN / "marketing_cloud" / "sandbox")
    production = golden_files(GOLDEN / "marketing_cloud" / "production")
    assert sorted(sandbox) == sorted(production)
    changed = sorted(n for n in sandbox if sandbox[n] != production[n])
    assert changed, "the sandbox suffix reaches no query"
    mids = {b"514012000": b"514012100", b"514012001": b"514012101",
            b"514012002": b"514012102", b"514012003": b"514012103"}  # fmt: skip
    for name in changed:
        expected = production[name]
        for prod, sand in mids.items():
            expected = expected.replace(prod, sand)
        if name == ".mcdevrc.json":
            assert sandbox[name] == expected
            continue
        assert sandbox[name] == expected.replace(b"_Salesforce]", b"_Salesforce_1]"), name
    assert golden_files(GOLDEN / "sync" / "sandbox") == golden_files(GOLDEN / "sync" / "production")
