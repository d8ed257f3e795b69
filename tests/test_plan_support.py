"""Helpers shared by the plan, state, approve and apply tests (this module holds no tests).

Every test runs in its own temporary folder: each test module imports the autouse fixture
`in_own_folder` from here (so it holds whatever conftest does). `workspace()` copies the
plan fixture ecosystem to ./ecosystem, the state goes to .engage/state/.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from compiler.apply import execute
from compiler.pipeline import compile_path
from compiler.plan.approvals import add_approval
from compiler.plan.builder import PlanInputs, build_plan
from compiler.plan.conflicts import check_findings
from compiler.plan.definition import Plan
from compiler.plan.planfile import save_plan
from compiler.plan.state import LocalBackend, State, default_state_path
from compiler.resolved import ResolvedEcosystem
from compiler.source import ParseCache
from compiler.trust.sshsig import load_private_key, sign


@pytest.fixture(autouse=True)
def in_own_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Run in the test's own folder (plans, state and out/ are relative), no colour."""
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.chdir(tmp_path)
    yield tmp_path


REPO = Path(__file__).parent.parent
BASIC = Path(__file__).parent / "fixtures" / "plan" / "basic"
STATE = default_state_path("dev")  # the fixture's default_environment


def workspace(source: Path = BASIC) -> Path:
    root = Path("ecosystem")
    shutil.copytree(source, root)
    return root


def edit(file: Path, old: str, new: str) -> None:
    text = file.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {file}"
    file.write_text(text.replace(old, new, 1), encoding="utf-8")


def append(file: Path, text: str) -> None:
    file.write_text(file.read_text(encoding="utf-8") + text, encoding="utf-8")


def resolve(root: Path = Path("ecosystem"), env: str | None = "dev") -> ResolvedEcosystem:
    comp = compile_path(root, env, cache=ParseCache(None))
    assert comp.ok and comp.resolved is not None, [str(f.message) for f in comp.findings]
    return comp.resolved


def backend(path: Path = STATE) -> LocalBackend:
    return LocalBackend(path)


def read_state(path: Path = STATE) -> State | None:
    return backend(path).read()


def make_plan(
    root: Path = Path("ecosystem"),
    env: str | None = "dev",
    state_path: Path = STATE,
    empty: frozenset[str] = frozenset(),
) -> Plan:
    resolved = resolve(root, env)
    inputs = PlanInputs(
        resolved,
        read_state(state_path),
        root.as_posix(),
        state_path.as_posix(),
        empty,
        conflicts=check_findings(resolved),  # as `engage plan` records them
    )
    return build_plan(inputs)


def apply_now(root: Path = Path("ecosystem"), env: str | None = "dev") -> Plan:
    """Plan and apply in-process (no approvals check): the state then matches the sources."""
    plan = make_plan(root, env)
    execute(plan, resolve(root, env), backend(), read_state(), Path("build"))
    return plan


KEYS = Path(__file__).parent / "fixtures" / "keys"  # throwaway test keys (see README.md)


def key_of(name: str) -> str:
    """The path of NAME's test private key, for `engage approve --key` and `ssh-keygen -Y
    sign`: a copy only its owner can read, since ssh-keygen refuses a private key that
    others can read, and git checks files out readable by all."""
    private = _PRIVATE / name
    if not private.exists():
        _PRIVATE.mkdir(mode=0o700, exist_ok=True)
        shutil.copyfile(KEYS / name, private)
        private.chmod(0o600)
    return private.as_posix()


_PRIVATE = Path(tempfile.gettempdir()) / f"engage-test-keys-{os.getpid()}"


def signer_of(name: str) -> Callable[[bytes], str]:
    private = load_private_key((KEYS / name).read_bytes())
    return lambda message: sign(private, message)


def save_and_approve(plan: Plan, path: Path = Path("plans/p.plan.json")) -> Path:
    """Save the plan and record exactly the (signed) approvals it requires."""
    save_plan(plan, path)
    for req in plan.required_approvals:
        for name in req.members[: req.count]:
            add_approval(plan, path, name, "", signer_of(name))
    return path


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def engage_process(
    *args: str, env: dict[str, str] | None = None, **kwargs: object
) -> subprocess.Popen[str]:
    """Start the real CLI as a separate process (for locks, crashes and kills).

    With SIGINT at its default, as a terminal's Ctrl-C meets it: a suite started in the
    background by a non-interactive shell inherits SIGINT ignored, and Python then installs
    no KeyboardInterrupt handler, so a test's SIGINT would do nothing."""
    full_env = {**os.environ, "NO_COLOR": "1", **(env or {})}
    return subprocess.Popen(  # type: ignore[call-overload, no-any-return]
        [sys.executable, "-m", "compiler.cli", *args],
        env=full_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_default_sigint,
        **kwargs,
    )
