"""Brands and business units: sending domains, units mapped to nothing, data extensions
used from a business unit they are not shared with."""

from __future__ import annotations

from collections.abc import Iterator

from compiler.diagnostics import Finding, code
from compiler.model.sync import SyncRule
from compiler.rules.context import Context
from compiler.rules.registry import rule

E_SHARED_DOMAIN = code(
    "E7001",
    "Two brands share a sending domain",
    "Each brand sends from its own domain (seed 000, consideration 6): a shared domain "
    "shares its reputation, so one brand's complaints and bounces hurt the other's "
    "deliverability, and recipients cannot tell the brands apart.",
    "Give each brand its own sending domain (or subdomain).",
)
W_UNMAPPED_UNIT = code(
    "W7002",
    "Business unit mapped to nothing",
    "The business unit has no mapping to any cloud (CRM division, Account Engagement or "
    "Marketing Cloud business unit, Social Studio workspace, Interaction Studio dataset), "
    "so nothing can be compiled for it.",
    "Map the business unit onto the clouds where the brand lives, or remove it.",
)
E_NOT_SHARED = code(
    "E7003",
    "Data extension used from a business unit it is not shared with",
    "A data extension lives in one Marketing Cloud business unit; another unit sees it only "
    "if it is shared with that unit. A query or import running there fails.",
    "Add the business unit to the data extension's `shared_with` (or '*'), or use a data "
    "extension of that unit.",
)

_MAPPINGS = ("crm", "account_engagement", "marketing_cloud", "social_studio", "interaction_studio")


@rule("sending-domains", E_SHARED_DOMAIN)
def sending_domains(ctx: Context) -> Iterator[Finding]:
    """A sending domain used by business units of different brands."""
    first: dict[str, tuple[str, int]] = {}
    for name in sorted(ctx.eco.business_units):
        unit = ctx.eco.business_units[name]
        for i, domain in enumerate(unit.sending_domains):
            if domain not in first:
                first[domain] = (name, i)
                continue
            other, j = first[domain]
            if ctx.eco.business_units[other].brand == unit.brand:
                continue
            yield ctx.finding(
                E_SHARED_DOMAIN,
                f"brand {unit.brand!r} ({name}) sends from {domain}, as does brand "
                f"{ctx.eco.business_units[other].brand!r} ({other})",
                ("business_units", name, "sending_domains", i),
                address=f"business_unit.{name}",
                related=[(("business_units", other, "sending_domains", j), "also used here")],
            )


@rule("unmapped-business-units", W_UNMAPPED_UNIT)
def unmapped(ctx: Context) -> Iterator[Finding]:
    """Business units with no mapping onto any cloud."""
    for name in sorted(ctx.eco.business_units):
        unit = ctx.eco.business_units[name]
        if all(getattr(unit, m) is None for m in _MAPPINGS):
            yield ctx.finding(
                W_UNMAPPED_UNIT,
                f"business unit {name!r} is mapped to no cloud",
                ("business_units", name),
                address=f"business_unit.{name}",
            )


def _de_unit(ctx: Context, key: str) -> tuple[str, str] | None:
    """(data extension, its business unit) when `system.Object` is a data extension."""
    system, _, name = key.partition(".")
    spec = ctx.object(system, name)
    if spec is None or spec.kind != "data_extension":
        return None
    return name, ctx.eco.data_extensions[name].business_unit


def _visible(ctx: Context, de: str, unit: str) -> bool:
    entry = ctx.eco.data_extensions[de]
    shared = entry.shared_with
    return entry.business_unit == unit or shared == "*" or unit in shared


def _using_unit(ctx: Context, sync: SyncRule) -> tuple[str, str] | None:
    """The business unit a rule runs in and the path that says so."""
    if sync.business_unit:
        return sync.business_unit, "business_unit"
    target = _de_unit(ctx, sync.target)
    return (target[1], "target") if target else None


@rule("data-extension-sharing", E_NOT_SHARED)
def sharing(ctx: Context) -> Iterator[Finding]:
    """Sync rules reading or writing a data extension from a unit it is not shared with."""
    for name in sorted(ctx.eco.sync_rules):
        sync = ctx.eco.sync_rules[name]
        using = _using_unit(ctx, sync)
        if using is None:
            continue
        for side in ("source", "target"):
            found = _de_unit(ctx, getattr(sync, side))
            if found is None or _visible(ctx, found[0], using[0]):
                continue
            yield ctx.finding(
                E_NOT_SHARED,
                f"sync rule {name!r} uses data extension {found[0]!r} of business unit "
                f"{found[1]!r} from business unit {using[0]!r}, which it is not shared with",
                ("sync_rules", name, side),
                address=f"sync_rule.{name}",
                related=[
                    (("data_extensions", found[0], "business_unit"), "it lives here"),
                    (("sync_rules", name, using[1]), f"the rule runs in {using[0]!r}"),
                ],
            )
