"""What each integration user needs in its own system, derived from the ecosystem: the one
definition both the analysis (E4002/E4003/W4004) and the generated least-privilege
permission sets use.

For every sync rule of an integration the user runs:
  * the side that is read (the source) needs Read on the object and on each field mapped
    from, filtered on, matched on, ordered by, or holding the consent of a channel the rule
    respects (`respect_consent`, when the channel's storage is that object);
  * the side that is written (the target) needs Create for insert/upsert, Edit for
    update/upsert, Edit on each field mapped to (constants included) and Read on the field
    it matches on;
  * a two-way rule also writes its source (the reverse flow): the same mode (an `update`
    rule never inserts on either side) and Edit on each field mapped from.
A Marketing Cloud Connect user reads every field its synchronized objects list; an Account
Engagement connector user needs Read on the object and Read + Edit on the field of each
marketing data sharing rule (Salesforce Help, "Configure Marketing Data Sharing Rules"),
and Create on Lead when the connector creates leads (`creates_leads`, the default). A
Social Customer Service user (`social_care`) creates and edits SocialPost and
SocialPersona records, and creates the personas' parents (Contact, or Account for person
accounts), reading them first when it merges personas into existing records.

An Edit need on a field is an Edit need on its object too, unless the object is only
created (an insert sets its fields, and field-level Edit governs that): a field cannot be
written on a record the user cannot edit (Salesforce Help, "Object Permissions": Edit is
what lets a user update records; field permissions only narrow which fields). The
connector edits the field of a sharing rule on the records it syncs ("the connector user
must have read and edit access to it"). So the object-level need (E4002, W4004) and the
field-level need (E4003) come from one place, `_Builder.freeze`, whichever of the sync
rules or connector settings (a marketing data sharing rule's field) caused it.

Every need keeps the YAML paths that cause it, so a finding can point at them. Operations
are the direct needs only (no implications: Create does not add Read here); fields some
permission sets cannot grant (Id, audit fields, fields required on every record) are
kept, and `takes_field_permission` tells them apart. An access is `complete` only when every
integration of the user has sync rules or connector settings engage can read: otherwise
the integration does work engage cannot see, and "more than needed" cannot be judged.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from compiler.model import Ecosystem
from compiler.model.integrations import Integration
from compiler.model.sync import SyncRule
from compiler.resolved import ObjectSpec, ResolvedEcosystem

Path = tuple[str | int, ...]
WRITES = {
    "insert": ("create",),
    "update": ("edit",),
    "upsert": ("create", "edit"),
    "overwrite": ("create", "edit", "delete"),
}
# Fields no permission set can grant or restrict: always readable with the object.
NO_FIELD_PERMISSION = frozenset(
    {
        "Id",
        "Name",  # the compound or auto name of every object
        "CreatedDate",
        "CreatedById",
        "LastModifiedDate",
        "LastModifiedById",
        "SystemModstamp",
        "IsDeleted",
        "OwnerId",
        "IsPersonAccount",
        "MasterRecordId",
        "LastActivityDate",
        "LastViewedDate",
        "LastReferencedDate",
    }
)
# Standard fields the platform requires on every record although their describe marks them
# defaulted (so the catalog does not call them required): a permission set that lists one
# is refused on deploy ("You cannot deploy to a required field: Lead.Status", the error the
# forcedotcom/sf-skills permission-set generator quotes, PR #271). Fields the catalog marks
# `required` (Contact.LastName, Campaign.Name…) are left out through that mark.
PLATFORM_REQUIRED: dict[str, frozenset[str]] = {
    "Lead": frozenset({"Status", "LastName", "Company"}),
    "Contact": frozenset({"LastName"}),
    "Account": frozenset({"Name"}),
    "Case": frozenset({"Status"}),
    "Campaign": frozenset({"Name"}),
    "CampaignMember": frozenset({"CampaignId", "Status"}),
    "Opportunity": frozenset({"Name", "StageName", "CloseDate"}),
    "Individual": frozenset({"LastName"}),
}
# Object → objects it needs Read on, whatever its own access (Salesforce Help, "Object
# Permissions": access to contacts, opportunities or contracts needs Read on accounts; the
# permission-set editor switches it on with them). Generated permission sets carry it, and
# the analysis does not count such a Read as excess.
NEEDS_READ: dict[str, tuple[str, ...]] = {
    "Contact": ("Account",),
    "Opportunity": ("Account",),
    "Contract": ("Account",),
}


def required_alongside(objects: Iterable[str]) -> frozenset[str]:
    """The objects that access to `objects` makes the platform require Read on."""
    return frozenset(needed for obj in objects for needed in NEEDS_READ.get(obj, ()))


@dataclass(frozen=True)
class ObjectNeed:
    """What one user needs on one object: operation → paths, field → level → paths."""

    operations: Mapping[str, tuple[Path, ...]]
    fields: Mapping[str, Mapping[str, tuple[Path, ...]]]

    def level(self, name: str) -> str:
        """ "edit" when any need writes the field, else "read"."""
        return "edit" if "edit" in self.fields.get(name, {}) else "read"


@dataclass(frozen=True)
class UserAccess:
    user: str
    system: str
    objects: Mapping[str, ObjectNeed]
    sources: frozenset[str]  # addresses of the resources the need derives from
    complete: bool


def takes_field_permission(spec: ObjectSpec | None, name: str) -> bool:
    """False for fields a permission set cannot name: unknown, Id, audit and system fields,
    and fields required on every record (the object permission covers them)."""
    if spec is None or name not in spec.fields or name in NO_FIELD_PERMISSION:
        return False
    if name in PLATFORM_REQUIRED.get(spec.name, frozenset()):
        return False
    found = spec.fields[name]
    return found.type != "id" and not found.required


@dataclass
class _Builder:
    system: str
    salesforce: bool
    operations: dict[str, dict[str, list[Path]]] = field(default_factory=dict)
    fields: dict[str, dict[str, dict[str, list[Path]]]] = field(default_factory=dict)
    sources: set[str] = field(default_factory=set)

    def op(self, obj: str, operation: str, path: Path) -> None:
        self.operations.setdefault(obj, {}).setdefault(operation, []).append(path)
        self.fields.setdefault(obj, {})

    def fld(self, obj: str, name: str, level: str, path: Path) -> None:
        self.operations.setdefault(obj, {})
        self.fields.setdefault(obj, {}).setdefault(name, {}).setdefault(level, []).append(path)

    def freeze(self, user: str, complete: bool) -> UserAccess:
        for obj, fields in self.fields.items():
            ops = self.operations[obj]
            if "create" in ops or "edit" in ops:
                continue
            for levels in fields.values():  # a field edited on records that exist
                for path in levels.get("edit", ()):
                    self.op(obj, "edit", path)
        objects = {
            obj: ObjectNeed(
                {op: tuple(paths) for op, paths in sorted(self.operations[obj].items())},
                {
                    name: {lvl: tuple(p) for lvl, p in sorted(levels.items())}
                    for name, levels in sorted(self.fields[obj].items())
                },
            )
            for obj in sorted(self.operations)
        }
        return UserAccess(user, self.system, objects, frozenset(self.sources), complete)


def _source_of(mapping: object) -> str | None:
    return mapping if isinstance(mapping, str) else getattr(mapping, "from_", None)


def _consent_fields(
    eco: Ecosystem, rule: SyncRule, system: str, obj: str
) -> Iterator[tuple[str, int]]:
    channels = eco.consent.channels
    for i, channel in enumerate(rule.respect_consent):
        storage = channels[channel].storage.get(system) if channel in channels else None
        if storage is not None and storage.object == obj:
            yield storage.field, i


def _read_side(b: _Builder, eco: Ecosystem, name: str, rule: SyncRule) -> None:
    system, _, obj = rule.source.partition(".")
    base: Path = ("sync_rules", name)
    b.op(obj, "read", (*base, "source"))
    for target, mapping in rule.fields.items():
        source = _source_of(mapping)
        if source:
            b.fld(obj, source, "read", (*base, "fields", target))
    for i, cond in enumerate(rule.filter):
        b.fld(obj, cond.field, "read", (*base, "filter", i, "field"))
    if rule.match is not None:
        b.fld(obj, rule.match.source, "read", (*base, "match", "source"))
    if rule.order_by:
        b.fld(obj, rule.order_by, "read", (*base, "order_by"))
    for fname, i in _consent_fields(eco, rule, system, obj):
        b.fld(obj, fname, "read", (*base, "respect_consent", i))


def _reverse_write(b: _Builder, name: str, rule: SyncRule) -> None:
    """A two-way rule's flow back into its source: same mode, Edit on the mapped-from fields."""
    obj = rule.source.partition(".")[2]
    base: Path = ("sync_rules", name)
    for operation in WRITES[rule.mode]:
        b.op(obj, operation, (*base, "mode"))
    for target, mapping in rule.fields.items():
        source = _source_of(mapping)
        if source:
            b.fld(obj, source, "edit", (*base, "fields", target))


