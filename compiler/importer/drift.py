"""Drift: what changed in the org outside engage, the ecosystem (or its state) against a
fresh retrieve, attribute by attribute.

Both sides become `address → attributes` in the plan's form (the model dumped as JSON,
aliases kept): the ecosystem through its compiled models (or the recorded state), the
retrieve through the importer and the same models. Resources are paired by what the
platform knows them by (a duplicate rule's object and developer name, a data
extension's customer key, a query's key), not by engage's resource names, so an
ecosystem written by hand drifts against its org as well as an imported one. Only the
kinds the retrieve covers are compared: an sfdx retrieve says nothing of data extensions.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError

from compiler.emit.marketing_cloud.names import flat_name
from compiler.emit.names import developer_name
from compiler.importer.core import ImportResult
from compiler.model import DataExtension, DuplicateRule, IntegrationUser, MatchingRule, ObjectDef
from compiler.model.dedupe import CustomPermission
from compiler.model.sync import SyncRule

IGNORED = frozenset({"description", "labels", "suppress", "protected", "for_each"})
# What a retrieve cannot know of a kind (a permission set names no user, licence or profile).
NOT_RETRIEVED: dict[str, frozenset[str]] = {
    "integration_users": frozenset({"username", "licence", "profile"}),
}
MODELS: dict[str, type[BaseModel]] = {
    "duplicate_rules": DuplicateRule,
    "matching_rules": MatchingRule,
    "custom_permissions": CustomPermission,
    "integration_users": IntegrationUser,
    "objects": ObjectDef,
    "data_extensions": DataExtension,
    "sync_rules": SyncRule,
}
KINDS = {
    "duplicate_rules": "duplicate_rule",
    "matching_rules": "matching_rule",
    "custom_permissions": "custom_permission",
    "integration_users": "integration_user",
    "objects": "object",
    "data_extensions": "data_extension",
    "sync_rules": "sync_rule",
}
SALESFORCE = (
    "duplicate_rules",
    "matching_rules",
    "custom_permissions",
    "integration_users",
    "objects",
)
MARKETING_CLOUD = ("data_extensions", "sync_rules")
CONSENT = re.compile(r"(?i)opt_?out|consent|unsubscri|do_?not|has_?opted")
ABSENT = "(absent)"


@dataclass(frozen=True)
class Drift:
    address: str  # the ecosystem's address, or the org's when the resource is new there
    change: str  # changed | added in the org | deleted in the org
    attribute: str
    ecosystem: Any
    org: Any
    protected: bool = False
    consent: bool = False

    @property
    def first(self) -> bool:
        return self.protected or self.consent

    def to_json(self) -> dict[str, Any]:
        return {
            "address": self.address,
            "change": self.change,
            "attribute": self.attribute,
            "ecosystem": self.ecosystem,
            "org": self.org,
            "protected": self.protected,
            "consent": self.consent,
        }


def identity(section: str, name: str, attrs: Mapping[str, Any]) -> str | None:
    if section in ("duplicate_rules", "matching_rules"):
        return f"{section}:{attrs.get('object')}.{(developer_name(name) or name).lower()}"
    if section == "integration_users":
        return f"{section}:{(developer_name(name, 80) or name).lower()}"
    if section == "custom_permissions":
        return f"{section}:{(developer_name(name) or name).lower()}"
    if section == "objects":
        return f"{section}:{name}"
    if section == "data_extensions":
        return f"{section}:{(attrs.get('external_key') or flat_name(name)).lower()}"
    if section == "sync_rules":
        query = attrs.get("query")
        key = query.get("key") if isinstance(query, dict) else flat_name(name)
        return f"query:{str(key).lower()}"
    return None


def org_resources(result: ImportResult) -> dict[str, tuple[str, str, dict[str, Any]]]:
    """identity → (section, name, attributes) of the retrieve."""
    merged: dict[tuple[str, str], dict[str, Any]] = {}
    for res in result.resources:
        if res.section not in MODELS:
            continue
        value = merged.setdefault((res.section, res.name), {})
        if res.section == "objects":
            value.setdefault("fields", {}).update(res.value.get("fields", {}))
        else:
            value.update(res.value)
    out = {}
    for (section, name), value in merged.items():
        try:
            model = MODELS[section].model_validate(value)
        except ValidationError:
            continue  # the importer reported what it could not read
        attrs = model.model_dump(mode="json", by_alias=True)
        key = identity(section, name, attrs)
        if key is not None:
            out[key] = (section, name, attrs)
    return out


def ecosystem_resources(
    attributes: Mapping[str, Mapping[str, Any]],
) -> dict[str, tuple[str, str, dict[str, Any]]]:
    """identity → (section, name, attributes) from `address → attributes`."""
    sections = {v: k for k, v in KINDS.items()}
    out = {}
    for address, attrs in attributes.items():
        kind, _, name = address.partition(".")
        section = sections.get(kind)
        if section is None:
            continue
        if section == "sync_rules" and not isinstance(attrs.get("query"), dict):
            continue  # only query activities are retrieved
        key = identity(section, name, attrs)
        if key is not None:
            out[key] = (section, name, dict(attrs))
    return out


def _diff(left: Any, right: Any, prefix: str, out: list[tuple[str, Any, Any]]) -> None:
    """Differences, deepest common path first: a field present on one side only is one
    difference (the whole field), not one per key of it."""
    if isinstance(left, dict) and isinstance(right, dict):
        for key in sorted(set(left) | set(right), key=str):
            path = f"{prefix}.{key}" if prefix else str(key)
            _diff(left.get(key, ABSENT), right.get(key, ABSENT), path, out)
    elif left != right:
        out.append((prefix, left, right))


def _compare(section: str, eco: dict[str, Any], org: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    out: list[tuple[str, Any, Any]] = []
    skip = IGNORED | NOT_RETRIEVED.get(section, frozenset())
    _diff(
        {k: v for k, v in eco.items() if k not in skip},
        {k: v for k, v in org.items() if k not in skip},
        "",
        out,
    )
    return out


def drift(
    ecosystem: Mapping[str, Mapping[str, Any]], result: ImportResult, covered: set[str]
) -> list[Drift]:
    from compiler.importer import exempt

    usernames = {
        str(attrs["username"]): address.partition(".")[2]
        for address, attrs in ecosystem.items()
        if address.startswith("integration_user.") and attrs.get("username")
    }
    exempt(result, usernames)
    eco, org = ecosystem_resources(ecosystem), org_resources(result)
    out: list[Drift] = []
    for key in sorted(set(eco) | set(org)):
        if key in eco:
            section, name, attrs = eco[key]
        else:
            section, name, attrs = org[key]
        if section not in covered:
            continue
        address = f"{KINDS[section]}.{name}"
        protected = bool(eco[key][2].get("protected")) if key in eco else False
        consent = bool(CONSENT.search(name))
        if key not in org:
            out.append(
                Drift(address, "deleted in the org", "", "(declared)", ABSENT, protected, consent)
            )
        elif key not in eco:
            out.append(Drift(address, "added in the org", "", ABSENT, "(present)", False, consent))
        else:
            for attribute, left, right in _compare(section, attrs, org[key][2]):
                flagged = consent or bool(CONSENT.search(attribute))
                out.append(Drift(address, "changed", attribute, left, right, protected, flagged))
    return sorted(out, key=lambda d: (not d.first, d.address, d.attribute))
