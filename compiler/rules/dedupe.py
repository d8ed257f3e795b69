"""Duplicate and matching rules against what the integrations actually do, and the keys
records are matched on across systems."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from compiler.diagnostics import Finding, code
from compiler.graph import flow_edge
from compiler.graph_algorithms import Digraph
from compiler.model.dedupe import DuplicateRule
from compiler.model.sync import SyncRule
from compiler.rules.context import Context, PathT
from compiler.rules.registry import rule
from compiler.rules.subscriber_keys import strategy, upstream

E_BLOCKS_INTEGRATION = code(
    "E5001",
    "Duplicate rule blocks an integration's writes",
    "A duplicate rule whose action is Block applies to the integration user: every record "
    "the connector inserts (or updates) that looks like a duplicate fails, and an API "
    "client cannot save past a Block the way it can past an Alert. This includes the "
    "leads an Account Engagement connector creates (it does by default).",
    "Exempt the integration user (its username in `bypass`, or under `exempt:` its profile, "
    "a custom permission it holds, a bypass checkbox set on it or on the records it "
    "writes), or make the action `allow` with an alert/report (or set `creates_leads: "
    "false` on a connector that should not create leads).",
)
W_MATCH_NEVER_RECEIVED = code(
    "W5002",
    "Matching rule on a field the system never receives",
    "The field's system of record is another system and no sync brings the value here, so "
    "the field is blank on these records and the matching rule cannot match on it.",
    "Sync the field into this object, or match on a field this system holds.",
)
W_KEYS_INCONSISTENT = code(
    "W5003",
    "Records matched on different keys",
    "Sync rules upsert the same records (their sources share an origin through sync "
    "rules) into one object but match them on different fields; the same customer is found "
    "by one integration and duplicated by the other.",
    "Match every sync into the object on the same key (an external id, the subscriber key).",
)
E_SUBSCRIBER_KEY = code(
    "E5004",
    "Subscriber key differs between clouds",
    "The subscriber key is declared as one field, but a cloud or a sendable data extension "
    "uses another (an email address instead of the contact id): the same person becomes "
    "two subscribers, and unsubscribes and tracking no longer match the CRM record. "
    "Sendable data extensions filled from one wrong field (a for_each template's instances, "
    "several lists loaded from one source) share one cause and are one finding, at the "
    "first by name, with the others as related positions.",
    "Use the declared subscriber key everywhere, or change the declaration.",
)


def exempted(ctx: Context, dr: DuplicateRule, writer: Writer) -> bool:
    """Whether the rule's conditions leave this writer out: its user is bypassed by
    username, has an exempted profile, holds an exempted custom permission, has a bypass
    checkbox of User set, or the writer sets the record's bypass checkbox to true."""
    user = ctx.eco.integration_users.get(writer.user) if writer.user else None
    if user is not None:
        if writer.user in dr.bypass or user.profile in dr.exempt.profiles:
            return True
        if set(user.custom_permissions) & set(dr.exempt.custom_permissions):
            return True
        user_fields = {b.field for b in dr.exempt.fields if b.object == "User"}
        if user_fields & set(user.bypass_fields):
            return True
    record = {b.field for b in dr.exempt.fields if b.object == dr.object and b.object != "User"}
    return bool(record) and bool(record & writer.sets_true)


def _blocked(dr: DuplicateRule, mode: str) -> list[str]:
    out = []
    if dr.on_create.action == "block" and mode in ("insert", "upsert", "overwrite"):
        out.append("on_create")
    if dr.on_update.action == "block" and mode in ("update", "upsert"):
        out.append("on_update")
    return out


@dataclass(frozen=True)
class Writer:
    """Something that writes records into a duplicate rule's object, as an integration."""

    what: str  # "sync rule 'x'", "integration 'y'"
    mode: str
    user: str | None
    path: tuple[str | int, ...]
    note: str
    sets_true: frozenset[str] = frozenset()  # fields of the record it always sets to true


def _true_constants(sync: SyncRule) -> frozenset[str]:
    return frozenset(
        target
        for target, mapping in sync.fields.items()
        if not isinstance(mapping, str) and mapping.from_ is None and mapping.value is True
    )


