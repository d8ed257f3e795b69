"""Field mappings as T-SQL (compiler.emit.marketing_cloud.expressions): each transform's
SQL, the picklist translation, constants, and when a value is cut to the target length —
at the boundary where the source is exactly as long as the target, and for every type."""

from __future__ import annotations

from typing import Any

import pytest

from compiler.emit.marketing_cloud.expressions import (
    longer,
    mapped,
    needs_cut,
    source_field,
    transforms,
)
from compiler.model.data_extensions import DeField
from compiler.model.sync import FieldMapping
from compiler.resolved import FieldSpec

TEXT10 = DeField(type="Text", length=10)


def sql(mapping: str | dict[str, Any], target: DeField = TEXT10, length: int | None = None,
        source: FieldSpec | None = None) -> str:  # fmt: skip
    m = mapping if isinstance(mapping, str) else FieldMapping.model_validate(mapping)
    return mapped(m, target, length, source).sql(dialect="tsql")


def spec(length: int | None) -> FieldSpec:
    return FieldSpec(name="N", type="text", platform="salesforce", length=length)


def test_a_field_name_reads_the_source_column() -> None:
    assert sql("Name") == "[s].[Name]"
    assert sql({"from": "Name"}) == "[s].[Name]"
    assert source_field("Name") == "Name"
    assert source_field(FieldMapping.model_validate({"value": 1})) is None


@pytest.mark.parametrize(("value", "out"), [(True, "1"), (False, "0"), (3, "3"), ("x'y", "'x''y'")])
def test_a_constant_is_a_literal_booleans_as_bits(value: object, out: str) -> None:
    assert sql({"value": value}) == out


def test_picklist_values_are_translated_in_sorted_order_keeping_others() -> None:
    assert sql({"from": "N", "values": {"b": "B", "a": "A"}}) == (
        "CASE WHEN [s].[N] = 'a' THEN 'A' WHEN [s].[N] = 'b' THEN 'B' ELSE [s].[N] END"
    )


def test_a_translation_comes_before_the_transforms() -> None:
    assert sql({"from": "N", "values": {"a": "A"}, "transform": "lower"}) == (
        "LOWER(CASE WHEN [s].[N] = 'a' THEN 'A' ELSE [s].[N] END)"
    )


@pytest.mark.parametrize(
    ("transform", "out"),
    [
        ("none", "[s].[N]"),
        ("lower", "LOWER([s].[N])"),
        ("upper", "UPPER([s].[N])"),
        ("trim", "LTRIM(RTRIM([s].[N]))"),
        ("iso_country", "UPPER(LTRIM(RTRIM([s].[N])))"),
        (
            "e164",
            "REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE([s].[N], ' ', ''), '-', ''), "
            "'(', ''), ')', ''), '.', ''), '/', '')",
        ),
        (
            "to_boolean",
            "CASE WHEN LOWER([s].[N]) IN ('true', '1', 'yes', 'y') THEN 1 ELSE 0 END",
        ),
        ("invert", "CASE WHEN [s].[N] = 1 THEN 0 WHEN [s].[N] = 0 THEN 1 END"),
        (
            "to_date",
            "CASE WHEN [s].[N] LIKE '[0-3][0-9]/[0-1][0-9]/[0-9][0-9][0-9][0-9]' "
            "THEN CONVERT(DATETIME, [s].[N], 103) ELSE CONVERT(DATETIME, [s].[N], 126) END",
        ),
        (
            "sha256",
            "LOWER(CONVERT(VARCHAR(64), HASHBYTES('SHA2_256', CAST([s].[N] AS VARCHAR(4000))), 2))",
        ),
    ],
)
def test_each_transform_has_its_sql(transform: str, out: str) -> None:
    assert sql({"from": "N", "transform": transform}, DeField(type="Text")) == out


def test_transforms_apply_in_the_order_written() -> None:
    assert sql({"from": "N", "transform": ["trim", "lower"]}, DeField(type="Text")) == (
        "LOWER(LTRIM(RTRIM([s].[N])))"
    )
    assert sql({"from": "N", "transform": ["lower", "trim"]}, DeField(type="Text")) == (
        "LTRIM(RTRIM(LOWER([s].[N])))"
    )
    assert transforms(FieldMapping.model_validate({"transform": ["none", "trim"]})) == ["trim"]
    assert transforms(FieldMapping.model_validate({"transform": "none"})) == []
    assert transforms(FieldMapping.model_validate({"transform": "trim"})) == ["trim"]
    assert transforms("Name") == []


@pytest.mark.parametrize(
    ("target", "cast"),
    [
        (DeField(type="Decimal", precision=9, scale=2), "NUMERIC(9, 2)"),
        (DeField(type="Decimal"), "NUMERIC(18, 0)"),
        (DeField(type="Number"), "INTEGER"),
        (DeField(type="Text"), "NUMERIC(38, 10)"),
    ],
)
def test_to_number_casts_to_the_targets_type(target: DeField, cast: str) -> None:
    assert sql({"from": "N", "transform": "to_number"}, target) == f"CAST([s].[N] AS {cast})"


def test_truncate_cuts_to_the_target_length_or_4000() -> None:
    assert sql({"from": "N", "transform": "truncate"}, TEXT10, 10) == "LEFT([s].[N], 10)"
    assert sql({"from": "N", "transform": "truncate"}, DeField(type="Text")) == (
        "LEFT([s].[N], 4000)"
    )


def test_a_truncate_transform_is_not_cut_twice() -> None:
    assert sql({"from": "N", "transform": ["truncate", "lower"]}, TEXT10, 10) == (
        "LOWER(LEFT([s].[N], 10))"
    )


def test_a_value_is_cut_after_its_transforms() -> None:
    assert sql({"from": "N", "transform": "lower"}, TEXT10, 10) == "LEFT(LOWER([s].[N]), 10)"


@pytest.mark.parametrize(
    ("source", "cut"), [(None, True), (spec(None), True), (spec(11), True), (spec(10), False),
                        (spec(9), False)],
)  # fmt: skip
def test_a_value_is_cut_only_when_the_source_may_be_longer(
    source: FieldSpec | None, cut: bool
) -> None:
    assert longer(10, source) is cut
    assert needs_cut(TEXT10, 10, source) is cut
    assert sql("N", TEXT10, 10, source) == ("LEFT([s].[N], 10)" if cut else "[s].[N]")


@pytest.mark.parametrize(
    ("kind", "cut"),
    [("Text", True), ("Phone", True), ("Locale", True), ("EmailAddress", False),
     ("Number", False), ("Date", False)],
)  # fmt: skip
def test_only_text_phone_and_locale_targets_are_cut(kind: str, cut: bool) -> None:
    target = DeField.model_validate({"type": kind})
    assert needs_cut(target, 10, None) is cut


def test_without_a_target_length_nothing_is_cut() -> None:
    assert needs_cut(DeField(type="Text"), None, None) is False
    assert sql("N", DeField(type="Text"), None) == "[s].[N]"
