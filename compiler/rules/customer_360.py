"""Customer 360 (seed 000, consideration 12): every cloud that engages customers sends its
engagement back into the CRM declared as the 360° view, through an integration that can
carry it."""

from __future__ import annotations

from collections.abc import Iterator

from compiler.diagnostics import Finding, code
from compiler.model.engagement import EngagementFeed
from compiler.model.systems import SalesforceSystem
from compiler.rules.context import Context, PathT
from compiler.rules.registry import rule
from compiler.rules.subscriber_keys import KIND_WORDS, strategy

W_MISSING_CLOUD = code(
    "W3403",
    "The Customer 360 view misses a cloud",
    "A CRM declared as the customers' 360° view (`customer_360`) shows what each cloud did "
    "with a customer only when that engagement comes back (seed 000, point 12): Marketing "
    "Cloud Connect's tracking creates an Individual Email Result per recipient and send on "
    "the contact or lead (Marketing Cloud Connect Implementation Guide), Account "
    "Engagement's engagement activity shows prospects' activities on leads and contacts, "
    "Social Customer Service writes social conversations as SocialPost and SocialPersona "
    "records (Object Reference). A system "
    "that sends to customers (it declares channels), a Social Studio system or an ad "
    "platform whose engagement never reaches the 360 view leaves agents and sellers blind to "
    "that part of the relationship.",
    "Declare the feed under `customer_360.receives` (from, via, engagement) with the "
    "integration that brings it, or suppress the finding with the reason the engagement "
    "stays out of the CRM.",
)
E_WRONG_CARRIER = code(
    "E3404",
    "Engagement declared through an integration that cannot bring it",
    "Each kind of engagement reaches Salesforce through one connector: email tracking "
    "through Marketing Cloud Connect, and only from the business units assigned to the "
    "connection (Marketing Cloud Connect Implementation Guide, 'Assign Business Units'); "
    "engagement activity through the Account Engagement "
    "connector; social conversations through Social Customer Service. A feed whose "
    "integration does not link its system with this org, is of another kind, or tracks a "
    "business unit the connector does not serve, declares engagement that never arrives.",
    "Name the integration of the right kind between the two systems (`via`), or add the "
    "business unit to the Marketing Cloud Connect integration's `business_units`.",
)

E_TRACKING_KEY = code(
    "E3620",
    "Email tracking into the 360 view from units not keyed by the CRM id",
    "Marketing Cloud Connect returns email tracking (an Individual Email Result per "
    "recipient and send, with opens, clicks, bounces and unsubscribes) on the Contact or "
    "Lead whose id is the subscriber key: 'Marketing Cloud Connect uses subscriber key to "
    "identify the Sales or Service Cloud record associated with the tracking data returned "
    "from the Marketing Cloud' (Salesforce Help, 'Subscriber Key in Marketing Cloud "
    "Engagement'); Individual Email Results push data using the subscriber key as the link "
    "that fills their lookup (Salesforce Services, 'Marketing Cloud Cross Cloud "
    "Architecture: Identity Design', 2023). A business unit keyed by the email address or "
    "by a customer number of its own sends to subscribers whose key is no CRM id, so the "
    "tracking a 360 view declares from it attaches to no contact: the view shows no email "
    "engagement for exactly those sends. Judged per unit the feed tracks (its "
    "`business_units`, else every unit the Marketing Cloud Connect integration serves) "
    "against the unit's `key_strategy`; journey activities (written by Journey Builder's "
    "Salesforce activities to the record the journey names) and units with no declared "
    "strategy are not judged.",
    "Key the units by the CRM id (`key_strategy: {kind: crm_id}`), narrow the feed's "
    "`business_units` to the units that are, or remove the feed and report email "
    "engagement in Marketing Cloud.",
)

CARRIERS = {
    "email_tracking": "marketing_cloud_connect",
    "journey_activities": "marketing_cloud_connect",
    "engagement_activity": "account_engagement_connector",
    "social_conversations": "social_studio",
}


def _engages(ctx: Context, name: str) -> str | None:
    """Why the system engages customers, or None."""
    system = ctx.eco.systems[name]
    if system.type == "social_studio":
        return "Social Studio listens to and answers customers on social networks"
    if system.type == "external" and system.category == "advertising":
        return "it is an ad platform"
    if system.channels:
        return f"it sends on {', '.join(system.channels)}"
    return None


def _views(ctx: Context) -> Iterator[tuple[str, SalesforceSystem]]:
    for name in sorted(ctx.eco.systems):
        system = ctx.eco.systems[name]
        if isinstance(system, SalesforceSystem) and system.customer_360 is not None:
            yield name, system


@rule("customer-360-coverage", W_MISSING_CLOUD)
def coverage(ctx: Context) -> Iterator[Finding]:
    """A customer-engaging system with no engagement feed into the declared 360 view."""
    for crm, system in _views(ctx):
        assert system.customer_360 is not None
        fed = {feed.from_ for feed in system.customer_360.receives}
        for name in sorted(ctx.eco.systems):
            why = _engages(ctx, name)
            if name == crm or name in fed or why is None:
                continue
            yield ctx.finding(
                W_MISSING_CLOUD,
                f"{crm!r} is the Customer 360 view, but no engagement of {name!r} reaches it "
                f"({why})",
                ("systems", crm, "customer_360", "receives"),
                address=f"system.{crm}",
                related=[(("systems", name, "type"), f"{name!r} engages customers")],
            )


