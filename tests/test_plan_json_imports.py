"""`engage plan --format json` prints no rich text and takes no lock, so it loads neither
rich nor filelock (about 0.07 and 0.09 CPU-s of imports on every run), nor lxml (the
Salesforce writer's fallback, which no emitter's tree needs); plain text and
markdown plans print without rich too, a coloured text plan still loads it, and the state
lock and the approvals lock still lock."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _plan(
    tmp_path: Path, *fmt: str, module: str = "rich", colour: str = "NO_COLOR"
) -> tuple[bool, str]:
    state = tmp_path / "state.json"
    code = (
        "import sys\n"
        "from compiler.cli import main\n"
        "try:\n"
        f"    main(['plan', {str(ROOT / 'ecosystem')!r}, '--state', {str(state)!r}, *{fmt!r}])\n"
        "except SystemExit:\n"
        "    pass\n"
        f"print({module!r} in sys.modules, file=sys.stderr)\n"
    )
    env = {"PATH": "/usr/bin:/bin", "ENGAGE_NO_CACHE": "1", colour: "1"}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=env
    )
    return done.stderr.strip().splitlines()[-1] == "True", done.stdout


def test_plan_json_does_not_import_rich(tmp_path: Path) -> None:
    loaded, out = _plan(tmp_path, "--format", "json")
    assert not loaded
    assert json.loads(out)["kind"] == "engage-plan"


def test_plan_json_does_not_import_filelock(tmp_path: Path) -> None:
    loaded, out = _plan(tmp_path, "--format", "json", module="filelock")
    assert not loaded
    assert json.loads(out)["kind"] == "engage-plan"


def test_plan_json_does_not_import_lxml(tmp_path: Path) -> None:
    # the Salesforce writer's lxml fallback (a tree its plain layout does not cover) is
    # the only use of lxml in the generation check; no emitter makes such a tree
    loaded, out = _plan(tmp_path, "--format", "json", module="lxml")
    assert not loaded
    assert json.loads(out)["kind"] == "engage-plan"


def test_the_state_lock_still_locks(tmp_path: Path) -> None:
    from compiler.plan.errors import LockError
    from compiler.plan.lock import state_lock

    state = tmp_path / "state.json"
    with state_lock(state, "apply", 1.0):
        assert (tmp_path / "state.json.lock").exists()
        with pytest.raises(LockError, match="is locked by pid"), state_lock(state, "apply", 0.05):
            pass


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_plain_text_and_markdown_plans_print_without_rich(tmp_path: Path, fmt: str) -> None:
    loaded, out = _plan(tmp_path, "--format", fmt)
    assert not loaded
    assert "120 to add" in out


def test_a_coloured_text_plan_prints_through_rich(tmp_path: Path) -> None:
    loaded, out = _plan(tmp_path, "--format", "text", colour="FORCE_COLOR")
    assert loaded
    assert "\x1b[" in out and "120 to add" in out


def test_the_state_lock_makes_its_folder(tmp_path: Path) -> None:
    from compiler.plan.lock import state_lock

    state = tmp_path / "new" / "deeper" / "state.json"
    with state_lock(state, "apply", 1.0):
        assert (tmp_path / "new" / "deeper" / "state.json.lock").exists()
