"""Consent: every channel sent on has a consent mapping, and opt-outs reach every sender
in time, with the right polarity; collected choices flow back to the system of record."""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from dataclasses import dataclass

from compiler.diagnostics import Finding, code
from compiler.graph import FlowEdge, flow_edge
from compiler.model.base import duration_seconds
from compiler.model.consent import ChannelConsent, Storage
from compiler.rules.context import Context
from compiler.rules.registry import rule

E_NO_CONSENT = code(
    "E6001",
    "Channel sent on without a consent mapping",
    "A system sends on a channel (email, SMS, WhatsApp, push...) for which the ecosystem "
    "declares no consent: nothing says where opt-ins and opt-outs live, so nothing "
    "guarantees an opted-out person is not contacted.",
    "Declare the channel under `consent.channels` with its system of record and storage.",
)
E_NO_STORAGE = code(
    "E6002",
    "Sender keeps no consent for its channel",
    "The system sends on a channel with a consent policy but has no `storage` entry for "
    "it, so it cannot know who opted out.",
    "Add the system under the channel's `storage`, naming the field that holds the choice.",
)
E_OPT_OUT_UNREACHED = code(
    "E6003",
    "Opt-out does not reach a sender",
    "No data flow carries the choice from the channel's system of record to this system's "
    "consent field: setting an opt-out in one cloud does not propagate by itself, so this "
    "system keeps sending to people who opted out.",
    "Add a sync rule (or extend one) that maps the consent field from the system of record "
    "(directly or through other systems) into this system's consent field.",
)
E_TOO_SLOW = code(
    "E6004",
    "Opt-out propagates slower than the policy allows",
    "The fastest path from the system of record to this sender runs through scheduled "
    "integrations whose intervals add up to more than the channel's `max_propagation`.",
    "Schedule the integrations on the path more often (or in real time), or revise the "
    "policy's bound.",
)
E_COLLECTED_ONE_WAY = code(
    "E6005",
    "Consent collected but never returned",
    "This system has its own preference centre (`collects: true`), but no data flow carries "
    "its consent field back to the system of record: choices made here are overwritten by "
    "the next sync or never reach the other senders.",
    "Sync the consent field back to the system of record (a two-way rule with precedence, "
    "or a rule in the other direction).",
)
E_POLARITY = code(
    "E6006",
    "Consent polarity inverted on the way",
    "An opt-out flag (true means opted out) arrives in an opt-in field (true means "
    "consented), or the reverse, without an `invert` transform: everyone who opted out "
    "becomes consented. A mapping's `values` translation can invert the choice too "
    "(true → false, or an opt-out flag translated to a status its storage lists among "
    "`opted_in_values`): engage follows what an opt-out at the system of record becomes "
    "on every mapping of the path, translation first, then transforms, the order the "
    "generated sync code applies them. A value the sender's storage gives no meaning "
    "(a status it lists in neither list) is not judged.",
    "Add `transform: invert` to the mapping (or remove a superfluous one), or correct the "
    "`values` translation so that an opt-out arrives as a value meaning opted out.",
)


@dataclass(frozen=True)
class _Reach:
    seconds: int  # known schedule seconds along the fastest path
    out: frozenset[str]  # what "opted out" at the system of record has become on the way
    last: tuple[str | int, ...]  # path of the last mapping on the way
    slowest: tuple[str, int]  # integration address and its interval
    translated: bool = False  # a `values` translation on the way changed a value


_TRUE = frozenset({"true", "1", "yes", "y"})
_FALSE = frozenset({"false", "0", "no", "n"})


def _norm(value: str) -> str:
    """Boolean spellings as one value ('Yes', '1', 'TRUE' → 'true'); others unchanged."""
    low = value.strip().lower()
    return "true" if low in _TRUE else "false" if low in _FALSE else value


def meaning(storage: Storage) -> tuple[frozenset[str], frozenset[str]]:
    """The stored values that mean opted out, and those that mean opted in."""
    if storage.polarity == "opt_out":
        return frozenset({"true"}), frozenset({"false"})
    if storage.polarity == "opt_in":
        return frozenset({"false"}), frozenset({"true"})
    return (
        frozenset(_norm(v) for v in storage.opted_out_values),
        frozenset(_norm(v) for v in storage.opted_in_values),
    )


def carry(values: frozenset[str], edge: FlowEdge) -> tuple[frozenset[str], bool]:
    """What `values` become across one mapping: its `values` translation first, then its
    transforms (the order the generated sync code applies them); and whether the
    translation changed any of them."""
    table = {_norm(k): _norm(v) for k, v in edge.values}
    out = frozenset(table.get(v, v) for v in values)
    translated = out != values
    if "invert" in edge.transform:
        out = frozenset({"true": "false", "false": "true"}.get(v, v) for v in out)
    return out, translated


def _node(system: str, storage: Storage) -> str:
    return f"{system}:{storage.object}.{storage.field}"


def _reach(ctx: Context, start: str, out: frozenset[str]) -> dict[str, _Reach]:
    """Dijkstra over the data flow from `start`, weighted by integration schedules."""
    flow = ctx.graph.dataflow
    best: dict[str, _Reach] = {start: _Reach(0, out, (), ("", 0))}
    heap: list[tuple[int, str]] = [(0, start)]
    while heap:
        seconds, node = heapq.heappop(heap)
        here = best[node]
        if seconds > here.seconds:
            continue
        for _, succ, data in sorted(flow.out_edges(node, data=True), key=lambda e: e[1]):
            edge = flow_edge(data)
            step = edge.schedule_seconds or 0
            total = seconds + step
            if succ not in best or total < best[succ].seconds:
                slow = (edge.integration, step) if step >= here.slowest[1] else here.slowest
                carried, translated = carry(here.out, edge)
                best[succ] = _Reach(total, carried, edge.path, slow, here.translated or translated)
                heapq.heappush(heap, (total, succ))
    return best


