"""compiler.access: the one definition of what an integration user needs, used by the
analysis (E4002/E4003/W4004) and by the generated permission sets alike.

The fixture `tests/fixtures/rules/access_needs` (over `_base`) has one user whose sync rules
create every kind of need on crm.Contact: a source read with a filter, a match key, an
order_by and a respected consent channel, and a two-way update rule whose reverse flow
writes the CRM. Its declared `permissions` are exactly that need, so it checks clean.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from lxml import etree

from compiler.access import all_access
from compiler.emit.salesforce import permission_sets
from compiler.rules.check import CheckResult, check_path

ROOT = Path(__file__).parent / "fixtures" / "rules"
NS = {"m": "http://soap.sforce.com/2006/04/metadata"}
USER = "shop_sync_user"
ACCESS_CODES = ("E4002", "E4003", "W4004")


def ecosystem(tmp_path: Path, case: str = "access_needs") -> Path:
    root = tmp_path / "eco"
    shutil.copytree(ROOT / "_base", root)
    for file in sorted((ROOT / case).iterdir()):
        shutil.copy(file, root / file.name)
    return root


def checked(root: Path) -> CheckResult:
    result = check_path(root)
    assert result.analyzed, [f.message for f in result.findings]
    return result


def set_permissions(root: Path, permissions: dict[str, dict[str, object]]) -> None:
    """Replace the user's declared permissions in case.yaml (JSON is a YAML flow mapping)."""
    case = root / "case.yaml"
    block = f"    permissions: {json.dumps(permissions)}\n"
    text = re.sub(r"    permissions:\n(?:      .*\n|\s+ .*\n)*", block, case.read_text("utf-8"))
    case.write_text(text, encoding="utf-8")


def test_every_kind_of_need_with_the_yaml_that_causes_it(tmp_path: Path) -> None:
    result = checked(ecosystem(tmp_path))
    assert result.findings == ()
    assert result.compilation.resolved is not None
    need = all_access(result.compilation.resolved)[USER].objects["Contact"]
    to_shop, titles = ("sync_rules", "contacts_to_shop"), ("sync_rules", "job_titles")
    # the reverse flow of an update rule edits, never creates
    assert need.operations == {
        "edit": ((*titles, "mode"),),
        "read": ((*to_shop, "source"), (*titles, "source")),
    }
    assert need.fields == {
        "Email": {"read": ((*to_shop, "fields", "Email"), (*to_shop, "filter", 0, "field"))},
        "HasOptedOutOfEmail": {"read": ((*to_shop, "respect_consent", 0),)},
        "Last_Seen__c": {"read": ((*to_shop, "order_by"),)},
        "Shop_Id__c": {
            "read": ((*to_shop, "match", "source"), (*titles, "match", "source")),
        },
        "Title": {"edit": ((*titles, "fields", "Job"),), "read": ((*titles, "fields", "Job"),)},
    }


def generated_permissions(root: Path) -> dict[str, dict[str, object]]:
    """The generated permission set of USER, as the `permissions` YAML that declares it."""
    resolved = checked(root).compilation.resolved
    assert resolved is not None
    emitted, _ = permission_sets.emit(resolved, ["crm"])
    (mine,) = [e for e in emitted if e.path.endswith(f"/{USER}.permissionset-meta.xml")]
    doc = etree.fromstring(mine.content)
    out: dict[str, dict[str, object]] = {}
    flags = {"allowRead": "read", "allowCreate": "create", "allowEdit": "edit"}
    for perm in doc.findall("m:objectPermissions", NS):
        on = {tag for tag in flags if perm.findtext(f"m:{tag}", namespaces=NS) == "true"}
        ops = [op for tag, op in flags.items() if tag in on]
        out[perm.findtext("m:object", namespaces=NS) or ""] = {"object": ops, "fields": {}}
    for perm in doc.findall("m:fieldPermissions", NS):
        obj, _, name = (perm.findtext("m:field", namespaces=NS) or "").partition(".")
        edit = perm.findtext("m:editable", namespaces=NS) == "true"
        out[obj]["fields"][name] = "edit" if edit else "read"  # type: ignore[index]
    return out


def test_the_generated_permission_set_is_exactly_what_the_analysis_accepts(
    tmp_path: Path,
) -> None:
    root = ecosystem(tmp_path)
    generated = generated_permissions(root)
    assert generated == {
        "Account": {"object": ["read"], "fields": {}},  # Contact access needs Account Read
        "Contact": {
            "object": ["read", "edit"],
            "fields": {
                "Email": "read",
                "HasOptedOutOfEmail": "read",
                "Last_Seen__c": "read",
                "Shop_Id__c": "read",
                "Title": "edit",
            },
        },
    }
    set_permissions(root, generated)
    assert [f.code for f in checked(root).findings] == []


def test_a_consent_field_the_rule_respects_must_be_readable(tmp_path: Path) -> None:
    root = ecosystem(tmp_path)
    fields = {"Shop_Id__c": "read", "Email": "read", "Last_Seen__c": "read", "Title": "edit"}
    set_permissions(root, {"Contact": {"object": ["read", "edit"], "fields": fields}})
    (finding,) = [f for f in checked(root).findings if f.code in ACCESS_CODES]
    assert finding.code == "E4003" and "HasOptedOutOfEmail (read)" in finding.message
    (related,) = finding.related
    text = (root / "case.yaml").read_text(encoding="utf-8").splitlines()
    line = text[related.span.line - 1]
    assert line[related.span.column - 1 :].startswith("email]")  # respect_consent: [email]


def test_an_update_rule_needs_no_create_on_its_reverse_side(tmp_path: Path) -> None:
    root = ecosystem(tmp_path)
    generated = generated_permissions(root)
    generated["Contact"]["object"] = ["read", "create", "edit"]
    set_permissions(root, generated)
    (finding,) = [f for f in checked(root).findings if f.code in ACCESS_CODES]
    assert finding.code == "W4004" and "holds create on crm.Contact" in finding.message


def test_a_connector_that_creates_leads_needs_create_on_lead(tmp_path: Path) -> None:
    result = checked(ecosystem(tmp_path, "e5001_leads_silent"))
    assert result.findings == ()
    assert result.compilation.resolved is not None
    access = all_access(result.compilation.resolved)["ae_user"]
    creates = ("integrations", "ae_connector", "account_engagement", "creates_leads")
    assert access.objects["Lead"].operations == {"create": (creates,)}
    assert not access.complete  # no sync rules: what else the connector does is unknown
