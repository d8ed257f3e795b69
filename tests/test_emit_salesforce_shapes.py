"""The Salesforce constructs of real orgs, end to end: exemptions of duplicate rules (by
username, profile, custom permission, bypass checkbox), several and standard matching
rules, securityOption, custom permissions and the permission sets that grant them.

The generated files are compared, structure against structure, with
`tests/fixtures/salesforce_org/` (written in the shapes of retrieved orgs, see its
README): every element path the generator writes exists there, siblings come in the same
order, and every value of a closed vocabulary is one the retrieved files use.
"""

from __future__ import annotations

import json
import shutil
from collections import defaultdict
from pathlib import Path

import pytest
from lxml import etree

from compiler.emit.salesforce import emit, finish
from compiler.pipeline import compile_path
from compiler.rules.check import check_path
from compiler.source import ParseCache

HERE = Path(__file__).parent
BASIC = HERE / "fixtures" / "generate" / "basic"
REFERENCE = HERE / "fixtures" / "salesforce_org" / "force-app" / "main" / "default"
RULES = HERE / "fixtures" / "rules"
NS = "http://soap.sforce.com/2006/04/metadata"
SRC = "force-app/main/default"

# The real-org constructs, as an extra document of the basic fixture.
EXTRA = (HERE / "fixtures" / "generate" / "constructs.yaml").read_text(encoding="utf-8")


def extended(tmp_path: Path) -> Path:
    root = tmp_path / "eco"
    shutil.copytree(BASIC, root)
    (root / "extra.yaml").write_text(EXTRA, encoding="utf-8")
    return root


def generate(root: Path) -> tuple[dict[str, bytes], list[str]]:
    comp = compile_path(root, "production", cache=ParseCache(None))
    assert comp.ok and comp.resolved is not None, [f.message for f in comp.findings]
    arts, findings = emit(comp.resolved)
    more, _ = finish(comp.resolved, arts, [])
    files = {a.path: a.content for a in [*arts, *more]}
    return files, [f"{f.code} {f.message}" for f in findings]


def doc(content: bytes) -> etree._Element:
    return etree.fromstring(content)


def local(e: etree._Element) -> str:
    return str(etree.QName(e).localname)


def items(element: etree._Element, tag: str) -> list[etree._Element]:
    return list(element.findall(f"{{{NS}}}{tag}"))


def text(element: etree._Element, path: str) -> str:
    return element.findtext("/".join(f"{{{NS}}}{p}" for p in path.split("/"))) or ""


# ------------------------------------------------------------------ the constructs
def test_duplicate_rule_with_every_exemption_several_and_standard_matching_rules(
    tmp_path: Path,
) -> None:
    files, findings = generate(extended(tmp_path))
    rule = doc(files[f"{SRC}/duplicateRules/Lead.lead_guard.duplicateRule-meta.xml"])
    assert text(rule, "securityOption") == "BypassSharingRules"
    conditions = [
        (text(i, "table"), text(i, "field"), text(i, "operation"), text(i, "value"))
        for i in items(items(rule, "duplicateRuleFilter")[0], "duplicateRuleFilterItems")
    ]
    assert conditions == [
        ("User", "Username", "notEqual", "erp@fixture.example"),
        ("User", "Profile", "notEqual", "Integration Sync"),
        ("User", "Skip_Dedupe__c", "equals", "false"),
        ("User", "Skip_Dedupe_Flag__c", "equals", "false"),
        ("Lead", "HasOptedOutOfEmail", "equals", "false"),
    ]
    orders = [text(i, "sortOrder") for i in rule.iter(f"{{{NS}}}duplicateRuleFilterItems")]
    assert orders == ["1", "2", "3", "4", "5"]
    matches = items(rule, "duplicateRuleMatchRules")
    assert [(text(m, "matchRuleSObjectType"), text(m, "matchingRule")) for m in matches] == [
        ("Lead", "lead_email"),
        ("Contact", "Standard_Contact_Match_Rule_v1_1"),
    ]
    mapping = items(matches[1], "objectMapping")[0]
    pairs = [
        (text(p, "inputField"), text(p, "outputField")) for p in items(mapping, "mappingFields")
    ]
    # The standard contact rule's fields that Lead has (Mailing* → the lead's address).
    assert pairs == [
        ("FirstName", "FirstName"),
        ("LastName", "LastName"),
        ("Email", "Email"),
        ("Phone", "Phone"),
        ("Title", "Title"),
        ("Street", "MailingStreet"),
        ("City", "MailingCity"),
        ("PostalCode", "MailingPostalCode"),
    ]
    # The custom permission without user_field cannot exempt anybody: said, not dropped.
    assert [f for f in findings if f.startswith("W5614")] == [
        "W5614 custom permission 'no_field' has no user_field; a duplicate rule's conditions "
        "test fields only, so its holders cannot be exempted"
    ]
    standard = doc(files[f"{SRC}/duplicateRules/Account.standard_accounts.duplicateRule-meta.xml"])
    assert text(standard, "duplicateRuleMatchRules/matchingRule") == (
        "Standard_Account_Match_Rule_v1_0"
    )
    assert text(standard, "securityOption") == "EnforceSharingRules"


