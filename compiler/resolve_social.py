"""References of social care and the Customer 360 view (part of the resolve stage).

Queues, public groups and routing configurations live in a Salesforce org, queues hold
objects of its catalog; social accounts belong to
a workspace of their Social Studio system; a `social_care` block sits on a social_studio
integration from a Social Studio system into a Salesforce org, and names accounts,
business units, queues and a matching rule of the persona's parent object; a
`customer_360` feed names a system and an integration. Every miss is reported at its
position with the resolver's codes (E2010 undeclared, E2011 field, E2012 wrong kind).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from compiler.model.integrations import Integration
from compiler.model.social import SocialCare
from compiler.model.systems import SalesforceSystem, SocialStudioSystem
from compiler.spans import Path

if TYPE_CHECKING:
    from compiler.resolve import _Resolver

PARENT_OBJECT = {"contact": "Contact", "person_account": "Account"}


def check(r: _Resolver) -> None:
    _queues(r)
    _routing(r)
    _social_accounts(r)
    for name, integ in r.eco.integrations.items():
        if integ.social_care is not None:
            _social_care(r, name, integ, integ.social_care)
    for name, system in r.eco.systems.items():
        if isinstance(system, SalesforceSystem) and system.customer_360 is not None:
            _customer_360(r, name, system)


def _queues(r: _Resolver) -> None:
    for name, queue in r.eco.queues.items():
        p = ("queues", name)
        if not r.system(queue.system, (*p, "system"), "salesforce"):
            continue
        for i, obj in enumerate(queue.objects):
            r.obj(f"{queue.system}.{obj}", (*p, "objects", i))


def _routing(r: _Resolver) -> None:
    """Public groups and routing configurations live in a Salesforce org; a routing
    configuration sizes its work in units or in a percentage of an agent's capacity, not
    both, and overflows into a declared queue. Whether a queue's references to them
    are declared is rule E3701's (a name the language did not check before)."""
    for name, group in r.eco.public_groups.items():
        r.system(group.system, ("public_groups", name, "system"), "salesforce")
    for name, config in r.eco.routing_configs.items():
        p = ("routing_configs", name)
        r.system(config.system, (*p, "system"), "salesforce")
        if config.capacity_weight is not None and config.capacity_percentage is not None:
            r._wrong(
                f"routing configuration {name!r} gives both capacity_weight and "
                "capacity_percentage; a work item's size is counted in units of an agent's "
                "capacity or as a percentage of it, one of the two",
                (*p, "capacity_percentage"),
            )
        if config.overflow_queue is not None:
            r.named("queues", "queue", config.overflow_queue, (*p, "overflow_queue"))


def _social_accounts(r: _Resolver) -> None:
    for name, system in r.eco.systems.items():
        if not isinstance(system, SocialStudioSystem):
            continue
        for account, acc in system.accounts.items():
            if acc.workspace not in system.workspaces:
                r._missing(
                    "workspace",
                    acc.workspace,
                    system.workspaces,
                    ("systems", name, "accounts", account, "workspace"),
                    where=f" in system {name!r}",
                )


def _social_care(r: _Resolver, name: str, integ: Integration, care: SocialCare) -> None:
    p: Path = ("integrations", name, "social_care")
    source_ok = r.system(integ.from_, ("integrations", name, "from"), "social_studio")
    crm_ok = r.system(integ.to, ("integrations", name, "to"), "salesforce")
    source = r.eco.systems.get(integ.from_)
    accounts = source.accounts if isinstance(source, SocialStudioSystem) else {}
    for i, route in enumerate(care.routes):
        rp = (*p, "routes", i)
        for j, account in enumerate(route.accounts):
            if source_ok and account not in accounts:
                r._missing(
                    "social account",
                    account,
                    accounts,
                    (*rp, "accounts", j),
                    where=f" in system {integ.from_!r}",
                )
        for j, unit in enumerate(route.business_units):
            r.named("business_units", "business unit", unit, (*rp, "business_units", j))
        r.named("queues", "queue", route.queue, (*rp, "queue"))
    personas = care.personas
    mp = (*p, "personas", "matching_rule")
    if personas.duplicates == "merge" and personas.matching_rule is None:
        r._wrong(
            "personas with duplicates: merge need the matching_rule that finds the existing record",
            (*p, "personas", "duplicates"),
        )
    if personas.matching_rule and r.named(
        "matching_rules", "matching rule", personas.matching_rule, mp
    ):
        mr = r.eco.matching_rules[personas.matching_rule]
        parent = PARENT_OBJECT[personas.parent]
        if crm_ok and (mr.system, mr.object) != (integ.to, parent):
            r._wrong(
                f"matching rule {personas.matching_rule!r} matches {mr.system}.{mr.object}; "
                f"persona parents are {integ.to}.{parent} records",
                mp,
            )


def _customer_360(r: _Resolver, name: str, system: SalesforceSystem) -> None:
    assert system.customer_360 is not None
    for i, feed in enumerate(system.customer_360.receives):
        p = ("systems", name, "customer_360", "receives", i)
        r.system(feed.from_, (*p, "from"))
        r.named("integrations", "integration", feed.via, (*p, "via"))
        for j, unit in enumerate(feed.business_units):
            r.named("business_units", "business unit", unit, (*p, "business_units", j))
