"""Salesforce metadata generated from the generate fixture, re-parsed with lxml.

Element names and order are checked against the Metadata API guide's samples and files
retrieved from real orgs (the orders below); values are checked one by one against what
the fixture declares, and the permission sets against what its sync rules need.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import codes, dedent, locate
from lxml import etree

from compiler.diagnostics import Finding
from compiler.emit.artifact import Emitted
from compiler.emit.salesforce import emit, finish
from compiler.pipeline import compile_path
from compiler.source import ParseCache

BASIC = Path(__file__).parent / "fixtures" / "generate" / "basic"
NS = "http://soap.sforce.com/2006/04/metadata"
SRC = "force-app/main/default"

# Child order of each complex element, as the platform writes it.
ORDER = {
    "DuplicateRule": [
        "actionOnInsert", "actionOnUpdate", "alertText", "description", "duplicateRuleFilter",
        "duplicateRuleMatchRules", "isActive", "masterLabel", "operationsOnInsert",
        "operationsOnUpdate", "securityOption", "sortOrder",
    ],
    "duplicateRuleFilter": ["booleanFilter", "duplicateRuleFilterItems"],
    "duplicateRuleFilterItems": ["field", "operation", "value", "sortOrder", "table"],
    "duplicateRuleMatchRules": ["matchRuleSObjectType", "matchingRule", "objectMapping"],
    "objectMapping": ["inputObject", "mappingFields", "outputObject"],
    "mappingFields": ["inputField", "outputField"],
    "MatchingRules": ["matchingRules"],
    "matchingRules": [
        "fullName", "booleanFilter", "description", "label", "matchingRuleItems", "ruleStatus",
    ],
    "matchingRuleItems": ["blankValueBehavior", "fieldName", "matchingMethod"],
    "PermissionSet": [
        "customPermissions", "description", "fieldPermissions", "hasActivationRequired", "label",
        "objectPermissions", "userPermissions",
    ],
    "customPermissions": ["enabled", "name"],
    "userPermissions": ["enabled", "name"],
    "CustomPermission": ["description", "isLicensed", "label"],
    "fieldPermissions": ["editable", "field", "readable"],
    "objectPermissions": [
        "allowCreate", "allowDelete", "allowEdit", "allowRead", "modifyAllRecords", "object",
        "viewAllRecords",
    ],
    "CustomField": [
        "fullName", "defaultValue", "deleteConstraint", "description",
        "displayLocationInDecimal", "externalId", "formula", "label", "length", "precision",
        "referenceTo",
        "relationshipLabel", "relationshipName", "required", "scale", "trackHistory", "type",
        "unique", "valueSet", "visibleLines",
    ],
    "valueSet": ["restricted", "valueSetDefinition"],
    "valueSetDefinition": ["sorted", "value"],
    "value": ["fullName", "default", "label"],
    "Package": ["types", "version"],
    "types": ["members", "name"],
}  # fmt: skip


def local(element: etree._Element) -> str:
    return str(etree.QName(element).localname)


def parse(content: bytes) -> etree._Element:
    assert content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<')
    assert content.endswith(b">\n")
    return etree.fromstring(content)


def check_structure(element: etree._Element) -> None:
    """Namespace everywhere, and children in the platform's order, recursively."""
    assert etree.QName(element).namespace == NS, element.tag
    order = ORDER.get(local(element))
    kids = [local(k) for k in element]
    if order is not None:
        assert set(kids) <= set(order), (local(element), kids)
        positions = [order.index(k) for k in kids]
        assert positions == sorted(positions), (local(element), kids)
    for kid in element:
        check_structure(kid)


def texts(element: etree._Element, path: str) -> list[str]:
    return [str(e.text) for e in element.findall(path, {"m": NS})]


def text(element: etree._Element, path: str) -> str:
    found = texts(element, path)
    assert len(found) == 1, (path, found)
    return found[0]


def compiled(root: Path = BASIC, env: str | None = "production") -> object:
    comp = compile_path(root, env, cache=ParseCache(None))
    assert comp.ok, [str(f.span) + " " + f.message for f in comp.findings]
    return comp.resolved