def test_custom_permission_its_user_field_and_the_permission_set_that_grants_it(
    tmp_path: Path,
) -> None:
    files, _ = generate(extended(tmp_path))
    cp = doc(files[f"{SRC}/customPermissions/skip_dedupe.customPermission-meta.xml"])
    assert [local(e) for e in cp] == ["description", "isLicensed", "label"]
    assert (text(cp, "isLicensed"), text(cp, "label")) == ("false", "Skip Dedupe")
    field = doc(files[f"{SRC}/objects/User/fields/Skip_Dedupe__c.field-meta.xml"])
    assert (text(field, "formula"), text(field, "type")) == ("$Permission.skip_dedupe", "Checkbox")
    ps = doc(files[f"{SRC}/permissionsets/sync_user.permissionset-meta.xml"])
    granted = [(text(e, "name"), text(e, "enabled")) for e in items(ps, "customPermissions")]
    assert granted == [("skip_dedupe", "true")]
    user = [text(e, "name") for e in items(ps, "userPermissions")]
    assert user == ["ApiEnabled", "ViewSetup"]
    package = doc(files["manifest/package.xml"])
    members = {
        text(t, "name"): [m.text for m in items(t, "members")] for t in items(package, "types")
    }
    assert members["CustomPermission"] == ["no_field", "skip_dedupe"]
    assert "User.Skip_Dedupe__c" in members["CustomField"]


def test_integration_users_get_api_access_by_default_and_never_a_required_field(
    tmp_path: Path,
) -> None:
    files, _ = generate(extended(tmp_path))
    for name in ("ae_user", "erp_user", "idle_user"):
        ps = doc(files[f"{SRC}/permissionsets/{name}.permissionset-meta.xml"])
        assert [text(e, "name") for e in items(ps, "userPermissions")] == ["ApiEnabled"]
        fields = [text(e, "field") for e in items(ps, "fieldPermissions")]
        refused = {"Lead.Status", "Lead.Company", "Lead.LastName", "Contact.LastName"}
        assert refused.isdisjoint(fields), (name, fields)
        objects = [text(e, "object") for e in items(ps, "objectPermissions")]
        if "Contact" in objects:  # Contact access needs Read on Account
            account = items(ps, "objectPermissions")[objects.index("Account")]
            assert text(account, "allowRead") == "true"


# ------------------------------------------------------------ compared with real shapes
VOCABULARY = (
    "actionOnInsert",
    "actionOnUpdate",
    "operationsOnInsert",
    "operationsOnUpdate",
    "securityOption",
    "operation",
    "table",
    "blankValueBehavior",
    "matchingMethod",
    "ruleStatus",
    "isActive",
    "isLicensed",
    "enabled",
    "type",
    "deleteConstraint",
    "sorted",
)


def shape(root: etree._Element) -> tuple[set[str], set[tuple[str, str, str]], dict[str, set[str]]]:
    """Element paths, the sibling orders seen (parent, earlier, later), vocabulary values."""
    paths: set[str] = set()
    before: set[tuple[str, str, str]] = set()
    values: dict[str, set[str]] = defaultdict(set)

    def walk(e: etree._Element, path: str) -> None:
        paths.add(path)
        kids = [local(k) for k in e]
        for i, a in enumerate(kids):
            before.update((path, a, b) for b in kids[i + 1 :] if b != a)
        for kid in e:
            walk(kid, f"{path}/{local(kid)}")
        if local(e) in VOCABULARY and e.text:
            values[local(e)].add(e.text)

    walk(root, local(root))
    return paths, before, values


def reference_shape(folder: str) -> tuple[set[str], set[tuple[str, str, str]], dict[str, set[str]]]:
    paths: set[str] = set()
    before: set[tuple[str, str, str]] = set()
    values: dict[str, set[str]] = defaultdict(set)
    for file in sorted((REFERENCE / folder).rglob("*.xml")):
        p, o, v = shape(doc(file.read_bytes()))
        paths |= p
        before |= o
        for k, vs in v.items():
            values[k] |= vs
    return paths, before, values


