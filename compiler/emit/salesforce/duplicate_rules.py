"""Duplicate rules: `duplicateRules/<Object>.<Name>.duplicateRule-meta.xml`, one per rule.

Element order is the one retrieved files and the Metadata API guide use: actionOnInsert,
actionOnUpdate, alertText, description, duplicateRuleFilter, duplicateRuleMatchRules,
isActive, masterLabel, operationsOnInsert, operationsOnUpdate, securityOption, sortOrder.

Exemptions become the rule's conditions (`duplicateRuleFilter`), all of which must hold
(no booleanFilter means AND), so the rule runs for everybody else, in this order:
  * each bypassed integration user: `Username notEqual <username>` on table User (the
    Metadata API guide's example of a filter item);
  * each exempted profile: `Profile notEqual <profile name>` on table User (the "Current
    User: Profile" condition of the setup page);
  * each exempted custom permission: its User formula checkbox (`user_field`, which is
    `$Permission.<name>`) `equals false` on table User;
  * each bypass checkbox: `<field> equals false` on table User or on the rule's object.
`duplicateRuleMatchRules` holds one entry per matching rule, in declared order; a standard
matching rule (`Standard_Contact_Match_Rule_v1_1`) is named as the org knows it.
`securityOption` is EnforceSharingRules or BypassSharingRules.
"""

from __future__ import annotations

import re
from collections import defaultdict

from compiler.catalog.matching_rules import STANDARD_MATCHING_RULES
from compiler.diagnostics import Finding, code
from compiler.emit.artifact import Emitted
from compiler.emit.names import label_from
from compiler.emit.salesforce import xml
from compiler.emit.salesforce.common import clipped, finding, salesforce_systems, source_path
from compiler.emit.salesforce.names import Named, developer_names
from compiler.model.dedupe import DuplicateRule, RuleAction
from compiler.resolved import ResolvedEcosystem

W_BYPASS = code(
    "W5612",
    "Integration user cannot be exempted from a duplicate rule",
    "A duplicate rule exempts a user by username; a user without a username in this "
    "environment, with one that is not a Salesforce username, or of another org cannot be "
    "written into the rule's filter, so the rule also applies to its writes.",
    "Set integration_users.<name>.username (in the environment overlay when it differs per "
    "environment), or remove the user from `bypass`.",
)
E_MAPPING = code(
    "E5613",
    "Cross-object duplicate rule field has no counterpart",
    "A duplicate rule comparing records of one object with another maps each field its "
    "matching rule uses onto a field of the rule's object; this one has no counterpart.",
    "Match on fields both objects have (Email, FirstName, LastName, Phone…), or compare "
    "against the same object.",
)
W_PERMISSION = code(
    "W5614",
    "Custom permission cannot exempt from a duplicate rule",
    "A duplicate rule's conditions test fields of the record or of the running user, not "
    "permissions; orgs exempt the holders of a custom permission through a User formula "
    "checkbox that reads it ($Permission.<name>). A custom permission without `user_field` "
    "has no such field, so the rule also applies to its holders.",
    "Give the custom permission a `user_field` (e.g. Bypass_Duplicate_Rules__c); engage "
    "generates the formula field.",
)
SECURITY_OPTIONS = {
    "enforce_sharing_rules": "EnforceSharingRules",
    "bypass_sharing_rules": "BypassSharingRules",
}
USERNAME = re.compile(r"^[^\s,@]+@[^\s,@]+$")

# Fields whose names differ between Lead and Contact/Account (lead conversion mapping):
# (rule object, compared object) → {field of the compared object: field of the rule object}.
CROSS_FIELDS: dict[tuple[str, str], dict[str, str]] = {
    ("Lead", "Contact"): {
        f"Mailing{p}": p for p in ("Street", "City", "State", "PostalCode", "Country")
    },
    ("Lead", "Account"): {
        "Name": "Company",
        **{f"Billing{p}": p for p in ("Street", "City", "State", "PostalCode", "Country")},
    },
    ("Contact", "Lead"): {
        p: f"Mailing{p}" for p in ("Street", "City", "State", "PostalCode", "Country")
    },
    ("Account", "Lead"): {
        "Company": "Name",
        **{p: f"Billing{p}" for p in ("Street", "City", "State", "PostalCode", "Country")},
    },
}


def duplicate_rule_names(resolved: ResolvedEcosystem) -> tuple[dict[str, str], list[Finding]]:
    systems = set(salesforce_systems(resolved))
    entries = [
        Named(name, f"{dr.system}.{dr.object}", ("duplicate_rules", name))
        for name, dr in resolved.ecosystem.duplicate_rules.items()
        if dr.system in systems
    ]
    return developer_names(resolved, entries)


