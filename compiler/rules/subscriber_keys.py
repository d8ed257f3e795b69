"""Marketing Cloud's subscriber-key strategy against what fills the key.

A Marketing Cloud system (or one of its business units) declares what its subscriber key
is (`key_strategy.kind`: `email`, `crm_id` or `external_id`). Marketing Cloud Connect
keys the subscribers it sends to and tracks by the 18-character id of the CRM Contact,
Lead or Person Account; an account keyed by email or by a customer number of its own then
holds two subscribers for one person (E5501). A sendable data extension whose subscriber
field is filled from another identity than the strategy makes such twins too (E5502),
and where no strategy is declared, two sendable data extensions of one account filled from
different kinds of identity do (E5503). Each cause is reported once, with the other places
it reaches as related positions.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass

from compiler.diagnostics import Finding, code
from compiler.graph import flow_edge
from compiler.model.identity import SubscriberKeyStrategy
from compiler.rules.context import Context, PathT, split_field
from compiler.rules.registry import rule

E_CONNECT_KEY = code(
    "E5501",
    "Marketing Cloud Connect serves a unit not keyed by the CRM id",
    "Marketing Cloud Connect identifies the subscribers it sends to and tracks by the "
    "18-character id of the CRM Contact, Lead or Person Account: it uses the subscriber key "
    "to find the Sales or Service Cloud record the tracking data belongs to, and records "
    "imported for it are keyed by the CASESAFEID of the Contact or Lead (Salesforce Help, "
    "'Subscriber Key in Marketing Cloud Engagement'; 'Marketing Cloud Connect uses Sales "
    "and Service Cloud IDs as Subscriber Keys', DB Services, 'Marketing Cloud Connect: "
    "Subscriber Key Migration', 2020). A "
    "business unit whose subscriber key is the email address or a customer number of its "
    "own keeps a second subscriber for every person it also reaches through the connector: "
    "an unsubscribe recorded under one key does not stop sends under the other, and the "
    "tracking returned to the CRM matches no record. Every unit that one strategy "
    "declaration leaves in this state is one finding, at the declaration, the units related.",
    "Key the unit by the CRM id (`key_strategy: {kind: crm_id}`) and migrate the existing "
    "subscribers, or stop serving the unit through Marketing Cloud Connect.",
)
E_SENDABLE_KIND = code(
    "E5502",
    "Sendable data extension filled from another identity than the subscriber key",
    "A sendable data extension's subscriber field is what Marketing Cloud matches to the "
    "subscriber key when it sends (Salesforce Help, 'Create a Sendable Data Extension': "
    "the send relationship relates a field of the data extension to Subscriber Key on "
    "Subscribers). Filled from another kind of identity "
    "than the unit's strategy (an email address where the key is the CRM id), every send "
    "creates a new subscriber per person beside the one the strategy makes. Data "
    "extensions filled from one wrong source share one cause and are one finding, at the "
    "first by name, the others related.",
    "Fill the subscriber field from the identity the strategy names, or change the "
    "unit's `key_strategy`.",
)
E_MIXED_KINDS = code(
    "E5503",
    "Subscriber keys of one account filled from different identities",
    "Subscribers are kept once per Marketing Cloud account (All Subscribers) under their "
    "subscriber key; when one sendable data extension fills its subscriber field from an "
    "email address and another from the CRM id (or a customer number), the same person is "
    "two subscribers, with two unsubscribe states. Judged where neither a `key_strategy` "
    "nor a subscriber-key field is declared (with a strategy, E5502 names the data "
    "extensions that depart from it; with a field, E5004).",
    "Fill every sendable data extension's subscriber field from one identity, and declare "
    "it as the system's `key_strategy`.",
)

EMAIL_TYPES = frozenset({"email", "emailaddress"})
EMAIL_NAMES = frozenset({"Email", "EmailAddress", "PersonEmail", "Email_Address"})
CRM_ID_NAMES = frozenset({"Id", "PersonContactId", "ContactId", "LeadId"})
AE_CRM_IDS = frozenset({"CrmContactFid", "CrmLeadFid"})
KIND_WORDS = {
    "email": "an email address",
    "crm_id": "the CRM record id",
    "external_id": "an external customer id",
}


@dataclass(frozen=True)
class Strategy:
    kind: str
    source: str | None
    path: PathT
    own: bool  # declared by the unit itself, not inherited from the system


def strategy(ctx: Context, system: str, unit: str) -> Strategy | None:
    """The key strategy of Marketing Cloud business unit `unit` of `system`."""
    mc = ctx.eco.systems.get(system)
    bu = getattr(mc, "business_units", {}).get(unit)
    own: SubscriberKeyStrategy | None = getattr(bu, "key_strategy", None)
    if own is not None:
        path = ("systems", system, "business_units", unit, "key_strategy")
        return Strategy(own.kind, own.source, path, True)
    inherited: SubscriberKeyStrategy | None = getattr(mc, "key_strategy", None)
    if inherited is None:
        return None
    return Strategy(inherited.kind, inherited.source, ("systems", system, "key_strategy"), False)


def field_kind(ctx: Context, address: str) -> str:
    """The kind of identity field `address` holds: email, crm_id or external_id."""
    system, _, name = split_field(address)
    spec = ctx.field(address)
    if name in EMAIL_NAMES or (
        spec is not None and (spec.type.lower() in EMAIL_TYPES or spec.format == "email")
    ):
        return "email"
    platform = ctx.system_type(system)
    if platform == "salesforce" and (name in CRM_ID_NAMES or (spec and spec.type == "id")):
        return "crm_id"
    if platform == "account_engagement" and name in AE_CRM_IDS:
        return "crm_id"
    return "external_id"


WALK_LIMIT = 10_000  # fields one walk visits at most (the field itself included)


@dataclass(frozen=True, slots=True)
class Upstream:
    """What one walk up the data flows from a subscriber field found (one per walked
    field, kept until the last rule reading them: slots, and equal sets shared)."""

    fields: frozenset[str]  # every field upstream of it, itself excluded
    roots: tuple[str, ...]  # fields nothing fills; the direct sources when all are filled


def upstream(ctx: Context, node: str) -> Upstream:
    """The fields upstream of `node`: one breadth-first walk, shared by E5004 and E5502
    (memoised per field), that stops once it has seen WALK_LIMIT fields, `node` included, so
    a data extension fed from a huge graph costs a bounded walk. Roots are the fields
    among them that nothing fills (the direct sources when every one is filled, as in a
    two-way loop)."""
    memo: dict[str, Upstream] = ctx.memo.setdefault("subscriber_keys.upstream", {})
    found = memo.get(node)
    if found is not None:
        return found
    limit = WALK_LIMIT
    flow = ctx.graph.dataflow
    seen, queue = {node}, deque([node])
    while queue and len(seen) < limit:
        for pred in flow.predecessors(queue.popleft()):
            if pred not in seen:
                seen.add(pred)
                queue.append(pred)
    seen.discard(node)
    roots = sorted(n for n in seen if flow.in_degree(n) == 0)
    direct = sorted(set(flow.predecessors(node)) - {node})
    found = memo[node] = Upstream(_shared(ctx, frozenset(seen)), tuple(roots or direct))
    return found


def _shared(ctx: Context, items: frozenset[str]) -> frozenset[str]:
    """`items`, or the equal set already kept (many subscriber fields share their upstream
    fields, and every fill shares a few kinds)."""
    sets: dict[frozenset[str], frozenset[str]] = ctx.memo.setdefault("subscriber_keys.sets", {})
    return sets.setdefault(items, items)


@dataclass(frozen=True, slots=True)
class Fill:
    """A sendable data extension's subscriber field and what fills it."""

    de: str
    system: str
    unit: str
    field: str
    writer: str  # the source field of the first mapping into it
    path: PathT  # that mapping
    kinds: frozenset[str]
    upstream: frozenset[str]


