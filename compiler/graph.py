"""Graph stage: a ResolvedEcosystem → two graphs of one ecosystem (`compiler.graph_tables`:
compact, immutable, read like networkx graphs; no networkx on the check path).

* `resources`: the resource dependency graph. An edge u → v means "v depends on u": u must
  exist before v is created (a data extension after its business unit, a sync rule after
  its integration, its objects' owners and its business unit...). Plan and apply follow
  `creation_order()`.
* `dataflow`: the field-level data-flow graph. Nodes are field addresses
  `system:Object.Field`; an edge source → target is one mapping of a sync rule (key: the
  rule's address), or one field a Marketing Cloud Connect integration synchronises (key:
  the integration's address). A two-way rule adds the reverse edge too, with the same
  `mode` (an `update` rule never inserts on either side) and its precedence read from the
  other side: `precedence` on an edge is about that edge's source and target, so the
  reverse edge of a `source_wins` rule says `target_wins` (the rule's source still wins).
  Every data-flow edge's data is one frozen `FlowEdge` (what rules and renderers read,
  typed, instead of a free-form attribute dict; `flow_edge` reads it).

Cycles are found with strongly connected components first (linear), then one concrete
cycle is extracted inside each non-trivial component only: networkx's `find_cycle` on a
large acyclic graph is orders of magnitude slower.
"""

from __future__ import annotations

import sys
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from typing import Protocol

from compiler.graph_algorithms import (
    lexicographical_topological_sort,
    strongly_connected_components,
)
from compiler.graph_tables import FlowEdge as FlowEdge
from compiler.graph_tables import FlowGraph as FlowGraph
from compiler.graph_tables import FlowGraphBuilder, ResourceGraphBuilder
from compiler.graph_tables import Path as Path
from compiler.graph_tables import ResourceGraph as ResourceGraph
from compiler.graph_tables import flow_edge as flow_edge
from compiler.model.integrations import Integration
from compiler.model.sync import FieldMapping, SyncRule
from compiler.resolved import ResolvedEcosystem
from compiler.schedule import schedule_seconds


class Adjacency(Protocol):
    """What cycle finding reads of a directed graph (ours, or a networkx one)."""

    def __iter__(self) -> Iterator[str]: ...

    def successors(self, node: str) -> Iterable[str]: ...

    def has_edge(self, u: str, v: str) -> bool: ...


class GraphCycleError(ValueError):
    """The resource graph has a cycle, so no creation order exists."""

    def __init__(self, cycles: list[list[str]]) -> None:
        self.cycles = cycles
        text = "; ".join(" -> ".join([*c, c[0]]) for c in cycles)
        super().__init__(f"resource dependency cycle: {text}")


@dataclass(frozen=True)
class EcosystemGraph:
    resources: ResourceGraph
    dataflow: FlowGraph

    def creation_order(self) -> list[str]:
        """Every resource, dependencies first; ties broken by address (deterministic)."""
        graph = self.resources
        order = lexicographical_topological_sort(list(graph), graph.successor_table())
        if order is None:
            raise GraphCycleError(find_cycles(graph))
        return order

    def dependencies(self, address: str) -> list[str]:
        """What `address` depends on directly (must exist first), sorted."""
        if address not in self.resources:
            return []
        return sorted(self.resources.predecessors(address))

    def dependents(self, address: str) -> list[str]:
        """What depends on `address` directly, sorted."""
        if address not in self.resources:
            return []
        return sorted(self.resources.successors(address))


# --------------------------------------------------------------------- cycles
def find_cycles(graph: Adjacency, components: Iterable[set[str]] | None = None) -> list[list[str]]:
    """One concrete cycle per non-trivial strongly connected component, sorted.

    Each cycle is a list of nodes starting at the component's smallest node, without
    repeating it at the end; a self-loop is a one-node cycle. `components`: the graph's
    strongly connected components, when the caller has them already.
    """
    cycles: list[list[str]] = []
    if components is None:
        components = strongly_connected_components(graph, graph.successors)
    for component in components:
        start = min(component)
        if len(component) == 1 and not graph.has_edge(start, start):
            continue
        cycles.append(shortest_cycle(graph, start, component))
    return sorted(cycles)


