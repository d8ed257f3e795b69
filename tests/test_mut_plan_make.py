"""Making a plan (compiler.plan.make) on the plan fixture's real files: which environment
a missing --env means, a compilation with errors gives no plan, what --assume-empty
accepts, and a plan whose artifacts cannot be generated is refused before it is saved."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import RunEngage
from test_plan_conflicts import with_conflict
from test_plan_support import (
    STATE,
    apply_now,
    edit,
    in_own_folder,  # noqa: F401 (autouse fixture)
    workspace,
)

from compiler.compile_default import compile_default
from compiler.plan.errors import ConflictError, GenerationError, PlanError
from compiler.plan.make import make_plan, plan_compiled

NOTE = "objects:\n  crm.Contact:\n    fields:\n      Note__c: {type: text, length: 300}\n"


def test_no_environment_means_the_default_environment() -> None:
    root = workspace()
    for given, meant in ((None, "dev"), ("prod", "prod")):
        resolved = compile_default(str(root), given).resolved
        assert resolved is not None and resolved.environment == meant
    made = make_plan(str(root), None, STATE, ())
    assert made.plan is not None and made.plan.environment == "dev"


def test_no_default_environment_means_the_base() -> None:
    root = workspace()
    edit(root / "ecosystem.yaml", "  default_environment: dev\n", "")
    comp = compile_default(str(root), None)
    assert comp.ok and comp.resolved is not None
    assert comp.resolved.environment is None
    made = make_plan(str(root), None, Path(".engage/state/base.json"), ())
    assert made.plan is not None and made.plan.environment is None


def test_a_base_with_errors_is_not_compiled_again_for_the_default() -> None:
    root = workspace()
    edit(root / "data.yaml", "      Points: {type: Number}\n", "      Points: {type: Numbr}\n")
    comp = compile_default(str(root), None)
    assert not comp.ok
    assert comp.resolved is None or comp.resolved.environment is None
    made = make_plan(str(root), None, STATE, ())
    assert made.plan is None and made.compilation is not None
    assert not made.compilation.ok


def test_assume_empty_accepts_only_data_extensions() -> None:
    root = workspace()
    with pytest.raises(PlanError) as refused:
        make_plan(str(root), None, STATE, ("system.mc",))
    assert "only data extensions can be declared empty" in refused.value.message
    made = make_plan(str(root), None, STATE, ("data_extension.newsletter",))
    assert made.plan is not None
    assert made.plan.assumed_empty == ["data_extension.newsletter"]


def test_assume_empty_of_a_data_extension_only_in_state() -> None:
    root = workspace()
    apply_now()
    edit(root / "data.yaml", "  orders:\n", "  orders_v2:\n")
    made = make_plan(str(root), None, STATE, ("data_extension.orders",))
    assert made.plan is not None and made.plan.assumed_empty == ["data_extension.orders"]
    with pytest.raises(PlanError) as refused:
        make_plan(str(root), None, STATE, ("data_extension.ordrs",))
    assert "no such data extension" in refused.value.message
    assert "data_extension.orders" in refused.value.message  # did you mean


def test_a_plan_whose_artifacts_cannot_be_generated_is_refused(engage: RunEngage) -> None:
    root = workspace()
    (root / "note.yaml").write_text("apiVersion: engage/v1\n" + NOTE, encoding="utf-8")
    with pytest.raises(GenerationError) as refused:
        make_plan(str(root), None, STATE, ())
    assert "E8612" in {f.code for f in refused.value.findings}
    run = engage("plan", str(root), "--out", "plans/p.plan.json")
    assert run.code == 1
    assert "generating the artifacts of this plan reports errors" in run.err
    assert "E8612" in run.out + run.err
    assert not Path("plans/p.plan.json").exists()


def test_the_state_of_another_environment_is_refused() -> None:
    root = workspace()
    apply_now(env="prod")  # recorded at the dev path: the state of prod
    with pytest.raises(PlanError) as refused:
        make_plan(str(root), "dev", STATE, ())
    assert "is the state of environment 'prod', not 'dev'" in refused.value.message


def test_allowing_conflicts_without_conflict_errors_marks_nothing() -> None:
    root = workspace()
    made = make_plan(str(root), None, STATE, (), allow_conflicts=True)
    assert made.plan is not None
    assert {c.severity for c in made.plan.conflicts} == {"warning"}  # no error to allow
    assert made.plan.conflicts_allowed is False


def test_conflicts_are_refused_unless_allowed_by_name() -> None:
    """`allow_conflicts` defaults to refusing, for make_plan and plan_compiled alike: a
    caller that does not say so gets the ConflictError, never a marked plan."""
    root = with_conflict()
    with pytest.raises(ConflictError) as refused:
        make_plan(str(root), None, STATE, ())
    assert "reports 1 conflict error(s)" in refused.value.message
    assert refused.value.plan is not None
    assert [c.code for c in refused.value.plan.conflicts if c.severity == "error"] == ["E6003"]
    comp = compile_default(str(root), None)
    assert comp.ok
    with pytest.raises(ConflictError):
        plan_compiled(comp, str(root), STATE, ())
