"""Social care into Service Cloud: validation with positions, the rules E3401, W3402,
E5401, W5402 and E8401 beside near-identical silent fixtures (one per exemption and
boundary), and the generated Queue metadata (structure read with lxml, crafted labels)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from lxml import etree
from rulecase import RuleCase, Suite, active, case_id, checked, edit, refused, spots

from compiler.emit.salesforce import emit, finish
from compiler.pipeline import compile_path
from compiler.rules.check import check_path
from compiler.source import ParseCache

CASES = Path(__file__).parent / "fixtures" / "social"
SUITE = Suite(CASES, layers=((CASES, "_care"),))  # every case over the clean social care
NS = {"m": "http://soap.sforce.com/2006/04/metadata"}
ROUTE = ("social.yaml", 25, 52)  # routes[0].queue
PERSONAS = ("social.yaml", 26, 47)  # personas.duplicates

# RuleCase(code, fires in, silent in, findings, other codes the firing case also shows,
# codes suppressed in the firing case, in the silent one); "": the social care base alone
RULE_CASES = [
    # a queue that holds SocialPost only (silent: Case only)
    RuleCase("E3401", "e3401_fires", "e3401_silent", [(ROUTE, (("social.yaml", 6, 14),))]),
    # a queue of another org than the one the posts are written into; the queue names the
    # CRM's routing configuration and group (E3701, each), and so no queue of the CRM uses
    # that configuration (W9701)
    RuleCase(
        "E3401",
        "e3401_org_fires",
        "",
        [(ROUTE, (("social.yaml", 4, 13),))],
        also=("E3701", "E3701", "W9701"),
    ),
    # a route for Instagram only leaves the Facebook account without cases; silent: the
    # account publishes only (care: false)
    RuleCase(
        "W3402",
        "w3402_fires",
        "w3402_silent",
        [(("systems.yaml", 26, 34), (("social.yaml", 25, 11),))],
    ),
    # boundary: a route by business unit covers every account of its workspace
    RuleCase(
        "W3402",
        "w3402_fires",
        "w3402_units_silent",
        [(("systems.yaml", 26, 34), (("social.yaml", 25, 11),))],
    ),
    # create a contact per persona against a Block rule; exemption: the rule bypasses the user
    RuleCase(
        "E5401",
        "e5401_fires",
        "e5401_silent",
        [(PERSONAS, (("social.yaml", 37, 25),))],
        also=("W5910",),
    ),
    # merge by another matching rule still meets the Block; exemption: merge by its own
    # (whose W5910 the fixture suppresses with its reason)
    RuleCase(
        "E5401",
        "e5401_merge_fires",
        "e5401_merge_silent",
        [(PERSONAS, (("social.yaml", 41, 25),))],
        also=("W5910",),
        silent_suppressed=("W5910",),
    ),
    # create while the rule only alerts; boundary: a rule that neither alerts nor reports
    RuleCase("W5402", "w5402_fires", "w5402_silent", [(PERSONAS, (("social.yaml", 37, 16),))]),
    # an org without Service Cloud (which has no Omni-Channel for the routing configuration
    # either, E8701); silent: the clean social care fixture
    RuleCase(
        "E8401",
        "e8401_fires",
        "",
        [(("social.yaml", 24, 7), (("systems.yaml", 10, 15),))],
        also=("E8701",),
    ),
    RuleCase(
        "E8401",
        "e8401_objects_fires",
        "",
        [(("social.yaml", 23, 7), (("systems.yaml", 11, 23),))],
        also=("E4002",),
    ),
]


@pytest.mark.parametrize("case", RULE_CASES, ids=case_id)
def test_rule_fires_and_stays_silent(tmp_path: Path, case: RuleCase) -> None:
    SUITE.fires_and_stays_silent(tmp_path, case)


@pytest.mark.parametrize(
    ("file", "old", "new", "code", "position"),
    [
        ("social.yaml", "queue: social_cases}", "queue: social_case}", "E2010", (25, 52)),
        ("social.yaml", "matching_rule: contact_email}", "matching_rule: nope}", "E2010", (26, 69)),
        (
            "social.yaml",
            "    system: crm\n    label:",
            "    system: mc\n    label:",
            "E2012",
            (4, 13),
        ),
        (
            "social.yaml",
            "objects: [Case, SocialPost]",
            "objects: [Case, SocialPosts]",
            "E2010",
            (6, 21),
        ),
        (
            "social.yaml",
            "{networks: [instagram, facebook],",
            "{accounts: [retail_tiktok],",
            "E2010",
            (25, 23),
        ),
        (
            "social.yaml",
            "duplicates: merge, matching_rule: contact_email}",
            "duplicates: merge}",
            "E2012",
            (26, 47),
        ),
        (
            "systems.yaml",
            "network: facebook, workspace: retail",
            "network: facebook, workspace: home",
            "E2010",
            (26, 55),
        ),
        (
            "social.yaml",
            "networks: [instagram, facebook]",
            "networks: [instagram, tiktok]",
            "E1004",
            (25, 34),
        ),
    ],
)
def test_references_and_values_are_checked_with_positions(
    tmp_path: Path, file: str, old: str, new: str, code: str, position: tuple[int, int]
) -> None:
    eco = SUITE.eco(tmp_path)
    edit(eco, file, old, new, 1)
    assert refused(eco) == [(code, *position)]


def test_a_matching_rule_of_another_object_is_refused(tmp_path: Path) -> None:
    eco = SUITE.eco(tmp_path)
    edit(eco, "social.yaml", "parent: contact,", "parent: person_account,")
    result = check_path(eco)
    found = [(f.code, f.span.line, f.message) for f in result.findings if f.span is not None]
    assert found == [
        (
            "E2012",
            26,
            "matching rule 'contact_email' matches crm.Contact; persona parents are "
            "crm.Account records",
        )
    ]


def test_the_social_user_needs_the_social_objects(tmp_path: Path) -> None:
    """access.py: a social care user creates and edits posts and personas (E4002 without)."""
    eco = SUITE.eco(tmp_path)
    edit(eco, "social.yaml", "      SocialPost: {object: [read, create, edit]}\n", "")
    found = active(checked(eco))
    assert spots(found) == [("E4002", 11, 5)]
    assert "crm.SocialPost" in found[0].message


def queue_files(eco: Path) -> dict[str, etree._Element]:
    comp = compile_path(eco, None, cache=ParseCache(None))
    assert comp.ok and comp.resolved is not None
    arts, findings = emit(comp.resolved)
    assert [f.message for f in findings] == []
    more, _ = finish(comp.resolved, arts, [])
    files = {a.path: a.content for a in [*arts, *more]}
    return {
        p: etree.fromstring(c)
        for p, c in files.items()
        if "/queues/" in p or p.endswith("package.xml")
    }


def test_the_queue_is_generated_with_its_objects_routing_and_members(tmp_path: Path) -> None:
    files = queue_files(SUITE.eco(tmp_path))
    queue = files["force-app/main/default/queues/social_cases.queue-meta.xml"]
    assert etree.QName(queue).localname == "Queue"
    children = [etree.QName(c).localname for c in queue]
    assert children == [
        "doesSendEmailToMembers", "name", "queueMembers", "queueRoutingConfig",
        "queueSobject", "queueSobject",
    ]  # fmt: skip
    assert queue.findtext("m:name", namespaces=NS) == "Social cases"
    assert queue.findtext("m:queueRoutingConfig", namespaces=NS) == "Social_Routing"
    objects = [e.text for e in queue.findall("m:queueSobject/m:sobjectType", NS)]
    assert objects == ["Case", "SocialPost"]
    groups = [e.text for e in queue.findall("m:queueMembers/m:publicGroups/m:publicGroup", NS)]
    assert groups == ["Social_Agents"]
    package = files["manifest/package.xml"]
    queues = [
        [m.text for m in t.findall("m:members", NS)]
        for t in package.findall("m:types", NS)
        if t.findtext("m:name", namespaces=NS) == "Queue"
    ]
    assert queues == [["social_cases"]]


@pytest.mark.parametrize(
    "label", ['Care <b>&amp; "social"</b>', "]]> <!-- x --> &", "Ünïcode ✓ queue"]
)
def test_a_crafted_queue_label_is_carried_as_text(tmp_path: Path, label: str) -> None:
    eco = SUITE.eco(tmp_path)
    quoted = "'" + label.replace("'", "''") + "'"
    edit(eco, "social.yaml", "label: Social cases", f"label: {quoted}")
    files = queue_files(eco)
    queue = files["force-app/main/default/queues/social_cases.queue-meta.xml"]
    assert queue.findtext("m:name", namespaces=NS) == label[:40]
    assert len(queue) == 6  # nothing of the label became an element


def test_a_queue_name_that_cannot_be_a_developer_name_is_refused(tmp_path: Path) -> None:
    eco = SUITE.eco(tmp_path)
    twin = "  social-cases:\n    system: crm\n    objects: [Case]\n"
    edit(eco, "social.yaml", "integration_users:", twin + "integration_users:")
    comp = compile_path(eco, None, cache=ParseCache(None))
    assert comp.ok and comp.resolved is not None
    arts, findings = emit(comp.resolved)
    assert [f.code for f in findings] == ["E8611"]
    assert "both become the developer name 'social_cases'" in findings[0].message
    assert len([a for a in arts if "/queues/" in a.path]) == 1


def test_the_example_declares_social_care_and_stays_clean(tmp_path: Path) -> None:
    eco = tmp_path / "eco"
    shutil.copytree(Path(__file__).parents[1] / "ecosystem", eco)
    assert [f.code for f in active(checked(eco))] == []
