"""compiler/rules/datamodel.py: the paths its mutation run found unpinned
(benchmarks/README.md "Mutation scores of `compiler/rules/`, continued (mutR)"): E8001
through Marketing Cloud Connect synchronizing Lead and an Account Engagement connector
creating leads (tests/test_rules_fixtures.py has a sync rule only), and E8002 for a
person-account field mapped into Account, against the data model and against the org,
beside the same mapping where both allow person accounts."""

from __future__ import annotations

from pathlib import Path

from test_rules_fixtures import check_case, positions

DECISION = ("ecosystem.yaml", 5, 17)  # data_model.uses_leads


def test_connectors_that_sync_or_create_leads_in_a_company_without_leads(
    tmp_path: Path,
) -> None:
    found = check_case(tmp_path, "e8001_connectors_fires")
    assert positions(found, "E8001") == [
        ("case.yaml", 18, 22, (DECISION,)),  # the connector's creates_leads
        ("integrations.yaml", 12, 15, (DECISION,)),  # Marketing Cloud Connect's Lead
    ]
    assert [f.message for f in found] == [
        "integration.ae_connector creates leads, but the data model uses no leads",
        "integration.mc_connect syncs Lead records, but the data model uses no leads",
    ]


def test_a_person_account_field_against_the_model_and_the_org(tmp_path: Path) -> None:
    business = check_case(tmp_path / "business", "e8002_person_field_fires")
    assert positions(business, "E8002") == [
        ("case.yaml", 14, 20, (("ecosystem.yaml", 11, 20),)),
    ]
    assert [f.message for f in business] == [
        "sync_rule.shop_accounts maps person-account field 'PersonEmail' of crm.Account, but "
        "the data model uses business accounts only"
    ]
    disabled = check_case(tmp_path / "disabled", "e8002_person_disabled_fires")
    assert [f.message for f in disabled] == [
        "sync_rule.shop_accounts maps person-account field 'PersonEmail' of crm.Account, but "
        "CRM 'crm' has person accounts disabled",
        "the data model uses person accounts, but CRM 'crm' has person accounts disabled",
    ]
    assert check_case(tmp_path / "silent", "e8002_person_field_silent") == []


def test_only_a_salesforce_lead_is_a_lead(tmp_path: Path) -> None:
    """A rule from an external system's object named Lead into CRM contacts, in a company
    without leads: neither side is a Salesforce Lead."""
    assert check_case(tmp_path, "e8001_contacts_silent") == []


def test_a_contact_field_named_like_a_person_account_field_is_not_one(tmp_path: Path) -> None:
    assert check_case(tmp_path, "e8002_contact_person_silent") == []


def test_a_person_account_field_is_judged_against_its_own_org(tmp_path: Path) -> None:
    """Two orgs, one with person accounts: the mapping into that one is fine; only the
    other org is reported."""
    found = check_case(tmp_path, "e8002_two_orgs_fires")
    assert [(f.code, f.message) for f in found] == [
        (
            "E8002",
            "the data model uses person accounts, but CRM 'crm_b2b' has person accounts disabled",
        )
    ]


def test_a_business_account_field_into_account_is_no_person_field(tmp_path: Path) -> None:
    assert check_case(tmp_path, "e8002_account_silent") == []