def generated(
    root: Path = BASIC, env: str | None = "production"
) -> tuple[dict[str, Emitted], list[Finding]]:
    resolved = compiled(root, env)
    arts, findings = emit(resolved)  # type: ignore[arg-type]
    more, _ = finish(resolved, arts, [])  # type: ignore[arg-type]
    return {a.path: a for a in [*arts, *more]}, findings


def xml_of(files: dict[str, Emitted], rel: str) -> etree._Element:
    return parse(files[f"{SRC}/{rel}"].content)


def copy_basic(tmp_path: Path, extra: str = "", **replace: str) -> Path:
    root = tmp_path / "eco"
    shutil.copytree(BASIC, root)
    if extra:
        (root / "extra.yaml").write_text(dedent(extra), encoding="utf-8")
    for name, body in replace.items():
        (root / name).write_text(dedent(body), encoding="utf-8")
    return root


# --------------------------------------------------------------------------- layout
def test_files_of_the_fixture_and_their_structure() -> None:
    files, findings = generated()
    assert findings == []
    assert sorted(files) == sorted(
        [
            "sfdx-project.json",
            "manifest/package.xml",
            f"{SRC}/duplicateRules/Contact.contact_block.duplicateRule-meta.xml",
            f"{SRC}/duplicateRules/Lead.lead_dupes.duplicateRule-meta.xml",
            f"{SRC}/duplicateRules/Lead.lead_vs_contact.duplicateRule-meta.xml",
            f"{SRC}/matchingRules/Contact.matchingRule-meta.xml",
            f"{SRC}/matchingRules/Lead.matchingRule-meta.xml",
            f"{SRC}/permissionsets/ae_user.permissionset-meta.xml",
            f"{SRC}/permissionsets/erp_user.permissionset-meta.xml",
            f"{SRC}/permissionsets/idle_user.permissionset-meta.xml",
            *(
                f"{SRC}/objects/{o}/fields/{f}.field-meta.xml"
                for o, f in [
                    ("Contact", "Consent_Date__c"),
                    ("Contact", "Customer_Number__c"),
                    ("Contact", "Loyalty_Tier__c"),
                    ("Contact", "Notes__c"),
                    ("Contact", "Points__c"),
                    ("Contact", "WhatsApp_Opt_In__c"),
                    ("Lead", "Account_Manager__c"),
                    ("Lead", "Brand__c"),
                ]
            ),
        ]
    )
    for path, art in files.items():
        if path.endswith(".xml"):
            root = parse(art.content)
            check_structure(root)
            assert art.content.splitlines()[2].startswith(b"    <"), "4-space indentation"


def test_package_xml_lists_every_component() -> None:
    files, _ = generated()
    package = parse(files["manifest/package.xml"].content)
    members = {
        text(t, "m:name"): texts(t, "m:members") for t in package.findall("m:types", {"m": NS})
    }
    assert members == {
        "CustomField": [
            "Contact.Consent_Date__c",
            "Contact.Customer_Number__c",
            "Contact.Loyalty_Tier__c",
            "Contact.Notes__c",
            "Contact.Points__c",
            "Contact.WhatsApp_Opt_In__c",
            "Lead.Account_Manager__c",
            "Lead.Brand__c",
        ],
        "DuplicateRule": ["Contact.contact_block", "Lead.lead_dupes", "Lead.lead_vs_contact"],
        "MatchingRules": ["Contact", "Lead"],
        "PermissionSet": ["ae_user", "erp_user", "idle_user"],
    }
    assert text(package, "m:version") == "62.0"


def test_sfdx_project_login_url_follows_the_environment() -> None:
    import json

    prod, _ = generated(env="production")
    sandbox, _ = generated(env="sandbox")
    assert json.loads(prod["sfdx-project.json"].content)["sfdcLoginUrl"] == (
        "https://login.salesforce.com"
    )
    project = json.loads(sandbox["sfdx-project.json"].content)
    assert project["sfdcLoginUrl"] == "https://test.salesforce.com"
    assert project["packageDirectories"] == [{"path": "force-app", "default": True}]
    assert project["sourceApiVersion"] == "62.0"


# --------------------------------------------------------------------------- matching rules
def rules_of(root: etree._Element) -> dict[str, etree._Element]:
    return {text(r, "m:fullName"): r for r in root.findall("m:matchingRules", {"m": NS})}


