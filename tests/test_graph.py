"""The graph stage on real fixture files: dependency edges, order, data flow, cycles."""

from __future__ import annotations

import shutil
from pathlib import Path

import networkx as nx
import pytest

from compiler.graph import (
    EcosystemGraph,
    FlowEdge,
    GraphCycleError,
    build_graph,
    find_cycles,
    flow_edge,
    reverse_precedence,
)
from compiler.graph_algorithms import Digraph
from compiler.graph_tables import FlowGraphBuilder, ResourceGraphBuilder
from compiler.pipeline import compile_path

BASE = Path(__file__).parent / "fixtures" / "rules" / "_base"


def graph_of(path: Path) -> EcosystemGraph:
    comp = compile_path(path)
    assert comp.ok, [str(f.span) + " " + f.message for f in comp.findings]
    assert comp.resolved is not None
    return build_graph(comp.resolved)


@pytest.fixture(scope="module")
def base() -> EcosystemGraph:
    return graph_of(BASE)


def test_every_resource_is_a_node_with_kind_and_path(base: EcosystemGraph) -> None:
    node = base.resources.nodes["data_extension.newsletter"]
    assert node == {"kind": "data_extension", "path": ("data_extensions", "newsletter")}
    assert "consent.email" in base.resources


def test_dependencies_follow_the_declared_references(base: EcosystemGraph) -> None:
    assert base.dependencies("sync_rule.contacts_to_newsletter") == [
        "business_unit.retail",
        "data_extension.newsletter",
        "integration.mc_connect",  # owns mc.Contact_Salesforce, the rule's source
        "integration.mc_queries",
    ]
    assert base.dependencies("business_unit.retail") == ["system.crm", "system.mc"]
    assert base.dependencies("integration.mc_connect") == [
        "integration_user.mc_connect_user",
        "system.crm",
        "system.mc",
    ]
    assert base.dependencies("consent.email") == ["system.crm", "system.mc"]
    assert base.dependents("system.crm") == [
        "business_unit.retail",
        "consent.email",
        "integration.mc_connect",
        "integration_user.mc_connect_user",
    ]
    assert base.dependencies("no.such") == [] and base.dependents("no.such") == []


def test_creation_order_puts_dependencies_first_and_breaks_ties_by_name(
    base: EcosystemGraph,
) -> None:
    order = base.creation_order()
    assert sorted(order) == sorted(base.resources)
    position = {address: i for i, address in enumerate(order)}
    for dependency, dependent in base.resources.edges():
        assert position[dependency] < position[dependent]
    assert order[0] == "system.crm"  # first of the two roots, by address


def test_dataflow_edges_carry_rule_integration_and_schedule(base: EcosystemGraph) -> None:
    flow = base.dataflow
    data = flow.get_edge_data(
        "mc:Contact_Salesforce.Email",
        "mc:newsletter.EmailAddress",
        "sync_rule.contacts_to_newsletter",
    )
    assert data is not None
    edge = flow_edge(data)
    assert edge.integration == "integration.mc_queries"
    assert edge.schedule_seconds == 3600
    assert edge.path == ("sync_rules", "contacts_to_newsletter", "fields", "EmailAddress")
    connect = flow.get_edge_data(
        "crm:Contact.Id", "mc:Contact_Salesforce.Id", "integration.mc_connect"
    )
    assert (
        connect is not None and flow_edge(connect).schedule_seconds == 900
    )  # Id is synchronised even when not listed
    assert flow.nodes["mc:newsletter.OptedOut"] == {
        "system": "mc",
        "object": "newsletter",
        "field": "OptedOut",
        "kind": "data_extension",
    }


