"""What `engage plan` does for its memory (compiler.plan.make): the generation check runs
with the cyclic collector on over what it makes only, which changes neither the plan (its
digest and its file, byte for byte, against a plan made without it) nor the collector's
state the caller had."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator
from contextlib import nullcontext

import pytest
from test_mut_plan_make import NOTE
from test_plan_support import (
    STATE,
    apply_now,
    edit,
    in_own_folder,  # noqa: F401 (autouse fixture)
    workspace,
)

from compiler.plan import make
from compiler.plan.errors import GenerationError
from compiler.plan.make import cycles_collected, make_plan
from compiler.plan.planfile import plan_json


class Node:
    """A container the collector tracks, to make reference cycles of."""

    def __init__(self) -> None:
        self.other: Node | None = None


def cycle() -> weakref.ref[Node]:
    first, second = Node(), Node()
    first.other, second.other = second, first
    return weakref.ref(first)


@pytest.fixture(params=[True, False], ids=["collector on", "collector paused"])
def collector(request: pytest.FixtureRequest) -> Iterator[bool]:
    was = gc.isenabled()
    (gc.enable if request.param else gc.disable)()
    try:
        yield request.param
    finally:
        (gc.enable if was else gc.disable)()


def test_the_block_collects_its_own_cycles_and_restores_the_collector(collector: bool) -> None:
    with cycles_collected():
        assert gc.isenabled()
        made = cycle()
    assert made() is None
    assert gc.isenabled() is collector
    assert gc.get_freeze_count() == 0


def test_what_was_alive_before_the_block_is_frozen_for_it() -> None:
    was = gc.isenabled()
    gc.disable()
    try:
        before = cycle()  # garbage already, left to the caller's collector
        with cycles_collected():
            assert gc.get_freeze_count() > 0
        assert before() is not None  # no collection inside the block scanned it
        assert gc.get_freeze_count() == 0
        gc.collect()
        assert before() is None
    finally:
        (gc.enable if was else gc.disable)()


def test_a_refusal_inside_the_block_restores_the_collector(collector: bool) -> None:
    with pytest.raises(ValueError), cycles_collected():
        raise ValueError("refused")
    assert gc.isenabled() is collector
    assert gc.get_freeze_count() == 0


def test_a_refused_generation_check_restores_the_collector(collector: bool) -> None:
    root = workspace()
    (root / "note.yaml").write_text("apiVersion: engage/v1\n" + NOTE, encoding="utf-8")
    with pytest.raises(GenerationError):
        make_plan(str(root), None, STATE, ())
    assert gc.isenabled() is collector
    assert gc.get_freeze_count() == 0


@pytest.mark.parametrize("state", ["empty", "one change"])
def test_the_plan_is_the_plan_made_without_them(
    monkeypatch: pytest.MonkeyPatch, collector: bool, state: str
) -> None:
    root = workspace()
    if state == "one change":
        apply_now()
        edit(root / "integrations.yaml", "max_propagation: 1h", "max_propagation: 2h")
    made = make_plan(str(root), None, STATE, ()).plan
    assert made is not None
    assert made.summary.add == (0 if state == "one change" else len(made.changes))
    monkeypatch.setattr(make, "cycles_collected", nullcontext)
    plain = make_plan(str(root), None, STATE, ()).plan
    assert made is not None and plain is not None
    assert made.digest == plain.digest
    assert plan_json(made) == plan_json(plain)
