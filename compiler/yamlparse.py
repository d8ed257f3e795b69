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
from dataclasses import dataclass, fields
from typing import Any

from ruamel.yaml import events as ev
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.reader import ReaderError

try:  # the C-accelerated parser: ruamel.yaml.clib
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


class SpanNode:
    """Where one value sits: its own region, its key's position, and its children's nodes."""

    __slots__ = ("children", "col", "end_col", "end_line", "file", "key_col", "key_line", "line")

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
        self.children = children

    def with_key(self, line: int, col: int) -> SpanNode:
        self.key_line, self.key_col = line, col
        return self

    def copy(self) -> SpanNode:
        """A deep copy, so that merges never alter a cached tree."""
        kids: dict[str, SpanNode] | list[SpanNode] | None
        if isinstance(self.children, dict):
            kids = {k: v.copy() for k, v in self.children.items()}
        elif isinstance(self.children, list):
            kids = [v.copy() for v in self.children]
        else:
            kids = None
        node = SpanNode(self.file, self.line, self.col, self.end_line, self.end_col, kids)
        node.key_line, node.key_col = self.key_line, self.key_col
        return node

    def to_list(self) -> list[Any]:
        kids: Any = None
        if isinstance(self.children, dict):
            kids = {k: v.to_list() for k, v in self.children.items()}
        elif isinstance(self.children, list):
            kids = [v.to_list() for v in self.children]
        return [self.line, self.col, self.end_line, self.end_col, self.key_line, self.key_col, kids]

    @classmethod
    def from_list(cls, file: str, raw: list[Any]) -> SpanNode:
        """The tree `to_list` wrote. Nodes are made without `__init__` and children by
        type, not isinstance: a warm re-check of 10k resources builds 600,000 of them
        from the parse cache."""
        new = object.__new__

        def build(raw: list[Any]) -> SpanNode:
            node = new(cls)
            node.line, node.col, node.end_line, node.end_col, kl, kc, kids = raw
            node.file, node.key_line, node.key_col = file, kl, kc
            kind = type(kids)
            if kind is dict:
                node.children = {k: build(v) for k, v in kids.items()}
            elif kind is list:
                node.children = [build(v) for v in kids]
            else:
                node.children = None
            return node

        return build(raw)


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
    spans: SpanNode
    nodes: int = -1  # values, aliases expanded; -1 when not known (an older cache entry)
    # (path, what it looks like) of each secret-looking string (compiler.secrets), judged
    # once per content and kept in the parse cache; None when not judged yet
    secrets: tuple[tuple[tuple[str | int, ...], str], ...] | None = None


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
        self.anchors: dict[str, tuple[Any, SpanNode, int]] = {}

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
        docs: list[ParsedDocument] = []
        # Stack entries: [container, span_children, start_line, start_col, anchor,
        #                 pending_key, key_line, key_col, merges]
        stack: list[list[Any]] = []
        root: list[Any] = []
        scalar_t, map_t, seq_t = ev.ScalarEvent, ev.MappingStartEvent, ev.SequenceStartEvent
        map_end, seq_end, alias_t = ev.MappingEndEvent, ev.SequenceEndEvent, ev.AliasEvent
        doc_start, doc_end, stream_end = (
            ev.DocumentStartEvent,
            ev.DocumentEndEvent,
            ev.StreamEndEvent,
        )
        file = self.file
        counted = 0  # nodes of the documents before this one
        _none = object()
        max_depth = self.limits.max_depth
        max_nodes = self.limits.max_nodes
        # One int object per line number, shared by every position on that line: past
        # 256 each `mark.line + 1` is a fresh 32-byte int, and a value keeps two or three
        # (line, end line, key line): 7 MiB of 10,000 resources (issue 11, memory).
        lines = list(range(1, _line_breaks(text) + 3))
        while True:
            event = parser.get_event()
            et = type(event)
            if et is scalar_t:
                sm = event.start_mark
                line, col = lines[sm.line], sm.column + 1
                self.nodes += 1
                if self.nodes > max_nodes:
                    self._budget(0, line, col)
                # One string object per distinct text: keys and names repeat in every
                # resource (type, fields, business_unit...), and each event's value is a
                # fresh object (issue 11: memory per resource).
                text = _intern(event.value)
                ctag = event.ctag  # the tag as the parser gave it (`tag` is a property over it)
                tag = None if ctag is None else str(ctag)
                if tag and tag != "!":
                    value = _tagged(tag, text, line, col)
                elif event.implicit[0] and not event.style:
                    if text in _CONSTANTS:
                        value = _CONSTANTS[text]
                    else:  # resolve_plain's own test, inline: most plain scalars are words
                        first = text[0]
                        value = resolve_plain(text) if first.isdigit() or first in "+-." else text
                else:
                    value = text
                anchor = event.anchor
                if stack and not anchor:  # the common cases of _add, inline: half the events
                    frame = stack[-1]
                    into = frame[0]
                    pending = frame[5]
                    if type(into) is dict and pending is _none:  # a key: no node kept
                        key = (
                            ""
                            if value is None
                            else str(value).lower()
                            if isinstance(value, bool)
                            else str(value)
                        )
                        if key in into:
                            self._duplicate(frame, key, line, col)
                        frame[5], frame[6], frame[7] = key, line, col
                        continue
                    if pending != "<<":
                        em = event.end_mark
                        node = SpanNode(file, line, col, lines[em.line], em.column + 1)
                        if type(into) is dict:
                            node.key_line, node.key_col = frame[6], frame[7]
                            frame[5] = _none
                            into[pending] = value
                            frame[1][pending] = node
                        else:
                            into.append(value)
                            frame[1].append(node)
                        continue
                em = event.end_mark
                node = SpanNode(file, line, col, lines[em.line], em.column + 1)
                if anchor:
                    self.anchors[anchor] = (value, node, 1)
                self._add(stack, root, value, node, line, col, _none)
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
                kids: Any = {} if et is map_t else []
                if event.tag and event.tag not in (_TAG + "map", _TAG + "seq", "!"):
                    raise _Abort(
                        ParseProblem(
                            "tag",
                            f"the tag {event.tag!r} is not supported here",
                            sm.line + 1,
                            sm.column + 1,
                        )
                    )
                self._budget(1, sm.line + 1, sm.column + 1)
                line, col = lines[sm.line], sm.column + 1
                stack.append([container, kids, line, col, event.anchor, _none, 0, 0, None])
            elif et is map_end or et is seq_end:
                frame = stack.pop()
                container, kids, line, col, anchor, _, _, _, merges = frame
                if merges:
                    for mvalue, mnode in merges:
                        for k, v in mvalue.items():
                            if k not in container:
                                container[k] = v
                                kids[k] = mnode.children[k]
                em = event.end_mark
                node = SpanNode(file, line, col, lines[em.line], em.column + 1, kids)
                if anchor:
                    self.anchors[anchor] = (container, node, _count(container))
                self._add(stack, root, container, node, line, col, _none)
            elif et is alias_t:
                sm = event.start_mark
                line, col = sm.line + 1, sm.column + 1
                found = self.anchors.get(event.anchor)
                if found is None:
                    raise _Abort(
                        ParseProblem("syntax", f"unknown alias *{event.anchor}", line, col)
                    )
                value, anode, size = found
                self._budget(size, line, col)
                self._add(stack, root, value, anode, line, col, _none)
            elif et is doc_start:
                root = []
                self.anchors = {}
            elif et is doc_end:
                if root:
                    docs.append(ParsedDocument(root[0], root[1], self.nodes - counted))
                    counted = self.nodes
                else:
                    docs.append(ParsedDocument(None, SpanNode(file, 1, 1, 1, 1), 1))
            elif et is stream_end:
                return docs

    @staticmethod
    def _duplicate(frame: list[Any], key: str, line: int, col: int) -> None:
        prev = frame[1][key]
        raise _Abort(
            ParseProblem(
                "duplicate_key",
                f"the key {key!r} appears twice in the same mapping",
                line,
                col,
                prev.key_line,
                prev.key_col,
            )
        )

    def _add(
        self,
        stack: list[list[Any]],
        root: list[Any],
        value: Any,
        node: SpanNode,
        line: int,
        col: int,
        none: object,
    ) -> None:
        if not stack:
            root[:] = [value, node]
            return
        frame = stack[-1]
        container = frame[0]
        if isinstance(container, list):
            container.append(value)
            frame[1].append(node)
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
        if key == "<<":
            merges = value if isinstance(value, list) else [value]
            mnodes = node.children if isinstance(value, list) else [node]
            if not all(isinstance(m, dict) for m in merges):
                raise _Abort(
                    ParseProblem(
                        "syntax",
                        "a merge key '<<' takes a mapping or a list of mappings",
                        kline,
                        kcol,
                    )
                )
            frame[8] = (frame[8] or []) + list(zip(merges, mnodes or [], strict=True))
            return
        container[key] = value
        if node.key_line:  # an alias shares its anchor's node: give this use its own key mark
            node = node.copy()
        frame[1][key] = node.with_key(kline, kcol)


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
    except (YAMLError, ValueError, TypeError, UnicodeError, RecursionError) as err:
        return [], ParseProblem("syntax", f"unreadable YAML: {err}", 1, 1)


def _byte_position(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a UTF-8 byte offset (libyaml counts bytes)."""
    before = text.encode("utf-8", "surrogatepass")[:offset].decode("utf-8", "ignore")
    return before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1
