"""Consent suppression in query activities: opted-out subscribers are never selected.

For each channel a rule respects, the storage declared for the Marketing Cloud system
(`consent.channels.<channel>.storage.<mc system>`) decides the predicate:

* the storage is a field of the source itself (e.g. `Contact_Salesforce.HasOptedOutOfEmail`):
  a condition on that column;
* the storage is a field the rule writes into the target: a condition on the mapped value;
* otherwise (All Subscribers `_Subscribers.Status`, a consent data extension): a correlated
  `NOT EXISTS` (opted out) or `EXISTS` (opted in) on the storage object, related to the
  source row by the subscriber key the rule writes into the target.

When the channel's choice is per business unit for the target's unit
(`consent.channels.<channel>.per_unit`), the query also drops the people who left that
unit only: a correlated `NOT EXISTS` on Marketing Cloud's per-unit unsubscribes
(`ENT._BusinessUnitUnsubscribes`, related by subscriber key and `BusinessUnitID` = the
unit's MID), or `EXISTS` / `NOT EXISTS` on a data extension with a unit field.

A target that is not sendable is related by its single primary key, and only when the
rule fills it from a field that holds the subscriber key (`holds_subscriber_key`).

When none of these is possible the query is not generated: silently sending to opted-out
subscribers is worse than a missing audience. A unit without a MID (the base of an
ecosystem whose MIDs live in environment overlays) is W6204: its files cannot be deployed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlglot import exp

from compiler.diagnostics import Finding, code, make
from compiler.emit.sql import col, number, text
from compiler.model.consent import Storage
from compiler.model.data_extensions import DataExtension
from compiler.model.unit_consent import UnitConsent, UnitStorage
from compiler.resolved import ObjectSpec, ResolvedEcosystem

E_CONSENT = code(
    "E6801",
    "Consent cannot be enforced in generated code",
    "A sync rule respects a channel's consent, but the generated query or sync code has no "
    "way to tell who opted out: the channel has no storage in the system the code runs on, "
    "or the storage cannot be related to the rule's records. Generating it anyway could "
    "send to people who opted out, so it is not generated.",
    "Declare `consent.channels.<channel>.storage.<system>` on the source object, a field "
    "the rule maps, `_Subscribers`, or a data extension keyed by the subscriber key.",
)

CONSENT_ALIAS = "c"
# engage's simplified view of MobileConnect; no query can read it under that name.
NOT_QUERYABLE = frozenset({"_MobileSubscribers"})


@dataclass(frozen=True)
class ConsentTarget:
    """What a rule's query knows about its rows, for relating them to consent storage."""

    system: str
    source: ObjectSpec
    source_name: str  # the engage object name of the source (e.g. Contact_Salesforce)
    target_name: str  # the target data extension's resource name
    mapped: Mapping[str, exp.Expr]  # target field → value expression
    subscriber: exp.Expr | None  # the value written as subscriber key
    table_for: Callable[[str], exp.Expr | None]  # object name → table reference (alias c)


def opted_out(value: exp.Expr, storage: Storage) -> exp.Expr | None:
    """True for an opted-out value, or None when the storage lists no opted-out value."""
    if storage.polarity == "opt_out":
        return exp.EQ(this=value, expression=number(1))
    if storage.polarity == "status" and storage.opted_out_values:
        return exp.In(this=value, expressions=[text(v) for v in storage.opted_out_values])
    return None


def consented(value: exp.Expr, storage: Storage) -> exp.Expr | None:
    """True for an opted-in value (opt_in polarity, or status with opted-in values)."""
    if storage.polarity == "opt_in":
        return exp.EQ(this=value, expression=number(1))
    if storage.polarity == "status" and storage.opted_in_values:
        return exp.In(this=value, expressions=[text(v) for v in storage.opted_in_values])
    return None


