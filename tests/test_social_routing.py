"""Who works a social care queue: public groups and Omni-Channel routing configurations.

Validation with positions; the rules E3701, W9701 and E8701 beside near-identical silent
fixtures (every exemption and boundary its own); the generated Group and
QueueRoutingConfig metadata read with lxml (element order of retrieved files, values, the
manifest, components that exist in the org left out). Each case folder of
tests/fixtures/social_routing/ is copied over the social care base
(tests/fixtures/social/_care, whose routing.yaml it replaces).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from lxml import etree
from rulecase import RuleCase, Suite, active, at, case_id, checked, edit, spots

from compiler.diagnostics import Finding
from compiler.emit.salesforce import emit, finish
from compiler.pipeline import compile_path
from compiler.rules.check import check_path
from compiler.source import ParseCache

SOCIAL = Path(__file__).parent / "fixtures" / "social"
CASES = Path(__file__).parent / "fixtures" / "social_routing"
NS = {"m": "http://soap.sforce.com/2006/04/metadata"}
SRC = "force-app/main/default"
SUITE = Suite(CASES, layers=((SOCIAL, "_care"),))  # every case over the clean social care

# RuleCase(code, fires in, silent in, every finding of the code)
RULE_CASES: list[RuleCase] = [
    # the queue's group is not declared; exemption: the org has it (existing: true)
    RuleCase(
        "E3701", "e3701_group_fires", "e3701_group_existing_silent", [(("social.yaml", 8, 31), ())]
    ),
    # the queue's routing configuration is not declared; exemption: existing: true
    RuleCase(
        "E3701",
        "e3701_routing_fires",
        "e3701_routing_existing_silent",
        [(("social.yaml", 7, 19), ())],
    ),
    # declared, but for another org (silent: the same, for the queue's own org)
    RuleCase(
        "E3701",
        "e3701_org_fires",
        "e3701_routing_existing_silent",
        [(("social.yaml", 7, 19), (("routing.yaml", 8, 28),))],
    ),
    # a group's member group is not declared (silent: it is, as existing)
    RuleCase("E3701", "e3701_member_fires", "e3701_member_silent", [(("routing.yaml", 7, 24), ())]),
    # overflow into a queue of another org; boundary: a queue of the configuration's org
    RuleCase(
        "E3701",
        "e3701_overflow_fires",
        "e3701_overflow_silent",
        [(("routing.yaml", 9, 21), (("routing.yaml", 12, 13),))],
    ),
    # a generated configuration no queue names; exemption: the org's own (existing: true)
    RuleCase(
        "W9701",
        "w9701_fires",
        "w9701_existing_silent",
        [(("routing.yaml", 8, 5), (("social.yaml", 7, 19),))],
    ),
    # a configuration for an org without Service Cloud (silent: the org has it)
    RuleCase(
        "E8701",
        "e8701_fires",
        "e8701_silent",
        [(("routing.yaml", 7, 27), (("systems.yaml", 14, 15),))],
    ),
]


def run(tmp_path: Path, case: str) -> list[Finding]:
    return active(SUITE.check(tmp_path, case))


@pytest.mark.parametrize("case", RULE_CASES, ids=case_id)
def test_rule_fires_and_stays_silent(tmp_path: Path, case: RuleCase) -> None:
    SUITE.fires_and_stays_silent(tmp_path, case)


def test_the_social_care_base_declares_what_its_queue_names(tmp_path: Path) -> None:
    """The base both other suites build on is clean: its group and routing are declared."""
    assert [f.code for f in run(tmp_path, "")] == []


def test_the_messages_name_the_cause(tmp_path: Path) -> None:
    (group,) = run(tmp_path / "g", "e3701_group_fires")
    assert group.message == (
        "queue 'social_cases' names public group 'Social_Agents', which is neither "
        "declared nor marked existing"
    )
    (org,) = run(tmp_path / "o", "e3701_org_fires")
    assert "declared for 'service_org', not 'crm'" in org.message
    (unused,) = run(tmp_path / "u", "w9701_fires")
    assert "'Spare_Routing' of 'crm' is generated" in unused.message
    (omni,) = run(tmp_path / "e", "e8701_fires")
    assert omni.address == "routing_config.Sales_Routing"


@pytest.mark.parametrize(
    ("old", "new", "code", "position"),
    [
        # both capacities: a work item is sized one way
        ("    capacity_weight: 2\n", "    capacity_weight: 2\n    capacity_percentage: 40\n",
         "E2012", (17, 26)),
        ("    capacity_weight: 2\n", "    capacity_percentage: 150\n", "E1006", (16, 26)),
        ("    capacity_weight: 2\n", "    capacity_weight: 0\n", "E1006", (16, 22)),
        ("model: most_available", "model: round_robin", "E1004", (14, 12)),
        ("    priority: 1\n", "    priority: -1\n", "E1006", (15, 15)),
        ("    push_timeout: 30\n", "    push_timeout: 30\n    overflow_queue: nope\n",
         "E2010", (18, 21)),
        ("  Social_Routing:\n    system: crm", "  Social_Routing:\n    system: mc",
         "E2012", (12, 13)),
        ("  Social_Agents:\n    system: crm", "  Social_Agents:\n    system: crn",
         "E2010", (7, 13)),
        ("members: {roles: [Social_Agent]}", "members: {roles: [Social-Agent]}",
         "E1005", (9, 23)),
        ("    label: Social agents\n", "    label: Social agents\n    bosses: true\n",
         "E1001", (9, 5)),
    ],
)  # fmt: skip
def test_groups_and_routing_are_validated_with_positions(
    tmp_path: Path, old: str, new: str, code: str, position: tuple[int, int]
) -> None:
    eco = SUITE.eco(tmp_path)
    edit(eco, "routing.yaml", old, new, 1)
    result = check_path(eco)
    assert not result.analyzed
    assert spots(result.findings) == [(code, *position)]
    assert all(f.span and f.span.file.endswith("routing.yaml") for f in result.findings)


def generated(eco: Path) -> dict[str, etree._Element]:
    comp = compile_path(eco, None, cache=ParseCache(None))
    assert comp.ok and comp.resolved is not None
    arts, findings = emit(comp.resolved)
    assert [f.message for f in findings] == []
    more, _ = finish(comp.resolved, arts, [])
    return {a.path: etree.fromstring(a.content) for a in [*arts, *more] if a.path.endswith(".xml")}


def children(element: etree._Element) -> list[str]:
    return [str(etree.QName(c).localname) for c in element]


def manifest(files: dict[str, etree._Element], mtype: str) -> list[str]:
    package = files["manifest/package.xml"]
    return [
        m.text or ""
        for t in package.findall("m:types", NS)
        if t.findtext("m:name", namespaces=NS) == mtype
        for m in t.findall("m:members", NS)
    ]


def test_the_group_and_the_routing_configuration_are_generated(tmp_path: Path) -> None:
    files = generated(SUITE.eco(tmp_path))
    group = files[f"{SRC}/groups/Social_Agents.group-meta.xml"]
    assert etree.QName(group).localname == "Group"
    assert children(group) == ["doesIncludeBosses", "name"]  # members are not metadata
    assert group.findtext("m:doesIncludeBosses", namespaces=NS) == "true"
    assert group.findtext("m:name", namespaces=NS) == "Social agents"
    config = files[f"{SRC}/queueRoutingConfigs/Social_Routing.queueRoutingConfig-meta.xml"]
    assert etree.QName(config).localname == "QueueRoutingConfig"
    assert children(config) == [
        "capacityWeight", "label", "pushTimeout", "routingModel", "routingPriority",
    ]  # fmt: skip
    values = {str(etree.QName(c).localname): c.text for c in config}
    assert values == {
        "capacityWeight": "2.0",
        "label": "Social routing",
        "pushTimeout": "30",
        "routingModel": "MOST_AVAILABLE",
        "routingPriority": "1",
    }
    assert manifest(files, "Group") == ["Social_Agents"]
    assert manifest(files, "QueueRoutingConfig") == ["Social_Routing"]
    queue = files[f"{SRC}/queues/social_cases.queue-meta.xml"]
    assert queue.findtext("m:queueRoutingConfig", namespaces=NS) == "Social_Routing"


def test_components_the_org_has_are_not_generated(tmp_path: Path) -> None:
    files = generated(SUITE.eco(tmp_path, "e3701_member_silent"))
    assert [p for p in files if "/groups/" in p] == [f"{SRC}/groups/Social_Agents.group-meta.xml"]
    assert [p for p in files if "/queueRoutingConfigs/" in p] == []
    assert manifest(files, "Group") == ["Social_Agents"]
    assert manifest(files, "QueueRoutingConfig") == []
    # the queue still names them: they are the org's
    queue = files[f"{SRC}/queues/social_cases.queue-meta.xml"]
    assert queue.findtext("m:queueRoutingConfig", namespaces=NS) == "Social_Routing"


def test_percentage_overflow_and_routing_model(tmp_path: Path) -> None:
    eco = SUITE.eco(tmp_path, "e3701_overflow_silent")
    edit(
        eco,
        "routing.yaml",
        "capacity_weight: 2",
        "capacity_percentage: 12.5\n    model: least_active",
    )
    edit(
        eco,
        "routing.yaml",
        "system: crm\n    capacity",
        "system: crm\n    push_timeout: 0\n    capacity",
    )
    files = generated(eco)
    config = files[f"{SRC}/queueRoutingConfigs/Social_Routing.queueRoutingConfig-meta.xml"]
    values = {str(etree.QName(c).localname): c.text for c in config}
    assert values == {
        "capacityPercentage": "12.5",
        "label": "Social Routing",  # from the name when no label is given
        "pushTimeout": "0",
        "queueOverflowAssignee": "overflow_cases",
        "routingModel": "LEAST_ACTIVE",
        "routingPriority": "1",
    }


@pytest.mark.parametrize("where", ["public_groups", "routing_configs"])
@pytest.mark.parametrize(
    "label", ['Care <b>&amp; "social"</b>', "]]> <!-- x --> &", "Ünïcode ✓ group", "L" * 90]
)
def test_a_crafted_label_is_carried_as_text(tmp_path: Path, where: str, label: str) -> None:
    eco = SUITE.eco(tmp_path)
    old = "label: Social agents" if where == "public_groups" else "label: Social routing"
    quoted = "'" + label.replace("'", "''") + "'"
    edit(eco, "routing.yaml", old, f"label: {quoted}")
    comp = compile_path(eco, None, cache=ParseCache(None))
    assert comp.ok and comp.resolved is not None
    arts, findings = emit(comp.resolved)
    limit = 40 if where == "public_groups" else 80
    assert [f.code for f in findings] == (["W8610"] if len(label) > limit else [])
    path, tag, length = (
        (f"{SRC}/groups/Social_Agents.group-meta.xml", "name", 2)
        if where == "public_groups"
        else (f"{SRC}/queueRoutingConfigs/Social_Routing.queueRoutingConfig-meta.xml", "label", 5)
    )
    root = etree.fromstring(next(a.content for a in arts if a.path == path))
    assert len(root) == length  # nothing of the label became an element
    want = label if len(label) <= limit else label[: limit - 1] + "…"
    assert root.findtext(f"m:{tag}", namespaces=NS) == want


def test_a_name_that_cannot_be_a_developer_name_is_refused(tmp_path: Path) -> None:
    eco = SUITE.eco(tmp_path)
    twin = "  care-team:\n    system: crm\n  care_team:\n    system: crm\n"
    edit(eco, "routing.yaml", "routing_configs:", twin + "routing_configs:")
    comp = compile_path(eco, None, cache=ParseCache(None))
    assert comp.ok and comp.resolved is not None
    arts, findings = emit(comp.resolved)
    assert [f.code for f in findings] == ["E8611"]
    assert "both become the developer name 'care_team'" in findings[0].message
    assert len([a for a in arts if "/groups/" in a.path]) == 2  # Social_Agents, one twin


def test_the_example_routes_its_social_care_queues(tmp_path: Path) -> None:
    eco = tmp_path / "eco"
    shutil.copytree(Path(__file__).parents[1] / "ecosystem", eco)
    files = generated(eco)
    assert manifest(files, "Group") == ["Consumer_Social_Agents", "Industrial_Service_Agents"]
    assert manifest(files, "QueueRoutingConfig") == ["Social_Care_Routing"]
    moda = files[f"{SRC}/queues/moda_social_care.queue-meta.xml"]
    groups = [e.text for e in moda.findall("m:queueMembers/m:publicGroups/m:publicGroup", NS)]
    assert groups == ["Consumer_Social_Agents", "Moda_Stylists"]  # Moda_Stylists: the org's


def test_a_configuration_named_only_by_another_orgs_queue_routes_nothing(tmp_path: Path) -> None:
    """W9701 judges the configuration's own org: a queue elsewhere naming it is E3701's."""
    found = run(tmp_path, "w9701_other_org_fires")
    assert at(found, "W9701") == [(("routing.yaml", 9, 5), (("social.yaml", 7, 19),))]
    assert at(found, "E3701") == [(("routing.yaml", 15, 19), (("routing.yaml", 9, 13),))]
    assert {f.code for f in found} == {"W9701", "E3701", "W9001"}  # the queue routes nothing


def test_w9701_relates_at_most_three_routed_queues(tmp_path: Path) -> None:
    eco = SUITE.eco(tmp_path, "w9701_fires")
    more = "".join(
        f"  cases_{i}:\n    system: crm\n    objects: [Case]\n    omni_channel: Social_Routing\n"
        for i in range(4)
    )
    (eco / "more_queues.yaml").write_text(f"apiVersion: engage/v1\nqueues:\n{more}")
    (unused,) = [f for f in checked(eco) if f.code == "W9701"]
    assert [(Path(r.span.file).name, r.span.line) for r in unused.related] == [
        ("more_queues.yaml", 6), ("more_queues.yaml", 10), ("more_queues.yaml", 14),
    ]  # fmt: skip
