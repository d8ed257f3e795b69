"""Data-flow conflicts: two writers on one field, loops that make updates ping-pong,
two-way syncs that never say which side wins."""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator

from compiler.diagnostics import Finding, code
from compiler.graph import find_cycles
from compiler.graph_algorithms import cyclic_components, tree_path, weakly_connected_components
from compiler.rules._util import Flow, flows
from compiler.rules.context import Context, split_field
from compiler.rules.registry import rule

E_TWO_WRITERS = code(
    "E3001",
    "Field written by two sources",
    "Two mappings write the same field of the same record from different sources, and "
    "neither a system of record on the field nor the mappings' precedence says which value "
    "wins: the field flips between the two values on every sync, and reports disagree.",
    "Declare `system_of_record` on the target field, or give every mapping a `precedence` "
    "(at most one `source_wins`), or drop one of the mappings.",
)
E_CYCLE = code(
    "E3002",
    "Data-flow loop",
    "Data flows round a loop on the same field (A → B → A, or a longer cycle) through "
    "different sync rules, so every update travels back to where it came from and updates "
    "ping-pong between the systems, burning API calls and overwriting fresh values.",
    "Break the loop: make one of the rules one-way in the other direction, drop the "
    "mapping that closes the loop, or replace the pair by one two-way rule with a precedence.",
)
W_TWO_WAY_NO_PRECEDENCE = code(
    "W3003",
    "Two-way sync without precedence",
    "A two-way rule writes both sides; when a record changes on both sides between two "
    "runs, nothing says which change is kept.",
    "Set `precedence` on the rule (or on each mapping), or declare `system_of_record` on "
    "the fields.",
)

_WINNERS = ("source_wins",)


def _kind(flow: Flow) -> str:
    precedence = flow.edge.precedence
    return "none" if precedence is None else "wins" if precedence in _WINNERS else "yields"


# Nothing decides between two writers when one has no precedence or both claim to win:
# the kinds of earlier writers a writer of each kind conflicts with.
_CONFLICTS_WITH = {
    "none": ("none", "wins", "yields"),
    "wins": ("none", "wins"),
    "yields": ("none",),
}


class _Pool:
    """Earlier writers of one (unit, kind), in order, indexed so that the first one not kept
    apart from a later writer by the Account Engagement connector's one-to-one sync is
    found in constant time (scanning the pool made a field with many connector writers
    quadratic)."""

    def __init__(self) -> None:
        self.items: list[tuple[int, Flow, str | None]] = []  # (position, flow, integration)
        self.other: tuple[int, Flow] | None = None  # first of another integration than [0]'s
        self.by_object: dict[tuple[str | None, tuple[str, str]], tuple[int, Flow]] = {}

    def add(self, position: int, flow: Flow, integration: str | None) -> None:
        if self.items and self.other is None and integration != self.items[0][2]:
            self.other = (position, flow)
        self.items.append((position, flow, integration))
        self.by_object.setdefault((integration, split_field(flow.source)[:2]), (position, flow))

    def first_apart(self, later: Flow, connector: str | None) -> Flow | None:
        """The first writer `later` can conflict with: any when `later` is not written by an
        Account Engagement connector's rule (`connector` None), else the first of another
        integration (or of none) or from the same source object. Flows of one connector
        from different Salesforce objects never write the same prospect: the connector
        keeps a one-to-one relationship between a prospect and one lead, contact or person
        account (Salesforce Help, "Considerations for Accounts That Allow Multiple
        Prospects with the Same Email Address")."""
        if not self.items:
            return None
        if connector is None:
            return self.items[0][1]
        found: list[tuple[int, Flow]] = []
        first = self.items[0]
        if first[2] != connector:
            found.append((first[0], first[1]))
        elif self.other is not None:
            found.append(self.other)
        same = self.by_object.get((connector, split_field(later.source)[:2]))
        if same is not None:
            found.append(same)
        return min(found, key=lambda item: item[0])[1] if found else None


def _integration(ctx: Context, flow: Flow) -> str | None:
    """The integration of a flow's sync rule (None for a flow no sync rule declares)."""
    name = flow.rule_name
    return ctx.eco.sync_rules[name].integration if name is not None else None


def _connector(ctx: Context, integration: str | None) -> str | None:
    """`integration` when it is an Account Engagement connector, else None."""
    if integration is None:
        return None
    return integration if ctx.eco.integrations[integration].type == _AE_CONNECTOR else None


_AE_CONNECTOR = "account_engagement_connector"