class _Rule:
    """Builds one rule's XML, collecting findings on the way."""

    def __init__(self, resolved: ResolvedEcosystem, name: str, dr: DuplicateRule) -> None:
        self.resolved = resolved
        self.name = name
        self.dr = dr
        self.path = ("duplicate_rules", name)
        self.address = f"duplicate_rule.{name}"
        self.findings: list[Finding] = []

    def build(self, matching: dict[str, str], sort_order: int) -> bytes:
        dr = self.dr
        root = xml.root("DuplicateRule", xsi=True)
        xml.add(root, "actionOnInsert", dr.on_create.action.capitalize())
        xml.add(root, "actionOnUpdate", dr.on_update.action.capitalize())
        label = self._text(dr.label or label_from(self.name), 80, "label")
        if _alerts(dr.on_create) or _alerts(dr.on_update):
            xml.add(root, "alertText", f"Possible duplicate {dr.object}: {label}")
        default = f"Generated by engage from {self.address}."
        xml.add(root, "description", self._text(dr.description or default, 255, "description"))
        self._filter(root)
        for ref in self.dr.match_rules:
            self._match_rule(root, ref, matching.get(ref, ref))
        xml.add(root, "isActive", dr.active)
        xml.add(root, "masterLabel", label)
        for tag, action in (
            ("operationsOnInsert", dr.on_create),
            ("operationsOnUpdate", dr.on_update),
        ):
            for operation in _operations(action):
                xml.add(root, tag, operation)
        xml.add(root, "securityOption", SECURITY_OPTIONS[dr.security_option])
        xml.add(root, "sortOrder", sort_order)
        return xml.to_bytes(root)

    def _text(self, text: str, limit: int, key: str) -> str:
        return clipped(self.resolved, text, limit, (*self.path, key), key, self.findings)

    def _filter(self, root: xml.Element) -> None:
        conditions = self.conditions()
        if not conditions:
            xml.add_nil(root, "duplicateRuleFilter")
            return
        element = xml.add(root, "duplicateRuleFilter")
        xml.add_nil(element, "booleanFilter")
        for order, (table, field, operation, value) in enumerate(conditions, start=1):
            item = xml.add(element, "duplicateRuleFilterItems")
            xml.add(item, "field", field)
            xml.add(item, "operation", operation)
            xml.add(item, "value", value)
            xml.add(item, "sortOrder", order)
            xml.add(item, "table", table)

    def conditions(self) -> list[tuple[str, str, str, str]]:
        """(table, field, operation, value) of every exemption, in the documented order."""
        dr = self.dr
        out = [("User", "Username", "notEqual", u) for u in sorted(set(self.bypass_usernames()))]
        out += [("User", "Profile", "notEqual", p) for p in dict.fromkeys(dr.exempt.profiles)]
        out += [("User", f, "equals", "false") for f in self.permission_fields()]
        seen = {(t, f) for t, f, _, _ in out}
        for bypass in dr.exempt.fields:
            if (bypass.object, bypass.field) not in seen:
                seen.add((bypass.object, bypass.field))
                out.append((bypass.object, bypass.field, "equals", "false"))
        return out

    def permission_fields(self) -> list[str]:
        permissions = self.resolved.ecosystem.custom_permissions
        out: list[str] = []
        for i, name in enumerate(self.dr.exempt.custom_permissions):
            cp = permissions.get(name)
            if cp is None:
                continue  # reported by resolve (E2010)
            if cp.user_field is None:
                message = (
                    f"custom permission {name!r} has no user_field; a duplicate rule's "
                    "conditions test fields only, so its holders cannot be exempted"
                )
                path = (*self.path, "exempt", "custom_permissions", i)
                self.findings.append(finding(self.resolved, W_PERMISSION, message, path))
            elif cp.user_field not in out:
                out.append(cp.user_field)
        return out

    def bypass_usernames(self) -> list[str]:
        users = self.resolved.ecosystem.integration_users
        out: list[str] = []
        for i, user_name in enumerate(self.dr.bypass):
            user = users.get(user_name)
            if user is None:
                continue  # reported by resolve (E2010)
            problem = None
            if user.system != self.dr.system:
                problem = f"is a user of system {user.system!r}, not {self.dr.system!r}"
            elif not user.username:
                problem = "has no username in this environment"
            elif not USERNAME.match(user.username):
                problem = f"has username {user.username!r}, which is not a Salesforce username"
            if problem:
                message = f"integration user {user_name!r} {problem}, so it cannot bypass this rule"
                self.findings.append(
                    finding(
                        self.resolved, W_BYPASS, message, (*self.path, "bypass", i), self.address
                    )
                )
            else:
                out.append(user.username)
        return out

    def compared(self, ref: str) -> str:
        """The object a matching rule compares against."""
        if ref == self.dr.matching_rule and self.dr.compare_object:
            return self.dr.compare_object
        standard = STANDARD_MATCHING_RULES.get(ref)
        if standard is not None:
            return standard.object
        mr = self.resolved.ecosystem.matching_rules.get(ref)
        return mr.object if mr is not None else self.dr.object

    def _match_rule(self, root: xml.Element, ref: str, developer_name: str) -> None:
        dr = self.dr
        compared = self.compared(ref)
        element = xml.add(root, "duplicateRuleMatchRules")
        xml.add(element, "matchRuleSObjectType", compared)
        xml.add(element, "matchingRule", developer_name)
        if compared == dr.object:
            xml.add_nil(element, "objectMapping")
            return
        mapping = xml.add(element, "objectMapping")
        xml.add(mapping, "inputObject", dr.object)
        for output_field, input_field in self.mapped_fields(ref):
            pair = xml.add(mapping, "mappingFields")
            xml.add(pair, "inputField", input_field)
            xml.add(pair, "outputField", output_field)
        xml.add(mapping, "outputObject", compared)

    def mapped_fields(self, ref: str) -> list[tuple[str, str]]:
        """(field of the compared object, field of the rule's object) per matching item.
        A standard rule's fields without a counterpart are left out (the org owns that
        rule's items); a declared rule's are findings."""
        dr = self.dr
        compared = self.compared(ref)
        standard = STANDARD_MATCHING_RULES.get(ref)
        mr = self.resolved.ecosystem.matching_rules.get(ref)
        own = self.resolved.objects.get(dr.system, {}).get(dr.object)
        if own is None or (mr is None and standard is None):
            return []
        if standard is not None:
            fields: tuple[str, ...] = standard.fields
        else:
            assert mr is not None
            fields = tuple(i.field for i in mr.items)
        renames = CROSS_FIELDS.get((dr.object, compared), {})
        out: list[tuple[str, str]] = []
        for name in fields:
            input_field = name if name in own.fields else renames.get(name)
            if input_field is not None and input_field in own.fields:
                out.append((name, input_field))
            elif standard is None:
                self.findings.append(
                    finding(
                        self.resolved,
                        E_MAPPING,
                        f"{compared}.{name} (matching rule {ref!r}) has no counterpart on "
                        f"{dr.object}",
                        (*self.path, "compare_object" if dr.compare_object else "matching_rules"),
                        self.address,
                    )
                )
        return out


