"""Golden files: the Salesforce project and Account Engagement sheet of the example
ecosystem (`ecosystem/`), per environment, compared byte for byte.

Refresh after an intended change, then read the diff before committing:

    ENGAGE_UPDATE_GOLDEN=1 pytest tests/test_generate_golden.py
    git diff tests/golden/generate/
"""

from __future__ import annotations

import difflib
import os
import shutil
from pathlib import Path

import pytest
from lxml import etree

from compiler.diagnostics import Severity
from compiler.emit.generate import generate
from compiler.pipeline import compile_path
from compiler.source import ParseCache

ECOSYSTEM = Path(__file__).resolve().parents[1] / "ecosystem"
GOLDEN = Path(__file__).resolve().parent / "golden" / "generate"
TARGETS = ("salesforce", "account_engagement")
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
        expected.decode().splitlines(),
        actual.decode().splitlines(),
        f"golden/{name}",
        f"generated/{name}",
        lineterm="",
    )
    return "\n".join(list(lines)[:60])


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
            if name.endswith(".xml"):
                etree.fromstring(content)  # every file parses


def test_environments_differ_only_in_environment_values() -> None:
    """The overlays change usernames, ids and the login URL, never the structure."""
    sandbox = files_under(GOLDEN / "salesforce" / "sandbox")
    production = files_under(GOLDEN / "salesforce" / "production")
    if not sandbox:
        pytest.skip("no golden files yet")
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
