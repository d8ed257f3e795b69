"""data-flow-loops' contraction graph (`dataflow._FlowGraph`): successors only, each edge
holding the first flow (by source, target, key) between its two contracted nodes, in
whatever order the flows come."""

from __future__ import annotations

import itertools

from compiler.graph_tables import FlowEdge
from compiler.rules._util import Flow
from compiler.rules.dataflow import _Contraction, _FlowGraph


def _flow(source: str, target: str, key: str) -> Flow:
    return Flow(source, target, key, FlowEdge(key, "i", ("sync_rules", key, "fields", "x")))


def test_each_edge_keeps_the_first_flow_in_any_order() -> None:
    flows = [
        _flow("a:O.x", "b:O.x", "sync_rule.r2"),
        _flow("a:O.x", "b:O.x", "sync_rule.r1"),
        _flow("a:O.w", "b:O.x", "sync_rule.r9"),
        _flow("a:O.x", "b:O.w", "sync_rule.r0"),
    ]
    for order in itertools.permutations(flows):
        graph = _FlowGraph()
        for f in order:
            graph.add("A", "B", f)
        assert graph.succ == {"A": {"B": flows[2]}}
        assert list(graph) == ["A"] and list(graph.successors("A")) == ["B"]
        assert list(graph.successors("B")) == [] and not graph.has_edge("B", "A")
        assert graph.has_edge("A", "B") and not graph.has_edge("A", "C")
    assert not hasattr(_FlowGraph(), "__dict__")  # one per contraction, slots


def test_the_contraction_holds_the_chosen_flow_per_pair_of_contracted_nodes() -> None:
    one = _flow("s:O.a", "s:O.b", "sync_rule.z")
    two = _flow("s:O.a", "s:O.b", "sync_rule.y")
    back = _flow("s:O.b", "s:O.a", "sync_rule.x")
    whole = _Contraction([(one, False), (two, False), (back, False)])
    assert whole.graph.succ == {"s:O.a": {"s:O.b": two}, "s:O.b": {"s:O.a": back}}
    (loop,) = whole.loops()
    assert loop == [two, back]