def keep(value: exp.Expr, storage: Storage) -> exp.Expr | None:
    """The condition on a value that keeps a row: consented, or not opted out."""
    yes = consented(value, storage)
    if yes is not None:
        return yes
    no = opted_out(value, storage)
    if no is None:
        return None
    return exp.or_(exp.Is(this=value.copy(), expression=exp.Null()), exp.not_(no))


def storage_key(obj: ObjectSpec, de: DataExtension | None) -> str | None:
    """The field of a storage object that holds the subscriber key."""
    if obj.kind == "standard" and "SubscriberKey" in obj.fields:
        return "SubscriberKey"
    if de is not None and de.sendable is not None:
        return de.sendable.field
    keys = [n for n, f in obj.fields.items() if f.primary_key]
    return keys[0] if len(keys) == 1 else None


def holds_subscriber_key(
    resolved: ResolvedEcosystem, system: str, source: ObjectSpec, source_name: str, field: str
) -> bool:
    """Whether `field` of a query's source is known to hold the subscriber key: the
    sendable field of a sendable data extension, a data view's SubscriberKey, the declared
    subscriber key itself (`subscriber_key`, the system's or the data model's), or its
    synchronized copy (`crm:Contact.Id` is `Contact_Salesforce.Id`). A non-sendable
    target's primary key relates its rows to consent storage only when it is filled from
    such a field; any other value (a shop's customer number) would match no subscriber,
    and the query would keep every opted-out row."""
    eco = resolved.ecosystem
    de = eco.data_extensions.get(source_name)
    if de is not None:
        return de.sendable is not None and de.sendable.field == field
    if source.kind == "standard":
        return field == "SubscriberKey"
    declared = getattr(eco.systems.get(system), "subscriber_key", "")
    declared = declared or eco.ecosystem.data_model.subscriber_key or ""
    if declared == f"{system}:{source_name}.{field}":
        return True
    if source.kind != "synchronized":
        return False
    integ = eco.integrations.get(source.address.removeprefix("integration."))
    origin = source_name.removesuffix("_Salesforce")
    return integ is not None and declared == f"{integ.from_}:{origin}.{field}"


def _related(
    ctx: ConsentTarget, storage: Storage, obj: ObjectSpec, de: DataExtension | None
) -> exp.Expr | str:
    key = storage_key(obj, de)
    if key is None:
        return f"{storage.object} has no single subscriber-key field to relate rows by"
    if ctx.subscriber is None:
        return (
            "the target has no subscriber key, nor a single primary key filled with the "
            "subscriber key, to relate rows by"
        )
    source = ctx.table_for(storage.object)
    if source is None:
        return f"{storage.object} cannot be read from this business unit"
    c_value = col(storage.field, CONSENT_ALIAS)
    link = exp.EQ(this=col(key, CONSENT_ALIAS), expression=ctx.subscriber.copy())
    yes, no = consented(c_value, storage), opted_out(c_value, storage)
    test = yes if yes is not None else no
    if test is None:
        return f"storage {storage.object}.{storage.field} lists no opted-in or opted-out values"
    sub = exp.select(number(1)).from_(source).where(exp.and_(link, test))
    exists = exp.Exists(this=sub)
    return exists if yes is not None else exp.not_(exists)


W_PARTIAL = code(
    "W6802",
    "Consent enforced from a copy only",
    "The consent storage declared for Marketing Cloud cannot be read by a query activity, so "
    "the query suppresses opted-out subscribers with the system of record's field as Marketing "
    "Cloud Connect synchronizes it. Opt-outs collected in Marketing Cloud itself (e.g. STOP "
    "replies) are then honoured only once they have reached the system of record.",
    "Declare a Marketing Cloud storage a query can read (a data extension or `_Subscribers`).",
)