def items_of(rule: etree._Element) -> list[tuple[str, str, str]]:
    return [
        (text(i, "m:fieldName"), text(i, "m:matchingMethod"), text(i, "m:blankValueBehavior"))
        for i in rule.findall("m:matchingRuleItems", {"m": NS})
    ]


def test_matching_rules_one_file_per_object() -> None:
    files, _ = generated()
    contact = rules_of(xml_of(files, "matchingRules/Contact.matchingRule-meta.xml"))
    assert sorted(contact) == ["contact_email", "contact_name_city"]
    assert text(contact["contact_email"], "m:label") == "Contact by email"
    assert items_of(contact["contact_email"]) == [("Email", "Exact", "NullNotAllowed")]
    city = contact["contact_name_city"]
    assert text(city, "m:booleanFilter") == "(1 OR 2) AND 3"
    assert text(city, "m:description") == "Same person, same city."
    assert text(city, "m:label") == "Contact Name City"
    assert items_of(city) == [
        ("FirstName", "FirstName", "NullNotAllowed"),
        ("LastName", "LastName", "NullNotAllowed"),
        ("MailingCity", "City", "MatchBlanks"),  # fuzzy on a city field → City
    ]
    assert text(city, "m:ruleStatus") == "Active"
    lead = rules_of(xml_of(files, "matchingRules/Lead.matchingRule-meta.xml"))
    assert items_of(lead["lead_email"])[1] == ("MobilePhone", "Phone", "NullNotAllowed")


# --------------------------------------------------------------------------- duplicate rules
def filter_items(rule: etree._Element) -> list[tuple[str, str, str, str, str]]:
    return [
        tuple(text(i, f"m:{t}") for t in ("field", "operation", "value", "sortOrder", "table"))  # type: ignore[misc]
        for i in rule.findall("m:duplicateRuleFilter/m:duplicateRuleFilterItems", {"m": NS})
    ]


XSI_NIL = "{http://www.w3.org/2001/XMLSchema-instance}nil"


def test_duplicate_rule_actions_and_bypass() -> None:
    files, _ = generated()
    rule = xml_of(files, "duplicateRules/Contact.contact_block.duplicateRule-meta.xml")
    assert text(rule, "m:actionOnInsert") == "Block"
    assert text(rule, "m:actionOnUpdate") == "Allow"
    assert texts(rule, "m:operationsOnInsert") == []  # a Block takes no operations
    assert texts(rule, "m:operationsOnUpdate") == ["Alert", "Report"]
    assert text(rule, "m:alertText") == "Possible duplicate Contact: Contact Block"
    assert text(rule, "m:description") == "Generated by engage from duplicate_rule.contact_block."
    assert filter_items(rule) == [("Username", "notEqual", "erp@fixture.example", "1", "User")]
    boolean = rule.find("m:duplicateRuleFilter/m:booleanFilter", {"m": NS})
    assert boolean is not None and boolean.get(XSI_NIL) == "true"
    match = rule.find("m:duplicateRuleMatchRules", {"m": NS})
    assert text(match, "m:matchRuleSObjectType") == "Contact"
    assert text(match, "m:matchingRule") == "contact_email"
    assert match.find("m:objectMapping", {"m": NS}).get(XSI_NIL) == "true"
    assert (text(rule, "m:isActive"), text(rule, "m:sortOrder")) == ("true", "1")
    assert text(rule, "m:securityOption") == "EnforceSharingRules"


def test_several_bypass_users_and_report_only_update() -> None:
    files, _ = generated()
    rule = xml_of(files, "duplicateRules/Lead.lead_dupes.duplicateRule-meta.xml")
    assert filter_items(rule) == [
        ("Username", "notEqual", "ae@fixture.example", "1", "User"),
        ("Username", "notEqual", "erp@fixture.example", "2", "User"),
    ]
    assert texts(rule, "m:operationsOnInsert") == ["Alert", "Report"]
    assert texts(rule, "m:operationsOnUpdate") == ["Report"]
    assert text(rule, "m:masterLabel") == "Duplicate leads"