def _forward_write(b: _Builder, name: str, rule: SyncRule) -> None:
    obj = rule.target.partition(".")[2]
    base: Path = ("sync_rules", name)
    for operation in WRITES[rule.mode]:
        b.op(obj, operation, (*base, "mode"))
    for target in rule.fields:
        b.fld(obj, target, "edit", (*base, "fields", target))
    if rule.match is not None:
        b.fld(obj, rule.match.target, "read", (*base, "match", "target"))


def _sync_rule(b: _Builder, eco: Ecosystem, name: str, rule: SyncRule) -> None:
    touched = False
    if rule.source.partition(".")[0] == b.system:
        touched = True
        _read_side(b, eco, name, rule)
        if rule.direction == "two_way":
            _reverse_write(b, name, rule)
    if rule.target.partition(".")[0] == b.system:
        touched = True
        _forward_write(b, name, rule)
    if touched:
        b.sources.add(f"sync_rule.{name}")
        b.sources.update(f"consent.{c}" for c in rule.respect_consent)


def _connector(b: _Builder, name: str, integ: Integration) -> None:
    mcc = integ.marketing_cloud_connect
    if mcc is not None and integ.from_ == b.system:
        for obj, fields in mcc.objects.items():
            path: Path = ("integrations", name, "marketing_cloud_connect", "objects", obj)
            b.op(obj, "read", path)
            for i, fname in enumerate(fields):
                b.fld(obj, fname, "read", (*path, i))
    ae = integ.account_engagement
    if ae is not None and b.system in (integ.from_, integ.to):
        if ae.creates_leads and b.salesforce:
            b.op("Lead", "create", ("integrations", name, "account_engagement", "creates_leads"))
        for i, sharing in enumerate(ae.sharing_rules):
            path = ("integrations", name, "account_engagement", "sharing_rules", i, "field")
            b.op(sharing.object, "read", path)
            b.fld(sharing.object, sharing.field, "read", path)
            b.fld(sharing.object, sharing.field, "edit", path)


