"""Build a Plan: desired resources vs. state → ordered changes with risks and approvals.

Pure: reads nothing and writes nothing; the caller passes the resolved ecosystem, the state
(or None when there is none yet) and where both came from.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from compiler import __version__
from compiler.diagnostics import Finding
from compiler.graph import EcosystemGraph, GraphCycleError, build_graph
from compiler.plan import approvals
from compiler.plan.changes import change_for_delete, change_for_desired
from compiler.plan.conflicts import conflict_requirements, errors, to_conflicts
from compiler.plan.definition import (
    Change,
    InterruptedApply,
    Plan,
    SourceRef,
    StateRef,
    Summary,
)
from compiler.plan.errors import PlanError
from compiler.plan.moves import resolve_moves
from compiler.plan.order import order_changes
from compiler.plan.planfile import seal
from compiler.plan.protect import check_protected
from compiler.plan.resources import DesiredResource, check_existing, desired_resources
from compiler.plan.state import State, StateEntry
from compiler.plan.targets import check_targets, selection, targeted
from compiler.resolved import ResolvedEcosystem


@dataclass(frozen=True)
class PlanInputs:
    resolved: ResolvedEcosystem
    state: State | None
    source_path: str
    state_location: str
    assume_empty: frozenset[str] = field(default_factory=frozenset)
    conflicts: tuple[Finding, ...] = ()  # the unsuppressed check findings (plan.conflicts)
    allow_conflicts: bool = False
    targets: frozenset[str] = field(default_factory=frozenset)  # --target; empty: all
    graph: EcosystemGraph | None = None  # the resolved ecosystem's, when built already


def _desired(
    resolved: ResolvedEcosystem, built: EcosystemGraph | None = None
) -> tuple[dict[str, DesiredResource], list[str]]:
    try:
        graph = built if built is not None else build_graph(resolved)
        order = graph.creation_order()
    except GraphCycleError as err:
        raise PlanError(
            str(err), hint="Run `engage check` to see the cycle and break it."
        ) from None
    deps = {a: tuple(graph.dependencies(a)) for a in resolved.addresses}
    return desired_resources(resolved, deps), order


def _changes(
    inputs: PlanInputs, desired: Mapping[str, DesiredResource], recorded: Mapping[str, StateEntry]
) -> list[Change]:
    moves = resolve_moves(inputs.resolved, recorded)
    out: list[Change] = []
    for address, res in desired.items():
        old = moves.get(address, address)
        change = change_for_desired(res, recorded.get(old), old, old in inputs.assume_empty)
        if change is not None:
            out.append(change)
    moved_away = set(moves.values())
    for address, entry in sorted(recorded.items()):
        if address not in desired and address not in moved_away:
            out.append(change_for_delete(address, entry))
    return out


def _summary(changes: list[Change], desired: int) -> Summary:
    count = {a: sum(c.action == a for c in changes) for a in ("create", "update", "replace")}
    return Summary(
        add=count["create"],
        change=count["update"],
        replace=count["replace"],
        destroy=sum(c.action == "delete" for c in changes),
        move=sum(c.previous_address is not None for c in changes),
        unchanged=desired - sum(c.action != "delete" for c in changes),
    )


def _applied_groups(recorded: Mapping[str, StateEntry]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for address, entry in recorded.items():
        members = entry.attributes.get("members")
        if entry.kind == "group" and isinstance(members, list):
            out[address.split(".", 1)[1]] = [str(m) for m in members]
    return out


def _with_policies(changes: list[Change], inputs: PlanInputs) -> list[Change]:
    """Each change with the governance policies it falls under; one that falls under none
    is kept as it is (its `policies` is already the empty list: no copy)."""
    gov = inputs.resolved.ecosystem.governance
    env = inputs.resolved.environment
    policies = sorted(gov.policies.items())
    out: list[Change] = []
    for c in changes:
        names = [n for n, p in policies if approvals.matches(p, c, env)]
        out.append(c.model_copy(update={"policies": names}) if names or c.policies else c)
    return out


def _production(resolved: ResolvedEcosystem) -> bool:
    env = resolved.ecosystem.ecosystem.environments.get(resolved.environment or "")
    return bool(env and env.production)


def build_plan(inputs: PlanInputs) -> Plan:
    resolved, state = inputs.resolved, inputs.state
    recorded = dict(state.resources) if state is not None else {}
    check_existing(resolved, recorded)
    desired, creation = _desired(resolved, inputs.graph)
    changes = _changes(inputs, desired, recorded)
    counted = len(desired)
    if inputs.targets:
        check_targets(inputs.targets, desired, recorded)
        chosen = selection(inputs.targets, desired, recorded)
        changes = targeted(changes, chosen)
        counted = len(chosen & desired.keys())
    check_protected(resolved, changes, recorded, desired)
    deps = {a: e.dependencies for a, e in recorded.items()}
    changes = _with_policies(order_changes(changes, creation, deps), inputs)
    members = approvals.effective_members(resolved.ecosystem.governance, _applied_groups(recorded))
    conflicts = to_conflicts(inputs.conflicts)
    allowed = inputs.allow_conflicts and bool(errors(conflicts))
    required = approvals.requirements(
        resolved.ecosystem.governance, changes, resolved.environment, members
    )
    if allowed:
        units = {a: r.business_units for a, r in desired.items()}
        required = conflict_requirements(
            resolved.ecosystem.governance, resolved.environment, conflicts, units, members, required
        )
    plan = Plan(
        engage_version=__version__,
        ecosystem=resolved.ecosystem.ecosystem.name,
        environment=resolved.environment,
        production=_production(resolved),
        source=SourceRef(path=inputs.source_path, digest=resolved.source_digest),
        state=StateRef(
            location=inputs.state_location,
            lineage=state.lineage if state else None,
            serial=state.serial if state else 0,
        ),
        summary=_summary(changes, counted),
        changes=changes,
        required_approvals=required,
        approvers=members,
        interrupted_apply=_interrupted(state),
        assumed_empty=sorted(inputs.assume_empty),
        targets=sorted(inputs.targets),
        conflicts=conflicts,
        conflicts_allowed=allowed,
    )
    return seal(plan, _encoded(desired), _plain(desired))


def _encoded(desired: Mapping[str, DesiredResource]) -> dict[int, str]:
    """Each resource attribute's canonical JSON by the identity of its value, for the
    plan's digest to splice in (a created resource's changes hold these very values)."""
    return {
        id(value): res.encoded[key]
        for res in desired.values()
        if res.encoded is not None
        for key, value in res.attributes.items()
        if isinstance(value, (dict, list, float))  # others are written as they are
    }


def _plain(desired: Mapping[str, DesiredResource]) -> set[str]:
    """The resources whose attributes orjson writes as their canonical JSON (those whose
    digest it wrote): the plan's digest takes the values of their creates as they are."""
    return {address for address, res in desired.items() if res.plain}


def _interrupted(state: State | None) -> InterruptedApply | None:
    if state is None or state.apply is None:
        return None
    return InterruptedApply(
        plan_digest=state.apply.plan_digest,
        recorded=sorted(state.apply.recorded),
        deleted=sorted(state.apply.deleted),
    )
