"""Attribute diffs at their boundaries: the top attribute of a path, when a list is keyed
by name (every item on both sides named, no name twice), and the empty-list edge."""

from __future__ import annotations

import dataclasses

import pytest

from compiler.plan.diff import AttributeDiff, diff_attributes


def ops(before: dict[str, object], after: dict[str, object]) -> list[tuple[str, str]]:
    return [(d.path, d.op) for d in diff_attributes(before, after)]


@pytest.mark.parametrize(
    ("path", "top"),
    [
        ("fields.EmailAddress.length", "fields"),
        ("items[Email].method", "items"),
        ("rules[a.b].x", "rules"),
        ("business_unit", "business_unit"),
    ],
)
def test_top_is_the_attribute_before_the_first_dot_or_bracket(path: str, top: str) -> None:
    assert AttributeDiff(path, "change").top == top


def test_a_diff_is_frozen_and_hashable() -> None:
    d = AttributeDiff("a", "add", None, 1)
    assert {d, AttributeDiff("a", "add", None, 1)} == {d}
    with pytest.raises(dataclasses.FrozenInstanceError):
        d.path = "b"  # type: ignore[misc]


def test_first_item_into_an_empty_list_is_an_added_item() -> None:
    assert ops({"items": []}, {"items": [{"name": "a", "v": 1}]}) == [("items[a]", "add")]
    assert ops({"items": [{"name": "a", "v": 1}]}, {"items": []}) == [("items[a]", "remove")]


def test_a_name_given_twice_makes_the_list_one_value() -> None:
    twice = [{"name": "a", "v": 1}, {"name": "a", "v": 2}]
    assert ops({"items": [{"name": "a", "v": 1}]}, {"items": twice}) == [("items", "change")]
    assert ops({"items": twice}, {"items": [{"name": "a", "v": 1}]}) == [("items", "change")]


def test_an_unnamed_item_makes_the_list_one_value() -> None:
    before = [{"name": "a", "v": 1}]
    after = [{"name": "a", "v": 1}, {"v": 2}]
    assert ops({"items": before}, {"items": after}) == [("items", "change")]


def test_the_first_name_key_both_sides_share_is_used() -> None:
    # `name` is not unique on the right, `field` is on both: keyed by field.
    before = [{"name": "x", "field": "A", "v": 1}, {"name": "y", "field": "B", "v": 1}]
    after = [{"name": "x", "field": "A", "v": 2}, {"name": "x", "field": "B", "v": 1}]
    assert ops({"items": before}, {"items": after}) == [
        ("items[A].v", "change"),
        ("items[B].name", "change"),
    ]


def test_a_change_records_both_sides_and_an_add_only_the_new_one() -> None:
    (change,) = diff_attributes({"a": 1}, {"a": 2})
    assert (change.before, change.after) == (1, 2)
    (add,) = diff_attributes({}, {"a": 2})
    assert (add.op, add.before, add.after) == ("add", None, 2)
    (remove,) = diff_attributes({"a": 1}, {})
    assert (remove.op, remove.before, remove.after) == ("remove", 1, None)


def test_a_value_changing_between_list_and_mapping_is_one_change() -> None:
    assert ops({"a": [1]}, {"a": {"b": 1}}) == [("a", "change")]
    assert ops({"a": None}, {"a": None}) == []


def test_reorder_of_kept_items_ignores_added_and_removed_ones() -> None:
    a, b, c = {"field": "A"}, {"field": "B"}, {"field": "C"}
    # C removed and a new D added in front: the kept A, B stay in order.
    assert ops({"items": [a, b, c]}, {"items": [{"field": "D"}, a, b]}) == [
        ("items[C]", "remove"),
        ("items[D]", "add"),
    ]
