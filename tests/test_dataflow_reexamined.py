"""data-flow-loops' re-examinations read only the parts they need: the same loops, in the
same order, as re-reading every part of the component for every unit (written out below:
the rule as it was before, which was quadratic in a component of many units and many
unscoped loops)."""

from __future__ import annotations

import heapq
import random
from collections.abc import Iterable, Iterator
from types import SimpleNamespace
from typing import Any

import pytest

from compiler.graph_algorithms import (
    Digraph,
    strongly_connected_components,
    weakly_connected_components,
)
from compiler.graph_tables import FlowEdge
from compiler.rules import dataflow
from compiler.rules._util import Flow, flows
from compiler.rules.context import Context
from compiler.rules.dataflow import _Contraction, _cyclic_classes, _two_way, unit_of


def reference_loops(ctx: Context) -> Iterator[list[Flow]]:
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
    components = strongly_connected_components(whole.graph, whole.graph.successors)
    component: dict[str, int] = {}
    scoped: dict[tuple[int, str | None], list[int]] = {}
    examined: set[tuple[int, str]] = set()
    seen: set[frozenset[tuple[str, str, str]]] = set()
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
                    if part(f.source) == part(f.target):
                        where = (component[f.source], unit[index])
                        scoped.setdefault(where, []).append(index)
            here = component[loop[0].source]
            todo = [u for u in sorted(units) if (here, u) not in examined]
            examined.update((here, u) for u in todo)
            candidates = (
                inner
                for unit in todo
                for inner in _Contraction(
                    (forward[i], two_way[i])
                    for i in heapq.merge(scoped.get((here, None), []), scoped.get((here, unit), []))
                ).loops()
            )
        for found in candidates:
            key = frozenset((f.key, f.source, f.target) for f in found)
            if key not in seen and len(units_of(found)) <= 1:
                seen.add(key)
                yield found


def _context(rng: random.Random, most_nodes: int, most_rules: int) -> Any:
    """Random flows between a few fields: one-way and two-way rules, scoped to a few units
    or to none, and a flow of no sync rule; a stub context holding them."""
    nodes = [f"s:o.f{i}" for i in range(rng.randint(2, most_nodes))]
    units = [None, "u1", "u2", "u3"][: rng.randint(1, 4)]
    rules: dict[str, SimpleNamespace] = {}
    found: list[Flow] = []
    graph = Digraph()
    for node in nodes:
        graph.add_node(node)
    for r in range(rng.randint(1, most_rules)):
        name = f"r{r}"
        two = rng.random() < 0.2
        direction = "two_way" if two else "one_way"
        rules[name] = SimpleNamespace(direction=direction, business_unit=rng.choice(units))
        for _ in range(rng.randint(1, 2)):
            a, b = rng.choice(nodes), rng.choice(nodes)
            edge = FlowEdge(f"sync_rule.{name}", "i", ("sync_rules", name, "fields", "x"))
            found.append(Flow(a, b, f"sync_rule.{name}", edge))
            graph.add_edge(a, b)
            if two:
                found.append(Flow(b, a, f"sync_rule.{name}", edge.reversed()))
                graph.add_edge(b, a)
    if rng.random() < 0.3:
        a, b = rng.choice(nodes), rng.choice(nodes)
        found.append(Flow(a, b, "mcc.x", FlowEdge("mcc.x", "i", ("systems", "x"))))
        graph.add_edge(a, b)
    found.sort(key=lambda f: (f.source, f.target, f.key, f.reverse))
    return SimpleNamespace(
        memo={"flows": found},
        eco=SimpleNamespace(sync_rules=rules),
        graph=SimpleNamespace(dataflow=graph),
    )


@pytest.mark.parametrize(("seed", "most_nodes", "most_rules"), [(1, 9, 14), (2, 24, 40)])
def test_the_same_loops_in_the_same_order_as_reading_every_part(
    seed: int, most_nodes: int, most_rules: int
) -> None:
    rng = random.Random(seed)
    loops = 0
    for _ in range(1500):
        ctx = _context(rng, most_nodes, most_rules)
        expected = list(reference_loops(ctx))
        assert list(dataflow._loops(ctx)) == expected
        loops += len(expected)
    assert loops > 1500  # the cases hold loops, not only acyclic flows


def test_unscoped_loops_beside_mixed_unit_loops() -> None:
    """Two mixed-unit loops a_k → b_k → a_k in one component, an unscoped loop
    a_k → c_k → a_k beside each: each unscoped loop once, the mixed loops not at all."""
    rules = {
        "ab0": "u0", "ba0": "u1", "ab1": "u1", "ba1": "u0", "ac0": None, "ca0": None,
        "ac1": None, "ca1": None, "feed0": None, "feed1": None,
    }  # fmt: skip
    ends = {
        "ab0": ("a0", "b0"), "ba0": ("b0", "a0"), "ab1": ("a1", "b1"), "ba1": ("b1", "a1"),
        "ac0": ("a0", "c0"), "ca0": ("c0", "a0"), "ac1": ("a1", "c1"), "ca1": ("c1", "a1"),
        "feed0": ("crm", "a0"), "feed1": ("crm", "a1"),
    }  # fmt: skip
    graph = Digraph()
    found = []
    for name, (a, b) in sorted(ends.items()):
        source, target = f"m:{a}.Key", f"m:{b}.Key"
        edge = FlowEdge(f"sync_rule.{name}", "i", ("sync_rules", name, "fields", "Key"))
        found.append(Flow(source, target, f"sync_rule.{name}", edge))
        graph.add_edge(source, target)
    ctx: Any = SimpleNamespace(
        memo={"flows": found},
        eco=SimpleNamespace(
            sync_rules={
                n: SimpleNamespace(direction="one_way", business_unit=u) for n, u in rules.items()
            }
        ),
        graph=SimpleNamespace(dataflow=graph),
    )
    got = [sorted(f.key for f in loop) for loop in dataflow._loops(ctx)]
    assert sorted(got) == [
        ["sync_rule.ac0", "sync_rule.ca0"],
        ["sync_rule.ac1", "sync_rule.ca1"],
    ]
    assert got == [sorted(f.key for f in loop) for loop in reference_loops(ctx)]


def test_a_mapping_with_its_own_precedence_needs_none_from_its_two_way_rule() -> None:
    """two-way-precedence: of a two-way rule without a precedence, the mappings that give
    none are reported (the plain ones and those written out without one), not those that
    give their own."""
    own = SimpleNamespace(precedence="target_wins")
    written_out = SimpleNamespace(precedence=None)
    sync = SimpleNamespace(
        direction="two_way",
        precedence=None,
        target="crm.Contact",
        fields={"A": "a", "B": own, "C": written_out},
    )
    ctx: Any = SimpleNamespace(
        eco=SimpleNamespace(sync_rules={"both": sync}),
        field=lambda address: None,
        finding=lambda info, message, path, **kw: path,
    )
    found: list[Any] = list(dataflow.two_way_precedence(ctx))
    assert found == [
        ("sync_rules", "both", "fields", "A"),
        ("sync_rules", "both", "fields", "C"),
    ]
