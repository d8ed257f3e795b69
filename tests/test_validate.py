"""The model stage: every resource kind, valid and invalid, with exact positions.

Each invalid case adds (or replaces) one file of the language fixture and expects exactly
one finding: its code, file, line and column (where `needle` sits in the file) and a piece
of its message. Exactly one: a mistake must not cascade into noise elsewhere.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import pytest
from conftest import FixtureEco, RunEngage, compile_eco, locate, where

from compiler.model import RESOURCE_SECTIONS

H = "apiVersion: engage/v1\n"


class Case(NamedTuple):
    file: str
    text: str
    needle: str
    code: str
    message: str
    nth: int = 0


def check(fixture_eco: FixtureEco, case: Case) -> None:
    root = fixture_eco({case.file: case.text})
    comp = compile_eco(root)
    assert len(comp.findings) == 1, [f"{f.span} {f.code} {f.message}" for f in comp.findings]
    (finding,) = comp.findings
    line, column = locate(case.text, case.needle, case.nth)
    assert where(finding) == (case.code, f"eco/{case.file}", line, column)
    assert case.message in finding.message


def test_the_fixture_uses_every_resource_kind_and_is_valid(fixture_eco: FixtureEco) -> None:
    comp = compile_eco(fixture_eco())
    assert comp.ok, [f"{f.span} {f.code} {f.message}" for f in comp.findings]
    assert comp.findings == ()
    assert comp.resolved is not None
    eco = comp.resolved.ecosystem
    for section in RESOURCE_SECTIONS:
        assert getattr(eco, section), f"the fixture declares no {section}"
    assert {s.type for s in eco.systems.values()} == {
        "salesforce",
        "account_engagement",
        "marketing_cloud",
        "social_studio",
        "interaction_studio",
        "external",
    }
    assert eco.consent.channels and eco.governance.groups and eco.moved
    assert comp.environments == ("production", "sandbox")


SYSTEMS = [
    Case("x.yaml", H + "systems:\n  bad: {type: salesforse, region: eu}\n",
         "salesforse", "E1004", "'salesforse' is not allowed"),
    Case("x.yaml", H + "systems:\n  bad: {type: salesforce}\n",
         "{type", "E1003", "lacks the required key 'region'"),
    Case("x.yaml", H + "systems:\n  bad: {type: salesforce, regoin: eu, region: eu}\n",
         "regoin", "E1001", "did you mean 'region'?"),
    # a misspelt required key is one finding, the unknown key, not also "region missing"
    Case("x.yaml", H + "systems:\n  bad: {type: salesforce, regoin: eu}\n",
         "regoin", "E1001", "did you mean 'region'?"),
    Case("x.yaml", H + "systems:\n  bad: {type: external, region: eu, category: erp, "
         "workspaces: [a]}\n", "workspaces", "E1001", "unknown key 'workspaces'"),
    Case("x.yaml", H + "systems:\n  bad: {type: salesforce, region: eu, org_id: 12}\n",
         "12", "E1002", "systems.bad.org_id"),
    Case("x.yaml", H + "systems:\n  bad: {type: salesforce, region: eu, org_id: '00X123'}\n",
         "'00X", "E1005", "does not match the required format"),
    Case("x.yaml", H + "systems:\n  bad: {type: marketing_cloud, region: eu, channels: [fax]}\n",
         "fax", "E1004", "'fax' is not allowed"),
    Case("x.yaml", H + "systems:\n  bad: {type: marketing_cloud, region: EU}\n",
         "EU", "E1005", "systems.bad.region"),
    Case("x.yaml", H + "systems:\n  bad:\n    type: marketing_cloud\n    region: eu\n"
         "    business_units:\n      a: {mid: 0}\n", "0", "E1006", "business_units.a.mid"),
    Case("x.yaml", H + "systems:\n  bad: {type: external, region: eu, category: crm}\n",
         "crm", "E1004", "'crm' is not allowed"),
    Case("x.yaml", H + "systems:\n  1bad: {type: external, region: eu, category: erp}\n",
         "1bad", "E1005", "the name '1bad' is not a valid name"),
    Case("x.yaml", H + "systems:\n  bad: [salesforce]\n",
         "[sales", "E1002", "systems.bad"),
    Case("x.yaml", H + "systems:\n  bad:\n    type: account_engagement\n    region: eu\n"
         "    business_units:\n      b2b: {id: 0Uv12}\n", "0Uv12", "E1005",
         "business_units.b2b.id"),
    Case("x.yaml", H + "systems:\n  bad: {type: interaction_studio, region: eu, datasets: "
         "web}\n", "web}", "E1002", "systems.bad.datasets"),
    Case("x.yaml", H + "systems:\n  bad: {type: social_studio, region: eu, workspaces: "
         "[ok, 'not ok']}\n", "'not ok'", "E1005", "systems.bad.workspaces.1"),
]  # fmt: skip

BUSINESS_UNITS = [
    Case("x.yaml", H + "business_units:\n  b: {brand: B, segment: b2x}\n",
         "b2x", "E1004", "expected 'b2b', 'b2c' or 'both'"),
    Case("x.yaml", H + "business_units:\n  b: {segment: b2b}\n",
         "{segment", "E1003", "lacks the required key 'brand'"),
    Case("x.yaml", H + "business_units:\n  b: {brand: B, segment: b2b, sending_domains: "
         "[Not A Domain]}\n", "Not A", "E1005", "sending_domains.0"),
    Case("x.yaml", H + "business_units:\n  b:\n    brand: B\n    segment: b2b\n"
         "    marketing_cloud: {system: mc, business_unit: retail, mid: 3}\n", "mid", "E1001",
         "unknown key 'mid' in business_units.b.marketing_cloud"),
]  # fmt: skip

OBJECTS = [
    Case("x.yaml", H + "objects:\n  crm-Contact: {}\n",
         "crm-Contact", "E1005", "the name 'crm-Contact' is not a valid name"),
    Case("x.yaml", H + "objects:\n  crm.Thing__c:\n    fields:\n      A__c: {type: string}\n",
         "string", "E1004", "'string' is not allowed; expected 'id', 'text'"),
    Case("x.yaml", H + "objects:\n  crm.Thing__c:\n    fields:\n      A__c: {type: text, "
         "length: 0}\n", "0}", "E1006", "fields.A__c.length"),
    Case("x.yaml", H + "objects:\n  crm.Thing__c:\n    fields:\n      A-b: {type: text}\n",
         "A-b", "E1005", "fields.A-b"),
    Case("x.yaml", H + "objects:\n  crm.Thing__c:\n    fields:\n      A__c: {type: text, "
         "personal_data: secret}\n", "secret", "E1004", "'secret' is not allowed"),
    Case("x.yaml", H + "objects:\n  crm.Thing__c:\n    fields:\n      A__c: {type: text, "
         "format: mail}\n", "mail", "E1004", "did you mean 'email'?"),
]  # fmt: skip

DATA_EXTENSIONS = [
    Case("x.yaml", H + "data_extensions:\n  d: {business_unit: retail}\n",
         "{business", "E1003", "lacks the required key 'fields'"),
    Case("x.yaml", H + "data_extensions:\n  d:\n    business_unit: retail\n    fields:\n"
         "      A: {type: Txt}\n", "Txt", "E1004", "did you mean 'Text'?"),
    Case("x.yaml", H + "data_extensions:\n  d:\n    business_unit: retail\n    fields:\n"
         "      A: {type: Text, length: 4001}\n", "4001", "E1006", "fields.A.length"),
    Case("x.yaml", H + "data_extensions:\n  d:\n    business_unit: retail\n    fields:\n"
         "      A: {type: Text, primary_key: 'yes'}\n", "'yes'", "E1002", "primary_key"),
    Case("x.yaml", H + "data_extensions:\n  d:\n    business_unit: retail\n    fields: {A: "
         "{type: Text}}\n    retention: {period: 0}\n", "0}", "E1006", "retention.period"),
    Case("x.yaml", H + "data_extensions:\n  d:\n    business_unit: retail\n    fields: {A: "
         "{type: Text}}\n    shared_with: all\n", "all", "E1004", "'all' is not allowed"),
    Case("x.yaml", H + "data_extensions:\n  d:\n    business_unit: retail\n    fields: {A: "
         "{type: Text}}\n    sendable: {field: A, relates_to: email}\n", "email", "E1004",
         "'email' is not allowed"),
]  # fmt: skip

INTEGRATION_USERS = [
    Case("x.yaml", H + "integration_users:\n  u: {system: crm, licence: full}\n",
         "full", "E1004", "'full' is not allowed"),
    Case("x.yaml", H + "integration_users:\n  u:\n    system: crm\n    permissions:\n"
         "      Contact: {object: [read, write]}\n", "write", "E1004", "'write' is not allowed"),
    Case("x.yaml", H + "integration_users:\n  u:\n    system: crm\n    permissions:\n"
         "      Contact: {fields: {Email: rw}}\n", "rw", "E1004", "expected 'read' or 'edit'"),
    Case("x.yaml", H + "integration_users:\n  u: {licence: salesforce}\n",
         "{licence", "E1003", "lacks the required key 'system'"),
]  # fmt: skip

INTEGRATIONS = [
    Case("x.yaml", H + "integrations:\n  i: {type: ftp, from: shop, to: mc}\n",
         "ftp", "E1004", "'ftp' is not allowed"),
    Case("x.yaml", H + "integrations:\n  i: {type: custom, to: mc}\n",
         "{type", "E1003", "lacks the required key 'from'"),
    Case("x.yaml", H + "integrations:\n  i: {type: custom, from: shop, to: mc, "
         "schedule: {every: 15 minutes}}\n", "15 minutes", "E1005", "schedule.every"),
    Case("x.yaml", H + "integrations:\n  i: {type: csv_import, from: drops, to: mc, "
         "file: {pattern: a.csv, delimiter: ':'}}\n", "':'", "E1004", "file.delimiter"),
    Case("x.yaml", H + "integrations:\n  i:\n    type: account_engagement_connector\n"
         "    from: pardot\n    to: crm\n    account_engagement:\n      business_unit: industry\n"
         "      sharing_rules: [{object: Case, field: Origin, value: Web}]\n",
         "Case", "E1004", "'Case' is not allowed"),
    Case("x.yaml", H + "integrations:\n  i:\n    type: marketing_cloud_connect\n    from: crm\n"
         "    to: mc\n    marketing_cloud_connect: {business_units: [retail]}\n",
         "{business", "E1003", "lacks the required key 'objects'"),
]  # fmt: skip

SYNC_RULES = [
    Case("x.yaml", H + "sync_rules:\n  s: {integration: shop_to_mc, source: shop, "
         "target: mc.customers, fields: {}}\n", "shop,", "E1005", "sync_rules.s.source"),
    Case("x.yaml", H + "sync_rules:\n  s: {integration: shop_to_mc, source: shop.Customer, "
         "target: mc.customers, mode: merge, fields: {}}\n", "merge", "E1004",
         "'merge' is not allowed"),
    Case("x.yaml", H + "sync_rules:\n  s: {integration: shop_to_mc, source: shop.Customer, "
         "target: mc.customers}\n", "{integration", "E1003", "lacks the required key 'fields'"),
    Case("x.yaml", H + "sync_rules:\n  s:\n    integration: shop_to_mc\n    source: shop.Customer\n"
         "    target: mc.customers\n    fields:\n      EmailAddress: {from: email, transform: "
         "lowercase}\n", "lowercase", "E1004", "did you mean 'lower'?"),
    Case("x.yaml", H + "sync_rules:\n  s:\n    integration: shop_to_mc\n    source: shop.Customer\n"
         "    target: mc.customers\n    fields:\n      EmailAddress: {from: email, precedence: "
         "newest}\n", "newest", "E1004", "'newest' is not allowed"),
    Case("x.yaml", H + "sync_rules:\n  s:\n    integration: shop_to_mc\n    source: shop.Customer\n"
         "    target: mc.customers\n    fields: {EmailAddress: email}\n    filter:\n"
         "      - {field: tier, op: like, value: G}\n", "like", "E1004", "'like' is not allowed"),
    Case("x.yaml", H + "sync_rules:\n  s:\n    integration: shop_to_mc\n    source: shop.Customer\n"
         "    target: mc.customers\n    fields: {EmailAddress: email}\n    gate: {min_grade: E}\n",
         "E}", "E1004", "'E' is not allowed"),
    Case("x.yaml", H + "sync_rules:\n  s:\n    integration: shop_to_mc\n    source: shop.Customer\n"
         "    target: mc.customers\n    fields: {EmailAddress: email}\n    direction: both\n",
         "both", "E1004", "expected 'one_way' or 'two_way'"),
    Case("x.yaml", H + "sync_rules:\n  s:\n    integration: shop_to_mc\n    source: shop.Customer\n"
         "    target: mc.customers\n    fields: {EmailAddress: email}\n    filters: []\n",
         "filters", "E1001", "did you mean 'filter'?"),
    Case("x.yaml", H + "sync_rules:\n  s:\n    integration: shop_to_mc\n    source: shop.Customer\n"
         "    target: mc.customers\n    fields: {EmailAddress: 5}\n",
         "5}", "E1002", "fields.EmailAddress: input should be a valid string"),
]  # fmt: skip

DEDUPE = [
    Case("x.yaml", H + "matching_rules:\n  m: {system: crm, object: Contact, items: []}\n",
         "[]", "E1006", "matching_rules.m.items"),
    Case("x.yaml", H + "matching_rules:\n  m: {system: crm, object: Contact, items: "
         "[{field: Email, method: soundex}]}\n", "soundex", "E1004", "'soundex' is not allowed"),
    Case("x.yaml", H + "duplicate_rules:\n  d: {system: crm, object: Contact, matching_rule: "
         "contact_by_email, on_create: {action: alert}}\n", "alert}", "E1004",
         "expected 'allow' or 'block'"),
    Case("x.yaml", H + "duplicate_rules:\n  d: {system: crm, object: Contact}\n",
         "{system", "E2012", "names `matching_rule` or `matching_rules`"),
    Case("x.yaml", H + "duplicate_rules:\n  d: {system: crm, object: Contact, matching_rule: "
         "Standard_Contact_Match_Rule_v1_1,\n    exempt: {custom_permissions: [nope]}}\n",
         "nope", "E2010", "custom permission 'nope'"),
]  # fmt: skip

CONSENT_BASE = (
    H + "consent:\n  channels:\n    email:\n      system_of_record: crm\n      storage:\n"
    "        crm: {object: Contact, field: HasOptedOutOfEmail, polarity: opt_out}\n"
)
CONSENT = [
    Case("consent.yaml", CONSENT_BASE.replace("email:", "fax:"),
         "fax", "E1004", "'fax' is not allowed"),
    Case("consent.yaml", CONSENT_BASE.replace("opt_out}", "negative}"),
         "negative", "E1004", "'negative' is not allowed"),
    Case("consent.yaml", CONSENT_BASE + "      max_propagation: soon\n",
         "soon", "E1005", "max_propagation"),
    Case("consent.yaml", CONSENT_BASE.replace("      system_of_record: crm\n", ""),
         "storage", "E1003",
         "lacks the required key 'system_of_record'"),
    Case("consent.yaml", CONSENT_BASE + "  purposes:\n    marketing: {legal_basis: whim}\n",
         "whim", "E1004", "'whim' is not allowed"),
]  # fmt: skip

GOVERNANCE = [
    Case("governance.yaml", H + "governance:\n  groups:\n    committee: {members: []}\n",
         "[]", "E1006", "governance.groups.committee.members"),
    Case("governance.yaml", H + "governance:\n  groups:\n    c: {members: [a]}\n  policies:\n"
         "    p: {require: [{group: c, count: 0}]}\n", "0}", "E1006", "count"),
    Case("governance.yaml", H + "governance:\n  groups:\n    c: {members: [a]}\n  policies:\n"
         "    p: {when: {risks: [fire]}, require: [{group: c}]}\n", "fire", "E1004",
         "'fire' is not allowed"),
    Case("governance.yaml", H + "governance:\n  groups:\n    c: {members: [a]}\n  policies:\n"
         "    p: {when: {risks: [consent]}}\n", "{when", "E1003",
         "lacks the required key 'require'"),
    Case("governance.yaml", H + "moved:\n  - {from: a, to: b, too: c}\n", "too", "E1001",
         "did you mean 'to'?"),
]  # fmt: skip

ENVS = "  environments: {sandbox: {}, production: {production: true}}\n"
ECOSYSTEM = [
    Case("ecosystem.yaml", H + "ecosystem:\n" + ENVS + "  description: no name\n",
         "environments", "E1003", "ecosystem lacks the required key 'name'"),
    Case("ecosystem.yaml", H + "ecosystem:\n  name: x\n" + ENVS + "  data_model: "
         "{account_model: persons}\n", "persons", "E1004", "'persons' is not allowed"),
    Case("ecosystem.yaml", H + "ecosystem:\n  name: x\n" + ENVS + "  owner: [me]\n",
         "owner", "E1001", "did you mean 'owners'?"),
    Case("ecosystem.yaml", H + "ecosystem:\n  name: x\n" + ENVS
         + "  default_environment: [sandbox]\n",
         "[sandbox]", "E1002", "ecosystem.default_environment"),
]  # fmt: skip


def _ids(cases: list[Case]) -> list[str]:
    return [f"{c.code}-{c.message[:30]}" for c in cases]


@pytest.mark.parametrize("case", SYSTEMS, ids=_ids(SYSTEMS))
def test_systems(fixture_eco: FixtureEco, case: Case) -> None:
    check(fixture_eco, case)


@pytest.mark.parametrize("case", BUSINESS_UNITS, ids=_ids(BUSINESS_UNITS))
def test_business_units(fixture_eco: FixtureEco, case: Case) -> None:
    check(fixture_eco, case)


@pytest.mark.parametrize("case", OBJECTS, ids=_ids(OBJECTS))
def test_objects(fixture_eco: FixtureEco, case: Case) -> None:
    check(fixture_eco, case)


@pytest.mark.parametrize("case", DATA_EXTENSIONS, ids=_ids(DATA_EXTENSIONS))
def test_data_extensions(fixture_eco: FixtureEco, case: Case) -> None:
    check(fixture_eco, case)


@pytest.mark.parametrize("case", INTEGRATION_USERS, ids=_ids(INTEGRATION_USERS))
def test_integration_users(fixture_eco: FixtureEco, case: Case) -> None:
    check(fixture_eco, case)


@pytest.mark.parametrize("case", INTEGRATIONS, ids=_ids(INTEGRATIONS))
def test_integrations(fixture_eco: FixtureEco, case: Case) -> None:
    check(fixture_eco, case)


@pytest.mark.parametrize("case", SYNC_RULES, ids=_ids(SYNC_RULES))
def test_sync_rules(fixture_eco: FixtureEco, case: Case) -> None:
    check(fixture_eco, case)


@pytest.mark.parametrize("case", DEDUPE, ids=_ids(DEDUPE))
def test_matching_and_duplicate_rules(fixture_eco: FixtureEco, case: Case) -> None:
    check(fixture_eco, case)


@pytest.mark.parametrize("case", CONSENT, ids=_ids(CONSENT))
def test_consent(fixture_eco: FixtureEco, case: Case) -> None:
    check(fixture_eco, case)


@pytest.mark.parametrize("case", GOVERNANCE, ids=_ids(GOVERNANCE))
def test_governance(fixture_eco: FixtureEco, case: Case) -> None:
    check(fixture_eco, case)


@pytest.mark.parametrize("case", ECOSYSTEM, ids=_ids(ECOSYSTEM))
def test_ecosystem_section(fixture_eco: FixtureEco, case: Case) -> None:
    check(fixture_eco, case)


def test_consent_storage_names_marketing_cloud_system_views(fixture_eco: FixtureEco) -> None:
    """`_Subscribers` and for_each data extensions are objects consent may be stored in."""
    text = CONSENT_BASE + (
        "        mc: {object: _Subscribers, field: Status, polarity: status}\n"
        "    sms:\n      system_of_record: mc\n      storage:\n"
        "        mc: {object: 'newsletter[retail]', field: SubscriberKey, polarity: opt_in}\n"
    )
    comp = compile_eco(fixture_eco({"consent.yaml": text}))
    assert comp.findings == ()


def test_all_mistakes_of_a_run_are_reported_at_once(fixture_eco: FixtureEco) -> None:
    text = H + (
        "systems:\n  a: {type: salesforse, region: eu}\n  b: {type: external, region: eu}\n"
        "data_extensions:\n  d: {business_unit: retail, fields: {A: {type: Txt}}}\n"
    )
    comp = compile_eco(fixture_eco({"x.yaml": text}))
    assert [where(f) for f in comp.findings] == [
        ("E1004", "eco/x.yaml", *locate(text, "salesforse")),
        ("E1003", "eco/x.yaml", *locate(text, "{type: external")),
        ("E1004", "eco/x.yaml", *locate(text, "Txt")),
    ]


def test_cli_reports_schema_findings_with_source_excerpt(
    fixture_eco: FixtureEco, engage: RunEngage, tmp_path: Path
) -> None:
    fixture_eco({"x.yaml": SYSTEMS[2].text})
    run = engage("validate", "eco")
    assert run.code == 1
    assert "error[E1001] unknown key 'regoin' in systems.bad (did you mean 'region'?)" in run.out
    assert "--> eco/x.yaml:3:27" in run.out
    assert "3 |   bad: {type: salesforce, regoin: eu, region: eu}" in run.out
    assert "FAILED 1 error, 0 warnings, 0 info" in run.out