def _conflicting_pair(ctx: Context, writers: list[Flow]) -> tuple[Flow, Flow] | None:
    """An earlier writer and the first later one that write the same record with nothing
    deciding between them: unscoped or of one business unit (a record syncs to one unit
    only), not kept apart by the Account Engagement connector's one-to-one sync
    (`_Pool.first_apart`). Earlier writers are indexed by unit and kind, so a field with many
    writers stays linear."""
    by_unit: dict[tuple[str | None, str], _Pool] = defaultdict(_Pool)
    by_kind: dict[str, _Pool] = defaultdict(_Pool)
    for position, later in enumerate(writers):
        unit, kind = unit_of(ctx, later), _kind(later)
        integration = _integration(ctx, later)
        connector = _connector(ctx, integration)
        for other in _CONFLICTS_WITH[kind]:
            pools = (
                [by_kind[other]] if unit is None else [by_unit[None, other], by_unit[unit, other]]
            )
            for pool in pools:
                earlier = pool.first_apart(later, connector)
                if earlier is not None:
                    return earlier, later
        by_unit[unit, kind].add(position, later, integration)
        by_kind[kind].add(position, later, integration)
    return None


@rule("two-writers", E_TWO_WRITERS)
def two_writers(ctx: Context) -> Iterator[Finding]:
    """A field written by several mappings with no system of record or precedence."""
    writers: dict[str, list[Flow]] = defaultdict(list)
    for flow in flows(ctx):
        writers[flow.target].append(flow)
    for target in sorted(writers):
        found = sorted(writers[target], key=lambda f: (f.key, f.path, f.reverse))
        if len(found) < 2:
            continue
        spec = ctx.field(target)
        if spec is not None and spec.system_of_record:
            continue
        pair = _conflicting_pair(ctx, found)
        if pair is None:
            continue
        first, second = pair
        yield ctx.finding(
            E_TWO_WRITERS,
            f"{target} is written by {second.key} (from {second.source}) and by {first.key} "
            f"(from {first.source}); nothing says which value wins",
            second.path,
            address=second.key,
            related=[
                (w.path, f"also written by {w.key} from {w.source}")
                for w in found
                if w is not second
            ],
        )


