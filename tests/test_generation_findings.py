"""The plan's generation check (`generation_findings`) streams the targets and keeps no
artifact, yet reports exactly the findings `prepare` (what generate and apply compute)
reports: for a whole ecosystem, for a plan's selection of addresses and deletions, and on
an ecosystem whose generation has errors."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from compiler.diagnostics import Severity
from compiler.emit.generate import generation_findings, prepare
from compiler.pipeline import compile_path
from compiler.resolved import ResolvedEcosystem
from compiler.source import ParseCache

ROOT = Path(__file__).resolve().parents[1]


def resolved_of(root: Path, env: str | None) -> ResolvedEcosystem:
    comp = compile_path(root, env, cache=ParseCache(None))
    assert comp.ok and comp.resolved is not None
    return comp.resolved


def shown(findings: tuple[object, ...]) -> list[str]:
    return [repr(f) for f in findings]


@pytest.mark.parametrize(
    ("root", "env"),
    [(ROOT / "ecosystem", "production"), (ROOT / "tests/fixtures/generate/basic", "production")],
)
def test_the_same_findings_as_prepare(root: Path, env: str, tmp_path: Path) -> None:
    resolved = resolved_of(root, env)
    out = tmp_path / "out"
    whole = prepare(resolved, out)
    assert whole.contents  # something is generated
    assert shown(generation_findings(resolved, out)) == shown(whole.findings)
    some = sorted(resolved.addresses)[::3]
    deleted = ["data_extension.gone_long_ago"]
    assert shown(generation_findings(resolved, out, some, deleted)) == shown(
        prepare(resolved, out, some, deleted).findings
    )
    assert not out.exists()  # neither writes anything


def test_errors_of_generation_are_found(tmp_path: Path) -> None:
    root = tmp_path / "ecosystem"
    shutil.copytree(ROOT / "tests/fixtures/plan/basic", root)
    # valid YAML, but a text field Salesforce cannot hold (E8612, as apply would refuse)
    data = root / "data.yaml"
    data.write_text(
        data.read_text(encoding="utf-8")
        + "objects:\n  crm.Contact:\n    fields:\n      Note__c: {type: text, length: 300}\n",
        encoding="utf-8",
    )
    resolved = resolved_of(root, "dev")
    found = generation_findings(resolved, tmp_path / "out")
    assert "E8612" in {f.code for f in found if f.severity is Severity.ERROR}
    assert shown(found) == shown(prepare(resolved, tmp_path / "out").findings)
