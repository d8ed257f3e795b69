"""One root cause reported once, beyond E5004: E3005 (a source longer than its targets)
groups the mappings that write one source field the same way into targets of one length
(a for_each template's instances and a list declared in another file here, a shape unlike
the docs example) into one finding, at the first, the others related; a mapping whose
resource suppresses E3005 stays a finding of its own, so the suppression keeps matching
it; targets of another length are another cause. E3006/W3007 (values a picklist does not
know) group the same way: one source's same unknown values into several objects' picklists
(rules in two files) are one finding; another source field is another cause, and a
restricted and an unrestricted target are two codes."""

from __future__ import annotations

from pathlib import Path

from rulecase import Suite, at, checked, edit, position, suppress

from compiler.rules.typefit import _named_targets

CASES = Path(__file__).parent / "fixtures" / "root_causes"
SUITE = Suite(CASES)
VIP = ("vip.yaml", 19, 18)  # contacts_to_vip's FirstName mapping
WELCOME = ("welcome.yaml", 23, 18)  # the template's FirstName mapping (both instances)


def test_one_source_into_three_short_targets_is_one_finding(tmp_path: Path) -> None:
    found = SUITE.check(tmp_path, "e3005_grouped_fires")
    assert at(found, "E3005") == [(VIP, (("vip.yaml", 9, 18), WELCOME))]
    assert [f.code for f in found] == ["E3005"]
    assert found[0].message.endswith(
        "; the same into targets as short (2 more): "
        "mc:welcome[outlet].FirstName, mc:welcome[retail].FirstName"
    )
    assert found[0].address == "sync_rule.contacts_to_vip"


def test_the_same_shape_that_fits_is_silent(tmp_path: Path) -> None:
    assert SUITE.check(tmp_path, "e3005_grouped_silent") == []


def test_a_suppressed_mapping_stays_its_own_finding(tmp_path: Path) -> None:
    eco = SUITE.eco(tmp_path, "e3005_grouped_fires")
    suppress(eco, "vip.yaml", "E3005", "The VIP list shows initials only.")
    findings = checked(eco)
    found = [(f.address, f.suppressed is not None) for f in findings]
    assert found == [
        ("sync_rule.contacts_to_vip", True),
        ("sync_rule.contacts_to_welcome[outlet]", False),
    ]
    assert "W9902" not in {f.code for f in findings}  # the suppression matched


def test_targets_of_another_length_are_another_cause(tmp_path: Path) -> None:
    eco = SUITE.eco(tmp_path, "e3005_grouped_fires")
    edit(eco, "vip.yaml", "length: 20", "length: 30")
    found = SUITE.check(tmp_path / "again", "e3005_grouped_fires")
    assert [f.address for f in checked(eco)] == [
        "sync_rule.contacts_to_vip",
        "sync_rule.contacts_to_welcome[outlet]",
    ]
    assert len(found) == 1


def test_a_grouped_message_names_each_target_once_and_at_most_five() -> None:
    # The benchmark ecosystem's 1,000 exports into shop:Order.Customer_Id had listed
    # that one target 999 times in the message.
    assert _named_targets(["shop:Order.Id"] * 999) == "shop:Order.Id"
    assert _named_targets(["b", "a", "b", "c"]) == "b, a, c"
    seven = [f"t{i}" for i in range(7)]
    assert _named_targets(seven) == "t0, t1, t2, t3, t4 and 2 other targets"
    assert _named_targets(seven[:5]) == "t0, t1, t2, t3, t4"


ACCOUNT_TIER = ("accounts.yaml", 10, 16)  # shop_account_tiers' Tier__c mapping
CONTACT_TIER = ("tiers.yaml", 25, 16)  # shop_contact_tiers' Tier__c mapping
CONTACT_SEGMENT = ("tiers.yaml", 26, 19)  # shop_contact_tiers' Segment__c mapping


def test_one_picklist_source_into_two_objects_is_one_finding(tmp_path: Path) -> None:
    found = SUITE.check(tmp_path, "e3006_grouped_fires")
    assert at(found, "E3006") == [
        (ACCOUNT_TIER, (("tiers.yaml", 14, 16), CONTACT_TIER)),
        (CONTACT_SEGMENT, (("tiers.yaml", 10, 19),)),  # another source: another cause
    ]
    assert [f.code for f in found] == ["E3006", "E3006"]
    assert found[0].message == (
        "sync_rule.shop_account_tiers can write 'Bronze' into crm:Account.Tier__c, which its "
        "restricted picklist does not know; the same into restricted picklists (1 more): "
        "crm:Contact.Tier__c"
    )
    assert found[1].message.endswith("does not know")  # alone: nothing else named


def test_the_same_picklist_shape_that_knows_the_values_is_silent(tmp_path: Path) -> None:
    assert SUITE.check(tmp_path, "e3006_grouped_silent") == []


def test_unrestricted_targets_group_as_one_w3007(tmp_path: Path) -> None:
    eco = SUITE.eco(tmp_path, "e3006_grouped_fires")
    edit(eco, "tiers.yaml", "Standard], restricted: true", "Standard]")
    found = checked(eco)
    assert [(f.code, f.address) for f in found] == [
        ("W3007", "sync_rule.shop_account_tiers"),
        ("E3006", "sync_rule.shop_contact_tiers"),
    ]
    assert found[0].message.endswith("; the same into picklists (1 more): crm:Contact.Tier__c")
    assert len(found[0].related) == 2


def test_a_restricted_and_an_unrestricted_target_are_two_findings(tmp_path: Path) -> None:
    eco = SUITE.eco(tmp_path, "e3006_grouped_fires")
    tiers = (eco / "tiers.yaml").read_text()
    account = tiers.rindex("Standard], restricted: true")
    (eco / "tiers.yaml").write_text(
        tiers[:account] + "Standard]}\n" + tiers[tiers.index("\n", account) + 1 :]
    )
    found = [(f.code, f.address, position(f)[1]) for f in checked(eco)]
    assert found == [
        ("W3007", "sync_rule.shop_account_tiers", 10),
        ("E3006", "sync_rule.shop_contact_tiers", 25),
        ("E3006", "sync_rule.shop_contact_tiers", 26),
    ]


def test_a_suppressed_picklist_mapping_stays_its_own_finding(tmp_path: Path) -> None:
    eco = SUITE.eco(tmp_path, "e3006_grouped_fires")
    suppress(eco, "accounts.yaml", "E3006", "Accounts are tiered by hand.")
    found = [(f.address, f.suppressed is not None, len(f.related)) for f in checked(eco)]
    assert found == [
        ("sync_rule.shop_account_tiers", True, 1),
        ("sync_rule.shop_contact_tiers", False, 1),
        ("sync_rule.shop_contact_tiers", False, 1),
    ]


def test_a_suppression_of_another_code_does_not_split_the_group(tmp_path: Path) -> None:
    """Only a suppression of E3005 itself sets a mapping apart: the VIP rule suppressing
    another code (E3006, which nothing raises here) still shares the one E3005 finding with
    the template's mappings, and that suppression is reported unused."""
    eco = SUITE.eco(tmp_path, "e3005_grouped_fires")
    suppress(eco, "vip.yaml", "E3006", "The VIP tiers are checked by the list owner.")
    findings = checked(eco)
    lengths = [f for f in findings if f.code == "E3005"]
    assert [(f.address, f.suppressed) for f in lengths] == [("sync_rule.contacts_to_vip", None)]
    assert "(2 more)" in lengths[0].message
    assert [f.code for f in findings if f.code != "E3005"] == ["W9902"]