def sendable_fills(ctx: Context) -> list[Fill]:
    """Every filled subscriber field of a sendable data extension, by data extension."""
    memo = ctx.memo.get("subscriber_keys.fills")
    if memo is not None:
        return list(memo)
    out: list[Fill] = []
    flow = ctx.graph.dataflow
    for name in sorted(ctx.eco.data_extensions):
        de = ctx.eco.data_extensions[name]
        spec = ctx.object_of_de(name)
        unit = ctx.eco.business_units.get(de.business_unit)
        if de.sendable is None or spec is None or unit is None or unit.marketing_cloud is None:
            continue
        node = spec.field_address(de.sendable.field)
        if node not in flow or flow.in_degree(node) == 0:
            continue
        walk = upstream(ctx, node)
        writer = sorted(flow.in_edges(node, keys=True, data=True))[0]
        mc = unit.marketing_cloud
        kinds = _shared(ctx, frozenset(field_kind(ctx, r) for r in walk.roots))
        edge_path = flow_edge(writer[3]).path
        out.append(
            Fill(
                name, mc.system, mc.business_unit, de.sendable.field, writer[0], edge_path,
                kinds, walk.fields,
            )
        )  # fmt: skip
    ctx.memo["subscriber_keys.fills"] = tuple(out)
    return out


