"""compiler/graph_tables.py and compiler/graph_algorithms.py against networkx, which they
replace on the check path: the same answers in the same order, on random graphs (parallel
edges, a key added twice, self-loops, nodes without edges) and on every fixture's graphs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from compiler.graph import build_graph, find_cycles
from compiler.graph_algorithms import (
    Digraph,
    cyclic_components,
    lexicographical_topological_sort,
    strongly_connected_components,
    tree_path,
    weakly_connected_components,
)
from compiler.graph_tables import (
    FlowEdge,
    FlowGraph,
    FlowGraphBuilder,
    ResourceGraph,
    ResourceGraphBuilder,
)
from compiler.pipeline import compile_path

NAMES = st.sampled_from([f"n{i}" for i in range(8)])
KEYS = st.sampled_from(["sync_rule.a", "sync_rule.b", "integration.c"])
EDGES = st.lists(st.tuples(NAMES, NAMES, KEYS, st.integers(0, 3)), max_size=40)
NODES = st.lists(NAMES, unique=True, max_size=8)


def _flow_pair(nodes: list[str], edges: list[tuple[str, str, str, int]]) -> tuple[FlowGraph, Any]:
    ours, theirs = FlowGraphBuilder(), nx.MultiDiGraph()

    def node(name: str) -> None:
        if name not in ours.nodes:
            ours.add_node(name, "sys", "Obj", name, "kind")
            theirs.add_node(name, system="sys", object="Obj", field=name, kind="kind")

    for name in nodes:
        node(name)
    for u, v, key, n in edges:
        node(u)
        node(v)
        edge = FlowEdge(rule=key, integration="integration.i", path=("p", n))
        ours.add_edge(u, v, edge)
        theirs.add_edge(u, v, key=key, flow=edge)
    return ours.freeze(), theirs


def _same_flow(ours: FlowGraph, theirs: Any) -> None:
    def plain(edges: Any) -> list[tuple[Any, ...]]:
        return [(*e[:-1], e[-1]["flow"]) for e in edges]

    assert list(ours) == list(theirs) == list(ours.nodes)
    assert len(ours) == ours.number_of_nodes() == theirs.number_of_nodes()
    assert ours.number_of_edges() == theirs.number_of_edges()
    assert list(ours.edges()) == list(theirs.edges())
    assert list(ours.edges(keys=True)) == list(theirs.edges(keys=True))
    assert list(ours.edges(data=True)) == plain(theirs.edges(data=True))
    assert list(ours.edges(keys=True, data=True)) == plain(theirs.edges(keys=True, data=True))
    for n in theirs:
        assert ours.nodes[n] == theirs.nodes[n]
        assert ours.node(n) == tuple(
            theirs.nodes[n][k] for k in ("system", "object", "field", "kind")
        )
        assert ours.successors(n) == list(theirs.successors(n))
        assert ours.predecessors(n) == list(theirs.predecessors(n))
        assert ours.in_degree(n) == theirs.in_degree(n)
        assert ours.out_degree(n) == theirs.out_degree(n)
        assert list(ours.out_edges(n)) == list(theirs.out_edges(n))
        assert list(ours.out_edges(n, data=True)) == plain(theirs.out_edges(n, data=True))
        assert list(ours.out_edges(n, keys=True, data=True)) == plain(
            theirs.out_edges(n, keys=True, data=True)
        )
        assert list(ours.in_edges(n)) == list(theirs.in_edges(n))
        assert list(ours.in_edges(n, data=True)) == plain(theirs.in_edges(n, data=True))
        assert list(ours.in_edges(n, keys=True, data=True)) == plain(
            theirs.in_edges(n, keys=True, data=True)
        )
        for m in theirs if len(theirs) <= 40 else theirs.successors(n):
            mine = ours.get_edge_data(n, m)
            want = theirs.get_edge_data(n, m)
            assert mine == (None if want is None else {k: d["flow"] for k, d in want.items()})
            assert ours.has_edge(n, m) == theirs.has_edge(n, m)
            for key in ("sync_rule.a", "integration.c"):
                found = theirs.get_edge_data(n, m, key)
                assert ours.get_edge_data(n, m, key) == (None if found is None else found["flow"])
    # a node not in the graph: no edges (networkx reads a missing string node so too)
    assert list(ours.out_edges("zz")) == list(theirs.out_edges("zz")) == []
    assert list(ours.in_edges("zz", keys=True, data=True)) == []
    assert "zz" not in ours and "zz" not in ours.nodes
    for ask in (ours.successors, ours.predecessors, ours.in_degree, ours.out_degree):
        with pytest.raises(KeyError):
            ask("zz")
    back = ours.to_networkx()
    assert list(back.nodes(data=True)) == list(theirs.nodes(data=True))
    assert list(back.edges(keys=True, data=True)) == list(theirs.edges(keys=True, data=True))


@settings(max_examples=300, deadline=None)
@given(NODES, EDGES)
def test_flow_graph_answers_as_a_networkx_multidigraph(
    nodes: list[str], edges: list[tuple[str, str, str, int]]
) -> None:
    ours, theirs = _flow_pair(nodes, edges)
    _same_flow(ours, theirs)


def _resource_pair(nodes: list[str], edges: list[tuple[str, str]]) -> tuple[ResourceGraph, Any]:
    ours, theirs = ResourceGraphBuilder(), nx.DiGraph()
    for name in sorted({*nodes, *(n for e in edges for n in e)}):
        ours.add_node(name, name[:1], (name,))
        theirs.add_node(name, kind=name[:1], path=(name,))
    for u, v in edges:
        ours.add_edge(u, v)
        theirs.add_edge(u, v)
    return ours.freeze(), theirs


@settings(max_examples=300, deadline=None)
@given(NODES, st.lists(st.tuples(NAMES, NAMES), max_size=30))
def test_resource_graph_answers_as_a_networkx_digraph(
    nodes: list[str], edges: list[tuple[str, str]]
) -> None:
    ours, theirs = _resource_pair(nodes, edges)
    assert list(ours) == list(theirs) and len(ours) == len(theirs) == ours.number_of_nodes()
    assert list(ours.edges()) == list(theirs.edges())
    assert ours.number_of_edges() == theirs.number_of_edges()
    for n in theirs:
        assert ours.nodes[n] == theirs.nodes[n]
        assert list(ours.successors(n)) == list(theirs.successors(n))
        assert list(ours.predecessors(n)) == list(theirs.predecessors(n))
        assert ours.in_degree(n) == theirs.in_degree(n)
        assert ours.out_degree(n) == theirs.out_degree(n)
        for m in theirs:
            assert ours.has_edge(n, m) == theirs.has_edge(n, m)
    assert "zz" not in ours and not ours.has_edge("zz", "n0")
    with pytest.raises(KeyError):
        ours.successors("zz")
    back = ours.to_networkx()
    assert list(back.nodes(data=True)) == list(theirs.nodes(data=True))
    assert list(back.edges(data=True)) == list(theirs.edges(data=True))


def test_builders_refuse_an_edge_before_its_nodes() -> None:
    resources = ResourceGraphBuilder()
    resources.add_node("a", "k", ())
    with pytest.raises(KeyError):
        resources.add_edge("a", "b")
    with pytest.raises(KeyError):
        resources.add_edge("b", "a")
    flow = FlowGraphBuilder()
    flow.add_node("a", "s", "o", "f", "k")
    edge = FlowEdge(rule="r", integration="i", path=())
    with pytest.raises(KeyError):
        flow.add_edge("a", "b", edge)
    with pytest.raises(KeyError):
        flow.add_edge("b", "a", edge)


FIXTURES = Path(__file__).parent / "fixtures"


def _folders() -> list[Path]:
    found = {p.parent for p in FIXTURES.rglob("*.yaml")}
    return sorted(found | {Path(__file__).parent.parent / "ecosystem"})


def test_every_fixture_graph_reads_as_its_networkx_copy() -> None:
    checked = 0
    for folder in _folders():
        try:
            comp = compile_path(folder)
        except Exception:  # a fixture of bad input may not compile
            continue
        if not comp.ok or comp.resolved is None:
            continue
        graph = build_graph(comp.resolved)
        _same_flow(graph.dataflow, graph.dataflow.to_networkx())
        checked += 1
    assert checked >= 15  # the rule fixtures are overlays, checked with _base elsewhere


# ---------------------------------------------------------------- algorithms
def _digraph(edges: list[tuple[str, str]], nodes: list[str]) -> tuple[Digraph, Any]:
    ours, theirs = Digraph(), nx.DiGraph()
    for n in nodes:
        ours.add_node(n)
        theirs.add_node(n)
    for u, v in edges:
        ours.add_edge(u, v)
        theirs.add_edge(u, v)
    return ours, theirs


def _sets(components: Any) -> set[frozenset[str]]:
    return {frozenset(c) for c in components}


@settings(max_examples=300, deadline=None)
@given(NODES, st.lists(st.tuples(NAMES, NAMES), max_size=30))
def test_components_and_cycles_as_networkx_finds_them(
    nodes: list[str], edges: list[tuple[str, str]]
) -> None:
    ours, theirs = _digraph(edges, nodes)
    assert list(ours) == list(theirs) and len(ours) == len(theirs)
    for n in theirs:
        assert list(ours.successors(n)) == list(theirs.successors(n))
        assert list(ours.predecessors(n)) == list(theirs.predecessors(n))
    strong = strongly_connected_components(ours, ours.successors)
    assert _sets(strong) == _sets(nx.strongly_connected_components(theirs))
    assert sum(len(c) for c in strong) == len(theirs)
    weak = weakly_connected_components(ours, ours.successors, ours.predecessors)
    assert _sets(weak) == _sets(nx.weakly_connected_components(theirs))
    assert sum(len(c) for c in weak) == len(theirs)
    assert find_cycles(ours) == find_cycles(theirs)
    cyclic = cyclic_components(ours, ours.successors, ours.has_edge)
    assert _sets(cyclic) == _sets(
        c for c in strong if len(c) > 1 or any(ours.has_edge(n, n) for n in c)
    )
    assert find_cycles(ours, cyclic) == find_cycles(theirs)
    successors = {n: list(theirs.successors(n)) for n in theirs if theirs.out_degree(n)}
    try:
        expected: list[str] | None = list(nx.lexicographical_topological_sort(theirs))
    except nx.NetworkXUnfeasible:
        expected = None
    assert lexicographical_topological_sort(list(theirs), successors) == expected


def test_strong_components_of_a_long_chain_need_no_recursion() -> None:
    graph = Digraph()
    for i in range(50000):
        graph.add_edge(f"n{i:05}", f"n{i + 1:05}")
    graph.add_edge("n50000", "n00000")
    (only,) = strongly_connected_components(graph, graph.successors)
    assert len(only) == 50001


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 11), min_size=1, max_size=12), st.data())
def test_tree_path_is_networkx_shortest_path_in_a_forest(parents: list[int], data: Any) -> None:
    forest: dict[str, list[str]] = {}
    theirs = nx.Graph()
    nodes = [f"t{i}" for i in range(len(parents) + 1)]
    theirs.add_nodes_from(nodes)
    for i, parent in enumerate(parents, start=1):
        if parent < i and parent % 3:  # some nodes start a tree of their own
            a, b = nodes[i], nodes[parent]
            forest.setdefault(a, []).append(b)
            forest.setdefault(b, []).append(a)
            theirs.add_edge(a, b)
    start = data.draw(st.sampled_from(nodes))
    end = data.draw(st.sampled_from(nodes))
    if nx.has_path(theirs, start, end):
        assert tree_path(forest, start, end) == nx.shortest_path(theirs, start, end)
    else:
        with pytest.raises(KeyError):
            tree_path(forest, start, end)
