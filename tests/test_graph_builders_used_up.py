"""The graph builders give their edges up as they freeze (issue 11: check's peak RSS),
and the flow builder holds a pair's one edge itself, a dict by key only from a second
key on; the predecessors come out in the order the pairs were first joined, as
networkx's (tests/test_graph_tables.py compares random graphs)."""

from __future__ import annotations

import networkx as nx

from compiler.graph_tables import FlowEdge, FlowGraphBuilder, ResourceGraphBuilder


def _edge(rule: str, n: int = 0) -> FlowEdge:
    return FlowEdge(rule=rule, integration="integration.i", path=("p", n))


def _flow(edges: list[tuple[str, str, FlowEdge]]) -> tuple[FlowGraphBuilder, nx.MultiDiGraph]:
    ours, theirs = FlowGraphBuilder(), nx.MultiDiGraph()
    for u, v, _ in edges:
        for name in (u, v):
            if name not in ours.nodes:
                ours.add_node(name, "sys", "Obj", name, "kind")
                theirs.add_node(name)
    for u, v, e in edges:
        ours.add_edge(u, v, e)
        theirs.add_edge(u, v, key=e.rule, flow=e)
    return ours, theirs


def test_predecessors_in_first_joined_order_with_keys_added_late() -> None:
    a, b, b2, c = _edge("sync_rule.a"), _edge("sync_rule.b"), _edge("sync_rule.b", 2), _edge("c")
    edges = [
        ("x", "t", a),
        ("y", "t", b),
        ("x", "u", a),
        ("y", "t", c),  # a second key between y and t, after other pairs
        ("x", "t", b),
        ("y", "t", b2),  # replaces b between y and t where it stands
        ("t", "t", a),  # a self-loop
        ("u", "x", c),
    ]
    builder, theirs = _flow(edges)
    graph = builder.freeze()
    for node in ("t", "u", "x", "y"):
        assert list(graph.in_edges(node, keys=True, data=True)) == [
            (u, v, k, d["flow"]) for u, v, k, d in theirs.in_edges(node, keys=True, data=True)
        ]
        assert list(graph.out_edges(node, keys=True, data=True)) == [
            (u, v, k, d["flow"]) for u, v, k, d in theirs.out_edges(node, keys=True, data=True)
        ]
        assert graph.predecessors(node) == list(theirs.predecessors(node))
    assert graph.number_of_edges() == theirs.number_of_edges() == 7


def test_one_edge_between_two_nodes_is_held_without_a_dict() -> None:
    one, two = _edge("sync_rule.a"), _edge("sync_rule.b")
    builder, _ = _flow([("x", "y", one), ("x", "z", one), ("x", "z", two)])
    assert builder._succ["x"]["y"] is one
    assert builder._succ["x"]["z"] == {"sync_rule.a": one, "sync_rule.b": two}
    builder.add_edge("x", "y", _edge("sync_rule.a", 5))  # the same key: replaced, still one
    assert builder._succ["x"]["y"] == _edge("sync_rule.a", 5)
    assert builder._joined == ["x", "y", "x", "z"]


def test_freezing_uses_the_builders_up() -> None:
    builder, _ = _flow([("x", "y", _edge("a")), ("y", "x", _edge("b"))])
    graph = builder.freeze()
    assert graph.number_of_edges() == 2
    assert builder._succ == {} and builder._joined == []
    resources = ResourceGraphBuilder()
    for name in ("a", "b", "c"):
        resources.add_node(name, "kind", ("p", name))
    resources.add_edge("a", "b")
    resources.add_edge("a", "c")
    frozen = resources.freeze()
    assert list(frozen.successors("a")) == ["b", "c"]
    assert list(frozen.predecessors("c")) == ["a"]
    assert resources._succ == {} and resources._pred == {}
