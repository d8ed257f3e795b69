"""The resolve stage: every reference checked, reported at its position with a suggestion.

Like tests/test_validate.py, each case adds or replaces one file of the language fixture
and expects exactly one finding, at the exact position of `needle`.
"""

from __future__ import annotations

import pytest
from conftest import LANGUAGE_FIXTURES, FixtureEco, compile_eco, locate, where
from test_validate import CONSENT_BASE, ENVS, Case, H, _ids, check

BUSINESS_UNITS = [
    Case("x.yaml", H + "business_units:\n  b: {brand: B, segment: b2c, crm: {system: crn}}\n",
         "crn", "E2010", "system 'crn' is not declared (did you mean 'crm'?)"),
    Case("x.yaml", H + "business_units:\n  b: {brand: B, segment: b2c, crm: {system: mc}}\n",
         "mc}", "E2012", "system 'mc' is a marketing_cloud system; expected salesforce"),
    Case("x.yaml", H + "business_units:\n  b: {brand: B, segment: b2c, crm: {system: crm, "
         "division: Retial}}\n", "Retial", "E2010", "division 'Retial' is not declared in "
         "system 'crm' (did you mean 'Retail'?)"),
    Case("x.yaml", H + "business_units:\n  b: {brand: B, segment: b2c, crm: {system: crm, "
         "record_types: {Account: Persn}}}\n", "Persn", "E2010",
         "record type 'Persn' is not declared for crm.Account (did you mean 'Person'?)"),
    Case("x.yaml", H + "business_units:\n  b: {brand: B, segment: b2c, marketing_cloud: "
         "{system: mc, business_unit: retial}}\n", "retial", "E2010",
         "Marketing Cloud business unit 'retial' is not declared in system 'mc' "
         "(did you mean 'retail'?)"),
    Case("x.yaml", H + "business_units:\n  b: {brand: B, segment: b2b, account_engagement: "
         "{system: pardot, business_unit: industry}}\n", "industry", "E2010",
         "Account Engagement business unit 'industry' is not declared"),
    Case("x.yaml", H + "business_units:\n  b: {brand: B, segment: b2c, social_studio: "
         "{system: social, workspace: retail_sw}}\n", "retail_sw", "E2010",
         "Social Studio workspace 'retail_sw' is not declared in system 'social'"),
    Case("x.yaml", H + "business_units:\n  b: {brand: B, segment: b2c, interaction_studio: "
         "{system: personalisation, dataset: web}}\n", "web}", "E2010",
         "Interaction Studio dataset 'web' is not declared"),
    Case("x.yaml", H + "business_units:\n  b: {brand: B, segment: b2c, interaction_studio: "
         "{system: crm, dataset: web}}\n", "crm", "E2012", "expected interaction_studio"),
]  # fmt: skip

OBJECTS = [
    Case("x.yaml", H + "objects:\n  crn.Thing__c:\n    fields: {A__c: {type: text}}\n",
         "fields", "E2010", "system 'crn' is not declared (did you mean 'crm'?)"),
    Case("x.yaml", H + "objects:\n  mc.Thing:\n    fields: {A: {type: text}}\n",
         "fields", "E2012", "Marketing Cloud objects are declared as data_extensions"),
    Case("x.yaml", H + "objects:\n  crm.Thing__c:\n    fields:\n      A__c: {type: lookup, "
         "references: Contcat}\n", "Contcat", "E2010",
         "object 'Contcat' is not declared in system 'crm' (did you mean 'Contact'?)"),
    Case("x.yaml", H + "objects:\n  crm.Thing__c:\n    fields:\n      A__c: {type: text, "
         "system_of_record: shopp}\n", "shopp", "E2010", "(did you mean 'shop'?)"),
]  # fmt: skip

DATA_EXTENSIONS = [
    Case("x.yaml", H + "data_extensions:\n  d: {business_unit: retial, "
         "fields: {A: {type: Text}}}\n",
         "retial", "E2010", "business unit 'retial' is not declared (did you mean 'retail'?)"),
    Case("x.yaml", H + "data_extensions:\n  d: {business_unit: industry, "
         "fields: {A: {type: Text}}}\n",
         "industry", "E2012", "business unit 'industry' has no marketing_cloud mapping"),
    Case("x.yaml", H + "data_extensions:\n  d:\n    business_unit: retail\n    fields: {Key: "
         "{type: Text}}\n    sendable: {field: key}\n", "key}", "E2011",
         "sendable field 'key' is not a field of data extension 'd' (did you mean 'Key'?)"),
    Case("x.yaml", H + "data_extensions:\n  d:\n    business_unit: retail\n    fields: {Key: "
         "{type: Text}}\n    shared_with: [outlet, outlte]\n", "outlte", "E2010",
         "business unit 'outlte' is not declared (did you mean 'outlet'?)"),
]  # fmt: skip

