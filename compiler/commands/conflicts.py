"""The conflicts a plan's review shows: the unsuppressed findings of `engage check` that
the plan recorded for its sources when it was made (`Plan.conflicts`).

They belong to the plan, so a review reads them from it: nothing is compiled or checked
again when a plan is rendered, and a reviewer never reads the conflicts of another version
of the sources.
"""

from __future__ import annotations

from compiler.diagnostics import REGISTRY, Finding, Severity, Span
from compiler.plan.definition import Plan


def plan_conflicts(plan: Plan) -> list[Finding]:
    """The plan's recorded conflicts as findings (the hint is the code's own)."""
    return [
        Finding(
            code=c.code,
            severity=Severity(c.severity),
            message=c.message,
            span=Span(c.file, c.line, c.column) if c.file else None,
            hint=info.hint if (info := REGISTRY.get(c.code)) is not None else "",
            address=c.address,
        )
        for c in plan.conflicts
    ]