def test_usernames_come_from_the_environment_overlay() -> None:
    files, _ = generated(env="sandbox")
    rule = xml_of(files, "duplicateRules/Lead.lead_dupes.duplicateRule-meta.xml")
    assert [item[2] for item in filter_items(rule)] == [
        "ae@fixture.example.sandbox",
        "erp@fixture.example.sandbox",
    ]


def test_cross_object_rule_maps_fields_and_orders_rules() -> None:
    files, _ = generated()
    rule = xml_of(files, "duplicateRules/Lead.lead_vs_contact.duplicateRule-meta.xml")
    mapping = rule.find("m:duplicateRuleMatchRules/m:objectMapping", {"m": NS})
    assert (text(mapping, "m:inputObject"), text(mapping, "m:outputObject")) == ("Lead", "Contact")
    pairs = [
        (text(p, "m:inputField"), text(p, "m:outputField"))
        for p in mapping.findall("m:mappingFields", {"m": NS})
    ]
    assert pairs == [("FirstName", "FirstName"), ("LastName", "LastName"), ("City", "MailingCity")]
    assert text(rule, "m:duplicateRuleMatchRules/m:matchRuleSObjectType") == "Contact"
    assert text(rule, "m:isActive") == "false"
    assert rule.find("m:duplicateRuleFilter", {"m": NS}).get(XSI_NIL) == "true"
    assert text(rule, "m:alertText") == "Possible duplicate Lead: Lead Vs Contact"
    dupes = xml_of(files, "duplicateRules/Lead.lead_dupes.duplicateRule-meta.xml")
    assert (text(dupes, "m:sortOrder"), text(rule, "m:sortOrder")) == ("1", "2")


def test_block_only_rule_has_no_alert_text(tmp_path: Path) -> None:
    root = copy_basic(
        tmp_path,
        extra="""
        apiVersion: engage/v1
        duplicate_rules:
          hard_block:
            system: crm
            object: Contact
            matching_rule: contact_email
            on_create: {action: block, alert: true, report: true}
            on_update: {action: block}
        """,
    )
    files, _ = generated(root)
    rule = xml_of(files, "duplicateRules/Contact.hard_block.duplicateRule-meta.xml")
    # The platform refuses alertText, and operations, unless an action is Allow.
    assert [local(k) for k in rule if local(k).startswith(("alert", "operations"))] == []
    assert (text(rule, "m:actionOnInsert"), text(rule, "m:actionOnUpdate")) == ("Block", "Block")
    assert text(rule, "m:sortOrder") == "2"  # after contact_block


# --------------------------------------------------------------------------- permission sets
def permissions(root: etree._Element) -> tuple[dict[str, set[str]], dict[str, str]]:
    flags = {
        "allowRead": "read",
        "allowCreate": "create",
        "allowEdit": "edit",
        "allowDelete": "delete",
        "viewAllRecords": "view_all",
        "modifyAllRecords": "modify_all",
    }
    objects = {
        text(o, "m:object"): {op for tag, op in flags.items() if text(o, f"m:{tag}") == "true"}
        for o in root.findall("m:objectPermissions", {"m": NS})
    }
    fields = {}
    for f in root.findall("m:fieldPermissions", {"m": NS}):
        assert text(f, "m:readable") == "true"
        fields[text(f, "m:field")] = "edit" if text(f, "m:editable") == "true" else "read"
    return objects, fields


def test_permission_sets_grant_exactly_what_the_sync_rules_need() -> None:
    files, _ = generated()
    ae = permissions(xml_of(files, "permissionsets/ae_user.permissionset-meta.xml"))
    # prospects_to_leads upserts Lead (create + edit) and writes four fields, two of which
    # (LastName, Company) are required on every lead and take no field permission;
    # prospect_opt_out writes the opt-out; the marketing data sharing rule's field takes
    # read and edit (Salesforce Help, "Configure Marketing Data Sharing Rules").
    assert ae == (
        {"Lead": {"read", "create", "edit"}},
        {
            "Lead.Email": "edit",
            "Lead.FirstName": "edit",
            "Lead.HasOptedOutOfEmail": "edit",
            "Lead.Brand__c": "edit",
        },
    )
    erp = permissions(xml_of(files, "permissionsets/erp_user.permissionset-meta.xml"))
    # erp_customers upserts Contact, matching on Customer_Number__c; contacts_to_erp reads
    # Contact, its match field, Email and the email opt-out (respect_consent). The declared
    # `delete` is granted (with the Edit it implies); the declared Phone edit is not needed.
    # Contact access needs Read on Account (Salesforce Help, "Object Permissions").
    assert erp == (
        {"Account": {"read"}, "Contact": {"read", "create", "edit", "delete"}},
        {
            "Contact.Customer_Number__c": "read",
            "Contact.Email": "edit",
            "Contact.HasOptedOutOfEmail": "read",
            "Contact.Loyalty_Tier__c": "edit",
        },
    )
    idle = xml_of(files, "permissionsets/idle_user.permissionset-meta.xml")
    assert permissions(idle) == ({}, {})
    assert text(idle, "m:description") == "Declared for an integration that does not exist yet."
    assert text(idle, "m:label") == "idle_user"