def _own(resolved: ResolvedEcosystem, ctx: ConsentTarget, storage: Storage) -> exp.Expr | str:
    """The condition from the storage declared for the Marketing Cloud system itself."""
    if storage.object in NOT_QUERYABLE:
        return f"{storage.object} is not a data view a query activity can read"
    if storage.object == ctx.source_name and storage.field in ctx.source.fields:
        found = keep(col(storage.field, "s"), storage)
    elif storage.object == ctx.target_name and storage.field in ctx.mapped:
        found = keep(ctx.mapped[storage.field].copy(), storage)
    else:
        obj = resolved.objects.get(ctx.system, {}).get(storage.object)
        if obj is None:
            return f"storage object {storage.object!r} is unknown in {ctx.system!r}"
        de = resolved.ecosystem.data_extensions.get(storage.object)
        return _related(ctx, storage, obj, de)
    return found if found is not None else f"storage {storage.object} lists no values"


def _synchronized(
    resolved: ResolvedEcosystem, ctx: ConsentTarget, storages: Mapping[str, Storage]
) -> list[exp.Expr]:
    """Conditions on synchronized copies (`Contact_Salesforce.HasOptedOutOfEmail`) of the
    storage of the system the source is synchronized from."""
    if ctx.source.kind != "synchronized":
        return []
    integ = resolved.ecosystem.integrations.get(ctx.source.address.removeprefix("integration."))
    storage = storages.get(integ.from_) if integ is not None else None
    if storage is None or f"{storage.object}_Salesforce" != ctx.source_name:
        return []
    if storage.field not in ctx.source.fields:
        return []
    found = keep(col(storage.field, "s"), storage)
    return [found] if found is not None else []


def predicate(
    resolved: ResolvedEcosystem, ctx: ConsentTarget, channel: str
) -> tuple[list[exp.Expr], str]:
    """The conditions keeping only rows that may be sent on `channel`; and, when the
    Marketing Cloud storage itself cannot be used, why."""
    cc = resolved.ecosystem.consent.channels.get(channel)  # type: ignore[call-overload]
    if cc is None:
        return [], f"channel {channel!r} has no consent declaration"
    copies = _synchronized(resolved, ctx, cc.storage)
    storage = cc.storage.get(ctx.system)
    if storage is None:
        return copies, f"channel {channel!r} declares no consent storage in system {ctx.system!r}"
    own = _own(resolved, ctx, storage)
    if isinstance(own, str):
        return copies, own
    return [own, *copies], ""


NO_MID = "the MID of business unit"
W_NO_MID = code(
    "W6204",
    "Per-unit unsubscribes not enforced: the unit has no MID",
    "The channel's choice is per business unit for the target's unit, and Marketing Cloud "
    "keeps per-unit unsubscribes by the unit's MID (`_BusinessUnitUnsubscribes.BusinessUnitID`), "
    "but this compilation declares no MID for that unit, so its query suppresses the "
    "company-wide opt-outs only. Such files cannot be deployed either (W7805: mcdev lists "
    "the unit with MID 0); every environment that declares the MID gets the per-unit "
    "condition.",
    "Declare the unit's `mid` (in the environment overlay, as environment-specific ids are) "
    "and generate for that environment (`--env`).",
)


def _unit_mid(resolved: ResolvedEcosystem, ctx: ConsentTarget, pu: UnitConsent) -> int | str | None:
    """The MID of the target's business unit when its choice is per unit (None when the
    target's unit keeps no choice of its own), or why it is not known."""
    eco = resolved.ecosystem
    de = eco.data_extensions.get(ctx.target_name)
    if de is None or de.business_unit not in pu.business_units:
        return None
    mapping = eco.business_units[de.business_unit].marketing_cloud
    system = eco.systems.get(ctx.system)
    units = getattr(system, "business_units", {})
    mid = units[mapping.business_unit].mid if mapping and mapping.business_unit in units else None
    if mid is None:
        return f"{NO_MID} {de.business_unit!r} is not declared"
    return int(mid)


