"""Campaign governance: where a campaign can live, its hierarchy, its connected twin in
Account Engagement, and the member statuses the rules writing its members use."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from compiler.diagnostics import Finding, code
from compiler.model.campaigns import Campaign
from compiler.model.sync import FieldMapping
from compiler.rules.context import Context
from compiler.rules.registry import rule

E_STATUS = code(
    "E7101",
    "Campaign member status the campaign does not define",
    "A campaign member's Status must be one of its campaign's member statuses: every "
    "campaign has its own set (CampaignMemberStatus records, Salesforce's default Sent and "
    "Responded; Salesforce Help, 'Campaign Member Statuses'), and an insert or update with "
    "another value fails for that member. A journey or form handler that writes a status "
    "the campaign lacks loses exactly the members it was meant to record.",
    "Add the status to the campaign's `member_statuses`, or write one it defines "
    "(translate with the mapping's `values`).",
)
E_NO_CAMPAIGNS = code(
    "E7102",
    "Campaign declared in a system that has no campaigns",
    "Campaigns, their members and influence live in the CRM (Salesforce's Campaign and "
    "CampaignMember objects) or as Marketing Cloud campaigns; Social Studio, Interaction "
    "Studio, Account Engagement on its own and external tools have no campaign record "
    "(Account Engagement's campaigns are the CRM's, through Connected Campaigns). A social "
    "campaign declared there is tracked nowhere: its responses never count.",
    "Declare the campaign in the CRM (`system:` a Salesforce org) and track the social "
    "or Account Engagement activity into it.",
)
E_HIERARCHY = code(
    "E7103",
    "Campaign hierarchy too deep or circular",
    "A Salesforce campaign hierarchy has at most five levels (Salesforce Help, 'Campaign "
    "Hierarchy'), and a campaign cannot be its own ancestor: the parent cannot be saved, "
    "so the hierarchy's roll-up statistics (leads, contacts, responses, costs) are wrong.",
    "Attach the campaign higher up (at most five levels), or break the circle of parents.",
)
E_NOT_CONNECTED = code(
    "E7104",
    "Connected campaign of a record type the connector does not sync",
    "With Connected Campaigns, the Account Engagement connector syncs only the CRM "
    "campaigns of the record types chosen in its settings (Salesforce Help, 'Connected "
    "Campaigns': campaign record types to sync). A campaign declared connected whose "
    "record type is not among them never appears in Account Engagement: its emails, "
    "forms and landing pages cannot be attached to it, and its engagement is lost.",
    "Add the record type to the Account Engagement system's `campaign_record_types`, or "
    "give the campaign a record type the connector syncs.",
)

E_DEFAULTS = code(
    "E7620",
    "Campaign member statuses without exactly one default",
    "Every campaign has exactly one default member status, the one new members get: "
    "'Beginning with API version 39.0, there must be a default CampaignMemberStatus "
    "defined for every campaign', and a status designated as the default cannot be deleted "
    "(Object Reference, 'CampaignMemberStatus', IsDefault); making one status the default "
    "takes the flag from the previous one. A campaign that declares its statuses with none "
    "marked `default` keeps Salesforce's Sent as its default although it no longer "
    "declares it, and one with two defaults keeps only the last written, so members "
    "start in a status nobody chose. A campaign that declares no statuses keeps Sent and "
    "Responded and is not judged.",
    "Mark exactly one of the campaign's `member_statuses` `default: true`.",
)
E_RESPONDED = code(
    "E7621",
    "Campaign member statuses with no responded status",
    "'Beginning with API version 39.0, at least one CampaignMemberStatus on each campaign "
    "must have a hasResponded value of true' (Object Reference, 'CampaignMemberStatus', "
    "HasResponded). A campaign whose declared statuses are all non-responded cannot be "
    "written as declared (Salesforce's Responded stays beside them), and none of its "
    "members ever counts as a response, so the campaign's response figures and the "
    "influence built on them stay at zero.",
    "Mark the statuses that mean a response `responded: true` (at least one).",
)

MAX_DEPTH = 5
CAMPAIGN_SYSTEMS = ("salesforce", "marketing_cloud")


def _status_writes(ctx: Context, rule_name: str) -> Iterator[tuple[str, tuple[str | int, ...]]]:
    """The statuses a sync rule can write into CampaignMember.Status, with their paths."""
    sync = ctx.eco.sync_rules[rule_name]
    mapping = sync.fields.get("Status")
    path: tuple[str | int, ...] = ("sync_rules", rule_name, "fields", "Status")
    if mapping is None:
        return
    if isinstance(mapping, FieldMapping) and mapping.value is not None:
        yield str(mapping.value), (*path, "value")
        return
    source = mapping if isinstance(mapping, str) else mapping.from_
    translate = mapping.values if isinstance(mapping, FieldMapping) else {}
    spec = ctx.field(f"{sync.source.replace('.', ':', 1)}.{source}") if source else None
    for value in spec.values if spec is not None else ():
        yield (
            translate.get(value, value),
            ((*path, "values", value) if value in translate else path),
        )


@rule("campaign-member-statuses", E_STATUS)
def member_statuses(ctx: Context) -> Iterator[Finding]:
    """Statuses written into a campaign's members that the campaign does not define."""
    for name in sorted(ctx.eco.campaigns):
        camp = ctx.eco.campaigns[name]
        defined = camp.status_labels()
        for i, rule_name in enumerate(camp.members):
            sync = ctx.eco.sync_rules.get(rule_name)
            if sync is None or sync.target != f"{camp.system}.CampaignMember":
                continue
            for status, path in sorted(set(_status_writes(ctx, rule_name))):
                if status in defined:
                    continue
                yield ctx.finding(
                    E_STATUS,
                    f"sync rule {rule_name!r} writes member status {status!r} into campaign "
                    f"{name!r}, which defines {', '.join(sorted(defined))}",
                    path,
                    address=f"sync_rule.{rule_name}",
                    related=[
                        (("campaigns", name, "member_statuses"), "the campaign's statuses"),
                        (("campaigns", name, "members", i), "the rule writes its members"),
                    ],
                )


