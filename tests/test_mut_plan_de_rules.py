"""Data extension change costs at every boundary: equal is not a shrink, default lengths,
retention units, the primary-key and empty-data-extension exemptions, the sendable
relationship, and records too malformed to read (an older engage, a hand edit)."""

from __future__ import annotations

from typing import Any

import pytest

from compiler.plan.de_rules import costs

KEY = {"type": "Text", "length": 20, "primary_key": True}
TEXT = {"type": "Text", "length": 50}


def de(fields: dict[str, Any] | Any, **extra: Any) -> dict[str, Any]:
    return {"business_unit": "retail", "fields": fields, **extra}


def found(before: dict[str, Any], after: dict[str, Any], empty: bool = False) -> list[str]:
    return [f"{c.effect} {c.path}: {c.reason}" for c in costs(before, after, empty=empty)]


def paths(before: dict[str, Any], after: dict[str, Any], empty: bool = False) -> list[str]:
    return [f"{c.effect} {c.path}" for c in costs(before, after, empty=empty)]


def one(field_before: dict[str, Any], field_after: dict[str, Any]) -> list[str]:
    return paths(de({"Id": KEY, "A": field_before}), de({"Id": KEY, "A": field_after}))


# ------------------------------------------------------------------ lengths
@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        ({"type": "Text"}, {"type": "Text", "length": 50}, []),  # default 50 == 50
        ({"type": "Text"}, {"type": "Text", "length": 49}, ["replace fields.A.length"]),
        ({"type": "Text", "length": 50}, {"type": "Text"}, []),
        ({"type": "Text", "length": 51}, {"type": "Text"}, ["replace fields.A.length"]),
        ({"type": "EmailAddress"}, {"type": "EmailAddress", "length": 254}, []),
        (
            {"type": "EmailAddress", "length": 255},
            {"type": "EmailAddress"},
            ["replace fields.A.length"],
        ),
        (
            {"type": "EmailAddress"},
            {"type": "EmailAddress", "length": 253},
            ["replace fields.A.length"],
        ),
        ({"type": "Text", "length": 30}, {"type": "Text", "length": 30}, []),
        ({"type": "Number"}, {"type": "Number", "length": 5}, []),  # no default: unknown
        ({"type": "Text", "length": 40}, {"type": "Text", "length": "30"}, []),  # "30": default 50
    ],
)
def test_length_shrinks_only_when_strictly_shorter(
    before: dict[str, Any], after: dict[str, Any], expected: list[str]
) -> None:
    assert one(before, after) == expected


def test_length_reason_names_both_lengths() -> None:
    assert found(
        de({"Id": KEY, "A": {"type": "Text"}}), de({"Id": KEY, "A": {"type": "Text", "length": 20}})
    ) == [
        "replace fields.A.length: field A shrinks from 50 to 20 characters; a length can only grow"
    ]


# ------------------------------------------------------------------ decimals and type
def test_decimal_precision_and_scale_each_shrink_on_their_own() -> None:
    dec = {"type": "Decimal", "precision": 12, "scale": 4}
    assert one(dec, {**dec, "precision": 10}) == ["replace fields.A.precision"]
    assert one(dec, {**dec, "precision": 10, "scale": 2}) == [
        "replace fields.A.precision",
        "replace fields.A.scale",
    ]
    assert one(dec, dict(dec)) == []
    assert one(dec, {**dec, "precision": 18, "scale": 6}) == []
    assert found(de({"A": dec}), de({"A": {**dec, "precision": 11}})) == [
        "replace fields.A.precision: field A's precision shrinks from 12 to 11; "
        "a decimal can only grow"
    ]


def test_type_reason_names_both_types() -> None:
    assert found(de({"A": {"type": "Text"}}), de({"A": {"type": "Date"}})) == [
        "replace fields.A.type: field A changes type from Text to Date; "
        "a field's type cannot change"
    ]


