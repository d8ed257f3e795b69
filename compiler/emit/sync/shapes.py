"""The statements of a rule from a prebuilt shape: built and rendered once, filled per rule.

Building a rule's syntax tree and writing it in two dialects costs about 0.1 s (sqlglot
copies and walks the tree several times), and an ecosystem's rules mostly differ only by
their names: `orders_1` and `orders_2` map the same kinds of fields with the same checks.
So `statements(spec)` replaces every name of the spec (the rule's flattened name, target
and source fields, key, order, filter fields, consent channels and columns) and every
string value (constants, picklist values, filter values, consent values) by a token of
the same length, renders that *shape* once with `build.statements`, cuts the text at the
tokens, and fills the cuts with each rule's own strings.

Why the filled text is byte-identical to rendering the rule itself:

* only strings that no dialect escapes are replaced (letters, digits and `_`), by tokens
  of the same characters and the same length, so quoting, escaping and the pretty
  printer's line breaks (which depend on widths) are the same;
* equal strings get equal tokens and different strings different ones, so everything
  the builder decides by comparing names (`by_name` lookups, the key's fields) decides
  the same;
* every other part of the spec (types, lengths, transforms, operators, numbers, the
  strings that are not replaced) is part of the shape's key, unchanged;
* the shape is rendered twice, with two alphabets of tokens (`Qj0jj…`, `Qk0kk…`), and used
  only when both cut into the same pieces: a token that happened to appear in the fixed
  text of the statements (or a string of the spec that equals a token) makes the two
  differ, and that rule is then rendered on its own.

The shapes of one process are kept in a bounded cache (`MAX_SHAPES`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from compiler.emit.shape_text import Cut, Tokens, cut, fill
from compiler.emit.sync import build
from compiler.emit.sync.build import EXTRACT, SyncSql, views
from compiler.emit.sync.spec import ConsentCheck, SyncSpec, TargetColumn
from compiler.model.integrations import FileFeed
from compiler.model.sync import Condition, Scalar

MAX_SHAPES = 1024
_FILE = FileFeed(pattern="*.csv")


@dataclasses.dataclass(frozen=True)
class Shape:
    duckdb: tuple[Cut, ...]
    spark: tuple[Cut, ...]


class _Tokens(Tokens):
    """Tokens, with the optional and scalar values of a sync spec."""

    def scalar(self, value: Scalar | None) -> Scalar | None:
        return self(value) if isinstance(value, str) else value

    def optional(self, value: str | None) -> str | None:
        return None if value is None else self(value)


def _target(t: TargetColumn, tok: _Tokens) -> TargetColumn:
    return dataclasses.replace(
        t,
        name=tok(t.name),
        source=tok.optional(t.source),
        constant=tok.scalar(t.constant),
        default=tok.scalar(t.default),
        values=tuple((tok(k), tok(v)) for k, v in t.values),
    )


def _condition(c: Condition, tok: _Tokens) -> Condition:
    value = c.value
    shaped = [tok.scalar(v) for v in value] if isinstance(value, list) else tok.scalar(value)
    return c.model_copy(update={"field": tok(c.field), "value": shaped})


def _consent(c: ConsentCheck, tok: _Tokens) -> ConsentCheck:
    s = c.storage
    storage = s.model_copy(
        update={
            "object": tok(s.object),
            "field": tok(s.field),
            "opted_in_values": [tok(v) for v in s.opted_in_values],
            "opted_out_values": [tok(v) for v in s.opted_out_values],
        }
    )
    return ConsentCheck(
        tok(c.channel), storage, tok.optional(c.source_column), tok.optional(c.target_column)
    )


def _flat(spec: SyncSpec) -> str:
    """The rule's name as its relation names carry it (see `build.views`)."""
    return views(spec.rule)[0][len(EXTRACT) + 1 :]


