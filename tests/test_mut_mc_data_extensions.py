"""Data extension documents in mcdev's shape, field by field: default lengths and decimal
precision, required primary keys, default values as mcdev writes them, retention, the
sendable relationship, testable only when sendable, folders and the template name."""

from __future__ import annotations

import json
from typing import Any

import pytest

from compiler.emit.marketing_cloud.data_extensions import (
    document,
    dump,
    emit_data_extension,
    field_json,
)
from compiler.emit.marketing_cloud.names import DeInfo
from compiler.model.data_extensions import DataExtension, DeField


def info(shared: bool = False, parent: bool = False) -> DeInfo:
    return DeInfo(
        resource="subs",
        system="mc",
        business_unit="Retail",
        engage_unit="retail",
        parent=parent,
        key="subs-key",
        name="Subscribers",
        shared=shared,
        address="data_extension.subs",
    )


def de(**spec: Any) -> DataExtension:
    return DataExtension.model_validate(
        {"business_unit": "retail", "fields": {"Id": {"type": "Text"}}, **spec}
    )


def field(**spec: Any) -> dict[str, Any]:
    return field_json("F", DeField.model_validate(spec))


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ({"type": "Text"}, {"MaxLength": 50}),
        ({"type": "Text", "length": 7}, {"MaxLength": 7}),
        ({"type": "EmailAddress"}, {"MaxLength": 254}),
        ({"type": "EmailAddress", "length": 100}, {"MaxLength": 100}),
        ({"type": "Number"}, {}),
        ({"type": "Phone", "length": 20}, {"MaxLength": 20}),
        ({"type": "Decimal"}, {"MaxLength": 18, "Scale": 0}),
        ({"type": "Decimal", "precision": 10, "scale": 3}, {"MaxLength": 10, "Scale": 3}),
    ],
)
def test_lengths_and_decimal_precision(spec: dict[str, Any], expected: dict[str, Any]) -> None:
    out = field(**spec)
    assert {k: out[k] for k in ("MaxLength", "Scale") if k in out} == expected
    assert list(out) == [
        "Name",
        "DefaultValue",
        *expected,
        "IsRequired",
        "IsPrimaryKey",
        "FieldType",
    ]
    assert out["FieldType"] == spec["type"]


@pytest.mark.parametrize(
    ("spec", "required", "key"),
    [
        ({}, False, False),
        ({"required": True}, True, False),
        ({"primary_key": True}, True, True),
    ],
)
def test_a_primary_key_is_required(spec: dict[str, Any], required: bool, key: bool) -> None:
    out = field(type="Text", **spec)
    assert (out["IsRequired"], out["IsPrimaryKey"]) == (required, key)


@pytest.mark.parametrize(
    ("default", "written"),
    [(None, ""), (True, "True"), (False, "False"), (0, "0"), (2.5, "2.5"), ("x", "x"), ("", "")],
)
def test_default_values_as_mcdev_writes_them(default: object, written: str) -> None:
    assert field(type="Text", default=default)["DefaultValue"] == written


def test_a_sendable_testable_data_extension() -> None:
    doc = document(info(), de(sendable={"field": "Id"}, testable=True, description=" d \n"))
    assert doc["IsSendable"] is True and doc["IsTestable"] is True
    assert doc["Description"] == "d"
    assert doc["SendableDataExtensionField"] == {"Name": "Id"}
    assert doc["SendableSubscriberField"] == {"Name": "Subscriber Key"}


def test_testable_needs_sendable() -> None:
    doc = document(info(), de(testable=True))
    assert (doc["IsSendable"], doc["IsTestable"]) == (False, False)
    assert "SendableDataExtensionField" not in doc and "SendableSubscriberField" not in doc
    assert document(info(), de(sendable={"field": "Id"}))["IsTestable"] is False


@pytest.mark.parametrize(
    ("unit", "delete", "mc_unit", "policy"),
    [
        ("days", "rows", "Days", "individialRecords"),
        ("weeks", "all", "Weeks", "allRecordsAndDataextension"),
        ("months", "rows", "Months", "individialRecords"),
        ("years", "rows", "Years", "individialRecords"),
    ],
)
def test_retention_keys_around_the_fields(
    unit: str, delete: str, mc_unit: str, policy: str
) -> None:
    doc = document(info(), de(retention={"period": 6, "unit": unit, "delete": delete}))
    keys = list(doc)
    assert keys.index("DataRetentionPeriodLength") < keys.index("Fields")
    assert keys.index("ResetRetentionPeriodOnImport") < keys.index("Fields")
    assert keys.index("Fields") < keys.index("c__dataRetentionPeriodUnitOfMeasure")
    assert keys.index("c__retentionPolicy") < keys.index("r__folder_ContentType")
    assert doc["DataRetentionPeriodLength"] == 6
    assert doc["ResetRetentionPeriodOnImport"] is False
    assert doc["c__dataRetentionPeriodUnitOfMeasure"] == mc_unit
    assert doc["c__retentionPolicy"] == policy


def test_no_retention_no_retention_keys() -> None:
    doc = document(info(), de())
    assert not [k for k in doc if "Retention" in k or k.startswith("c__")]


@pytest.mark.parametrize(
    ("shared", "folder", "kind", "path"),
    [
        (False, "", "dataextension", "Data Extensions"),
        (False, "/", "dataextension", "Data Extensions"),
        (False, "/Loyalty/Tiers/", "dataextension", "Data Extensions/Loyalty/Tiers"),
        (True, "", "shared_dataextension", "Shared Items/Shared Data Extensions"),
        (True, "Loyalty", "shared_dataextension", "Shared Items/Shared Data Extensions/Loyalty"),
    ],
)
def test_folders(shared: bool, folder: str, kind: str, path: str) -> None:
    doc = document(info(shared=shared), de(folder=folder))
    assert (doc["r__folder_ContentType"], doc["r__folder_Path"]) == (kind, path)
    assert list(doc)[-2:] == ["r__folder_ContentType", "r__folder_Path"]


def test_template_name_only_when_declared() -> None:
    doc = document(info(), de(template="TriggeredSendDataExtension", sendable={"field": "Id"}))
    assert doc["r__dataExtensionTemplate_name"] == "TriggeredSendDataExtension"
    assert "r__dataExtensionTemplate_name" not in document(info(), de())


def test_fields_keep_declaration_order() -> None:
    doc = document(info(), de(fields={"B": {"type": "Text"}, "A": {"type": "Number"}}))
    assert [f["Name"] for f in doc["Fields"]] == ["B", "A"]


def test_emitted_file_path_bytes_and_address() -> None:
    out = emit_data_extension(info(parent=True), de())
    assert out.path == "deploy/mc/_ParentBU_/dataExtension/subs-key.dataExtension-meta.json"
    text = out.content.decode("utf-8")
    assert text.endswith("}\n") and not text.endswith("\n\n")
    assert text.splitlines()[1].startswith('    "CustomerKey": "subs-key"')
    assert json.loads(text)["Name"] == "Subscribers"
    assert out.sources == ("data_extension.subs",)
    assert dump({"a": "é"}) == '{\n    "a": "é"\n}\n'.encode()
    unit = emit_data_extension(info(), de()).path
    assert unit == "deploy/mc/Retail/dataExtension/subs-key.dataExtension-meta.json"