def shortest_cycle(graph: Adjacency, start: str, within: Iterable[str]) -> list[str]:
    """The shortest cycle through `start` staying inside `within` (BFS, sorted neighbours)."""
    if graph.has_edge(start, start):
        return [start]
    allowed = set(within)
    parent: dict[str, str] = {}
    queue: deque[str] = deque()
    for succ in sorted(graph.successors(start)):
        if succ in allowed and succ not in parent:
            parent[succ] = start
            queue.append(succ)
    while queue:
        node = queue.popleft()
        for succ in sorted(graph.successors(node)):
            if succ == start:
                return _unwind(parent, node, start)
            if succ in allowed and succ not in parent:
                parent[succ] = node
                queue.append(succ)
    return [start]  # unreachable for a strongly connected `within`


def _unwind(parent: dict[str, str], last: str, start: str) -> list[str]:
    path = [last]
    while path[-1] != start:
        path.append(parent[path[-1]])
    path.reverse()
    return path


# ----------------------------------------------------------------- resources
def owner_address(resolved: ResolvedEcosystem, key: str) -> str:
    """The resource that owns `system.Object`: its data extension, declared object,
    synchronising integration, or else the system itself."""
    spec = resolved.object(key)
    if spec is not None and spec.address and spec.address in resolved.addresses:
        return spec.address
    return f"system.{key.partition('.')[0]}"


def _resource_edges(resolved: ResolvedEcosystem) -> Iterator[tuple[str, str]]:
    """(dependency, dependent) pairs, possibly naming undeclared resources."""
    eco = resolved.ecosystem
    for name, bu in eco.business_units.items():
        for mapping in (
            bu.crm,
            bu.account_engagement,
            bu.marketing_cloud,
            bu.social_studio,
            bu.interaction_studio,
        ):
            if mapping is not None:
                yield f"system.{mapping.system}", f"business_unit.{name}"
    for key in eco.objects:
        yield f"system.{key.partition('.')[0]}", f"object.{key}"
    for name, de in eco.data_extensions.items():
        yield f"business_unit.{de.business_unit}", f"data_extension.{name}"
    for name, user in eco.integration_users.items():
        yield f"system.{user.system}", f"integration_user.{name}"
    for name, integ in eco.integrations.items():
        yield from _integration_edges(name, integ)
    for name, rule in eco.sync_rules.items():
        yield from _sync_rule_edges(resolved, name, rule)
    yield from _dedupe_edges(resolved)
    yield from _campaign_edges(resolved)
    for name, persona in eco.personas.items():
        yield f"system.{persona.system}", f"persona.{name}"
        yield f"object.{persona.system}.{persona.object}", f"persona.{name}"
        yield f"data_extension.{persona.object}", f"persona.{name}"
        if persona.business_unit:
            yield f"business_unit.{persona.business_unit}", f"persona.{name}"
    yield from _audience_edges(resolved)
    yield from _social_edges(resolved)
    for channel, cc in eco.consent.channels.items():
        yield f"system.{cc.system_of_record}", f"consent.{channel}"
        for system in cc.storage:
            yield f"system.{system}", f"consent.{channel}"
        if cc.per_unit is not None:
            for system in cc.per_unit.storage:
                yield f"system.{system}", f"consent.{channel}"
            for unit in cc.per_unit.business_units:
                yield f"business_unit.{unit}", f"consent.{channel}"


def _integration_edges(name: str, integ: Integration) -> Iterator[tuple[str, str]]:
    me = f"integration.{name}"
    for system in (integ.from_, integ.to, integ.via):
        if system:
            yield f"system.{system}", me
    if integ.user:
        yield f"integration_user.{integ.user}", me


def _sync_rule_edges(
    resolved: ResolvedEcosystem, name: str, rule: SyncRule
) -> Iterator[tuple[str, str]]:
    me = f"sync_rule.{name}"
    yield f"integration.{rule.integration}", me
    yield owner_address(resolved, rule.source), me
    yield owner_address(resolved, rule.target), me
    if rule.business_unit:
        yield f"business_unit.{rule.business_unit}", me