def test_marketing_cloud_connect_user_reads_the_synchronized_fields(tmp_path: Path) -> None:
    root = copy_basic(
        tmp_path,
        extra="""
        apiVersion: engage/v1
        systems:
          mc: {type: marketing_cloud, region: eu, business_units: {main: {mid: 7}}}
        integration_users:
          mcc_user: {system: crm, username: mcc@fixture.example}
        integrations:
          mc_connect:
            type: marketing_cloud_connect
            from: crm
            to: mc
            user: mcc_user
            marketing_cloud_connect:
              objects:
                Contact: [Id, Email, FirstName, LastName, Loyalty_Tier__c]
                Lead: [Email]
        """,
    )
    files, _ = generated(root)
    assert permissions(xml_of(files, "permissionsets/mcc_user.permissionset-meta.xml")) == (
        {"Account": {"read"}, "Contact": {"read"}, "Lead": {"read"}},
        # Id takes no field permission, LastName is required: both readable with the object.
        {"Contact.Email": "read", "Contact.FirstName": "read", "Contact.Loyalty_Tier__c": "read",
         "Lead.Email": "read"},
    )  # fmt: skip


def test_declared_modify_all_brings_its_implications(tmp_path: Path) -> None:
    root = copy_basic(
        tmp_path,
        extra="""
        apiVersion: engage/v1
        integration_users:
          admin_like:
            system: crm
            permissions:
              Case: {object: [modify_all], fields: {Subject: edit}}
        """,
    )
    files, _ = generated(root)
    objects, fields = permissions(xml_of(files, "permissionsets/admin_like.permissionset-meta.xml"))
    assert objects == {"Case": {"read", "edit", "delete", "view_all", "modify_all"}}
    assert fields == {}  # declared field access is not granted: no sync rule needs it


# --------------------------------------------------------------------------- custom fields
def test_custom_fields() -> None:
    files, _ = generated()
    tier = xml_of(files, "objects/Contact/fields/Loyalty_Tier__c.field-meta.xml")
    assert text(tier, "m:type") == "Picklist"
    assert text(tier, "m:valueSet/m:restricted") == "true"
    assert texts(tier, "m:valueSet/m:valueSetDefinition/m:value/m:fullName") == [
        "Bronze",
        "Silver",
        "Gold",
    ]
    number = xml_of(files, "objects/Contact/fields/Customer_Number__c.field-meta.xml")
    assert [
        text(number, f"m:{t}") for t in ("type", "length", "externalId", "unique", "label")
    ] == [
        "Text",
        "20",
        "true",
        "true",
        "Customer number",
    ]
    assert text(number, "m:description") == "The ERP's customer number."
    points = xml_of(files, "objects/Contact/fields/Points__c.field-meta.xml")
    assert [text(points, f"m:{t}") for t in ("type", "precision", "scale")] == ["Number", "10", "0"]
    check = xml_of(files, "objects/Contact/fields/WhatsApp_Opt_In__c.field-meta.xml")
    assert (text(check, "m:type"), text(check, "m:defaultValue")) == ("Checkbox", "false")
    assert texts(check, "m:required") == []
    notes = xml_of(files, "objects/Contact/fields/Notes__c.field-meta.xml")
    assert [text(notes, f"m:{t}") for t in ("type", "length", "visibleLines")] == [
        "LongTextArea",
        "5000",
        "3",
    ]
    lookup = xml_of(files, "objects/Lead/fields/Account_Manager__c.field-meta.xml")
    assert [text(lookup, f"m:{t}") for t in ("type", "referenceTo", "deleteConstraint")] == [
        "Lookup",
        "User",
        "SetNull",
    ]
    when = xml_of(files, "objects/Contact/fields/Consent_Date__c.field-meta.xml")
    assert (text(when, "m:type"), text(when, "m:label")) == ("DateTime", "Consent date")
    # pi__score__c belongs to the Account Engagement package: never generated.
    assert not any("pi__score__c" in p for p in files)


