"""Where Marketing Cloud data lives, and how a query in one business unit names it.

One model, used by the query generator (compiler/emit/marketing_cloud) and by `engage
check` (compiler/rules/data_extensions.py), so what check accepts is exactly what
generate can write:

* **Enterprise data views** (`_Subscribers`, `_BusinessUnitUnsubscribes`,
  compiler.catalog.marketing_cloud.ENTERPRISE_VIEWS) answer only in the parent business
  unit: the parent reads them unqualified, a child unit as `ENT.<view>`.
* **Synchronized data extensions** (`<Object>_Salesforce`, Marketing Cloud Connect) live in
  the parent: a child reads `ENT.<Object>_Salesforce`.
* **Data extensions** live in their own business unit. The same unit reads them
  unqualified; another unit reads one only when it lives in the parent and is shared with
  that unit (`shared_with`), as `ENT.<name>`. Anything else does not resolve: a child
  unit's data extension read from the parent or from a sibling, or a parent's data
  extension not shared with the reader.

Sources: Salesforce Help, *Data View: Subscribers* ("only returns results at the
Enterprise level, and not for child business units"); *Query Activity*: "To query a data
extension in the parent business unit from a child business unit, prefix the name with
ENT."; *Marketing Cloud Connect*: synchronized data extensions are created in the
Enterprise business unit (see docs/generate.md, Marketing Cloud).
"""

from __future__ import annotations

from dataclasses import dataclass

from compiler.catalog.marketing_cloud import ENTERPRISE_VIEWS
from compiler.diagnostics import code
from compiler.model.systems import MarketingCloudSystem
from compiler.resolved import ResolvedEcosystem

E_CROSS_UNIT = code(
    "E7803",
    "Query source not readable from the target's business unit",
    "A query activity runs in the business unit of its target. It reads that unit's data "
    "extensions unqualified, and from the enterprise parent (as ENT.<name>) the data views "
    "that answer only there, the synchronized data extensions and the data extensions "
    "shared with the unit. A data extension of another child unit, or one of the parent "
    "that is not shared with the unit, does not resolve: the query fails when it runs, or "
    "reads an empty table of the same name.",
    "Share the data extension from the parent business unit with this one (`shared_with`), "
    "or move the target into the business unit of what it reads.",
)


@dataclass(frozen=True)
class Reader:
    """The business unit a query runs in."""

    system: str
    unit: str  # the Marketing Cloud business unit
    engage_unit: str  # the engage business unit of the target
    parent: bool


def parent_unit(resolved: ResolvedEcosystem, system: str) -> str | None:
    sys = resolved.ecosystem.systems.get(system)
    if not isinstance(sys, MarketingCloudSystem):
        return None
    return sys.parent_unit


def de_unit(resolved: ResolvedEcosystem, name: str) -> tuple[str, str] | None:
    """(Marketing Cloud system, business unit) that holds data extension `name`."""
    de = resolved.ecosystem.data_extensions.get(name)
    bu = resolved.ecosystem.business_units.get(de.business_unit) if de else None
    if bu is None or bu.marketing_cloud is None:
        return None
    return bu.marketing_cloud.system, bu.marketing_cloud.business_unit


def reader_of(resolved: ResolvedEcosystem, de_name: str) -> Reader | None:
    """The business unit a query writing data extension `de_name` runs in."""
    place = de_unit(resolved, de_name)
    de = resolved.ecosystem.data_extensions.get(de_name)
    if place is None or de is None:
        return None
    system, unit = place
    return Reader(system, unit, de.business_unit, parent_unit(resolved, system) == unit)


def qualifier(resolved: ResolvedEcosystem, reader: Reader, obj: str) -> tuple[str | None, str]:
    """How a query running in `reader` names object `obj` of its system: (`"ENT"` or
    None for unqualified, ""), or (None, why it does not resolve)."""
    spec = resolved.objects.get(reader.system, {}).get(obj)
    if spec is None:
        return None, f"{obj!r} is not an object of {reader.system!r}"
    if spec.kind == "synchronized" or (spec.kind == "standard" and obj in ENTERPRISE_VIEWS):
        return (None if reader.parent else "ENT"), ""
    if spec.kind != "data_extension":
        return None, ""
    place = de_unit(resolved, obj)
    if place is None:
        return None, f"data extension {obj!r} has no Marketing Cloud business unit"
    unit = place[1]
    if unit == reader.unit:
        return None, ""
    de = resolved.ecosystem.data_extensions[obj]
    shared = de.shared_with == "*" or reader.engage_unit in de.shared_with
    if unit == parent_unit(resolved, reader.system) and shared:
        return "ENT", ""
    if unit == parent_unit(resolved, reader.system):
        why = f"is not shared from the parent with {reader.engage_unit!r}"
    else:
        why = "is not in the parent business unit, so no other unit can read it"
    return None, (
        f"data extension {obj!r} lives in business unit {unit!r} and {why} "
        f"(the query runs in {reader.unit!r})"
    )
