"""YAML text → plain values and a span tree, straight from libyaml's event stream.

ruamel.yaml's composer builds node objects in Python (and recurses, so a deeply nested
document crashes it); its C parser (`_ruamel_yaml.CParser`) emits events about ten times
faster than composing. We build plain values from the events in one pass and keep, beside
each value, a `SpanNode` with its line and column. The same pass enforces the limits a
hostile file could abuse: nesting depth, alias expansion, duplicate keys, unknown tags.
"""

from __future__ import annotations

import math
import re
import sys
from array import array
from collections.abc import MutableSequence
from dataclasses import dataclass, field, fields
from typing import Any

from ruamel.yaml import events as ev
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.reader import ReaderError

try:  # the C-accelerated parser: ruamel.yaml.clib
    import _ruamel_yaml
    from _ruamel_yaml import CParser as _Parser

    ACCELERATED = True
except ImportError:  # pragma: no cover - the package depends on ruamel.yaml.clib
    from ruamel.yaml.parser import Parser as _PyParser
    from ruamel.yaml.reader import Reader as _Reader
    from ruamel.yaml.scanner import Scanner as _Scanner

    ACCELERATED = False

    class _Parser:  # type: ignore[no-redef]
        def __init__(self, text: str) -> None:
            self.reader = _Reader(text, loader=self)
            self.scanner = _Scanner(loader=self)
            self.parser = _PyParser(loader=self)

        def get_event(self) -> Any:
            return self.parser.get_event()


class _ScalarEvent(ev.ScalarEvent):
    """A `ScalarEvent` made in one frame: the C parser builds one Python event object per
    value, and ruamel's constructors chain three `__init__`s (ScalarEvent, NodeEvent,
    Event) for it, a fifth of the load at 10k (issue 11). Same attributes, same values."""

    __slots__ = ()

    def __init__(
        self,
        anchor: Any,
        tag: Any,
        implicit: Any,
        value: Any,
        start_mark: Any = None,
        end_mark: Any = None,
        style: Any = None,
        comment: Any = None,
    ) -> None:
        self.start_mark = start_mark
        self.end_mark = end_mark
        self.comment = comment
        self.anchor = anchor
        self.ctag = tag
        self.implicit = implicit
        self.value = value
        self.style = style


def _start(base: type[Any]) -> type[Any]:
    """A collection-start event class like `base`, made in one frame."""

    def __init__(
        self: Any,
        anchor: Any,
        tag: Any,
        implicit: Any,
        start_mark: Any = None,
        end_mark: Any = None,
        flow_style: Any = None,
        comment: Any = None,
        nr_items: int | None = None,
    ) -> None:
        self.start_mark = start_mark
        self.end_mark = end_mark
        self.comment = comment
        self.anchor = anchor
        self.ctag = tag
        self.implicit = implicit
        self.flow_style = flow_style
        self.nr_items = nr_items

    return type(base.__name__, (base,), {"__slots__": (), "__init__": __init__})


def _end(base: type[Any]) -> type[Any]:
    """A collection-end event class like `base`, made in one frame."""

    def __init__(
        self: Any, start_mark: Any = None, end_mark: Any = None, comment: Any = ev.CommentCheck
    ) -> None:
        self.start_mark = start_mark
        self.end_mark = end_mark
        self.comment = None if comment is ev.CommentCheck else comment

    return type(base.__name__, (base,), {"__slots__": (), "__init__": __init__})


_ScalarEvent.__name__ = "ScalarEvent"
_MappingStartEvent = _start(ev.MappingStartEvent)
_SequenceStartEvent = _start(ev.SequenceStartEvent)
_MappingEndEvent = _end(ev.MappingEndEvent)
_SequenceEndEvent = _end(ev.SequenceEndEvent)
if ACCELERATED:
    # The C parser looks its event classes up in its module's namespace at each event:
    # it builds these subclasses from now on, for every caller in the process. They are
    # the same classes to `isinstance` (ruamel's own composer), and set the same
    # attributes to the same values; installed once, never undone (thread-safe).
    _ruamel_yaml.ScalarEvent = _ScalarEvent
    _ruamel_yaml.MappingStartEvent = _MappingStartEvent
    _ruamel_yaml.SequenceStartEvent = _SequenceStartEvent
    _ruamel_yaml.MappingEndEvent = _MappingEndEvent
    _ruamel_yaml.SequenceEndEvent = _SequenceEndEvent
    _EV_SCALAR: type[Any] = _ScalarEvent
    _EV_MAP, _EV_SEQ = _MappingStartEvent, _SequenceStartEvent
    _EV_MAP_END, _EV_SEQ_END = _MappingEndEvent, _SequenceEndEvent