# ------------------------------------------------------------------ required
@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        (TEXT, {**TEXT, "required": True}, ["replace fields.A.required"]),
        ({**TEXT, "required": True}, {**TEXT, "required": True}, []),
        ({**TEXT, "primary_key": True}, {**TEXT, "required": True}, ["replace fields"]),
        # becoming a primary key is the primary-key rule's cost, not the nullable one
        (TEXT, {**TEXT, "primary_key": True}, ["replace fields"]),
        (TEXT, {**TEXT, "required": True, "primary_key": True}, ["replace fields"]),
        ({**TEXT, "required": True}, TEXT, []),
    ],
)
def test_nullable_becomes_required(
    before: dict[str, Any], after: dict[str, Any], expected: list[str]
) -> None:
    assert one(before, after) == expected


def test_required_reason() -> None:
    assert found(de({"A": TEXT}), de({"A": {**TEXT, "required": True}})) == [
        "replace fields.A.required: field A becomes required; "
        "a nullable field cannot become required"
    ]


# ------------------------------------------------------------------ added and dropped fields
@pytest.mark.parametrize(
    ("added", "empty", "expected"),
    [
        ({**TEXT, "required": True}, False, ["replace fields.B"]),
        ({**TEXT, "required": True}, True, []),
        ({**TEXT, "required": True, "default": ""}, False, []),
        ({"type": "Number", "required": True, "default": 0}, False, []),
        ({"type": "Boolean", "required": True, "default": False}, False, []),
        ({**TEXT, "required": False}, False, []),
        ({**TEXT, "primary_key": True}, False, ["replace fields"]),
        ({**TEXT, "primary_key": True}, True, []),
    ],
)
def test_added_field(added: dict[str, Any], empty: bool, expected: list[str]) -> None:
    assert paths(de({"Id": KEY}), de({"Id": KEY, "B": added}), empty) == expected


def test_added_required_reason() -> None:
    assert found(de({}), de({"B": {**TEXT, "required": True}})) == [
        "replace fields.B: new field B is required and has no default; existing rows would "
        "have no value for it"
    ]


def test_dropped_field_names_a_twin_of_the_same_type_only() -> None:
    same = found(de({"A": TEXT}), de({"Z": {"type": "Number"}, "B": TEXT}))
    assert same == [
        "data_loss fields.A: field A is dropped with its values (if B is its new "
        "name: a rename is a new field)"
    ]
    other = found(de({"A": TEXT}), de({"B": {"type": "Number"}}))
    assert other == ["data_loss fields.A: field A is dropped with its values"]


def test_dropping_from_an_empty_data_extension_loses_nothing() -> None:
    assert paths(de({"Id": KEY, "A": TEXT}), de({"Id": KEY}), empty=True) == []
    assert paths(de({"Id": KEY, "A": TEXT, "B": TEXT}), de({"Id": KEY})) == [
        "data_loss fields.A",
        "data_loss fields.B",
    ]


def test_primary_key_reason_says_none_when_there_was_no_key() -> None:
    assert found(de({"A": TEXT}), de({"A": {**TEXT, "primary_key": True}})) == [
        "replace fields: primary key changes from (none) to (A); a primary key can change "
        "only while the data extension is empty"
    ]
    assert found(de({"A": {**TEXT, "primary_key": True}}), de({"A": TEXT}))[0].startswith(
        "replace fields: primary key changes from (A) to (none)"
    )


# ------------------------------------------------------------------ whole data extension
def test_business_unit_move_names_both_units() -> None:
    assert found(de({}), {**de({}), "business_unit": "fashion"}) == [
        "replace business_unit: moves from business unit retail to fashion; a data extension "
        "lives in one business unit"
    ]
    assert found(de({}), de({})) == []


