"""Refusals of plan, apply and state commands: what is wrong, where, and what to do."""

from __future__ import annotations

from typing import Any

from compiler.diagnostics import Finding, Span


class PlanError(Exception):
    """A user-facing refusal: never a traceback. `span` names the YAML position if any."""

    def __init__(self, message: str, hint: str = "", span: Span | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.span = span

    def render(self) -> str:
        where = f"{self.span}: " if self.span is not None else ""
        hint = f"\n  hint: {self.hint}" if self.hint else ""
        return f"error: {where}{self.message}{hint}"


class StateError(PlanError):
    """The state file is missing, corrupt, foreign, or does not fit the plan."""


class LockError(PlanError):
    """Someone else holds the state lock."""


class StalePlanError(PlanError):
    """The plan was computed against another lineage or serial, or other sources."""


class ApprovalError(PlanError):
    """The plan lacks approvals its changes require, or an approver is not allowed."""


class GenerationError(PlanError):
    """Generating the plan's artifacts reports errors: the apply is refused before it starts.
    `findings` are the generation's findings, shown (with their positions) before it."""

    def __init__(self, message: str, hint: str, findings: tuple[Finding, ...]) -> None:
        super().__init__(message, hint)
        self.findings = findings


class ArtifactsError(PlanError):
    """The changes are recorded, but their artifacts could not be written."""


class ConflictError(PlanError):
    """`check` reports errors on the sources and --allow-conflicts was not given. `plan`
    is the plan that would have been made (shown, never saved)."""

    def __init__(self, message: str, hint: str, plan: Any) -> None:
        super().__init__(message, hint)
        self.plan = plan
