"""A `SyncSpec` as SQL: DuckDB statements, transpiled to Spark SQL by sqlglot.

Input contract: a relation `engage_extract` holding the extract's columns as text plus
`engage_row`, the 1-based position of the row in the file. Three statements:

1. `CREATE TEMPORARY TABLE engage_checked AS …` (a temporary view in Spark), in steps:
   `prepared` (the rows the rule's filters keep; each target value normalised: empty →
   NULL, picklist values translated, transforms applied), `checked` (each value checked
   against its target field, see checks.py; the typed output value) and `ranked` (one row
   per target primary key among the valid rows: the most recent by `order_by`, the later
   row in the file on a tie). Every row gets `engage_reason`: NULL when accepted,
   otherwise every problem found, separated by "; ".
2. the accepted rows, with the data extension's field names, in file order;
3. the rejected rows: the extract's row as read (with `engage_row`) plus `engage_reason`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from sqlglot import exp

from compiler.emit.marketing_cloud.names import flat_name
from compiler.emit.sql import (
    alias,
    and_all,
    col,
    condition,
    desc,
    ident,
    literal,
    number,
    row_number,
)
from compiler.emit.sync import checks, fast, once
from compiler.emit.sync.spec import ROW, SyncSpec
from compiler.emit.sync.values import (
    WHITESPACE,
    coerce,
    consent_name,
    date_text,
    in_name,
    is_null,
    iso_name,
    iso_text,
    number_value,
    opted_out,
    out_name,
    trim,
    value,
)

EXTRACT = "engage_extract"  # prefixes of the per-rule relation names, see views()
CHECKED = "engage_checked"
REASON = "engage_reason"
PROBLEM = "engage_problem"
ORDER = "engage_order"
RANK = "engage_rank"
KEPT = "engage_kept"
SEPARATOR = "; "


def views(rule: str) -> tuple[str, str]:
    """The rule's own names for the extract and the checked rows, so that several rules
    (and re-runs) share one DuckDB connection or SparkSession: `engage_extract_<rule>`,
    `engage_checked_<rule>` (the rule's name flattened, `-` written `_`)."""
    flat = re.sub(r"[^A-Za-z0-9_]", "_", flat_name(rule))
    return f"{EXTRACT}_{flat}", f"{CHECKED}_{flat}"


@dataclass(frozen=True)
class SyncSql:
    """The statements of one rule, in DuckDB and Spark SQL, and the relation names they
    read (`extract`, registered by the caller) and create (`checked`)."""

    rule: str
    duckdb: tuple[str, ...]
    spark: tuple[str, ...]
    extract: str
    checked: str

    @staticmethod
    def script(statements: tuple[str, ...], header: str) -> str:
        return header + ";\n\n".join(statements) + ";\n"


def _table(name: str, as_: str | None = None) -> exp.Table:
    node = exp.Table(this=ident(name))
    if as_:
        node.set("alias", exp.TableAlias(this=ident(as_)))
    return node


def _order(spec: SyncSpec) -> exp.Expr | None:
    if not spec.order_by:
        return None
    raw = col(spec.order_by, "e")
    if spec.order_type in ("date", "datetime"):
        return date_text(trim(raw), full=True)
    if spec.order_type in ("number", "currency", "percent"):
        return number_value(raw)
    return raw


def prepared(spec: SyncSpec) -> exp.Select:
    columns: list[exp.Expr] = [col(ROW, "e")]
    order = _order(spec)
    if order is not None:
        columns.append(alias(order, ORDER))
    columns += [alias(value(t), in_name(t)) for t in spec.targets]
    for i, check in enumerate(spec.consent):
        if check.source_column:
            flag = opted_out(col(check.source_column, "e"), check)
            columns.append(alias(flag, consent_name(i, check)))
    filters = [condition(c, col(c.field, "e"), coerce, literal) for c in spec.filters]
    select = exp.select(*columns).from_(_table(views(spec.rule)[0], "e"))
    where = and_all(filters)
    return select.where(where) if where is not None else select


def _problems(spec: SyncSpec) -> exp.Expr:
    found: list[exp.Expr] = []
    for t in spec.targets:
        found += checks.problems(t)
    by_name = {t.name: t for t in spec.targets}
    for i, check in enumerate(spec.consent):
        if check.source_column:
            flag: exp.Expr = col(consent_name(i, check))
        else:
            flag = checks.target_consent_flag(check, by_name[check.target_column or ""])
        found.append(checks.consent_problem(check, flag))
    if not found:
        return exp.cast(exp.Null(), "VARCHAR")
    joined = exp.ConcatWs(expressions=[literal(SEPARATOR), *found], safe=True, coalesce=True)
    return exp.Nullif(this=joined, expression=literal(""))


def checked(spec: SyncSpec) -> exp.Select:
    columns: list[exp.Expr] = [col(ROW)]
    if spec.order_by:
        columns.append(col(ORDER))
    columns += [alias(checks.output(t), out_name(t)) for t in spec.targets]
    columns.append(alias(_problems(spec), PROBLEM))
    return exp.select(*columns).from_(exp.to_identifier("parsed"))


def dated(spec: SyncSpec) -> exp.Select:
    """The dates of `to_date` fields in ISO order (dd/mm/yyyy rearranged)."""
    columns = [
        alias(iso_text(col(in_name(t)), european=True), iso_name(t))
        for t in spec.targets
        if checks.european(t)
    ]
    return exp.select(exp.Star(), *columns).from_(exp.to_identifier("prepared"))


def parsed(spec: SyncSpec) -> exp.Select:
    typed = [(t, checks.parse(t)) for t in spec.targets]
    columns = [alias(e, checks.parsed_name(t)) for t, e in typed if e is not None]
    return exp.select(exp.Star(), *columns).from_(exp.to_identifier("dated"))


def _window(spec: SyncSpec) -> tuple[list[exp.Expr], list[exp.Ordered]]:
    by_name = {t.name: t for t in spec.targets}
    partition: list[exp.Expr] = [is_null(col(PROBLEM))]
    partition += [col(out_name(by_name[k])) for k in spec.key if k in by_name]
    order = [desc(col(ORDER))] if spec.order_by else []
    return partition, [*order, desc(col(ROW))]


def ranked(spec: SyncSpec) -> exp.Select:
    partition, order = _window(spec)
    kept = exp.Window(
        this=exp.FirstValue(this=col(ROW)),
        partition_by=[p.copy() for p in partition],
        order=exp.Order(expressions=[o.copy() for o in order]),
    )
    rank = row_number(partition, order)
    return exp.select(exp.Star(), alias(rank, RANK), alias(kept, KEPT)).from_(
        exp.to_identifier("checked")
    )


def _duplicate_reason(spec: SyncSpec) -> exp.Expr:
    prefix = literal(f"duplicate:{'+'.join(spec.key)} (kept row ")
    kept = exp.cast(col(KEPT), "VARCHAR")
    return exp.DPipe(this=exp.DPipe(this=prefix, expression=kept), expression=literal(")"))


def _reason(spec: SyncSpec) -> exp.Expr:
    if not spec.key:
        return col(PROBLEM)
    duplicate = exp.GT(this=col(RANK), expression=number(1))
    return exp.Case(
        ifs=[
            exp.If(this=exp.not_(is_null(col(PROBLEM))), true=col(PROBLEM)),
            exp.If(this=duplicate, true=_duplicate_reason(spec)),
        ]
    )


def create_checked(spec: SyncSpec) -> exp.Create:
    last = "ranked" if spec.key else "checked"
    final = exp.select(
        col(ROW), alias(_reason(spec), REASON), *[col(out_name(t)) for t in spec.targets]
    ).from_(exp.to_identifier(last))
    final = (
        final.with_("prepared", as_=prepared(spec))
        .with_("dated", as_=dated(spec))
        .with_("parsed", as_=parsed(spec))
        .with_("checked", as_=checked(spec))
    )
    if spec.key:
        final = final.with_("ranked", as_=ranked(spec))
    return exp.Create(
        this=exp.Table(this=ident(views(spec.rule)[1])),
        kind="TABLE",
        replace=True,
        expression=final,
        properties=exp.Properties(expressions=[exp.TemporaryProperty()]),
    )


def accepted(spec: SyncSpec) -> exp.Select:
    columns = [alias(col(out_name(t)), t.name) for t in spec.targets]
    return (
        exp.select(*columns)
        .from_(_table(views(spec.rule)[1]))
        .where(is_null(col(REASON)))
        .order_by(col(ROW))
    )


def rejected(spec: SyncSpec) -> exp.Select:
    extract, checked_ = views(spec.rule)
    on = exp.EQ(this=col(ROW, "e"), expression=col(ROW, "r"))
    return (
        exp.select(exp.Column(this=exp.Star(), table=ident("e")), col(REASON, "r"))
        .from_(_table(checked_, "r"))
        .join(_table(extract, "e"), on=on)
        .where(exp.not_(is_null(col(REASON, "r"))))
        .order_by(col(ROW, "r"))
    )


def statements(spec: SyncSpec) -> SyncSql:
    """Both dialects written from the same syntax tree (a transpilation of the DuckDB text
    would lose `OR REPLACE`)."""
    nodes = [create_checked(spec), accepted(spec), rejected(spec)]
    duck = tuple(_duckdb(n).sql(dialect="duckdb", pretty=True, copy=False) for n in nodes)
    spark = tuple(_spark(n).sql(dialect="spark", pretty=True, copy=False) for n in nodes)
    return SyncSql(spec.rule, duck, spark, *views(spec.rule))


def duckdb_statements(spec: SyncSpec) -> SyncSql:
    """The DuckDB statements alone (no Spark SQL: `spark` is empty), the same text as
    `statements(spec).duckdb`: what `engage sync run` executes, rendered once for one
    rule (half the cost of both dialects, a quarter of a shape's two renderings)."""
    nodes = [create_checked(spec), accepted(spec), rejected(spec)]
    duck = tuple(_duckdb(n).sql(dialect="duckdb", pretty=True, copy=False) for n in nodes)
    return SyncSql(spec.rule, duck, (), *views(spec.rule))


def _whitespace(node: exp.Expr, spell: Callable[[str], exp.Expr]) -> exp.Expr:
    """The set of trimmed characters spelled visibly (the same characters either way), in
    `node` itself (each caller's node is its own: `_duckdb`'s a copy, `_spark`'s the
    statement's last use)."""

    def visible(n: exp.Expr) -> exp.Expr:
        if isinstance(n, exp.Literal) and n.is_string and n.this == WHITESPACE:
            return spell(WHITESPACE)
        return n

    return node.transform(visible, copy=False)


def _duckdb(node: exp.Expr) -> exp.Expr:
    """DuckDB: the cheaper spellings of fast.py, each repeated expression computed once
    (once.py); `CHR(9) || CHR(10) || …` (its literals have no escapes)."""

    def spell(chars: str) -> exp.Expr:
        codes = [exp.Anonymous(this="CHR", expressions=[number(ord(c))]) for c in chars]
        out: exp.Expr = codes[0]
        for c in codes[1:]:
            out = exp.DPipe(this=out, expression=c)
        return exp.Paren(this=out)

    return _whitespace(once.hoist(fast.duckdb(node)), spell)


def _spark(node: exp.Expr) -> exp.Expr:
    """Spark: a temporary view; the set as one literal of `\\uXXXX` escapes. `node` is
    changed in place: `statements` writes it last (after `_duckdb`'s copy of it)."""
    node = _whitespace(
        node, lambda w: exp.Var(this="'" + "".join(f"\\u{ord(c):04X}" for c in w) + "'")
    )
    if isinstance(node, exp.Create):
        node.set("kind", "VIEW")
    return node
