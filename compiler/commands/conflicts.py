"""The conflicts a plan's review shows: `engage check`'s unsuppressed findings for the
planned environment.

Computed when a plan is rendered for review, from the plan's own sources, and only when
they are still the ones the plan was made from (same source digest): a reviewer must not
read conflicts of another version. When saved plans record check's findings themselves,
`plan_conflicts` returns those instead and the renderers stay as they are.
"""

from __future__ import annotations

from pathlib import Path

from compiler.diagnostics import Finding
from compiler.plan.definition import Plan
from compiler.rules.check import check_path


def plan_conflicts(plan: Plan) -> list[Finding] | None:
    """Unsuppressed findings of check for the plan's environment; None when unknown (the
    sources are gone, changed since the plan, or do not validate)."""
    source = Path(plan.source.path)
    if not source.exists():
        return None
    result = check_path(source, plan.environment)
    if not result.analyzed or result.compilation.source.digest != plan.source.digest:
        return None
    return [f for f in result.findings if f.suppressed is None]
