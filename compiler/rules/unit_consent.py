"""Per-brand consent: every sender of a unit whose choice is its own keeps that choice per
unit, no flow merges one unit's choice into the company-wide one, and choices collected
per unit flow back to the system of record.

Platform behaviour encoded (cited on the rule pages): Marketing Cloud records an
unsubscribe either for one business unit or for the whole Enterprise (UnsubscribeBehavior
BUSINESS_UNIT_ONLY / ENTIRE_ENTERPRISE; the per-unit ones are in `_BusinessUnitUnsubscribes`
with the unit's MID as BusinessUnitID); Account Engagement partitions prospects by
business unit (a lead or contact syncs with a prospect in one unit), so a prospect's
Opted Out is that unit's choice; Salesforce's ContactPointTypeConsent names the brand a
consent is for (BusinessBrandId, API 53.0).
"""

from __future__ import annotations

from collections.abc import Iterator

from compiler.diagnostics import Finding, code
from compiler.graph import flow_edge
from compiler.model.consent import ChannelConsent
from compiler.model.unit_consent import UnitConsent, UnitStorage
from compiler.rules.consent import _reach
from compiler.rules.context import Context, PathT
from compiler.rules.registry import rule

E_UNIT_STORAGE = code(
    "E6201",
    "Per-brand consent kept company-wide",
    "The channel declares business units whose choice is their own (`per_unit`), but a "
    "system that sends for one of them, or the channel's system of record, keeps no "
    "per-unit choice, or keeps it where nothing tells the units apart. Marketing Cloud "
    "records an unsubscribe for one business unit or for the whole Enterprise "
    "(UnsubscribeBehavior BUSINESS_UNIT_ONLY or ENTIRE_ENTERPRISE; the per-unit ones are "
    "the `_BusinessUnitUnsubscribes` data view, BusinessUnitID the unit's MID; Salesforce "
    "Marketing Cloud SOAP API, UnsubscribeBehaviorEnum, and Salesforce Help, 'Data View: "
    "Business Unit Unsubscribes'); Salesforce's ContactPointTypeConsent names the brand "
    "(BusinessBrandId, API 53.0; Object Reference, ContactPointTypeConsent). Kept in one "
    "company-wide field, an unsubscribe from one brand either unsubscribes the person from "
    "every brand or is lost.",
    "Declare the system under `per_unit.storage` with a `unit_field` naming the unit "
    "(Account Engagement needs none: its prospects are per business unit).",
)
E_UNIT_MERGED = code(
    "E6202",
    "Per-brand choice merged into the company-wide one",
    "A data flow carries a per-unit consent field into a company-wide consent field of the "
    "same channel: an opt-out from one brand becomes an opt-out from every brand, and an "
    "opt-in to one brand (or a two-way sync back) re-subscribes the person to brands they "
    "left. Account Engagement's Opted Out is per business unit (prospects are partitioned "
    "by unit and a lead or contact syncs with a prospect in one unit only; Salesforce Help, "
    "'Managing Multiple Business Units'), so syncing it into the CRM's HasOptedOutOfEmail "
    "does exactly this.",
    "Carry the per-unit choice into the per-unit storage of the other system (e.g. "
    "ContactPointTypeConsent with BusinessBrandId) instead of the company-wide field.",
)
E_UNIT_ONE_WAY = code(
    "E6203",
    "Per-brand choice collected but never returned",
    "This system collects per-unit choices (`per_unit.storage.<system>.collects: true`, "
    "e.g. the unsubscribe link of a Marketing Cloud business unit, which writes "
    "`_BusinessUnitUnsubscribes`), but no data flow carries them to the system of record's "
    "per-unit storage: the CRM and the other clouds never learn that the person left that "
    "brand.",
    "Sync the per-unit storage back to the system of record's per-unit object (for a "
    "data view, a query into a data extension and an integration from it).",
)

# Systems whose records are per business unit by themselves: Account Engagement
# partitions its prospects by unit.
PER_UNIT_SYSTEMS = frozenset({"account_engagement"})


def _path(channel: str, *rest: str | int) -> PathT:
    return ("consent", "channels", channel, "per_unit", *rest)


def _node(system: str, storage: UnitStorage) -> str:
    return f"{system}:{storage.object}.{storage.field}"


def _serves(ctx: Context, system: str, unit: str) -> bool:
    """Whether `system` is the Marketing Cloud or Account Engagement system of `unit`."""
    bu = ctx.eco.business_units.get(unit)
    if bu is None:
        return False
    mappings = (bu.marketing_cloud, bu.account_engagement)
    return any(m is not None and m.system == system for m in mappings)


def _per_unit(ctx: Context, system: str, storage: UnitStorage) -> bool:
    return storage.unit_field is not None or ctx.system_type(system) in PER_UNIT_SYSTEMS


def _storage_finding(
    ctx: Context, channel: str, pu: UnitConsent, system: str, why: str, path: PathT
) -> Finding:
    return ctx.finding(
        E_UNIT_STORAGE,
        f"{channel} consent is per business unit, but {system!r} {why}: an unsubscribe from "
        "one brand either unsubscribes the person from every brand or is lost",
        path,
        address=f"system.{system}",
        related=[(_path(channel, "business_units"), "the units whose choice is their own")],
    )


