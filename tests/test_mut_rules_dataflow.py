"""compiler/rules/dataflow.py: the exemptions and alternative paths the mutation run found
unpinned (benchmarks/mutation.py, benchmarks/README.md "Mutation scores"). Each case is a
fixture folder under tests/fixtures/rules/ over `_base/`, like tests/test_rules_fixtures.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_rules_fixtures import check_case, positions

from compiler.graph import FlowEdge
from compiler.graph_algorithms import cyclic_components
from compiler.rules._util import Flow
from compiler.rules.dataflow import _Contraction, _cyclic_classes, _Links

# (code, fires in, silent in, every finding of the code: (file, line, col, related))
CASES = [
    # the connector's flow is the earlier writer and the other is a middleware flow of
    # another integration: the connector's one-to-one sync does not keep them apart
    ("E3001", "e3001_ae_order_fires", "e3001_ae_silent", [
        ("case.yaml", 44, 18, (("case.yaml", 34, 18),)),
    ]),
    # two fields of the same lead into one prospect field over one connector: the
    # one-to-one sync keeps apart different objects only
    ("E3001", "e3001_ae_same_object_fires", "e3001_ae_silent", [
        ("case.yaml", 33, 18, (("case.yaml", 43, 20),)),
    ]),
    # a pool whose first writer is the connector's: its second writer, of another
    # integration, is not kept apart from a later connector writer of another object
    ("E3001", "e3001_ae_pool_other_fires", "e3001_ae_pool_other_silent", [
        ("case.yaml", 59, 18, (("case.yaml", 40, 18), ("case.yaml", 50, 20))),
    ]),
    # a pool whose first writer is another integration's, and an earlier writer of the
    # later connector writer's own object: both conflict, the earlier one is named
    ("E3001", "e3001_ae_pool_same_fires", "e3001_ae_pool_same_silent", [
        ("case.yaml", 62, 18, (("case.yaml", 43, 20), ("case.yaml", 53, 18))),
    ]),
    # one-way hops joined by a two-way rule walked against its declared direction
    ("E3002", "e3002_mixed_fires", "e3002_mixed_silent", [
        ("case.yaml", 30, 17, (("case.yaml", 41, 17), ("case.yaml", 49, 20))),
    ]),
]  # fmt: skip


@pytest.mark.parametrize(
    ("code", "fires", "silent", "expected"), CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES]
)
def test_fires(tmp_path: Path, code: str, fires: str, silent: str, expected: list[object]) -> None:
    assert positions(check_case(tmp_path, fires), code) == expected


@pytest.mark.parametrize("silent", sorted({c[2] for c in CASES}))
def test_silent(tmp_path: Path, silent: str) -> None:
    assert [(f.code, f.message) for f in check_case(tmp_path, silent)] == []


def test_a_loop_through_a_two_way_rule_names_the_walk_in_its_direction(tmp_path: Path) -> None:
    # the two-way rule is declared shop → profile; the loop walks it profile → shop, and
    # the message names the hops in the loop's direction
    (loop,) = [f for f in check_case(tmp_path, "e3002_mixed_fires") if f.code == "E3002"]
    assert loop.message == (
        "data flows in a loop: crm:Contact.Nickname__c (sync_rule.nicknames_out) → "
        "mc:profile.JobTitle (sync_rule.shop_profile_titles) → shop:Customer.Job "
        "(sync_rule.shop_nicknames) → crm:Contact.Nickname__c; updates will ping-pong"
    )
    assert [r.message for r in loop.related] == [
        "the loop continues: mc:profile.JobTitle → shop:Customer.Job",
        "the loop continues: shop:Customer.Job → crm:Contact.Nickname__c",
    ]


def _two_way(source: str, target: str) -> Flow:
    return Flow(source, target, f"sync_rule.{source}_{target}", FlowEdge("r", "i", ("x",)))


def test_two_way_links_find_the_root_of_a_deep_chain_and_shorten_it() -> None:
    # s joins m, then m joins c: s is two links below the root c; finding it returns c
    # and re-hangs s (and m) directly under c, so later look-ups are one step
    links = _Links()
    links.link(_two_way("s", "m"))
    links.link(_two_way("m", "c"))
    assert links.parent == {"s": "m", "m": "c"}
    assert links.find("s") == "c"
    assert links.parent == {"s": "c", "m": "c"}
    links.link(_two_way("c", "s"))  # closes the loop
    assert [(f.source, f.target) for f in links.closing] == [("c", "s")]
    assert [(f.source, f.target) for f in links.walk("s", "c")] == [("s", "m"), ("m", "c")]


def test_of_two_earlier_writers_a_connector_writer_conflicts_with_the_first_is_named(
    tmp_path: Path,
) -> None:
    # the middleware's contact rule (position 0) and the connector's own lead rule
    # (position 1) both conflict with the connector's lead-nickname rule: the first is named
    (two,) = [f for f in check_case(tmp_path, "e3001_ae_pool_same_fires") if f.code == "E3001"]
    assert two.message == (
        "pardot:Prospect.FirstName is written by sync_rule.prospect_c_lead_nicknames (from "
        "crm:Lead.Nickname__c) and by sync_rule.prospect_a_names (from crm:Contact.Nickname__c); "
        "nothing says which value wins"
    )


def test_a_flow_between_strongly_connected_parts_is_in_no_part() -> None:
    """`_cyclic_classes`: the fields of one strongly connected part (two-way links
    contracted) share a part; a field outside every cycle is a part of its own (with the
    other end of its two-way links), so a flow leaving a loop joins two parts and a
    re-examination never reads it."""
    a_b, b_a = _two_way("a", "b"), _two_way("b", "a")
    b_c, c_d, d_e = _two_way("b", "c"), _two_way("c", "d"), _two_way("d", "e")
    whole = _Contraction([(a_b, False), (b_a, False), (b_c, False), (c_d, False), (d_e, True)])
    components = cyclic_components(whole.graph, whole.graph.successors, whole.graph.has_edge)
    assert components == [{"a", "b"}]
    part = _cyclic_classes(whole, components)
    assert part("a") == part("b")
    assert part("d") == part("e")  # one contracted node, on no cycle
    assert len({part("a"), part("c"), part("d")}) == 3