def test_two_way_rules_flow_both_ways(tmp_path: Path) -> None:
    shutil.copytree(BASE, tmp_path / "eco")
    (tmp_path / "eco" / "two_way.yaml").write_text(
        "apiVersion: engage/v1\n"
        "sync_rules:\n"
        "  names_back:\n"
        "    integration: mc_queries\n"
        "    source: mc.newsletter\n"
        "    target: mc._Subscribers\n"
        "    direction: two_way\n"
        "    mode: update\n"
        "    precedence: source_wins\n"
        "    fields: {EmailAddress: EmailAddress}\n",
        encoding="utf-8",
    )
    flow = graph_of(tmp_path / "eco").dataflow
    forward = flow.get_edge_data("mc:newsletter.EmailAddress", "mc:_Subscribers.EmailAddress")
    reverse = flow.get_edge_data("mc:_Subscribers.EmailAddress", "mc:newsletter.EmailAddress")
    assert forward is not None and reverse is not None
    assert flow_edge(forward["sync_rule.names_back"]).direction == "forward"
    assert flow_edge(reverse["sync_rule.names_back"]).direction == "reverse"
    # the rule's source (the newsletter) wins both ways: on the reverse flow it is the target
    assert flow_edge(forward["sync_rule.names_back"]).precedence == "source_wins"
    assert flow_edge(reverse["sync_rule.names_back"]).precedence == "target_wins"
    # an update rule never inserts, on the reverse flow either
    assert (
        flow_edge(forward["sync_rule.names_back"]).mode
        == flow_edge(reverse["sync_rule.names_back"]).mode
    )
    assert flow_edge(reverse["sync_rule.names_back"]).mode == "update"


@pytest.mark.parametrize(
    ("declared", "reverse"),
    [
        ("source_wins", "target_wins"),
        ("target_wins", "source_wins"),
        ("most_recent", "most_recent"),
        (None, None),
    ],
)
def test_reverse_precedence_reads_the_declaration_from_the_other_side(
    declared: str | None, reverse: str | None
) -> None:
    assert reverse_precedence(declared) == reverse


def test_build_is_deterministic() -> None:
    first, second = graph_of(BASE), graph_of(BASE)
    assert list(first.resources.edges()) == list(second.resources.edges())
    assert list(first.dataflow.edges(keys=True, data=True)) == list(
        second.dataflow.edges(keys=True, data=True)
    )


def test_find_cycles_reports_one_shortest_cycle_per_component() -> None:
    edges = [("b", "c"), ("c", "d"), ("d", "b"), ("c", "b")]  # one SCC
    edges += [("x", "y"), ("y", "x"), ("z", "z"), ("p", "q")]
    ours = Digraph()
    for u, v in edges:
        ours.add_edge(u, v)
    assert find_cycles(ours) == find_cycles(nx.DiGraph(edges)) == [["b", "c"], ["x", "y"], ["z"]]


def test_find_cycles_on_a_large_acyclic_graph_finds_none() -> None:
    graph = Digraph()
    for i in range(20000):
        graph.add_edge(f"n{i}", f"n{i + 1}")
    for i in range(0, 20000, 3):
        graph.add_edge(f"n{i}", f"n{i + 7}")
    assert find_cycles(graph) == []


def test_creation_order_refuses_a_cycle_and_names_it() -> None:
    graph = ResourceGraphBuilder()
    for node in ("a", "b", "root"):
        graph.add_node(node, "x", ())
    for u, v in [("a", "b"), ("b", "a"), ("root", "a")]:
        graph.add_edge(u, v)
    with pytest.raises(GraphCycleError, match="a -> b -> a"):
        EcosystemGraph(graph.freeze(), FlowGraphBuilder().freeze()).creation_order()


def test_flow_edges_are_frozen_and_typed(base: EcosystemGraph) -> None:
    for _, _, data in base.dataflow.edges(data=True):
        assert isinstance(data, FlowEdge) and flow_edge(data) is data
    assert all(set(d) == {"flow"} for _, _, d in base.dataflow.to_networkx().edges(data=True))
    edge = next(flow_edge(d) for _, _, d in base.dataflow.edges(data=True))
    with pytest.raises(AttributeError):
        edge.precedence = "source_wins"  # type: ignore[misc]
    back = edge.reversed()
    assert back.reverse and not edge.reverse and back.reversed() == edge