@rule("unit-consent-storage", E_UNIT_STORAGE)
def unit_storage(ctx: Context) -> Iterator[Finding]:
    """Senders of per-unit consent (and its system of record) without per-unit storage."""
    for channel in sorted(ctx.eco.consent.channels):
        cc = ctx.eco.consent.channels[channel]
        if cc.per_unit is not None:
            yield from _unit_storage(ctx, channel, cc, cc.per_unit)


def _unit_storage(
    ctx: Context, channel: str, cc: ChannelConsent, pu: UnitConsent
) -> Iterator[Finding]:
    for system in sorted({cc.system_of_record, *_senders(ctx, channel, pu)}):
        storage = pu.storage.get(system)
        role = "is the system of record" if system == cc.system_of_record else "sends"
        if storage is None:
            why = f"{role} and keeps no per-unit choice (no per_unit.storage entry)"
            yield _storage_finding(ctx, channel, pu, system, why, _path(channel, "storage"))
        elif not _per_unit(ctx, system, storage):
            why = f"keeps it in {storage.object}.{storage.field} with no unit_field"
            yield _storage_finding(ctx, channel, pu, system, why, _path(channel, "storage", system))


def _senders(ctx: Context, channel: str, pu: UnitConsent) -> list[str]:
    """Systems sending on `channel` for one of the per-unit business units."""
    return sorted(
        name
        for name, system in ctx.eco.systems.items()
        if channel in system.channels and any(_serves(ctx, name, u) for u in pu.business_units)
    )


@rule("unit-consent-merged", E_UNIT_MERGED)
def unit_merged(ctx: Context) -> Iterator[Finding]:
    """Flows carrying a per-unit choice into the channel's company-wide consent field."""
    for channel in sorted(ctx.eco.consent.channels):
        cc = ctx.eco.consent.channels[channel]
        if cc.per_unit is None:
            continue
        units = {_node(s, st): (s, st) for s, st in cc.per_unit.storage.items()}
        wide = {f"{s}:{st.object}.{st.field}" for s, st in cc.storage.items()} - units.keys()
        seen: set[PathT] = set()
        for start in sorted(units):
            reached = _first_wide(ctx, start, wide)
            for node in sorted(reached):
                last = reached[node]
                if last in seen:
                    continue
                seen.add(last)
                yield ctx.finding(
                    E_UNIT_MERGED,
                    f"{channel} consent kept per business unit in {start} flows into the "
                    f"company-wide {node}: an opt-out from one brand becomes an opt-out from "
                    "every brand, and an opt-in re-subscribes them to brands they left",
                    last,
                    address=_address(last),
                    related=[
                        (_path(channel, "storage", units[start][0]), "the per-unit storage"),
                        (_wide_path(channel, node), "the company-wide storage"),
                    ],
                )


def _first_wide(ctx: Context, start: str, wide: set[str]) -> dict[str, PathT]:
    """The company-wide consent fields the data flow from `start` reaches first (not
    through another one), each with the path of the mapping that writes it."""
    flow = ctx.graph.dataflow
    found: dict[str, PathT] = {}
    seen, todo = {start}, [start]
    while todo:
        node = todo.pop()
        for _, succ, data in sorted(flow.out_edges(node, data=True), key=lambda e: e[1]):
            if succ in wide:
                found.setdefault(succ, flow_edge(data).path)
            elif succ not in seen:
                seen.add(succ)
                todo.append(succ)
    return found


def _wide_path(channel: str, node: str) -> PathT:
    return ("consent", "channels", channel, "storage", node.partition(":")[0])


def _address(path: PathT) -> str:
    """The resource a mapping's path belongs to: a sync rule, else an integration."""
    kind = "sync_rule" if path[0] == "sync_rules" else "integration"
    return f"{kind}.{path[1]}"


def _returns(ctx: Context, system: str, storage: UnitStorage, target: str) -> bool:
    """Whether a flow from the collecting storage reaches the system of record's per-unit
    storage: its field, or (for `row` storage, whose rows are the choice) any field of
    its object."""
    if storage.polarity != "row":
        return target in _reach(ctx, _node(system, storage), frozenset({"true"}))
    prefix = f"{system}:{storage.object}."
    starts = [n for n in ctx.graph.dataflow.nodes if str(n).startswith(prefix)]
    tprefix = target.rpartition(".")[0] + "."
    for start in sorted(starts):
        if any(n.startswith(tprefix) for n in _reach(ctx, start, frozenset({"true"}))):
            return True
    return False


@rule("unit-consent-collected-one-way", E_UNIT_ONE_WAY)
def unit_one_way(ctx: Context) -> Iterator[Finding]:
    """Per-unit choices collected in a system that never reach the system of record."""
    for channel in sorted(ctx.eco.consent.channels):
        cc = ctx.eco.consent.channels[channel]
        pu = cc.per_unit
        origin = pu.storage.get(cc.system_of_record) if pu is not None else None
        if pu is None or origin is None:
            continue
        target = _node(cc.system_of_record, origin)
        for system in sorted(pu.storage):
            storage = pu.storage[system]
            if system == cc.system_of_record or not storage.collects:
                continue
            if _returns(ctx, system, storage, target):
                continue
            yield ctx.finding(
                E_UNIT_ONE_WAY,
                f"{system!r} collects per-unit {channel} choices in {_node(system, storage)}, "
                f"but they never flow back to {target}",
                _path(channel, "storage", system, "collects"),
                address=f"system.{system}",
                related=[(_path(channel, "storage", cc.system_of_record), "the system of record")],
            )
