"""The graph stage's two graphs as compact, immutable tables (no networkx on the check path).

`ResourceGraph` (dependencies between resources) and `FlowGraph` (field-level data flow,
a multigraph keyed by the declaring resource) answer the questions rules ask with the
same answers, in the same order, as the networkx `DiGraph` and `MultiDiGraph` they
replace: nodes in insertion order; a node's successors in the order their first edge was
added, predecessors likewise, parallel edges by key in the order added; adding an edge
of an existing (source, target, key) replaces its data in place. A graph holds a tuple of
neighbours per node that has any (no dict per node and edge: networkx kept four dicts
per node and two per data-flow edge, 12 MiB of 54 at 10,000 resources, issue 11) and is
built once by its builder. `to_networkx()` makes the networkx graph `engage graph`'s
renderers and selection use; networkx is imported there only.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal, overload

if TYPE_CHECKING:
    import networkx as nx

Path = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class FlowEdge:
    """One data-flow edge: a mapping of a sync rule, or a field Marketing Cloud Connect
    synchronises. `rule` is the address of the declaring resource (the multigraph key)."""

    rule: str
    integration: str
    path: Path
    transform: tuple[str, ...] = ()
    precedence: str | None = None
    direction: Literal["forward", "reverse"] = "forward"
    mode: str | None = None
    schedule_seconds: int | None = None
    # the mapping's `values` translation as (from, to) pairs, read in this edge's direction
    values: tuple[tuple[str, str], ...] = ()

    @property
    def reverse(self) -> bool:
        return self.direction == "reverse"

    def reversed(self) -> FlowEdge:
        """The same edge read the other way round (the reverse flow of a two-way rule)."""
        other: Literal["forward", "reverse"] = "forward" if self.reverse else "reverse"
        return replace(self, direction=other, values=_swapped(self.values))

    def attributes(self) -> dict[str, Any]:
        """The edge as plain values, for renderers (mode only where a sync rule sets it)."""
        out: dict[str, Any] = {
            "direction": self.direction,
            "integration": self.integration,
            "path": self.path,
            "precedence": self.precedence,
            "rule": self.rule,
            "schedule_seconds": self.schedule_seconds,
            "transform": self.transform,
        }
        if self.mode is not None:
            out["mode"] = self.mode
        if self.values:
            out["values"] = [list(pair) for pair in self.values]
        return out


def _swapped(values: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((b, a) for a, b in values))


def flow_edge(data: FlowEdge | Mapping[str, Any]) -> FlowEdge:
    """The FlowEdge of a data-flow edge: a `FlowGraph` gives it as the edge's data, a
    networkx graph (`FlowGraph.to_networkx`) as its `flow` attribute."""
    if isinstance(data, FlowEdge):
        return data
    edge: FlowEdge = data["flow"]
    return edge


_NONE: tuple[Any, ...] = ()


class _Nodes(Mapping[str, dict[str, Any]]):
    """`graph.nodes`: the nodes in order; `nodes[n]` a fresh dict of n's attributes."""

    __slots__ = ("_fields", "_table")

    def __init__(self, table: Mapping[str, tuple[Any, ...]], fields: tuple[str, ...]) -> None:
        self._table = table
        self._fields = fields

    def __getitem__(self, node: str) -> dict[str, Any]:
        return dict(zip(self._fields, self._table[node], strict=True))

    def __iter__(self) -> Iterator[str]:
        return iter(self._table)

    def __len__(self) -> int:
        return len(self._table)

    def __contains__(self, node: object) -> bool:
        return node in self._table


class _Table:
    """What both graphs answer from their node table alone: membership, iteration in
    insertion order, size, and the KeyError networkx raises for an unknown node."""

    __slots__ = ("_nodes",)
    _nodes: Mapping[str, tuple[Any, ...]]

    def __contains__(self, node: object) -> bool:
        return node in self._nodes

    def __iter__(self) -> Iterator[str]:
        return iter(self._nodes)

    def __len__(self) -> int:
        return len(self._nodes)

    def _check(self, node: str) -> None:
        if node not in self._nodes:
            raise KeyError(f"{node!r} is not in the graph")


def _ends(names: dict[str, str], u: str, v: str) -> tuple[str, str]:
    """An edge's two ends as the very strings their nodes were added with: the graph's
    tables then hold one string per node, not one per edge end (the callers make a new
    address string for every edge: 30 MiB of the graphs at 100,000 resources, issue 11)."""
    cu, cv = names.get(u), names.get(v)
    if cu is None or cv is None:
        raise KeyError(f"edge {u!r} -> {v!r}: both ends must be nodes first")
    return cu, cv