def _alerts(action: RuleAction) -> bool:
    return action.action == "allow" and action.alert


def _operations(action: RuleAction) -> list[str]:
    """operationsOnInsert/OnUpdate only govern an Allow; a Block takes none."""
    if action.action != "allow":
        return []
    return [op for op, on in (("Alert", action.alert), ("Report", action.report)) if on]


def _sort_orders(resolved: ResolvedEcosystem, names: dict[str, str]) -> dict[str, int]:
    """1, 2, … per object, in developer-name order."""
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for name in names:
        dr = resolved.ecosystem.duplicate_rules[name]
        groups[(dr.system, dr.object)].append(name)
    return {
        name: order
        for members in groups.values()
        for order, name in enumerate(sorted(members, key=lambda n: names[n]), start=1)
    }


def emit(
    resolved: ResolvedEcosystem, names: dict[str, str], matching: dict[str, str]
) -> tuple[list[Emitted], list[Finding]]:
    out: list[Emitted] = []
    findings: list[Finding] = []
    orders = _sort_orders(resolved, names)
    for name in sorted(names):
        dr = resolved.ecosystem.duplicate_rules[name]
        if not dr.match_rules or any(
            ref not in matching and ref not in STANDARD_MATCHING_RULES for ref in dr.match_rules
        ):
            continue  # undeclared or unnamed matching rule: reported elsewhere
        rule = _Rule(resolved, name, dr)
        content = rule.build(matching, orders[name])
        findings.extend(rule.findings)
        full_name = f"{dr.object}.{names[name]}"
        sources = {rule.address}
        sources |= {f"matching_rule.{m}" for m in dr.match_rules if m in matching}
        sources |= {f"integration_user.{u}" for u in dr.bypass}
        sources |= {f"custom_permission.{c}" for c in dr.exempt.custom_permissions}
        out.append(
            Emitted(
                source_path(
                    resolved, dr.system, f"duplicateRules/{full_name}.duplicateRule-meta.xml"
                ),
                content,
                tuple(sorted(sources)),
                (("DuplicateRule", full_name, rule.address),),
            )
        )
    return out, findings