def test_field_history_is_generated(tmp_path: Path) -> None:
    systems = (
        (BASIC / "ecosystem.yaml")
        .read_text()
        .replace("Lead: [HasOptedOutOfEmail]", "Lead: [HasOptedOutOfEmail, Brand__c]")
    )
    root = copy_basic(tmp_path, **{"ecosystem.yaml": systems})
    files, _ = generated(root)
    brand = xml_of(files, "objects/Lead/fields/Brand__c.field-meta.xml")
    assert text(brand, "m:trackHistory") == "true"
    tier = xml_of(files, "objects/Contact/fields/Loyalty_Tier__c.field-meta.xml")
    assert text(tier, "m:trackHistory") == "false"


# --------------------------------------------------------------------------- hostile text
HOSTILE = [
    '</label><script>alert("x")</script>',
    "]]> <![CDATA[ x ]]> & &amp; <!-- c -->",
    "Ünïcødé ✓ 名前 'single' \"double\"",
]
HOSTILE_YAML = """
    apiVersion: engage/v1
    matching_rules:
      hostile_rule:
        system: crm
        object: Lead
        label: '</label><script>alert("x")</script>'
        description: "]]> <![CDATA[ x ]]> & &amp; <!-- c -->"
        items: [{field: Email}]
    duplicate_rules:
      hostile_dupes:
        system: crm
        object: Lead
        matching_rule: hostile_rule
        label: "Ünïcødé ✓ 名前 'single' \\"double\\""
        description: '</label><script>alert("x")</script>'
    objects:
      crm.Case:
        fields:
          Hostile__c:
            type: picklist
            label: "]]> <![CDATA[ x ]]> & &amp; <!-- c -->"
            description: "Ünïcødé ✓ 名前 'single' \\"double\\""
            values: ['</label><script>alert("x")</script>', "a & b"]
    integration_users:
      hostile_user:
        system: crm
        description: "bell \\x07 and nul-free ]]> text"
"""


def test_hostile_free_text_is_kept_as_text(tmp_path: Path) -> None:
    root = copy_basic(tmp_path, extra=HOSTILE_YAML)
    files, findings = generated(root)
    assert findings == []
    lead = rules_of(xml_of(files, "matchingRules/Lead.matchingRule-meta.xml"))["hostile_rule"]
    assert text(lead, "m:label") == HOSTILE[0]
    assert text(lead, "m:description") == HOSTILE[1]
    dupes = xml_of(files, "duplicateRules/Lead.hostile_dupes.duplicateRule-meta.xml")
    assert text(dupes, "m:masterLabel") == HOSTILE[2]
    assert text(dupes, "m:description") == HOSTILE[0]
    assert text(dupes, "m:alertText") == f"Possible duplicate Lead: {HOSTILE[2]}"
    field = xml_of(files, "objects/Case/fields/Hostile__c.field-meta.xml")
    assert text(field, "m:label") == HOSTILE[1]
    assert text(field, "m:description") == HOSTILE[2]
    assert texts(field, "m:valueSet/m:valueSetDefinition/m:value/m:label") == [HOSTILE[0], "a & b"]
    user = xml_of(files, "permissionsets/hostile_user.permissionset-meta.xml")
    # A character XML cannot hold (BEL) becomes U+FFFD; the rest is kept.
    assert text(user, "m:description") == "bell \ufffd and nul-free ]]> text"
    for art in files.values():
        assert b"<script>" not in art.content and b"]]>" not in art.content


# --------------------------------------------------------------------------- refusals
def find(findings: list[Finding], code: str) -> list[tuple[str, int, int, str]]:
    return [
        (Path(f.span.file).name, f.span.line, f.span.column, f.message)
        for f in findings
        if f.code == code and f.span is not None
    ]