def _social_care(b: _Builder, name: str, integ: Integration) -> None:
    care = integ.social_care
    if care is None or not b.salesforce or integ.to != b.system:
        return
    path: Path = ("integrations", name, "social_care")
    for obj in ("SocialPost", "SocialPersona"):
        b.op(obj, "create", path)
        b.op(obj, "edit", path)
    parent = "Account" if care.personas.parent == "person_account" else "Contact"
    personas: Path = (*path, "personas", "duplicates")
    b.op(parent, "create", personas)
    if care.personas.duplicates == "merge":
        b.op(parent, "read", personas)


@dataclass(frozen=True)
class _Index:
    integrations_by_user: Mapping[str, list[str]]
    rules_by_integration: Mapping[str, list[str]]


_last: list[tuple[Ecosystem, _Index]] = []  # the index of the last ecosystem asked about


def _index(eco: Ecosystem, *, keep: bool = True) -> _Index:
    """Integrations by user and sync rules by integration; computed once per ecosystem
    (models are immutable), since the Salesforce emitter asks for every user in turn.
    With `keep=False` an index not kept already is made and not kept (`all_access`)."""
    if _last and _last[0][0] is eco:
        return _last[0][1]
    index = _build_index(eco)
    if keep:
        _last[:] = [(eco, index)]
    return index


def _build_index(eco: Ecosystem) -> _Index:
    by_user: dict[str, list[str]] = defaultdict(list)
    for name in sorted(eco.integrations):
        user = eco.integrations[name].user
        if user:
            by_user[user].append(name)
    by_integration: dict[str, list[str]] = defaultdict(list)
    for name in sorted(eco.sync_rules):
        by_integration[eco.sync_rules[name].integration].append(name)
    return _Index(by_user, by_integration)


def _user(eco: Ecosystem, index: _Index, user_name: str) -> UserAccess:
    system = eco.integration_users[user_name].system
    found = eco.systems.get(system)
    b = _Builder(system, found is not None and found.type == "salesforce")
    b.sources.add(f"integration_user.{user_name}")
    complete = True
    integrations = index.integrations_by_user.get(user_name, [])
    for integ_name in integrations:
        integ = eco.integrations[integ_name]
        b.sources.add(f"integration.{integ_name}")
        _connector(b, integ_name, integ)
        _social_care(b, integ_name, integ)
        rules = index.rules_by_integration.get(integ_name, [])
        complete = complete and bool(rules or integ.marketing_cloud_connect)
    for rule_name in sorted(r for i in integrations for r in index.rules_by_integration.get(i, [])):
        _sync_rule(b, eco, rule_name, eco.sync_rules[rule_name])
    return b.freeze(user_name, complete)


def integrations_of(resolved: ResolvedEcosystem, user_name: str) -> list[str]:
    """The integrations `user_name` runs, sorted."""
    return list(_index(resolved.ecosystem).integrations_by_user.get(user_name, []))


def all_access(resolved: ResolvedEcosystem) -> dict[str, UserAccess]:
    """Every integration user's need, in one pass over the ecosystem (linear)."""
    eco = resolved.ecosystem
    # the index made here is not kept for later askers (`_last`): check's rules ask once,
    # and a kept index stayed alive through the peak of its memory (issue 11)
    index = _index(eco, keep=False)
    return {name: _user(eco, index, name) for name in sorted(eco.integration_users)}


def user_access(resolved: ResolvedEcosystem, user_name: str) -> UserAccess:
    eco = resolved.ecosystem
    return _user(eco, _index(eco), user_name)