def _dedupe_edges(resolved: ResolvedEcosystem) -> Iterator[tuple[str, str]]:
    eco = resolved.ecosystem
    for name, mr in eco.matching_rules.items():
        yield f"system.{mr.system}", f"matching_rule.{name}"
    for name, dr in eco.duplicate_rules.items():
        me = f"duplicate_rule.{name}"
        yield f"system.{dr.system}", me
        for ref in dr.match_rules:
            yield f"matching_rule.{ref}", me
        for user in dr.bypass:
            yield f"integration_user.{user}", me
        for cp in dr.exempt.custom_permissions:
            yield f"custom_permission.{cp}", me
    for name, permission in eco.custom_permissions.items():
        yield f"system.{permission.system}", f"custom_permission.{name}"
    for user_name, integration_user in eco.integration_users.items():
        for held in integration_user.custom_permissions:
            yield f"custom_permission.{held}", f"integration_user.{user_name}"


def _audience_edges(resolved: ResolvedEcosystem) -> Iterator[tuple[str, str]]:
    """An audience after its system and unit; the sync rules sending its members after it
    (the audience exists on the platform before members are added)."""
    for name, aud in resolved.ecosystem.audiences.items():
        me = f"audience.{name}"
        yield f"system.{aud.system}", me
        if aud.business_unit:
            yield f"business_unit.{aud.business_unit}", me
        for rule_name in aud.members:
            yield me, f"sync_rule.{rule_name}"


def _social_edges(resolved: ResolvedEcosystem) -> Iterator[tuple[str, str]]:
    """A queue after its org, its routing configuration and its public groups (public
    groups and routing configurations after their org); a social care integration after
    the queues it routes cases
    to and the matching rule that finds its personas' parents. (A CRM's Customer 360 view
    is part of its system, which every integration already follows.)"""
    eco = resolved.ecosystem
    for name, queue in eco.queues.items():
        yield f"system.{queue.system}", f"queue.{name}"
        # a queue after the routing configuration and groups it names (deployed first)
        if queue.omni_channel in eco.routing_configs:
            yield f"routing_config.{queue.omni_channel}", f"queue.{name}"
        for member in queue.members.public_groups:
            if member in eco.public_groups:
                yield f"public_group.{member}", f"queue.{name}"
    for name, group in eco.public_groups.items():
        yield f"system.{group.system}", f"public_group.{name}"
    for name, config in eco.routing_configs.items():
        yield f"system.{config.system}", f"routing_config.{name}"
    for name, integ in eco.integrations.items():
        care = integ.social_care
        if care is None:
            continue
        for route in care.routes:
            yield f"queue.{route.queue}", f"integration.{name}"
        if care.personas.matching_rule:
            yield f"matching_rule.{care.personas.matching_rule}", f"integration.{name}"


def _campaign_edges(resolved: ResolvedEcosystem) -> Iterator[tuple[str, str]]:
    """A campaign after its system, unit, parent and connected Account Engagement system;
    the sync rules that write its members after the campaign."""
    for name, camp in resolved.ecosystem.campaigns.items():
        me = f"campaign.{name}"
        yield f"system.{camp.system}", me
        if camp.business_unit:
            yield f"business_unit.{camp.business_unit}", me
        if camp.parent:
            yield f"campaign.{camp.parent}", me
        if camp.connected is not None:
            yield f"system.{camp.connected.system}", me
        for rule_name in camp.members:
            yield me, f"sync_rule.{rule_name}"


def build_resources(resolved: ResolvedEcosystem) -> ResourceGraph:
    graph = ResourceGraphBuilder()
    for address in sorted(resolved.addresses):
        # the kind interned: one string per kind, not one per node (issue 11: memory)
        kind = sys.intern(address.partition(".")[0])
        graph.add_node(address, kind, tuple(resolved.addresses[address]))
    nodes = graph.nodes
    for dependency, dependent in _resource_edges(resolved):
        if dependency in nodes and dependent in nodes and dependency != dependent:
            graph.add_edge(dependency, dependent)
    return graph.freeze()


# ------------------------------------------------------------------ data flow
REVERSED_PRECEDENCE = {"source_wins": "target_wins", "target_wins": "source_wins"}


def reverse_precedence(precedence: str | None) -> str | None:
    """A rule's precedence as the reverse flow of a two-way rule reads it: `source_wins`
    means the rule's source wins, which on the reverse flow (target → source) is the
    flow's target; `most_recent` reads the same both ways."""
    return REVERSED_PRECEDENCE.get(precedence, precedence) if precedence else precedence


