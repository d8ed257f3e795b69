"""`compiler.cli.main` pauses the garbage collector for the command and gives it back as
the caller had it: enabled or not, nothing of the caller's left frozen or thawed. Only at
interpreter exit is everything frozen (the exit's collections would walk it all)."""

from __future__ import annotations

import gc
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from compiler.cli import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "ecosystem"


@pytest.fixture
def collector() -> Iterator[None]:
    """The test's collector state, put back afterwards whatever the test did."""
    was_enabled = gc.isenabled()
    yield
    gc.unfreeze()
    if was_enabled:
        gc.enable()
    else:
        gc.disable()


def _run(argv: list[str]) -> int:
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    return int(exit_.value.code or 0)


@pytest.mark.parametrize(
    ("argv", "code"), [(["validate", str(EXAMPLE)], 0), (["validate", "no/such/folder"], 1)]
)
@pytest.mark.usefixtures("collector")
def test_an_enabled_collector_is_enabled_again_and_nothing_stays_frozen(
    argv: list[str], code: int
) -> None:
    """Whether the command succeeds or fails."""
    gc.enable()
    gc.unfreeze()
    assert _run(argv) == code
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0


@pytest.mark.usefixtures("collector")
def test_a_disabled_collector_stays_disabled() -> None:
    gc.disable()
    gc.unfreeze()
    assert _run(["--version"]) == 0
    assert not gc.isenabled()
    assert gc.get_freeze_count() == 0


@pytest.mark.usefixtures("collector")
def test_the_callers_frozen_objects_stay_frozen() -> None:
    gc.enable()
    gc.freeze()
    frozen = gc.get_freeze_count()
    assert frozen > 0
    assert _run(["validate", str(EXAMPLE)]) == 0
    assert gc.isenabled()
    # not thawed, and nothing of the command's added (reference counting may still
    # free a frozen object the command let go of)
    assert 0 < gc.get_freeze_count() <= frozen


@pytest.mark.usefixtures("collector")
def test_garbage_cycles_are_collected_after_main_returns() -> None:
    gc.enable()
    gc.unfreeze()
    _run(["--version"])

    class Node:
        pass

    cycle = Node()
    cycle.self = cycle  # type: ignore[attr-defined]
    del cycle
    assert gc.collect() >= 1


def test_everything_is_frozen_at_exit_and_not_before() -> None:
    """An exit handler registered before `main` runs after main's own (last in, first
    out), so it sees the collector as the interpreter's exit collections will."""
    script = (
        "import atexit, gc\n"
        "atexit.register(lambda: print('exit', gc.isenabled(), gc.get_freeze_count() > 0))\n"
        "from compiler.cli import main\n"
        "for _ in range(2):\n"
        "    try:\n"
        f"        main(['validate', {str(EXAMPLE)!r}])\n"
        "    except SystemExit as exit_:\n"
        "        print('returned', exit_.code, gc.isenabled(), gc.get_freeze_count())\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith(("exit", "returned"))]
    assert lines == ["returned 0 True 0", "returned 0 True 0", "exit False True"]