def _used_up(
    table: dict[str, dict[str, None]], shared: dict[tuple[str, ...], tuple[str, ...]]
) -> dict[str, tuple[str, ...]]:
    """`table`'s neighbour dicts as tuples (equal tuples one object, through `shared`),
    in its order, without the empty ones; each dict is taken out of `table` as its tuple
    is made."""
    out: dict[str, tuple[str, ...]] = {}
    for node in list(table):
        t = tuple(table.pop(node))
        if t:
            out[node] = shared.setdefault(t, t)
    return out


# ------------------------------------------------------------------ resources
_RESOURCE_FIELDS = ("kind", "path")


class ResourceGraph(_Table):
    """The resource dependency graph: an edge u → v means v depends on u. Nodes carry
    `kind` and `path`; edges carry nothing."""

    __slots__ = ("_pred", "_succ")

    def __init__(
        self,
        nodes: dict[str, tuple[str, Path]],
        succ: dict[str, tuple[str, ...]],
        pred: dict[str, tuple[str, ...]],
    ) -> None:
        self._nodes = nodes
        self._succ = succ  # only nodes with successors
        self._pred = pred  # only nodes with predecessors

    @property
    def nodes(self) -> Mapping[str, dict[str, Any]]:
        return _Nodes(self._nodes, _RESOURCE_FIELDS)

    def successors(self, node: str) -> tuple[str, ...]:
        self._check(node)
        return self._succ.get(node, _NONE)

    def predecessors(self, node: str) -> tuple[str, ...]:
        self._check(node)
        return self._pred.get(node, _NONE)

    def out_degree(self, node: str) -> int:
        return len(self.successors(node))

    def in_degree(self, node: str) -> int:
        return len(self.predecessors(node))

    def has_edge(self, u: str, v: str) -> bool:
        return v in self._succ.get(u, _NONE)

    def successor_table(self) -> Mapping[str, tuple[str, ...]]:
        """Every node's successors, read-only; a node without any is left out."""
        return MappingProxyType(self._succ)

    def edges(self) -> Iterator[tuple[str, str]]:
        """Every edge, by source in node order, then in the order added."""
        for u in self._nodes:
            for v in self._succ.get(u, _NONE):
                yield u, v

    def number_of_nodes(self) -> int:
        return len(self._nodes)

    def number_of_edges(self) -> int:
        return sum(len(v) for v in self._succ.values())

    def to_networkx(self) -> nx.DiGraph:
        """The same graph as a networkx `DiGraph` (nodes and edges in the same order)."""
        import networkx as nx

        graph = nx.DiGraph()
        for node, (kind, path) in self._nodes.items():
            graph.add_node(node, kind=kind, path=path)
        graph.add_edges_from(self.edges())
        return graph


class ResourceGraphBuilder:
    """Collects a `ResourceGraph`: nodes first, then edges (duplicates ignored)."""

    def __init__(self) -> None:
        self.nodes: dict[str, tuple[str, Path]] = {}
        self._names: dict[str, str] = {}
        self._succ: dict[str, dict[str, None]] = {}
        self._pred: dict[str, dict[str, None]] = {}

    def add_node(self, node: str, kind: str, path: Path) -> None:
        self.nodes[node] = (kind, path)
        self._names[node] = node

    def add_edge(self, u: str, v: str) -> None:
        """An edge between two added nodes."""
        u, v = _ends(self._names, u, v)
        succ = self._succ.get(u)
        if succ is None:
            succ = self._succ[u] = {}
        if v not in succ:
            succ[v] = None
            pred = self._pred.get(v)
            if pred is None:
                pred = self._pred[v] = {}
            pred[u] = None

    def freeze(self) -> ResourceGraph:
        """The graph; the builder's edges are used up (each node's neighbour dict is
        dropped as its tuple is made: both never held whole at once, issue 11: the peak
        RSS of `check`), so a builder is frozen once."""
        # equal neighbour tuples are one tuple (tuples are immutable): half the resources
        # depend on the same few units and systems (2.4 MiB at 100,000 resources, issue 11)
        shared: dict[tuple[str, ...], tuple[str, ...]] = {}
        return ResourceGraph(self.nodes, _used_up(self._succ, shared), _used_up(self._pred, shared))


# ------------------------------------------------------------------ data flow
_FLOW_FIELDS = ("system", "object", "field", "kind")
FlowNode = tuple[str, str, str, str]  # (system, object, field, kind)