def _sync_writers(ctx: Context, obj: str) -> Iterator[Writer]:
    for name, sync in ctx.rules_by_target.get(obj, []):
        user = ctx.eco.integrations[sync.integration].user
        path = ("sync_rules", name, "target")
        note = f"{name!r} writes here"
        yield Writer(f"sync rule {name!r}", sync.mode, user, path, note, _true_constants(sync))
    for name, sync in ctx.rules_by_source.get(obj, []):
        if sync.direction == "two_way":  # the reverse flow writes with the rule's mode too
            user = ctx.eco.integrations[sync.integration].user
            path = ("sync_rules", name, "source")
            yield Writer(f"sync rule {name!r}", sync.mode, user, path, f"{name!r} writes here")


def _inserts_leads(ctx: Context, integration: str, obj: str) -> bool:
    rules = ctx.rules_by_integration.get(integration, [])
    return any(s.target == obj and s.mode in ("insert", "upsert", "overwrite") for _, s in rules)


def _connector_writers(ctx: Context, system: str, obj: str) -> Iterator[Writer]:
    """Account Engagement connectors that create leads in `system` (they do by default),
    unless one of their sync rules already reports the insert."""
    if obj.partition(".")[2] != "Lead":
        return
    creating: list[str] | None = ctx.memo.get("lead_creating_connectors")
    if creating is None:
        integrations = ctx.eco.integrations
        creating = [
            name
            for name in sorted(integrations)
            if (ae := integrations[name].account_engagement) is not None and ae.creates_leads
        ]
        ctx.memo["lead_creating_connectors"] = creating
    for name in creating:
        integ = ctx.eco.integrations[name]
        if system in (integ.from_, integ.to) and not _inserts_leads(ctx, name, obj):
            path = ("integrations", name, "account_engagement", "creates_leads")
            note = "the connector creates leads here"
            what = f"integration {name!r}, an Account Engagement connector that creates leads,"
            yield Writer(what, "insert", integ.user, path, note)


def _writers(ctx: Context, dr: DuplicateRule) -> Iterator[Writer]:
    """Every integration write into the rule's object."""
    obj = f"{dr.system}.{dr.object}"
    yield from _sync_writers(ctx, obj)
    yield from _connector_writers(ctx, dr.system, obj)


@rule("duplicate-rule-blocks-integration", E_BLOCKS_INTEGRATION)
def blocks_integration(ctx: Context) -> Iterator[Finding]:
    """Active Block duplicate rules that apply to an integration user's inserts or updates,
    by sync rules (both flows of a two-way rule) or an Account Engagement connector that
    creates leads."""
    for dr_name in sorted(ctx.eco.duplicate_rules):
        dr = ctx.eco.duplicate_rules[dr_name]
        if not dr.active:
            continue
        for writer in _writers(ctx, dr):
            if exempted(ctx, dr, writer):
                continue
            for action in _blocked(dr, writer.mode):
                who = (
                    f"integration user {writer.user!r}"
                    if writer.user
                    else "its integration (no user)"
                )
                yield ctx.finding(
                    E_BLOCKS_INTEGRATION,
                    f"duplicate rule {dr_name!r} blocks {action.removeprefix('on_')}s of "
                    f"{dr.system}.{dr.object} by {who}, which {writer.what} performs",
                    ("duplicate_rules", dr_name, action, "action"),
                    address=f"duplicate_rule.{dr_name}",
                    related=[(writer.path, writer.note)],
                )


@rule("matching-rule-fields", W_MATCH_NEVER_RECEIVED)
def matching_fields(ctx: Context) -> Iterator[Finding]:
    """Matching-rule fields mastered elsewhere that no sync brings into the system."""
    flow = ctx.graph.dataflow
    for mr_name in sorted(ctx.eco.matching_rules):
        mr = ctx.eco.matching_rules[mr_name]
        for i, item in enumerate(mr.items):
            address = f"{mr.system}:{mr.object}.{item.field}"
            spec = ctx.field(address)
            if spec is None or not spec.system_of_record or spec.system_of_record == mr.system:
                continue
            if address in flow and flow.in_degree(address) > 0:
                continue
            yield ctx.finding(
                W_MATCH_NEVER_RECEIVED,
                f"matching rule {mr_name!r} matches on {address}, whose system of record is "
                f"{spec.system_of_record!r}, but no sync brings it into {mr.system!r}",
                ("matching_rules", mr_name, "items", i, "field"),
                address=f"matching_rule.{mr_name}",
                related=[(spec.path, "the field is declared here")],
            )


