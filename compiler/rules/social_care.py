"""Social care into Service Cloud (seed 000, consideration 15): posts that become cases
must reach a queue that can own them, every monitored account needs a route, the org must
have Social Customer Service, and the contacts created from social personas must neither
fail on nor slip past the org's duplicate rules."""

from __future__ import annotations

from collections.abc import Iterator

from compiler.diagnostics import Finding, code
from compiler.model.dedupe import DuplicateRule
from compiler.model.integrations import Integration
from compiler.model.social import SocialAccount, SocialCare, SocialRoute
from compiler.model.systems import SalesforceSystem, SocialStudioSystem
from compiler.rules.context import Context
from compiler.rules.dedupe import Writer, exempted
from compiler.rules.registry import rule

E_QUEUE = code(
    "E3401",
    "Social cases routed to a queue that cannot own them",
    "Social Customer Service creates a case for each post that needs an answer and assigns "
    "it to the queue its routing names. A queue owns records only of the types it supports "
    "(Metadata API Developer Guide, 'Queue': queueSobject 'indicates the supported entity "
    "types'; Object Reference, QueueSobject: the mapping between a queue and the object "
    "types associated with it), and it lives in one org: a route to a queue that does not "
    "hold Case, or to a queue of another org, leaves the case without the owner the agents "
    "work from, so the post is never answered.",
    "Add Case (and SocialPost, so the posts follow their cases) to the queue's `objects`, "
    "or route to a queue of the org the integration writes into.",
)
W_UNROUTED = code(
    "W3402",
    "Monitored social account with no case routing",
    "Social Studio sends the posts of a managed social account into Service Cloud through "
    "Social Customer Service, whose inbound settings turn them into cases (Complete Guide "
    "to Social Customer Service: 'Add Social Accounts to Social Customer Service', "
    "'Configure Inbound Social Posts'). An account monitored for care that no route of a "
    "`social_care` integration matches (by account, network or business unit) has its "
    "customers' messages listened to and never turned into cases: they are lost to the "
    "service team.",
    "Add a route for the account (or a catch-all route with no `accounts`, `networks` and "
    "`business_units`), or mark a publishing-only account `care: false`.",
)
E_PERSONA_BLOCKED = code(
    "E5401",
    "Duplicate rule blocks the contacts created from social personas",
    "Social Customer Service's inbound handler (the default Apex class "
    "Social.InboundSocialPostHandlerImpl; Complete Guide to Social Customer Service, "
    "'Default Apex Class Reference' and 'Data Populated into Social Objects') gives every "
    "new social persona a parent record it creates (createPersonaParent(SocialPersona), "
    "which returns the new SObject): a contact, or a person account when the inbound rule "
    "'Use Person Accounts' is set (Summer '15 release notes, 'Basic Business Rules'). A "
    "duplicate rule that blocks inserts and applies to the social integration user "
    "rejects that record whenever the author already is a customer, and the post with its "
    "case is not created. No save option gets past a Block, so this holds whatever the "
    "handler sets: the duplicate-rule header's allowSave 'bypass[es] alerts and save[s] "
    "duplicate records' only 'when the Alert option is enabled' (Apex Reference, "
    "DMLOptions.DuplicateRuleHeader; SOAP API Developer Guide, DuplicateRuleHeader). With "
    "`duplicates: merge` by the same matching rule the duplicate rule uses, every such "
    "person is found first and attached instead, so the rule never meets the insert.",
    "Merge personas into existing records (`personas: {duplicates: merge, matching_rule: "
    "...}` with the duplicate rule's matching rule), or exempt the social integration user "
    "from the duplicate rule.",
)
W_PERSONA_DUPLICATES = code(
    "W5402",
    "Social personas create contacts a duplicate rule only reports",
    "With `duplicates: create` every new persona gets a new contact or person account. A "
    "duplicate rule on that object that allows the insert with an alert or a report "
    "recognises the existing customer, and what follows depends on the save option the "
    "inbound handler passes: with the duplicate-rule header's allowSave, which for a rule "
    "whose Alert option is enabled 'bypass[es] alerts and save[s] duplicate records' "
    "(Apex Reference, DMLOptions.DuplicateRuleHeader; SOAP API Developer Guide, "
    "DuplicateRuleHeader), the duplicate is saved and the person ends with two records, "
    "the social conversation on the new one, the order and service history on the old "
    "one; without it ('Prevent duplicate records from being saved by setting this "
    "property to false') the insert fails as under a Block and the post is lost. Either "
    "way the persona does not reach the customer's record (seed 000, point 15: decide "
    "whether a persona merges into an existing record or creates one). Which of the two "
    "the default handler does is not asserted here: Salesforce prints its source in the "
    "Complete Guide to Social Customer Service ('Default Apex Class Reference'), but the "
    "copies of the guide engage was checked against show its contents, not the class "
    "body, and public projects carry only its signatures; a custom handler decides it "
    "with the DMLOptions it passes.",
    "Merge personas into the records the rule's matching rule finds (`duplicates: merge`), "
    "or make the rule block and handle the failures.",
)
E_NO_SOCIAL_OBJECTS = code(
    "E8401",
    "Social care into an org without Social Customer Service",
    "Social Customer Service writes SocialPost and SocialPersona records (Salesforce "
    "Object Reference: SocialPost, API 23.0+; SocialPersona, API 22.0+) and cases, in a "
    "Service Cloud org whose social objects are enabled (Complete Guide to Social "
    "Customer Service: the Social Objects permission is turned on for the org). An org "
    "without Service Cloud among its products, or whose `standard_objects` leave those "
    "objects out, cannot receive the posts, and nothing of the social care declared for "
    "it can run.",
    "Add service_cloud to the org's `products` and SocialPost and SocialPersona to its "
    "`standard_objects` (when it lists them), or write the posts into the org that has them.",
)