def _carrier_problem(
    ctx: Context, crm: str, feed: EngagementFeed
) -> tuple[str, tuple[str | int, ...]] | None:
    """(what is wrong, the path inside the feed it is at), or None."""
    integ = ctx.eco.integrations.get(feed.via)
    if integ is None:
        return None
    if {integ.from_, integ.to} != {feed.from_, crm}:
        return (
            f"integration {feed.via!r} links {integ.from_!r} and {integ.to!r}, not "
            f"{feed.from_!r} and {crm!r}",
            ("via",),
        )
    wanted = CARRIERS.get(feed.engagement)
    if wanted is not None and integ.type != wanted:
        return (
            f"{feed.engagement} arrives through a {wanted} integration; {feed.via!r} is "
            f"{integ.type}",
            ("via",),
        )
    served = integ.marketing_cloud_connect.business_units if integ.marketing_cloud_connect else []
    outside = [u for u in feed.business_units if served and u not in served]
    if outside:
        return (
            f"{feed.engagement} from business unit {outside[0]!r}, which Marketing Cloud "
            f"Connect integration {feed.via!r} does not serve ({', '.join(served)})",
            ("business_units", feed.business_units.index(outside[0])),
        )
    return None


@rule("customer-360-carriers", E_WRONG_CARRIER)
def carriers(ctx: Context) -> Iterator[Finding]:
    """An engagement feed whose integration cannot bring that engagement into the view."""
    for crm, system in _views(ctx):
        assert system.customer_360 is not None
        for i, feed in enumerate(system.customer_360.receives):
            problem = _carrier_problem(ctx, crm, feed)
            if problem is None:
                continue
            message, where = problem
            path = ("systems", crm, "customer_360", "receives", i, *where)
            yield ctx.finding(
                E_WRONG_CARRIER,
                f"{crm!r} declares {feed.engagement} from {feed.from_!r}, but {message}",
                path,
                address=f"system.{crm}",
                related=[(("integrations", feed.via), "the integration")],
            )


def _tracked_units(ctx: Context, feed: EngagementFeed) -> list[tuple[str, str]]:
    """(engage unit, Marketing Cloud unit) of every unit an email-tracking feed tracks:
    those the feed lists, else every unit of its system that its Marketing Cloud Connect
    integration serves (all of them when it lists none)."""
    mcc = ctx.eco.integrations[feed.via].marketing_cloud_connect
    served = mcc.business_units if mcc is not None else []
    out: list[tuple[str, str]] = []
    for name in sorted(ctx.eco.business_units):
        mapping = ctx.eco.business_units[name].marketing_cloud
        if mapping is None or mapping.system != feed.from_:
            continue
        if (served and name not in served) or (
            feed.business_units and name not in feed.business_units
        ):
            continue
        out.append((name, mapping.business_unit))
    return out


def _untracked(ctx: Context, feed: EngagementFeed) -> list[tuple[str, PathT, str]]:
    """(unit, its strategy declaration, the key's kind) of every tracked unit whose
    declared subscriber key is not the CRM id."""
    out: list[tuple[str, PathT, str]] = []
    for unit, mc_unit in _tracked_units(ctx, feed):
        found = strategy(ctx, feed.from_, mc_unit)
        if found is not None and found.kind != "crm_id":
            out.append((unit, found.path, found.kind))
    return out


@rule("customer-360-tracking-keys", E_TRACKING_KEY)
def tracking_keys(ctx: Context) -> Iterator[Finding]:
    """Email tracking declared into the 360 view from units whose subscriber key is not
    the CRM id: one finding per feed, the units' strategy declarations related."""
    for crm, system in _views(ctx):
        assert system.customer_360 is not None
        for i, feed in enumerate(system.customer_360.receives):
            if feed.engagement != "email_tracking" or _carrier_problem(ctx, crm, feed):
                continue
            units = _untracked(ctx, feed)
            if not units:
                continue
            path: PathT = ("systems", crm, "customer_360", "receives", i)
            if feed.business_units:
                first = min(feed.business_units.index(u) for u, _, _ in units)
                path = (*path, "business_units", first)
            keyed = ", ".join(f"{u!r} ({KIND_WORDS[kind]})" for u, _, kind in units)
            yield ctx.finding(
                E_TRACKING_KEY,
                f"{crm!r} declares email tracking from {feed.from_!r}, but the subscriber key "
                f"of {keyed} is not the CRM id Marketing Cloud Connect attaches tracking to: "
                "that tracking reaches no contact",
                path,
                address=f"system.{crm}",
                related=_declarations(units),
            )


def _declarations(units: list[tuple[str, PathT, str]]) -> list[tuple[PathT, str]]:
    """Each strategy declaration once (units inheriting the system's share it)."""
    by_path: dict[PathT, list[str]] = {}
    for unit, path, _ in units:
        by_path.setdefault((*path, "kind"), []).append(unit)
    return [
        (path, f"the subscriber key of {', '.join(map(repr, names))}")
        for path, names in by_path.items()
    ]