else:  # pragma: no cover - ruamel's Python parser builds its own classes
    _EV_SCALAR = ev.ScalarEvent
    _EV_MAP, _EV_SEQ = ev.MappingStartEvent, ev.SequenceStartEvent
    _EV_MAP_END, _EV_SEQ_END = ev.MappingEndEvent, ev.SequenceEndEvent


class SpanNode:
    """Where one value sits: its own region, its key's position, and its children's nodes.

    A node is either built by a later stage (`SpanNode(...)`, children given) or a view of
    one value of a parsed document's `SpanTree`, made when asked for (`SpanTree.node`):
    the parser keeps no object per value (issue 11, memory per resource)."""

    __slots__ = (
        "_at",
        "_kids",
        "_tree",
        "col",
        "end_col",
        "end_line",
        "file",
        "key_col",
        "key_line",
        "line",
    )

    def __init__(
        self,
        file: str,
        line: int,
        col: int,
        end_line: int,
        end_col: int,
        children: dict[str, SpanNode] | list[SpanNode] | None = None,
    ) -> None:
        self.file = file
        self.line = line
        self.col = col
        self.end_line = end_line
        self.end_col = end_col
        self.key_line = 0
        self.key_col = 0
        self._kids = children
        self._tree: SpanTree | None = None
        self._at = 0

    @property
    def children(self) -> dict[str, SpanNode] | list[SpanNode] | None:
        """The children's nodes: a new dict or list of views for a parsed value (alter
        it freely), the stage's own container for a built node."""
        tree = self._tree
        if tree is None:
            return self._kids
        return tree.children(self._at)

    @property
    def tree(self) -> SpanTree | None:
        """The parsed document this node is a view of; None for a node a stage built."""
        return self._tree

    def child(self, part: str | int) -> SpanNode | None:
        """The node of one child (a key of a mapping, an index of a sequence), or None."""
        tree = self._tree
        if tree is not None:
            return tree.child(self._at, part)
        kids = self._kids
        if isinstance(kids, dict):
            return kids.get(part) if isinstance(part, str) else None
        if isinstance(kids, list) and isinstance(part, int) and 0 <= part < len(kids):
            return kids[part]
        return None

    def with_key(self, line: int, col: int) -> SpanNode:
        self.key_line, self.key_col = line, col
        return self

    def to_list(self) -> list[Any]:
        """The tree beneath this node as nested lists (for tests and comparisons)."""
        kids: Any = None
        children = self.children
        if isinstance(children, dict):
            kids = {k: v.to_list() for k, v in children.items()}
        elif isinstance(children, list):
            kids = [v.to_list() for v in children]
        return [self.line, self.col, self.end_line, self.end_col, self.key_line, self.key_col, kids]


_SCALAR, _MAP, _SEQ, _ALIAS = 0, 1, 2, 3
_BIG = 32  # children past which a collection's lookups go through a cached index
_MERGE = "<<"


