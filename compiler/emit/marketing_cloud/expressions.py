"""Field mappings as T-SQL expressions for query activities (sqlglot ASTs, dialect tsql).

Each mapping reads a source column (or a constant), translates picklist values, applies its
transforms in order and, for text-like targets, is cut to the target length with LEFT().
Transforms Marketing Cloud SQL (no regular expressions) cannot do faithfully are documented
where they are built.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlglot import exp

from compiler.emit.sql import col, literal, number, text
from compiler.model.data_extensions import DeField
from compiler.model.sync import FieldMapping, Transform
from compiler.resolved import FieldSpec

SOURCE = "s"  # alias of the source table in every query
TRUTHY = ("true", "1", "yes", "y")
# Separators a phone number is typed with; e164 removes them (MC SQL has no regex).
PHONE_SEPARATORS = (" ", "-", "(", ")", ".", "/")
_CUT = ("Text", "Phone", "Locale")  # EmailAddress is never cut: see queries.py


def _trim(e: exp.Expr) -> exp.Expr:
    return exp.Trim(this=exp.Trim(this=e, position="TRAILING"), position="LEADING")


def _e164(e: exp.Expr) -> exp.Expr:
    for sep in PHONE_SEPARATORS:
        e = exp.Replace(this=e, expression=text(sep), replacement=text(""))
    return e


def _sha256(e: exp.Expr) -> exp.Expr:
    """HASHBYTES hashes the bytes it is given: a data extension's text is NVARCHAR (UTF-16),
    so it is cast to VARCHAR first (the bytes of UTF-8 for ASCII identifiers such as
    normalised emails and E.164 phones), and the hexadecimal is lowered as platforms match."""
    varchar = exp.Cast(this=e, to=exp.DataType.build("VARCHAR(4000)", dialect="tsql"))
    hashed = exp.Anonymous(this="HASHBYTES", expressions=[text("SHA2_256"), varchar])
    hex_ = exp.Convert(
        this=exp.DataType.build("VARCHAR(64)", dialect="tsql"), expression=hashed, style=number(2)
    )
    return exp.Lower(this=hex_)


def _to_boolean(e: exp.Expr) -> exp.Expr:
    truthy = exp.In(this=exp.Lower(this=e), expressions=[text(t) for t in TRUTHY])
    return exp.Case(ifs=[exp.If(this=truthy, true=number(1))], default=number(0))


def _invert(e: exp.Expr) -> exp.Expr:
    return exp.Case(
        ifs=[
            exp.If(this=exp.EQ(this=e, expression=number(1)), true=number(0)),
            exp.If(this=exp.EQ(this=e, expression=number(0)), true=number(1)),
        ]
    )


def _to_date(e: exp.Expr) -> exp.Expr:
    """dd/mm/yyyy (style 103) when the text looks like it, ISO 8601 (style 126) otherwise."""
    european = exp.Like(this=e, expression=text("[0-3][0-9]/[0-1][0-9]/[0-9][0-9][0-9][0-9]"))
    return exp.Case(
        ifs=[exp.If(this=european, true=_convert(e, 103))],
        default=_convert(e, 126),
    )


def _convert(e: exp.Expr, style: int) -> exp.Convert:
    return exp.Convert(this=exp.DataType.build("DATETIME"), expression=e, style=number(style))


def _to_number(target: DeField) -> Callable[[exp.Expr], exp.Expr]:
    if target.type == "Decimal":
        kind = f"DECIMAL({target.precision or 18}, {target.scale or 0})"
    else:
        kind = "INT" if target.type == "Number" else "DECIMAL(38, 10)"
    return lambda e: exp.Cast(this=e, to=exp.DataType.build(kind, dialect="tsql"))


def _step(name: Transform, target: DeField, length: int | None) -> Callable[..., exp.Expr]:
    steps: dict[str, Callable[[exp.Expr], exp.Expr]] = {
        "none": lambda e: e,
        "lower": lambda e: exp.Lower(this=e),
        "upper": lambda e: exp.Upper(this=e),
        "trim": _trim,
        "truncate": lambda e: exp.Left(this=e, expression=number(length or 4000)),
        "e164": _e164,
        "iso_country": lambda e: exp.Upper(this=_trim(e)),
        "to_date": _to_date,
        "to_number": _to_number(target),
        "to_boolean": _to_boolean,
        "invert": _invert,
        "sha256": _sha256,
    }
    return steps[name]


def _translate(e: exp.Expr, values: dict[str, str]) -> exp.Expr:
    """Picklist translation: CASE x WHEN 'HOME' THEN 'Solvis Home' … ELSE x END."""
    ifs = [
        exp.If(this=exp.EQ(this=e, expression=text(k)), true=text(values[k]))
        for k in sorted(values)
    ]
    return exp.Case(ifs=ifs, default=e.copy())


def transforms(mapping: str | FieldMapping) -> list[Transform]:
    if isinstance(mapping, str):
        return []
    raw = mapping.transform
    return [t for t in ([raw] if isinstance(raw, str) else raw) if t != "none"]


def source_field(mapping: str | FieldMapping) -> str | None:
    return mapping if isinstance(mapping, str) else mapping.from_


def longer(length: int, source: FieldSpec | None) -> bool:
    """The source may hold values longer than `length` (its length is unknown or larger)."""
    return source is None or source.length is None or source.length > length


def needs_cut(target: DeField, length: int | None, source: FieldSpec | None) -> bool:
    return target.type in _CUT and length is not None and longer(length, source)


def mapped(
    mapping: str | FieldMapping, target: DeField, length: int | None, source: FieldSpec | None
) -> exp.Expr:
    """The value written into one target field."""
    name = source_field(mapping)
    if name is not None:
        value: exp.Expr = col(name, SOURCE)
    else:
        assert isinstance(mapping, FieldMapping) and mapping.value is not None
        value = literal(mapping.value, bool_as_bit=True)
    if isinstance(mapping, FieldMapping) and mapping.values:
        value = _translate(value, mapping.values)
    for step in transforms(mapping):
        value = _step(step, target, length)(value)
    steps = transforms(mapping)
    if needs_cut(target, length, source) and "truncate" not in steps:
        value = exp.Left(this=value, expression=number(length or 4000))
    return value
