"""Sync rules that run inside Marketing Cloud, as SQL query activities.

A rule whose source and target are objects of the same Marketing Cloud system, the target
a data extension, becomes `query/<Key>.query-meta.sql` + `.query-meta.json` in the target's
business unit. The SQL (T-SQL, built with sqlglot) selects the mapped fields, applies the
rule's filters, never selects rows whose primary key is missing, suppresses opted-out
subscribers, keeps one row per target primary key (the most recent by `order_by`) and cuts
text to the target lengths; an `update` rule only touches rows already in the target.
The tree is written from its prebuilt shape (`shapes.py`: the same bytes as sqlglot's).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlglot import exp

from compiler.diagnostics import Finding, code, has_errors, make
from compiler.emit.marketing_cloud import expressions as ex
from compiler.emit.marketing_cloud import shapes
from compiler.emit.marketing_cloud.consent import (
    ConsentTarget,
    holds_subscriber_key,
    suppressions,
)
from compiler.emit.marketing_cloud.names import DeInfo, flat_name, short_key, synchronized_name
from compiler.emit.shape_text import Cut, fill
from compiler.emit.sql import (
    alias,
    col,
    condition,
    desc,
    ident,
    literal,
    number,
    row_number,
    unique,
)
from compiler.emit.sql import table as table_ref
from compiler.mclocation import E_CROSS_UNIT as E_SOURCE
from compiler.mclocation import Reader, qualifier
from compiler.model.sync import SyncRule
from compiler.resolved import ObjectSpec, ResolvedEcosystem

E_TARGET = code(
    "E7802",
    "Query activity cannot write its target",
    "A query activity writes whole rows: every primary-key field of the target must be "
    "mapped, and updating (`mode: update` or `upsert`) needs a primary key to match rows "
    "by. Without them Marketing Cloud rejects the query when it runs, so it is not generated.",
    "Map every primary-key field of the target data extension, or give it a primary key.",
)
W_ORDER = code(
    "W3801",
    "Duplicates resolved in an arbitrary order",
    "Several source records may map to one target primary key, and the rule declares no "
    "`order_by`, so which record wins changes from run to run.",
    "Declare `order_by:` (the source field that tells the most recent record).",
)

RANK = "engage_rank"
INNER = "t"
UPDATE_TYPE = {"insert": "Append", "update": "Update", "upsert": "Update", "overwrite": "Overwrite"}


@dataclass(frozen=True)
class Query:
    rule: str
    key: str
    name: str
    description: str
    target: DeInfo
    sql: str
    update_type: str
    integration: str
    reads: tuple[str, ...]  # resource names of data extensions the query reads
    sources: tuple[str, ...]  # addresses the files derive from
    checked: bool = False  # its SQL is of a shape tsql.problems found clean (shapes.py)


@dataclass(frozen=True)
class _Ctx:
    resolved: ResolvedEcosystem
    infos: dict[str, DeInfo]
    name: str
    rule: SyncRule
    source: ObjectSpec
    target: DeInfo
    target_spec: ObjectSpec

    def span(self, *path: str | int) -> Any:
        return self.resolved.span(("sync_rules", self.name, *path))

    def finding(self, info: Any, message: str, *path: str | int) -> Finding:
        return make(info, message, self.span(*path), address=f"sync_rule.{self.name}")


def is_query_rule(resolved: ResolvedEcosystem, rule: SyncRule) -> bool:
    src, dst = resolved.object(rule.source), resolved.object(rule.target)
    if src is None or dst is None or src.system != dst.system:
        return False
    system = resolved.ecosystem.systems.get(dst.system)
    return system is not None and system.type == "marketing_cloud" and dst.kind == "data_extension"


def located(ctx: _Ctx, obj: str) -> tuple[str | None, str, str]:
    """Where a table the query can read lives (compiler.mclocation): its qualifier and
    name, or why it cannot be read."""
    t = ctx.target
    db, why = qualifier(
        ctx.resolved, Reader(t.system, t.business_unit, t.engage_unit, t.parent), obj
    )
    if why:
        return None, "", why
    spec = ctx.resolved.objects[t.system][obj]
    name = obj
    if spec.kind == "synchronized":
        name = synchronized_name(ctx.resolved, spec.system, obj)[0]
    elif spec.kind == "data_extension":
        info = ctx.infos.get(obj)
        if info is None:
            return None, "", f"data extension {obj!r} is not generated"
        name = info.name
    return db, name, ""


def reference(ctx: _Ctx, obj: str, as_alias: str) -> tuple[exp.Expr | None, str]:
    """A table the query can read, qualified by where it lives, or None and why not."""
    db, name, why = located(ctx, obj)
    if why:
        return None, why
    return table_ref(name, as_alias, db=db), ""


def _mapped(ctx: _Ctx) -> dict[str, exp.Expr]:
    de = ctx.resolved.ecosystem.data_extensions[ctx.target.resource]
    out: dict[str, exp.Expr] = {}
    for target, mapping in ctx.rule.fields.items():
        spec, field = ctx.target_spec.fields.get(target), de.fields.get(target)
        if spec is None or field is None:
            continue
        source = ctx.source.fields.get(ex.source_field(mapping) or "")
        out[target] = ex.mapped(mapping, field, spec.length, source)
    return out


def _lit(value: Any) -> exp.Expr:
    return literal(value, bool_as_bit=True)


def _where(ctx: _Ctx, mapped: dict[str, exp.Expr]) -> list[exp.Expr]:
    conds = [condition(c, col(c.field, ex.SOURCE), lambda e, _v: e, _lit) for c in ctx.rule.filter]
    de = ctx.resolved.ecosystem.data_extensions[ctx.target.resource]
    for target, mapping in ctx.rule.fields.items():
        field, spec = de.fields.get(target), ctx.target_spec.fields.get(target)
        name = ex.source_field(mapping)
        if field is None or spec is None or name is None:
            continue
        column = col(name, ex.SOURCE)
        if field.required or field.primary_key:
            conds.append(exp.not_(exp.Is(this=column, expression=exp.Null())))
        source = ctx.source.fields.get(name)
        if field.type == "EmailAddress" and spec.length and ex.longer(spec.length, source):
            # A cut address would reach a stranger: over-long ones are left out instead.
            conds.append(
                exp.LTE(this=exp.Length(this=column.copy()), expression=number(spec.length))
            )
    return conds


def _pk(ctx: _Ctx) -> list[str]:
    return [n for n, f in ctx.target_spec.fields.items() if f.primary_key]


def _unique_source(ctx: _Ctx, target: str) -> bool:
    mapping = ctx.rule.fields[target]
    name = ex.source_field(mapping)
    spec = ctx.source.fields.get(name or "")
    if spec is None or ex.transforms(mapping) or not isinstance(mapping, str):
        return False
    return spec.unique or spec.primary_key or spec.external_id or spec.type == "id" or name == "Id"


def _exists_in_target(ctx: _Ctx, mapped: dict[str, exp.Expr]) -> exp.Expr:
    """`mode: update`: only rows whose key is already in the target."""
    links = [exp.EQ(this=col(k, "x"), expression=mapped[k].copy()) for k in _pk(ctx)]
    sub = _from(exp.select(number(1), copy=False), table_ref(ctx.target.name, "x"), links)
    return exp.Exists(this=sub)


def _from(select: exp.Select, source: exp.Expr, where: Sequence[exp.Expr]) -> exp.Select:
    """`select.from_(source).where(and_all(where))` on the nodes themselves: sqlglot's
    builders copy the whole tree at each step unless told not to (the nodes are new and
    used once, so nothing is shared)."""
    select = select.from_(source, copy=False)
    if not where:
        return select
    cond = exp.and_(*where, copy=False) if len(where) > 1 else where[0]
    return select.where(cond, copy=False)


def _select(
    ctx: _Ctx, mapped: dict[str, exp.Expr], where: list[exp.Expr]
) -> tuple[exp.Select, list[Finding]]:
    source, _ = reference(ctx, ctx.source.name, ex.SOURCE)
    assert source is not None
    columns = [alias(v, k) for k, v in mapped.items()]
    keys = _pk(ctx)
    if all(_unique_source(ctx, k) for k in keys):
        return _from(exp.select(*columns, copy=False), source, where), []
    findings: list[Finding] = []
    if ctx.rule.order_by:
        order = [desc(col(ctx.rule.order_by, ex.SOURCE))]
    else:
        order = [desc(mapped[k].copy()) for k in keys]
        findings.append(
            ctx.finding(
                W_ORDER,
                f"sync rule {ctx.name!r} may map several records to one {'/'.join(keys)} of "
                f"{ctx.target.resource!r}, and declares no order_by",
                "match",
            )
        )
    rank = row_number([mapped[k].copy() for k in keys], order)
    inner = _from(exp.select(*columns, alias(rank, RANK), copy=False), source, where)
    derived = exp.Subquery(this=inner, alias=exp.TableAlias(this=ident(INNER)))
    outer = exp.select(*[col(k, INNER) for k in mapped], copy=False)
    last = exp.EQ(this=col(RANK, INNER), expression=number(1))
    return _from(outer, derived, [last]), findings


def _problems(ctx: _Ctx, mapped: dict[str, exp.Expr]) -> list[Finding]:
    keys = _pk(ctx)
    out: list[Finding] = []
    if not keys and ctx.rule.mode in ("update", "upsert"):
        out.append(
            ctx.finding(
                E_TARGET,
                f"sync rule {ctx.name!r} updates {ctx.target.resource!r}, which has no "
                "primary key; its query is not generated",
                "mode" if "mode" in ctx.rule.model_fields_set else "target",
            )
        )
    missing = [k for k in keys if k not in mapped]
    if missing:
        out.append(
            ctx.finding(
                E_TARGET,
                f"sync rule {ctx.name!r} does not map primary key {', '.join(missing)} of "
                f"{ctx.target.resource!r}; its query is not generated",
                "fields",
            )
        )
    _, why = reference(ctx, ctx.source.name, ex.SOURCE)
    if why:
        out.append(ctx.finding(E_SOURCE, f"sync rule {ctx.name!r}: {why}", "source"))
    return out


def _keyed_by_subscriber(ctx: _Ctx, keys: list[str]) -> str | None:
    """A non-sendable target's single primary key, when the rule fills it, untransformed,
    from a field that holds the subscriber key (else its rows cannot be related to
    subscribers' consent)."""
    mapping = ctx.rule.fields.get(keys[0]) if len(keys) == 1 else None
    name = ex.source_field(mapping) if mapping is not None else None
    if mapping is None or name is None or ex.transforms(mapping):
        return None
    known = holds_subscriber_key(ctx.resolved, ctx.target.system, ctx.source, ctx.source.name, name)
    return keys[0] if known else None


def _consent(ctx: _Ctx, mapped: dict[str, exp.Expr]) -> tuple[list[exp.Expr], list[Finding]]:
    de = ctx.resolved.ecosystem.data_extensions[ctx.target.resource]
    keys = _pk(ctx)
    sub_field = de.sendable.field if de.sendable else _keyed_by_subscriber(ctx, keys)
    target = ConsentTarget(
        system=ctx.target.system,
        source=ctx.source,
        source_name=ctx.source.name,
        target_name=ctx.target.resource,
        mapped=mapped,
        subscriber=mapped.get(sub_field) if sub_field else None,
        table_for=lambda obj: reference(ctx, obj, "c")[0],
    )
    return suppressions(ctx.resolved, target, ctx.name, list(ctx.rule.respect_consent))


def _reads(ctx: _Ctx) -> tuple[str, ...]:
    return (ctx.source.name,) if ctx.source.kind == "data_extension" else ()


def _addresses(ctx: _Ctx) -> tuple[str, ...]:
    found = {f"sync_rule.{ctx.name}", ctx.target.address, f"integration.{ctx.rule.integration}"}
    if ctx.source.address:
        found.add(ctx.source.address)
    return tuple(sorted(found))


def kept(ctx: _Ctx) -> Query:
    """A query activity imported as written: its own SQL, key and name."""
    assert ctx.rule.query is not None
    return Query(
        rule=ctx.name,
        key=ctx.rule.query.key,
        name=ctx.rule.query.name or ctx.rule.query.key,
        description=ctx.rule.description.strip(),
        target=ctx.target,
        sql=ctx.rule.query.sql,
        update_type=UPDATE_TYPE[ctx.rule.mode],
        integration=ctx.rule.integration,
        reads=_reads(ctx),
        sources=_addresses(ctx),
    )


def build(
    resolved: ResolvedEcosystem, infos: dict[str, DeInfo], name: str, rule: SyncRule
) -> tuple[Query | None, list[Finding]]:
    source, target_spec = resolved.object(rule.source), resolved.object(rule.target)
    target = infos.get(target_spec.name) if target_spec else None
    if source is None or target_spec is None or target is None:
        return None, []
    ctx = _Ctx(resolved, infos, name, rule, source, target, target_spec)
    if rule.query is not None:
        return kept(ctx), []
    mapped = _mapped(ctx)
    findings = _problems(ctx, mapped)
    if has_errors(findings):
        return None, findings
    consent, consent_findings = _consent(ctx, mapped)
    findings.extend(consent_findings)
    if has_errors(findings):
        return None, findings
    sql, clean, order_findings = _sql(ctx, mapped, consent)
    key = short_key(flat_name(name))
    query = Query(
        rule=name,
        key=key,
        name=key,
        description=rule.description.strip()
        or f"engage sync rule {name}: {rule.source} → {rule.target}",
        target=target,
        sql=sql,
        update_type=UPDATE_TYPE[rule.mode],
        integration=rule.integration,
        reads=_reads(ctx),
        sources=_addresses(ctx),
        checked=clean,
    )
    return query, findings + order_findings


_PLAIN_NAME = re.compile(r"[A-Za-z0-9_]+\Z")
_FIRST, _PAD = 0xE000, "\uf8ff"  # private-use characters: no name holds them (_PLAIN_NAME)
MAX_RECIPES = 1024


@dataclass(frozen=True)
class _Plain:
    """A plain query (`_plain_recipe`): `SELECT [s].[a] AS [b], … FROM db.[table] AS [s]
    WHERE NOT [s].[r] IS NULL AND …`, by its names.

    Its text is written once per layout (`key`: the qualifier and every name's length)
    from a tree of placeholders, one per name, each of its name's length and of
    characters no name holds, cut at the placeholders (`_template`) and filled with each
    query's names. Why the filled text is byte-identical to writing the query's tree:
    a name of letters, digits and `_` is written as itself between `[` and `]`, so a
    placeholder of the same length takes the same width and the pretty printer breaks
    its lines at the same places (it wraps by width); the rest of the tree is the same
    nodes. The first query of a layout is also written from its own tree and the
    template is kept only when it fills to that text; else that layout always goes
    through the tree."""

    db: str | None
    table: str
    columns: tuple[tuple[str, str], ...]  # (source field, target field)
    required: tuple[str, ...]  # source fields that must not be null, each once

    def names(self) -> list[str]:
        return [self.table, *(n for pair in self.columns for n in pair), *self.required]

    def key(self) -> tuple[object, ...] | None:
        names = self.names()
        if len(names) > 4096 or not all(_PLAIN_NAME.match(n) for n in names):
            return None
        return (self.db, len(self.columns), tuple(len(n) for n in names))


def _placeholder(slot: int, length: int) -> str:
    return chr(_FIRST + slot) + _PAD * (length - 1)


def _template(recipe: _Plain) -> Cut:
    """The recipe written from a tree of placeholders, cut at them."""
    holders = [_placeholder(i, len(n)) for i, n in enumerate(recipe.names())]
    ends = 1 + 2 * len(recipe.columns)
    table, pairs, required = holders[0], holders[1:ends], holders[ends:]
    columns = [alias(col(a, ex.SOURCE), b) for a, b in zip(pairs[::2], pairs[1::2], strict=True)]
    null = [exp.not_(exp.Is(this=col(n, ex.SOURCE), expression=exp.Null())) for n in required]
    source = table_ref(table, ex.SOURCE, db=recipe.db)
    text = shapes.render(_from(exp.select(*columns, copy=False), source, null))[0]
    slot = {h: i for i, h in enumerate(holders)}
    pieces: list[str] = []
    slots: list[int] = []
    start = 0
    for match in re.finditer("|".join(map(re.escape, holders)), text):
        pieces.append(text[start : match.start()])
        slots.append(slot[match.group()])
        start = match.end()
    pieces.append(text[start:])
    return tuple(pieces), tuple(slots)


_RECIPES: dict[tuple[object, ...], tuple[Cut, bool] | None] = {}
_UNSEEN: tuple[Cut, bool] = (((), ()), False)


def _sql(
    ctx: _Ctx, mapped: dict[str, exp.Expr], consent: list[exp.Expr]
) -> tuple[str, bool, list[Finding]]:
    """The query's text, whether it is known clean, and the ordering findings: from a
    plain recipe's template when the rule is plain (`_Plain`), else from its tree."""
    recipe = None if consent or ctx.rule.mode == "update" else _plain_recipe(ctx, mapped)
    key = recipe.key() if recipe is not None else None
    if recipe is None or key is None:
        return _tree_sql(ctx, mapped, consent)
    known = _RECIPES.get(key, _UNSEEN)
    if known is _UNSEEN:
        sql, clean, findings = _tree_sql(ctx, mapped, consent)
        template = _template(recipe)
        if len(_RECIPES) >= MAX_RECIPES:
            _RECIPES.clear()
        _RECIPES[key] = (template, clean) if fill(template, recipe.names()) == sql else None
        return sql, clean, findings
    if known is None:
        return _tree_sql(ctx, mapped, consent)
    return fill(known[0], recipe.names()), known[1], []


def _tree_sql(
    ctx: _Ctx, mapped: dict[str, exp.Expr], consent: list[exp.Expr]
) -> tuple[str, bool, list[Finding]]:
    where = unique(_where(ctx, mapped) + consent)
    if ctx.rule.mode == "update":
        where.append(_exists_in_target(ctx, mapped))
    select, order_findings = _select(ctx, mapped, where)
    sql, clean = shapes.render(select)
    return sql, clean, order_findings


def _plain_recipe(ctx: _Ctx, mapped: dict[str, exp.Expr]) -> _Plain | None:
    """The rule as a plain recipe: every mapped field a source column as it is (no
    constant, translation, transform or cut), no filter, every primary key from a unique
    source field (no ranking), no e-mail length guard; None when it is not plain. Its
    conditions are `_where`'s, in its order, each once (`unique`)."""
    if ctx.rule.filter or not all(_unique_source(ctx, k) for k in _pk(ctx)):
        return None
    de = ctx.resolved.ecosystem.data_extensions[ctx.target.resource]
    columns: list[tuple[str, str]] = []
    required: list[str] = []
    for target in mapped:
        mapping = ctx.rule.fields[target]
        field, spec = de.fields[target], ctx.target_spec.fields[target]
        if not isinstance(mapping, str):
            return None
        source = ctx.source.fields.get(mapping)
        if ex.needs_cut(field, spec.length, source):
            return None
        if field.type == "EmailAddress" and spec.length and ex.longer(spec.length, source):
            return None
        columns.append((mapping, target))
        if (field.required or field.primary_key) and mapping not in required:
            required.append(mapping)
    db, table, _ = located(ctx, ctx.source.name)
    return _Plain(db, table, tuple(columns), tuple(required))
