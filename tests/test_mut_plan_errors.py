"""How a refusal of plan, apply and state commands reads (compiler.plan.errors)."""

from __future__ import annotations

from compiler.diagnostics import Span
from compiler.plan.errors import (
    ApprovalError,
    ConflictError,
    GenerationError,
    LockError,
    PlanError,
    StalePlanError,
    StateError,
)


def test_a_refusal_renders_its_position_message_and_hint() -> None:
    err = StateError("corrupt", hint="Restore it.", span=Span(".engage/state/dev.json", 3, 7))
    assert err.render() == "error: .engage/state/dev.json:3:7: corrupt\n  hint: Restore it."
    assert str(err) == "corrupt"


def test_without_a_position_or_a_hint_those_parts_are_left_out() -> None:
    assert PlanError("no plan").render() == "error: no plan"
    assert PlanError("no plan", hint="Make one.").render() == "error: no plan\n  hint: Make one."
    assert PlanError("x", span=Span("f.yaml", 1, 2)).render() == "error: f.yaml:1:2: x"


def test_every_refusal_is_a_plan_error_the_commands_catch() -> None:
    for kind in (StateError, LockError, StalePlanError, ApprovalError):
        err = kind("m", "h")
        assert isinstance(err, PlanError)
        assert (err.message, err.hint, err.span) == ("m", "h", None)


def test_generation_and_conflict_errors_carry_what_they_refused() -> None:
    gen = GenerationError("generation reports errors", "Fix them.", ())
    assert (gen.message, gen.hint, gen.findings, gen.span) == (
        "generation reports errors", "Fix them.", (), None,
    )  # fmt: skip
    plan = object()
    conflict = ConflictError("conflicts", "Pass --allow-conflicts.", plan)
    assert conflict.plan is plan
    assert conflict.render() == "error: conflicts\n  hint: Pass --allow-conflicts."


def test_the_exception_text_is_the_message_alone() -> None:
    # what a caller printing the exception shows, whatever else the constructor was given
    assert str(PlanError("m", "h")) == "m"
    assert str(StateError("m", "h", Span("f", 1, 1))) == "m"
    assert str(GenerationError("m", "h", ())) == "m"
    assert str(ConflictError("m", "h", None)) == "m"
