"""Where each data extension lives in Marketing Cloud, and the names it goes by there.

A data extension resource becomes a `DeInfo`: the Marketing Cloud system and business unit
that hold it (the folder of its files, `deploy/<system>/<business unit>/`, mcdev's
`deploy/<credential>/<business unit>/`, the parent unit named `_ParentBU_`), its customer
key (file name, `r__dataExtension_key` of the queries writing it) and its display name (what
SQL reads `FROM`). Names that Marketing Cloud would refuse, or that cannot be a file name,
are refused here with a finding instead of being rewritten.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from compiler.diagnostics import Finding, code, make
from compiler.emit.names import path_component_problem
from compiler.model.data_extensions import DataExtension
from compiler.model.systems import MarketingCloudSystem
from compiler.resolved import ResolvedEcosystem

E_MC_NAME = code(
    "E7801",
    "Name not valid in Marketing Cloud",
    "A data extension's customer key is at most 36 characters of letters, digits, `_`, `-`, "
    "`.` and spaces, and is a file name in the generated mcdev folder; a display name is at "
    "most 128 characters and may not start with `_` (Marketing Cloud reserves that prefix for "
    "its system data views). A name that breaks these rules cannot be deployed, so its files "
    "are not generated.",
    "Set `external_key` / `name` of the data extension to a valid value.",
)

MAX_KEY = 36
MAX_NAME = 128
_KEY = re.compile(r"^[A-Za-z0-9_.\- ]+$")
_INSTANCE = re.compile(r"\[([^\]]*)\]")


@dataclass(frozen=True)
class DeInfo:
    resource: str  # the engage name, e.g. newsletter[brand_retail]
    system: str
    business_unit: str  # the Marketing Cloud business unit
    engage_unit: str  # the engage business unit
    parent: bool  # the business unit is the enterprise parent
    key: str
    name: str
    shared: bool
    address: str

    @property
    def folder(self) -> str:
        """`deploy/<credential>/<business unit>`: where mcdev's deploy reads this unit."""
        return f"deploy/{self.system}/{mcdev_unit(self.business_unit, self.parent)}"


PARENT_BU = "_ParentBU_"  # mcdev's name for the Enterprise parent (lib/util/util.js parentBuName)


def mcdev_unit(business_unit: str, parent: bool) -> str:
    """The folder and `.mcdevrc.json` name mcdev gives a business unit."""
    return PARENT_BU if parent else business_unit


def flat_name(resource: str) -> str:
    """`newsletter[brand_retail]` → `newsletter_brand_retail`."""
    return _INSTANCE.sub(lambda m: f"_{m.group(1)}", resource)


def short_key(text: str, limit: int = MAX_KEY) -> str:
    """A key of at most `limit` characters, stable: long ones end in a digest of the whole."""
    if len(text) <= limit:
        return text
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]
    return f"{text[: limit - 9]}_{digest}"


def key_problem(key: str) -> str | None:
    if len(key) > MAX_KEY:
        return f"is longer than {MAX_KEY} characters"
    if not _KEY.match(key):
        return "may only hold letters, digits, '_', '-', '.' and spaces"
    return path_component_problem(key)


def name_problem(name: str) -> str | None:
    if not name or len(name) > MAX_NAME:
        return f"must be 1 to {MAX_NAME} characters"
    if name.startswith("_"):
        return "starts with '_', which Marketing Cloud reserves for system data views"
    if name.startswith(("#", "@")):
        return "starts with '#' or '@', which SQL reads as a temporary table or a variable"
    if any(not c.isprintable() for c in name):
        return "contains control characters"
    return None


def _refused(resolved: ResolvedEcosystem, name: str, attr: str, value: str, why: str) -> Finding:
    return make(
        E_MC_NAME,
        f"data extension {name!r}: {attr} {value!r} {why}",
        resolved.span(("data_extensions", name, attr)),
        address=f"data_extension.{name}",
    )


def _info(resolved: ResolvedEcosystem, name: str, de: DataExtension) -> DeInfo | None:
    bu = resolved.ecosystem.business_units.get(de.business_unit)
    if bu is None or bu.marketing_cloud is None:
        return None  # reported by resolve
    mapping = bu.marketing_cloud
    system = resolved.ecosystem.systems.get(mapping.system)
    if not isinstance(system, MarketingCloudSystem):
        return None
    unit = system.business_units.get(mapping.business_unit)
    return DeInfo(
        resource=name,
        system=mapping.system,
        business_unit=mapping.business_unit,
        engage_unit=de.business_unit,
        parent=bool(unit and unit.parent),
        key=de.external_key or flat_name(name),
        name=de.name or flat_name(name),
        shared=de.shared_with == "*" or bool(de.shared_with),
        address=f"data_extension.{name}",
    )


def data_extensions(resolved: ResolvedEcosystem) -> tuple[dict[str, DeInfo], list[Finding]]:
    """Every data extension that can be generated, by resource name; refusals as findings."""
    out: dict[str, DeInfo] = {}
    seen: dict[tuple[str, str, str], str] = {}
    findings: list[Finding] = []
    for name in sorted(resolved.ecosystem.data_extensions):
        info = _info(resolved, name, resolved.ecosystem.data_extensions[name])
        if info is None:
            continue
        problems = [
            ("external_key", info.key, key_problem(info.key)),
            ("name", info.name, name_problem(info.name)),
            ("business_unit", info.business_unit, path_component_problem(info.business_unit)),
        ]
        slot = (info.system, info.business_unit, info.key.lower())
        if slot in seen:
            problems.append(("external_key", info.key, f"is also the key of {seen[slot]!r}"))
        bad = [_refused(resolved, name, a, v, why) for a, v, why in problems if why]
        findings.extend(bad)
        if not bad:
            out[name] = info
            seen[slot] = name
    return out, findings


def synchronized_name(resolved: ResolvedEcosystem, system: str, obj: str) -> tuple[str, str]:
    """`Contact_Salesforce` → its name in this environment (with the connector's suffix),
    and the address of the integration that synchronizes it."""
    spec = resolved.objects.get(system, {}).get(obj)
    address = spec.address if spec is not None else ""
    integ = resolved.ecosystem.integrations.get(address.removeprefix("integration."))
    mcc = integ.marketing_cloud_connect if integ is not None else None
    suffix = mcc.suffix if mcc is not None else ""
    return f"{obj}{suffix}", address
