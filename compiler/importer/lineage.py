"""The data flow of a query activity's T-SQL, derived with sqlglot (never copied blindly).

From `SELECT … FROM a JOIN b … WHERE …` it derives: the tables read (with their `ENT.`
qualification), each output column and the source columns it is computed from, the
simple filters on the main table (column op literal, IS [NOT] NULL, IN list), the joins,
the literals (for hard-coded ids) and what it could not express. Marketing Cloud runs
the selected rows into the target data extension with the activity's update type; the
SQL holds no INSERT.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError, TokenError


@dataclass(frozen=True)
class Table:
    name: str
    enterprise: bool  # ENT.<name>: the parent business unit's table

    def __str__(self) -> str:
        return f"ENT.{self.name}" if self.enterprise else self.name


@dataclass
class Lineage:
    main: Table | None = None
    tables: list[Table] = field(default_factory=list)
    # target column → (table, column) when the output is a plain column, else None
    columns: dict[str, tuple[Table, str] | None] = field(default_factory=dict)
    reads: dict[str, list[tuple[Table, str]]] = field(default_factory=dict)
    filters: list[dict[str, Any]] = field(default_factory=list)
    joins: list[str] = field(default_factory=list)
    literals: list[str] = field(default_factory=list)
    not_expressed: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ParseProblem:
    message: str
    line: int
    column: int


_OPS: dict[type[exp.Expression], str] = {
    exp.EQ: "eq",
    exp.NEQ: "ne",
    exp.GT: "gt",
    exp.GTE: "ge",
    exp.LT: "lt",
    exp.LTE: "le",
}


def parse(sql: str) -> exp.Select | ParseProblem:
    try:
        statements = sqlglot.parse(sql, dialect="tsql")
    except (ParseError, TokenError) as err:
        errors = getattr(err, "errors", None) or [{}]
        first = errors[0] if isinstance(errors[0], dict) else {}
        line = int(first.get("line") or 1)
        column = int(first.get("col") or 1)
        message = str(first.get("description") or err).splitlines()[0]
        return ParseProblem(message, max(line, 1), max(column, 1))
    except RecursionError:
        return ParseProblem("the query is nested too deeply", 1, 1)
    found = [s for s in statements if s is not None]
    if len(found) != 1 or not isinstance(found[0], exp.Select):
        return ParseProblem("a query activity holds exactly one SELECT statement", 1, 1)
    return found[0]


def _table(node: exp.Table) -> Table:
    db = node.args.get("db")
    return Table(node.name, db is not None and str(db.name).upper() == "ENT")


def derive(select: exp.Select) -> Lineage:
    out = Lineage()
    aliases: dict[str, Table] = {}
    source = select.args.get("from_") or select.args.get("from")
    if source is not None and isinstance(source.this, exp.Table):
        out.main = _table(source.this)
        aliases[source.this.alias_or_name.lower()] = out.main
        out.tables.append(out.main)
    elif source is not None:
        out.not_expressed.append("the FROM clause is not a table")
    for join in select.args.get("joins") or []:
        if isinstance(join.this, exp.Table):
            table = _table(join.this)
            aliases[join.this.alias_or_name.lower()] = table
            out.tables.append(table)
            kind = " ".join(str(join.args.get(k) or "") for k in ("side", "kind")).strip()
            on = join.args.get("on")
            out.joins.append(
                f"{kind or 'INNER'} JOIN {table}" + (f" ON {on.sql('tsql')}" if on else "")
            )
        else:
            out.not_expressed.append("a join on a subquery")
    for sub in select.find_all(exp.Table):
        table = _table(sub)
        if table not in out.tables:
            out.tables.append(table)  # tables of subqueries (e.g. NOT IN (SELECT …))
    _columns(select, aliases, out)
    _where(select, aliases, out)
    for clause in ("group", "having", "order", "distinct"):
        if select.args.get(clause):
            out.not_expressed.append(f"{clause.upper()} clause")
    out.literals = sorted({str(lit.this) for lit in select.find_all(exp.Literal)})
    return out


def _resolve(column: exp.Column, aliases: dict[str, Table], main: Table | None) -> Table | None:
    qualifier = column.table.lower()
    if qualifier:
        return aliases.get(qualifier)
    return main if len(aliases) <= 1 else None


def _columns(select: exp.Select, aliases: dict[str, Table], out: Lineage) -> None:
    for item in select.expressions:
        if isinstance(item, exp.Star):
            out.not_expressed.append("SELECT * (columns unknown without the source)")
            continue
        target = item.alias_or_name
        inner = item.this if isinstance(item, exp.Alias) else item
        used = [
            (t, c.name) for c in inner.find_all(exp.Column) if (t := _resolve(c, aliases, out.main))
        ]
        out.reads[target] = used
        if isinstance(inner, exp.Column) and used:
            out.columns[target] = used[0]
        else:
            out.columns[target] = None


def _conjuncts(node: exp.Expression) -> list[exp.Expression]:
    if isinstance(node, exp.And):
        return _conjuncts(node.this) + _conjuncts(node.expression)
    if isinstance(node, exp.Paren):
        return _conjuncts(node.this)
    return [node]


def _literal(node: exp.Expression) -> Any:
    if isinstance(node, exp.Literal):
        if node.is_string:
            return str(node.this)
        text = str(node.this)
        try:
            return int(text)
        except ValueError:
            return float(text)
    if isinstance(node, exp.Boolean):
        return bool(node.this)
    raise ValueError


def _main_column(node: exp.Expression, aliases: dict[str, Table], out: Lineage) -> str | None:
    if isinstance(node, exp.Column) and _resolve(node, aliases, out.main) == out.main:
        return node.name
    return None


def _simple(cond: exp.Expression, aliases: dict[str, Table], out: Lineage) -> dict[str, Any] | None:
    negated = isinstance(cond, exp.Not)
    core = cond.this if negated else cond
    if isinstance(core, exp.Is) and isinstance(core.expression, exp.Null):
        name = _main_column(core.this, aliases, out)
        return {"field": name, "op": "not_null" if negated else "is_null"} if name else None
    if negated:
        return None
    if type(core) in _OPS:
        name = _main_column(core.this, aliases, out)
        try:
            value = _literal(core.expression)
        except ValueError:
            return None
        return {"field": name, "op": _OPS[type(core)], "value": value} if name else None
    if isinstance(core, exp.In) and core.args.get("expressions"):
        name = _main_column(core.this, aliases, out)
        try:
            values = [_literal(v) for v in core.args["expressions"]]
        except ValueError:
            return None
        return {"field": name, "op": "in", "value": values} if name else None
    return None


def _where(select: exp.Select, aliases: dict[str, Table], out: Lineage) -> None:
    where = select.args.get("where")
    if where is None:
        return
    for cond in _conjuncts(where.this):
        simple = _simple(cond, aliases, out)
        if simple is None:
            out.not_expressed.append(f"condition {cond.sql('tsql')}")
        else:
            out.filters.append(simple)