CASE = "Case"
PARENT_OBJECT = {"contact": "Contact", "person_account": "Account"}


def _care(ctx: Context) -> Iterator[tuple[str, Integration, SocialCare]]:
    for name in sorted(ctx.eco.integrations):
        integ = ctx.eco.integrations[name]
        if integ.social_care is not None:
            yield name, integ, integ.social_care


@rule("social-case-queue", E_QUEUE)
def case_queue(ctx: Context) -> Iterator[Finding]:
    """A social care route to a queue that does not hold Case, or that lives in another org."""
    for name, integ, care in _care(ctx):
        for i, route in enumerate(care.routes):
            queue = ctx.eco.queues.get(route.queue)
            if queue is None:
                continue
            path = ("integrations", name, "social_care", "routes", i, "queue")
            where = f"integration {name!r} routes social cases to queue {route.queue!r}"
            if queue.system != integ.to:
                yield ctx.finding(
                    E_QUEUE,
                    f"{where}, a queue of {queue.system!r}; the cases are created in {integ.to!r}",
                    path,
                    address=f"integration.{name}",
                    related=[(("queues", route.queue, "system"), "the queue's org")],
                )
            elif CASE not in queue.objects:
                yield ctx.finding(
                    E_QUEUE,
                    f"{where}, which holds {', '.join(queue.objects)} but not Case",
                    path,
                    address=f"integration.{name}",
                    related=[(("queues", route.queue, "objects"), "what the queue can own")],
                )


def _matches(route: SocialRoute, account: str, acc: SocialAccount, units: frozenset[str]) -> bool:
    return (
        (not route.accounts or account in route.accounts)
        and (not route.networks or acc.network in route.networks)
        and (not route.business_units or bool(units & set(route.business_units)))
    )


def _workspace_units(ctx: Context, system: str) -> dict[str, frozenset[str]]:
    """Social Studio workspace → the business units mapped onto it."""
    out: dict[str, set[str]] = {}
    for name, bu in ctx.eco.business_units.items():
        if bu.social_studio is not None and bu.social_studio.system == system:
            out.setdefault(bu.social_studio.workspace, set()).add(name)
    return {w: frozenset(u) for w, u in out.items()}


