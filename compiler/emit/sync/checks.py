"""What makes a value unfit for its data extension field, and the typed value written.

Each check is `CASE WHEN <problem> THEN '<reason>:<field>' END`; a row's reasons are all the
non-NULL ones joined with "; ". Reasons: missing, too_long, invalid_email, invalid_phone,
invalid_number, invalid_decimal, invalid_date, invalid_boolean, invalid_locale, and
opted_out:<channel> for consent.
"""

from __future__ import annotations

from sqlglot import exp

from compiler.emit.sql import col, number, text
from compiler.emit.sync.spec import ConsentCheck, TargetColumn
from compiler.emit.sync.values import (
    EMAIL_RE,
    INT_MAX,
    INT_MIN,
    INT_RE,
    LOCALE_RE,
    PHONE_RE,
    boolean,
    case,
    date_text,
    in_name,
    is_null,
    iso_name,
    matches,
    opted_out,
    try_cast,
)

# Data extension types whose length the field declares and the value must fit.
_LENGTHED = ("Text", "EmailAddress", "Phone")


def _reason(code_: str, t: TargetColumn) -> exp.Expr:
    return text(f"{code_}:{t.name}")


def _decimal_re(t: TargetColumn) -> str:
    precision, scale = t.precision or 18, t.scale or 0
    whole = max(precision - scale, 1)
    fraction = f"([.][0-9]{{1,{scale}}})?" if scale else ""
    return f"^[+-]?[0-9]{{1,{whole}}}{fraction}$"


def _integer(v: exp.Expr) -> exp.Expr:
    in_range = exp.Between(
        this=try_cast(v.copy(), "BIGINT"), low=number(INT_MIN), high=number(INT_MAX)
    )
    return exp.and_(matches(v, INT_RE), in_range)


def european(t: TargetColumn) -> bool:
    """A Date field whose rule accepts dd/mm/yyyy as well (`to_date`)."""
    return t.type == "Date" and "to_date" in t.transforms


def parsed_name(t: TargetColumn) -> str:
    return f"parsed_{t.name}"


def parse(t: TargetColumn) -> exp.Expr | None:
    """The typed value of a Date (its canonical text), Boolean or Number field (NULL when it
    does not parse)."""
    v = col(in_name(t))
    if t.type == "Date":
        return date_text(col(iso_name(t)) if european(t) else v)
    if t.type == "Boolean":
        return boolean(v)
    if t.type == "Number":
        return case(_integer(v), try_cast(v.copy(), "BIGINT"))
    return None


def _format_problem(t: TargetColumn, v: exp.Expr) -> tuple[str, exp.Expr] | None:
    """(reason, condition true for a present value of the wrong format), if the type has one."""
    if t.type == "EmailAddress":
        return "invalid_email", exp.not_(matches(v, EMAIL_RE))
    if t.type == "Phone":
        return "invalid_phone", exp.not_(matches(v, PHONE_RE))
    if t.type == "Decimal":
        return "invalid_decimal", exp.not_(matches(v, _decimal_re(t)))
    if t.type == "Locale":
        return "invalid_locale", exp.not_(matches(v, LOCALE_RE))
    kinds = {"Date": "invalid_date", "Boolean": "invalid_boolean", "Number": "invalid_number"}
    if t.type in kinds:
        unparsed = exp.and_(exp.not_(is_null(v)), is_null(col(parsed_name(t))))
        return kinds[t.type], unparsed
    return None


def problems(t: TargetColumn) -> list[exp.Expr]:
    v = col(in_name(t))
    out: list[exp.Expr] = []
    if t.required and t.default is None:
        out.append(case(is_null(v.copy()), _reason("missing", t)))
    if t.type in _LENGTHED and t.length:
        too_long = exp.GT(this=exp.Length(this=v.copy()), expression=number(t.length))
        out.append(case(too_long, _reason("too_long", t)))
    found = _format_problem(t, v.copy())
    if found is not None:
        out.append(case(found[1], _reason(found[0], t)))
    return out


def consent_problem(check: ConsentCheck, flag: exp.Expr) -> exp.Expr:
    return case(flag, text(f"opted_out:{check.channel}"))


def target_consent_flag(check: ConsentCheck, t: TargetColumn) -> exp.Expr:
    """Opted out, judged on the value the rule writes into the target's consent field."""
    return opted_out(col(in_name(t)), check)


def output(t: TargetColumn) -> exp.Expr:
    """The value as the import receives it: canonical numbers, booleans and dates."""
    v, typed = col(in_name(t)), col(parsed_name(t))
    if t.type == "Number":
        e: exp.Expr = exp.cast(typed, "VARCHAR")
    elif t.type == "Date":
        e = typed
    elif t.type == "Boolean":
        e = case(typed, text("true"), case(exp.not_(typed.copy()), text("false")))
    else:
        e = v
    if t.default is not None:
        default = t.default
        fallback = ("true" if default else "false") if isinstance(default, bool) else str(default)
        e = exp.Coalesce(this=e, expressions=[text(fallback)])
    return e
