"""Nothing in a plan decides where engage reads or writes: apply takes the ecosystem and
the state from its command line and refuses a plan that recorded others."""

from __future__ import annotations

from pathlib import Path

from conftest import RunEngage
from test_plan_support import (
    STATE,
    in_own_folder,  # noqa: F401 (autouse fixture)
    make_plan,
    save_and_approve,
    workspace,
)

from compiler.plan.definition import SourceRef, StateRef
from compiler.plan.planfile import seal

PLAN = Path("plans/p.plan.json")


def test_a_re_sealed_plan_pointing_state_outside_is_refused_and_nothing_written(
    engage: RunEngage, tmp_path: Path
) -> None:
    workspace()
    plan = make_plan()
    outside = "../../x.json"
    moved = seal(
        plan.model_copy(update={"state": StateRef(location=outside, lineage=None, serial=0)})
    )
    save_and_approve(moved, PLAN)
    result = engage("apply", PLAN.as_posix())
    assert result.code == 1
    assert f"computed against the state {outside}, but this apply would use {STATE}" in (result.err)
    assert "engage never writes where a plan file says" in result.err
    assert not (tmp_path / outside).resolve().exists()
    assert not STATE.exists()


def test_a_re_sealed_plan_naming_other_sources_is_refused(engage: RunEngage) -> None:
    workspace()
    Path("other").mkdir()
    plan = make_plan()
    moved = seal(
        plan.model_copy(update={"source": SourceRef(path="other", digest=plan.source.digest)})
    )
    save_and_approve(moved, PLAN)
    result = engage("apply", PLAN.as_posix())
    assert result.code == 1
    assert "the plan was made from the ecosystem 'other', but this apply compiles 'ecosystem'" in (
        result.err
    )
    assert "engage never reads where a plan file says" in result.err


def test_the_same_paths_spelled_differently_are_the_same(engage: RunEngage) -> None:
    workspace()
    save_and_approve(make_plan(), PLAN)
    result = engage(
        "apply", PLAN.as_posix(), "--source", "./ecosystem/", "--state", f"./{STATE.as_posix()}"
    )
    assert result.code == 0, result.err