INTEGRATION_USERS = [
    Case("x.yaml", H + "integration_users:\n  u: {system: salesforce}\n",
         "salesforce", "E2010", "system 'salesforce' is not declared"),
    Case("x.yaml", H + "integration_users:\n  u:\n    system: crm\n    permissions:\n"
         "      Contacts: {object: [read]}\n", "{object", "E2010",
         "object 'Contacts' is not declared in system 'crm' (did you mean 'Contact'?)"),
    Case("x.yaml", H + "integration_users:\n  u:\n    system: crm\n    permissions:\n"
         "      Contact: {fields: {EMail: read}}\n", "read", "E2011",
         "field 'EMail' is not declared on crm.Contact (did you mean 'Email'?)"),
]  # fmt: skip

INTEGRATIONS = [
    Case("x.yaml", H + "integrations:\n  i: {type: custom, from: shpo, to: mc}\n",
         "shpo", "E2010", "system 'shpo' is not declared (did you mean 'shop'?)"),
    Case("x.yaml", H + "integrations:\n  i: {type: custom, from: shop, to: mc, user: mule}\n",
         "mule}", "E2010", "integration user 'mule' is not declared (did you mean 'mule_user'?)"),
    Case("x.yaml", H + "integrations:\n  i: {type: custom, from: shop, to: mc, via: mulesoft}\n",
         "mulesoft", "E2010", "system 'mulesoft' is not declared"),
    Case("x.yaml", H + "integrations:\n  i:\n    type: marketing_cloud_connect\n    from: shop\n"
         "    to: mc\n    marketing_cloud_connect: {objects: {}}\n", "shop", "E2012",
         "system 'shop' is a external system; expected salesforce"),
    Case("x.yaml", H + "integrations:\n  i:\n    type: marketing_cloud_connect\n    from: crm\n"
         "    to: mc\n    marketing_cloud_connect: {objects: {Lead: [Id, Emial]}}\n", "Emial",
         "E2011", "field 'Emial' is not declared on crm.Lead (did you mean 'Email'?)"),
    Case("x.yaml", H + "integrations:\n  i:\n    type: marketing_cloud_connect\n    from: crm\n"
         "    to: mc\n    marketing_cloud_connect: {objects: {Leads: [Id]}}\n", "[Id]",
         "E2010", "object 'Leads' is not declared in system 'crm' (did you mean 'Lead'?)"),
    Case("x.yaml", H + "integrations:\n  i:\n    type: marketing_cloud_connect\n    from: crm\n"
         "    to: mc\n    marketing_cloud_connect: {objects: {Lead: [Id]}, business_units: "
         "[retail, retail2]}\n", "retail2", "E2010", "business unit 'retail2' is not declared"),
    Case("x.yaml", H + "integrations:\n  i:\n    type: account_engagement_connector\n"
         "    from: pardot\n    to: crm\n    account_engagement: {business_unit: retail}\n",
         "retail}", "E2012", "business unit 'retail' has no account_engagement mapping"),
    Case("x.yaml", H + "integrations:\n  i:\n    type: account_engagement_connector\n"
         "    from: pardot\n    to: crm\n    account_engagement:\n      business_unit: industry\n"
         "      sharing_rules: [{object: Lead, field: Brand__c, value: x}]\n", "Brand__c",
         "E2011", "field 'Brand__c' is not declared on crm.Lead"),
]  # fmt: skip

