"""Each value computed once (DuckDB only): repeated expressions of a step moved into a step
of their own, and read back as a column.

The helpers of values.py nest: a field's normalised text is the trimmed text inside a
case mapping inside a `NULLIF`, and fast.py's guards ask each of those values twice or
three times (the guard, then the branch it picks). Written out, `in_Email` holds the
trimmed e-mail address five times, a date check holds each `SUBSTRING` two or three
times, and DuckDB computes every copy: its own common-subexpression pass does not look
inside `CASE`, `AND` or `OR` (short-circuiting), and nearly every expression here is
one (profiled on the 1M-row extract of the legacy customer master; benchmarks/README.md,
"Sync run on 1M rows, continued").

So, for each step (`WITH` query) of statement 1, `hoist` finds the largest expressions
that occur twice or more in its columns, computes each once in a step inserted below it
(`SELECT *, <expression> AS engage_cse_N FROM <what the step read>`), and replaces every
copy by the column; the new step is treated the same way, until no expression repeats.

Why the answers are the same: an expression here is a pure function of its row's
columns (no randomness, no aggregate, no window: steps holding a window are left as
they are), so computing it once and reading it back gives each copy its value. Moving
it below a `CASE` branch or the right side of an `AND`/`OR`/`COALESCE` evaluates it on
rows where it was not evaluated before; that is allowed only for an expression that
cannot fail (no `CAST`, only `TRY_CAST`) and costs little (no `TRANSLATE`, no
`REGEXP_REPLACE`), or one that some copy evaluated on every row anyway (the first
condition of a `CASE`, the left side of an `AND`, a function's argument...).

Names: the extract's columns may be called anything, so the first step's reads of them
(`"e"."Nombre"`) go through a step that names them `engage_src_<column>` (a prefix:
distinct columns stay distinct, and no source name can become `engage_cse_N`); every
later step's columns carry a prefix of build.py (`in_`, `iso_`, `parsed_`, `out_`,
`consent_`, `engage_`), never `engage_cse_`.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field

from sqlglot import exp

from compiler.emit.sql import alias, ident

CSE = "engage_cse_"
SOURCE = "engage_src_"
_LEAVES = (exp.Column, exp.Literal, exp.Identifier, exp.Null, exp.Boolean, exp.Star, exp.DataType)
_COSTLY = ("TRANSLATE", "REGEXPREPLACE")  # generated: Anonymous; parsed: its class


@dataclass
class _Keys:
    """Structural identity of nodes: equal subtrees get equal small integers."""

    ids: dict[int, int] = field(default_factory=dict)
    alive: list[exp.Expr] = field(default_factory=list)  # so that no id is reused
    interned: dict[tuple[object, ...], int] = field(default_factory=dict)

    def __call__(self, node: exp.Expr) -> int:
        known = self.ids.get(id(node))
        if known is not None:
            return known
        parts: list[object] = [type(node).__name__]
        for name in sorted(node.args):
            parts.append((name, self._arg(node.args[name])))
        key = self.interned.setdefault(tuple(parts), len(self.interned))
        self.ids[id(node)] = key
        self.alive.append(node)
        return key

    def _arg(self, value: object) -> object:
        if isinstance(value, exp.Expr):
            return self(value)
        if isinstance(value, list):
            return tuple(self._arg(v) for v in value)
        return value if value not in (None, False) else None


def _children(node: exp.Expr) -> Iterator[tuple[exp.Expr, bool]]:
    """(child, evaluated on every row its parent is) for each child expression."""
    first = None
    if isinstance(node, exp.Case):
        ifs = node.args.get("ifs") or []
        first = ifs[0].this if ifs else None
        for if_ in ifs:
            yield if_.this, if_.this is first
            yield if_.args["true"], False
        if node.args.get("default") is not None:
            yield node.args["default"], False
        if node.this is not None:
            yield node.this, True
        return
    if isinstance(node, exp.Connector | exp.Coalesce):
        yield node.this, True
        for other in [node.args.get("expression"), *node.expressions]:
            if isinstance(other, exp.Expr):
                yield other, False
        return
    for child in node.iter_expressions():
        yield child, True


def _eligible(node: exp.Expr) -> bool:
    if isinstance(node, _LEAVES):
        return False
    return node.find(exp.Column) is not None


def _safe_anywhere(node: exp.Expr) -> bool:
    """Cheap and unable to fail: may be evaluated on rows that did not ask for it."""
    for n in node.walk():
        if isinstance(n, exp.Cast) and not isinstance(n, exp.TryCast):
            return False
        name = str(n.this) if isinstance(n, exp.Anonymous) else type(n).__name__
        if name.upper() in _COSTLY:
            return False
    return True


@dataclass
class _Count:
    times: int = 0
    always: bool = False


def _count(node: exp.Expr, always: bool, keys: _Keys, counts: dict[int, _Count]) -> None:
    if _eligible(node):
        seen = counts.setdefault(keys(node), _Count())
        seen.times += 1
        seen.always = seen.always or always
    for child, every_row in _children(node):
        _count(child, always and every_row, keys, counts)


def _columns(select: exp.Select) -> list[exp.Expr]:
    return [c for c in select.expressions if not isinstance(c, exp.Star)]


def _repeated(select: exp.Select, keys: _Keys) -> list[exp.Expr]:
    """The largest expressions of the step's columns worth computing once, in order."""
    counts: dict[int, _Count] = {}
    for column in _columns(select):
        _count(column, True, keys, counts)
    chosen: dict[int, exp.Expr] = {}

    def pick(node: exp.Expr) -> None:
        seen = counts.get(keys(node)) if _eligible(node) else None
        if seen and seen.times > 1 and (seen.always or _safe_anywhere(node)):
            chosen.setdefault(keys(node), node)
            return
        for child in node.iter_expressions():
            pick(child)

    for column in _columns(select):
        pick(column)
    return list(chosen.values())


