"""Every analysis rule on real fixture files: where it fires (code, file, line, column and
the related positions of the other side) and a near-identical fixture where it stays silent.

A case folder under tests/fixtures/rules/ holds only what differs from `_base/`: its files
are copied over the base files (same name replaces, new name adds). Silent cases (and the
base itself) must check completely clean, which also proves the rule does not misfire on
the correct form of the same ecosystem.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rulecase import FIXTURES, Position, Suite, at
from test_cloud_duplicates import RULE_CASES as DUPLICATE_CASES
from test_customer_360 import RULE_CASES as CUSTOMER_360_CASES
from test_personas import RULE_CASES as PERSONA_CASES
from test_social_care import RULE_CASES as SOCIAL_CASES
from test_social_routing import RULE_CASES as ROUTING_CASES
from test_subscriber_keys import RULE_CASES as KEY_CASES
from test_unit_consent import RULE_CASES as UNIT_CONSENT_CASES
from test_unit_leads import RULE_CASES as UNIT_LEADS_CASES

from compiler.diagnostics import Finding
from compiler.rules import RULES
from compiler.rules.platform import Limits

ROOT = FIXTURES / "rules"
Expected = tuple[str, int, int, tuple[Position, ...]]


RULE_FIXTURES = Suite(ROOT)


def check_case(tmp_path: Path, case: str, limits: Limits | None = None) -> list[Finding]:
    """Every finding of a case folder over the base (`_base`: the base alone)."""
    return RULE_FIXTURES.check(tmp_path, "" if case == "_base" else case, limits=limits)


def positions(findings: list[Finding], code: str) -> list[Expected]:
    """Every finding of `code` as (file, line, column, related positions)."""
    return [(*where, related) for where, related in at(findings, code)]


# (code, fires in, silent in, every finding of the code: (file, line, col, related positions))
CASES: list[tuple[str, str, str, list[Expected]]] = [
    # two query activities overwriting one data extension; an overwrite beside an upsert is fine
    ("E3910", "e3910_fires", "e3910_silent", [("sync.yaml", 22, 11, (("sync.yaml", 9, 11),))]),
    # a writer that reads the data extension it overwrites (kept SQL) consumes the other's
    # rows and is exempt; two Overwrites that read nothing of it still conflict
    (
        "E3910",
        "e3910_consumer_fires",
        "e3910_consumer_silent",
        [("sync.yaml", 43, 11, (("sync.yaml", 10, 11),))],
    ),
    # an overlay-only conflict: production turns the base's upsert into a second Overwrite
    # (the base alone is clean), reported at the overlay's line
    (
        "E3910",
        "e3910_overlay_fires",
        "e3910_silent",
        [("production.yaml", 5, 30, (("sync.yaml", 10, 11),))],
    ),
    # a query's target that engage import had to declare (the retrieve lacked it)
    ("E7910", "e7910_fires", "e7910_silent", [("case.yaml", 14, 13, (("case.yaml", 5, 5),))]),
    # a record type id and a MID in a query's own SQL (one finding each, at the SQL)
    (
        "W8910",
        "w8910_fires",
        "w8910_silent",
        [("sync.yaml", 17, 12, ()), ("sync.yaml", 17, 12, ())],
    ),
    # a Block rule on an object the (imported) integration user may create, not exempting it
    ("W5910", "w5910_fires", "w5910_silent", [("case.yaml", 13, 25, (("users.yaml", 9, 9),))]),
    (
        "E3001",
        "e3001_fires",
        "e3001_silent",
        [
            ("case.yaml", 12, 22, (("sync.yaml", 10, 22),)),
            ("case.yaml", 13, 21, (("sync.yaml", 11, 21),)),
        ],
    ),
    # two-way: the reverse flow reads the precedence from the other side
    (
        "E3001",
        "e3001_reverse_fires",
        "e3001_reverse_silent",
        [("case.yaml", 18, 14, (("sync.yaml", 12, 21),))],
    ),
    # the Account Engagement connector syncs a prospect with one lead or contact only
    (
        "E3001",
        "e3001_ae_fires",
        "e3001_ae_silent",
        [("case.yaml", 33, 18, (("case.yaml", 43, 18),))],
    ),
    (
        "E3002",
        "e3002_fires",
        "e3002_silent",
        [("sync.yaml", 12, 18, (("case.yaml", 12, 18), ("integrations.yaml", 11, 26)))],
    ),
    (
        "W3003",
        "w3003_fires",
        "w3003_silent",
        [
            ("case.yaml", 18, 19, (("case.yaml", 14, 16),)),
            ("case.yaml", 19, 17, (("case.yaml", 14, 16),)),
        ],
    ),
    # the system_of_record exemption: two writers of a CRM field without precedence, and
    # a two-way rule without one; silent when the field names its system of record
    (
        "E3001",
        "e3001_sor_fires",
        "e3001_sor_silent",
        [("case.yaml", 19, 20, (("case.yaml", 27, 20),))],
    ),
    (
        "W3003",
        "w3003_sor_fires",
        "w3003_sor_silent",
        [("case.yaml", 18, 20, (("case.yaml", 14, 16),))],
    ),
    # a loop made of two-way rules only (the third link closes it); silent: a chain
    (
        "E3002",
        "e3002_two_way_fires",
        "e3002_two_way_silent",
        [("case.yaml", 29, 20, (("case.yaml", 40, 17), ("case.yaml", 50, 20)))],
    ),
    # one root cause once: three sendable data extensions (a for_each template's two
    # instances and a list in another file) fill the subscriber field from one wrong field
    (
        "E5004",
        "e5004_grouped_fires",
        "_base",
        [
            (
                "news.yaml",
                31,
                22,
                (
                    ("news.yaml", 19, 23),
                    ("systems.yaml", 12, 21),
                    ("news.yaml", 31, 22),
                    ("vip.yaml", 17, 19),
                ),
            )
        ],
    ),
    # the per-business-unit re-check: the loop first found mixes retail and clearance
    # rules (disjoint records, silent alone); re-examined per unit, retail's own loop in
    # the same component is reported
    (
        "E3002",
        "e3002_units_fires",
        "e3002_units_silent",
        [("case.yaml", 55, 20, (("case.yaml", 37, 17),))],
    ),
    # a writer that is no sync rule (Marketing Cloud Connect) beside one that is
    (
        "E3001",
        "e3001_connector_fires",
        "_base",
        [("case.yaml", 15, 18, (("integrations.yaml", 11, 26),))],
    ),
    ("E3004", "e3004_fires", "e3004_silent", [("shop.yaml", 37, 15, (("shop.yaml", 25, 15),))]),
    ("E3005", "e3005_fires", "e3005_silent", [("shop.yaml", 41, 12, (("shop.yaml", 28, 12),))]),
    # a picklist is as long as its longest value (translated), a multi-select picklist as
    # all its values joined; silent: translated to fit, and exactly the target's length
    (
        "E3005",
        "e3005_picklist_fires",
        "e3005_picklist_silent",
        [
            ("members_sync.yaml", 19, 14, (("members_sync.yaml", 8, 14),)),
            ("members_sync.yaml", 20, 18, (("members_sync.yaml", 9, 18),)),
        ],
    ),
    ("E3006", "e3006_fires", "e3006_silent", [("case.yaml", 17, 16, (("case.yaml", 6, 16),))]),
    ("W3007", "w3007_fires", "e3006_silent", [("case.yaml", 17, 16, (("case.yaml", 6, 16),))]),
    (
        "W4001",
        "w4001_fires",
        "w4001_silent",
        [("integrations.yaml", 7, 11, (("case.yaml", 3, 57), ("users.yaml", 4, 5)))],
    ),
    # two declarations, one login: compared by username (case-insensitive), not by name
    (
        "W4001",
        "w4001_username_fires",
        "w4001_username_silent",
        [
            (
                "integrations.yaml",
                7,
                11,
                (("export.yaml", 10, 57), ("export.yaml", 6, 15), ("users.yaml", 4, 5)),
            )
        ],
    ),
    ("E4002", "e4002_fires", "writer_silent", [("case.yaml", 11, 9, (("case.yaml", 17, 5),))]),
    ("E4003", "e4003_fires", "writer_silent", [("case.yaml", 11, 9, (("case.yaml", 23, 14),))]),
    (
        "W4004",
        "w4004_fires",
        "writer_silent",
        [("case.yaml", 11, 9, ()), ("case.yaml", 13, 17, ())],
    ),
    ("E4005", "e4005_fires", "writer_silent", [("case.yaml", 11, 17, ())]),
    ("E5001", "e5001_fires", "e5001_silent", [("case.yaml", 34, 25, (("case.yaml", 19, 13),))]),
    # two-way: the reverse flow writes with the rule's mode (an update rule never inserts)
    (
        "E5001",
        "e5001_reverse_fires",
        "e5001_reverse_silent",
        [("case.yaml", 38, 25, (("case.yaml", 20, 13),))],
    ),
    ("W5002", "w5002_fires", "w5002_silent", [("case.yaml", 10, 21, (("case.yaml", 5, 22),))]),
    ("W5003", "w5003_fires", "w5003_silent", [("case.yaml", 21, 36, (("case.yaml", 28, 33),))]),
    # only records one origin reaches: unrelated callers, calls and social posts stay silent
    (
        "W5003",
        "w5003_connected_fires",
        "w5003_unrelated_silent",
        [("case.yaml", 25, 33, (("case.yaml", 40, 36),))],
    ),
    (
        "W5003",
        "w5003_fires",
        "w5003_cases_silent",
        [("case.yaml", 21, 36, (("case.yaml", 28, 33),))],
    ),
    (
        "E5004",
        "e5004_fires",
        "_base",
        [
            ("case.yaml", 17, 22, (("case.yaml", 6, 23), ("systems.yaml", 12, 21))),
            ("sync.yaml", 10, 22, (("data_extensions.yaml", 6, 23), ("systems.yaml", 12, 21))),
            ("systems.yaml", 12, 21, (("ecosystem.yaml", 12, 21),)),
        ],
    ),
    ("E6001", "e6001_fires", "_base", [("systems.yaml", 11, 23, ())]),
    ("E6002", "e6002_fires", "_base", [("systems.yaml", 11, 23, (("consent.yaml", 13, 9),))]),
    ("E6003", "e6003_fires", "_base", [("consent.yaml", 9, 13, (("consent.yaml", 8, 14),))]),
    ("E6004", "e6004_fires", "_base", [("integrations.yaml", 17, 15, (("consent.yaml", 6, 24),))]),
    ("E6005", "e6005_fires", "e6005_silent", [("consent.yaml", 9, 82, (("consent.yaml", 8, 14),))]),
    ("E6006", "e6006_fires", "_base", [("sync.yaml", 13, 17, (("consent.yaml", 9, 13),))]),
    # a values translation swapping true and false (silent: followed by an invert)
    (
        "E6006",
        "e6006_values_fires",
        "e6006_values_silent",
        [("sync.yaml", 13, 17, (("consent.yaml", 9, 13),))],
    ),
    # an opt-out flag translated into the status the sender reads as opted in
    (
        "E6006",
        "e6006_status_fires",
        "e6006_status_silent",
        [("sync.yaml", 13, 20, (("consent.yaml", 10, 11),))],
    ),
    ("E7001", "e7001_fires", "e7001_silent", [("units.yaml", 9, 23, (("units.yaml", 14, 23),))]),
    ("W7002", "w7002_fires", "_base", [("units.yaml", 11, 5, ())]),
    (
        "E7003",
        "e7003_fires",
        "e7003_silent",
        [("case.yaml", 11, 13, (("data_extensions.yaml", 4, 20), ("case.yaml", 13, 20)))],
    ),
    # no business_unit on the rule: it runs in its target's unit, which the finding names
    (
        "E7003",
        "e7003_target_unit_fires",
        "e7003_target_unit_silent",
        [("case.yaml", 12, 13, (("data_extensions.yaml", 4, 20), ("case.yaml", 13, 13)))],
    ),
    (
        "E7004",
        "e7004_fires",
        "_base",
        [("data_extensions.yaml", 6, 23, (("data_extensions.yaml", 9, 21),))],
    ),
    ("E7006", "e7006_fires", "_base", [("shop.yaml", 24, 7, (("shop.yaml", 32, 13),))]),
    ("E7007", "e7007_fires", "_base", [("shop.yaml", 24, 73, ())]),
    ("E7008", "e7008_fires", "_base", [("shop.yaml", 36, 7, (("shop.yaml", 24, 19),))]),
    ("E7010", "e7010_fires", "e7010_silent", [("case.yaml", 8, 15, ())]),
    # a sibling child's data extension, shared or not, never resolves; the parent's does
    ("E7803", "e7803_fires", "e7803_silent", [("case.yaml", 22, 13, (("case.yaml", 7, 20),))]),
    ("E8001", "e8001_fires", "e8001_silent", [("case.yaml", 8, 13, (("ecosystem.yaml", 5, 17),))]),
    (
        "E8002",
        "e8002_fires",
        "e8002_silent",
        [("systems.yaml", 4, 5, (("ecosystem.yaml", 6, 20),))],
    ),
    (
        "E8003",
        "e8003_fires",
        "_base",
        [
            ("integrations.yaml", 11, 19, (("systems.yaml", 8, 5),)),
            ("integrations.yaml", 11, 26, (("systems.yaml", 8, 5),)),
            ("sync.yaml", 11, 21, (("systems.yaml", 8, 5),)),
            ("sync.yaml", 12, 18, (("systems.yaml", 8, 5),)),
        ],
    ),
    (
        "E8004",
        "e8004_fires",
        "_base",
        [
            ("sync.yaml", 11, 21, (("units.yaml", 6, 13), ("systems.yaml", 9, 13))),
            ("sync.yaml", 12, 18, (("units.yaml", 6, 13), ("systems.yaml", 9, 13))),
        ],
    ),
    ("E8005", "e8005_fires", "_base", [("shop.yaml", 22, 19, ())]),
    ("W8006", "w8006_fires", "_base", [("integrations.yaml", 11, 18, ())]),
    ("W8008", "w8008_fires", "_base", [("shop.yaml", 26, 22, ())]),
    ("E8009", "e8009_fires", "ae_silent", [("case.yaml", 21, 11, (("case.yaml", 20, 11),))]),
    ("E8010", "e8010_fires", "ae_silent", [("case.yaml", 27, 22, (("case.yaml", 17, 22),))]),
    ("W8011", "w8011_fires", "w8011_silent", [("case.yaml", 32, 22, ())]),
    ("E8012", "e8012_fires", "e8012_silent", [("case.yaml", 32, 18, ())]),
    ("W9001", "w9001_fires", "_base", [("case.yaml", 4, 5, ())]),
    # writers conflict pairwise: two winners of different business units do not
    (
        "E3001",
        "e3001_units_fires",
        "e3001_units_silent",
        [("case.yaml", 18, 12, (("case.yaml", 28, 12), ("case.yaml", 38, 12)))],
    ),
    # a cron expression engage cannot read
    ("E3008", "e3008_fires", "e6004_cron_silent", [("integrations.yaml", 18, 22, ())]),
    # the Account Engagement connector creates leads (by default)
    (
        "E5001",
        "e5001_leads_fires",
        "e5001_leads_silent",
        [("case.yaml", 34, 25, (("case.yaml", 21, 22),))],
    ),
    # a cron schedule waits its longest interval (weekdays only: over the weekend)
    (
        "E6004",
        "e6004_cron_fires",
        "e6004_cron_silent",
        [("integrations.yaml", 18, 15, (("consent.yaml", 6, 24),))],
    ),
    # overlay-only: production slows the query activities to daily in a nested mapping
    # beside a decoy description; reported at the overlay's `every`, the base's schedule
    # (a mapping the overlay merged into) related
    (
        "E6004",
        "e6004_overlay_fires",
        "_base",
        [
            (
                "zz_production.yaml",
                10,
                14,
                (("integrations.yaml", 17, 15), ("consent.yaml", 6, 24)),
            )
        ],
    ),
    # a propagation time exactly equal to the bound is on time; one minute more is late
    (
        "E6004",
        "e6004_bound_fires",
        "e6004_bound_silent",
        [("integrations.yaml", 18, 15, (("consent.yaml", 6, 24),))],
    ),
    ("E7009", "e7009_fires", "e7009_silent", [("case.yaml", 21, 7, (("case.yaml", 8, 23),))]),
    ("W8013", "w8013_fires", "_base", [("integrations.yaml", 14, 54, (("users.yaml", 4, 5),))]),
    # campaign governance: statuses written but undefined (a translation, a constant), a
    # sixth level and a circle of parents, a campaign in Social Studio, a connected
    # campaign of a record type the connector skips; silent: the same, governed (and
    # CampaignMember.Status is not judged against the object's picklist)
    (
        "E7101",
        "campaigns_fires",
        "campaigns_silent",
        [
            ("campaigns.yaml", 28, 50, (("campaigns.yaml", 49, 7), ("campaigns.yaml", 51, 15))),
            ("campaigns.yaml", 36, 23, (("campaigns.yaml", 49, 7), ("campaigns.yaml", 51, 30))),
        ],
    ),
    ("E7102", "campaigns_fires", "campaigns_silent", [("campaigns.yaml", 54, 30, ())]),
    (
        "E7103",
        "campaigns_fires",
        "campaigns_silent",
        [
            ("campaigns.yaml", 45, 13, (("campaigns.yaml", 38, 9),)),
            ("campaigns.yaml", 52, 33, (("campaigns.yaml", 53, 33),)),
        ],
    ),
    (
        "E7104",
        "campaigns_fires",
        "campaigns_silent",
        [("campaigns.yaml", 46, 18, (("campaigns.yaml", 11, 28),))],
    ),
    # declared member statuses: two defaults (the second, the first related) and none;
    # silent: one each (a campaign declaring no statuses is not judged)
    (
        "E7620",
        "e7620_fires",
        "e7620_silent",
        [("case.yaml", 10, 38, (("case.yaml", 9, 35),)), ("case.yaml", 15, 7, ())],
    ),
    # no declared status counts as a response; silent: one responded status is enough
    ("E7621", "e7621_fires", "e7620_silent", [("case.yaml", 9, 7, ())]),
    # two campaigns of one org with one Name (case aside; a label against a resource name)
    # that the member-status script looks up; silent: the same pairs split across two orgs
    # (tests/test_fix12_campaign_names.py has the other exemptions)
    (
        "E7622",
        "fix12_e7622_fires",
        "fix12_e7622_orgs_silent",
        [
            ("campaigns.yaml", 14, 12, (("campaigns.yaml", 8, 12),)),
            ("campaigns.yaml", 22, 12, (("campaigns.yaml", 16, 5),)),
        ],
    ),
    # advertising audiences: no purpose, a legitimate-interest purpose, a member rule that
    # ignores the advertising consent; emails and phones in clear or hashed before a trim,
    # hashed without trim/lower or E.164; silent: consented, normalised then hashed, the
    # CRM's E.164 phones, an external id in clear, an Advertising Studio audience
    (
        "E6301",
        "audiences_fires",
        "audiences_silent",
        [
            ("audiences.yaml", 50, 32, ()),
            ("audiences.yaml", 51, 64, ()),
            ("audiences.yaml", 56, 15, (("audiences.yaml", 33, 5),)),
        ],
    ),
    (
        "E8301",
        "audiences_fires",
        "audiences_silent",
        [("audiences.yaml", 39, 18, ()), ("audiences.yaml", 40, 18, ())],
    ),
    (
        "W8302",
        "audiences_fires",
        "audiences_silent",
        [
            ("audiences.yaml", 41, 51, ()),
            ("audiences.yaml", 47, 43, ()),
            ("audiences.yaml", 48, 43, ()),
        ],
    ),
    # formats along a flow: a call centre's free-text phone into the CRM's E.164 Phone, a
    # hashed phone into a field declared E.164, a country only truncated into ISO 3166;
    # silent: e164 and iso_country on the way, a source declared E.164, free-text targets
    (
        "W3301",
        "formats_fires",
        "formats_silent",
        [
            ("formats.yaml", 38, 14, ()),
            ("formats.yaml", 55, 15, (("formats.yaml", 24, 15),)),
            ("formats.yaml", 56, 16, (("formats.yaml", 25, 16),)),
        ],
    ),
    # a filter list item, a declared MID, a checksummed 18-character id, a 15-character
    # queue id as a picklist translation; silent: the ids in the production overlay, near
    # misses (wrong checksum, no id prefix, an undeclared number) in the base
    (
        "W8014",
        "w8014_fires",
        "w8014_silent",
        [
            ("case.yaml", 19, 50, ()),
            ("case.yaml", 22, 25, ()),
            ("case.yaml", 23, 27, ()),
            ("case.yaml", 24, 44, ()),
        ],
    ),
]


@pytest.mark.parametrize(
    ("code", "fires", "silent", "expected"), CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES]
)
def test_rule_fires_at_the_cause_and_points_at_the_other_side(
    tmp_path: Path, code: str, fires: str, silent: str, expected: list[Expected]
) -> None:
    findings = check_case(tmp_path, fires)
    assert positions(findings, code) == expected
    for f in findings:
        assert f.hint and f.address, f  # every rule finding says how to fix it, and where


@pytest.mark.parametrize("silent", sorted({c[2] for c in CASES}))
def test_silent_fixtures_check_clean(tmp_path: Path, silent: str) -> None:
    findings = check_case(tmp_path, silent)
    assert [(f.code, f.message) for f in findings] == []


def test_limits_are_configurable(tmp_path: Path) -> None:
    strict = Limits().with_overrides({"mcc_fields_max": 20})
    findings = check_case(tmp_path, "w8006_fires", strict)
    assert positions(findings, "E8007") == [("integrations.yaml", 11, 18, ())]
    assert positions(findings, "W8006") == []
    roomy = Limits().with_overrides({"mcc_business_units_per_user": 12})
    assert positions(check_case(tmp_path / "roomy", "w8013_fires", roomy), "W8013") == []
    with pytest.raises(ValueError, match="unknown limit 'nope'"):
        Limits().with_overrides({"nope": 1})


def test_every_registered_rule_code_has_a_firing_fixture() -> None:
    covered = {c[0] for c in CASES} | {"E8007"}  # E8007: test_limits_are_configurable
    covered |= {c[0] for c in UNIT_CONSENT_CASES}  # tests/test_unit_consent.py
    covered |= {c[0] for c in UNIT_LEADS_CASES} | {c[0] for c in PERSONA_CASES}
    covered |= {c[0] for c in DUPLICATE_CASES}  # tests/test_cloud_duplicates.py
    covered |= {c[0] for c in KEY_CASES}  # tests/test_subscriber_keys.py
    covered |= {c[0] for c in SOCIAL_CASES}  # tests/test_social_care.py
    covered |= {c[0] for c in ROUTING_CASES}  # tests/test_social_routing.py
    covered |= {c[0] for c in CUSTOMER_360_CASES}  # tests/test_customer_360.py
    codes = {info.code for rule in RULES.values() for info in rule.codes}
    assert codes - covered == set()


def test_a_loop_is_reported_on_its_first_rule(tmp_path: Path) -> None:
    # the loop is rotated to start at the first rule by name; the finding is that rule's
    found = [f for f in check_case(tmp_path, "e3002_two_way_fires") if f.code == "E3002"]
    assert [f.address for f in found] == ["sync_rule.crm_shop_titles"]
