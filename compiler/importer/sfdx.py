"""Salesforce DX projects (`sfdx-project.json` + source-format metadata) → engage/v1.

Shapes read, from the Metadata API Developer Guide and retrieved projects
(`sf project retrieve start` writes `<package dir>/main/default/<folder>/…-meta.xml`):

- `duplicateRules/<Object>.<Name>.duplicateRule-meta.xml`: one DuplicateRule;
  `duplicateRuleMatchRules` (one per matching rule, up to three, standard rules such as
  `Standard_Contact_Match_Rule_v1_1` by name), `securityOption`, and
  `duplicateRuleFilter/duplicateRuleFilterItems` (`field`, `operation`, `value`, `table`),
  which hold the exemptions, read the way the generator writes them:
  `User.Username notEqual <username>` → `bypass` (once the user is known),
  `User.Profile notEqual <name>` (or `Profile.Name notEqual <name>`) → `exempt.profiles`,
  `User.<field> equals false` where the field is a custom permission's formula
  (`$Permission.<name>`) → `exempt.custom_permissions`, any other
  `<User or the rule's object>.<field> equals false` → `exempt.fields`.
- `matchingRules/<Object>.matchingRule-meta.xml`: MatchingRules wrapping `matchingRules`.
- `permissionsets/<Name>.permissionset-meta.xml`: `objectPermissions`, `fieldPermissions`,
  `userPermissions` and `customPermissions` (enabled ones); a set whose name says
  integration/connector/API/sync is an integration user's.
- `customPermissions/<Name>.customPermission-meta.xml`: CustomPermission → custom_permissions;
  a User formula checkbox `$Permission.<Name>` (`objects/User/fields/`) is its `user_field`.
- `objects/<Object>/fields/<Field>.field-meta.xml`: CustomField; `recordTypes/`.
- `permissionsetgroups/`: read and reported (no construct).

Every child element a reader does not carry into the ecosystem is named in the report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from compiler.catalog.matching_rules import STANDARD_MATCHING_RULES
from compiler.importer import files as fx
from compiler.importer.core import (
    E_BAD_FILE,
    W_ASK_USER,
    W_UNKNOWN_TYPE,
    Imported,
    ImportResult,
    Status,
    resource_name,
)

SYSTEM = "crm"
INTEGRATION_NAME = re.compile(r"(?i)integration|connector|connect\b|connect_|\bapi\b|_api|sync")

FIELD_TYPES = {
    "Text": "text",
    "TextArea": "textarea",
    "LongTextArea": "long_text",
    "Html": "long_text",
    "Email": "email",
    "Phone": "phone",
    "Url": "url",
    "Picklist": "picklist",
    "MultiselectPicklist": "multipicklist",
    "Checkbox": "checkbox",
    "Number": "number",
    "Currency": "currency",
    "Percent": "percent",
    "Date": "date",
    "DateTime": "datetime",
    "Lookup": "lookup",
    "MasterDetail": "lookup",
    "Location": "geolocation",
}
METHODS = {
    "Exact": "exact",
    "FirstName": "first_name",
    "LastName": "last_name",
    "CompanyName": "company_name",
    "Phone": "phone",
    "City": "city",
    "Street": "street",
    "Zip": "zip",
    "Title": "title",
    "Fuzzy": "fuzzy",
}
OBJECT_FLAGS = (
    ("allowRead", "read"),
    ("allowCreate", "create"),
    ("allowEdit", "edit"),
    ("allowDelete", "delete"),
    ("viewAllRecords", "view_all"),
    ("modifyAllRecords", "modify_all"),
)
# Metadata types engage knows and does not model: listed in the report, no finding.
KNOWN_TYPES = frozenset(
    [
        "layout",
        "profile",
        "flow",
        "cls",
        "trigger",
        "page",
        "component",
        "app",
        "tab",
        "labels",
        "listView",
        "validationRule",
        "compactLayout",
        "webLink",
        "flexipage",
        "quickAction",
        "workflow",
        "email",
        "report",
        "dashboard",
        "resource",
        "remoteSite",
        "namedCredential",
        "connectedApp",
        "settings",
        "md",
        "globalValueSet",
        "standardValueSet",
        "sharingRules",
        "role",
        "group",
        "queue",
        "assignmentRules",
        "escalationRules",
        "autoResponseRules",
        "businessProcess",
        "fieldSet",
        "translation",
        "objectTranslation",
        "js",
        "html",
        "css",
        "xml",
        "json",
        "svg",
        "approvalProcess",
        "territory2",
        "permissionsetgroup",
        "customPermission",
        "object",
        "recordType",
        "customMetadata",
        "site",
        "network",
        "cachePartition",
        "duplicateRule",
        "matchingRule",
        "permissionset",
        "field",
        "letter",
        "reportType",
        "emailservices",
        "pathAssistant",
        "lightningComponentBundle",
        "asset",
    ]
)


@dataclass
class _PendingRule:
    """A duplicate rule whose exemptions and matching rules are classified once every file
    is read (custom permissions' User fields and matching rules come later in the tree)."""

    resource: Imported
    path: Path
    items: list[tuple[str, str, str, str]]  # (table, field, operation, value), file order
    compared: list[tuple[str, str]]  # (matching rule, matchRuleSObjectType)
    partial: list[str]
    sort_order: str


class _Reader:
    def __init__(self, root: Path, label: str, result: ImportResult) -> None:
        self.root = root
        self.label = label  # how files are named in the report and findings
        self.result = result
        self.names: dict[str, set[str]] = {}
        self.usernames: dict[str, tuple[str, Path]] = {}  # username → (rule, file)
        self.record_types: dict[str, list[str]] = {}
        self.history: dict[str, list[str]] = {}
        # custom permission developer name → its resource; User formula field → permission
        self.permissions: dict[str, Imported] = {}
        self.user_fields: dict[str, str] = {}
        # matching rule developer name → its object (custom rules read from matchingRules/)
        self.matching_objects: dict[str, str] = {}
        self.rules: list[_PendingRule] = []
        self.access: list[tuple[Path, str]] = []  # integration permission sets read

    def rel(self, path: Path) -> str:
        return f"{self.label}/{path.relative_to(self.root).as_posix()}"

    def name(self, section: str, text: str) -> str:
        return resource_name(text, self.names.setdefault(section, set()))

    def bad(self, path: Path, problem: fx.Problem) -> None:
        file = self.rel(path)
        self.result.finding(
            E_BAD_FILE, f"{file}: {problem.message}", file, problem.line, problem.column
        )
        self.result.entry(file, "(whole file)", Status.NOT_IMPORTED, problem.message)

    def xml(self, path: Path, root_tag: str) -> Any:
        root = fx.read_xml(path)
        if isinstance(root, fx.Problem):
            self.bad(path, root)
            return None
        if fx.local(root.tag) != root_tag:
            self.bad(
                path,
                fx.Problem(
                    f"root element is <{fx.local(root.tag)}>, not <{root_tag}>", fx.line_of(root)
                ),
            )
            return None
        return root


def unread(element: Any, consumed: set[str]) -> list[str]:
    """Child elements not carried into the ecosystem (each named once, in order)."""
    out: list[str] = []
    for child in element:
        if not isinstance(child.tag, str):
            continue
        tag = fx.local(child.tag)
        if tag not in consumed and tag not in out:
            out.append(tag)
    return out


def _not_kept(tags: list[str]) -> list[str]:
    return [f"not kept: {', '.join(tags)}"] if tags else []


def package_dirs(root: Path, label: str, result: ImportResult) -> list[Path]:
    project = root / "sfdx-project.json"
    value = fx.read_json(project)
    file = f"{label}/sfdx-project.json"
    if isinstance(value, fx.Problem):
        result.finding(E_BAD_FILE, f"{file}: {value.message}", file, value.line, value.column)
        return []
    dirs = value.get("packageDirectories") if isinstance(value, dict) else None
    if not isinstance(dirs, list) or not dirs:
        result.finding(E_BAD_FILE, f"{file}: no packageDirectories", file)
        return []
    out = []
    for entry in dirs:
        path = entry.get("path") if isinstance(entry, dict) else None
        candidate = (root / path).resolve() if isinstance(path, str) else None
        if (
            candidate is None
            or not candidate.is_relative_to(root.resolve())
            or not candidate.is_dir()
        ):
            result.finding(
                E_BAD_FILE,
                f"{file}: package directory {path!r} is not a folder of the project",
                file,
            )
            continue
        out.append(candidate)
    result.entry(file, "packageDirectories", Status.IMPORTED)
    return out


def read_project(root: Path, label: str) -> ImportResult:
    result = ImportResult(sources=[label])
    reader = _Reader(root.resolve(), label, result)
    for folder in package_dirs(root, label, result):
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            _dispatch(reader, path)
    _finish(reader)
    return result


def _kind(path: Path) -> str:
    name = path.name
    if name.endswith("-meta.xml"):
        stem = name.removesuffix("-meta.xml")
        return stem.rsplit(".", 1)[-1] if "." in stem else ""
    return path.suffix.lstrip(".")


def _dispatch(reader: _Reader, path: Path) -> None:
    handlers = {
        "duplicateRule": _duplicate_rule,
        "matchingRule": _matching_rules,
        "permissionset": _permission_set,
        "field": _field,
        "recordType": _record_type,
        "permissionsetgroup": _permission_set_group,
        "customPermission": _custom_permission,
    }
    kind = _kind(path)
    handler = handlers.get(kind)
    if handler is not None:
        handler(reader, path)
        return
    file = reader.rel(path)
    if kind in KNOWN_TYPES:
        reader.result.entry(
            file, kind, Status.NOT_IMPORTED, f"engage does not model {kind} metadata"
        )
        return
    reader.result.finding(
        W_UNKNOWN_TYPE, f"{file}: metadata type {kind or path.name!r} is unknown to engage", file
    )
    reader.result.entry(file, kind or path.name, Status.NOT_IMPORTED, "unknown metadata type")


# ---- duplicate and matching rules ---------------------------------------------------------


def _action(root: Any, when: str) -> dict[str, Any]:
    action = fx.text(root, f"actionOn{when}", "Allow").lower()
    operations = fx.texts(root, f"operationsOn{when}")
    return {
        "action": "block" if action == "block" else "allow",
        "alert": "Alert" in operations,
        "report": "Report" in operations,
    }


SECURITY = {"EnforceSharingRules": None, "BypassSharingRules": "bypass_sharing_rules"}


def _duplicate_rule(reader: _Reader, path: Path) -> None:
    root = reader.xml(path, "DuplicateRule")
    if root is None:
        return
    file = reader.rel(path)
    obj, _, dev = path.name.removesuffix(".duplicateRule-meta.xml").partition(".")
    match = fx.children(root, "duplicateRuleMatchRules")
    if not match or not dev:
        reader.result.entry(file, "DuplicateRule", Status.NOT_IMPORTED, "no matching rule named")
        return
    partial = _not_kept(
        unread(
            root,
            {
                "actionOnInsert",
                "actionOnUpdate",
                "operationsOnInsert",
                "operationsOnUpdate",
                "description",
                "duplicateRuleFilter",
                "duplicateRuleMatchRules",
                "isActive",
                "masterLabel",
                "alertText",
                "sortOrder",
                "securityOption",
            },
        )
    )
    name = reader.name("duplicate_rules", dev)
    value: dict[str, Any] = {"system": SYSTEM, "object": obj}
    label = fx.text(root, "masterLabel")
    if label:
        value["label"] = label
    if fx.text(root, "description"):
        value["description"] = fx.text(root, "description")
    compared = [(fx.text(m, "matchingRule"), fx.text(m, "matchRuleSObjectType")) for m in match]
    if len(match) > 3:
        partial.append(f"duplicateRuleMatchRules: {len(match)} (engage keeps the first three)")
        compared = compared[:3]
    if len(compared) == 1:
        value["matching_rule"] = compared[0][0]
        if compared[0][1] and compared[0][1] != obj:
            value["compare_object"] = compared[0][1]
    else:
        value["matching_rules"] = [rule for rule, _ in compared]
    value["on_create"] = _action(root, "Insert")
    value["on_update"] = _action(root, "Update")
    security = fx.text(root, "securityOption", "EnforceSharingRules")
    if security in SECURITY:
        if SECURITY[security]:
            value["security_option"] = SECURITY[security]
    else:
        partial.append(f"securityOption {security!r} (engage writes EnforceSharingRules)")
    value["active"] = fx.flag(root, "isActive", True)
    if fx.text(root, "alertText"):
        partial.append("alertText (engage writes its own)")
    items: list[tuple[str, str, str, str]] = []
    for flt in fx.children(root, "duplicateRuleFilter"):
        if fx.text(flt, "booleanFilter"):
            partial.append(f"filter item logic: booleanFilter {fx.text(flt, 'booleanFilter')!r}")
        for item in fx.children(flt, "duplicateRuleFilterItems"):
            items.append(
                tuple(fx.text(item, t) for t in ("table", "field", "operation", "value"))  # type: ignore[arg-type]
            )
    resource = Imported("duplicate_rules", name, value, file, "dedupe.yaml")
    reader.result.resources.append(resource)
    reader.rules.append(
        _PendingRule(resource, path, items, compared, partial, fx.text(root, "sortOrder"))
    )


def _finish_rule(reader: _Reader, rule: _PendingRule, sort_order: int) -> None:
    """Exemptions and matching rules of a duplicate rule, now that every file is read; the
    report entry names what generate would not write back as retrieved."""
    value, partial = rule.resource.value, list(rule.partial)
    obj = value["object"]
    exempt: dict[str, list[Any]] = {"profiles": [], "custom_permissions": [], "fields": []}
    canonical: list[tuple[str, str, str, str]] = []
    usernames: list[tuple[str, str, str, str]] = []
    for item in rule.items:
        table, field, operation, text = item
        if (table, field, operation) == ("User", "Username", "notEqual"):
            reader.usernames.setdefault(text, (rule.resource.name, rule.path))
            reader.result.exemptions.setdefault(rule.resource.name, []).append(text)
            usernames.append(item)
            partial.append(
                f"filter item User.Username notEqual {text!r} (written back once the user is "
                "named in `bypass`: see W9914)"
            )
            continue
        elif operation == "notEqual" and (table, field) in (
            ("User", "Profile"),
            ("Profile", "Name"),
        ):
            exempt["profiles"].append(text)
            if table == "Profile":
                partial.append(f"filter item Profile.Name {text!r} (written as User.Profile)")
        elif (
            table == "User"
            and operation == "equals"
            and text.lower() == "false"
            and (field in reader.user_fields)
        ):
            exempt["custom_permissions"].append(reader.user_fields[field])
        elif table in ("User", obj) and operation == "equals" and text.lower() == "false":
            exempt["fields"].append({"object": table, "field": field})
        else:
            partial.append(
                f"filter item {table}.{field} {operation} {text!r} (engage exempts by user, "
                "profile, custom permission or a checkbox that is false)"
            )
            continue
        canonical.append(item)
    kept = {k: v for k, v in exempt.items() if v}
    if kept:
        value["exempt"] = kept
    written = sorted(usernames, key=lambda i: i[3]) + [
        i
        for group in ("profiles", "permission", "fields")
        for i in canonical
        if _group(i, reader) == group
    ]
    if [i for i in rule.items if i in written] != written:
        partial.append("filter item order (generate writes users, profiles, permissions, fields)")
    for ref, compared in rule.compared:
        own = _matching_object(reader, ref)
        if len(rule.compared) > 1 and compared and own and compared != own:
            partial.append(
                f"duplicateRuleMatchRules {ref}: compares {compared}, its rule matches {own}"
            )
        if own is None:
            partial.append(f"duplicateRuleMatchRules {ref}: matching rule not in the retrieve")
    if rule.sort_order and rule.sort_order != str(sort_order):
        partial.append(
            f"sortOrder {rule.sort_order} (generate numbers the rules of an object "
            f"by developer name: {sort_order})"
        )
    reader.result.entry(
        rule.resource.source,
        "DuplicateRule",
        Status.PARTIAL if partial else Status.IMPORTED,
        "; ".join(partial),
        f"duplicate_rule.{rule.resource.name}",
    )


def _group(item: tuple[str, str, str, str], reader: _Reader) -> str:
    table, field, _, _ = item
    if (table, field) in (("User", "Profile"), ("Profile", "Name")):
        return "profiles"
    if table == "User" and field in reader.user_fields:
        return "permission"
    return "fields"


def _matching_object(reader: _Reader, ref: str) -> str | None:
    if ref in reader.matching_objects:
        return reader.matching_objects[ref]
    standard = STANDARD_MATCHING_RULES.get(ref)
    return standard.object if standard else None


def _matching_rules(reader: _Reader, path: Path) -> None:
    root = reader.xml(path, "MatchingRules")
    if root is None:
        return
    file = reader.rel(path)
    obj = path.name.removesuffix(".matchingRule-meta.xml")
    for rule in fx.children(root, "matchingRules"):
        dev = fx.text(rule, "fullName")
        element = f"matchingRules {dev}"
        partial = _not_kept(
            unread(
                rule,
                {
                    "fullName",
                    "label",
                    "description",
                    "matchingRuleItems",
                    "booleanFilter",
                    "ruleStatus",
                },
            )
        )
        items = []
        for item in fx.children(rule, "matchingRuleItems"):
            method = METHODS.get(fx.text(item, "matchingMethod", "Exact"))
            if method is None:
                partial.append(
                    f"matching method {fx.text(item, 'matchingMethod')!r} of "
                    f"{fx.text(item, 'fieldName')}"
                )
                continue
            blank = (
                "match_blanks"
                if fx.text(item, "blankValueBehavior") == "MatchBlanks"
                else "null_not_allowed"
            )
            items.append({"field": fx.text(item, "fieldName"), "method": method, "blank": blank})
        if not dev or not items or len(items) > 10:
            reader.result.entry(file, element, Status.NOT_IMPORTED, "no usable matching items")
            continue
        value: dict[str, Any] = {"system": SYSTEM, "object": obj}
        if fx.text(rule, "label"):
            value["label"] = fx.text(rule, "label")
        if fx.text(rule, "description"):
            value["description"] = fx.text(rule, "description")
        value["items"] = items
        if fx.text(rule, "booleanFilter"):
            value["boolean_filter"] = fx.text(rule, "booleanFilter")
        value["active"] = fx.text(rule, "ruleStatus", "Active") == "Active"
        reader.matching_objects[dev] = obj
        name = reader.name("matching_rules", dev)
        reader.result.add(
            Imported("matching_rules", name, value, file, "dedupe.yaml"), element, partial
        )


# ---- permissions ------------------------------------------------------------------------


def _permission_set(reader: _Reader, path: Path) -> None:
    root = reader.xml(path, "PermissionSet")
    if root is None:
        return
    file = reader.rel(path)
    dev = path.name.removesuffix(".permissionset-meta.xml")
    label = fx.text(root, "label", dev)
    if not INTEGRATION_NAME.search(dev) and not INTEGRATION_NAME.search(label):
        reader.result.entry(
            file,
            "PermissionSet",
            Status.NOT_IMPORTED,
            "not an integration user's (its name does not say integration, connector, API or "
            "sync); engage models the access of integration users only",
        )
        return
    permissions: dict[str, dict[str, Any]] = {}
    empty: list[str] = []  # elements granting nothing: generate writes none
    for perm in fx.children(root, "objectPermissions"):
        ops = [op for tag, op in OBJECT_FLAGS if fx.flag(perm, tag)]
        if ops:
            permissions.setdefault(fx.text(perm, "object"), {})["object"] = ops
        else:
            empty.append(f"objectPermissions {fx.text(perm, 'object')}: grants nothing")
    for perm in fx.children(root, "fieldPermissions"):
        obj, _, fname = fx.text(perm, "field").partition(".")
        level = (
            "edit" if fx.flag(perm, "editable") else "read" if fx.flag(perm, "readable") else None
        )
        if level and fname:
            permissions.setdefault(obj, {}).setdefault("fields", {})[fname] = level
        else:
            empty.append(f"fieldPermissions {fx.text(perm, 'field')}: grants nothing")
    partial = _not_kept(
        unread(
            root,
            {
                "description",
                "label",
                "objectPermissions",
                "fieldPermissions",
                "hasActivationRequired",
                "userPermissions",
                "customPermissions",
            },
        )
    )
    partial.extend(f"{e} (not kept)" for e in empty)
    if label != dev:
        partial.append(f"label {label!r} (the generated permission set is labelled {dev!r})")
    if fx.flag(root, "hasActivationRequired"):
        partial.append("hasActivationRequired true (engage writes false)")
    value: dict[str, Any] = {"system": SYSTEM}
    if fx.text(root, "description"):
        value["description"] = fx.text(root, "description")
    value["permissions"] = {k: permissions[k] for k in sorted(permissions)}
    value["user_permissions"] = sorted(
        {fx.text(p, "name") for p in fx.children(root, "userPermissions") if fx.flag(p, "enabled")}
    )
    granted = []
    for perm in fx.children(root, "customPermissions"):
        if not fx.flag(perm, "enabled"):
            continue
        resource = reader.permissions.get(fx.text(perm, "name"))
        if resource is None:
            partial.append(f"customPermissions {fx.text(perm, 'name')!r} (not in the retrieve)")
        else:
            granted.append(resource.name)
    if granted:
        value["custom_permissions"] = sorted(granted)
    reader.access.append((path, dev))
    name = reader.name("integration_users", dev)
    reader.result.add(
        Imported("integration_users", name, value, file, "integration_users.yaml"),
        "PermissionSet",
        partial,
    )


def _permission_set_group(reader: _Reader, path: Path) -> None:
    root = reader.xml(path, "PermissionSetGroup")
    if root is None:
        return
    sets = ", ".join(fx.texts(root, "permissionSets")) or "none"
    reader.result.entry(
        reader.rel(path),
        "PermissionSetGroup",
        Status.NOT_IMPORTED,
        f"engage has no permission-set groups (permission sets: {sets})",
    )


def _custom_permission(reader: _Reader, path: Path) -> None:
    root = reader.xml(path, "CustomPermission")
    if root is None:
        return
    file = reader.rel(path)
    dev = path.name.removesuffix(".customPermission-meta.xml")
    partial = _not_kept(unread(root, {"description", "isLicensed", "label"}))
    if fx.flag(root, "isLicensed"):
        partial.append("isLicensed true (engage writes false)")
    value: dict[str, Any] = {"system": SYSTEM}
    if fx.text(root, "label"):
        value["label"] = fx.text(root, "label")
    if fx.text(root, "description"):
        value["description"] = fx.text(root, "description")
    resource = Imported(
        "custom_permissions", reader.name("custom_permissions", dev), value, file, "dedupe.yaml"
    )
    reader.permissions[dev] = resource
    reader.result.add(resource, "CustomPermission", partial)


PERMISSION_FORMULA = re.compile(r"^\s*\$Permission\.(\w+)\s*$")


def _permission_field(reader: _Reader, path: Path, root: Any) -> bool:
    """A User formula checkbox reading a custom permission: that permission's user_field."""
    found = PERMISSION_FORMULA.match(fx.text(root, "formula"))
    if _object_of(path) != "User" or fx.text(root, "type") != "Checkbox" or found is None:
        return False
    resource = reader.permissions.get(found.group(1))
    if resource is None:
        return False
    fname = path.name.removesuffix(".field-meta.xml")
    resource.value["user_field"] = fname
    reader.user_fields[fname] = resource.name
    partial = _not_kept(
        unread(root, {"fullName", "description", "externalId", "formula", "label", "type"})
    )
    partial.append("description and label (generate writes its own for the user_field)")
    reader.result.entry(
        reader.rel(path),
        "CustomField",
        Status.PARTIAL,
        "; ".join(partial),
        f"custom_permission.{resource.name}",
    )
    return True


# ---- objects and fields -----------------------------------------------------------------


def _object_of(path: Path) -> str:
    return path.parent.parent.name


def _field(reader: _Reader, path: Path) -> None:
    root = reader.xml(path, "CustomField")
    if root is None or _permission_field(reader, path, root):
        return
    file = reader.rel(path)
    obj, fname = _object_of(path), path.name.removesuffix(".field-meta.xml")
    sf_type = fx.text(root, "type")
    ftype = FIELD_TYPES.get(sf_type)
    if ftype is None:
        reader.result.entry(
            file, "CustomField", Status.NOT_IMPORTED, f"field type {sf_type or '(none)'!r}"
        )
        return
    consumed = {
        "fullName",
        "label",
        "type",
        "length",
        "precision",
        "scale",
        "required",
        "unique",
        "externalId",
        "description",
        "valueSet",
        "referenceTo",
        "trackHistory",
    }
    # Elements generate writes as fixed values: kept when the file has that value.
    fixed = {
        "defaultValue": "false",
        "deleteConstraint": "SetNull",
        "visibleLines": None,
        "displayLocationInDecimal": "true",
    }
    partial = []
    for tag, expected in fixed.items():
        if fx.children(root, tag):
            consumed.add(tag)
            if expected is not None and fx.text(root, tag).lower() != expected.lower():
                partial.append(f"{tag} {fx.text(root, tag)!r}")
    partial = _not_kept(unread(root, consumed)) + partial + _defaults_added(root, ftype)
    value: dict[str, Any] = {"type": ftype}
    for tag, key in (("label", "label"), ("description", "description")):
        if fx.text(root, tag):
            value[key] = fx.text(root, tag)
    for tag in ("length", "precision", "scale"):
        if fx.text(root, tag).isdigit():
            value[tag] = int(fx.text(root, tag))
    for tag, key in (("required", "required"), ("unique", "unique"), ("externalId", "external_id")):
        if fx.flag(root, tag):
            value[key] = True
    if fx.text(root, "referenceTo"):
        value["references"] = fx.text(root, "referenceTo")
    if sf_type in ("Html", "MasterDetail"):
        partial.append(f"type {sf_type} (imported as {ftype})")
    partial.extend(_values(root, value))
    if fx.flag(root, "trackHistory"):
        reader.history.setdefault(obj, []).append(fname)
    if obj not in reader.names.setdefault("_objects", set()):
        reader.names["_objects"].add(obj)
        reader.result.resources.append(
            Imported("objects", f"{SYSTEM}.{obj}", {"fields": {}}, file, "data_model.yaml")
        )
    reader.result.resources.append(
        Imported("objects", f"{SYSTEM}.{obj}", {"fields": {fname: value}}, file, "data_model.yaml")
    )
    status = Status.PARTIAL if partial else Status.IMPORTED
    reader.result.entry(file, "CustomField", status, "; ".join(partial), f"object.{SYSTEM}.{obj}")


def _defaults_added(root: Any, ftype: str) -> list[str]:
    """Elements generate always writes (with their default) that this file omits."""
    always = ["label", "trackHistory"]
    if ftype != "checkbox":
        always.append("required")
    if ftype in ("text", "email", "number"):
        always += ["externalId", "unique"]
    if ftype in ("number", "currency", "percent", "geolocation"):
        always.append("scale")
    missing = [tag for tag in always if not fx.children(root, tag)]
    return [f"absent, generate writes its default: {', '.join(missing)}"] if missing else []


def _values(root: Any, value: dict[str, Any]) -> list[str]:
    partial: list[str] = []
    for value_set in fx.children(root, "valueSet"):
        if fx.flag(value_set, "restricted"):
            value["restricted"] = True
        if fx.text(value_set, "valueSetName"):
            partial.append(
                f"global value set {fx.text(value_set, 'valueSetName')!r} (values not in this file)"
            )
        for definition in fx.children(value_set, "valueSetDefinition"):
            names = [fx.text(v, "fullName") for v in fx.children(definition, "value")]
            value["values"] = [n for n in names if n]
            if fx.flag(definition, "sorted"):
                partial.append("sorted picklist")
            for v in fx.children(definition, "value"):
                if fx.flag(v, "default"):
                    partial.append(f"default value {fx.text(v, 'fullName')!r}")
                if fx.text(v, "label") not in ("", fx.text(v, "fullName")):
                    partial.append(f"label of value {fx.text(v, 'fullName')!r}")
        if fx.children(value_set, "valueSettings"):
            partial.append("dependent picklist valueSettings")
    return partial


def _record_type(reader: _Reader, path: Path) -> None:
    root = reader.xml(path, "RecordType")
    if root is None:
        return
    obj = _object_of(path)
    dev = path.name.removesuffix(".recordType-meta.xml")
    reader.record_types.setdefault(obj, []).append(dev)
    reader.result.entry(
        reader.rel(path),
        "RecordType",
        Status.PARTIAL,
        "its name only (system record_types); picklist values per record type not kept",
        f"system.{SYSTEM}",
    )


def _finish(reader: _Reader) -> None:
    orders: dict[str, list[str]] = {}
    for pending in reader.rules:
        orders.setdefault(pending.resource.value["object"], []).append(pending.path.name)
    for pending in reader.rules:
        names = sorted(orders[pending.resource.value["object"]])
        _finish_rule(reader, pending, names.index(pending.path.name) + 1)
    system: dict[str, Any] = {
        "type": "salesforce",
        "description": f"Imported from the Salesforce DX project {reader.label}.",
        "region": "eu",
        "personal_data": "personal",
    }
    if reader.record_types:
        system["record_types"] = {k: sorted(v) for k, v in sorted(reader.record_types.items())}
    if reader.history:
        system["field_history"] = {k: sorted(v) for k, v in sorted(reader.history.items())}
    reader.result.systems[SYSTEM] = system
    for username, (rule, path) in sorted(reader.usernames.items()):
        file = reader.rel(path)
        line, column = fx.find_line(path, username)
        reader.result.finding(
            W_ASK_USER,
            f"duplicate rule {rule!r} exempts user {username!r}, which is no integration user "
            "engage recognised; the exemption is not imported",
            file,
            line,
            column,
            hint=f"Add `username: {username}` to the integration user it belongs to in "
            f"integration_users.yaml and list that user in duplicate_rules.{rule}.bypass.",
        )