def unit_predicate(
    resolved: ResolvedEcosystem, ctx: ConsentTarget, channel: str
) -> exp.Expr | str | None:
    """The condition dropping rows opted out of the target's own business unit (Marketing
    Cloud's per-unit unsubscribes, `_BusinessUnitUnsubscribes`, or a data extension with a
    unit field), None when the channel's choice is not per unit for that unit, or why it
    cannot be enforced."""
    cc = resolved.ecosystem.consent.channels.get(channel)  # type: ignore[call-overload]
    pu = cc.per_unit if cc is not None else None
    mid = _unit_mid(resolved, ctx, pu) if pu is not None else None
    if pu is None or mid is None:
        return None
    if isinstance(mid, str):
        return mid
    storage = pu.storage.get(ctx.system)
    if storage is None or storage.unit_field is None:
        return f"its per-unit choice has no storage with a unit_field in {ctx.system!r}"
    obj = resolved.objects.get(ctx.system, {}).get(storage.object)
    source = ctx.table_for(storage.object) if obj is not None else None
    key = storage_key(obj, resolved.ecosystem.data_extensions.get(storage.object)) if obj else None
    if source is None or key is None or ctx.subscriber is None:
        return f"{storage.object} cannot be related to the target's subscribers"
    link = exp.and_(
        exp.EQ(this=col(key, CONSENT_ALIAS), expression=ctx.subscriber.copy()),
        exp.EQ(this=col(storage.unit_field, CONSENT_ALIAS), expression=number(mid)),
    )
    return _unit_test(storage, source, link)


def _unit_test(storage: UnitStorage, source: exp.Expr, link: exp.Expr) -> exp.Expr | str:
    if storage.polarity == "row":  # a row is an unsubscribe from that unit
        return exp.not_(exp.Exists(this=exp.select(number(1)).from_(source).where(link)))
    value = col(storage.field, CONSENT_ALIAS)
    as_storage = Storage(
        object=storage.object,
        field=storage.field,
        polarity=storage.polarity,
        opted_in_values=storage.opted_in_values,
        opted_out_values=storage.opted_out_values,
    )
    yes, no = consented(value, as_storage), opted_out(value, as_storage)
    test = yes if yes is not None else no
    if test is None:
        return f"storage {storage.object}.{storage.field} lists no opted-in or opted-out values"
    exists = exp.Exists(this=exp.select(number(1)).from_(source).where(exp.and_(link, test)))
    return exists if yes is not None else exp.not_(exists)


def _finding(resolved: ResolvedEcosystem, info: Any, rule: str, i: int, message: str) -> Finding:
    return make(
        info,
        message,
        resolved.span(("sync_rules", rule, "respect_consent", i)),
        address=f"sync_rule.{rule}",
    )


def suppressions(
    resolved: ResolvedEcosystem, ctx: ConsentTarget, rule: str, channels: list[str]
) -> tuple[list[exp.Expr], list[Finding]]:
    out: list[exp.Expr] = []
    findings: list[Finding] = []
    for i, channel in enumerate(channels):
        found, why = predicate(resolved, ctx, channel)
        out.extend(found)
        if why and not found:
            message = (
                f"sync rule {rule!r} respects {channel} consent, but {why}; "
                "its query is not generated"
            )
            findings.append(_finding(resolved, E_CONSENT, rule, i, message))
        elif why:
            message = (
                f"sync rule {rule!r}: {why}, so {channel} opt-outs are suppressed with "
                f"the synchronized copy of the system of record's field only"
            )
            findings.append(_finding(resolved, W_PARTIAL, rule, i, message))
        unit = unit_predicate(resolved, ctx, channel)
        if isinstance(unit, str) and unit.startswith(NO_MID):
            message = (
                f"sync rule {rule!r} respects {channel} consent, which is per business unit "
                f"for its target's unit, but {unit}: its query drops company-wide opt-outs only"
            )
            findings.append(_finding(resolved, W_NO_MID, rule, i, message))
        elif isinstance(unit, str):
            message = (
                f"sync rule {rule!r} respects {channel} consent, which is per business unit "
                f"for its target's unit, but {unit}; its query is not generated"
            )
            findings.append(_finding(resolved, E_CONSENT, rule, i, message))
        elif unit is not None:
            out.append(unit)
    return out, findings