def shaped(spec: SyncSpec, tok: _Tokens) -> SyncSpec:
    """The spec with its strings replaced by tokens; only what the statements read.

    The rule's name becomes the token of its flattened name (a token is already flat), so
    the relation names of the shape are those of the rule with the token in place."""
    rule = tok(_flat(spec))
    return SyncSpec(
        rule=rule,
        source="",
        target="",
        columns=(),
        file=_FILE,
        targets=tuple(_target(t, tok) for t in spec.targets),
        key=tuple(tok(k) for k in spec.key),
        order_by=tok.optional(spec.order_by),
        order_type=spec.order_type,
        filters=tuple(_condition(c, tok) for c in spec.filters),
        consent=tuple(_consent(c, tok) for c in spec.consent),
        addresses=(),
    )


def _shape(spec: SyncSpec, render: Callable[[SyncSpec], SyncSql]) -> Shape | None:
    """Render the shape of `spec` twice, with two alphabets; None when they disagree."""
    first, second = _Tokens("j"), _Tokens("k")
    one, two = shaped(spec, first), shaped(spec, second)
    cuts_one = _cut_all(render(one), first)
    cuts_two = _cut_all(render(two), second)
    if cuts_one != cuts_two:
        return None
    return Shape(*cuts_one)


def _cut_all(sql: SyncSql, tok: _Tokens) -> tuple[tuple[Cut, ...], tuple[Cut, ...]]:
    return tuple(cut(s, tok) for s in sql.duckdb), tuple(cut(s, tok) for s in sql.spark)


def _scalar(value: Scalar | None) -> object:
    """A scalar of the shaped spec as a key: a string as it is, any other value by its
    type and repr (`True == 1 == 1.0` and `0.0 == -0.0` in a tuple, not in the text)."""
    return value if value.__class__ is str else (value.__class__, repr(value))


def shape_key(spec: SyncSpec, tok: _Tokens) -> tuple[object, ...]:
    """What `shaped(spec, tok)` holds, as a tuple (its repr cost three times as much, about
    0.07 CPU-s of a 10,000-resource plan): the same texts through `tok` in the same order,
    so `tok.strings` ends up as `shaped` leaves it; the rare filters and consent checks
    by the repr of their shaped models."""
    rule = tok(_flat(spec))
    targets = []
    for t in spec.targets:  # `_target`'s order: name, source, constant, default, values
        name = tok(t.name)
        source = tok.optional(t.source)
        constant = _scalar(tok.scalar(t.constant))
        default = _scalar(tok.scalar(t.default))
        values = tuple((tok(k), tok(v)) for k, v in t.values)
        fixed = (t.type, t.length, t.precision, t.scale, t.required, t.primary_key)
        targets.append((name, fixed, default, source, constant, values, t.transforms))
    key = tuple(tok(k) for k in spec.key)
    order_by = tok.optional(spec.order_by)
    filters = tuple(repr(_condition(c, tok)) for c in spec.filters)
    consent = tuple(repr(_consent(c, tok)) for c in spec.consent)
    return (rule, tuple(targets), key, order_by, spec.order_type, filters, consent)


_SHAPES: dict[tuple[object, ...], Shape | None] = {}


def statements(spec: SyncSpec, render: Callable[[SyncSpec], SyncSql] = build.statements) -> SyncSql:
    """`build.statements(spec)`, byte for byte, from the cached shape of the spec."""
    tok = _Tokens("j")
    key = shape_key(spec, tok)
    if key not in _SHAPES:
        if len(_SHAPES) >= MAX_SHAPES:
            _SHAPES.clear()
        _SHAPES[key] = _shape(spec, render)
    shape = _SHAPES[key]
    if shape is None:
        return render(spec)
    extract, checked = views(spec.rule)
    duckdb = tuple(fill(c, tok.strings) for c in shape.duckdb)
    spark = tuple(fill(c, tok.strings) for c in shape.spark)
    return SyncSql(spec.rule, duckdb, spark, extract, checked)