def _connect_units(ctx: Context, system: str) -> Iterator[tuple[str, str, PathT]]:
    """(engage unit, Marketing Cloud unit, where the connector lists it) for every unit
    of Marketing Cloud system `system` that a Marketing Cloud Connect integration serves
    (one that lists no business units serves them all)."""
    for iname in sorted(ctx.eco.integrations):
        integ = ctx.eco.integrations[iname]
        mcc = integ.marketing_cloud_connect
        if integ.type != "marketing_cloud_connect" or integ.to != system or mcc is None:
            continue
        listed = {u: i for i, u in enumerate(mcc.business_units)}
        base: PathT = ("integrations", iname, "marketing_cloud_connect")
        for uname in sorted(ctx.eco.business_units):
            mapping = ctx.eco.business_units[uname].marketing_cloud
            if mapping is None or mapping.system != system:
                continue
            if not listed:
                yield uname, mapping.business_unit, (*base, "objects")
            elif uname in listed:
                yield uname, mapping.business_unit, (*base, "business_units", listed[uname])


@rule("connect-subscriber-key", E_CONNECT_KEY)
def connect_subscriber_key(ctx: Context) -> Iterator[Finding]:
    """Units served by Marketing Cloud Connect whose subscriber key is not the CRM id."""
    for system in sorted(ctx.eco.systems):
        if ctx.system_type(system) != "marketing_cloud":
            continue
        causes: dict[tuple[str | int, ...], list[tuple[str, PathT]]] = {}
        kinds: dict[tuple[str | int, ...], str] = {}
        for unit, mc_unit, listed_at in _connect_units(ctx, system):
            found = strategy(ctx, system, mc_unit)
            if found is None or found.kind == "crm_id":
                continue
            key = tuple(found.path)
            if all(u != unit for u, _ in causes.get(key, [])):
                causes.setdefault(key, []).append((unit, listed_at))
            kinds[key] = KIND_WORDS[found.kind] + (f" ({found.source})" if found.source else "")
        for path, units in sorted(causes.items()):
            names = ", ".join(repr(u) for u, _ in units)
            yield ctx.finding(
                E_CONNECT_KEY,
                f"Marketing Cloud Connect serves {names} of {system!r}, whose subscriber key "
                f"is {kinds[path]}, not the CRM id the connector keys "
                "subscribers by",
                (*path, "kind"),
                address=f"system.{system}",
                related=[(at, f"the connector serves {u!r}") for u, at in units],
            )


def _departs(fill: Fill, found: Strategy) -> bool:
    if found.kind == "external_id" and found.source:
        return found.source not in fill.upstream
    return fill.kinds != {found.kind}