SYNC = (
    H + "sync_rules:\n  s:\n    integration: shop_to_mc\n    source: shop.Customer\n"
    "    target: mc.customers\n"
)
SYNC_RULES = [
    Case("x.yaml", SYNC.replace("mc.customers", "crm.Contact") + "    mode: overwrite\n"
         "    fields: {Email: email}\n", "overwrite", "E2012", "mode overwrite replaces every "
         "row of its target, which only a data extension allows; crm.Contact is a standard "
         "object (use upsert or update)"),
    Case("x.yaml", SYNC + "    mode: overwrite\n    direction: two_way\n"
         "    fields: {EmailAddress: email}\n", "overwrite", "E2012",
         "mode overwrite cannot be two_way: each side would erase the other"),
    Case("x.yaml", SYNC.replace("shop_to_mc", "shop_to_mcc")
         + "    fields: {EmailAddress: email}\n",
         "shop_to_mcc", "E2010", "integration 'shop_to_mcc' is not declared (did you mean "
         "'shop_to_mc'?)"),
    Case("x.yaml", SYNC.replace("shop.Customer", "shop.Customers") + "    fields: {EmailAddress: "
         "email}\n", "shop.Customers", "E2010", "object 'Customers' is not declared in system "
         "'shop' (did you mean 'Customer'?)"),
    Case("x.yaml", SYNC.replace("mc.customers", "mcc.customers") + "    fields: {EmailAddress: "
         "email}\n", "mcc.customers", "E2010", "system 'mcc' is not declared"),
    Case("x.yaml", SYNC + "    fields: {Email: email}\n",
         "email}", "E2011", "field 'Email' is not declared on mc.customers"),
    Case("x.yaml", SYNC + "    fields: {EmailAddress: mail}\n",
         "mail}", "E2011", "field 'mail' is not declared on shop.Customer (did you mean 'email'?)"),
    Case("x.yaml", SYNC + "    fields:\n      EmailAddress: {from: emial, transform: lower}\n",
         "emial", "E2011", "field 'emial' is not declared on shop.Customer"),
    Case("x.yaml", SYNC + "    fields:\n      EmailAddress: {transform: lower}\n",
         "{transform", "E2012", "mapping of 'EmailAddress' has neither `from` nor `value`"),
    Case("x.yaml", SYNC + "    fields: {EmailAddress: email}\n    match: {source: customer_nr, "
         "target: SubscriberKey}\n", "customer_nr", "E2011", "field 'customer_nr' is not "
         "declared on shop.Customer (did you mean 'customer_no'?)"),
    Case("x.yaml", SYNC + "    fields: {EmailAddress: email}\n    match: {source: customer_no, "
         "target: Subscriber}\n", "Subscriber}", "E2011", "field 'Subscriber' is not declared "
         "on mc.customers"),
    Case("x.yaml", SYNC + "    fields: {EmailAddress: email}\n    filter: [{field: teir, op: "
         "is_null}]\n", "teir", "E2011", "(did you mean 'tier'?)"),
    Case("x.yaml", SYNC + "    fields: {EmailAddress: email}\n    order_by: updated\n",
         "updated", "E2011", "field 'updated' is not declared on shop.Customer"),
    Case("x.yaml", SYNC + "    fields: {EmailAddress: email}\n    business_unit: brand\n",
         "brand", "E2010", "business unit 'brand' is not declared"),
    Case("x.yaml", SYNC.replace("mc.customers", "mc.newsletter[retial]") + "    fields: "
         "{EmailAddress: email}\n", "mc.newsletter", "E2010", "object 'newsletter[retial]' is "
         "not declared in system 'mc' (did you mean 'newsletter[retail]'?)"),
]  # fmt: skip

DEDUPE = [
    Case("x.yaml", H + "matching_rules:\n  m: {system: crm, object: Contact, items: [{field: "
         "Phone}, {field: Mobile}]}\n", "Mobile", "E2011",
         "field 'Mobile' is not declared on crm.Contact"),
    Case("x.yaml", H + "matching_rules:\n  m: {system: crm, object: Person, items: [{field: "
         "Phone}]}\n", "Person", "E2010", "object 'Person' is not declared in system 'crm'"),
    Case("x.yaml", H + "matching_rules:\n  m: {system: cmr, object: Contact, items: [{field: "
         "Phone}]}\n", "cmr", "E2010", "(did you mean 'crm'?)"),
    Case("x.yaml", H + "duplicate_rules:\n  d: {system: crm, object: Contact, matching_rule: "
         "contact_by_mail}\n", "contact_by_mail", "E2010",
         "matching rule 'contact_by_mail' is not declared (did you mean 'contact_by_email'?)"),
    Case("x.yaml", H + "duplicate_rules:\n  d: {system: crm, object: Lead, matching_rule: "
         "contact_by_email}\n", "contact_by_email", "E2012", "matching rule 'contact_by_email' "
         "matches Contact, but this duplicate rule compares against Lead"),
    Case("x.yaml", H + "duplicate_rules:\n  d: {system: crm, object: Lead, compare_object: "
         "Contact, matching_rule: contact_by_email, bypass: [mule_usr]}\n", "mule_usr",
         "E2010", "integration user 'mule_usr' is not declared (did you mean 'mule_user'?)"),
    Case("x.yaml", H + "duplicate_rules:\n  d: {system: crm, object: Lead, compare_object: "
         "Contacts, matching_rule: contact_by_email}\n", "Contacts", "E2010",
         "object 'Contacts' is not declared in system 'crm'"),
]  # fmt: skip

