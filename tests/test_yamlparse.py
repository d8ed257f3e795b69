"""The event-based YAML reader: plain values, positions, YAML 1.2 scalars and its limits."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from compiler.yamlparse import (
    _CONSTANTS,
    _NUMBER_START,
    Limits,
    ParseProblem,
    SpanNode,
    SpanTree,
    parse_text,
    resolve_plain,
)


def parse_one(text: str, limits: Limits | None = None) -> tuple[object, SpanNode]:
    docs, problem = parse_text(text, "f.yaml", limits or Limits())
    assert problem is None, problem
    assert len(docs) == 1
    return docs[0].value, docs[0].spans


def problem_of(text: str, limits: Limits | None = None) -> ParseProblem:
    docs, problem = parse_text(text, "f.yaml", limits or Limits())
    assert problem is not None and docs == []
    return problem


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("42", 42),
        ("-7", -7),
        ("0x1F", 31),
        ("0o17", 15),
        ("1.5e3", 1500.0),
        ("-.5", -0.5),
        ("true", True),
        ("False", False),
        ("~", None),
        ("null", None),
        ("yes", "yes"),  # YAML 1.2: no yes/no booleans (the Norway problem)
        ("no", "no"),
        ("1_000", "1_000"),
        ("12:30", "12:30"),
        ("crm:Contact.Email", "crm:Contact.Email"),
    ],
)
def test_plain_scalars_resolve_by_the_yaml_1_2_core_schema(text: str, expected: object) -> None:
    assert resolve_plain(text) == expected
    assert type(resolve_plain(text)) is type(expected)


def test_special_floats() -> None:
    assert resolve_plain(".inf") == math.inf
    assert resolve_plain("-.inf") == -math.inf
    assert math.isnan(resolve_plain(".nan"))


def test_quoted_scalars_stay_strings() -> None:
    value, _ = parse_one("a: 'true'\nb: \"42\"\nc: |\n  12\n")
    assert value == {"a": "true", "b": "42", "c": "12\n"}


def test_standard_tags_convert_and_others_are_refused() -> None:
    value, _ = parse_one(
        "a: !!str 12\nb: !!int '7'\nc: !!float '1'\nd: !!bool 'true'\ne: !!null ''\n"
    )
    assert value == {"a": "12", "b": 7, "c": 1.0, "d": True, "e": None}
    problem = problem_of("a: !!python/object:os.system ls\n")
    assert (problem.kind, problem.line, problem.col) == ("tag", 1, 4)
    problem = problem_of("a: !!int twelve\n")
    assert (problem.kind, problem.line, problem.col) == ("tag", 1, 4)


def test_every_value_and_key_has_its_position() -> None:
    value, spans = parse_one("a: 1\nb:\n  - x\n  - {c: d}\n")
    assert value == {"a": 1, "b": ["x", {"c": "d"}]}
    assert isinstance(spans.children, dict)
    a = spans.children["a"]
    assert (a.line, a.col, a.key_line, a.key_col) == (1, 4, 1, 1)
    b = spans.children["b"]
    assert (b.key_line, b.key_col, b.line, b.col) == (2, 1, 3, 3)
    assert isinstance(b.children, list)
    c = b.children[1].children
    assert isinstance(c, dict)
    assert (c["c"].key_line, c["c"].key_col, c["c"].line, c["c"].col) == (4, 6, 4, 9)
    assert (c["c"].end_line, c["c"].end_col) == (4, 10)


@pytest.mark.parametrize("brk", ["\n", "\r", "\r\n", "\x85", "\u2028", "\u2029"])
def test_positions_count_every_line_break_yaml_counts(brk: str) -> None:
    # the parser's table of line numbers is sized by the breaks in the text: one it did
    # not count would put a position past the table's end
    text = brk.join(["a: 1", "b:", "  - x", "  - y", ""])
    value, spans = parse_one(text)
    assert value == {"a": 1, "b": ["x", "y"]}
    assert isinstance(spans.children, dict)
    b = spans.children["b"]
    assert (b.key_line, b.line) == (2, 3)
    assert isinstance(b.children, list)
    assert [(n.line, n.col, n.end_line, n.end_col) for n in b.children] == [
        (3, 5, 3, 6),
        (4, 5, 4, 6),
    ]
    assert (spans.end_line, spans.end_col) == (5, 1)


def test_positions_past_line_256_are_exact() -> None:
    # line numbers are kept as machine ints in the span rows (no object per number)
    text = "".join(f"k{i}: v\n" for i in range(300)) + "last: [x, y]\n"
    _, spans = parse_one(text)
    assert isinstance(spans.children, dict)
    last = spans.children["last"]
    assert isinstance(last.children, list)
    x, y = last.children
    assert last.line == last.key_line == x.line == x.end_line == y.line == 301


def test_several_documents_in_one_file() -> None:
    docs, problem = parse_text("a: 1\n---\nb: 2\n---\n", "f.yaml", Limits())
    assert problem is None
    assert [d.value for d in docs] == [{"a": 1}, {"b": 2}, None]
    assert docs[1].spans.line == 3


def test_keys_become_strings() -> None:
    value, _ = parse_one("1: a\ntrue: b\n~: c\n1.5: d\n")
    assert value == {"1": "a", "true": "b", "": "c", "1.5": "d"}


def test_duplicate_key_names_both_places() -> None:
    problem = problem_of("top:\n  name: a\n  other: 1\n  name: b\n")
    assert (problem.kind, problem.line, problem.col) == ("duplicate_key", 4, 3)
    assert (problem.related_line, problem.related_col) == (2, 3)


def test_keys_that_differ_only_in_spelling_of_a_boolean_collide() -> None:
    problem = problem_of("true: 1\nTrue: 2\n")
    assert (problem.kind, problem.line, problem.col) == ("duplicate_key", 2, 1)


def test_collection_keys_are_refused() -> None:
    for text, line, col in (("? [a, b]\n: 1\n", 1, 3), ("{a: 1}: 2\n", 1, 1)):
        problem = problem_of(text)
        assert (problem.kind, problem.line, problem.col) == ("key", line, col)


def test_aliases_and_merge_keys_expand() -> None:
    value, spans = parse_one("base: &b {x: 1, y: 2}\nother:\n  <<: *b\n  y: 3\n")
    assert value == {"base": {"x": 1, "y": 2}, "other": {"y": 3, "x": 1}}
    assert isinstance(spans.children, dict)
    other = spans.children["other"].children
    assert isinstance(other, dict)
    assert (other["y"].line, other["y"].col) == (4, 6)


def test_alias_use_keeps_its_own_key_position() -> None:
    _, spans = parse_one("a: &x {k: 1}\nb: *x\n")
    assert isinstance(spans.children, dict)
    assert (spans.children["a"].key_line, spans.children["b"].key_line) == (1, 2)


def test_unknown_alias_and_bad_merge_are_syntax_problems() -> None:
    problem = problem_of("a: *nope\n")
    assert (problem.kind, problem.line, problem.col) == ("syntax", 1, 4)
    problem = problem_of("a:\n  <<: 3\n")
    assert (problem.kind, problem.line, problem.col) == ("syntax", 2, 3)


def test_billion_laughs_stops_at_the_value_budget() -> None:
    lines = ["l0: &l0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 10):
        refs = ", ".join([f"*l{i - 1}"] * 10)
        lines.append(f"l{i}: &l{i} [{refs}]")
    problem = problem_of("\n".join(lines) + "\n", Limits(max_nodes=100_000))
    assert problem.kind == "nodes"
    assert "100,000" in problem.message
    assert problem.line == 5  # l4 is the first level past 100,000 values


def test_nesting_limit() -> None:
    problem = problem_of("[" * 10_000)
    assert (problem.kind, problem.line, problem.col) == ("limit", 1, 65)
    value, _ = parse_one("[" * 64 + "]" * 64)
    assert isinstance(value, list)
    problem = problem_of("a:\n  b:\n    c: 1\n", Limits(max_depth=2))
    assert (problem.kind, problem.line, problem.col) == ("limit", 3, 5)


def test_syntax_error_position() -> None:
    problem = problem_of("a: 1\nb: [x, y\nc: 2\n")
    assert problem.kind == "syntax"
    assert (problem.line, problem.col) == (3, 2)
    assert "flow sequence" in problem.message


def test_span_tree_round_trips_through_its_cache_form() -> None:
    text = "a: &x {k: 1}\nb:\n  - x\n  - {c: d}\n  - *x\nm:\n  <<: *x\n  n: 2\n"
    _, spans = parse_one(text)
    tree = spans.tree
    assert tree is not None
    again = SpanTree.from_json("g.yaml", json.loads(json.dumps(tree.to_json())))
    assert again.node().to_list() == spans.to_list()
    assert again.node().file == "g.yaml" and tree.for_file("h.yaml").node().file == "h.yaml"


def test_damaged_span_rows_are_refused() -> None:
    _, spans = parse_one("a: 1\nb: [x]\n")
    assert spans.tree is not None
    good = spans.tree.to_json()
    for damaged in (
        [good[0][:-1], *good[1:]],  # a position short
        [good[0], good[1], good[2][:-1], *good[3:]],  # a key short
        [*good[:3], [[0, 99]], good[4]],  # an alias to no row
        [*good[:4], 99],  # a root past the rows
    ):
        with pytest.raises(ValueError):
            SpanTree.from_json("f.yaml", damaged)


def test_child_lookups_agree_with_the_children_past_the_index_threshold() -> None:
    """Collections of more than 32 children are looked up through a cached index."""
    for n in (3, 32, 33, 200):
        text = "m:\n" + "".join(f"  k{i}: {i}\n" for i in range(n)) + "l:\n"
        text += "".join(f"  - {i}\n" for i in range(n))
        _, spans = parse_one(text)
        m, seq = spans.child("m"), spans.child("l")
        assert m is not None and seq is not None
        kids, items = m.children, seq.children
        assert isinstance(kids, dict) and isinstance(items, list)
        for i in (0, n // 2, n - 1):
            got, item = m.child(f"k{i}"), seq.child(i)
            assert got is not None and item is not None
            assert got.to_list() == kids[f"k{i}"].to_list()
            assert item.to_list() == items[i].to_list()
        assert m.child("nope") is None and m.child(0) is None
        assert seq.child(n) is None and seq.child("k0") is None and seq.child(-1) is None


def test_characters_yaml_forbids_are_located() -> None:
    """libyaml reports a byte offset; the position is in characters on the right line."""
    for text, line, col in (("a: 1\n\x01", 2, 1), ("😀😀: \x02", 1, 5), ("é: [\x7f]", 1, 5)):
        problem = problem_of(text)
        assert (problem.kind, problem.line, problem.col) == ("syntax", line, col)
        assert "control characters are not allowed" in problem.message


@given(st.text(min_size=1, max_size=8))
@settings(max_examples=500, deadline=None)
def test_a_plain_scalar_starting_otherwise_than_a_number_is_its_text(text: str) -> None:
    """The parser resolves a plain scalar only when its first character is one of
    `_NUMBER_START` (or it is a constant); `resolve_plain` reads every other text as it is,
    a non-ASCII digit (`²`, `٣`) too."""
    if text in _CONSTANTS or text[0] in _NUMBER_START:
        return
    assert resolve_plain(text) is text


@pytest.mark.parametrize(
    "text",
    [
        "a: &x {b: 1}\nc: *x\nd: {<<: *x, e: 2}\n",
        "a: [1, &y 3, *y]\nb: {k: *y}\n",
        "<<: [{a: 1}, {b: 2}]\nc: 3\n",
        "a: &m\n  x: 1\nb:\n  <<: *m\n  x: 2\nc: {<<: *m}\n",
        "&k key: v\nother: {&v inner: *k}\n",
        "- &s [1, 2]\n- {a: *s, b: [*s]}\n- ²3\n- ٣\n- .5\n",
    ],
)
def test_values_and_rows_around_anchors_aliases_and_merges(text: str) -> None:
    """The loop keeps the innermost mapping's pending key in locals, and the helpers for
    anchors, aliases and merges read it from the frame: the values are ruamel's own
    loader's, and every child of a mapping has its key's mark."""
    from ruamel.yaml import YAML

    value, spans = parse_one(text)
    assert value == YAML(typ="safe", pure=True).load(text)

    def key_marks(node: SpanNode) -> None:
        children = node.children
        if isinstance(children, dict):
            for child in children.values():
                assert child.key_line >= 1 and child.key_col >= 1
                key_marks(child)
        elif isinstance(children, list):
            for child in children:
                key_marks(child)

    key_marks(spans)


@pytest.mark.parametrize("size", [1, 31, 32, 33, 34, 80])
def test_a_mapping_child_is_found_by_key_at_any_size(size: int) -> None:
    """`SpanTree.child` scans a mapping's rows in place until it has passed `_BIG`
    children, then looks the key up in the mapping's cached index: either way the node
    `children` has for the key, none for a key the mapping lacks or for `<<`."""
    text = (
        "base: &b {merged: 1}\nm:\n"
        + "".join(f"  k{i}: {{v: {i}}}\n" for i in range(size))
        + "  <<: *b\n"
    )
    for order in (1, -1):
        _, spans = parse_one(text)
        node = spans.child("m")
        assert node is not None
        children = node.children
        assert isinstance(children, dict) and len(children) == size + 1
        for key in [*sorted(children, reverse=order < 0), "nope", "<<"]:
            found = node.child(key)
            if key in children:
                assert found is not None and found.to_list() == children[key].to_list()
            else:
                assert found is None
