"""Golden files: the Salesforce project and Account Engagement sheet of the example
ecosystem (`ecosystem/`), per environment, compared byte for byte.

Refresh after an intended change, then read the diff before committing:

    ENGAGE_UPDATE_GOLDEN=1 pytest tests/test_generate_golden.py
    git diff tests/golden/generate/
"""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest
from golden import compare_tree, golden_files
from lxml import etree

from compiler.diagnostics import Severity
from compiler.emit.generate import generate
from compiler.pipeline import compile_path
from compiler.source import ParseCache

ECOSYSTEM = Path(__file__).resolve().parents[1] / "ecosystem"
GOLDEN = Path(__file__).resolve().parent / "golden" / "generate"
TARGETS = ("salesforce", "account_engagement")
ENVIRONMENTS = ("sandbox", "production")


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_example_ecosystem_matches_the_golden_files(env: str, tmp_path: Path) -> None:
    comp = compile_path(ECOSYSTEM, env, cache=ParseCache(None))
    assert comp.ok and comp.resolved is not None, [f.message for f in comp.findings]
    result = generate(comp.resolved, tmp_path / "build", targets=TARGETS)
    assert [f.message for f in result.findings if f.severity is Severity.ERROR] == []
    for target in TARGETS:
        actual = compare_tree(tmp_path / "build" / target, GOLDEN / target / env)
        for name, content in actual.items():
            if name.endswith(".xml"):
                etree.fromstring(content)  # every file parses


def test_environments_differ_only_in_environment_values() -> None:
    """The overlays change usernames, ids and the login URL, never the structure."""
    sandbox = golden_files(GOLDEN / "salesforce" / "sandbox")
    production = golden_files(GOLDEN / "salesforce" / "production")
    assert sorted(sandbox) == sorted(production)
    changed = sorted(name for name in sandbox if sandbox[name] != production[name])
    for name in changed:
        removed = [
            line
            for line in difflib.ndiff(
                production[name].decode().splitlines(), sandbox[name].decode().splitlines()
            )
            if line.startswith("- ")
        ]
        assert all("<value>" in line or "sfdcLoginUrl" in line for line in removed), (name, removed)