BAD_RULES = """
    apiVersion: engage/v1
    matching_rules:
      by_email-x:
        system: crm
        object: Lead
        items:
          - {field: Email, method: fuzzy}
          - {field: Phone}
        boolean_filter: 1 AND
      by_email_x:
        system: crm
        object: Lead
        items: [{field: Email}]
      contact_title:
        system: crm
        object: Contact
        items: [{field: Department}]
        boolean_filter: 1 OR 2
    duplicate_rules:
      lead_vs_department:
        system: crm
        object: Lead
        compare_object: Contact
        matching_rule: contact_title
        bypass: [other_org_user, no_name_user, comma_user]
    integration_users:
      other_org_user: {system: pardot}
      no_name_user: {system: crm}
      comma_user: {system: crm, username: "a@x.example,b@x.example"}
"""


def test_what_cannot_be_generated_is_reported_where_declared(tmp_path: Path) -> None:
    root = copy_basic(tmp_path, extra=BAD_RULES)
    _, findings = generated(root)
    at = locate(BAD_RULES, "method: fuzzy")
    assert find(findings, "E5610") == [
        ("extra.yaml", at[0], at[1] + 8, "`fuzzy` has no Salesforce matching method for Lead.Email")
    ]
    at = locate(BAD_RULES, "1 AND")
    e5611 = sorted(find(findings, "E5611"))
    assert [(f[1], f[2]) for f in e5611] == [at, locate(BAD_RULES, "1 OR 2")]
    assert "not a well-formed expression" in e5611[0][3]
    assert "must use each item number 1..1" in e5611[1][3]
    at = locate(BAD_RULES, "by_email_x:")
    assert [(f[1], f[3]) for f in find(findings, "E8611")] == [
        (at[0] + 1, "'by_email_x' and 'by_email-x' both become the developer name 'by_email_x' "
         "in crm.Lead"),
    ]  # fmt: skip
    assert [f[3] for f in find(findings, "E5613")] == [
        "Contact.Department (matching rule 'contact_title') has no counterpart on Lead"
    ]
    bypass = find(findings, "W5612")
    assert [(f[1], f[2]) for f in bypass] == [
        locate(BAD_RULES, "other_org_user"),
        locate(BAD_RULES, "no_name_user"),
        locate(BAD_RULES, "comma_user"),
    ]
    assert "is a user of system 'pardot', not 'crm'" in bypass[0][3]
    assert "has no username in this environment" in bypass[1][3]
    assert "not a Salesforce username" in bypass[2][3]


def test_long_label_is_cut_with_a_warning(tmp_path: Path) -> None:
    label = "L" * 90
    root = copy_basic(
        tmp_path,
        extra=f"""
        apiVersion: engage/v1
        matching_rules:
          long_label: {{system: crm, object: Lead, label: {label}, items: [{{field: Email}}]}}
        """,
    )
    files, findings = generated(root)
    assert codes(findings) == ["W8610"]
    rule = rules_of(xml_of(files, "matchingRules/Lead.matchingRule-meta.xml"))["long_label"]
    assert text(rule, "m:label") == "L" * 79 + "…"


def test_two_orgs_get_two_projects(tmp_path: Path) -> None:
    root = copy_basic(
        tmp_path,
        extra="""
        apiVersion: engage/v1
        systems:
          service_org: {type: salesforce, region: eu}
        integration_users:
          service_user: {system: service_org}
        """,
    )
    files, _ = generated(root)
    assert f"crm/{SRC}/permissionsets/erp_user.permissionset-meta.xml" in files
    assert f"service_org/{SRC}/permissionsets/service_user.permissionset-meta.xml" in files
    assert {"crm/sfdx-project.json", "service_org/manifest/package.xml"} <= set(files)
    package = parse(files["service_org/manifest/package.xml"].content)
    assert texts(package, "m:types/m:members") == ["service_user"]


@pytest.mark.parametrize("env", [None, "sandbox", "production"])
def test_output_is_deterministic(env: str | None) -> None:
    first, _ = generated(env=env)
    second, _ = generated(env=env)
    assert {p: a.content for p, a in first.items()} == {p: a.content for p, a in second.items()}