def _storage_path(channel: str, system: str) -> tuple[str, ...]:
    return ("consent", "channels", channel, "storage", system)


@rule("consent-coverage", E_NO_CONSENT, E_NO_STORAGE)
def coverage(ctx: Context) -> Iterator[Finding]:
    """Channels sent on without consent, and senders without a consent field."""
    channels = ctx.eco.consent.channels
    for name in sorted(ctx.eco.systems):
        for i, channel in enumerate(ctx.eco.systems[name].channels):
            path = ("systems", name, "channels", i)
            if channel not in channels:
                yield ctx.finding(
                    E_NO_CONSENT,
                    f"system {name!r} sends on {channel}, which has no consent mapping",
                    path,
                    address=f"system.{name}",
                )
            elif name not in channels[channel].storage:
                yield ctx.finding(
                    E_NO_STORAGE,
                    f"system {name!r} sends on {channel} but keeps no {channel} consent",
                    path,
                    address=f"system.{name}",
                    related=[(("consent", "channels", channel, "storage"), "storage is here")],
                )


def _senders(ctx: Context, channel: str, cc: ChannelConsent) -> list[str]:
    return sorted(
        s
        for s in cc.storage
        if s != cc.system_of_record
        and s in ctx.eco.systems
        and channel in ctx.eco.systems[s].channels
    )


@rule("opt-out-propagation", E_OPT_OUT_UNREACHED, E_TOO_SLOW, E_POLARITY)
def propagation(ctx: Context) -> Iterator[Finding]:
    """Opt-outs from the system of record that miss a sender, arrive late or inverted."""
    for channel in sorted(ctx.eco.consent.channels):
        cc = ctx.eco.consent.channels[channel]
        origin = cc.storage.get(cc.system_of_record)
        if origin is None:
            continue
        reached = _reach(ctx, _node(cc.system_of_record, origin), meaning(origin)[0])
        bound = duration_seconds(cc.max_propagation)
        for system in _senders(ctx, channel, cc):
            yield from _check_sender(ctx, channel, cc, system, reached, bound)


def _check_sender(
    ctx: Context,
    channel: str,
    cc: ChannelConsent,
    system: str,
    reached: dict[str, _Reach],
    bound: int,
) -> Iterator[Finding]:
    storage = cc.storage[system]
    node = _node(system, storage)
    origin = _storage_path(channel, cc.system_of_record)
    hit = reached.get(node)
    if hit is None:
        yield ctx.finding(
            E_OPT_OUT_UNREACHED,
            f"{channel} opt-outs recorded in {cc.system_of_record!r} never reach {node}, "
            f"so {system!r} keeps sending to people who opted out",
            _storage_path(channel, system),
            address=f"system.{system}",
            related=[(origin, "the system of record keeps the choice here")],
        )
        return
    if hit.seconds > bound:
        integ = hit.slowest[0].partition(".")[2]
        yield ctx.finding(
            E_TOO_SLOW,
            f"{channel} opt-outs take up to {hit.seconds // 60} minutes to reach {node}; "
            f"the policy allows {cc.max_propagation}",
            ("integrations", integ, "schedule"),
            address=f"integration.{integ}",
            related=[(("consent", "channels", channel, "max_propagation"), "the bound")],
        )
    yield from _polarity(ctx, channel, cc, system, hit)


def _polarity(
    ctx: Context, channel: str, cc: ChannelConsent, system: str, hit: _Reach
) -> Iterator[Finding]:
    storage, origin = cc.storage[system], cc.storage[cc.system_of_record]
    opted_out, opted_in = meaning(storage)
    # an opt-out must arrive as a value meaning opted out; a value meaning neither (a
    # status the storage does not list) is not judged here
    if not hit.out or not hit.out <= opted_in or hit.out & opted_out:
        return
    node = _node(system, storage)
    how = (
        "a `values` translation on the way maps it to the opposite"
        if hit.translated
        else f"the path from {cc.system_of_record!r} ({origin.polarity}) "
        f"{'has' if _inverts(origin, storage) else 'lacks'} an `invert` transform"
    )
    yield ctx.finding(
        E_POLARITY,
        f"{channel} consent arrives in {node} ({storage.polarity}) inverted: an opt-out "
        f"arrives as {', '.join(sorted(hit.out))}, which there means opted in; {how}",
        hit.last,
        address=f"system.{system}",
        related=[(_storage_path(channel, system), "the consent field is declared here")],
    )


def _inverts(origin: Storage, storage: Storage) -> bool:
    """True when the path carries an `invert` it should not (same boolean polarity)."""
    return origin.polarity == storage.polarity


@rule("consent-collected-one-way", E_COLLECTED_ONE_WAY)
def collected_one_way(ctx: Context) -> Iterator[Finding]:
    """Systems that collect consent whose choices never flow back to the system of record."""
    for channel in sorted(ctx.eco.consent.channels):
        cc = ctx.eco.consent.channels[channel]
        origin = cc.storage.get(cc.system_of_record)
        if origin is None:
            continue
        target = _node(cc.system_of_record, origin)
        for system in sorted(cc.storage):
            storage = cc.storage[system]
            if system == cc.system_of_record or not storage.collects:
                continue
            if target in _reach(ctx, _node(system, storage), meaning(storage)[0]):
                continue
            yield ctx.finding(
                E_COLLECTED_ONE_WAY,
                f"{system!r} collects {channel} consent in {_node(system, storage)}, but it "
                f"never flows back to {target}",
                (*_storage_path(channel, system), "collects"),
                address=f"system.{system}",
                related=[(_storage_path(channel, cc.system_of_record), "the system of record")],
            )