def test_connect_edges_render_without_a_mode(base: EcosystemGraph) -> None:
    connect = base.dataflow.get_edge_data(
        "crm:Contact.Id", "mc:Contact_Salesforce.Id", "integration.mc_connect"
    )
    assert connect is not None
    assert "mode" not in flow_edge(connect).attributes()
    rule = base.dataflow.get_edge_data(
        "mc:Contact_Salesforce.Email",
        "mc:newsletter.EmailAddress",
        "sync_rule.contacts_to_newsletter",
    )
    assert rule is not None and flow_edge(rule).attributes()["mode"] is not None


def test_reverse_edges_read_the_values_translation_the_other_way() -> None:
    edge = FlowEdge(rule="sync_rule.x", integration="integration.y", path=(), values=(("a", "B"),))
    assert edge.reversed().values == (("B", "a"),)
    assert edge.reversed().reversed() == edge
    assert edge.attributes()["values"] == [["a", "B"]]
    assert "values" not in FlowEdge(rule="r", integration="i", path=()).attributes()


def test_the_graphs_are_read_only_and_convert_to_networkx(base: EcosystemGraph) -> None:
    graphs: list[object] = [base.resources, base.dataflow]
    for graph in graphs:
        assert not hasattr(graph, "add_edge") and not hasattr(graph, "add_node")
        with pytest.raises(AttributeError):
            graph.extra = 1  # type: ignore[attr-defined]
    resources = base.resources.to_networkx()
    assert list(resources.nodes(data=True)) == [
        (n, base.resources.nodes[n]) for n in base.resources
    ]
    assert list(resources.edges(data=True)) == [(u, v, {}) for u, v in base.resources.edges()]
    flow = base.dataflow.to_networkx()
    assert list(flow.nodes(data=True)) == [(n, base.dataflow.nodes[n]) for n in base.dataflow]
    assert list(flow.edges(keys=True, data=True)) == [
        (u, v, k, {"flow": e}) for u, v, k, e in base.dataflow.edges(keys=True, data=True)
    ]


def test_edges_hold_the_strings_their_nodes_were_added_with(base: EcosystemGraph) -> None:
    def same(a: str) -> str:
        return "".join(list(a))  # an equal string, not the same object

    resources = ResourceGraphBuilder()
    for node in ("system.crm", "business_unit.a", "business_unit.b"):
        resources.add_node(node, node.partition(".")[0], ())
    resources.add_edge(same("system.crm"), same("business_unit.a"))
    resources.add_edge(same("system.crm"), same("business_unit.b"))
    graph = resources.freeze()
    names = {n: n for n in graph}
    for u, v in graph.edges():
        assert u is names[u] and v is names[v]
    # equal neighbour tuples are one tuple
    assert graph.predecessors("business_unit.a") is graph.predecessors("business_unit.b")
    with pytest.raises(KeyError, match="both ends must be nodes first"):
        resources.add_edge("system.crm", "business_unit.c")
    flow = FlowGraphBuilder()
    for node in ("s:O.a", "s:O.b"):
        flow.add_node(node, "s", "O", node[-1], "custom")
    edge = FlowEdge(rule="sync_rule.x", integration="integration.y", path=())
    flow.add_edge(same("s:O.a"), same("s:O.b"), edge)
    frozen = flow.freeze()
    ((u, v),) = frozen.edges()
    own = {n: n for n in frozen}
    assert u is own["s:O.a"] and v is own["s:O.b"]
    with pytest.raises(KeyError, match="both ends must be nodes first"):
        flow.add_edge("s:O.a", "s:O.c", edge)
    # the built graphs: every edge end is its node's own string, one integration
    # string per sync rule
    flow_names = {n: n for n in base.dataflow}
    for u, v in base.dataflow.edges():
        assert u is flow_names[u] and v is flow_names[v]
    by_rule: dict[str, set[int]] = {}
    for _, _, data in base.dataflow.edges(data=True):
        by_rule.setdefault(data.rule, set()).add(id(data.integration))
    assert by_rule and all(len(ids) == 1 for ids in by_rule.values())
    resource_names = {n: n for n in base.resources}
    for u, v in base.resources.edges():
        assert u is resource_names[u] and v is resource_names[v]
