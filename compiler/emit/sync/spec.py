"""What the sync code of one custom-integration rule must do, decided once from the model.

A `SyncSpec` is the dialect-free description the SQL builder works from: the extract's
columns and file settings, each target field with its type, length, requiredness, source
column (or constant), picklist translation and transforms, the target primary key, the
order that decides the most recent duplicate, the rule's filters and its consent checks.
Rules that cannot be generated are refused here with findings.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from compiler.diagnostics import Finding, code, make
from compiler.emit.marketing_cloud.consent import E_CONSENT
from compiler.emit.marketing_cloud.queries import E_TARGET
from compiler.model.consent import Storage
from compiler.model.data_extensions import DeField
from compiler.model.integrations import FileFeed
from compiler.model.sync import Condition, FieldMapping, Scalar, SyncRule, Transform
from compiler.resolved import ObjectSpec, ResolvedEcosystem

E_RESERVED = code(
    "E8801",
    "Extract column name reserved by the sync code",
    "The generated sync code numbers the extract's rows in a column named `engage_row`; a "
    "source field of that name would be overwritten.",
    "Rename the source field (and the extract's column).",
)

CUSTOM_TYPES = frozenset({"csv_import", "custom", "middleware", "api"})
ROW = "engage_row"
RESERVED = frozenset({ROW})


@dataclass(frozen=True)
class TargetColumn:
    name: str
    type: str  # data extension field type
    length: int | None
    precision: int | None
    scale: int | None
    required: bool
    primary_key: bool
    default: Scalar | None
    source: str | None
    constant: Scalar | None
    values: tuple[tuple[str, str], ...]
    transforms: tuple[Transform, ...]


@dataclass(frozen=True)
class ConsentCheck:
    channel: str
    storage: Storage
    source_column: str | None  # a column of the extract…
    target_column: str | None  # …or a target field the rule writes


@dataclass(frozen=True)
class SyncSpec:
    rule: str
    source: str  # system.Object
    target: str  # system.data_extension
    columns: tuple[str, ...]  # the extract's columns, in declared order
    file: FileFeed
    targets: tuple[TargetColumn, ...]
    key: tuple[str, ...]  # target primary key fields
    order_by: str | None
    order_type: str  # the source field type of order_by ("" when none)
    filters: tuple[Condition, ...]
    consent: tuple[ConsentCheck, ...]
    addresses: tuple[str, ...]

    @property
    def required_columns(self) -> tuple[str, ...]:
        """Extract columns the code reads (a header must name all of them)."""
        used = {t.source for t in self.targets if t.source}
        used |= {f.field for f in self.filters}
        used |= {c.source_column for c in self.consent if c.source_column}
        if self.order_by:
            used.add(self.order_by)
        return tuple(c for c in self.columns if c in used)


def is_custom_rule(resolved: ResolvedEcosystem, rule: SyncRule) -> bool:
    integ = resolved.ecosystem.integrations.get(rule.integration)
    target = resolved.object(rule.target)
    return (
        integ is not None
        and integ.type in CUSTOM_TYPES
        and target is not None
        and target.kind == "data_extension"
    )


def _transforms(mapping: str | FieldMapping) -> tuple[Transform, ...]:
    if isinstance(mapping, str):
        return ()
    raw = mapping.transform
    return tuple(t for t in ([raw] if isinstance(raw, str) else raw) if t != "none")


def _column(
    name: str, field: DeField, length: int | None, mapping: str | FieldMapping
) -> TargetColumn:
    fm = mapping if isinstance(mapping, FieldMapping) else None
    return TargetColumn(
        name=name,
        type=field.type,
        length=length,
        precision=field.precision,
        scale=field.scale,
        required=field.required or field.primary_key,
        primary_key=field.primary_key,
        default=field.default,
        source=mapping if isinstance(mapping, str) else mapping.from_,
        constant=fm.value if fm is not None and fm.from_ is None else None,
        values=tuple(sorted(fm.values.items())) if fm is not None else (),
        transforms=_transforms(mapping),
    )


def _consent_check(
    resolved: ResolvedEcosystem, rule: SyncRule, source: ObjectSpec, target: ObjectSpec, ch: str
) -> ConsentCheck | str:
    cc = resolved.ecosystem.consent.channels.get(ch)  # type: ignore[call-overload]
    if cc is None:
        return f"channel {ch!r} has no consent declaration"
    here = cc.storage.get(source.system)
    if here is not None and here.object == source.name and here.field in source.fields:
        return ConsentCheck(ch, here, here.field, None)
    there = cc.storage.get(target.system)
    if there is not None and there.object == target.name and there.field in rule.fields:
        return ConsentCheck(ch, there, None, there.field)
    return (
        f"channel {ch!r} has no consent storage on {source.system}.{source.name} nor on a "
        f"field this rule writes into {target.name}"
    )


@dataclass(frozen=True)
class _Ctx:
    resolved: ResolvedEcosystem
    name: str
    rule: SyncRule

    def finding(self, info: Any, message: str, *path: str | int) -> Finding:
        span = self.resolved.span(("sync_rules", self.name, *path))
        return make(info, message, span, address=f"sync_rule.{self.name}")


def _consent(
    ctx: _Ctx, source: ObjectSpec, target: ObjectSpec
) -> tuple[list[ConsentCheck], list[Finding]]:
    checks: list[ConsentCheck] = []
    findings: list[Finding] = []
    for i, ch in enumerate(ctx.rule.respect_consent):
        found = _consent_check(ctx.resolved, ctx.rule, source, target, ch)
        if isinstance(found, str):
            message = (
                f"sync rule {ctx.name!r} respects {ch} consent, but {found}; "
                "its sync code is not generated"
            )
            findings.append(ctx.finding(E_CONSENT, message, "respect_consent", i))
        else:
            checks.append(found)
    return checks, findings


def _addresses(resolved: ResolvedEcosystem, name: str, rule: SyncRule) -> tuple[str, ...]:
    found = {f"sync_rule.{name}", f"integration.{rule.integration}"}
    for key in (rule.source, rule.target):
        spec = resolved.object(key)
        if spec is not None and spec.address:
            found.add(spec.address)
    return tuple(sorted(found))


def build_spec(
    resolved: ResolvedEcosystem, name: str, rule: SyncRule
) -> tuple[SyncSpec | None, list[Finding]]:
    source, target = resolved.object(rule.source), resolved.object(rule.target)
    de = resolved.ecosystem.data_extensions.get(target.name) if target else None
    integ = resolved.ecosystem.integrations.get(rule.integration)
    if source is None or target is None or de is None or integ is None:
        return None, []  # reported by resolve
    ctx = _Ctx(resolved, name, rule)
    consent, findings = _consent(ctx, source, target)
    missing = [k for k, f in de.fields.items() if f.primary_key and k not in rule.fields]
    if missing:
        message = (
            f"sync rule {name!r} does not map primary key {', '.join(missing)} of "
            f"{target.name!r}; its sync code is not generated"
        )
        findings.append(ctx.finding(E_TARGET, message, "fields"))
    if ROW in source.fields:
        findings.append(
            ctx.finding(E_RESERVED, f"{rule.source} has a field named {ROW!r}", "source")
        )
    if findings:
        return None, findings
    targets = tuple(
        _column(t, de.fields[t], target.fields[t].length, m)
        for t, m in rule.fields.items()
        if t in de.fields and t in target.fields
    )
    order = source.fields.get(rule.order_by or "")
    spec = SyncSpec(
        rule=name,
        source=rule.source,
        target=rule.target,
        columns=tuple(source.fields),
        file=integ.file or FileFeed(pattern="*.csv"),
        targets=targets,
        key=tuple(n for n, f in de.fields.items() if f.primary_key),
        order_by=rule.order_by,
        order_type=order.type if order else "",
        filters=tuple(rule.filter),
        consent=tuple(consent),
        addresses=_addresses(resolved, name, rule),
    )
    return spec, []
