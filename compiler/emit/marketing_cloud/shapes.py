"""Query activity SQL from prebuilt shapes: each shape written by sqlglot once, filled per query.

Writing a query's tree as pretty T-SQL (`Expr.sql(dialect="tsql", pretty=True)`) costs
about 4 ms (sqlglot copies the tree, runs its T-SQL transforms and walks it), and an
ecosystem's queries mostly differ only by their names: `[s].[Email] AS [EmailAddress]`
in every business unit's audience. So `render(tree)` replaces, in place, the text of every
quoted identifier and of every string literal outside a function call that holds only
letters, digits and `_` by a token of the same length (`Qj0jj…`, equal texts equal
tokens), takes the tokenized tree's structure as the *shape*'s key, writes the shape once,
cuts the text at the tokens and fills the cuts with each query's own texts.

Why the filled text is byte-identical to writing the query's own tree:

* only texts no quoting changes are replaced: T-SQL writes an identifier as `[` + text
  with `]` doubled + `]` and a string as `'` + text with `'` doubled + `'` (`N'…'` only
  for a national string, which a replaced literal is not), so a text of letters, digits
  and `_` is written as itself, between the same quotes, and a token of the same
  characters and length takes the same width: the pretty printer breaks its lines (it
  wraps by width) at the same places;
* an identifier sqlglot writes unquoted is never replaced (whether it quotes it depends
  on its text: a keyword would be);
* equal texts get equal tokens and different texts different ones, and every other part
  of the tree (node types, numbers, flags, the texts that are not replaced) is part of
  the key, unchanged;
* the shape is written twice, with two alphabets of tokens (`Qj0jj…`, `Qk0kk…`), and used
  only when both cut into the same pieces: a token that happened to appear in the fixed
  text (or a text of the query that equals a token) makes them differ, and that query is
  then written from its own tree.

A shape is checked once against Marketing Cloud's subset (`tsql.problems` of the shape's
text): a query of a clean shape is clean without parsing it back, because what a fill
changes is read by no check (the T-SQL tokenizer reads a bracketed identifier or a string
literal as one token whatever letters, digits and `_` it holds; `tsql` reads an
identifier's text only for a leading `#` or `@`, and string literals inside function
calls, whose text the parser may read, e.g. `HASHBYTES('SHA2_256', …)`, are kept in the
key). Queries written by a user (`rule.query`) are never shaped.

The shapes of one process are kept in a bounded cache (`MAX_SHAPES`).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from sqlglot import exp

from compiler.emit.marketing_cloud import tsql
from compiler.emit.shape_text import Cut, Tokens, cut, fill

MAX_SHAPES = 1024


@dataclasses.dataclass(frozen=True)
class Shape:
    cut: Cut
    clean: bool  # tsql.problems found nothing in the shape's text


# a node whose text is replaced, and its own text
Site = tuple[exp.Expr, str]


def _replaceable(node: exp.Expr, parent: exp.Expr | None) -> bool:
    """A quoted identifier (not a function's name), or a string literal outside a
    function call (whose text the T-SQL parser may read)."""
    cls = node.__class__
    if cls is exp.Identifier:
        return bool(node.args.get("quoted")) and not isinstance(parent, exp.Anonymous)
    if cls is exp.Literal:
        return bool(node.args.get("is_string")) and not isinstance(parent, exp.Func)
    return False


def _key(node: exp.Expr, parent: exp.Expr | None, tok: Tokens, sites: list[Site]) -> Any:
    """The node's structure with its replaceable texts set to their tokens (in place)."""
    args = node.args
    text = args.get("this")
    if text.__class__ is str and _replaceable(node, parent):
        token = tok(text)
        if token != text:
            sites.append((node, text))
            args["this"] = token
    comments = node.comments
    parts: list[Any] = [node.__class__, tuple(comments) if comments else None]
    for name, value in args.items():
        if isinstance(value, exp.Expr):
            value = _key(value, node, tok, sites)
        elif value.__class__ is list:
            value = tuple(
                _key(v, node, tok, sites) if isinstance(v, exp.Expr) else v for v in value
            )
        parts.append(name)
        parts.append(value)
    return tuple(parts)


def _write(tree: exp.Expr) -> str:
    return tree.sql(dialect="tsql", pretty=True) + "\n"


def _set(sites: list[Site], tok: Tokens | None) -> None:
    """Put each site's token of `tok` in place (its own text when `tok` is None)."""
    for node, text in sites:
        node.args["this"] = text if tok is None else tok(text)


def _shape(sites: list[Site], tree: exp.Expr, first: Tokens) -> Shape | None:
    """Write the tokenized tree with two alphabets; None when they cut differently."""
    one = _write(tree)
    second = Tokens("k")
    for _, text in sites:
        second(text)
    _set(sites, second)
    two = _write(tree)
    pieces = cut(one, first)
    if pieces != cut(two, second):
        return None
    return Shape(pieces, not tsql.problems(one))


_SHAPES: dict[Any, Shape | None] = {}
_MISSING = Shape(((), ()), False)


def render(tree: exp.Expr) -> tuple[str, bool]:
    """`tree` as pretty T-SQL with a final newline, byte for byte what sqlglot writes, and
    whether it is known clean (its shape passed `tsql.problems`). The tree is left as it
    was given."""
    tok = Tokens("j")
    sites: list[Site] = []
    try:
        key = _key(tree, None, tok, sites)
        shape = _SHAPES.get(key, _MISSING)
        if shape is _MISSING:
            if len(_SHAPES) >= MAX_SHAPES:
                _SHAPES.clear()
            shape = _SHAPES[key] = _shape(sites, tree, tok)
    except TypeError:  # an argument that cannot be part of a key: no shape
        shape = None
    finally:
        _set(sites, None)
    if shape is None:
        return _write(tree), False
    return fill(shape.cut, tok.strings), shape.clean
