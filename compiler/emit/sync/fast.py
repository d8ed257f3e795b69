"""Cheaper DuckDB spellings of the value helpers, with the same answers (DuckDB only).

The helpers of values.py are written once for both engines. Two of them cost DuckDB far
more than the rest of a rule (profiled on the 1M-row extract of the legacy customer
master, `PRAGMA enable_profiling`; see benchmarks/README.md, `bench_sync_run.py`):

* `TRANSLATE(e, UPPERS, LOWERS)` (and back): DuckDB builds the 150-letter map on every
  row, about 40 µs a value, 25x `LOWER`. Where `e` holds no letter whose DuckDB case
  mapping differs from `CASE_PAIRS`, `LOWER(e)` / `UPPER(e)` give the same text:
  DuckDB maps case one code point at a time (Unicode simple case mapping), and below
  U+0180 that mapping and `CASE_PAIRS` differ only on the letters of `LOWER_EXCEPTIONS`
  / `UPPER_EXCEPTIONS` (U+0130 to `i`; U+00B5 to Greek
  capital mu, `ß` to U+1E9E, U+0131 to `I`, U+017F to `S`, and U+0149, whose full mapping
  is two letters). A text holding one of those, or any character from U+0180 on
  (where `CASE_PAIRS` maps nothing), keeps the `TRANSLATE`.
* `TRIM(e, WHITESPACE)` with the 25 characters of the set: 7x a `TRIM` with only the
  space. TRIM removes characters of the set from either end and nothing else, so a text
  that neither starts nor ends with one of them is its own trimmed value: `e` as it is,
  and the TRIM only where `e` starts or ends with white space.

Each guard is one `REGEXP_MATCHES` with a character class (RE2, linear); NULL
takes the `ELSE` branch, whose answer is NULL in both branches. A cheaper test stands in
front of the case guard's expression (profiled on the 1M-row extract; benchmarks/README.md,
"Sync run on 1M rows"): the regular expression costs DuckDB about 200 ns a value even when
it matches nothing, `STRLEN` and `LENGTH` about 30 together.

* The case guard is asked only of a text that is not plain ASCII (`STRLEN`, its bytes,
  differs from `LENGTH`, its code points): every exception letter and everything from
  U+0180 on takes two or more bytes in UTF-8, so an ASCII text never needs `TRANSLATE`.
* The `e164` transform, `REGEXP_REPLACE(e, '[^0-9+]', '', 'g')`, costs 800 ns a value
  (most phone numbers hold spaces, so it replaces in nearly every one). Where `e` without
  its spaces (`REPLACE`, plain text) holds nothing but digits and `+`, the spaces were
  all the expression had to drop, so that is its answer; any other text keeps the
  `REGEXP_REPLACE` (0.82 -> 0.30 CPU-s on the million phone numbers).
* The white-space guard stays a regular expression: reading the first and the last code
  point instead (`ASCII(e)`, `ASCII(e[-1])`) and comparing them with the set's ranges
  measured slower (0.18 -> 0.40 CPU-s on a million names), DuckDB evaluating the chain
  of `OR`s through selection vectors.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlglot import exp

from compiler.emit.sql import text
from compiler.emit.sync.values import CASE_PAIRS, E164_DROP, LOWERS, UPPERS, WHITESPACE

_LATIN = range(0x180)  # ASCII, Latin-1 and Latin Extended-A: where CASE_PAIRS maps


def _exceptions(mapped: str, change: Callable[[str], str]) -> str:
    """Letters below U+0180 that CASE_PAIRS leaves as they are but a case mapping changes."""
    return "".join(c for c in map(chr, _LATIN) if c not in mapped and change(c) != c)


LOWER_EXCEPTIONS = _exceptions(UPPERS, str.lower)  # U+0130
UPPER_EXCEPTIONS = _exceptions(LOWERS, str.upper)  # U+00B5 U+00DF U+0131 U+0149 U+017F
assert len(CASE_PAIRS) == len(UPPERS)


def _class(chars: str, beyond_latin: bool) -> str:
    """An RE2 character class of `chars` (as \\x{...}), and U+0180 on when asked."""
    parts = [f"\\x{{{ord(c):X}}}" for c in chars]
    if beyond_latin:
        parts.append("\\x{180}-\\x{10FFFF}")
    return "[" + "".join(parts) + "]"


LOWER_GUARD = _class(LOWER_EXCEPTIONS, beyond_latin=True)
UPPER_GUARD = _class(UPPER_EXCEPTIONS, beyond_latin=True)
_SPACE = _class(WHITESPACE, beyond_latin=False)
TRIM_GUARD = f"^{_SPACE}|{_SPACE}\\z"  # white space first or last


def _case_guarded(e: exp.Expr, guard: str, slow: exp.Expr, fast: exp.Expr) -> exp.Expr:
    """`slow` where `e` is not plain ASCII and holds a letter of `guard`, else `fast`."""
    octets = exp.Anonymous(this="STRLEN", expressions=[e.copy()])
    holds = exp.And(
        this=exp.NEQ(this=octets, expression=exp.Length(this=e.copy())),
        expression=exp.RegexpLike(this=e.copy(), expression=text(guard)),
    )
    return exp.Case(ifs=[exp.If(this=holds, true=slow)], default=fast)


def _trim_guarded(e: exp.Expr, slow: exp.Expr, fast: exp.Expr) -> exp.Expr:
    """`slow` where `e` starts or ends with white space, else `fast`."""
    holds = exp.RegexpLike(this=e.copy(), expression=text(TRIM_GUARD))
    return exp.Case(ifs=[exp.If(this=holds, true=slow)], default=fast)


def _is_text(node: exp.Expr | None, value: str) -> bool:
    return isinstance(node, exp.Literal) and node.is_string and node.this == value


def _is_e164(node: exp.RegexpReplace) -> bool:
    return (
        _is_text(node.expression, E164_DROP)
        and _is_text(node.args.get("replacement"), "")
        and _is_text(node.args.get("modifiers"), "g")
    )


def _e164(node: exp.RegexpReplace) -> exp.Expr:
    """The spaces removed with `REPLACE`; the regular expression's replacement only where
    something else is left to drop."""
    spaceless = exp.Anonymous(this="REPLACE", expressions=[node.this.copy(), text(" "), text("")])
    left = exp.RegexpLike(this=spaceless.copy(), expression=text(E164_DROP))
    return exp.Case(ifs=[exp.If(this=left, true=node.copy())], default=spaceless)


def _rewrite(node: exp.Expr) -> exp.Expr:
    if isinstance(node, exp.Anonymous) and str(node.this).upper() == "TRANSLATE":
        args = node.expressions
        if len(args) == 3 and _is_text(args[1], UPPERS) and _is_text(args[2], LOWERS):
            lower = exp.Lower(this=args[0].copy())
            return _case_guarded(args[0], LOWER_GUARD, node.copy(), lower)
        if len(args) == 3 and _is_text(args[1], LOWERS) and _is_text(args[2], UPPERS):
            upper = exp.Upper(this=args[0].copy())
            return _case_guarded(args[0], UPPER_GUARD, node.copy(), upper)
    if isinstance(node, exp.RegexpReplace) and _is_e164(node):
        return _e164(node)
    if isinstance(node, exp.Trim) and _is_text(node.expression, WHITESPACE):
        if not node.args.get("position"):
            return _trim_guarded(node.this, node.copy(), node.this.copy())
    return node


def _bottom_up(node: exp.Expr) -> exp.Expr:
    """Children first, so a helper inside another's argument is rewritten too."""
    for child in list(node.iter_expressions()):
        new = _bottom_up(child)
        if new is not child:
            child.replace(new)
    return _rewrite(node)


def duckdb(node: exp.Expr) -> exp.Expr:
    """`node` (copied) with the cheaper spellings in place."""
    return _bottom_up(node.copy())