def _pairs(flat: tuple[Any, ...]) -> Iterator[tuple[str, FlowEdge]]:
    """(neighbour, edge) pairs of a flat (neighbour, edge, neighbour, edge, ...) tuple."""
    it = iter(flat)
    return zip(it, it, strict=True)


def _edge(u: str, v: str, e: FlowEdge, keys: bool, data: bool) -> tuple[Any, ...]:
    """An edge as networkx gives it: (u, v), then its key, then its data, as asked."""
    if keys:
        return (u, v, e.rule, e) if data else (u, v, e.rule)
    return (u, v, e) if data else (u, v)


class FlowGraph(_Table):
    """The field-level data-flow multigraph: nodes `system:Object.Field` with `system`,
    `object`, `field` and `kind`; each edge a `FlowEdge`, keyed by its `rule`."""

    __slots__ = ("_pred", "_succ")

    def __init__(
        self,
        nodes: dict[str, FlowNode],
        succ: dict[str, tuple[Any, ...]],
        pred: dict[str, tuple[Any, ...]],
    ) -> None:
        self._nodes = nodes
        # per node with edges: its out (in) edges as a flat (target, edge, ...) tuple
        # ((source, edge, ...)), in networkx's order
        self._succ = succ
        self._pred = pred

    @property
    def nodes(self) -> Mapping[str, dict[str, Any]]:
        return _Nodes(self._nodes, _FLOW_FIELDS)

    def node(self, address: str) -> FlowNode:
        """(system, object, field, kind) of a node, without making a dict."""
        return self._nodes[address]

    def successors(self, node: str) -> list[str]:
        """The distinct targets of `node`'s edges, in the order their first edge was added."""
        self._check(node)
        return list(dict.fromkeys(self._succ.get(node, _NONE)[::2]))

    def predecessors(self, node: str) -> list[str]:
        """The distinct sources of the edges into `node`, in the order their first edge was
        added."""
        self._check(node)
        return list(dict.fromkeys(self._pred.get(node, _NONE)[::2]))

    def out_degree(self, node: str) -> int:
        self._check(node)
        return len(self._succ.get(node, _NONE)) // 2

    def in_degree(self, node: str) -> int:
        self._check(node)
        return len(self._pred.get(node, _NONE)) // 2

    def has_edge(self, u: str, v: str, key: str | None = None) -> bool:
        return self.get_edge_data(u, v, key) is not None

    @overload
    def get_edge_data(self, u: str, v: str) -> dict[str, FlowEdge] | None: ...
    @overload
    def get_edge_data(self, u: str, v: str, key: str) -> FlowEdge | None: ...
    @overload
    def get_edge_data(
        self, u: str, v: str, key: str | None
    ) -> dict[str, FlowEdge] | FlowEdge | None: ...
    def get_edge_data(
        self, u: str, v: str, key: str | None = None
    ) -> dict[str, FlowEdge] | FlowEdge | None:
        """Every edge u → v by key (None when there is none), or the edge of `key`."""
        found = {e.rule: e for w, e in _pairs(self._succ.get(u, _NONE)) if w == v}
        if key is None:
            return found or None
        return found.get(key)

    @overload
    def edges(self) -> Iterator[tuple[str, str]]: ...
    @overload
    def edges(self, *, keys: Literal[True]) -> Iterator[tuple[str, str, str]]: ...
    @overload
    def edges(self, *, data: Literal[True]) -> Iterator[tuple[str, str, FlowEdge]]: ...
    @overload
    def edges(
        self, *, keys: Literal[True], data: Literal[True]
    ) -> Iterator[tuple[str, str, str, FlowEdge]]: ...
    def edges(self, *, keys: bool = False, data: bool = False) -> Iterator[tuple[Any, ...]]:
        """Every edge by source in node order, then as `out_edges` orders them."""
        for u in self._nodes:
            yield from self._out(u, keys, data)

    def _out(self, u: str, keys: bool, data: bool) -> Iterator[tuple[Any, ...]]:
        for v, e in _pairs(self._succ.get(u, _NONE)):
            yield _edge(u, v, e, keys, data)

    @overload
    def out_edges(self, node: str) -> Iterator[tuple[str, str]]: ...
    @overload
    def out_edges(
        self, node: str, *, data: Literal[True]
    ) -> Iterator[tuple[str, str, FlowEdge]]: ...
    @overload
    def out_edges(
        self, node: str, *, keys: Literal[True], data: Literal[True]
    ) -> Iterator[tuple[str, str, str, FlowEdge]]: ...
    def out_edges(
        self, node: str, *, keys: bool = False, data: bool = False
    ) -> Iterator[tuple[Any, ...]]:
        """`node`'s edges: by target in the order its first edge was added, then by key in
        the order added; none for a node not in the graph (as networkx gives)."""
        return self._out(node, keys, data)

    @overload
    def in_edges(self, node: str) -> Iterator[tuple[str, str]]: ...
    @overload
    def in_edges(
        self, node: str, *, data: Literal[True]
    ) -> Iterator[tuple[str, str, FlowEdge]]: ...
    @overload
    def in_edges(
        self, node: str, *, keys: Literal[True], data: Literal[True]
    ) -> Iterator[tuple[str, str, str, FlowEdge]]: ...
    def in_edges(
        self, node: str, *, keys: bool = False, data: bool = False
    ) -> Iterator[tuple[Any, ...]]:
        """The edges into `node`, ordered as `out_edges` orders a node's; none for a node
        not in the graph."""
        for u, e in _pairs(self._pred.get(node, _NONE)):
            yield _edge(u, node, e, keys, data)

    def number_of_nodes(self) -> int:
        return len(self._nodes)

    def number_of_edges(self) -> int:
        return sum(len(t) for t in self._succ.values()) // 2

    def to_networkx(self) -> nx.MultiDiGraph:
        """The same graph as a networkx `MultiDiGraph`, each edge's `flow` attribute its
        FlowEdge (nodes, edges and keys in the same order)."""
        import networkx as nx

        graph = nx.MultiDiGraph()
        for node, (system, obj, field, kind) in self._nodes.items():
            graph.add_node(node, system=system, object=obj, field=field, kind=kind)
        for u, v, key, edge in self.edges(keys=True, data=True):
            graph.add_edge(u, v, key=key, flow=edge)
        return graph