def _declared_field(ctx: Context, system: str) -> bool:
    """Whether a subscriber-key field is declared for `system` (E5004 compares with it)."""
    declared = getattr(ctx.eco.systems.get(system), "subscriber_key", "")
    return bool(declared or ctx.eco.ecosystem.data_model.subscriber_key)


def _judged_by_e5004(ctx: Context, found: Strategy, system: str) -> bool:
    """E5004 judges data extensions against a declared key field, unless their unit
    declares a strategy of its own."""
    return not found.own and _declared_field(ctx, system)


@rule("sendable-key-kind", E_SENDABLE_KIND)
def sendable_key_kind(ctx: Context) -> Iterator[Finding]:
    """Sendable data extensions filled from another identity than their unit's strategy."""
    causes: dict[tuple[str, str, str], list[Fill]] = {}
    strategies: dict[tuple[str, str, str], Strategy] = {}
    for fill in sendable_fills(ctx):
        found = strategy(ctx, fill.system, fill.unit)
        if found is None or _judged_by_e5004(ctx, found, fill.system) or not _departs(fill, found):
            continue
        cause = (fill.writer, found.kind, found.source or "")
        causes.setdefault(cause, []).append(fill)
        strategies.setdefault(cause, found)
    for cause, fills in causes.items():
        writer, found, first = cause[0], strategies[cause], fills[0]
        spath = found.path
        wanted = found.source or KIND_WORDS[found.kind]
        if len(fills) == 1:
            what = f"sendable data extension {first.de!r} relates {first.field!r}"
            fills_it = "fills it"
        else:
            names = ", ".join(repr(f.de) for f in fills)
            what = f"sendable data extensions {names} relate their subscriber field"
            fills_it = "fill it"
        related: list[tuple[PathT, str]] = [(spath, "the subscriber-key strategy")]
        related += [(f.path, f"{f.de!r} is filled from {writer} too") for f in fills[1:]]
        yield ctx.finding(
            E_SENDABLE_KIND,
            f"{what} to the subscriber key, but {fills_it} from {writer} "
            f"({_kinds(first.kinds)}), not from {wanted}",
            first.path,
            address=f"data_extension.{first.de}",
            related=related,
        )


def _kinds(kinds: frozenset[str]) -> str:
    return " and ".join(KIND_WORDS[k] for k in sorted(kinds))


@rule("mixed-subscriber-keys", E_MIXED_KINDS)
def mixed_subscriber_keys(ctx: Context) -> Iterator[Finding]:
    """Sendable data extensions of one account, no strategy or key field declared, filled
    from different kinds of identity: reported at the first departing from the first."""
    by_system: dict[str, list[Fill]] = {}
    for fill in sendable_fills(ctx):
        if len(fill.kinds) != 1 or _declared_field(ctx, fill.system):
            continue
        if strategy(ctx, fill.system, fill.unit) is None:
            by_system.setdefault(fill.system, []).append(fill)
    for system in sorted(by_system):
        fills = by_system[system]
        first = fills[0]
        others = [f for f in fills if f.kinds != first.kinds]
        if not others:
            continue
        shown = others[0]
        related: list[tuple[PathT, str]] = [
            (first.path, f"{first.de!r} fills it from {first.writer} ({_kinds(first.kinds)})")
        ]
        related += [(f.path, f"{f.de!r} fills it from {f.writer}") for f in others[1:]]
        yield ctx.finding(
            E_MIXED_KINDS,
            f"sendable data extension {shown.de!r} of {system!r} fills its subscriber field "
            f"from {shown.writer} ({_kinds(shown.kinds)}), but {first.de!r} from "
            f"{first.writer} ({_kinds(first.kinds)}): one person, two subscribers",
            shown.path,
            address=f"data_extension.{shown.de}",
            related=related,
            hint="Declare the system's `key_strategy` and fill every subscriber field from it.",
        )
