"""Duplicates across clouds: records matched across clouds by what the other cloud uses
to tell people apart.

An Account Engagement business unit that allows several prospects per email address
matches prospects to Salesforce leads and contacts by CRM ID (the connector's CrmLeadFid /
CrmContactFid); a sync that matches them by email instead updates whichever prospect it
finds first (Salesforce Help, 'Considerations for Accounts That Allow Multiple Prospects
with the Same Email Address': without a CRM ID, the prospect syncs to the record Account
Engagement finds first) and creates duplicates where it finds none.
"""

from __future__ import annotations

from collections.abc import Iterator

from compiler.diagnostics import Finding, code
from compiler.rules.context import Context
from compiler.rules.registry import rule

E_EMAIL_MATCH = code(
    "E5201",
    "Prospects matched by email where several share one email",
    "The Account Engagement system allows several prospects with the same email address "
    "(`duplicates.multiple_per_email`, on by default for business units created after June "
    "14, 2016, and it cannot be turned off; Salesforce Help, 'Allowing Multiple Prospects "
    "with the Same Email Address'), so it tells prospects apart by CRM ID, but this sync "
    "rule matches prospects and CRM records by email: it updates whichever prospect with "
    "that address it finds first ('Considerations for Accounts That Allow Multiple "
    "Prospects with the Same Email Address') and merges people the platform keeps apart.",
    "Match on the CRM ID (CrmContactFid or CrmLeadFid on the prospect side, Id on the CRM "
    "side), or declare `duplicates: {multiple_per_email: false}` if the business unit keeps "
    "one prospect per email.",
)

EMAIL_FIELDS = frozenset({"Email"})


def _multiple(ctx: Context, system: str) -> bool:
    """Whether Account Engagement system `system` allows several prospects per email."""
    found = ctx.eco.systems.get(system)
    if found is None or found.type != "account_engagement":
        return False
    duplicates = getattr(found, "duplicates", None)
    return duplicates is None or duplicates.multiple_per_email


@rule("prospect-email-match", E_EMAIL_MATCH)
def prospect_email_match(ctx: Context) -> Iterator[Finding]:
    """Syncs matching prospects by email in systems that allow several per email."""
    for name in sorted(ctx.eco.sync_rules):
        sync = ctx.eco.sync_rules[name]
        if sync.match is None:
            continue
        for side, field in (("source", sync.match.source), ("target", sync.match.target)):
            system, _, obj = getattr(sync, side).partition(".")
            if obj != "Prospect" or field not in EMAIL_FIELDS or not _multiple(ctx, system):
                continue
            yield ctx.finding(
                E_EMAIL_MATCH,
                f"sync rule {name!r} matches {system}.Prospect by {field}, but {system!r} "
                "allows several prospects per email address and tells them apart by CRM ID",
                ("sync_rules", name, "match", side),
                address=f"sync_rule.{name}",
                related=[(("systems", system), "the Account Engagement system")],
            )
