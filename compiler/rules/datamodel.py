"""The company's data-model decisions (no leads; person vs business accounts) against
what the integrations sync."""

from __future__ import annotations

from collections.abc import Iterator

from compiler.diagnostics import Finding, code
from compiler.rules.context import Context
from compiler.rules.registry import rule

E_LEADS = code(
    "E8001",
    "Leads synced although the data model uses none",
    "The company decided to use no leads (seed 000, consideration 5: contacts only), but an "
    "integration reads or writes Lead records; the Account Engagement connector even "
    "creates leads by default.",
    "Sync contacts instead, set `creates_leads: false` on the connector, or set "
    "`ecosystem.data_model.uses_leads: true` if leads are wanted after all.",
)
E_ACCOUNT_MODEL = code(
    "E8002",
    "Person accounts and business accounts mismatch",
    "The data model says customers are person accounts (B2C) but the org has person accounts "
    "disabled, or it says business accounts only while syncs write person-account fields.",
    "Enable person accounts on the org (`person_accounts: true`), or align "
    "`ecosystem.data_model.account_model` and the mappings with the org.",
)

_USES_LEADS = ("ecosystem", "data_model", "uses_leads")
_ACCOUNT_MODEL = ("ecosystem", "data_model", "account_model")


def _lead_syncs(ctx: Context) -> Iterator[tuple[tuple[str | int, ...], str]]:
    for name in sorted(ctx.eco.sync_rules):
        sync = ctx.eco.sync_rules[name]
        for side in ("source", "target"):
            system, _, obj = getattr(sync, side).partition(".")
            if obj == "Lead" and ctx.system_type(system) == "salesforce":
                yield ("sync_rules", name, side), f"sync_rule.{name}"
    for name in sorted(ctx.eco.integrations):
        integ = ctx.eco.integrations[name]
        mcc = integ.marketing_cloud_connect
        if mcc is not None and "Lead" in mcc.objects:
            path = ("integrations", name, "marketing_cloud_connect", "objects", "Lead")
            yield path, f"integration.{name}"
        ae = integ.account_engagement
        if ae is not None and ae.creates_leads:
            yield (
                ("integrations", name, "account_engagement", "creates_leads"),
                (f"integration.{name}"),
            )


@rule("no-leads", E_LEADS)
def no_leads(ctx: Context) -> Iterator[Finding]:
    """Lead syncs (or a connector creating leads) while the data model uses no leads."""
    if ctx.eco.ecosystem.data_model.uses_leads:
        return
    for path, address in _lead_syncs(ctx):
        what = "creates leads" if path[-1] == "creates_leads" else "syncs Lead records"
        yield ctx.finding(
            E_LEADS,
            f"{address} {what}, but the data model uses no leads",
            path,
            address=address,
            related=[(_USES_LEADS, "the data model decision")],
        )


def _crm_systems(ctx: Context) -> list[str]:
    return sorted(
        {
            unit.crm.system
            for unit in ctx.eco.business_units.values()
            if unit.crm is not None and ctx.system_type(unit.crm.system) == "salesforce"
        }
    )


def _person_fields(ctx: Context) -> Iterator[tuple[tuple[str | int, ...], str, str]]:
    for name in sorted(ctx.eco.sync_rules):
        sync = ctx.eco.sync_rules[name]
        for side in ("source", "target"):
            system, _, obj = getattr(sync, side).partition(".")
            if obj != "Account" or ctx.system_type(system) != "salesforce":
                continue
            for target, mapping in sorted(sync.fields.items()):
                field = target if side == "target" else mapping
                if isinstance(field, str) and field.startswith(("Person", "IsPersonAccount")):
                    yield ("sync_rules", name, "fields", target), f"sync_rule.{name}", system


@rule("account-model", E_ACCOUNT_MODEL)
def account_model(ctx: Context) -> Iterator[Finding]:
    """Person-account data models on orgs without person accounts, and the reverse."""
    model = ctx.eco.ecosystem.data_model.account_model
    for system in _crm_systems(ctx):
        enabled = getattr(ctx.eco.systems[system], "person_accounts", False)
        if model != "business_accounts" and not enabled:
            yield ctx.finding(
                E_ACCOUNT_MODEL,
                f"the data model uses {model.replace('_', ' ')}, but CRM {system!r} has "
                "person accounts disabled",
                ("systems", system),
                address=f"system.{system}",
                related=[(_ACCOUNT_MODEL, "the data model decision")],
            )
    for path, address, system in _person_fields(ctx):
        enabled = getattr(ctx.eco.systems[system], "person_accounts", False)
        if model == "business_accounts" or not enabled:
            yield ctx.finding(
                E_ACCOUNT_MODEL,
                f"{address} maps person-account field {path[-1]!r} of {system}.Account, but "
                + (
                    "the data model uses business accounts only"
                    if model == "business_accounts"
                    else f"CRM {system!r} has person accounts disabled"
                ),
                path,
                address=address,
                related=[(_ACCOUNT_MODEL, "the data model decision")],
            )
