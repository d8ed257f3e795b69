"""The lean event classes `compiler.yamlparse` installs in ruamel's C parser."""

from __future__ import annotations

from typing import Any

import pytest
from ruamel.yaml import events as ev

from compiler import yamlparse

pytestmark = pytest.mark.skipif(not yamlparse.ACCELERATED, reason="needs ruamel.yaml.clib")

TEXT = """\
a: &x {b: 1, c: [2, "three", !!str 4]}
d: *x
e: !custom 5
---
- plain
- 'quoted'
"""

_ATTRS = (
    "start_mark",
    "end_mark",
    "comment",
    "anchor",
    "ctag",
    "implicit",
    "value",
    "style",
    "flow_style",
    "nr_items",
)


def _events(text: str) -> list[Any]:
    import _ruamel_yaml

    parser = _ruamel_yaml.CParser(text)
    out = [parser.get_event()]
    while type(out[-1]) is not ev.StreamEndEvent:
        out.append(parser.get_event())
    return out


def _state(event: Any) -> tuple[Any, ...]:
    def get(name: str) -> Any:
        value: Any = getattr(event, name, "<unset>")
        if name.endswith("_mark") and value is not None:
            return (value.name, value.index, value.line, value.column)
        return value

    return (type(event).__name__, *(get(name) for name in _ATTRS))


def test_the_c_parser_builds_the_lean_subclasses() -> None:
    kinds = {type(e) for e in _events(TEXT)}
    assert yamlparse._ScalarEvent in kinds
    assert yamlparse._MappingStartEvent in kinds and yamlparse._SequenceStartEvent in kinds
    assert yamlparse._MappingEndEvent in kinds and yamlparse._SequenceEndEvent in kinds
    for lean, base in (
        (yamlparse._ScalarEvent, ev.ScalarEvent),
        (yamlparse._MappingStartEvent, ev.MappingStartEvent),
        (yamlparse._SequenceStartEvent, ev.SequenceStartEvent),
        (yamlparse._MappingEndEvent, ev.MappingEndEvent),
        (yamlparse._SequenceEndEvent, ev.SequenceEndEvent),
    ):
        assert issubclass(lean, base) and lean.__name__ == base.__name__
        assert lean.__slots__ == ()


def test_lean_events_carry_what_ruamels_own_classes_would() -> None:
    """Each event, rebuilt with ruamel's own class from the same arguments, is equal
    attribute for attribute (marks by position), repr included."""
    for event in _events(TEXT):
        t = type(event)
        if t is yamlparse._ScalarEvent:
            args: tuple[Any, ...] = (
                event.anchor,
                event.ctag,
                event.implicit,
                event.value,
                event.start_mark,
                event.end_mark,
                event.style,
            )
            base: Any = ev.ScalarEvent
        elif t in (yamlparse._MappingStartEvent, yamlparse._SequenceStartEvent):
            args = (
                event.anchor,
                event.ctag,
                event.implicit,
                event.start_mark,
                event.end_mark,
                event.flow_style,
            )
            base = t.__mro__[1]
        elif t in (yamlparse._MappingEndEvent, yamlparse._SequenceEndEvent):
            args = (event.start_mark, event.end_mark)
            base = t.__mro__[1]
        else:
            continue
        original = base(*args)
        assert _state(event) == _state(original)
        assert repr(event) == repr(original)
        assert event.tag == original.tag if hasattr(original, "ctag") else True


def test_lean_defaults_match_ruamels() -> None:
    for lean, base in (
        (yamlparse._ScalarEvent, ev.ScalarEvent),
        (yamlparse._MappingStartEvent, ev.MappingStartEvent),
        (yamlparse._MappingEndEvent, ev.MappingEndEvent),
    ):
        args: tuple[Any, ...] = (
            ("a", None, (True, False), "v")
            if base is ev.ScalarEvent
            else ("a", None, True)
            if base is ev.MappingStartEvent
            else ()
        )
        assert _state(lean(*args)) == _state(base(*args))
        comment: dict[str, Any] = {"comment": ["c"]}
        assert _state(lean(*args, **comment)) == _state(base(*args, **comment))


def test_ruamels_own_composer_still_reads_the_events() -> None:
    from ruamel.yaml import YAML

    yaml = YAML(typ="safe", pure=False)
    assert list(yaml.load_all(TEXT.replace("!custom ", ""))) == [
        {"a": {"b": 1, "c": [2, "three", "4"]}, "d": {"b": 1, "c": [2, "three", "4"]}, "e": 5},
        ["plain", "quoted"],
    ]


def test_parse_text_gives_the_values() -> None:
    docs, problem = yamlparse.parse_text("a: {b: 1, c: [2, x]}\n", "f.yaml", yamlparse.Limits())
    assert problem is None
    assert docs[0].value == {"a": {"b": 1, "c": [2, "x"]}}


def test_collections_placed_in_their_containers() -> None:
    """The collection-end paths: into a list, under a key, a merge's value, a key."""
    text = "a: [[1], {b: [2]}]\nc:\n  <<: {d: 3}\n  e: {f: 4}\n"
    docs, problem = yamlparse.parse_text(text, "f.yaml", yamlparse.Limits())
    assert problem is None
    assert docs[0].value == {"a": [[1], {"b": [2]}], "c": {"e": {"f": 4}, "d": 3}}
    c = docs[0].spans.child("c")
    e = c.child("e") if c is not None else None
    assert e is not None and e.to_list()[:4] == [4, 6, 4, 12]
    _, problem = yamlparse.parse_text("? [a]\n: 1\n", "f.yaml", yamlparse.Limits())
    assert problem is not None and problem.kind == "key"


def test_collections_count_against_the_node_budget() -> None:
    limits = yamlparse.Limits(max_nodes=3)
    _, problem = yamlparse.parse_text("[[], [], []]\n", "f.yaml", limits)
    assert (
        problem is not None
        and problem.kind == "nodes"
        and (problem.line, problem.col)
        == (
            1,
            10,
        )
    )
    docs, problem = yamlparse.parse_text("[[], []]\n", "f.yaml", limits)
    assert problem is None and docs[0].value == [[], []]
