"""Customer 360 (seed 000, consideration 12): every cloud that engages customers sends its
engagement back into the CRM declared as the 360° view, through an integration that can
carry it."""

from __future__ import annotations

from collections.abc import Iterator

from compiler.diagnostics import Finding, code
from compiler.model.engagement import EngagementFeed
from compiler.model.systems import SalesforceSystem
from compiler.rules.context import Context
from compiler.rules.registry import rule

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
