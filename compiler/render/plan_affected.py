"""What a plan touches, grouped for a reviewer: changes per cloud, and the systems and flows
between them (the diagram of the plan comment and of the review page).

A saved plan is read on its own (`engage show` has no ecosystem), so the grouping works
from what the plan carries: a change belongs to the system in its address
(`system.crm`, `object.crm.Contact`) or to the first system it depends on, directly or
through other changes of the plan; data extensions and business units without a changed
system fall back to their platform by kind. Integrations and sync rules are the flows:
an edge from the system data comes from to the system it goes to.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from compiler.plan.definition import Action, Change, Plan

# Platform names in plain words, by the `type` of a system.
PLATFORMS: dict[str, str] = {
    "salesforce": "Salesforce Sales/Service Cloud",
    "account_engagement": "Account Engagement (Pardot)",
    "marketing_cloud": "Marketing Cloud",
    "social_studio": "Social Studio",
    "interaction_studio": "Interaction Studio",
    "external": "external system",
}
# Kinds that belong to a platform whatever system they name (the system may be unchanged).
_KIND_PLATFORM = {"data_extension": "Marketing Cloud", "business_unit": "Marketing Cloud"}
GOVERNANCE = "Governance and consent"
FLOWS = "Integrations and sync"
_GOVERNANCE_KINDS = frozenset({"group", "consent"})
_FLOW_KINDS = frozenset({"integration", "sync_rule"})
ACTIONS: tuple[Action, ...] = ("create", "update", "replace", "delete", "move")


@dataclass(frozen=True)
class Flow:
    source: str
    target: str
    names: tuple[str, ...]
    directed: bool = True  # False: an integration (a connection) with no changed sync rule


@dataclass(frozen=True)
class Affected:
    """Changes per group (a system or a category) and the flows the plan touches."""

    groups: dict[str, Counter[str]] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    systems: tuple[str, ...] = ()
    flows: tuple[Flow, ...] = ()

    def label(self, group: str) -> str:
        return self.labels.get(group, group)


def _after(change: Change, path: str) -> Any:
    for a in change.attributes:
        if a.path == path:
            return a.after if a.after is not None else a.before
    return None


def _own_system(address: str) -> str | None:
    kind, _, rest = address.partition(".")
    if kind == "system":
        return rest
    if kind == "object":
        return rest.split(".", 1)[0]
    return None


def system_of(change: Change, by_address: Mapping[str, Change], depth: int = 0) -> str | None:
    """The system a change belongs to: its address, a `system` attribute, else the first
    system among its dependencies (followed through the plan's other changes)."""
    own = _own_system(change.address)
    if own is not None:
        return own
    named = _after(change, "system")
    if isinstance(named, str) and named:
        return named
    for dep in change.dependencies:
        found = _own_system(dep)
        if found is not None:
            return found
    if depth < 8:
        for dep in change.dependencies:
            if dep in by_address:
                found = system_of(by_address[dep], by_address, depth + 1)
                if found is not None:
                    return found
    return None


def group_of(change: Change, by_address: Mapping[str, Change]) -> str:
    if change.kind in _GOVERNANCE_KINDS:
        return GOVERNANCE
    if change.kind in _FLOW_KINDS:
        return FLOWS
    system = system_of(change, by_address)
    if system is not None:
        return system
    return _KIND_PLATFORM.get(change.kind, "Other")


def _platforms(plan: Plan) -> dict[str, str]:
    """System name → platform in words, when the plan holds the system's type."""
    out: dict[str, str] = {}
    for c in plan.changes:
        name = _own_system(c.address)
        kind = _after(c, "type")
        if c.kind == "system" and name and isinstance(kind, str):
            out[name] = PLATFORMS.get(kind, kind.replace("_", " "))
    return out


def _endpoints(change: Change, by_address: Mapping[str, Change]) -> tuple[str, str] | None:
    """(from, to) systems of an integration or sync rule."""
    source, target = _after(change, "source"), _after(change, "target")
    if isinstance(source, str) and isinstance(target, str) and source and target:
        return source.split(".", 1)[0], target.split(".", 1)[0]
    systems: list[str] = []
    for dep in change.dependencies:
        own = _own_system(dep)
        if own is None and dep.startswith("integration.") and dep in by_address:
            ends = _endpoints(by_address[dep], by_address)
            if ends is not None:
                return ends
        if own is not None and own not in systems:
            systems.append(own)
    if len(systems) >= 2:
        return systems[0], systems[1]
    return None


def _flows(plan: Plan, by_address: Mapping[str, Change]) -> tuple[Flow, ...]:
    """Sync rules are directed flows; a changed integration that no changed sync rule
    covers is an undirected connection between its systems."""
    directed: dict[tuple[str, str], list[str]] = {}
    links: dict[tuple[str, str], list[str]] = {}
    for c in plan.changes:
        if c.kind not in _FLOW_KINDS:
            continue
        ends = _endpoints(c, by_address)
        if ends is None or ends[0] == ends[1]:
            continue
        name = c.address.split(".", 1)[1]
        if c.kind == "sync_rule":
            directed.setdefault(ends, []).append(name)
        else:
            links.setdefault(tuple(sorted(ends)), []).append(name)  # type: ignore[arg-type]
    covered = {tuple(sorted(pair)) for pair in directed}
    flows = [Flow(s, t, tuple(sorted(n))) for (s, t), n in directed.items()]
    flows += [
        Flow(s, t, tuple(sorted(n)), False) for (s, t), n in links.items() if (s, t) not in covered
    ]
    return tuple(sorted(flows, key=lambda f: (f.source, f.target, f.directed)))


def _marketing_home(
    plan: Plan, named: Mapping[str, str], platforms: Mapping[str, str]
) -> str | None:
    """The one Marketing Cloud system of the plan, for data extensions whose business unit
    is unchanged: the system typed marketing_cloud, else the only system holding business
    units or data extensions of the plan."""
    typed = sorted(n for n, p in platforms.items() if p == PLATFORMS["marketing_cloud"])
    if len(typed) == 1:
        return typed[0]
    holding = {named[c.address] for c in plan.changes if c.kind in _KIND_PLATFORM}
    systems = sorted(holding - set(_KIND_PLATFORM.values()))
    return systems[0] if len(systems) == 1 else None


def affected(plan: Plan) -> Affected:
    by_address = {c.address: c for c in plan.changes}
    platforms = _platforms(plan)
    named = {c.address: group_of(c, by_address) for c in plan.changes}
    home = _marketing_home(plan, named, platforms)
    groups: dict[str, Counter[str]] = {}
    for c in plan.changes:
        group = home if home and named[c.address] == _KIND_PLATFORM.get(c.kind) else None
        groups.setdefault(group or named[c.address], Counter())[c.action] += 1
    labels = {g: f"{g}: {platforms[g]}" if g in platforms else g for g in groups}
    flows = _flows(plan, by_address)
    systems = {g for g in groups if g not in (GOVERNANCE, FLOWS, "Other", *_KIND_PLATFORM.values())}
    systems |= {s for f in flows for s in (f.source, f.target)}
    ordered = dict(sorted(groups.items(), key=lambda kv: (kv[0] in (GOVERNANCE, FLOWS), kv[0])))
    return Affected(ordered, labels, tuple(sorted(systems)), flows)
