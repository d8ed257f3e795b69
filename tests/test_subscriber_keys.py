"""Marketing Cloud's subscriber-key strategy (`key_strategy` on a Marketing Cloud system
and its business units): validation with positions, and the rules E5501-E5503 on real
fixture files (tests/fixtures/subscriber_keys/, each over the rule fixtures' clean base),
every firing case beside a near-identical silent one, one per exemption and boundary."""

from __future__ import annotations

from pathlib import Path

import pytest
from rulecase import Located, RuleCase, Suite, case_id, checked, edit, refused

CASES = Path(__file__).parent / "fixtures" / "subscriber_keys"
SUITE = Suite(CASES)
OUTLET_EMAIL = ("systems.yaml", 20, 30)  # outlet's key_strategy.kind: email
LISTED = ("integrations.yaml", 12, 32)  # the connector's business_units: outlet
CLUB_STRATEGY = ("systems.yaml", 22, 23)  # club's key_strategy
MEMBERS = ("members.yaml", 22, 18)  # the template's mapping into MemberKey
E5502_GROUP: list[Located] = [(("vip.yaml", 17, 15), (CLUB_STRATEGY, MEMBERS, MEMBERS))]

RULE_CASES = [
    # Connect serves outlet, keyed by email (silent: it serves retail only)
    RuleCase("E5501", "e5501_fires", "e5501_silent", [(OUTLET_EMAIL, (LISTED,))]),
    # a connector that lists no business units serves them all
    RuleCase(
        "E5501",
        "e5501_all_fires",
        "e5501_silent",
        [(OUTLET_EMAIL, (("integrations.yaml", 11, 9),))],
    ),
    # boundary: the unit keyed by the CRM id is what the connector expects
    RuleCase("E5501", "e5501_fires", "e5501_kind_silent", [(OUTLET_EMAIL, (LISTED,))]),
    # three sendable lists (a template's two instances, a VIP list in another file) keyed
    # by the shop's email in units keyed by the CRM id: one cause, one finding (silent:
    # the units are keyed by email); E5004 leaves units with their own strategy alone
    RuleCase("E5502", "e5502_fires", "e5502_silent", E5502_GROUP),
    # an external-id strategy names its source field (silent: filled from it)
    RuleCase("E5502", "e5502_source_fires", "e5502_source_silent", E5502_GROUP),
    # no strategy declared: the newsletter keyed by the CRM id, the shop's receipts by
    # email in the same account (silent: the receipts are not sendable)
    RuleCase(
        "E5503",
        "e5503_fires",
        "e5503_silent",
        [(("case.yaml", 20, 19), (("sync.yaml", 10, 22),))],
    ),
]


@pytest.mark.parametrize("case", RULE_CASES, ids=case_id)
def test_rule_fires_and_stays_silent(tmp_path: Path, case: RuleCase) -> None:
    SUITE.fires_and_stays_silent(tmp_path, case)


def test_the_grouped_finding_names_every_data_extension_and_the_wanted_identity(
    tmp_path: Path,
) -> None:
    found = SUITE.check(tmp_path, "e5502_source_fires")
    assert [f.message for f in found] == [
        "sendable data extensions 'club_vip', 'shop_members[club]', 'shop_members[outlet]' "
        "relate their subscriber field to the subscriber key, but fill it from "
        "shop:Customer.Email (an email address), not from shop:Customer.Id"
    ]
    assert found[0].address == "data_extension.club_vip"


def test_a_unit_with_its_own_strategy_is_judged_by_e5502_not_e5004(tmp_path: Path) -> None:
    """Without the units' own strategies, the same lists depart from the declared field
    (crm:Contact.Id) and E5004 reports them instead, once."""
    eco = SUITE.eco(tmp_path, "e5502_fires")
    edit(eco, "systems.yaml", "        key_strategy: {kind: crm_id}\n", "")
    assert [(f.code, f.address) for f in checked(eco)] == [("E5004", "data_extension.club_vip")]


def test_an_unknown_source_field_is_reported_where_it_is_written(tmp_path: Path) -> None:
    eco = SUITE.eco(tmp_path, "e5502_source_silent")
    edit(eco, "systems.yaml", "shop:Customer.Id", "shop:Customer.Idx")
    assert refused(eco) == [
        ("E2011", 19, 51),
        ("E2011", 22, 51),
    ]


def test_an_unknown_kind_is_refused_with_its_position(tmp_path: Path) -> None:
    eco = SUITE.eco(tmp_path, "e5501_fires")
    edit(eco, "systems.yaml", "{kind: email}", "{kind: phone}")
    assert [(line, column) for _, line, column in refused(eco)] == [(20, 30)]
