"""What an integration user must be able to do in its Salesforce org, derived from its syncs.

For every sync rule run by an integration the user serves:
  * the side that is read (the source; both sides of a two-way rule) needs Read on the
    object and on each field mapped from, matched on, filtered on, ordered by, or holding the
    consent of a channel the rule respects;
  * the side that is written (the target; both sides of a two-way rule) needs Create for
    insert/upsert, Edit for update/upsert, and Edit on each field mapped to; Read on the
    field it matches on.
A Marketing Cloud Connect user reads every field its synchronized objects declare; an
Account Engagement connector user reads the fields of its marketing data sharing rules.

Delete, View All and Modify All are never derived: they are granted only where the user's
`permissions` declare them. Other declared access is *not* granted: `permissions` records
what the user holds today, which the analysis compares with this need (W4004 flags the
excess); the generated permission set is the need. Implications are closed: Create/Edit/
View All → Read, Delete → Read + Edit, Modify All → everything; a field's Edit → its Read.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from compiler.model.integrations import IntegrationUser
from compiler.model.sync import SyncRule
from compiler.resolve import ResolvedEcosystem

OPERATIONS = ("read", "create", "edit", "delete", "view_all", "modify_all")
IMPLIES = {
    "create": ("read",),
    "edit": ("read",),
    "view_all": ("read",),
    "delete": ("read", "edit"),
    "modify_all": ("read", "edit", "delete", "view_all"),
}


def close(operations: Iterable[str]) -> frozenset[str]:
    out = set(operations)
    for op in list(out):
        out.update(IMPLIES.get(op, ()))
    return frozenset(out)


@dataclass(frozen=True)
class Access:
    """Object operations and field levels ("read" / "edit") one user needs, and why."""

    objects: Mapping[str, frozenset[str]]
    fields: Mapping[tuple[str, str], str]
    sources: frozenset[str]


@dataclass
class _Builder:
    system: str
    objects: dict[str, set[str]] = field(default_factory=dict)
    fields: dict[tuple[str, str], str] = field(default_factory=dict)
    sources: set[str] = field(default_factory=set)

    def obj(self, name: str, *operations: str) -> None:
        self.objects.setdefault(name, set()).update(operations or ("read",))

    def fld(self, obj: str, name: str, level: str = "read") -> None:
        self.obj(obj, "read")
        if self.fields.get((obj, name)) != "edit":
            self.fields[(obj, name)] = level

    def freeze(self) -> Access:
        objects = {name: close(ops) for name, ops in self.objects.items()}
        return Access(objects, dict(self.fields), frozenset(self.sources))


def _source_fields(rule: SyncRule) -> list[str]:
    out = [m if isinstance(m, str) else m.from_ for m in rule.fields.values()]
    out += [c.field for c in rule.filter]
    out += [rule.match.source] if rule.match else []
    out += [rule.order_by] if rule.order_by else []
    return [f for f in out if f]


def _mapped_pairs(rule: SyncRule) -> list[tuple[str, str | None]]:
    """(target field, source field or None for a constant)."""
    return [(target, m if isinstance(m, str) else m.from_) for target, m in rule.fields.items()]


def _write_operations(rule: SyncRule) -> tuple[str, ...]:
    return {"insert": ("create",), "update": ("edit",), "upsert": ("create", "edit")}[rule.mode]


def _consent_fields(
    resolved: ResolvedEcosystem, rule: SyncRule, system: str, obj: str
) -> list[str]:
    channels = resolved.ecosystem.consent.channels
    out = []
    for channel in rule.respect_consent:
        storage = channels[channel].storage.get(system) if channel in channels else None
        if storage is not None and storage.object == obj:
            out.append(storage.field)
    return out


def _rule(resolved: ResolvedEcosystem, b: _Builder, name: str, rule: SyncRule) -> None:
    src_system, _, src = rule.source.partition(".")
    dst_system, _, dst = rule.target.partition(".")
    pairs = _mapped_pairs(rule)
    two_way = rule.direction == "two_way"
    touched = False
    if src_system == b.system:
        touched = True
        b.obj(src, "read")
        for f in [*_source_fields(rule), *_consent_fields(resolved, rule, src_system, src)]:
            b.fld(src, f)
        if two_way:
            b.obj(src, *_write_operations(rule))
            for _, source_field in pairs:
                if source_field:
                    b.fld(src, source_field, "edit")
    if dst_system == b.system:
        touched = True
        b.obj(dst, *_write_operations(rule))
        for target_field, _ in pairs:
            b.fld(dst, target_field, "edit")
        if rule.match:
            b.fld(dst, rule.match.target)
    if touched:
        b.sources.add(f"sync_rule.{name}")
        if rule.respect_consent:
            b.sources.update(f"consent.{c}" for c in rule.respect_consent)


def _integration_extras(resolved: ResolvedEcosystem, b: _Builder, name: str) -> None:
    integ = resolved.ecosystem.integrations[name]
    mcc = integ.marketing_cloud_connect
    if mcc is not None and integ.from_ == b.system:
        for obj, fields in mcc.objects.items():
            b.obj(obj, "read")
            for f in fields:
                b.fld(obj, f)
    ae = integ.account_engagement
    if ae is not None and b.system in (integ.from_, integ.to):
        for rule in ae.sharing_rules:
            b.fld(rule.object, rule.field)


ELEVATED = ("delete", "view_all", "modify_all")


def _declared(b: _Builder, user: IntegrationUser) -> None:
    """Only the elevated operations a user's `permissions` declare (see the module doc)."""
    for obj, perm in user.permissions.items():
        elevated = [op for op in perm.object if op in ELEVATED]
        if elevated:
            b.obj(obj, *elevated)


def integrations_of(resolved: ResolvedEcosystem, user_name: str) -> list[str]:
    integrations = resolved.ecosystem.integrations
    return sorted(name for name, integ in integrations.items() if integ.user == user_name)


def required_access(
    resolved: ResolvedEcosystem, user_name: str, *, declared: bool = True
) -> Access:
    """What `user_name` needs (plus, with `declared`, its declared elevated operations)."""
    eco = resolved.ecosystem
    user = eco.integration_users[user_name]
    b = _Builder(user.system)
    b.sources.add(f"integration_user.{user_name}")
    integrations = integrations_of(resolved, user_name)
    for name in integrations:
        b.sources.add(f"integration.{name}")
        _integration_extras(resolved, b, name)
    for name, rule in sorted(eco.sync_rules.items()):
        if rule.integration in integrations:
            _rule(resolved, b, name, rule)
    if declared:
        _declared(b, user)
    return b.freeze()
