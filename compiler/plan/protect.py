"""Protected resources (`protected: true`) are never deleted or replaced by a plan.

Protection is read from state for deletes (the declaration is gone, the recorded flag is
not) and from either side for replaces. To remove a protected resource on purpose, first
apply `protected: false`, then remove it.
"""

from __future__ import annotations

from collections.abc import Mapping

from compiler.plan.definition import Change
from compiler.plan.errors import PlanError
from compiler.plan.resources import DesiredResource
from compiler.plan.state import StateEntry
from compiler.resolved import ResolvedEcosystem


def _protected(
    change: Change, recorded: Mapping[str, StateEntry], desired: Mapping[str, DesiredResource]
) -> bool:
    old = recorded.get(change.previous_address or change.address)
    was = bool(old and old.attributes.get("protected"))
    new = desired.get(change.address)
    return was or bool(change.action == "replace" and new and new.protected)


def check_protected(
    resolved: ResolvedEcosystem,
    changes: list[Change],
    recorded: Mapping[str, StateEntry],
    desired: Mapping[str, DesiredResource],
) -> None:
    """Raise one PlanError naming every protected resource the plan would destroy."""
    hits = [
        c for c in changes if c.action in ("delete", "replace") and _protected(c, recorded, desired)
    ]
    if not hits:
        return
    lines = []
    for c in hits:
        why = f" ({'; '.join(c.reasons)})" if c.reasons else ""
        lines.append(f"{c.address} is protected and this plan would {c.action} it{why}")
    first = desired.get(hits[0].address)
    span = None
    if first is not None:  # the `protected: true` that refuses it, else the resource
        span = resolved.index.at((*first.path, "protected"))
    raise PlanError(
        "; ".join(lines),
        hint="Keep the resource (restore its declaration, or declare a `moved:` entry if it "
        "was renamed), or change it so it can be updated in place. To destroy it on purpose, "
        "first set `protected: false` and apply that, then remove it.",
        span=span,
    )
