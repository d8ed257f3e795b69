"""compiler/rules/hygiene.py: what counts as a use of a declared object (W9001). A User
checkbox that a duplicate rule's exemption tests, or that an integration user sets, is
a use; the same declaration with neither is unused."""

from __future__ import annotations

import shutil
from pathlib import Path

from test_rules_fixtures import ROOT

from compiler.rules.check import check_path

SOCIAL = Path(__file__).parent / "fixtures" / "social"


def _eco(tmp_path: Path, case: str) -> Path:
    eco = tmp_path / "eco"
    shutil.copytree(ROOT / "_base", eco)
    for file in sorted((ROOT / case).iterdir()):
        shutil.copy(file, eco / file.name)
    return eco


def _unused(eco: Path) -> list[tuple[str, int]]:
    result = check_path(eco)
    assert result.analyzed
    return [(f.address, f.span.line) for f in result.findings if f.code == "W9001" and f.span]


def test_a_bypass_checkbox_tested_or_set_uses_the_user_object(tmp_path: Path) -> None:
    eco = _eco(tmp_path, "w5910_bypass_field_silent")
    assert _unused(eco) == []
    # only the user sets it (the rule exempts nobody by it): still a use
    case = (eco / "case.yaml").read_text()
    (eco / "case.yaml").write_text(case.split("    exempt:")[0])
    assert _unused(eco) == []
    # nobody sets or tests it: crm.User is declared for nothing
    users = (eco / "users.yaml").read_text()
    (eco / "users.yaml").write_text(users.replace("    bypass_fields: [Skip_Dedupe_Flag__c]\n", ""))
    assert _unused(eco) == [("object.crm.User", 6)]


def test_a_record_checkbox_a_rule_tests_uses_its_object(tmp_path: Path) -> None:
    # the rule tests a checkbox of the contact, the user sets its own User checkbox
    assert _unused(_eco(tmp_path, "w5910_bypass_field_object_fires")) == []


def test_every_kind_of_unused_resource(tmp_path: Path) -> None:
    """One unused resource of each kind, beside _base's used ones (which _base alone
    checks clean of): each is reported once, at its own declaration."""
    assert _unused(_eco(tmp_path, "w9001_every_kind_fires")) == [
        ("integration_user.spare_user", 9),
        ("integration.idle_feed", 11),
        ("queue.spare_queue", 14),
        ("data_extension.spare_list", 19),
        ("object.shop.Voucher", 25),
        ("system.archive", 29),
        ("group.spare_group", 36),
        ("purpose.spare_purpose", 5),
    ]
    found = check_path(_eco(tmp_path / "again", "w9001_every_kind_fires")).findings
    assert [f.message for f in found if f.address == "integration.idle_feed"] == [
        "integration (no sync rule) 'idle_feed' is declared but nothing uses it"
    ]
    assert {f.code for f in found} == {"W9001"}


def test_an_object_used_only_as_consent_storage_is_used(tmp_path: Path) -> None:
    """CRM objects that only hold a consent channel's storage or its per-unit storage
    (sms, kept in the CRM alone) are used; without the channel they are unused."""
    assert _unused(_eco(tmp_path / "used", "w9001_storage_silent")) == []
    eco = _eco(tmp_path / "unused", "w9001_storage_silent")
    shutil.copy(ROOT / "_base" / "consent.yaml", eco / "consent.yaml")
    assert _unused(eco) == [
        ("object.crm.Sms_Preference__c", 6),
        ("object.crm.Sms_Unit_Preference__c", 9),
    ]


def test_an_object_marketing_cloud_connect_synchronizes_is_used(tmp_path: Path) -> None:
    """Synchronized by Marketing Cloud Connect, the object is used even when its user's
    permissions (the other use) are left out; with neither it is unused."""
    assert _unused(_eco(tmp_path / "both", "w9001_connect_object_silent")) == []
    eco = _eco(tmp_path / "connect", "w9001_connect_object_silent")
    shutil.copy(ROOT / "_base" / "users.yaml", eco / "users.yaml")
    assert _unused(eco) == []
    shutil.copy(ROOT / "_base" / "integrations.yaml", eco / "integrations.yaml")
    assert _unused(eco) == [("object.crm.Loyalty_Card__c", 6)]


def _social_on_accounts(tmp_path: Path, *, persona_rule: bool) -> Path:
    """Social care (tests/fixtures/social/_care) whose personas become person accounts
    merged by a matching rule on crm.Account, an object declared for one custom field;
    without `persona_rule` the personas stay contacts and the Account rule is gone."""
    eco = _eco(tmp_path, "_base")
    for file in sorted((SOCIAL / "_care").iterdir()):
        shutil.copy(file, eco / file.name)
    social = eco / "social.yaml"
    text = social.read_text() + (
        "objects:\n  crm.Account:\n    fields:\n"
        "      Loyalty_Email__c: {type: email, length: 80, personal_data: personal}\n"
    )
    if persona_rule:
        text = text.replace(
            "personas: {parent: contact, duplicates: merge, matching_rule: contact_email}",
            "personas: {parent: person_account, duplicates: merge, matching_rule: account_email}",
        ).replace(
            "    items: [{field: Email}]\n",
            "    items: [{field: Email}]\n  account_email:\n    system: crm\n"
            "    object: Account\n    items: [{field: Loyalty_Email__c}]\n",
            1,
        )
    social.write_text(text)
    return eco


def test_an_object_a_matching_rule_matches_is_used(tmp_path: Path) -> None:
    """crm.Account is used by the personas' matching rule alone (no duplicate rule, sync
    rule or permission names it: the missing permission is E4002, not an unused object);
    the same declaration without the matching rule is W9001."""
    result = check_path(_social_on_accounts(tmp_path / "used", persona_rule=True))
    assert result.analyzed
    assert [(f.code, f.address) for f in result.findings] == [
        ("E4002", "integration_user.social_user")
    ]
    unused = _social_on_accounts(tmp_path / "unused", persona_rule=False)
    assert _unused(unused) == [("object.crm.Account", 40)]


def test_a_purpose_only_an_audience_serves_is_used(tmp_path: Path) -> None:
    """The advertising purpose served by audiences but by no consent channel is used
    (E6301 reports the missing channel); without the audiences it is unused."""
    eco = _eco(tmp_path, "audiences_silent")
    consent = eco / "consent.yaml"
    consent.write_text(consent.read_text().split("    advertising:\n      system_of_record")[0])
    result = check_path(eco)
    assert result.analyzed
    assert {f.code for f in result.findings} == {"E6301"}
    audiences = eco / "audiences.yaml"
    audiences.write_text(audiences.read_text().split("audiences:\n")[0])
    assert _unused(eco) == [("purpose.advertising", 5)]
