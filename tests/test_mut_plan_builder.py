"""Building a plan (compiler.plan.builder), through `build_plan` on the plan fixture's real
files: the production flag of the environment, who may approve (a governance group's
proposed members as far as state records them), the summary's counts."""

from __future__ import annotations

from test_plan_support import (
    apply_now,
    edit,
    in_own_folder,  # noqa: F401 (autouse fixture)
    make_plan,
    read_state,
    workspace,
)


def test_a_plan_for_a_production_environment_says_so() -> None:
    workspace()
    assert make_plan(env="prod").production is True
    assert make_plan(env="dev").production is False
    assert make_plan(env=None).production is False  # the base: no environment
    assert make_plan(env=None).environment is None


def test_approvers_are_the_proposed_members_that_state_records() -> None:
    root = workspace()
    assert make_plan().approvers == {
        "committee": ["ana", "bruno", "carla"],
        "data_protection": ["dpo"],
    }
    apply_now()
    edit(root / "integrations.yaml", "[ana, bruno, carla]", "[ana, bruno, carla, dora]")
    plan = make_plan()
    assert plan.approvers["committee"] == ["ana", "bruno", "carla"]  # dora: proposed only
    assert plan.approvers["data_protection"] == ["dpo"]
    [change] = plan.changes
    assert (change.address, change.action) == ("group.committee", "update")


def test_the_summary_counts_each_action_and_the_unchanged() -> None:
    root = workspace()
    first = make_plan()
    assert first.summary.add == len(first.changes)
    assert first.summary.unchanged == 0
    apply_now()
    state = read_state()
    assert state is not None
    recorded = len(state.resources)
    edit(root / "integrations.yaml", "max_propagation: 1h", "max_propagation: 2h")
    plan = make_plan()
    assert [c.action for c in plan.changes] == ["update"]
    summary = plan.summary
    assert (summary.add, summary.change, summary.replace, summary.destroy, summary.move) == (
        0,
        1,
        0,
        0,
        0,
    )
    assert summary.unchanged == recorded - 1
