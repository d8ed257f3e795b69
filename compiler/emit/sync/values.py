"""Expressions of the sync code: normalising, parsing and checking text values (sqlglot).

Every value of an extract is text. These helpers turn a column into the normalised value a
target field receives, parse it and say whether a stored consent choice means "opted out",
with the same meaning in DuckDB and Spark by construction: no engine function whose answer
depends on the engine is used.

* whitespace is an explicit set (Unicode White_Space: tab, line feed, vertical tab, form
  feed, carriage return, space, U+0085, U+00A0, U+1680, U+2000-U+200A, U+2028, U+2029,
  U+202F, U+205F, U+3000) trimmed with `TRIM(set)`, not the engine's idea of a space;
* case mapping is one letter to one letter over ASCII, Latin-1 and Latin Extended-A
  (`TRANSLATE` with the pairs of `CASE_PAIRS`); other characters are left as they are
  (`ß` stays `ß`, where DuckDB writes `ẞ` and Java `SS`);
* regular expressions use only what RE2 and java.util.regex read alike and end in `\\z`,
  the true end of the text (Java's `$` also matches before a final line break);
* dates and times are recognised by their shape (`DATE_RE`), checked field by field
  (month, day of that month in that year, hour, minute, second) and written back from
  their digits: no cast to a timestamp, so no session time zone, calendar or lenient
  parser takes part;
* numbers are cast only once a regular expression has accepted their shape.
"""

from __future__ import annotations

from sqlglot import exp

from compiler.emit.sql import col, number, text
from compiler.emit.sync.spec import ConsentCheck, TargetColumn
from compiler.model.sync import Scalar

TRUTHY = ("true", "t", "1", "yes", "y")
FALSY = ("false", "f", "0", "no", "n")
END = "\\z"  # the end of the text, in RE2 and in java.util.regex
# Pragmatic address check (RFC 5321 shapes MC accepts): local part of atoms separated by
# single dots, a domain of at least two labels.
EMAIL_RE = (
    "^[A-Za-z0-9!#$%&'*+/=?^_{|}~-]+([.][A-Za-z0-9!#$%&'*+/=?^_{|}~-]+)*"
    "@[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?([.][A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)+" + END
)
PHONE_RE = "^[+]?[0-9][0-9 ()./-]{2,28}[0-9]" + END
INT_RE = "^[+-]?[0-9]{1,10}" + END
NUMBER_RE = "^[+-]?[0-9]{1,18}([.][0-9]{1,18})?" + END
LOCALE_RE = "^[A-Za-z]{2}([-_][A-Za-z]{2})?" + END
EUROPEAN_DATE_RE = "^[0-9]{2}/[0-9]{2}/[0-9]{4}" + END
# YYYY-MM-DD, optionally a time (T or a space, HH:MM, optionally :SS and a fraction) and an
# offset (Z, ±HH, ±HHMM, ±HH:MM). The fixed positions let SUBSTRING take the fields apart.
DATE_RE = (
    "^[0-9]{4}-[0-9]{2}-[0-9]{2}"
    "([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}([.,][0-9]{1,9})?)?(Z|[+-][0-9]{2}(:?[0-9]{2})?)?)?" + END
)
INT_MIN, INT_MAX = -2147483648, 2147483647
E164_DROP = "[^0-9+]"  # what the e164 transform removes from a phone number
WHITESPACE = "".join(
    map(chr, (9, 10, 11, 12, 13, 32, 0x85, 0xA0, 0x1680, *range(0x2000, 0x200B)))
) + "".join(map(chr, (0x2028, 0x2029, 0x202F, 0x205F, 0x3000)))


def _case_pairs() -> tuple[tuple[str, str], ...]:
    """(lower, upper) letters of ASCII, Latin-1 and Latin Extended-A that map one to one."""
    pairs = []
    for cp in range(0x41, 0x180):
        low, up = chr(cp), chr(cp).upper()
        if up != low and len(up) == 1 and ord(up) < 0x180 and up.lower() == low:
            pairs.append((low, up))
    return tuple(pairs)


CASE_PAIRS = _case_pairs()
LOWERS = "".join(low for low, _ in CASE_PAIRS)
UPPERS = "".join(up for _, up in CASE_PAIRS)


def in_name(t: TargetColumn) -> str:
    return f"in_{t.name}"


def iso_name(t: TargetColumn) -> str:
    return f"iso_{t.name}"


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


def trim(e: exp.Expr) -> exp.Expr:
    """Leading and trailing `WHITESPACE` removed."""
    return exp.Trim(this=e, expression=text(WHITESPACE))


def lower(e: exp.Expr) -> exp.Expr:
    return _fn("TRANSLATE", e, text(UPPERS), text(LOWERS))


def upper(e: exp.Expr) -> exp.Expr:
    return _fn("TRANSLATE", e, text(LOWERS), text(UPPERS))


def boolean(e: exp.Expr) -> exp.Expr:
    """Text → TRUE / FALSE / NULL (not a boolean)."""
    low = lower(trim(e))
    truthy = exp.In(this=low, expressions=[text(v) for v in TRUTHY])
    falsy = exp.In(this=low.copy(), expressions=[text(v) for v in FALSY])
    ifs = [exp.If(this=truthy, true=exp.true()), exp.If(this=falsy, true=exp.false())]
    return exp.Case(ifs=ifs)


