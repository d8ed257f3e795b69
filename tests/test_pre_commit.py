"""The pre-commit hooks (.pre-commit-hooks.yaml), tried with `pre-commit try-repo` on a
temporary git repository holding a copy of the example ecosystem: pre-commit installs
engage from this repository into its own environment and runs each hook as a user's
repository would."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from ruamel.yaml import YAML

REPO = Path(__file__).resolve().parent.parent


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
    )


def test_the_hooks_are_declared_as_pre_commit_reads_them() -> None:
    hooks = YAML(typ="safe").load((REPO / ".pre-commit-hooks.yaml").read_text("utf-8"))
    assert [h["id"] for h in hooks] == ["engage-validate", "engage-check", "engage-fmt"]
    for hook in hooks:
        assert hook["language"] == "python" and hook["entry"].startswith("engage ")


def test_try_repo_runs_every_hook_on_a_temporary_repository(tmp_path: Path) -> None:
    if shutil.which("pre-commit", path=str(Path(sys.executable).parent)) is None:
        pytest.fail("pre-commit is a dev dependency: pip install -e '.[dev]'")
    work = tmp_path / "user-repo"
    shutil.copytree(REPO / "ecosystem", work / "ecosystem")
    _git(tmp_path, "init", "-q", str(work))
    _git(work, "add", "-A")
    _git(work, "commit", "-qm", "ecosystem")
    env = {
        **os.environ,
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
        "NO_COLOR": "1",
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
    }
    run = subprocess.run(
        [str(Path(sys.executable).parent / "pre-commit"), "try-repo", str(REPO), "--all-files"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )
    out = run.stdout + run.stderr
    assert "engage validate" in out and "engage check" in out and "engage fmt" in out, out
    # validate and check pass; fmt rewrites the two hand-wrapped files, so it fails the run
    lines = {line.split(".", 1)[0]: line for line in out.splitlines() if line.startswith("engage")}
    assert lines["engage validate"].endswith("Passed"), out
    assert lines["engage check"].endswith("Passed"), out
    assert lines["engage fmt"].endswith("Failed"), out
    assert "files were modified by this hook" in out, out
    assert run.returncode == 1
    # the hook formatted the files in place: now they are canonical (one try-repo only:
    # each builds its own environment of engage, which takes a minute)
    formatted = subprocess.run(
        [sys.executable, "-m", "compiler.cli", "fmt", "ecosystem", "--check"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert formatted.returncode == 0, formatted.stderr