def transforms(mapping: str | FieldMapping) -> tuple[str, ...]:
    if isinstance(mapping, str):
        return ()
    raw = [mapping.transform] if isinstance(mapping.transform, str) else mapping.transform
    return tuple(t for t in raw if t != "none")


class _FlowBuilder:
    def __init__(self, resolved: ResolvedEcosystem) -> None:
        self.resolved = resolved
        self.graph = FlowGraphBuilder()

    def field_node(self, system: str, obj: str, field: str) -> str:
        address = f"{system}:{obj}.{field}"
        if address not in self.graph.nodes:
            spec = self.resolved.objects.get(system, {}).get(obj)
            kind = spec.kind if spec is not None else "unknown"
            self.graph.add_node(address, sys.intern(system), sys.intern(obj), field, kind)
        return address

    def sync_rule(self, name: str, rule: SyncRule) -> None:
        ssys, _, sobj = rule.source.partition(".")
        tsys, _, tobj = rule.target.partition(".")
        integ = self.resolved.ecosystem.integrations.get(rule.integration)
        address = f"sync_rule.{name}"
        integration = f"integration.{rule.integration}"  # one string for the rule's edges
        seconds = schedule_seconds(integ)
        for target in sorted(rule.fields):
            mapping = rule.fields[target]
            tnode = self.field_node(tsys, tobj, target)
            source = mapping if isinstance(mapping, str) else mapping.from_
            if source is None:
                continue
            snode = self.field_node(ssys, sobj, source)
            precedence = rule.precedence if isinstance(mapping, str) else mapping.precedence
            precedence = precedence or rule.precedence
            edge = FlowEdge(
                rule=address,
                integration=integration,
                path=("sync_rules", name, "fields", target),
                transform=transforms(mapping),
                precedence=precedence,
                mode=rule.mode,
                schedule_seconds=seconds,
                values=() if isinstance(mapping, str) else tuple(sorted(mapping.values.items())),
            )
            self.graph.add_edge(snode, tnode, edge)
            if rule.direction == "two_way":
                back = replace(edge, direction="reverse", precedence=reverse_precedence(precedence))
                self.graph.add_edge(tnode, snode, back)

    def connect(self, name: str, integ: Integration) -> None:
        mcc = integ.marketing_cloud_connect
        if mcc is None:
            return
        address = f"integration.{name}"
        for obj in sorted(mcc.objects):
            opath: Path = ("integrations", name, "marketing_cloud_connect", "objects", obj)
            listed = [(field, (*opath, i)) for i, field in enumerate(mcc.objects[obj])]
            if "Id" not in mcc.objects[obj]:
                listed.append(("Id", opath))  # always synchronised, the record's key
            for field, path in listed:
                snode = self.field_node(integ.from_, obj, field)
                tnode = self.field_node(integ.to, f"{obj}_Salesforce", field)
                edge = FlowEdge(
                    rule=address,
                    integration=address,
                    path=path,
                    precedence="source_wins",
                    schedule_seconds=schedule_seconds(integ),
                )
                self.graph.add_edge(snode, tnode, edge)

    def consent_fields(self) -> None:
        for cc in self.resolved.ecosystem.consent.channels.values():
            for system, storage in sorted(cc.storage.items()):
                self.field_node(system, storage.object, storage.field)
            units = cc.per_unit.storage if cc.per_unit is not None else {}
            for system, unit_storage in sorted(units.items()):
                self.field_node(system, unit_storage.object, unit_storage.field)


def build_dataflow(resolved: ResolvedEcosystem) -> FlowGraph:
    builder = _FlowBuilder(resolved)
    eco = resolved.ecosystem
    for name in sorted(eco.integrations):
        builder.connect(name, eco.integrations[name])
    for name in sorted(eco.sync_rules):
        builder.sync_rule(name, eco.sync_rules[name])
    builder.consent_fields()
    return builder.graph.freeze()


def build_graph(resolved: ResolvedEcosystem) -> EcosystemGraph:
    return EcosystemGraph(resources=build_resources(resolved), dataflow=build_dataflow(resolved))
