"""SQL building blocks shared by the Marketing Cloud and sync generators (sqlglot ASTs).

Nothing here pastes text into SQL: every name becomes a quoted `exp.Identifier` (sqlglot
escapes `]`, `"` or a backtick for the dialect it writes) and every value an
`exp.Literal`, so a name or value from YAML can only ever mean a name or a value.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from sqlglot import exp

from compiler.model.sync import Condition, Scalar

Coerce = Callable[[exp.Expr, Scalar], exp.Expr]


def ident(name: str) -> exp.Identifier:
    """A quoted identifier: `[x]` in T-SQL, `"x"` in DuckDB, `` `x` `` in Spark."""
    return exp.to_identifier(name, quoted=True)


def col(name: str, table: str | None = None) -> exp.Column:
    return exp.Column(this=ident(name), table=ident(table) if table else None)


def table(name: str, alias: str | None = None, db: str | None = None) -> exp.Table:
    node = exp.Table(this=ident(name), db=exp.to_identifier(db) if db else None)
    if alias:
        node.set("alias", exp.TableAlias(this=ident(alias)))
    return node


def text(value: str) -> exp.Literal:
    return exp.Literal.string(value)


def number(value: int | float) -> exp.Expr:
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"{value!r} is not a finite number")
    return exp.Literal.number(repr(value) if isinstance(value, float) else str(value))


def literal(value: Scalar, *, bool_as_bit: bool = False) -> exp.Expr:
    """A YAML scalar as an SQL literal; booleans as 1/0 where the dialect has no boolean."""
    if isinstance(value, bool):
        if bool_as_bit:
            return number(int(value))
        return exp.true() if value else exp.false()
    if isinstance(value, int | float):
        return number(value)
    return text(value)


def alias(expression: exp.Expr, name: str) -> exp.Alias:
    return exp.Alias(this=expression, alias=ident(name))


def and_all(conditions: Sequence[exp.Expr]) -> exp.Expr | None:
    if not conditions:
        return None
    return exp.and_(*conditions) if len(conditions) > 1 else conditions[0]


def unique(conditions: Sequence[exp.Expr]) -> list[exp.Expr]:
    """Conditions in order, each once (a filter and a required field may say the same).
    Fewer than two are unique as they are (writing a condition's text costs as much as a
    query's shape)."""
    if len(conditions) < 2:
        return list(conditions)
    seen: set[str] = set()
    out: list[exp.Expr] = []
    for c in conditions:
        text_ = c.sql()
        if text_ not in seen:
            seen.add(text_)
            out.append(c)
    return out


def _values(cond: Condition) -> list[Scalar]:
    if isinstance(cond.value, list):
        return list(cond.value)
    return [] if cond.value is None else [cond.value]


_COMPARE: dict[str, type[exp.Binary]] = {
    "eq": exp.EQ,
    "ne": exp.NEQ,
    "gt": exp.GT,
    "ge": exp.GTE,
    "lt": exp.LT,
    "le": exp.LTE,
}


def condition(
    cond: Condition, column: exp.Expr, coerce: Coerce, lit: Callable[[Scalar], exp.Expr]
) -> exp.Expr:
    """A structured filter as a predicate on `column`.

    `coerce(column, sample)` turns the column into something comparable with the literal
    (a cast for text extracts, the column itself where it is typed); `lit` writes a value.
    `eq` with a list behaves as `in`; `ne` with a list as `not_in`; see `_without_value`
    for a filter with no value.
    """
    if cond.op == "is_null":
        return exp.Is(this=column, expression=exp.Null())
    if cond.op == "not_null":
        return exp.not_(exp.Is(this=column, expression=exp.Null()))
    values = _values(cond)
    if not values:
        return _without_value(cond, column)
    target = coerce(column, values[0])
    if cond.op in ("in", "not_in") or (cond.op in ("eq", "ne") and len(values) > 1):
        member = exp.In(this=target, expressions=[lit(v) for v in values])
        return exp.not_(member) if cond.op in ("not_in", "ne") else member
    return _COMPARE[cond.op](this=target, expression=lit(values[0]))


def _without_value(cond: Condition, column: exp.Expr) -> exp.Expr:
    """What SQL itself means by a filter with no value: `eq`/`ne` null are null tests; nothing
    is `in` an empty list and everything is `not_in` it; a comparison with NULL holds for no
    row. Written as `1 = 0` / `1 = 1`, which every dialect reads."""
    if cond.op == "eq":
        return exp.Is(this=column, expression=exp.Null())
    if cond.op == "ne":
        return exp.not_(exp.Is(this=column, expression=exp.Null()))
    holds = cond.op == "not_in"
    return exp.EQ(this=number(1), expression=number(1 if holds else 0))


def row_number(partition: Sequence[exp.Expr], order: Sequence[exp.Ordered]) -> exp.Window:
    return exp.Window(
        this=exp.RowNumber(),
        partition_by=list(partition),
        order=exp.Order(expressions=list(order)),
    )


def desc(expression: exp.Expr) -> exp.Ordered:
    """Descending, NULLs last: the most recent value first, unknown ones at the end."""
    return exp.Ordered(this=expression, desc=True, nulls_first=False)
