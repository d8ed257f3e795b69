"""Consent: every channel sent on has a consent mapping, and opt-outs reach every sender
in time, with the right polarity; collected choices flow back to the system of record."""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from dataclasses import dataclass

from compiler.diagnostics import Finding, code
from compiler.graph import flow_edge
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
    "becomes consented.",
    "Add `transform: invert` to the mapping (or remove a superfluous one).",
)


@dataclass(frozen=True)
class _Reach:
    seconds: int  # known schedule seconds along the fastest path
    inverted: bool  # odd number of `invert` transforms
    last: tuple[str | int, ...]  # path of the last mapping on the way
    slowest: tuple[str, int]  # integration address and its interval


def _node(system: str, storage: Storage) -> str:
    return f"{system}:{storage.object}.{storage.field}"


def _reach(ctx: Context, start: str) -> dict[str, _Reach]:
    """Dijkstra over the data flow from `start`, weighted by integration schedules."""
    flow = ctx.graph.dataflow
    best: dict[str, _Reach] = {start: _Reach(0, False, (), ("", 0))}
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
                invert = here.inverted ^ ("invert" in edge.transform)
                best[succ] = _Reach(total, invert, edge.path, slow)
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
        reached = _reach(ctx, _node(cc.system_of_record, origin))
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
    if "status" in (storage.polarity, origin.polarity):
        return
    expected = (storage.polarity == "opt_in") != (origin.polarity == "opt_in")
    if hit.inverted == expected:
        return
    node = _node(system, storage)
    yield ctx.finding(
        E_POLARITY,
        f"{channel} consent arrives in {node} ({storage.polarity}) inverted: the path from "
        f"{cc.system_of_record!r} ({origin.polarity}) {'lacks' if expected else 'has'} an "
        "`invert` transform",
        hit.last,
        address=f"system.{system}",
        related=[(_storage_path(channel, system), "the consent field is declared here")],
    )


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
            if target in _reach(ctx, _node(system, storage)):
                continue
            yield ctx.finding(
                E_COLLECTED_ONE_WAY,
                f"{system!r} collects {channel} consent in {_node(system, storage)}, but it "
                f"never flows back to {target}",
                (*_storage_path(channel, system), "collects"),
                address=f"system.{system}",
                related=[(_storage_path(channel, cc.system_of_record), "the system of record")],
            )