FOLDERS = [
    "duplicateRules",
    "matchingRules",
    "permissionsets",
    "customPermissions",
    "objects",
    "queues",
    "groups",
    "queueRoutingConfigs",
]


@pytest.mark.parametrize("folder", FOLDERS)
def test_generated_files_have_the_shape_of_retrieved_ones(folder: str, tmp_path: Path) -> None:
    files, _ = generate(extended(tmp_path))
    assert_retrieved_shape(files, folder)


@pytest.mark.parametrize("folder", FOLDERS)
def test_the_example_ecosystem_has_the_shape_of_retrieved_files(folder: str) -> None:
    files, _ = generate(HERE.parent / "ecosystem")
    if folder == "customPermissions":
        assert not [p for p in files if f"/{folder}/" in p]  # the example declares none
        return
    assert_retrieved_shape(files, folder)


def test_every_generated_field_type_has_a_retrieved_counterpart(tmp_path: Path) -> None:
    """Each CustomField type the generator writes is among the reference org's."""
    types = set()
    for root in (extended(tmp_path), HERE.parent / "ecosystem"):
        files, _ = generate(root)
        for path, content in files.items():
            if path.endswith(".field-meta.xml"):
                types.add(text(doc(content), "type"))
    reference = {text(doc(f.read_bytes()), "type") for f in (REFERENCE / "objects").rglob("*.xml")}
    assert types <= reference, sorted(types - reference)
    assert {"Text", "Picklist", "Number", "Checkbox", "Lookup", "LongTextArea"} <= types


def assert_retrieved_shape(files: dict[str, bytes], folder: str) -> None:
    mine = [c for p, c in sorted(files.items()) if p.startswith(f"{SRC}/{folder}/")]
    assert mine, folder
    ref_paths, ref_order, ref_values = reference_shape(folder)
    for content in mine:
        paths, before, values = shape(doc(content))
        assert paths <= ref_paths, sorted(paths - ref_paths)
        # No two siblings in the order opposite to the retrieved files'.
        swapped = {(p, a, b) for p, a, b in before if (p, b, a) in ref_order}
        assert not swapped, sorted(swapped)
        for key, vs in values.items():
            assert vs <= ref_values[key], (key, vs, ref_values[key])


# -------------------------------------------------------- the rule sees the exemptions
BLOCKED = "    on_create: {action: block}\n"


def case_with(rule_extra: str, user_extra: str = "", more: str = "", obj: str = "") -> str:
    """e5001_fires with more keys for its duplicate rule, its integration user, its
    objects section, and more sections at the end."""
    case = (RULES / "e5001_fires" / "case.yaml").read_text(encoding="utf-8")
    assert case.count(BLOCKED) == 1
    case = case.replace(BLOCKED, BLOCKED + rule_extra)
    user = "    system: crm\n    permissions:\n"
    case = case.replace(user, "    system: crm\n" + user_extra + "    permissions:\n", 1)
    case = case.replace("objects:\n", "objects:\n" + obj, 1)
    return case + more


def codes_of(tmp_path: Path, case: str) -> list[str]:
    root = tmp_path / "eco"
    shutil.copytree(RULES / "_base", root, dirs_exist_ok=True)
    (root / "case.yaml").write_text(case, encoding="utf-8")
    result = check_path(root)
    assert result.analyzed, [f"{f.code} {f.message}" for f in result.findings]
    return [f.code for f in result.findings]


def test_the_rule_without_an_exemption_blocks_the_connector(tmp_path: Path) -> None:
    assert "E5001" in codes_of(tmp_path, case_with(""))


CUSTOM_PERMISSION = "custom_permissions:\n  skip: {system: crm, user_field: Skip__c}\n"
USER_CHECKBOX = "  crm.User:\n    fields:\n      Skip__c: {type: checkbox}\n"


@pytest.mark.parametrize(
    ("rule_extra", "user_extra", "more", "obj"),
    [
        ("    exempt: {profiles: [Integration Sync]}\n", "    profile: Integration Sync\n", "", ""),
        (
            "    exempt: {custom_permissions: [skip]}\n",
            "    custom_permissions: [skip]\n",
            CUSTOM_PERMISSION,
            "",
        ),
        (
            "    exempt: {fields: [{field: Skip__c}]}\n",
            "    bypass_fields: [Skip__c]\n",
            "",
            USER_CHECKBOX,
        ),
    ],
    ids=["profile", "custom_permission", "user_bypass_field"],
)
def test_an_exemption_that_covers_the_integration_user_silences_e5001(
    tmp_path: Path, rule_extra: str, user_extra: str, more: str, obj: str
) -> None:
    assert "E5001" not in codes_of(tmp_path, case_with(rule_extra, user_extra, more, obj))