@rule("social-account-routing", W_UNROUTED)
def unrouted(ctx: Context) -> Iterator[Finding]:
    """A social account monitored for care that no social care route matches."""
    for system_name in sorted(ctx.eco.systems):
        system = ctx.eco.systems[system_name]
        if not isinstance(system, SocialStudioSystem):
            continue
        routes = [
            (name, i, route)
            for name, integ, care in _care(ctx)
            if integ.from_ == system_name
            for i, route in enumerate(care.routes)
        ]
        units = _workspace_units(ctx, system_name)
        for account in sorted(system.accounts):
            acc = system.accounts[account]
            mine = units.get(acc.workspace, frozenset())
            if not acc.care or any(_matches(r, account, acc, mine) for _, _, r in routes):
                continue
            related = [
                (("integrations", name, "social_care", "routes", i), "a route that does not match")
                for name, i, _ in routes
            ]
            yield ctx.finding(
                W_UNROUTED,
                f"social account {account!r} ({acc.network}, workspace {acc.workspace!r}) "
                f"of {system_name!r} is monitored for care, but no social care route "
                "matches it: its posts never become cases",
                ("systems", system_name, "accounts", account, "network"),
                address=f"system.{system_name}",
                related=related[:3],
            )


@rule("social-care-org", E_NO_SOCIAL_OBJECTS)
def care_org(ctx: Context) -> Iterator[Finding]:
    """Social care written into an org without Service Cloud or without the social objects."""
    for name, integ, _care_block in _care(ctx):
        org = ctx.eco.systems.get(integ.to)
        if not isinstance(org, SalesforceSystem):
            continue
        missing = [o for o in ("SocialPost", "SocialPersona") if ctx.object(integ.to, o) is None]
        if "service_cloud" in org.products and not missing:
            continue
        lacks = (
            f"does not have {' or '.join(missing)}"
            if missing
            else "lists no service_cloud among its products"
        )
        where = "standard_objects" if missing else "products"
        yield ctx.finding(
            E_NO_SOCIAL_OBJECTS,
            f"integration {name!r} writes social posts into {integ.to!r}, which {lacks}",
            ("integrations", name, "social_care"),
            address=f"integration.{name}",
            related=[(("systems", integ.to, where), f"the org's {where}")],
        )


def _parent_rules(
    ctx: Context, integ: Integration, care: SocialCare
) -> Iterator[tuple[str, DuplicateRule]]:
    """Active duplicate rules on the personas' parent object that apply to the integration
    user's inserts and that a merge by the same matching rule does not make moot."""
    parent = PARENT_OBJECT[care.personas.parent]
    writer = Writer("the social inbound handler", "insert", integ.user, (), "")
    merging = care.personas.duplicates == "merge"
    for dr_name in sorted(ctx.eco.duplicate_rules):
        dr = ctx.eco.duplicate_rules[dr_name]
        if not dr.active or (dr.system, dr.object) != (integ.to, parent):
            continue
        if exempted(ctx, dr, writer):
            continue
        if merging and care.personas.matching_rule in dr.match_rules:
            continue
        yield dr_name, dr


@rule("social-persona-duplicates", E_PERSONA_BLOCKED, W_PERSONA_DUPLICATES)
def persona_duplicates(ctx: Context) -> Iterator[Finding]:
    """Persona parents a duplicate rule blocks (E5401) or saves as duplicates (W5402)."""
    for name, integ, care in _care(ctx):
        parent = PARENT_OBJECT[care.personas.parent]
        path = ("integrations", name, "social_care", "personas", "duplicates")
        for dr_name, dr in _parent_rules(ctx, integ, care):
            who = f"integration user {integ.user!r}" if integ.user else "its integration"
            if dr.on_create.action == "block":
                yield ctx.finding(
                    E_PERSONA_BLOCKED,
                    f"integration {name!r} creates a {integ.to}.{parent} for each new social "
                    f"persona ({care.personas.duplicates}), and duplicate rule {dr_name!r} "
                    f"blocks those inserts by {who}: posts of existing customers fail",
                    path,
                    address=f"integration.{name}",
                    related=[(("duplicate_rules", dr_name, "on_create", "action"), "blocks")],
                )
            elif care.personas.duplicates == "create" and (
                dr.on_create.alert or dr.on_create.report
            ):
                yield ctx.finding(
                    W_PERSONA_DUPLICATES,
                    f"integration {name!r} creates a {integ.to}.{parent} for every new social "
                    f"persona, and duplicate rule {dr_name!r} only reports the duplicates "
                    "it recognises: existing customers get a second record",
                    path,
                    address=f"integration.{name}",
                    related=[(("duplicate_rules", dr_name, "on_create"), "allows with an alert")],
                )
