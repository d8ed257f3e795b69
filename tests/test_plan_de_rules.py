"""What a data extension change costs (DOMAIN.md), one row per platform fact."""

from __future__ import annotations

from typing import Any

import pytest

from compiler.plan.de_rules import costs
from compiler.plan.replace import judge

KEY = {"type": "Text", "length": 20, "primary_key": True}
TEXT = {"type": "Text", "length": 50}


def de(fields: dict[str, dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {"business_unit": "retail", "fields": fields, **extra}


# (case, before, after, empty, expected [(effect, path)])
CASES: list[tuple[str, dict[str, Any], dict[str, Any], bool, list[tuple[str, str]]]] = [
    ("no change", de({"Id": KEY}), de({"Id": KEY}), False, []),
    (
        "type change",
        de({"Id": KEY, "A": TEXT}),
        de({"Id": KEY, "A": {"type": "Number"}}),
        False,
        [("replace", "fields.A.type")],
    ),
    (
        "length grows: in place",
        de({"Id": KEY, "A": TEXT}),
        de({"Id": KEY, "A": {"type": "Text", "length": 100}}),
        False,
        [],
    ),
    (
        "length shrinks",
        de({"Id": KEY, "A": TEXT}),
        de({"Id": KEY, "A": {"type": "Text", "length": 10}}),
        False,
        [("replace", "fields.A.length")],
    ),
    (
        "Text default length 50 shrinks to 40",
        de({"Id": KEY, "A": {"type": "Text"}}),
        de({"Id": KEY, "A": {"type": "Text", "length": 40}}),
        False,
        [("replace", "fields.A.length")],
    ),
    (
        "decimal scale shrinks",
        de({"Id": KEY, "D": {"type": "Decimal", "precision": 12, "scale": 4}}),
        de({"Id": KEY, "D": {"type": "Decimal", "precision": 12, "scale": 2}}),
        False,
        [("replace", "fields.D.scale")],
    ),
    (
        "nullable becomes required",
        de({"Id": KEY, "A": TEXT}),
        de({"Id": KEY, "A": {**TEXT, "required": True}}),
        False,
        [("replace", "fields.A.required")],
    ),
    (
        "required becomes nullable: in place",
        de({"Id": KEY, "A": {**TEXT, "required": True}}),
        de({"Id": KEY, "A": TEXT}),
        False,
        [],
    ),
    (
        "new nullable field: in place",
        de({"Id": KEY}),
        de({"Id": KEY, "A": TEXT}),
        False,
        [],
    ),
    (
        "new required field with a default: in place",
        de({"Id": KEY}),
        de({"Id": KEY, "B": {"type": "Boolean", "required": True, "default": False}}),
        False,
        [],
    ),
    (
        "new required field without default",
        de({"Id": KEY}),
        de({"Id": KEY, "A": {**TEXT, "required": True}}),
        False,
        [("replace", "fields.A")],
    ),
    (
        "new required field without default, empty data extension: in place",
        de({"Id": KEY}),
        de({"Id": KEY, "A": {**TEXT, "required": True}}),
        True,
        [],
    ),
    (
        "primary key gains a field",
        de({"Id": KEY, "A": TEXT}),
        de({"Id": KEY, "A": {**TEXT, "primary_key": True}}),
        False,
        [("replace", "fields")],
    ),
    (
        "primary key change on an empty data extension: in place",
        de({"Id": KEY, "A": TEXT}),
        de({"Id": KEY, "A": {**TEXT, "primary_key": True}}),
        True,
        [],
    ),
    (
        "new primary-key field",
        de({"Id": KEY}),
        de({"Id": KEY, "Other": KEY}),
        False,
        [("replace", "fields")],
    ),
    (
        "dropped field: data loss in place",
        de({"Id": KEY, "A": TEXT}),
        de({"Id": KEY}),
        False,
        [("data_loss", "fields.A")],
    ),
    (
        "rename = drop + add",
        de({"Id": KEY, "A": TEXT}),
        de({"Id": KEY, "B": TEXT}),
        False,
        [("data_loss", "fields.A")],
    ),
    (
        "moves to another business unit",
        de({"Id": KEY}),
        {**de({"Id": KEY}), "business_unit": "fashion"},
        False,
        [("replace", "business_unit")],
    ),
    (
        "becomes sendable",
        de({"Id": KEY}),
        de({"Id": KEY}, sendable={"field": "Id"}),
        False,
        [("replace", "sendable")],
    ),
    (
        "stops being sendable",
        de({"Id": KEY}, sendable={"field": "Id"}),
        de({"Id": KEY}),
        False,
        [("replace", "sendable")],
    ),
    (
        "another field related to the subscriber key",
        de({"Id": KEY, "Other": KEY}, sendable={"field": "Id"}),
        de({"Id": KEY, "Other": KEY}, sendable={"field": "Other"}),
        False,
        [("replace", "sendable.field")],
    ),
    (
        "the same sendable relationship: in place",
        de({"Id": KEY, "A": TEXT}, sendable={"field": "Id"}),
        de({"Id": KEY, "A": {**TEXT, "length": 80}}, sendable={"field": "Id"}),
        False,
        [],
    ),
    (
        "retention added",
        de({"Id": KEY}),
        de({"Id": KEY}, retention={"period": 30, "unit": "days", "delete": "rows"}),
        False,
        [("data_loss", "retention")],
    ),
    (
        "retention lengthened: in place",
        de({"Id": KEY}, retention={"period": 1, "unit": "months", "delete": "rows"}),
        de({"Id": KEY}, retention={"period": 1, "unit": "years", "delete": "rows"}),
        False,
        [],
    ),
]


@pytest.mark.parametrize(
    ("before", "after", "empty", "expected"),
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_data_extension_change_costs(
    before: dict[str, Any], after: dict[str, Any], empty: bool, expected: list[tuple[str, str]]
) -> None:
    found = costs(before, after, empty=empty)
    assert [(c.effect, c.path) for c in found] == expected
    assert all(c.reason for c in found)


def test_rename_reason_says_a_rename_is_a_new_field() -> None:
    found = costs(de({"Id": KEY, "First": TEXT}), de({"Id": KEY, "Given": TEXT}))
    assert "a rename is a new field" in found[0].reason
    assert "Given" in found[0].reason


def test_primary_key_reason_names_both_keys() -> None:
    found = costs(de({"Id": KEY, "A": TEXT}), de({"Id": KEY, "A": {**TEXT, "primary_key": True}}))
    assert found[0].reason.startswith("primary key changes from (Id) to (A, Id)")


@pytest.mark.parametrize(
    ("kind", "attr", "replaces"),
    [
        ("matching_rule", "object", True),
        ("duplicate_rule", "object", True),
        ("integration_user", "system", True),
        ("integration", "to", True),
        ("integration", "schedule", False),
        ("sync_rule", "target", False),
    ],
)
def test_identity_attributes_force_replacement(kind: str, attr: str, replaces: bool) -> None:
    verdict = judge(kind, {attr: "a"}, {attr: "b"})
    assert bool(verdict.replace) is replaces