CONSENT = [
    Case("consent.yaml", CONSENT_BASE.replace("system_of_record: crm", "system_of_record: crn"),
         "crn", "E2010", "system 'crn' is not declared (did you mean 'crm'?)"),
    Case("consent.yaml", CONSENT_BASE.replace("HasOptedOutOfEmail", "HasOptedOutEmail"),
         "HasOptedOutEmail", "E2011", "(did you mean 'HasOptedOutOfEmail'?)"),
    Case("consent.yaml", CONSENT_BASE.replace("object: Contact", "object: Contacts"),
         "Contacts", "E2010", "object 'Contacts' is not declared in system 'crm'"),
    Case("consent.yaml", CONSENT_BASE.replace("        crm:", "        crn:"),
         "{object", "E2010", "system 'crn' is not declared"),
    Case("consent.yaml", CONSENT_BASE + "      purpose: marketing\n",
         "marketing", "E2010", "purpose 'marketing' is not declared"),
]  # fmt: skip

GOV = H + "governance:\n  groups:\n    committee: {members: [a]}\n  policies:\n    p:\n"
GOVERNANCE = [
    Case("governance.yaml", GOV + "      require: [{group: comittee}]\n",
         "comittee", "E2010", "group 'comittee' is not declared (did you mean 'committee'?)"),
    Case("governance.yaml", GOV + "      when: {kinds: [data_extensions]}\n      require: "
         "[{group: committee}]\n", "data_extensions", "E2010",
         "resource kind 'data_extensions' is not declared (did you mean 'data_extension'?)"),
    Case("governance.yaml", GOV + "      when: {environments: [prod]}\n      require: "
         "[{group: committee}]\n", "prod]", "E2010", "environment 'prod' is not declared"),
    Case("governance.yaml", GOV + "      when: {business_units: [retai]}\n      require: "
         "[{group: committee}]\n", "retai", "E2010", "(did you mean 'retail'?)"),
]  # fmt: skip

ECOSYSTEM = [
    Case("ecosystem.yaml", H + "ecosystem:\n  name: x\n" + ENVS + "  default_environment: sandbx\n",
         "sandbx", "E2010", "environment 'sandbx' is not declared (did you mean 'sandbox'?)"),
    Case("ecosystem.yaml", H + "ecosystem:\n  name: x\n" + ENVS + "  data_model: "
         "{subscriber_key: Contact.Id}\n", "Contact.Id", "E2012",
         "'Contact.Id' is not a field address like crm:Contact.Id"),
    Case("ecosystem.yaml", H + "ecosystem:\n  name: x\n" + ENVS + "  data_model: "
         "{subscriber_key: 'crm:Contact.ID'}\n", "'crm", "E2011",
         "field 'ID' is not declared on crm.Contact (did you mean 'Id'?)"),
]  # fmt: skip


@pytest.mark.parametrize("case", BUSINESS_UNITS, ids=_ids(BUSINESS_UNITS))
def test_business_unit_references(fixture_eco: FixtureEco, case: Case) -> None:
    check(fixture_eco, case)


@pytest.mark.parametrize("case", OBJECTS, ids=_ids(OBJECTS))
def test_object_references(fixture_eco: FixtureEco, case: Case) -> None:
    check(fixture_eco, case)


@pytest.mark.parametrize("case", DATA_EXTENSIONS, ids=_ids(DATA_EXTENSIONS))
def test_data_extension_references(fixture_eco: FixtureEco, case: Case) -> None:
    check(fixture_eco, case)


@pytest.mark.parametrize("case", INTEGRATION_USERS, ids=_ids(INTEGRATION_USERS))
def test_integration_user_references(fixture_eco: FixtureEco, case: Case) -> None:
    check(fixture_eco, case)


@pytest.mark.parametrize("case", INTEGRATIONS, ids=_ids(INTEGRATIONS))
def test_integration_references(fixture_eco: FixtureEco, case: Case) -> None:
    check(fixture_eco, case)


@pytest.mark.parametrize("case", SYNC_RULES, ids=_ids(SYNC_RULES))
def test_sync_rule_references(fixture_eco: FixtureEco, case: Case) -> None:
    check(fixture_eco, case)


@pytest.mark.parametrize("case", DEDUPE, ids=_ids(DEDUPE))
def test_matching_and_duplicate_rule_references(fixture_eco: FixtureEco, case: Case) -> None:
    check(fixture_eco, case)


