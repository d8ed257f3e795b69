"""Leads per business unit: a unit that uses no leads (`business_units.<unit>.data_model.
uses_leads: false`) gets none from the rules, connectors and record types that serve it.

The company-wide decision (`ecosystem.data_model.uses_leads: false`) is E8001 in
compiler/rules/datamodel.py; this module judges what is scoped to one unit: a sync rule
with `business_unit: <unit>`, the Account Engagement connector of the unit, the Lead record
type of the unit's CRM mapping. A rule without a business unit is the company's (E8001).
"""

from __future__ import annotations

from collections.abc import Iterator

from compiler.diagnostics import Finding, code
from compiler.rules.context import Context, PathT
from compiler.rules.registry import rule

E_UNIT_LEADS = code(
    "E8201",
    "Leads for a business unit that uses none",
    "The business unit uses no leads (`data_model.uses_leads: false`: its customers are "
    "contacts or person accounts from the first touch, seed 000 consideration 5), but a sync "
    "rule scoped to it reads or writes Lead records, its Account Engagement connector "
    "creates leads (by default the connector creates new Salesforce records as leads; "
    "Salesforce Help, 'Person Account Syncing with Salesforce' and 'Advanced Salesforce "
    "Syncing Options for Account Engagement'), or its CRM mapping gives it a Lead record "
    "type. Leads made for such a unit "
    "are never converted by its processes and its reports, consent and journeys built on "
    "contacts miss them.",
    "Sync the unit's records as contacts (person accounts), set `creates_leads: false` on "
    "its connector and drop the Lead record type, or set the unit's "
    "`data_model.uses_leads: true` if it works leads after all.",
)
W_UNIT_CONTRADICTS = code(
    "W8202",
    "Business unit uses leads although the company uses none",
    "The unit says it uses leads (`data_model.uses_leads: true`), but the company decided "
    "to use no leads at all (`ecosystem.data_model.uses_leads: false`). A unit can only "
    "narrow the company's decision, so the company's holds and the unit's lead syncs are "
    "reported as E8001.",
    "Set `ecosystem.data_model.uses_leads: true` and `uses_leads: false` on the units that "
    "use none, or drop the unit's `uses_leads: true`.",
)

_COMPANY = ("ecosystem", "data_model", "uses_leads")


def _unit_path(unit: str) -> PathT:
    return ("business_units", unit, "data_model", "uses_leads")


def _no_leads(ctx: Context) -> list[str]:
    """Units that use no leads by their own decision (the company uses leads)."""
    if not ctx.eco.ecosystem.data_model.uses_leads:
        return []  # the company uses none: E8001 judges every lead sync
    return sorted(
        name
        for name, unit in ctx.eco.business_units.items()
        if unit.data_model is not None and unit.data_model.uses_leads is False
    )


def _unit_leads(ctx: Context, unit: str) -> Iterator[tuple[PathT, str, str]]:
    """What makes leads for `unit`: (path, address, what it does)."""
    for name in sorted(ctx.eco.sync_rules):
        sync = ctx.eco.sync_rules[name]
        if sync.business_unit != unit:
            continue
        for side, verb in (("source", "reads"), ("target", "writes")):
            system, _, obj = getattr(sync, side).partition(".")
            if obj == "Lead" and ctx.system_type(system) == "salesforce":
                yield ("sync_rules", name, side), f"sync_rule.{name}", f"{verb} Lead records"
    for name in sorted(ctx.eco.integrations):
        ae = ctx.eco.integrations[name].account_engagement
        if ae is not None and ae.business_unit == unit and ae.creates_leads:
            path: PathT = ("integrations", name, "account_engagement")
            what = "creates leads (the connector's default)"
            if "creates_leads" in ae.model_fields_set:
                path, what = (*path, "creates_leads"), "creates leads (creates_leads: true)"
            yield path, f"integration.{name}", what
    crm = ctx.eco.business_units[unit].crm
    if crm is not None and "Lead" in crm.record_types:
        yield (
            ("business_units", unit, "crm", "record_types", "Lead"),
            f"business_unit.{unit}",
            "maps a Lead record type",
        )


@rule("unit-no-leads", E_UNIT_LEADS)
def unit_no_leads(ctx: Context) -> Iterator[Finding]:
    """Lead syncs, lead-creating connectors and Lead record types of units that use none."""
    for unit in _no_leads(ctx):
        for path, address, what in _unit_leads(ctx, unit):
            yield ctx.finding(
                E_UNIT_LEADS,
                f"{address} {what} for business unit {unit!r}, which uses no leads",
                path,
                address=address,
                related=[(_unit_path(unit), "the unit's decision")],
            )


@rule("unit-leads-contradict", W_UNIT_CONTRADICTS)
def unit_contradicts(ctx: Context) -> Iterator[Finding]:
    """Units that say they use leads in a company that uses none."""
    if ctx.eco.ecosystem.data_model.uses_leads:
        return
    for name in sorted(ctx.eco.business_units):
        model = ctx.eco.business_units[name].data_model
        if model is not None and model.uses_leads is True:
            yield ctx.finding(
                W_UNIT_CONTRADICTS,
                f"business unit {name!r} says it uses leads, but the company uses none; "
                "the company's decision holds",
                _unit_path(name),
                address=f"business_unit.{name}",
                related=[(_COMPANY, "the company's decision")],
            )
