"""compiler/rules/dedupe.py: E5001's exemption by a record checkbox the writer sets to
true, beside the near miss that sets it false, by a custom permission the user holds,
beside a user holding another, a Block on updates (not inserts), and E5004's message for
one data extension and for a group, which its mutation runs found unpinned
(benchmarks/README.md "Mutation scores")."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from test_rules_fixtures import ROOT, check_case, positions

from compiler.rules.check import check_path

CASES = [
    ("e5001_checkbox_silent", []),
    ("e5001_checkbox_false_fires", [("case.yaml", 38, 25, (("case.yaml", 22, 13),))]),
    ("e5001_on_update_fires", [("case.yaml", 37, 25, (("case.yaml", 21, 13),))]),
    # the user holds the custom permission the rule exempts; near miss: another one
    ("e5001_permission_silent", []),
    ("e5001_permission_fires", [("case.yaml", 46, 25, (("case.yaml", 31, 13),))]),
]


@pytest.mark.parametrize(("case", "expected"), CASES, ids=[c[0] for c in CASES])
def test_a_block_rule_and_the_records_a_writer_marks(
    tmp_path: Path, case: str, expected: list[object]
) -> None:
    found = check_case(tmp_path, case)
    assert positions(found, "E5001") == expected
    assert [f.code for f in found if f.code != "E5001"] == []


def test_a_blocked_update_is_named_as_such(tmp_path: Path) -> None:
    (found,) = [f for f in check_case(tmp_path, "e5001_on_update_fires") if f.code == "E5001"]
    assert found.message == (
        "duplicate rule 'contact_dupes' blocks updates of crm.Contact by integration user "
        "'shop_crm_user', which sync rule 'shop_contacts' performs"
    )


def test_e5004_names_one_data_extension_or_the_group_it_reports_once(tmp_path: Path) -> None:
    """A sendable data extension filled from a wrong field alone is named in the singular;
    several filled from one source are one finding naming them all (the root cause once)."""
    one = [f.message for f in check_case(tmp_path / "one", "e5004_fires") if f.code == "E5004"]
    assert one == [
        "sendable data extension 'shop_news' relates 'SubscriberKey' to the subscriber key, "
        "but fills it from shop:Customer.Id, not from crm:Contact.Email",
        "sendable data extension 'newsletter' relates 'SubscriberKey' to the subscriber key, "
        "but fills it from mc:Contact_Salesforce.Id, not from crm:Contact.Email",
        "system 'mc' uses crm:Contact.Email as the subscriber key, the data model crm:Contact.Id",
    ]
    group = check_case(tmp_path / "group", "e5004_grouped_fires")
    assert [f.message for f in group if f.code == "E5004"] == [
        "sendable data extensions 'shop_news[clearance]', 'shop_news[retail]', 'shop_vip' "
        "relate their subscriber field to the subscriber key, but fill it from "
        "shop:Customer.Id, not from crm:Contact.Id"
    ]


# The Account Engagement connector's default lead creation is reported unless one of its
# own sync rules already reports the insert; a rule of the connector that only updates
# leads leaves the default to report.
LEAD_CASES = [
    ("e5001_leads_rule_fires", [("case.yaml", 40, 25, (("case.yaml", 24, 13),))]),
    ("e5001_leads_update_fires", [("case.yaml", 39, 25, (("case.yaml", 18, 22),))]),
]


@pytest.mark.parametrize(("case", "expected"), LEAD_CASES, ids=[c[0] for c in LEAD_CASES])
def test_a_connector_inserting_leads_through_its_own_rule_is_reported_once(
    tmp_path: Path, case: str, expected: list[object]
) -> None:
    found = check_case(tmp_path, case)
    assert positions(found, "E5001") == expected
    assert [f.code for f in found if f.code != "E5001"] == []


# W5002: a matching field mastered elsewhere is silent once a sync brings it in; a field
# on the data flow only as a source (synchronized out of the CRM) still fires.
MATCH_CASES = [
    ("w5002_synced_silent", []),
    ("w5002_outbound_fires", [("case.yaml", 12, 21, (("case.yaml", 7, 22),))]),
]


@pytest.mark.parametrize(("case", "expected"), MATCH_CASES, ids=[c[0] for c in MATCH_CASES])
def test_a_matching_field_is_received_only_through_an_inbound_flow(
    tmp_path: Path, case: str, expected: list[object]
) -> None:
    found = check_case(tmp_path, case)
    assert positions(found, "W5002") == expected
    assert [f.code for f in found if f.code != "W5002"] == []


# W5003 and business units: two upserts scoped to different units never carry the same
# records; an unscoped upsert carries every unit's, whichever of the two comes first.
UNIT_CASES = [
    ("w5003_units_silent", []),
    ("w5003_unit_fires", [("case.yaml", 24, 36, (("case.yaml", 31, 33),))]),
    ("w5003_first_unit_fires", [("case.yaml", 23, 36, (("case.yaml", 31, 33),))]),
]


@pytest.mark.parametrize(("case", "expected"), UNIT_CASES, ids=[c[0] for c in UNIT_CASES])
def test_upserts_on_different_keys_and_their_business_units(
    tmp_path: Path, case: str, expected: list[object]
) -> None:
    found = check_case(tmp_path, case)
    assert positions(found, "W5003") == expected
    assert [f.code for f in found if f.code != "W5003"] == []


def test_a_system_without_its_own_key_is_judged_by_the_data_models(tmp_path: Path) -> None:
    """After the merge (mutA): e5004_fires with mc's own `subscriber_key` removed. The
        sendable data extensions are then judged against the data model's key (crm:Contact.Id,
        related at ecosystem.yaml): shop_news (filled from shop.Customer.Id) fires, the base's
    data extension (filled from Contact.Id) is silent, and no system differs from the data
    model."""
    eco = tmp_path / "eco"
    shutil.copytree(ROOT / "_base", eco)
    for file in sorted((ROOT / "e5004_fires").iterdir()):
        shutil.copy(file, eco / file.name)
    systems = (eco / "systems.yaml").read_text()
    assert "    subscriber_key: crm:Contact.Email\n" in systems
    (eco / "systems.yaml").write_text(
        systems.replace("    subscriber_key: crm:Contact.Email\n", "")
    )
    result = check_path(eco)
    assert result.analyzed, [f"{f.span} {f.message}" for f in result.findings]
    found = list(result.findings)
    assert positions(found, "E5004") == [
        ("case.yaml", 17, 22, (("case.yaml", 6, 23), ("ecosystem.yaml", 12, 21))),
    ]  # the base's data extension is filled from Contact.Id, the data model's key: silent


def test_record_origins_walk_stops_at_ten_thousand_objects() -> None:
    """_record_origins' walk is bounded: a chain of objects feeding one another reaches
    the start from 10,004 objects, the walk keeps 10,000 of them (the start included)."""
    from types import SimpleNamespace
    from typing import cast

    from compiler.graph import EcosystemGraph
    from compiler.graph_tables import FlowEdge, FlowGraphBuilder, ResourceGraphBuilder
    from compiler.rules.context import Context
    from compiler.rules.dedupe import _record_origins

    flow = FlowGraphBuilder()
    for i in range(10005):
        flow.add_node(f"s:O{i}.f", "s", f"O{i}", "f", "crm")
    for i in range(10004):
        edge = FlowEdge(rule=f"sync_rule.r{i}", integration="integration.i", path=())
        flow.add_edge(f"s:O{i + 1}.f", f"s:O{i}.f", edge)
    graph = EcosystemGraph(ResourceGraphBuilder().freeze(), flow.freeze())
    ctx = cast(Context, SimpleNamespace(memo={}, graph=graph))
    origins = _record_origins(ctx, "s.O0")
    assert len(origins) == 10000 and {"s.O0", "s.O9999"} <= origins
    assert "s.O10000" not in origins
    assert _record_origins(ctx, "s.O10003") == frozenset({"s.O10003", "s.O10004"})
