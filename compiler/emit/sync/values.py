"""Expressions of the sync code: normalising, parsing and checking text values (sqlglot).

Every value of an extract is text. These helpers turn a column into the normalised value a
target field receives, parse it (boolean, timestamp) the same way in DuckDB and Spark (no
engine-specific date formats: dd/mm/yyyy is rearranged to ISO and cast), and say whether a
stored consent choice means "opted out".
"""

from __future__ import annotations

from sqlglot import exp

from compiler.emit.sql import col, number, text
from compiler.emit.sync.spec import ConsentCheck, TargetColumn
from compiler.model.sync import Scalar

TRUTHY = ("true", "t", "1", "yes", "y")
FALSY = ("false", "f", "0", "no", "n")
# Pragmatic address check (RFC 5321 shapes MC accepts): local part of atoms separated by
# single dots, a domain of at least two labels. No backslashes, so every dialect's string
# literal carries it unchanged.
EMAIL_RE = (
    "^[A-Za-z0-9!#$%&'*+/=?^_{|}~-]+([.][A-Za-z0-9!#$%&'*+/=?^_{|}~-]+)*"
    "@[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?([.][A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)+$"
)
PHONE_RE = "^[+]?[0-9][0-9 ()./-]{2,28}[0-9]$"
INT_RE = "^[+-]?[0-9]{1,10}$"
LOCALE_RE = "^[A-Za-z]{2}([-_][A-Za-z]{2})?$"
EUROPEAN_DATE_RE = "^[0-9]{2}/[0-9]{2}/[0-9]{4}$"
INT_MIN, INT_MAX = -2147483648, 2147483647


def in_name(t: TargetColumn) -> str:
    return f"in_{t.name}"


def out_name(t: TargetColumn) -> str:
    return f"out_{t.name}"


def consent_name(i: int, check: ConsentCheck) -> str:
    return f"consent_{i}_{check.channel}"


# ---------------------------------------------------------------- small expressions
def _fn(name: str, *args: exp.Expr) -> exp.Expr:
    return exp.Anonymous(this=name, expressions=list(args))


def _nullif_empty(e: exp.Expr) -> exp.Expr:
    return exp.Nullif(this=e, expression=text(""))


def matches(e: exp.Expr, pattern: str) -> exp.Expr:
    return exp.RegexpLike(this=e, expression=text(pattern))


def try_cast(e: exp.Expr, kind: str) -> exp.Expr:
    return exp.TryCast(this=e, to=exp.DataType.build(kind), safe=True)


def is_null(e: exp.Expr) -> exp.Expr:
    return exp.Is(this=e, expression=exp.Null())


def case(cond: exp.Expr, then: exp.Expr, default: exp.Expr | None = None) -> exp.Case:
    return exp.Case(ifs=[exp.If(this=cond, true=then)], default=default)


def boolean(e: exp.Expr) -> exp.Expr:
    """Text → TRUE / FALSE / NULL (not a boolean)."""
    low = exp.Lower(this=exp.Trim(this=e))
    truthy = exp.In(this=low, expressions=[text(v) for v in TRUTHY])
    falsy = exp.In(this=low.copy(), expressions=[text(v) for v in FALSY])
    ifs = [exp.If(this=truthy, true=exp.true()), exp.If(this=falsy, true=exp.false())]
    return exp.Case(ifs=ifs)


def timestamp(e: exp.Expr, european: bool) -> exp.Expr:
    """ISO 8601 text (and, with `to_date`, dd/mm/yyyy) → TIMESTAMP or NULL."""
    iso = try_cast(e, "TIMESTAMP")
    if not european:
        return iso
    year, month, day = (
        _fn("SUBSTRING", e.copy(), number(a), number(b)) for a, b in ((7, 4), (4, 2), (1, 2))
    )
    rearranged = _concat(year, text("-"), month, text("-"), day)
    dmy = case(matches(e.copy(), EUROPEAN_DATE_RE), try_cast(rearranged, "TIMESTAMP"))
    return exp.Coalesce(this=iso, expressions=[dmy])


def _concat(*parts: exp.Expr) -> exp.Expr:
    out = parts[0]
    for part in parts[1:]:
        out = exp.DPipe(this=out, expression=part)
    return out


def _lit_text(value: Scalar) -> exp.Expr:
    if isinstance(value, bool):
        return text("true" if value else "false")
    return text(str(value))


# ---------------------------------------------------------------- prepared
def _transform(t: TargetColumn, step: str, e: exp.Expr) -> exp.Expr:
    if step == "lower":
        return exp.Lower(this=e)
    if step == "upper":
        return exp.Upper(this=e)
    if step in ("trim", "to_number"):
        return exp.Trim(this=e)
    if step == "iso_country":
        return exp.Upper(this=exp.Trim(this=e))
    if step == "truncate" and t.length:
        return exp.Left(this=e, expression=number(t.length))
    if step == "e164":
        return exp.RegexpReplace(
            this=e, expression=text("[^0-9+]"), replacement=text(""), modifiers=text("g")
        )
    if step == "invert":
        parsed = boolean(e)
        return exp.Case(
            ifs=[
                exp.If(this=exp.EQ(this=parsed, expression=exp.true()), true=text("false")),
                exp.If(this=exp.EQ(this=parsed.copy(), expression=exp.false()), true=text("true")),
            ]
        )
    return e  # to_date, to_boolean: accepted formats, see checked


def value(t: TargetColumn) -> exp.Expr:
    """The normalised text written into one target field, NULL when there is none."""
    e: exp.Expr = col(t.source, "e") if t.source else _lit_text(t.constant or "")
    if t.type != "Text":
        e = exp.Trim(this=e)
    e = _nullif_empty(e)
    if t.values:
        ifs = [
            exp.If(this=exp.EQ(this=e.copy(), expression=text(k)), true=text(v))
            for k, v in t.values
        ]
        e = exp.Case(ifs=ifs, default=e)
    for step in t.transforms:
        if not (step == "trim" and t.type != "Text"):  # already trimmed
            e = _transform(t, step, e)
    return _nullif_empty(e) if t.transforms else e


def opted_out(e: exp.Expr, check: ConsentCheck) -> exp.Expr:
    """TRUE when the stored choice means the person may not be contacted on the channel."""
    s = check.storage
    if s.polarity == "opt_out":
        return exp.Coalesce(this=boolean(e), expressions=[exp.false()])
    if s.polarity == "opt_in":
        return exp.not_(exp.Coalesce(this=boolean(e), expressions=[exp.false()]))
    if s.opted_in_values:
        member = exp.In(this=e, expressions=[text(v) for v in s.opted_in_values])
        return exp.not_(exp.Coalesce(this=member, expressions=[exp.false()]))
    member = exp.In(this=e, expressions=[text(v) for v in s.opted_out_values])
    return exp.Coalesce(this=member, expressions=[exp.false()])


def coerce(e: exp.Expr, sample: Scalar) -> exp.Expr:
    if isinstance(sample, bool):
        return boolean(e)
    if isinstance(sample, int | float):
        return try_cast(exp.Trim(this=e), "DOUBLE")
    return e