class SpanTree:
    """The positions of one parsed document, one row per value in walk order (a value
    before its children), in flat arrays instead of an object and a children container
    per value: at 10,000 resources the objects were about 20 MiB (issue 11, memory).

    Row `i` has six ints in `pos` from `6 * i` (line, column, end line, end column, key
    line, key column; 0 where there is no key), `meta[i]` = rows of its subtree * 4 +
    kind (scalar, mapping, sequence, alias), and `keys[i]` the key it sits under in its
    mapping (None in a sequence). An alias row stands for its anchor's row
    (`alias[i]`), with its own key mark; a mapping's `<<` merge rows are kept under the
    key "<<", which no lookup sees, and each merged key is an alias row at the mapping's
    end. Rows are never altered once the document is parsed."""

    __slots__ = ("_index", "alias", "file", "keys", "meta", "pos", "root")

    def __init__(
        self,
        file: str,
        pos: MutableSequence[int],
        meta: MutableSequence[int],
        keys: list[str | None],
        alias: dict[int, int],
        root: int = 0,
    ) -> None:
        self.file = file
        self.pos = pos
        self.meta = meta
        self.keys = keys
        self.alias = alias
        self.root = root
        self._index: dict[int, dict[str, int] | list[int]] = {}

    def for_file(self, file: str) -> SpanTree:
        """The same positions for another file of the same content (rows are shared)."""
        return SpanTree(file, self.pos, self.meta, self.keys, self.alias, self.root)

    def node(self, i: int | None = None) -> SpanNode:
        """A view of row `i` (the document's root by default)."""
        if i is None:
            i = self.root
        target = self.alias.get(i, i) if self.meta[i] & 3 == _ALIAS else i
        p = self.pos
        t = 6 * target
        node = _new(SpanNode)
        node.file = self.file
        node.line, node.col, node.end_line, node.end_col = p[t], p[t + 1], p[t + 2], p[t + 3]
        k = 6 * i + 4
        if not p[k]:  # an alias in a sequence shows its anchor's key mark
            k = t + 4
        node.key_line, node.key_col = p[k], p[k + 1]
        node._kids = None
        node._tree = self
        node._at = target
        return node

    def _rows(self, i: int) -> list[int]:
        """The rows of the children of row `i` (a mapping's merge rows left out)."""
        meta = self.meta
        end = i + (meta[i] >> 2)
        rows = []
        j = i + 1
        if meta[i] & 3 == _MAP:
            keys = self.keys
            while j < end:
                if keys[j] != _MERGE:
                    rows.append(j)
                j += meta[j] >> 2
        else:
            while j < end:
                rows.append(j)
                j += meta[j] >> 2
        return rows

    def children(self, i: int) -> dict[str, SpanNode] | list[SpanNode] | None:
        kind = self.meta[i] & 3
        if kind == _MAP:
            keys = self.keys
            return {keys[j] or "": self.node(j) for j in self._rows(i)}
        if kind == _SEQ:
            return [self.node(j) for j in self._rows(i)]
        return None

    def child(self, i: int, part: str | int) -> SpanNode | None:
        meta = self.meta
        kind = meta[i] & 3
        if kind == _MAP and isinstance(part, str):
            found = self._index.get(i)
            if found is None:
                # the children's rows scanned in place (`_rows`' walk, no list made): a
                # mapping of up to _BIG children is looked up so; a larger one, once the
                # scan has passed _BIG children, gets its cached index
                keys = self.keys
                end = i + (meta[i] >> 2)
                j = i + 1
                seen = 0
                while j < end and seen <= _BIG:
                    key = keys[j]
                    if key == part and key != _MERGE:
                        return self.node(j)
                    if key != _MERGE:
                        seen += 1
                    j += meta[j] >> 2
                if seen <= _BIG:
                    return None
                rows = self._rows(i)
                found = self._index[i] = {keys[j] or "": j for j in rows}
            assert isinstance(found, dict)
            at = found.get(part)
            return None if at is None else self.node(at)
        if kind == _SEQ and isinstance(part, int) and part >= 0:
            cached = self._index.get(i)
            if cached is None:
                cached = self._rows(i)
                if len(cached) > _BIG:
                    self._index[i] = cached
            assert isinstance(cached, list)
            return self.node(cached[part]) if part < len(cached) else None
        return None

    def to_json(self) -> list[Any]:
        """The rows as the parse cache keeps them (`from_json` reads them back)."""
        return [
            _ints(self.pos),
            _ints(self.meta),
            self.keys,
            sorted(self.alias.items()),
            self.root,
        ]

    @classmethod
    def from_json(cls, file: str, raw: list[Any]) -> SpanTree:
        pos_raw, meta_raw, keys, alias_raw, root = raw
        pos, meta = array("i", pos_raw), array("i", meta_raw)
        rows = len(meta)
        if (
            not isinstance(keys, list)
            or len(pos) != 6 * rows
            or len(keys) != rows
            or not isinstance(root, int)
            or not 0 <= root < rows
        ):
            raise ValueError("damaged span rows")
        alias = {int(a): int(t) for a, t in alias_raw}
        if any(not (0 <= a < rows and 0 <= t < rows) for a, t in alias.items()):
            raise ValueError("damaged span rows")
        return cls(
            file, pos, meta, [None if k is None else _intern(str(k)) for k in keys], alias, root
        )


