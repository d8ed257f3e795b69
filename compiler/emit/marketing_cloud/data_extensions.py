"""Data extensions as mcdev `dataExtension/<Key>.dataExtension-meta.json` files.

The keys and their order are those of a data extension retrieved by Marketing Cloud
DevTools (SOAP API names: CustomerKey, Name, IsSendable, SendableDataExtensionField,
Fields with FieldType, MaxLength, Scale, IsPrimaryKey, IsRequired, DefaultValue; the
retention policy as mcdev's readable `c__` fields).
"""

from __future__ import annotations

from typing import Any

from compiler.emit.artifact import Emitted
from compiler.emit.jsontext import indented
from compiler.emit.marketing_cloud.names import DeInfo
from compiler.model.data_extensions import DataExtension, DeField, Retention

# Text fields default to 50 characters; EmailAddress is 254; Decimal defaults to (18, 0).
_DEFAULT_LENGTH = {"Text": 50, "EmailAddress": 254}
_RETENTION_UNIT = {"days": "Days", "weeks": "Weeks", "months": "Months", "years": "Years"}
_RETENTION_POLICY = {"rows": "individialRecords", "all": "allRecordsAndDataextension"}


def dump(doc: dict[str, Any]) -> bytes:
    """mcdev's formatting: four-space indented JSON, UTF-8, one trailing newline (written in
    C, the standard library's bytes: compiler.emit.jsontext)."""
    return indented(doc, 4)


def _default(value: str | int | float | bool | None) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "True" if value else "False"
    return str(value)


def field_json(name: str, f: DeField) -> dict[str, Any]:
    out: dict[str, Any] = {"Name": name, "DefaultValue": _default(f.default)}
    if f.type == "Decimal":
        out["MaxLength"] = f.precision or 18
        out["Scale"] = f.scale or 0
    elif f.type in _DEFAULT_LENGTH or f.length is not None:
        out["MaxLength"] = f.length or _DEFAULT_LENGTH[f.type]
    out["IsRequired"] = f.required or f.primary_key
    out["IsPrimaryKey"] = f.primary_key
    out["FieldType"] = f.type
    return out


def _retention(r: Retention) -> dict[str, Any]:
    return {
        "DataRetentionPeriodLength": r.period,
        "ResetRetentionPeriodOnImport": False,
        "c__dataRetentionPeriodUnitOfMeasure": _RETENTION_UNIT[r.unit],
        "c__retentionPolicy": _RETENTION_POLICY[r.delete],
    }


def _folder(info: DeInfo, de: DataExtension) -> tuple[str, str]:
    root, kind = ("Data Extensions", "dataextension")
    if info.shared:
        root, kind = ("Shared Items/Shared Data Extensions", "shared_dataextension")
    return kind, f"{root}/{de.folder.strip('/')}" if de.folder.strip("/") else root


def document(info: DeInfo, de: DataExtension) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "CustomerKey": info.key,
        "Name": info.name,
        "Description": de.description.strip(),
        "IsSendable": de.sendable is not None,
        "IsTestable": de.testable and de.sendable is not None,
    }
    if de.sendable is not None:
        doc["SendableDataExtensionField"] = {"Name": de.sendable.field}
        doc["SendableSubscriberField"] = {"Name": "Subscriber Key"}
    retention = _retention(de.retention) if de.retention else {}
    doc.update({k: v for k, v in retention.items() if not k.startswith("c__")})
    doc["Fields"] = [field_json(n, f) for n, f in de.fields.items()]
    doc.update({k: v for k, v in retention.items() if k.startswith("c__")})
    kind, path = _folder(info, de)
    doc["r__folder_ContentType"] = kind
    doc["r__folder_Path"] = path
    if de.template:  # mcdev's readable name of the template (DataExtension.js)
        doc["r__dataExtensionTemplate_name"] = de.template
    return doc


def emit_data_extension(info: DeInfo, de: DataExtension) -> Emitted:
    path = f"{info.folder}/dataExtension/{info.key}.dataExtension-meta.json"
    return Emitted(path, dump(document(info, de)), (info.address,))