@pytest.mark.parametrize("case", CONSENT, ids=_ids(CONSENT))
def test_consent_references(fixture_eco: FixtureEco, case: Case) -> None:
    check(fixture_eco, case)


@pytest.mark.parametrize("case", GOVERNANCE, ids=_ids(GOVERNANCE))
def test_governance_references(fixture_eco: FixtureEco, case: Case) -> None:
    check(fixture_eco, case)


@pytest.mark.parametrize("case", ECOSYSTEM, ids=_ids(ECOSYSTEM))
def test_ecosystem_references(fixture_eco: FixtureEco, case: Case) -> None:
    check(fixture_eco, case)


def test_every_undeclared_name_is_reported_in_one_run(fixture_eco: FixtureEco) -> None:
    text = SYNC.replace("shop_to_mc", "nope") + (
        "    fields:\n      EmailAddres: email\n      FirstName: frist_name\n"
        "    filter: [{field: tier2, op: is_null}]\n"
    )
    comp = compile_eco(fixture_eco({"x.yaml": text}))
    assert [where(f) for f in comp.findings] == [
        ("E2010", "eco/x.yaml", *locate(text, "nope")),
        ("E2011", "eco/x.yaml", *locate(text, "email\n")),
        ("E2011", "eco/x.yaml", *locate(text, "frist_name")),
        ("E2011", "eco/x.yaml", *locate(text, "tier2")),
    ]


def test_a_broken_resource_is_not_also_reported_as_undeclared(fixture_eco: FixtureEco) -> None:
    """A data extension with a schema error is reported once, where it is declared,
    not again at every sync rule that names it."""
    text = H + (
        "data_extensions:\n  broken: {business_unit: retail, fields: {A: {type: Txt}}}\n"
        "sync_rules:\n  s:\n    integration: shop_to_mc\n    source: shop.Customer\n"
        "    target: mc.broken\n    fields: {A: email}\n"
    )
    comp = compile_eco(fixture_eco({"x.yaml": text}))
    assert [where(f) for f in comp.findings] == [("E1004", "eco/x.yaml", *locate(text, "Txt"))]


def test_resolved_objects_and_addresses(fixture_eco: FixtureEco) -> None:
    comp = compile_eco(fixture_eco())
    assert comp.resolved is not None
    r = comp.resolved
    tier = r.objects["crm"]["Contact"].fields["Loyalty_Tier__c"]
    assert tier.values == ("Bronze", "Silver", "Gold") and tier.restricted
    assert r.objects["crm"]["Contact"].fields["LastName"].length == 80  # from the catalog
    assert r.objects["crm"]["Order__c"].kind == "custom"
    assert r.objects["mc"]["newsletter[outlet]"].kind == "data_extension"
    assert r.objects["mc"]["Contact_Salesforce"].kind == "synchronized"
    assert set(r.objects["mc"]["Contact_Salesforce"].fields) == {
        "Id", "Email", "FirstName", "Loyalty_Tier__c"
    }  # fmt: skip
    assert r.objects["mc"]["customers"].fields["Tier"].length == 10
    assert r.objects["mc"]["_Subscribers"].kind == "standard"
    for address in (
        "system.crm",
        "business_unit.retail",
        "object.crm.Contact",
        "data_extension.newsletter[retail]",
        "integration_user.mule_user",
        "integration.mc_connect",
        "sync_rule.csv_load",
        "matching_rule.contact_by_email",
        "duplicate_rule.contact_duplicates",
        "consent.email",
        "group.committee",
    ):
        assert address in r.addresses, address
    span = r.index.at(r.addresses["sync_rule.csv_load"], key=True)
    text = (LANGUAGE_FIXTURES / "valid" / "sync.yaml").read_text()
    assert (span.file, span.line, span.column) == ("eco/sync.yaml", *locate(text, "csv_load"))


def test_a_broken_system_hides_nothing_and_adds_no_noise(fixture_eco: FixtureEco) -> None:
    """The CRM of the fixture is named by objects, users, connectors, sync rules, dedupe
    rules and consent: one typo in it is one finding, not one per reference."""
    root = fixture_eco()
    text = (root / "systems.yaml").read_text().replace("    region: eu\n", "    regoin: eu\n", 1)
    comp = compile_eco(fixture_eco({"systems.yaml": text}))
    assert [where(f) for f in comp.findings] == [
        ("E1001", "eco/systems.yaml", *locate(text, "regoin"))
    ]
    assert "did you mean 'region'?" in comp.findings[0].message
