"""`older_objects_frozen`: what is alive on entry is out of the collector's scans while
the block runs and back in them after it (also after an error); cyclic garbage made
inside is still collected; a caller's own freeze is left as it was."""

from __future__ import annotations

import gc

import pytest

from compiler.emit.heap import older_objects_frozen


@pytest.fixture(autouse=True)
def _nothing_frozen() -> None:
    """Each test starts in a process where nothing is frozen. An in-process run of
    `compiler.cli.main` earlier in the session freezes everything at its end (cli.py:
    the objects are left to the OS at exit), which is not the state these tests are about."""
    gc.unfreeze()


class _Cycle:
    def __init__(self) -> None:
        self.me = self


def test_frozen_inside_thawed_after() -> None:
    assert gc.get_freeze_count() == 0
    with older_objects_frozen():
        assert gc.get_freeze_count() > 0
        _Cycle()
        assert gc.collect() >= 1  # garbage made inside is collected
    assert gc.get_freeze_count() == 0


def test_thawed_after_an_error() -> None:
    with pytest.raises(ValueError), older_objects_frozen():
        raise ValueError("boom")
    assert gc.get_freeze_count() == 0


def test_a_callers_freeze_is_kept() -> None:
    gc.freeze()
    try:
        before = gc.get_freeze_count()
        with older_objects_frozen():
            assert gc.get_freeze_count() == before
        assert gc.get_freeze_count() == before
    finally:
        gc.unfreeze()
