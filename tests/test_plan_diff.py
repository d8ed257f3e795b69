"""Attribute diffs: paths, lists of named items matched by name, creates and deletes."""

from __future__ import annotations

from compiler.plan.diff import diff_attributes


def paths(
    before: dict[str, object] | None, after: dict[str, object] | None
) -> list[tuple[str, str]]:
    return [(d.path, d.op) for d in diff_attributes(before, after)]


def test_nested_mappings_diff_key_by_key() -> None:
    before = {"fields": {"A": {"type": "Text", "length": 10}, "B": {"type": "Number"}}}
    after = {"fields": {"A": {"type": "Text", "length": 20}, "C": {"type": "Number"}}}
    diffs = diff_attributes(before, after)
    assert [(d.path, d.op, d.before, d.after) for d in diffs] == [
        ("fields.A.length", "change", 10, 20),
        ("fields.B", "remove", {"type": "Number"}, None),
        ("fields.C", "add", None, {"type": "Number"}),
    ]


def test_list_items_are_matched_by_name_not_position() -> None:
    before: dict[str, object] = {
        "items": [{"field": "Email", "method": "exact"}, {"field": "Phone", "method": "phone"}]
    }
    after: dict[str, object] = {
        "items": [
            {"field": "Name", "method": "exact"},
            {"field": "Email", "method": "fuzzy"},
            {"field": "Phone", "method": "phone"},
        ]
    }
    # Inserting Name first would shift every item if lists were compared by position.
    assert paths(before, after) == [("items[Email].method", "change"), ("items[Name]", "add")]


def test_reordering_named_items_is_reported_once() -> None:
    a, b = {"field": "Email"}, {"field": "Phone"}
    diffs = diff_attributes({"items": [a, b]}, {"items": [b, a]})
    assert [(d.path, d.before, d.after) for d in diffs] == [
        ("items.order", ["Email", "Phone"], ["Phone", "Email"])
    ]


def test_plain_lists_compare_as_one_value() -> None:
    assert paths({"channels": ["email", "sms"]}, {"channels": ["email"]}) == [
        ("channels", "change")
    ]


def test_create_lists_every_attribute_and_no_change_lists_none() -> None:
    attrs = {"a": 1, "b": {"c": 2}}
    assert paths(None, attrs) == [("a", "add"), ("b", "add")]
    assert paths(attrs, None) == [("a", "remove"), ("b", "remove")]
    assert paths(attrs, dict(attrs)) == []


def test_the_short_ways_give_what_the_walk_gives() -> None:
    """Equal attributes, creates and deletes skip the walk: the same diffs, in order."""
    from compiler.plan.diff import _walk

    attrs = {
        "fields": {"A": {"type": "Text", "length": 10}},
        "items": [{"field": "Email"}],
        "description": "x",
        "count": 1,
    }
    same = {**attrs, "count": True}  # 1 == True: equal for the walk as for ==
    for before, after in ((attrs, dict(attrs)), (attrs, same), ({}, attrs), (attrs, {})):
        assert diff_attributes(before, after) == tuple(_walk("", before, after))
    assert diff_attributes(attrs, dict(attrs)) == ()
    assert [d.path for d in diff_attributes(None, attrs)] == [
        "count",
        "description",
        "fields",
        "items",
    ]
    assert {d.op for d in diff_attributes(attrs, None)} == {"remove"}
