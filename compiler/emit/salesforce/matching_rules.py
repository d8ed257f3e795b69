"""Matching rules: one `matchingRules/<Object>.matchingRule-meta.xml` per object.

The file wraps every rule of the object in `<MatchingRules>`, each rule's elements in the
order retrieved files use: fullName, booleanFilter, description, label,
matchingRuleItems (blankValueBehavior, fieldName, matchingMethod), ruleStatus.
"""

from __future__ import annotations

import re
from collections import defaultdict

from compiler.diagnostics import Finding, code
from compiler.emit.artifact import Emitted
from compiler.emit.names import label_from
from compiler.emit.salesforce import xml
from compiler.emit.salesforce.common import clipped, finding, salesforce_systems, source_path
from compiler.emit.salesforce.names import Named, developer_names
from compiler.model.dedupe import MatchingRule
from compiler.resolved import FieldSpec, ResolvedEcosystem

METHODS = {
    "exact": "Exact",
    "first_name": "FirstName",
    "last_name": "LastName",
    "company_name": "CompanyName",
    "phone": "Phone",
    "city": "City",
    "street": "Street",
    "zip": "Zip",
    "title": "Title",
}
BLANKS = {"match_blanks": "MatchBlanks", "null_not_allowed": "NullNotAllowed"}

E_FUZZY = code(
    "E5610",
    "No Salesforce fuzzy matching method for this field",
    "Salesforce has fuzzy methods only for first and last names, company names, phones, "
    "cities, streets, postal codes and titles; `fuzzy` on another field cannot be generated.",
    "Use `method: exact`, or one of the specific methods (first_name, last_name, "
    "company_name, phone, city, street, zip, title).",
)
E_BOOLEAN_FILTER = code(
    "E5611",
    "Invalid matching rule filter logic",
    "Filter logic combines the item numbers 1..n with AND, OR, NOT and parentheses and "
    "uses every item; anything else is refused when the rule is deployed.",
    "Write it like `1 AND (2 OR 3)`, numbering the items from 1 in the order declared.",
)


def fuzzy_method(obj: str, field: FieldSpec | None, name: str) -> str | None:
    """The Salesforce method `fuzzy` means for this field, if there is one."""
    if name in ("FirstName", "LastName", "Title"):
        return name
    if name == "Company" or (obj == "Account" and name == "Name"):
        return "CompanyName"
    if field is not None and field.type == "phone":
        return "Phone"
    for suffix, method in (("City", "City"), ("Street", "Street"), ("PostalCode", "Zip")):
        if name.endswith(suffix):
            return method
    return None


_TOKEN = re.compile(r"\s*(\d+|AND\b|OR\b|NOT\b|\(|\))", re.IGNORECASE)


def filter_problem(text: str, count: int) -> str | None:
    """Why `text` is not valid filter logic over items 1..count, or None."""
    tokens: list[str] = []
    pos = 0
    while pos < len(text.rstrip()):
        m = _TOKEN.match(text, pos)
        if m is None:
            return f"unexpected text at {text[pos:].strip()[:20]!r}"
        tokens.append(m.group(1).upper())
        pos = m.end()
    rest = _expression(tokens, 0)
    if rest is None or rest != len(tokens):
        return "it is not a well-formed expression"
    numbers = {int(t) for t in tokens if t.isdigit()}
    if numbers != set(range(1, count + 1)):
        return f"it must use each item number 1..{count} (it uses {sorted(numbers)})"
    return None


def _expression(tokens: list[str], i: int) -> int | None:
    i_or_none = _term(tokens, i)
    while i_or_none is not None and i_or_none < len(tokens) and tokens[i_or_none] in ("AND", "OR"):
        i_or_none = _term(tokens, i_or_none + 1)
    return i_or_none


def _term(tokens: list[str], i: int) -> int | None:
    if i >= len(tokens):
        return None
    if tokens[i] == "NOT":
        return _term(tokens, i + 1)
    if tokens[i].isdigit():
        return i + 1
    if tokens[i] == "(":
        end = _expression(tokens, i + 1)
        return end + 1 if end is not None and end < len(tokens) and tokens[end] == ")" else None
    return None


def matching_rule_names(resolved: ResolvedEcosystem) -> tuple[dict[str, str], list[Finding]]:
    systems = set(salesforce_systems(resolved))
    entries = [
        Named(name, f"{mr.system}.{mr.object}", ("matching_rules", name))
        for name, mr in resolved.ecosystem.matching_rules.items()
        if mr.system in systems
    ]
    return developer_names(resolved, entries)


def _rule(
    resolved: ResolvedEcosystem, parent: xml.Element, name: str, dev: str, mr: MatchingRule
) -> list[Finding]:
    findings: list[Finding] = []
    path = ("matching_rules", name)
    element = xml.add(parent, "matchingRules")
    xml.add(element, "fullName", dev)
    if mr.boolean_filter:
        problem = filter_problem(mr.boolean_filter, len(mr.items))
        if problem:
            findings.append(
                finding(
                    resolved,
                    E_BOOLEAN_FILTER,
                    f"filter logic {mr.boolean_filter!r}: {problem}",
                    (*path, "boolean_filter"),
                    f"matching_rule.{name}",
                )
            )
        xml.add(element, "booleanFilter", mr.boolean_filter)
    if mr.description:
        text = clipped(
            resolved, mr.description, 255, (*path, "description"), "description", findings
        )
        xml.add(element, "description", text)
    label = clipped(resolved, mr.label or label_from(name), 80, (*path, "label"), "label", findings)
    xml.add(element, "label", label)
    spec = resolved.objects.get(mr.system, {}).get(mr.object)
    for i, item in enumerate(mr.items):
        method = METHODS.get(item.method)
        if method is None:
            fspec = spec.fields.get(item.field) if spec else None
            method = fuzzy_method(mr.object, fspec, item.field)
        if method is None:
            findings.append(
                finding(
                    resolved,
                    E_FUZZY,
                    f"`fuzzy` has no Salesforce matching method for {mr.object}.{item.field}",
                    (*path, "items", i, "method"),
                    f"matching_rule.{name}",
                )
            )
            method = "Exact"
        entry = xml.add(element, "matchingRuleItems")
        xml.add(entry, "blankValueBehavior", BLANKS[item.blank])
        xml.add(entry, "fieldName", item.field)
        xml.add(entry, "matchingMethod", method)
    xml.add(element, "ruleStatus", "Active" if mr.active else "Inactive")
    return findings


def emit(resolved: ResolvedEcosystem, names: dict[str, str]) -> tuple[list[Emitted], list[Finding]]:
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for name, mr in resolved.ecosystem.matching_rules.items():
        if name in names:
            groups[(mr.system, mr.object)].append(name)
    out: list[Emitted] = []
    findings: list[Finding] = []
    for (system, obj), rule_names in sorted(groups.items()):
        root = xml.root("MatchingRules")
        members = [("MatchingRules", obj, "")]
        for name in sorted(rule_names, key=lambda n: names[n]):
            mr = resolved.ecosystem.matching_rules[name]
            findings.extend(_rule(resolved, root, name, names[name], mr))
            members.append(("MatchingRule", f"{obj}.{names[name]}", f"matching_rule.{name}"))
        out.append(
            Emitted(
                source_path(resolved, system, f"matchingRules/{obj}.matchingRule-meta.xml"),
                xml.to_bytes(root),
                tuple(sorted(f"matching_rule.{n}" for n in rule_names)),
                tuple(members),
            )
        )
    return out, findings