_new = object.__new__


def _ints(values: MutableSequence[int]) -> list[int]:
    return values.tolist() if isinstance(values, array) else list(values)


@dataclass(frozen=True)
class Limits:
    """The loader's limits, which bound the memory and time any input can take (see
    docs/security.md). Raise one with `engage check --limit NAME=N`."""

    max_file_bytes: int = 8 * 1024 * 1024
    max_depth: int = 64
    max_nodes: int = 2_000_000  # values in one file, aliases expanded (E0010)
    max_total_nodes: int = 4_000_000  # values in all the files together (E0009)
    max_resources: int = 1_000_000  # resources declared in the ecosystem (E0008)

    @staticmethod
    def names() -> list[str]:
        return sorted(f.name for f in fields(Limits))


@dataclass(frozen=True)
class ParseProblem:
    """A problem found while parsing: kind is one of the loader's finding codes."""

    kind: str  # "syntax" | "limit" | "nodes" | "duplicate_key" | "tag" | "key"
    message: str
    line: int
    col: int
    related_line: int = 0
    related_col: int = 0


@dataclass
class ParsedDocument:
    value: Any
    spans: SpanNode  # the root's node, a view of the document's SpanTree
    nodes: int = -1  # values, aliases expanded; -1 when not known (an older cache entry)
    # (path, what it looks like) of each secret-looking string (compiler.secrets), judged
    # once per content and kept in the parse cache; None when not judged yet
    secrets: tuple[tuple[tuple[str | int, ...], str], ...] | None = None
    # the distinct strings the parser met in the document: every string value, maybe a
    # few keys more (an anchored key, a document that is one string), for the secrets
    # scan to look at without walking the value again (`find_secrets(strings=)`); the
    # loader drops them once judged, and the cache never holds them
    strings: set[str] | None = field(default=None, compare=False, repr=False)


class _Abort(Exception):
    def __init__(self, problem: ParseProblem) -> None:
        super().__init__(problem.message)
        self.problem = problem


_INT = re.compile(r"^[-+]?(?:[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$")
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")
_SPECIAL_FLOATS = {
    ".inf": math.inf,
    "+.inf": math.inf,
    "-.inf": -math.inf,
    ".nan": math.nan,
}
_CONSTANTS: dict[str, Any] = {
    "": None,
    "~": None,
    "null": None,
    "Null": None,
    "NULL": None,
    "true": True,
    "True": True,
    "TRUE": True,
    "false": False,
    "False": False,
    "FALSE": False,
}
_TAG = "tag:yaml.org,2002:"
# the first characters of the plain scalars `resolve_plain` may read as a number (every
# other text it returns as it is; a non-ASCII digit too)
_NUMBER_START = "+-.0123456789"
_intern = sys.intern


def _parse_int(text: str) -> int:
    sign = -1 if text.startswith("-") else 1
    body = text.lstrip("+-")
    if body.startswith("0x"):
        return sign * int(body[2:], 16)
    if body.startswith("0o"):
        return sign * int(body[2:], 8)
    return sign * int(body)


def resolve_plain(text: str) -> Any:
    """YAML 1.2 core schema resolution of an unquoted scalar."""
    if text in _CONSTANTS:
        return _CONSTANTS[text]
    first = text[0]
    if first.isdigit() or first in "+-.":
        if _INT.match(text):
            return _parse_int(text)
        if _FLOAT.match(text):
            return float(text)
        low = text.lower()
        if low in _SPECIAL_FLOATS:
            return _SPECIAL_FLOATS[low]
    return text


def _tagged(tag: str, text: str, line: int, col: int) -> Any:
    name = tag[len(_TAG) :] if tag.startswith(_TAG) else tag
    try:
        if name == "str":
            return text
        if name == "int":
            return _parse_int(text)
        if name == "float":
            return float(text)
        if name == "bool":
            value = _CONSTANTS.get(text)
            if isinstance(value, bool):
                return value
        if name == "null":
            return None
    except ValueError:
        pass
    raise _Abort(
        ParseProblem(
            "tag",
            f"the tag {tag!r} is not supported here (value {text[:40]!r})",
            line,
            col,
        )
    )