def test_sendable_on_and_off_and_another_related_field() -> None:
    on = found(de({}), de({}, sendable={"field": "Id"}))
    assert on == [
        "replace sendable: becomes sendable; sendability is fixed when a data extension is created"
    ]
    off = found(de({}, sendable={"field": "Id"}), de({}))
    assert off == [
        "replace sendable: becomes not sendable; sendability is fixed when a data "
        "extension is created"
    ]
    moved = found(de({}, sendable={"field": "Id"}), de({}, sendable={"field": "Email"}))
    assert moved == [
        "replace sendable.field: relates Email instead of Id to the subscriber "
        "key; the sendable relationship is fixed when a data extension is created"
    ]


def test_the_same_sendable_field_with_other_details_stays_in_place() -> None:
    before = de({}, sendable={"field": "Id", "relates_to": "Subscriber Key"})
    after = de({}, sendable={"field": "Id", "relates_to": "_SubscriberKey"})
    assert paths(before, after) == []
    assert paths(de({}, sendable={}), de({}, sendable={"field": "Id"})) == []  # empty: falsy


# ------------------------------------------------------------------ retention
def ret(period: Any, unit: str = "days") -> dict[str, Any]:
    return {"period": period, "unit": unit, "delete": "rows"}


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        (ret(1, "weeks"), ret(7), []),
        (ret(7), ret(1, "weeks"), []),
        (ret(1, "months"), ret(30), []),
        (ret(30), ret(1, "months"), []),
        (ret(1, "years"), ret(365), []),
        (ret(365), ret(1, "years"), []),
        (
            ret(1, "months"),
            ret(4, "weeks"),
            ["rows older than 28 days will be deleted (was 30 days)"],
        ),
        (ret(10, "decades"), ret(10), []),  # an unknown unit counts as days
        (ret(10), ret(10, "decades"), []),
        (ret(31), ret(30), ["rows older than 30 days will be deleted (was 31 days)"]),
        (ret(30), ret(31), []),
        (None, ret(30), ["rows older than 30 days will be deleted"]),
        (ret(30), None, []),
        ("forever", ret(30), ["rows older than 30 days will be deleted"]),
        (ret(30), ret("soon"), []),
        (ret(2.5), ret(2), []),  # 2.5 days reads as 2
        (ret(5), {"unit": "days"}, ["rows older than 0 days will be deleted (was 5 days)"]),
    ],
)
def test_retention_shortened_loses_rows(before: Any, after: Any, expected: list[str]) -> None:
    extra_b = {} if before is None else {"retention": before}
    extra_a = {} if after is None else {"retention": after}
    got = [c.reason for c in costs(de({}, **extra_b), de({}, **extra_a))]
    assert got == expected
    assert all(c.effect == "data_loss" for c in costs(de({}, **extra_b), de({}, **extra_a)))


# ------------------------------------------------------------------ malformed records and order
def test_malformed_recorded_fields_read_as_none() -> None:
    assert paths(de("not a mapping"), de({"A": TEXT})) == []
    assert paths(de({"A": "junk"}), de({"A": TEXT})) == ["replace fields.A.type"]
    assert paths({"business_unit": "retail"}, de({"A": TEXT})) == []


def test_costs_come_whole_first_then_kept_fields_by_name_then_field_set() -> None:
    before = de({"Id": KEY, "B": TEXT, "A": TEXT, "Gone": TEXT})
    after = {
        **de({"Id": KEY, "B": {"type": "Number"}, "A": {"type": "Text", "length": 5}}),
        "business_unit": "fashion",
    }
    assert paths(before, after) == [
        "replace business_unit",
        "replace fields.A.length",
        "replace fields.B.type",
        "data_loss fields.Gone",
    ]


def test_a_cost_is_frozen_and_hashable() -> None:
    (cost,) = costs(de({"A": TEXT}), de({}))
    assert len({cost, *costs(de({"A": TEXT}), de({}))}) == 1
    with pytest.raises(AttributeError):
        cost.path = "x"  # type: ignore[misc]