def _sub(e: exp.Expr, start: int, length: int) -> exp.Expr:
    return exp.Substring(this=e.copy(), start=number(start), length=number(length))


def _int(e: exp.Expr, start: int = 0, length: int = 0) -> exp.Expr:
    """Digits as a number (TRY_CAST: both engines evaluate every operand of an AND, even
    on a text the shape's regular expression refused)."""
    return try_cast(_sub(e, start, length) if start else e, "INT")


def _concat(*parts: exp.Expr) -> exp.Expr:
    out = parts[0]
    for part in parts[1:]:
        out = exp.DPipe(this=out, expression=part)
    return out


def iso_text(e: exp.Expr, european: bool) -> exp.Expr:
    """The date text in ISO order: dd/mm/yyyy rearranged (with `to_date`), else unchanged."""
    if not european:
        return e
    rearranged = _concat(_sub(e, 7, 4), text("-"), _sub(e, 4, 2), text("-"), _sub(e, 1, 2))
    return case(matches(e.copy(), EUROPEAN_DATE_RE), rearranged, e.copy())


def _between(e: exp.Expr, low: int, high: exp.Expr | int) -> exp.Expr:
    top = number(high) if isinstance(high, int) else high
    return exp.Between(this=e, low=number(low), high=top)


def _days_in_month(year: exp.Expr, month: exp.Expr) -> exp.Expr:
    def rest(n: int) -> exp.Expr:
        return exp.Mod(this=year.copy(), expression=number(n))

    leap = exp.or_(
        exp.and_(
            exp.EQ(this=rest(4), expression=number(0)),
            exp.NEQ(this=rest(100), expression=number(0)),
        ),
        exp.EQ(this=rest(400), expression=number(0)),
    )
    thirty = exp.In(this=month.copy(), expressions=[number(m) for m in (4, 6, 9, 11)])
    february = exp.EQ(this=month.copy(), expression=number(2))
    return exp.Case(
        ifs=[
            exp.If(this=thirty, true=number(30)),
            exp.If(this=february, true=case(leap, number(29), number(28))),
        ],
        default=number(31),
    )


def _time_field(e: exp.Expr, start: int) -> exp.Expr:
    """HH (12), MM (15) or SS (18) of an ISO text; '00' where the text has none."""
    present: exp.Expr
    if start == 12:
        present = exp.GT(this=exp.Length(this=e.copy()), expression=number(10))
    else:
        present = exp.EQ(this=_sub(e, start - 1, 1), expression=text(":"))
    return case(present, _sub(e, start, 2), text("00"))


def date_text(e: exp.Expr, full: bool = False) -> exp.Expr:
    """ISO text (see `DATE_RE`) → `YYYY-MM-DD`, with ` HH:MM:SS` when the time is not
    midnight (always, with `full`: a text that sorts in time order); NULL when the text is
    not a date or names a day, hour, minute or second that does not exist. A fraction of a
    second and an offset are dropped: the local time is kept."""
    year, month, day = _int(e, 1, 4), _int(e, 6, 2), _int(e, 9, 2)
    hh, mm, ss = (_time_field(e, s) for s in (12, 15, 18))
    valid = exp.and_(
        matches(e.copy(), DATE_RE),
        _between(year, 1, 9999),
        _between(month, 1, 12),
        _between(day, 1, _days_in_month(year.copy(), month.copy())),
        _between(_int(hh), 0, 23),
        _between(_int(mm), 0, 59),
        _between(_int(ss), 0, 59),
    )
    clock = _concat(hh.copy(), text(":"), mm.copy(), text(":"), ss.copy())
    day_text = _sub(e, 1, 10)
    if full:
        written = _concat(day_text, text(" "), clock)
    else:
        midnight = exp.EQ(this=clock.copy(), expression=text("00:00:00"))
        written = case(midnight, day_text, _concat(day_text.copy(), text(" "), clock))
    return case(valid, written)


def number_value(e: exp.Expr) -> exp.Expr:
    """A plain decimal number (digits, optional sign and fraction) as DOUBLE, else NULL."""
    trimmed = trim(e)
    return case(matches(trimmed, NUMBER_RE), try_cast(trimmed.copy(), "DOUBLE"))


def _lit_text(value: Scalar) -> exp.Expr:
    if isinstance(value, bool):
        return text("true" if value else "false")
    return text(str(value))


# ---------------------------------------------------------------- prepared
def _transform(t: TargetColumn, step: str, e: exp.Expr) -> exp.Expr:
    if step == "lower":
        return lower(e)
    if step == "upper":
        return upper(e)
    if step in ("trim", "to_number"):
        return trim(e)
    if step == "iso_country":
        return upper(trim(e))
    if step == "truncate" and t.length:
        return exp.Left(this=e, expression=number(t.length))
    if step == "e164":
        return exp.RegexpReplace(
            this=e, expression=text(E164_DROP), replacement=text(""), modifiers=text("g")
        )
    if step == "sha256":  # lower-case hex of the UTF-8 bytes, as the ad platforms match
        return exp.SHA2(this=e, length=number(256))
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
        e = trim(e)
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
        return number_value(e)
    return e
