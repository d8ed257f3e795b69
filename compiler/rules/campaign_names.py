"""Campaigns the generated member-status script cannot tell apart: two campaigns of one org
with one Name.

`scripts/apex/CampaignMemberStatuses.apex` (compiler/emit/salesforce/
campaign_member_records.py) finds each campaign that declares `member_statuses` by its
Name (the campaign's `label`, else its resource name), with `SELECT Id, Name FROM
Campaign WHERE Name IN :declared.keySet()`, and stops with a failed assertion when two
campaigns answer to one name. Salesforce does not make campaign names unique, and SOQL
compares a text field such as Name without regard to case.
"""

from __future__ import annotations

from collections.abc import Iterator

from compiler.diagnostics import Finding, code
from compiler.rules.context import Context
from compiler.rules.registry import rule

E_SAME_NAME = code(
    "E7622",
    "Two campaigns of one org with one name",
    "Salesforce does not require campaign names to be unique (Object Reference, "
    "'Campaign': Name is the campaign's required name, up to 80 characters, with no "
    "uniqueness), but the member-status script engage generates "
    "(`scripts/apex/CampaignMemberStatuses.apex`) finds each campaign that declares "
    "`member_statuses` by its Name — the campaign's `label`, or its resource name when it "
    "has none — and asserts that one campaign answers to it. SOQL compares Name without "
    "regard to case ('Comparisons on strings are case-sensitive for unique case-sensitive "
    "fields. For all other fields, comparisons are case-insensitive', SOQL and SOSL "
    "Reference, 'Comparison Operators'), so 'Spring Sale' and 'spring sale' are one name "
    "to it. Two campaigns of one org with one name stop the script when it runs, before "
    "it writes any status (anonymous Apex runs in one transaction). Campaigns of "
    "different orgs never meet, and when neither declares statuses the script does not "
    "look for them.",
    "Give one of the campaigns its own `label` (its Name in the org).",
)


def platform_name(name: str, label: str) -> str:
    """The Name the campaign has in its org: its label, or else its resource name."""
    return label or name


@rule("campaign-names", E_SAME_NAME)
def same_name(ctx: Context) -> Iterator[Finding]:
    """Campaigns of one org sharing one Name (case-insensitive) where one of them declares
    member statuses, which the generated script looks campaigns up by."""
    groups: dict[tuple[str, str], list[str]] = {}
    for name in sorted(ctx.eco.campaigns):
        camp = ctx.eco.campaigns[name]
        if ctx.system_type(camp.system) != "salesforce":
            continue  # the script is written for Salesforce orgs only
        key = (camp.system, platform_name(name, camp.label).casefold())
        groups.setdefault(key, []).append(name)
    for (system, _), names in sorted(groups.items()):
        if len(names) < 2 or not any(ctx.eco.campaigns[n].member_statuses for n in names):
            continue
        first, *others = names
        shown = platform_name(first, ctx.eco.campaigns[first].label)
        for other in others:
            camp = ctx.eco.campaigns[other]
            yield ctx.finding(
                E_SAME_NAME,
                f"campaigns {first!r} and {other!r} of {system!r} are both named "
                f"{platform_name(other, camp.label)!r}: the generated member-status script "
                f"finds campaigns by Name and stops when two answer to {shown!r}",
                _name_path(ctx, other),
                address=f"campaign.{other}",
                related=[(_name_path(ctx, first), "the other campaign of that name")],
            )


def _name_path(ctx: Context, name: str) -> tuple[str, ...]:
    return ("campaigns", name, "label") if ctx.eco.campaigns[name].label else ("campaigns", name)