def _dedupes(ctx: Context, target: str, sync: SyncRule) -> bool:
    """True when the rule finds existing records by a key and creates them otherwise."""
    if sync.match is None or sync.mode != "upsert":
        return False
    system, _, name = target.partition(".")
    spec = ctx.field(f"{system}:{name}.{sync.match.target}")
    return spec is None or spec.type != "id"


def _object_flows(ctx: Context) -> Digraph:
    """The data flow between objects (`system.Object`), from the field-level graph: which
    object's records reach which object (two-way rules and Marketing Cloud Connect too)."""
    graph: Digraph | None = ctx.memo.get("object_flows")
    if graph is None:
        graph = Digraph()
        flow = ctx.graph.dataflow
        for u, v in flow.edges():
            a, b = flow.node(u), flow.node(v)
            graph.add_edge(f"{a[0]}.{a[1]}", f"{b[0]}.{b[1]}")
        ctx.memo["object_flows"] = graph
    return graph


def _record_origins(ctx: Context, key: str, limit: int = 10000) -> frozenset[str]:
    """`key` and every object whose records reach it through sync rules (bounded BFS)."""
    memo: dict[str, frozenset[str]] = ctx.memo.setdefault("record_origins", {})
    if key not in memo:
        graph = _object_flows(ctx)
        seen, queue = {key}, deque([key])
        while queue and len(seen) < limit:
            node = queue.popleft()
            for pred in graph.predecessors(node) if node in graph else ():
                if pred not in seen:
                    seen.add(pred)
                    queue.append(pred)
        memo[key] = frozenset(seen)
    return memo[key]


@rule("match-keys", W_KEYS_INCONSISTENT)
def match_keys(ctx: Context) -> Iterator[Finding]:
    """Upserts of the same records into one object that match them on different keys."""
    for target in sorted(ctx.rules_by_target):
        keyed = [(n, s) for n, s in ctx.rules_by_target[target] if _dedupes(ctx, target, s)]
        if len({s.match.target for _, s in keyed if s.match is not None}) < 2:
            continue
        # Two rules carry the same records when their sources share an origin (one
        # object's records reach both, through sync rules; a rule's origins hold its own
        # source) and they are not scoped to different business units (a record syncs to
        # one unit only). Call-centre cases and social cases written into one Case object
        # are different records, matched on different keys by design. The first earlier
        # upsert of the same records on another key is found through an index, not a scan
        # of every earlier rule (quadratic in the upserts of one object): per origin
        # object, per match key, per business unit (None: unscoped), the first position.
        first: dict[str, dict[str, dict[str | None, int]]] = {}
        for i, (name, sync) in enumerate(keyed):
            assert sync.match is not None
            key, unit = sync.match.target, sync.business_unit or None
            origins = _record_origins(ctx, sync.source)
            found: int | None = None
            for origin in origins:
                for other_key, by_unit in first.get(origin, {}).items():
                    if other_key == key:
                        continue
                    candidates: Iterable[int]
                    if unit is None:
                        candidates = by_unit.values()
                    else:
                        candidates = [by_unit[u] for u in (None, unit) if u in by_unit]
                    for j in candidates:
                        if found is None or j < found:
                            found = j
            if found is not None:
                yield _key_finding(ctx, target, name, sync, *keyed[found])
            for origin in origins:
                by_unit = first.setdefault(origin, {}).setdefault(key, {})
                by_unit.setdefault(unit, i)


def _key_finding(
    ctx: Context, target: str, name: str, sync: SyncRule, first: str, first_rule: SyncRule
) -> Finding:
    assert sync.match is not None and first_rule.match is not None
    return ctx.finding(
        W_KEYS_INCONSISTENT,
        f"sync rule {name!r} matches {target} records on {sync.match.target!r}, "
        f"but {first!r} matches the same records on {first_rule.match.target!r}",
        ("sync_rules", name, "match", "target"),
        address=f"sync_rule.{name}",
        related=[(("sync_rules", first, "match", "target"), f"{first!r} matches here")],
    )


