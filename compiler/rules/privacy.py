"""Personal data reaching a system, business unit or region not approved to hold it."""

from __future__ import annotations

from collections.abc import Iterator

from compiler.diagnostics import Finding, code
from compiler.resolved import FieldSpec
from compiler.rules._util import Flow, flows
from compiler.rules.context import Context
from compiler.rules.registry import rule

E_NOT_APPROVED = code(
    "E8003",
    "Personal data sent where it may not be held",
    "A mapping carries personal (or sensitive) data into a system or business unit whose "
    "`personal_data` class does not allow it: the data ends up where the privacy "
    "assessment says it must not be.",
    "Stop mapping the field, or raise the target's `personal_data` class after the privacy "
    "review approves it.",
)
E_REGION = code(
    "E8004",
    "Personal data leaves its business unit's region",
    "The business unit's customers' data is to stay in its region, but a mapping carries "
    "their personal data into a system in another region.",
    "Use a system in the business unit's region, or drop the personal fields from the flow.",
)

_RANK = {"none": 0, "personal": 1, "sensitive": 2}


def _units(ctx: Context, flow: Flow, ends: dict[tuple[str, str], str | None]) -> list[str]:
    """Business units the records of this flow belong to. `ends` keeps each endpoint
    object's unit (None: not a data extension) for the analysis: flows of one object
    share it (issue 11: two object and model reads per flow were the stage's largest own
    time)."""
    out: list[str] = []
    name = flow.rule_name
    if name is not None:
        unit = ctx.eco.sync_rules[name].business_unit
        if unit:
            out.append(str(unit))
    for address in (flow.source, flow.target):
        system, _, rest = address.partition(":")
        key = (system, rest.rpartition(".")[0])
        try:
            end = ends[key]
        except KeyError:
            spec = ctx.object(*key)
            end = ends[key] = (
                ctx.eco.data_extensions[key[1]].business_unit
                if spec is not None and spec.kind == "data_extension"
                else None
            )
        if end is not None:
            out.append(end)
    return sorted(set(out))


def _personal_flows(ctx: Context) -> list[tuple[Flow, FieldSpec, list[str]]]:
    """Every flow of a personal source field, with the field and the flow's business units
    (built once per analysis: both rules of this module read them)."""
    cached: list[tuple[Flow, FieldSpec, list[str]]] | None = ctx.memo.get("privacy.personal")
    if cached is None:
        cached = []
        ends: dict[tuple[str, str], str | None] = {}
        for flow in flows(ctx):
            spec = _personal(ctx, flow)
            if spec is not None:
                cached.append((flow, spec, _units(ctx, flow, ends)))
        ctx.memo["privacy.personal"] = cached
    return cached


def _limits(
    ctx: Context, flow: Flow, units: list[str]
) -> Iterator[tuple[str, str, tuple[str | int, ...]]]:
    """(what, allowed class, path of the declaration) for the flow's target."""
    system = flow.target.partition(":")[0]
    if system in ctx.eco.systems:
        allowed = ctx.eco.systems[system].personal_data
        yield f"system {system!r}", allowed, ("systems", system)
    for unit in units:
        if unit in ctx.eco.business_units:
            allowed = ctx.eco.business_units[unit].personal_data
            yield f"business unit {unit!r}", allowed, ("business_units", unit)


def _personal(ctx: Context, flow: Flow) -> FieldSpec | None:
    spec = ctx.field(flow.source)
    return spec if spec is not None and spec.personal_data != "none" else None


@rule("personal-data-class", E_NOT_APPROVED)
def personal_class(ctx: Context) -> Iterator[Finding]:
    """Personal data mapped into a system or business unit not approved for that class."""
    for flow, spec, units in _personal_flows(ctx):
        for what, allowed, path in _limits(ctx, flow, units):
            if _RANK[spec.personal_data] <= _RANK[allowed]:
                continue
            yield ctx.finding(
                E_NOT_APPROVED,
                f"{flow.key} carries {spec.personal_data} data ({flow.source}) into "
                f"{flow.target}, but {what} may hold "
                + ("no personal data" if allowed == "none" else f"{allowed} data only"),
                flow.path,
                address=flow.key,
                related=[(path, f"{what} is declared here")],
            )


@rule("personal-data-region", E_REGION)
def personal_region(ctx: Context) -> Iterator[Finding]:
    """Personal data of a business unit with a region flowing into another region."""
    for flow, _spec, units in _personal_flows(ctx):
        system = ctx.eco.systems.get(flow.target.partition(":")[0])
        if system is None:
            continue
        for unit in units:
            region = ctx.eco.business_units[unit].region if unit in ctx.eco.business_units else None
            if region is None or system.region == region:
                continue
            yield ctx.finding(
                E_REGION,
                f"{flow.key} carries personal data of business unit {unit!r} (region "
                f"{region}) into {flow.target}, held in region {system.region}",
                flow.path,
                address=flow.key,
                related=[
                    (("business_units", unit, "region"), "the unit's region"),
                    (("systems", flow.target.partition(":")[0], "region"), "the system's region"),
                ],
            )
