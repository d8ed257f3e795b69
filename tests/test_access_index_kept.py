"""`all_access` (check's rules ask once) does not keep the ecosystem's index for later
askers (issue 11: kept, it stayed alive through the peak RSS of `check`); the Salesforce
emitter's per-user questions still build it once and reuse it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from compiler import access
from compiler.access import all_access, integrations_of, user_access
from compiler.model import Ecosystem
from compiler.pipeline import compile_path
from compiler.resolved import ResolvedEcosystem

ROOT = Path(__file__).parent / "fixtures" / "rules"


@pytest.fixture
def resolved(tmp_path: Path) -> ResolvedEcosystem:
    root = tmp_path / "eco"
    shutil.copytree(ROOT / "_base", root)
    for file in sorted((ROOT / "access_needs").iterdir()):
        shutil.copy(file, root / file.name)
    comp = compile_path(root)
    assert comp.resolved is not None
    return comp.resolved


def test_all_access_keeps_no_index(
    resolved: ResolvedEcosystem, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(access, "_last", [])
    everyone = all_access(resolved)
    assert everyone and access._last == []
    assert everyone == {name: user_access(resolved, name) for name in everyone}


def test_per_user_askers_build_the_index_once(
    resolved: ResolvedEcosystem, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(access, "_last", [])
    built: list[object] = []
    real = access._build_index

    def counting(eco: Ecosystem) -> access._Index:
        built.append(eco)
        return real(eco)

    monkeypatch.setattr(access, "_build_index", counting)
    users = sorted(resolved.ecosystem.integration_users)
    for name in users:
        user_access(resolved, name)
        integrations_of(resolved, name)
    assert len(built) == 1 and access._last[0][0] is resolved.ecosystem
    all_access(resolved)  # the kept index is used when there is one
    assert len(built) == 1