def _replace(node: exp.Expr, names: dict[int, str], keys: _Keys) -> None:
    for child in list(node.iter_expressions()):
        name = names.get(keys(child))
        if name is not None:
            child.replace(exp.column(ident(name)))
        else:
            _replace(child, names, keys)


def _below(select: exp.Select, source: exp.Expr, defs: list[tuple[str, exp.Expr]]) -> exp.Select:
    columns = [exp.Star(), *(alias(d.copy(), n) for n, d in defs)]
    return exp.select(*columns).from_(source)


def _split(
    select: exp.Select, name: str, top: str, counter: Iterator[int]
) -> list[tuple[str, exp.Select]]:
    """The steps that compute `select` (called `name`, the step `top` or one below it):
    the ones below it, then itself, rewritten. The steps below `top` are `top_1`,
    `top_2`, ... downwards."""
    keys = _Keys()
    found = _repeated(select, keys)
    if not found:
        return [(name, select)]
    names = {keys(d): f"{CSE}{next(counter)}" for d in found}
    defs = [(names[keys(d)], d) for d in found]
    depth = int(name[len(top) + 1 :]) + 1 if name != top else 1
    lower_name = f"{top}_{depth}"
    lower = _below(select, select.args["from_"].this.copy(), defs)
    for column in select.expressions:
        name_ = names.get(keys(column.unalias()))
        if name_ is not None and isinstance(column, exp.Alias):
            column.set("this", exp.column(ident(name_)))
        else:
            _replace(column, names, keys)
    select.set("from_", exp.From(this=exp.Table(this=exp.to_identifier(lower_name))))
    below = _split(lower, lower_name, top, counter)
    _drop_renames(below[-1][1], select)
    return [*below, (name, select)]


def _drop_renames(lower: exp.Select, upper: exp.Select) -> None:
    """`"engage_cse_4" AS "engage_cse_7"` in `lower` (an expression computed below it as
    well as on its own) dropped, `upper` reading `engage_cse_4` instead."""
    renames: dict[str, str] = {}
    for column in list(lower.expressions):
        inner = column.this if isinstance(column, exp.Alias) else None
        if isinstance(inner, exp.Column) and not inner.table and inner.name.startswith(CSE):
            renames[column.alias] = inner.name
            column.pop()
    for ref in list(upper.find_all(exp.Column)):
        if not ref.table and ref.name in renames:
            ref.replace(exp.column(ident(renames[ref.name])))


def _unqualify(select: exp.Select, name: str) -> tuple[tuple[str, exp.Select], exp.Select]:
    """A step reading `"e"."col"` of the extract as the step `<name>_source`, which names
    the columns it reads `engage_src_<col>` (and applies the step's filter)."""
    table = select.args["from_"].this
    qualifier = table.alias_or_name
    columns = select.find_all(exp.Column, bfs=False)
    read = list(dict.fromkeys(c.name for c in columns if c.table == qualifier))
    where = select.args.get("where")
    source = exp.select(*(alias(exp.column(ident(c), ident(qualifier)), SOURCE + c) for c in read))
    source = source.from_(table.copy())
    if where is not None:
        source.set("where", where.copy())
        select.set("where", None)
    for column in list(select.expressions):
        if isinstance(column, exp.Column) and column.table == qualifier:
            column.replace(alias(column.copy(), column.name))
    for column in select.find_all(exp.Column):
        if column.table == qualifier:
            column.replace(exp.column(ident(SOURCE + column.name)))
    source_name = f"{name}_source"
    select.set("from_", exp.From(this=exp.Table(this=exp.to_identifier(source_name))))
    return (source_name, source), select


def _steps(name: str, select: exp.Select, counter: Iterator[int]) -> list[tuple[str, exp.Select]]:
    if select.find(exp.Window) is not None or not isinstance(select.args.get("from_"), exp.From):
        return [(name, select)]
    if not _repeated(select, _Keys()):
        return [(name, select)]
    first: list[tuple[str, exp.Select]] = []
    if select.args["from_"].this.alias:
        source, select = _unqualify(select, name)
        first = [source]
    return [*first, *_split(select, name, name, counter)]


def hoist(node: exp.Expr) -> exp.Expr:
    """Statement 1 (a `CREATE … AS WITH …`) with each step's repeated expressions
    computed once; any other statement as it is. `node` is changed in place."""
    query = node.expression if isinstance(node, exp.Create) else None
    with_ = query.args.get("with_") if isinstance(query, exp.Select) else None
    if query is None or with_ is None:
        return node
    counter = itertools.count(1)
    ctes: list[exp.CTE] = []
    for cte in with_.expressions:
        body = cte.this
        if not isinstance(body, exp.Select):
            ctes.append(cte)
            continue
        for name, step in _steps(cte.alias, body, counter):
            ctes.append(exp.CTE(this=step, alias=exp.TableAlias(this=exp.to_identifier(name))))
    with_.set("expressions", ctes)
    return node