# -------------------------------------------------------------------- cycles
class _Links:
    """Two-way rules as undirected links; components joined by them act as one node."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}
        self.forest: dict[str, dict[str, Flow]] = {}  # node → neighbour → the link between
        self.closing: list[Flow] = []

    def find(self, node: str) -> str:
        root = node
        while self.parent.get(root, root) != root:
            root = self.parent[root]
        while self.parent.get(node, node) != root:
            self.parent[node], node = root, self.parent[node]
        return root

    def link(self, flow: Flow) -> None:
        a, b = self.find(flow.source), self.find(flow.target)
        if a == b:
            self.closing.append(flow)  # the two-way links themselves close a loop
            return
        self.parent[max(a, b)] = min(a, b)
        self.forest.setdefault(flow.source, {})[flow.target] = flow
        self.forest.setdefault(flow.target, {})[flow.source] = flow

    def walk(self, start: str, end: str) -> list[Flow]:
        """The links from `start` to `end`, each in the walk's direction (the one path
        between them: the links form a forest)."""
        if start == end:
            return []
        out = []
        for a, b in itertools.pairwise(tree_path(self.forest, start, end)):
            link = self.forest[a][b]
            out.append(link if link.source == a else _reversed(link))
        return out


def _reversed(flow: Flow) -> Flow:
    return Flow(flow.target, flow.source, flow.key, flow.edge.reversed())


def _two_way(ctx: Context, flow: Flow) -> bool:
    name = flow.rule_name
    return name is not None and ctx.eco.sync_rules[name].direction == "two_way"


class _FlowGraph:
    """The contraction's one-way flows as a graph of contracted nodes, successors only
    (what cycle finding reads): each edge holds the first flow (by source, target, key)
    between its two nodes. A `Digraph` beside a dict of node pairs kept a predecessor
    dict per node and a tuple per flow that nothing read."""

    __slots__ = ("succ",)

    def __init__(self) -> None:
        self.succ: dict[str, dict[str, Flow]] = {}

    def add(self, a: str, b: str, flow: Flow) -> None:
        out = self.succ.get(a)
        if out is None:
            out = self.succ[a] = {}
        first = out.get(b)
        if first is None or (flow.source, flow.target, flow.key) < (
            first.source,
            first.target,
            first.key,
        ):
            out[b] = flow

    def __iter__(self) -> Iterator[str]:
        return iter(self.succ)

    def successors(self, node: str) -> Iterable[str]:
        return self.succ.get(node, _NONE).keys()

    def has_edge(self, u: str, v: str) -> bool:
        return v in self.succ.get(u, _NONE)


_NONE: dict[str, Flow] = {}


class _Contraction:
    """Flows with their two-way rules contracted: the links (union-find and forest), the
    one-way flows between contracted nodes as a graph holding the first flow (by source,
    target, key) of each pair of contracted nodes."""

    def __init__(self, forward: Iterable[tuple[Flow, bool]]) -> None:
        self.links = _Links()
        one_way: list[Flow] = []
        for flow, two_way in forward:
            (self.links.link if two_way else one_way.append)(flow)
        self.graph = _FlowGraph()
        find = self.links.find
        for flow in one_way:
            self.graph.add(find(flow.source), find(flow.target), flow)

    def loops(self, components: Iterable[set[str]] | None = None) -> Iterator[list[Flow]]:
        """One loop per cycle (the links' own first, then the graph's), as flows;
        `components`: the graph's strongly connected components holding a cycle (at least),
        when already known."""
        links = self.links
        for flow in links.closing:
            yield [flow, *links.walk(flow.target, flow.source)]
        for cycle in find_cycles(self.graph, components):
            succ = self.graph.succ
            hops = [succ[a][b] for a, b in zip(cycle, [*cycle[1:], cycle[0]], strict=True)]
            path: list[Flow] = []
            for hop, following in zip(hops, [*hops[1:], hops[0]], strict=True):
                path.append(hop)
                path.extend(links.walk(hop.target, following.source))
            yield path


def _cyclic_classes(
    whole: _Contraction, components: Iterable[set[str]]
) -> Callable[[str], tuple[int, str]]:
    """Each field's strongly connected part of the flows (two-way links contracted, as
    `_Contraction` contracts them; `components`: its graph's strongly connected
    components). Every flow of a loop of any subset of the flows joins two fields of one
    part: a loop of the subset is a closed walk of the whole, and a two-way link's ends
    are one contracted node. A flow between two parts lies on no such loop, and leaving it
    out changes neither the links, nor the flow chosen for a pair of contracted nodes
    (both of a pair's flows cross parts alike), nor any strongly connected component of a
    subset: the subset's loops are the same without it. `components` may leave out the
    components of one node and no self-loop (`cyclic_components`): such a node's part is
    then its own root, as for a node outside the graph, which tells it apart from every
    other part as its index did."""
    scc: dict[str, int] = {}
    for i, nodes in enumerate(components):
        scc.update(dict.fromkeys(nodes, i))
    links = whole.links

    def part(node: str) -> tuple[int, str]:
        root = links.find(node)
        return (scc[root], "") if root in scc else (-1, root)

    return part


def unit_of(ctx: Context, flow: Flow) -> str | None:
    """The business unit whose records a flow moves (None: every unit's)."""
    name = flow.rule_name
    return ctx.eco.sync_rules[name].business_unit if name is not None else None


def _loops(ctx: Context) -> Iterator[list[Flow]]:
    """Loops whose flows can move the same records: rules scoped to different business
    units move disjoint records (a contact syncs to one business unit only), so a cycle
    mixing them is re-examined unit by unit.

    Each (component, unit) is re-examined once: its loops are all yielded (or seen) the
    first time, so a later cycle of the same component and unit adds nothing. Rescanning
    the component's flows for every mixed cycle made the rule quadratic. A re-examination
    reads only the flows that can lie on a cycle (`_cyclic_classes`: both ends in one
    strongly connected part of all the flows), indexed by component and unit: filtering
    the whole component for each of its units was quadratic too (many mixed loops in one
    component), and the flows left out change none of the cycles found.

    Each rule's unit and direction are read once (by the flows' key), and the
    contraction of all the flows and its strongly connected components are built once,
    for the first pass and for the parts both (they were built twice)."""
    forward = [f for f in flows(ctx) if not f.reverse]
    by_key: dict[str, tuple[bool, str | None]] = {}  # a flow's key → (two-way, unit)
    for f in forward:
        if f.key not in by_key:
            by_key[f.key] = (_two_way(ctx, f), unit_of(ctx, f))
    two_way = [by_key[f.key][0] for f in forward]
    unit = [by_key[f.key][1] for f in forward]

    def units_of(loop: list[Flow]) -> set[str]:  # a loop's flows are forward flows' keys
        return {u for u in (by_key[f.key][1] for f in loop) if u is not None}

    whole = _Contraction(zip(forward, two_way, strict=True))
    components = cyclic_components(whole.graph, whole.graph.successors, whole.graph.has_edge)
    component: dict[str, int] = {}
    # (component, part, unit or None) → the indices of its flows, in order; (component,
    # unit) → the parts holding flows of the unit; component → its parts holding unscoped
    # flows whose unscoped-only loops have not been read yet (see `_reexamined`).
    scoped: dict[tuple[int, tuple[int, str], str | None], list[int]] = {}
    parts_of: dict[tuple[int, str], list[tuple[int, str]]] = {}
    unread: dict[int, dict[tuple[int, str], None]] = {}
    examined: set[tuple[int, str]] = set()
    seen: set[frozenset[tuple[str, str, str]]] = set()

    def reexamined(here: int, unit: str) -> list[int]:
        """The flows of component `here` a re-examination for `unit` reads, in order: the
        parts holding flows of the unit (with their unscoped flows), and the parts of
        unscoped flows only whose loops no re-examination has read yet. The other parts
        hold unscoped flows only, whose loops (the same in every re-examination: the parts
        share no node, so each part's contraction and cycles are its own) were all seen
        the first time; reading them again for every unit made a component of many units
        and many unscoped loops quadratic."""
        with_unit = parts_of.get((here, unit), [])
        pending = unread.get(here, {})
        chosen = [*with_unit, *(p for p in pending if (here, p, unit) not in scoped)]
        for p in chosen:
            if (here, p, unit) not in scoped:
                del pending[p]  # read here without flows of the unit: its own loops
        return sorted(i for p in chosen for u in (None, unit) for i in scoped.get((here, p, u), ()))

    for loop in whole.loops(components):
        units = units_of(loop)
        candidates: Iterable[list[Flow]] = [loop]
        if len(units) > 1:
            if not component:
                flow = ctx.graph.dataflow
                weak = weakly_connected_components(flow, flow.successors, flow.predecessors)
                for i, nodes in enumerate(weak):
                    component.update(dict.fromkeys(nodes, i))
                part = _cyclic_classes(whole, components)
                for index, f in enumerate(forward):
                    where = part(f.source)
                    if where == part(f.target):
                        weak_i, u = component[f.source], unit[index]
                        indices = scoped.setdefault((weak_i, where, u), [])
                        if not indices:
                            if u is None:
                                unread.setdefault(weak_i, {})[where] = None
                            else:
                                parts_of.setdefault((weak_i, u), []).append(where)
                        indices.append(index)
            here = component[loop[0].source]
            todo = [u for u in sorted(units) if (here, u) not in examined]
            examined.update((here, u) for u in todo)
            candidates = (
                inner
                for unit in todo
                for inner in _Contraction(
                    (forward[i], two_way[i]) for i in reexamined(here, unit)
                ).loops()
            )
        for found in candidates:
            key = frozenset((f.key, f.source, f.target) for f in found)
            if key not in seen and len(units_of(found)) <= 1:
                seen.add(key)
                yield found


@rule("data-flow-loops", E_CYCLE)
def data_flow_loops(ctx: Context) -> Iterator[Finding]:
    """Data-flow cycles on a field, reported with the cycle path."""
    for loop in _loops(ctx):
        start = min(range(len(loop)), key=lambda i: (loop[i].rule_name is None, loop[i].key))
        loop = loop[start:] + loop[:start]
        text = " → ".join(f"{f.source} ({f.key})" for f in loop) + f" → {loop[0].source}"
        yield ctx.finding(
            E_CYCLE,
            f"data flows in a loop: {text}; updates will ping-pong",
            loop[0].path,
            address=loop[0].key,
            related=[(f.path, f"the loop continues: {f.source} → {f.target}") for f in loop[1:]],
        )


@rule("two-way-precedence", W_TWO_WAY_NO_PRECEDENCE)
def two_way_precedence(ctx: Context) -> Iterator[Finding]:
    """Two-way sync rules with a mapping that has no precedence."""
    for name in sorted(ctx.eco.sync_rules):
        sync = ctx.eco.sync_rules[name]
        if sync.direction != "two_way" or sync.precedence is not None:
            continue
        tsys, _, tobj = sync.target.partition(".")
        for target in sorted(sync.fields):
            mapping = sync.fields[target]
            if not isinstance(mapping, str) and mapping.precedence is not None:
                continue
            spec = ctx.field(f"{tsys}:{tobj}.{target}")
            if spec is not None and spec.system_of_record:
                continue
            yield ctx.finding(
                W_TWO_WAY_NO_PRECEDENCE,
                f"two-way sync rule {name!r} maps {target!r} without a precedence",
                ("sync_rules", name, "fields", target),
                address=f"sync_rule.{name}",
                related=[(("sync_rules", name, "direction"), "the rule is two-way here")],
            )