@rule("campaign-systems", E_NO_CAMPAIGNS)
def campaign_systems(ctx: Context) -> Iterator[Finding]:
    """Campaigns declared in a system that has no campaign record."""
    for name in sorted(ctx.eco.campaigns):
        camp = ctx.eco.campaigns[name]
        kind = ctx.system_type(camp.system)
        if not kind or kind in CAMPAIGN_SYSTEMS:
            continue
        yield ctx.finding(
            E_NO_CAMPAIGNS,
            f"campaign {name!r} is declared in {camp.system!r}, a system of type {kind}, "
            "which has no campaigns; track it in the CRM",
            ("campaigns", name, "system"),
            address=f"campaign.{name}",
        )


_CIRCLE = -1  # on a circle of parents
_INTO = -2  # leads into a circle it is not part of
_WALKING = -3  # on the walk in progress, at position _WALKING - depth


def _hierarchy(campaigns: Mapping[str, Campaign]) -> tuple[dict[str, int], dict[str, str]]:
    """Each campaign's depth (the number of ancestors above it) when its chain of parents
    ends, `_CIRCLE` for a campaign on a circle of parents, `_INTO` for one that leads into
    a circle it is not part of; and, for each campaign on a circle, the smallest member of
    that circle.

    Every campaign's chain is walked once: a walk stops at the first campaign already
    placed, so a deep chain or a long circle costs its length, not its length squared.
    The parents are read into one map first, and a campaign's place (or its position on
    the walk in progress) is one entry of `depth`: one lookup per step."""
    parent = {name: camp.parent for name, camp in campaigns.items()}
    depth: dict[str, int] = {}
    circle: dict[str, str] = {}
    for name in parent:
        if name in depth:
            continue
        stack: list[str] = []
        current: str | None = name
        placed: int | None = None
        while current is not None and current in parent:
            placed = depth.get(current)
            if placed is not None:
                if placed <= _WALKING:  # met the walk again: a circle
                    members = stack[_WALKING - placed :]
                    smallest = min(members)
                    circle.update(dict.fromkeys(members, smallest))
                    depth.update(dict.fromkeys(members, _CIRCLE))
                    del stack[_WALKING - placed :]
                    placed = _CIRCLE
                break
            depth[current] = _WALKING - len(stack)
            stack.append(current)
            current = parent[current]
        if placed is not None and placed < 0:
            depth.update(dict.fromkeys(stack, _INTO))
            continue
        below = placed + 1 if placed is not None else 0
        for offset, member in enumerate(reversed(stack)):
            depth[member] = below + offset
    return depth, circle