def test_an_exemption_that_does_not_cover_the_user_leaves_e5001(tmp_path: Path) -> None:
    # Another profile, a custom permission it does not hold, a User checkbox not set on it.
    rule = (
        "    exempt: {profiles: [Somebody Else], custom_permissions: [skip], "
        "fields: [{field: Skip__c}]}\n"
    )
    case = case_with(rule, "", CUSTOM_PERMISSION, USER_CHECKBOX)
    assert "E5001" in codes_of(tmp_path, case)


def test_a_record_bypass_field_the_sync_sets_to_true_silences_e5001(tmp_path: Path) -> None:
    rule = "    exempt: {fields: [{object: Contact, field: Loaded__c}]}\n"
    field = "  crm.Contact:\n    fields:\n"
    case = case_with(rule).replace(field, field + "      Loaded__c: {type: checkbox}\n", 1)
    assert "E5001" in codes_of(tmp_path, case)  # the sync does not set it
    case = case.replace(
        "      Email: Email\n", "      Email: Email\n      Loaded__c: {value: true}\n", 1
    )
    assert "E5001" not in codes_of(tmp_path, case)


# ------------------------------------------------------------ references and positions
@pytest.mark.parametrize(
    ("rule_extra", "code", "message", "at"),
    [
        (
            "    exempt: {fields: [{object: Account, field: X__c}]}\n",
            "E2012",
            "field of User",
            "Account",
        ),
        ("    exempt: {fields: [{field: Nope__c}]}\n", "E2011", "'Nope__c'", "Nope__c"),
        (
            "    exempt: {fields: [{object: Contact, field: Email}]}\n",
            "E2012",
            "not a checkbox",
            "Email}",
        ),
        ("    matching_rules: [contact_email]\n", "E2012", "one of them", "system: crm"),
    ],
)
def test_wrong_exemptions_and_matching_rules_are_findings_at_their_position(
    tmp_path: Path, rule_extra: str, code: str, message: str, at: str
) -> None:
    root = tmp_path / "eco"
    shutil.copytree(RULES / "_base", root)
    case = (RULES / "e5001_fires" / "case.yaml").read_text(encoding="utf-8")
    case = case.replace(BLOCKED, BLOCKED + rule_extra)
    (root / "case.yaml").write_text(case, encoding="utf-8")
    comp = compile_path(root, None, cache=ParseCache(None))
    found = [f for f in comp.findings if f.code == code and message in f.message]
    assert found, [f"{f.code} {f.message}" for f in comp.findings]
    span = found[0].span
    assert span is not None
    line = case.splitlines()[span.line - 1]
    assert line[span.column - 1 :].startswith(at), (line, span)


def test_a_user_field_taken_twice_is_a_finding_not_a_silently_lost_file(tmp_path: Path) -> None:
    root = extended(tmp_path)
    more = (
        "apiVersion: engage/v1\n"
        "custom_permissions:\n"
        "  again: {system: crm, user_field: Skip_Dedupe__c}\n"
        "  declared: {system: crm, user_field: Skip_Dedupe_Flag__c}\n"
    )
    (root / "more.yaml").write_text(more, encoding="utf-8")
    files, findings = generate(root)
    taken = sorted(f for f in findings if f.startswith("E5615"))
    assert taken == [
        "E5615 user_field 'Skip_Dedupe_Flag__c' of custom permission 'declared' is already a "
        "field declared on User",
        "E5615 user_field 'Skip_Dedupe__c' of custom permission 'skip_dedupe' is already "
        "custom permission 'again'",
    ]
    field = doc(files[f"{SRC}/objects/User/fields/Skip_Dedupe__c.field-meta.xml"])
    assert text(field, "formula") == "$Permission.again"  # the first one keeps it


def test_the_project_file_has_the_keys_of_a_retrieved_one(tmp_path: Path) -> None:
    files, _ = generate(extended(tmp_path))
    mine = json.loads(files["sfdx-project.json"])
    reference = json.loads((REFERENCE.parents[2] / "sfdx-project.json").read_text("utf-8"))
    assert sorted(mine) == sorted(reference)
    assert [sorted(d) for d in mine["packageDirectories"]] == [
        sorted(d) for d in reference["packageDirectories"]
    ]
    assert mine["sourceApiVersion"] == reference["sourceApiVersion"]
