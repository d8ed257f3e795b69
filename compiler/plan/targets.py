"""`engage plan --target ADDRESS`: a plan of some resources and what they depend on.

As with Terraform's `-target`, a targeted plan holds the changes of the named resources
and of everything they depend on (transitively), so that applying it never creates a
resource before what it needs. A target that is only in state (it is being deleted) takes
with it the recorded resources that depend on it and are being deleted too: dependents go
first. Every other change is left out of the plan, which records its targets so that apply
rebuilds exactly the same selection.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from compiler.plan.definition import Change
from compiler.plan.errors import PlanError
from compiler.plan.resources import DesiredResource
from compiler.plan.state import StateEntry
from compiler.suggest import did_you_mean


def check_targets(
    targets: Iterable[str],
    desired: Mapping[str, DesiredResource],
    recorded: Mapping[str, StateEntry],
) -> None:
    """Each target names a declared resource or one in state (a typo would plan nothing)."""
    known = set(desired) | set(recorded)
    for address in sorted(set(targets)):
        if address not in known:
            raise PlanError(
                f"--target {address}: no such resource, declared or in state"
                + did_you_mean(address, known),
                hint="Pass a resource address as `engage graph` or `engage state list` shows "
                "it, e.g. data_extension.newsletter.",
            )


def selection(
    targets: Iterable[str],
    desired: Mapping[str, DesiredResource],
    recorded: Mapping[str, StateEntry],
) -> frozenset[str]:
    """The targets, what they depend on, and the deleted dependents of deleted targets."""
    dependents: dict[str, set[str]] = {}
    for address, entry in recorded.items():
        if address in desired:
            continue
        for dep in entry.dependencies:
            dependents.setdefault(dep, set()).add(address)
    chosen: set[str] = set()
    stack = sorted(set(targets))
    while stack:
        address = stack.pop()
        if address in chosen:
            continue
        chosen.add(address)
        if address in desired:
            stack.extend(desired[address].dependencies)
        else:
            stack.extend(dependents.get(address, ()))
    return frozenset(chosen)


def targeted(changes: Sequence[Change], chosen: frozenset[str]) -> list[Change]:
    """The changes of the selection; a move counts under its new and its old address."""
    return [c for c in changes if c.address in chosen or (c.previous_address or "") in chosen]