def _count(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + sum(_count(v) for v in value.values())
    if isinstance(value, list):
        return 1 + sum(_count(v) for v in value)
    return 1


def count_values(value: Any) -> int:
    """The values of a parsed document as the parser's budget counts them: every node,
    keys included, each alias expanded (for documents read from the cache)."""
    if isinstance(value, dict):
        return 1 + sum(1 + count_values(v) for v in value.values())
    if isinstance(value, list):
        return 1 + sum(count_values(v) for v in value)
    return 1


def _line_breaks(text: str) -> int:
    """At least as many as the line breaks libyaml counts (LF, CR, CR LF, NEL, LS, PS)."""
    return sum(text.count(c) for c in ("\n", "\r", "\x85", "\u2028", "\u2029"))


class _Builder:
    """Turns one file's event stream into ParsedDocuments."""

    def __init__(self, file: str, limits: Limits) -> None:
        self.file = file
        self.limits = limits
        self.nodes = 0
        # anchor -> (value, its row, values counted)
        self.anchors: dict[str, tuple[Any, int, int]] = {}
        self.tree = self._new_tree()

    def _new_tree(self) -> SpanTree:
        # plain lists while the document is read (list.extend is cheaper per value than
        # array.extend), packed into arrays when it ends (`_packed`)
        return SpanTree(self.file, [], [], [], {})

    def _packed(self, tree: SpanTree) -> SpanTree:
        tree.pos, tree.meta = array("i", tree.pos), array("i", tree.meta)
        return tree

    def _budget(self, n: int, line: int, col: int) -> None:
        self.nodes += n
        if self.nodes > self.limits.max_nodes:
            raise _Abort(
                ParseProblem(
                    "nodes",
                    f"the file expands to more than {self.limits.max_nodes:,} values "
                    "(an alias bomb, or a file far larger than an ecosystem needs)",
                    line,
                    col,
                )
            )

    def run(self, text: str) -> list[ParsedDocument]:
        parser = _Parser(text)
        get_event = parser.get_event
        docs: list[ParsedDocument] = []
        # Stack entries: [container, row, start_line, start_col, anchor,
        #                 pending_key, key_line, key_col, merges]
        stack: list[list[Any]] = []
        root: list[Any] = []
        scalar_t, map_t, seq_t = _EV_SCALAR, _EV_MAP, _EV_SEQ
        map_end, seq_end, alias_t = _EV_MAP_END, _EV_SEQ_END, ev.AliasEvent
        doc_start, doc_end, stream_end = (
            ev.DocumentStartEvent,
            ev.DocumentEndEvent,
            ev.StreamEndEvent,
        )
        counted = 0  # nodes of the documents before this one
        _none = object()
        max_depth = self.limits.max_depth
        max_nodes = self.limits.max_nodes
        # The values counted against max_nodes, a local of the loop: `self.nodes` is set
        # from it before a helper counts, and when the stream ends.
        nodes = self.nodes
        # The innermost open collection: its frame (stack[-1]), its container, whether
        # that is a mapping, and the frame's pending key and key mark (frame[5:8]). While
        # a frame is innermost these locals are its pending key, not the frame's list:
        # the list is written (`top[5:8] = ...`) before a helper reads it or a
        # collection opens inside, and read back when a helper may have changed it or
        # the frame is innermost again (issue 11: a key and its value, half the events,
        # cost no list reads and writes).
        top: list[Any] | None = None
        into: Any = None
        in_map = False
        pending: Any = _none
        kline = kcol = 0
        tree = self.tree
        pos, meta, keys = tree.pos, tree.meta, tree.keys
        pos_extend, meta_append, keys_append = pos.extend, meta.append, keys.append
        # 1-based line numbers by libyaml's 0-based ones
        lines = list(range(1, _line_breaks(text) + 3))
        strings: set[str] = set()  # the document's distinct string values
        strings_add = strings.add
        while True:
            event = get_event()
            et = type(event)
            if et is scalar_t:
                sm = event.start_mark
                line, col = lines[sm.line], sm.column + 1
                nodes += 1
                if nodes > max_nodes:
                    self.nodes = nodes
                    self._budget(0, line, col)
                # One string object per distinct text: keys and names repeat in every
                # resource (type, fields, business_unit...), and each event's value is a
                # fresh object (issue 11: memory per resource).
                text = _intern(event.value)
                ctag = event.ctag  # the tag as the parser gave it (`tag` is a property over it)
                if ctag is not None and (tag := str(ctag)) and tag != "!":
                    value = _tagged(tag, text, line, col)
                elif event.implicit[0] and not event.style:
                    if text in _CONSTANTS:
                        value = _CONSTANTS[text]
                    elif text[0] in _NUMBER_START:  # resolve_plain's own test, inline
                        value = resolve_plain(text)
                    else:  # most plain scalars are words
                        value = text
                else:
                    value = text
                if top is not None and not event.anchor:  # the common cases of _add, inline
                    if not in_map:
                        em = event.end_mark
                        pos_extend((line, col, lines[em.line], em.column + 1, 0, 0))
                        keys_append(None)
                        meta_append(4)  # one row, a scalar
                        into.append(value)
                        if type(value) is str:
                            strings_add(value)
                        continue
                    if pending is _none:  # a key: no row kept
                        key = (
                            value  # most keys are words
                            if type(value) is str
                            else ""
                            if value is None
                            else str(value).lower()
                            if isinstance(value, bool)
                            else str(value)
                        )
                        if key in into:
                            self._duplicate(top, key, line, col)
                        pending, kline, kcol = key, line, col
                        continue
                    if pending != _MERGE:
                        em = event.end_mark
                        pos_extend((line, col, lines[em.line], em.column + 1, kline, kcol))
                        keys_append(pending)
                        meta_append(4)
                        into[pending] = value
                        pending = _none
                        if type(value) is str:
                            strings_add(value)
                        continue
                if type(value) is str:  # a value, or an anchored key: one more is harmless
                    strings_add(value)
                if top is not None:
                    top[5], top[6], top[7] = pending, kline, kcol
                em = event.end_mark
                row = self._row(stack, line, col, _none)
                pos[6 * row + 2], pos[6 * row + 3] = lines[em.line], em.column + 1
                meta[row] = 4
                anchor = event.anchor
                if anchor:
                    self.anchors[anchor] = (value, row, 1)
                self._add(stack, root, value, row, line, col, _none)
                if top is not None:
                    pending, kline, kcol = top[5], top[6], top[7]
            elif et is map_t or et is seq_t:
                if len(stack) >= max_depth:
                    sm = event.start_mark
                    raise _Abort(
                        ParseProblem(
                            "limit",
                            f"values are nested more than {max_depth} levels deep",
                            sm.line + 1,
                            sm.column + 1,
                        )
                    )
                sm = event.start_mark
                container: Any = {} if et is map_t else []
                if event.tag and event.tag not in (_TAG + "map", _TAG + "seq", "!"):
                    raise _Abort(
                        ParseProblem(
                            "tag",
                            f"the tag {event.tag!r} is not supported here",
                            sm.line + 1,
                            sm.column + 1,
                        )
                    )
                nodes += 1  # _budget(1, ...), inline
                if nodes > max_nodes:
                    self.nodes = nodes
                    self._budget(0, sm.line + 1, sm.column + 1)
                line, col = lines[sm.line], sm.column + 1
                row = len(meta)  # the new row (_row's work, inline); its end comes later
                if in_map:
                    if pending is _none or pending == _MERGE:  # a key (refused) or a merge
                        pos_extend((line, col, 0, 0, 0, 0))
                        keys_append(_MERGE)
                    else:
                        pos_extend((line, col, 0, 0, kline, kcol))
                        keys_append(pending)
                else:
                    pos_extend((line, col, 0, 0, 0, 0))
                    keys_append(None)
                meta_append(0)
                if top is not None:
                    top[5], top[6], top[7] = pending, kline, kcol
                top = [container, row, line, col, event.anchor, _none, 0, 0, None]
                stack.append(top)
                into, in_map = container, et is map_t
                pending, kline, kcol = _none, 0, 0
            elif et is map_end or et is seq_end:
                frame = stack.pop()
                container, row, line, col, anchor, _, _, _, merges = frame
                if merges:
                    for mvalue, mrow in merges:
                        for k, v in mvalue.items():
                            if k not in container:
                                container[k] = v
                                self._merged(mrow, k)
                em = event.end_mark
                pos[6 * row + 2], pos[6 * row + 3] = lines[em.line], em.column + 1
                meta[row] = (len(meta) - row) * 4 + (_MAP if type(container) is dict else _SEQ)
                if anchor:
                    self.anchors[anchor] = (container, row, _count(container))
                if stack:  # the common cases of _add, inline
                    top = stack[-1]
                    into = top[0]
                    in_map = type(into) is dict
                    if not in_map:
                        into.append(container)
                        continue
                    pending = top[5]
                    if pending is not _none and pending != _MERGE:
                        kline, kcol = top[6], top[7]
                        into[pending] = container
                        pending = _none
                        continue
                    self._add(stack, root, container, row, line, col, _none)
                    pending, kline, kcol = top[5], top[6], top[7]
                else:
                    top, into, in_map = None, None, False
                    self._add(stack, root, container, row, line, col, _none)
            elif et is alias_t:
                sm = event.start_mark
                line, col = sm.line + 1, sm.column + 1
                found = self.anchors.get(event.anchor)
                if found is None:
                    raise _Abort(
                        ParseProblem("syntax", f"unknown alias *{event.anchor}", line, col)
                    )
                value, target, size = found
                if type(value) is str:  # an anchored key's text used as a value
                    strings_add(value)
                nodes += size  # _budget(size, ...), inline
                if nodes > max_nodes:
                    self.nodes = nodes
                    self._budget(0, line, col)
                if top is not None:
                    top[5], top[6], top[7] = pending, kline, kcol
                self._alias(stack, target, _none)
                self._add(stack, root, value, target, line, col, _none)
                if top is not None:
                    pending, kline, kcol = top[5], top[6], top[7]
            elif et is doc_start:
                root = []
                self.anchors = {}
                strings = set()
                strings_add = strings.add
                tree = self.tree = self._new_tree()
                pos, meta, keys = tree.pos, tree.meta, tree.keys
                pos_extend, meta_append, keys_append = pos.extend, meta.append, keys.append
            elif et is doc_end:
                if root:
                    tree.root = root[1]
                    node = self._packed(tree).node()
                    docs.append(ParsedDocument(root[0], node, nodes - counted, strings=strings))
                    counted = nodes
                else:
                    pos_extend((1, 1, 1, 1, 0, 0))
                    meta_append(4)
                    keys_append(None)
                    docs.append(ParsedDocument(None, self._packed(tree).node(), 1, strings=strings))
            elif et is stream_end:
                self.nodes = nodes
                return docs

    def _row(self, stack: list[list[Any]], line: int, col: int, none: object) -> int:
        """A new row for a value starting at line:col, with the key mark of where it sits
        (its end and kind are filled in when it ends)."""
        tree = self.tree
        row = len(tree.meta)
        key: str | None = None
        kline = kcol = 0
        if stack:
            frame = stack[-1]
            if type(frame[0]) is dict:
                pending = frame[5]
                # a value that is a key (anchored, or a collection: refused at its end)
                # or a merge's value is a row no lookup sees
                key = _MERGE if pending is none else pending
                if pending is not none and pending != _MERGE:
                    kline, kcol = frame[6], frame[7]
        tree.pos.extend((line, col, 0, 0, kline, kcol))
        tree.meta.append(0)
        tree.keys.append(key)
        return row

    def _alias(self, stack: list[list[Any]], target: int, none: object) -> None:
        """The row of an alias's use, standing for its anchor's row `target`. A key, or a
        merge's value, gets none."""
        tree = self.tree
        pos = tree.pos
        key: str | None = None
        kline = kcol = 0
        if stack:
            frame = stack[-1]
            if type(frame[0]) is dict:
                pending = frame[5]
                if pending is none or pending == _MERGE:
                    return
                key, kline, kcol = pending, frame[6], frame[7]
                t = 6 * target + 4
                if not pos[t]:  # the anchor's own value takes this first key mark
                    pos[t], pos[t + 1] = kline, kcol
        row = len(tree.meta)
        t = 6 * target
        pos.extend((pos[t], pos[t + 1], pos[t + 2], pos[t + 3], kline, kcol))
        tree.meta.append(4 + _ALIAS)
        tree.keys.append(key)
        tree.alias[row] = target

    def _merged(self, source: int, key: str) -> None:
        """An alias row, at the end of the mapping being closed, for the key `key` that
        a `<<` merge took from the mapping at row `source`."""
        tree = self.tree
        pos = tree.pos
        j = next(r for r in tree._rows(source) if tree.keys[r] == key)
        target = tree.alias.get(j, j) if tree.meta[j] & 3 == _ALIAS else j
        k = 6 * j + 4
        if not pos[k]:
            k = 6 * target + 4
        kline, kcol = pos[k], pos[k + 1]
        row = len(tree.meta)
        t = 6 * target
        pos.extend((pos[t], pos[t + 1], pos[t + 2], pos[t + 3], kline, kcol))
        tree.meta.append(4 + _ALIAS)
        tree.keys.append(key)
        tree.alias[row] = target

    def _duplicate(self, frame: list[Any], key: str, line: int, col: int) -> None:
        tree = self.tree
        meta, keys = tree.meta, tree.keys
        j = frame[1] + 1  # the mapping's rows so far: every child before this key is closed
        while keys[j] != key or keys[j] == _MERGE:
            j += meta[j] >> 2
        t = 6 * j + 4
        raise _Abort(
            ParseProblem(
                "duplicate_key",
                f"the key {key!r} appears twice in the same mapping",
                line,
                col,
                tree.pos[t],
                tree.pos[t + 1],
            )
        )

    def _add(
        self,
        stack: list[list[Any]],
        root: list[Any],
        value: Any,
        row: int,
        line: int,
        col: int,
        none: object,
    ) -> None:
        """Place a finished value (its row already written) in its container."""
        if not stack:
            root[:] = [value, row]
            return
        frame = stack[-1]
        container = frame[0]
        if isinstance(container, list):
            container.append(value)
            return
        pending = frame[5]
        if pending is none:  # this value is a key
            if isinstance(value, (dict, list)):
                raise _Abort(
                    ParseProblem(
                        "key", "a mapping key must be a plain value, not a collection", line, col
                    )
                )
            key = (
                ""
                if value is None
                else str(value).lower()
                if isinstance(value, bool)
                else str(value)
            )
            if key in container:
                self._duplicate(frame, key, line, col)
            frame[5], frame[6], frame[7] = key, line, col
            return
        key, kline, kcol = pending, frame[6], frame[7]
        frame[5] = none
        if key == _MERGE:
            tree = self.tree
            merges = value if isinstance(value, list) else [value]
            if isinstance(value, list):
                mrows = [tree.alias.get(r, r) for r in tree._rows(row)]
            else:
                mrows = [row]
            if not all(isinstance(m, dict) for m in merges):
                raise _Abort(
                    ParseProblem(
                        "syntax",
                        "a merge key '<<' takes a mapping or a list of mappings",
                        kline,
                        kcol,
                    )
                )
            frame[8] = (frame[8] or []) + list(zip(merges, mrows, strict=True))
            return
        container[key] = value


def parse_text(
    text: str, file: str, limits: Limits
) -> tuple[list[ParsedDocument], ParseProblem | None]:
    """Parse every document of one file; on a problem, the documents before it and the problem."""
    builder = _Builder(file, limits)
    try:
        return builder.run(text), None
    except _Abort as abort:
        return [], abort.problem
    except MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        problem = str(err.problem or err.context or "invalid YAML")
        context = f" ({err.context})" if err.context and err.problem else ""
        return [], ParseProblem("syntax", f"{problem}{context}", line, col)
    except ReaderError as err:  # a character YAML forbids, e.g. a control character
        line, col = _byte_position(text, err.position)
        char = err.character
        what = f"#x{char:04x}" if isinstance(char, int) else repr(char)
        return [], ParseProblem("syntax", f"the character {what}: {err.reason}", line, col)
    except (YAMLError, ValueError, TypeError, UnicodeError, RecursionError, OverflowError) as err:
        return [], ParseProblem("syntax", f"unreadable YAML: {err}", 1, 1)


def _byte_position(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a UTF-8 byte offset (libyaml counts bytes)."""
    before = text.encode("utf-8", "surrogatepass")[:offset].decode("utf-8", "ignore")
    return before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1