def _chain(campaigns: Mapping[str, Campaign], name: str, stop: str | None, most: int) -> list[str]:
    """The parents above `name`, nearest first, up to `stop` (excluded) or `most` of them."""
    chain: list[str] = []
    current = campaigns[name].parent
    while current is not None and current in campaigns and current != stop and len(chain) < most:
        chain.append(current)
        current = campaigns[current].parent
    return chain


@rule("campaign-hierarchy", E_HIERARCHY)
def campaign_hierarchy(ctx: Context) -> Iterator[Finding]:
    """Campaign hierarchies deeper than five levels, or circular."""
    campaigns = dict(ctx.eco.campaigns)
    depth, circle = _hierarchy(campaigns)
    for name in sorted(campaigns):
        path = ("campaigns", name, "parent")
        if circle.get(name) == name:  # one finding per circle, at its smallest member
            chain = _chain(campaigns, name, name, len(campaigns))
            yield ctx.finding(
                E_HIERARCHY,
                f"campaign {name!r} is its own ancestor: {' → '.join([name, *chain, name])}",
                path,
                address=f"campaign.{name}",
                related=[(("campaigns", c, "parent"), "the circle continues") for c in chain],
            )
        elif depth.get(name) == MAX_DEPTH:  # the first level too deep; those below follow
            chain = _chain(campaigns, name, None, MAX_DEPTH)
            yield ctx.finding(
                E_HIERARCHY,
                f"campaign {name!r} is level {len(chain) + 1} of its hierarchy "
                f"({' → '.join(reversed([name, *chain]))}); Salesforce allows {MAX_DEPTH}",
                path,
                address=f"campaign.{name}",
                related=[(("campaigns", chain[-1]), "the top of the hierarchy")],
            )


@rule("connected-campaigns", E_NOT_CONNECTED)
def connected_campaigns(ctx: Context) -> Iterator[Finding]:
    """Connected campaigns whose record type the Account Engagement connector skips."""
    for name in sorted(ctx.eco.campaigns):
        camp = ctx.eco.campaigns[name]
        if camp.connected is None:
            continue
        ae = ctx.eco.systems.get(camp.connected.system)
        synced = getattr(ae, "campaign_record_types", None)
        if synced is None or (camp.record_type is not None and camp.record_type in synced):
            continue
        what = f"record type {camp.record_type!r}" if camp.record_type else "no record type"
        yield ctx.finding(
            E_NOT_CONNECTED,
            f"campaign {name!r} is connected to {camp.connected.system!r} but has {what}; "
            f"the connector syncs {', '.join(synced) or 'no record type'}",
            ("campaigns", name, "record_type" if camp.record_type else "connected"),
            address=f"campaign.{name}",
            related=[
                (("systems", camp.connected.system, "campaign_record_types"), "what it syncs")
            ],
        )


@rule("campaign-status-flags", E_DEFAULTS, E_RESPONDED)
def status_flags(ctx: Context) -> Iterator[Finding]:
    """Declared member statuses with no default or several, or with no responded one."""
    for name in sorted(ctx.eco.campaigns):
        statuses = ctx.eco.campaigns[name].member_statuses
        if not statuses:
            continue
        path = ("campaigns", name, "member_statuses")
        defaults = [i for i, s in enumerate(statuses) if s.default]
        if len(defaults) != 1:
            where = (*path, defaults[1], "default") if defaults else path
            what = ", ".join(repr(statuses[i].label) for i in defaults) or "none"
            yield ctx.finding(
                E_DEFAULTS,
                f"campaign {name!r} declares {len(statuses)} member statuses with "
                f"{len(defaults)} defaults ({what}); Salesforce keeps exactly one",
                where,
                address=f"campaign.{name}",
                related=[((*path, defaults[0], "default"), "the first default")]
                if len(defaults) > 1
                else [],
            )
        if not any(s.responded for s in statuses):
            yield ctx.finding(
                E_RESPONDED,
                f"campaign {name!r} declares no responded member status among "
                f"{', '.join(repr(s.label) for s in statuses)}; Salesforce requires one",
                path,
                address=f"campaign.{name}",
            )