def _declared_key(ctx: Context, system: str) -> tuple[str, tuple[str | int, ...]] | None:
    mc = ctx.eco.systems.get(system)
    own = getattr(mc, "subscriber_key", "")
    if own:
        return own, ("systems", system, "subscriber_key")
    key = ctx.eco.ecosystem.data_model.subscriber_key
    return (key, ("ecosystem", "data_model", "subscriber_key")) if key else None


@rule("subscriber-key", E_SUBSCRIBER_KEY)
def subscriber_key(ctx: Context) -> Iterator[Finding]:
    """Clouds and sendable data extensions whose subscriber key is not the declared one."""
    company = ctx.eco.ecosystem.data_model.subscriber_key
    company_path = ("ecosystem", "data_model", "subscriber_key")
    for name in sorted(ctx.eco.systems):
        own = getattr(ctx.eco.systems[name], "subscriber_key", "")
        if company and own and own != company:
            yield ctx.finding(
                E_SUBSCRIBER_KEY,
                f"system {name!r} uses {own} as the subscriber key, the data model {company}",
                ("systems", name, "subscriber_key"),
                address=f"system.{name}",
                related=[(company_path, "the data model's subscriber key")],
            )
    yield from _sendable_keys(ctx)


def _sendable_keys(ctx: Context) -> Iterator[Finding]:
    """One finding per cause: the sendable data extensions whose subscriber relationship
    is filled from one wrong field (a for_each template's instances, or several data
    extensions loaded from one source) are reported once, at the first (by name), with
    the others as related positions."""
    causes: dict[tuple[str, str], list[tuple[str, str, PathT]]] = {}
    declared_at: dict[tuple[str, str], tuple[str | int, ...]] = {}
    for name in sorted(ctx.eco.data_extensions):
        de = ctx.eco.data_extensions[name]
        spec = ctx.object_of_de(name)
        if de.sendable is None or spec is None or _own_strategy(ctx, de.business_unit):
            continue
        declared = _declared_key(ctx, spec.system)
        node = spec.field_address(de.sendable.field)
        if declared is None or not _fed(ctx, node) or _reaches(ctx, node, declared[0]):
            continue
        writer = sorted(ctx.graph.dataflow.in_edges(node, keys=True, data=True))[0]
        key = (writer[0], declared[0])
        causes.setdefault(key, []).append((name, de.sendable.field, flow_edge(writer[3]).path))
        declared_at[key] = declared[1]
    for (source, declared_key), members in causes.items():
        yield _sendable_finding(
            ctx, source, declared_key, declared_at[source, declared_key], members
        )


def _fed(ctx: Context, node: str) -> bool:
    flow = ctx.graph.dataflow
    return node in flow and flow.in_degree(node) > 0


def _reaches(ctx: Context, node: str, key: str) -> bool:
    """Whether the declared key field `key` is `node` itself or upstream of it (the walk
    E5502 shares, bounded at subscriber_keys.WALK_LIMIT fields)."""
    return key == node or key in upstream(ctx, node).fields


def _own_strategy(ctx: Context, unit: str) -> bool:
    """Whether the Marketing Cloud unit of `unit` declares its own subscriber-key strategy
    (then E5502 judges its data extensions against it, not against the declared field)."""
    mapping = ctx.eco.business_units[unit].marketing_cloud
    assert mapping is not None  # object_of_de found the data extension's object
    found = strategy(ctx, mapping.system, mapping.business_unit)
    return found is not None and found.own


def _sendable_finding(
    ctx: Context,
    source: str,
    declared_key: str,
    declared_path: tuple[str | int, ...],
    members: list[tuple[str, str, PathT]],
) -> Finding:
    name, field, path = members[0]
    if len(members) == 1:
        message = (
            f"sendable data extension {name!r} relates {field!r} to the subscriber key, but "
            f"fills it from {source}, not from {declared_key}"
        )
    else:
        names = ", ".join(repr(m[0]) for m in members)
        message = (
            f"sendable data extensions {names} relate their subscriber field to the "
            f"subscriber key, but fill it from {source}, not from {declared_key}"
        )
    related: list[tuple[PathT, str]] = [
        (("data_extensions", name, "sendable", "field"), "the subscriber relationship"),
        (declared_path, "the declared subscriber key"),
    ]
    for other, _, other_path in members[1:]:
        related.append((other_path, f"{other!r} is filled from {source} too"))
    return ctx.finding(
        E_SUBSCRIBER_KEY, message, path, address=f"data_extension.{name}", related=related
    )