class FlowGraphBuilder:
    """Collects a `FlowGraph`. An edge of an existing (source, target, key) replaces that
    edge's data where it stands, as networkx does.

    Between two nodes the builder holds the edge itself, and a dict by key only once a
    second key joins them; the pairs in the order they were first joined (one flat list,
    u, v, u, v, ...) stand for predecessor dicts. Issue 11: at 100,000 resources, 70,000
    pairs had a one-entry dict of each kind, ~25 MiB of the graph stage's peak."""

    def __init__(self) -> None:
        self.nodes: dict[str, FlowNode] = {}
        self._names: dict[str, str] = {}
        self._succ: dict[str, dict[str, FlowEdge | dict[str, FlowEdge]]] = {}
        self._joined: list[str] = []

    def add_node(self, node: str, system: str, obj: str, field: str, kind: str) -> None:
        self.nodes[node] = (system, obj, field, kind)
        self._names[node] = node

    def add_edge(self, u: str, v: str, edge: FlowEdge) -> None:
        """An edge between two added nodes, keyed by `edge.rule`."""
        u, v = _ends(self._names, u, v)
        succ = self._succ.get(u)
        if succ is None:
            succ = self._succ[u] = {}
        held = succ.get(v)
        if held is None:
            succ[v] = edge
            self._joined += (u, v)
        elif isinstance(held, dict):
            held[edge.rule] = edge
        elif held.rule == edge.rule:
            succ[v] = edge
        else:
            succ[v] = {held.rule: held, edge.rule: edge}

    def freeze(self) -> FlowGraph:
        """The graph; the builder's edges are used up as they are packed (each node's
        successors dropped as its tuple is made), so a builder is frozen once."""
        succ_of, joined = self._succ, self._joined
        # each target's sources, in the order the pairs were first joined: one source
        # (most targets) as itself, more as a list
        sources: dict[str, str | list[str]] = {}
        for k in range(0, len(joined), 2):
            u, v = joined[k], joined[k + 1]
            known = sources.get(v)
            if known is None:
                sources[v] = u
            elif isinstance(known, list):
                known.append(u)
            else:
                sources[v] = [known, u]
        joined.clear()
        pred: dict[str, tuple[Any, ...]] = {}
        for v, us in sources.items():
            pred[v] = tuple(
                x for u in ((us,) if isinstance(us, str) else us) for x in _keyed(succ_of[u][v], u)
            )
        del sources
        succ: dict[str, tuple[Any, ...]] = {}
        for u in list(succ_of):
            targets = succ_of.pop(u)
            succ[u] = tuple(x for v, held in targets.items() for x in _keyed(held, v))
        return FlowGraph(self.nodes, succ, pred)


def _keyed(held: FlowEdge | dict[str, FlowEdge], end: str) -> tuple[Any, ...]:
    """`end`, edge, `end`, edge... for the edges a builder holds between two nodes."""
    if isinstance(held, dict):
        return tuple(x for e in held.values() for x in (end, e))
    return (end, held)
