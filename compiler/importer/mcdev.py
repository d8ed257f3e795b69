"""Marketing Cloud DevTools (mcdev) projects → engage/v1.

Shapes read, from the sfmc-devtools source (lib/metadataTypes/DataExtension.js,
Query.js, Automation.js) and retrieved repositories:

- `.mcdevrc.json`: `credentials.<name>.businessUnits` maps each business unit to its
  MID (`_ParentBU_` is the enterprise parent); `directories.retrieve` (default
  `retrieve/`). MIDs differ per environment, so they go into an environment overlay.
- `retrieve/<credential>/<business unit>/dataExtension/<Key>.dataExtension-meta.json`:
  CustomerKey, Name, IsSendable, SendableDataExtensionField, Fields (Name, FieldType,
  MaxLength, Scale, IsPrimaryKey, IsRequired, DefaultValue), r__folder_ContentType
  (`shared_dataextension`, `synchronizeddataextension`), r__folder_Path, retention.
- `…/query/<Key>.query-meta.json` + `.query-meta.sql`: the target is
  `r__dataExtension_key` (current mcdev) or `targetKey` (older), the update type
  `targetUpdateTypeName` (Overwrite, Update, Append).
- `…/automation/<Key>.automation-meta.json`: schedule (`icalRecur`, `startDate`,
  `timezoneName`) and steps of activities (`r__type: query`).

Older mcdev versions wrote booleans and numbers as strings (`"true"`, `"254"`); both
serialisations are read.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from compiler.importer import files as fx
from compiler.importer import lineage as ln
from compiler.importer.core import (
    E_BAD_FILE,
    E_BAD_QUERY,
    E_IMPORT_SECRET,
    W_UNKNOWN_TYPE,
    Imported,
    ImportResult,
    Status,
    resource_name,
)
from compiler.model.base import FIELD_NAME_HINT, FIELD_NAME_PATTERN, MAX_FIELD_NAME
from compiler.redact import secret_key
from compiler.secrets import find_secrets

PARENT = "_ParentBU_"
API_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,79}$")
FIELD_NAME = re.compile(FIELD_NAME_PATTERN)


def field_name_ok(name: str) -> bool:
    """A data extension field name engage keeps as it is ("First Name", "Email Address")."""
    return len(name) <= MAX_FIELD_NAME and FIELD_NAME.match(name) is not None


DE_TYPES = {"Text", "Number", "Date", "Boolean", "EmailAddress", "Phone", "Decimal", "Locale"}
UPDATE_MODES = {"overwrite": "overwrite", "update": "upsert", "append": "insert"}
RETENTION_UNITS = {"days": "days", "weeks": "weeks", "months": "months", "years": "years"}
KNOWN_TYPES = frozenset(
    [
        "asset",
        "attributeGroup",
        "automation",
        "campaign",
        "contentArea",
        "dataExtension",
        "dataExtensionField",
        "dataExtensionTemplate",
        "dataExtract",
        "dataExtractType",
        "discovery",
        "email",
        "emailSend",
        "eventDefinition",
        "fileLocation",
        "fileTransfer",
        "filter",
        "folder",
        "importFile",
        "journey",
        "list",
        "mobileCode",
        "mobileKeyword",
        "mobileMessage",
        "query",
        "role",
        "script",
        "sendClassification",
        "senderProfile",
        "transactionalEmail",
        "transactionalPush",
        "transactionalSMS",
        "triggeredSend",
        "user",
        "verification",
        "deliveryProfile",
        "domainVerification",
    ]
)
SYNC_SUFFIX = re.compile(r"^(?P<object>[A-Za-z][A-Za-z0-9_]*?)_Salesforce(?P<suffix>_\d{1,3})?$")


def boolean(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() == "true"
    return bool(value)


def integer(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


class _Reader:
    def __init__(self, root: Path, label: str, result: ImportResult) -> None:
        self.root = root
        self.label = label
        self.result = result
        self.system = "mc"
        self.units: dict[str, str] = {}  # mcdev BU → engage MC business unit name
        self.mids: dict[str, int] = {}
        self.des: dict[tuple[str, str], str] = {}  # (bu, key lower) → resource
        self.de_fields: dict[str, dict[str, dict[str, Any]]] = {}
        self.synced: dict[str, tuple[str, list[str], str]] = {}  # DE name → (object, fields, file)
        self.names: set[str] = set()
        self.query_names: set[str] = set()
        self.queries: list[tuple[Path, str, dict[str, Any], str]] = []  # (path, bu, meta, sql)
        self.automations: dict[
            str, tuple[str, dict[str, Any] | None]
        ] = {}  # query key → (integration, schedule)

    def rel(self, path: Path) -> str:
        return f"{self.label}/{path.relative_to(self.root).as_posix()}"

    def bad(self, path: Path, problem: fx.Problem) -> None:
        file = self.rel(path)
        self.result.finding(
            E_BAD_FILE, f"{file}: {problem.message}", file, problem.line, problem.column
        )
        self.result.entry(file, "(whole file)", Status.NOT_IMPORTED, problem.message)

    def json(self, path: Path) -> dict[str, Any] | None:
        value = fx.read_json(path)
        if isinstance(value, fx.Problem):
            self.bad(path, value)
            return None
        if not isinstance(value, dict):
            self.bad(path, fx.Problem("not a JSON object"))
            return None
        return self.scrub(path, value)

    def scrub(self, path: Path, value: dict[str, Any]) -> dict[str, Any]:
        """Report and blank every secret-looking value; nothing of it reaches the YAML."""
        file = self.rel(path)
        for key_path, what in list(find_secrets(value)):
            line, column = fx.find_line(path, str(key_path[-1])) if key_path else (1, 1)
            self.result.finding(
                E_IMPORT_SECRET,
                f"{file}: {what} in {'.'.join(map(str, key_path))}; it is not imported",
                file,
                line,
                column,
            )
            _set(value, key_path, "")
        return value


def _set(value: Any, path: tuple[str | int, ...], new: Any) -> None:
    for key in path[:-1]:
        value = value[key]
    value[path[-1]] = new


def _secret_keys(value: Any, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    out = []
    if isinstance(value, dict):
        for key, item in value.items():
            if secret_key(str(key)) and isinstance(item, str | int) and str(item).strip():
                out.append((*path, str(key)))
            else:
                out.extend(_secret_keys(item, (*path, str(key))))
    return out


def read_project(root: Path, label: str) -> ImportResult:
    result = ImportResult(sources=[label])
    reader = _Reader(root.resolve(), label, result)
    config = _config(reader)
    if config is None:
        return result
    retrieve = (
        config.get("directories", {}).get("retrieve", "retrieve/")
        if isinstance(config.get("directories"), dict)
        else "retrieve/"
    )
    folder = (reader.root / str(retrieve)).resolve()
    if not folder.is_relative_to(reader.root) or not folder.is_dir():
        result.finding(
            E_BAD_FILE,
            f"{label}/.mcdevrc.json: retrieve folder {retrieve!r} not found",
            f"{label}/.mcdevrc.json",
        )
        return result
    for auth in (".mcdev-auth.json",):
        if (reader.root / auth).is_file():
            _auth_file(reader, reader.root / auth)
    raw_credentials = config.get("credentials")
    credentials: dict[str, Any] = raw_credentials if isinstance(raw_credentials, dict) else {}
    for credential in sorted(credentials):
        cred = folder / credential
        if cred.is_dir():
            _credential(reader, cred, credentials[credential])
    for other in sorted(
        p for p in reader.root.iterdir() if p.is_dir() and p.name in ("deploy", "template")
    ):
        for path in sorted(q for q in other.rglob("*") if q.is_file()):
            result.entry(
                reader.rel(path),
                other.name,
                Status.NOT_IMPORTED,
                f"{other.name}/ is mcdev's staging copy, not the retrieved state",
            )
    _queries(reader)
    _finish(reader)
    return result


def _config(reader: _Reader) -> dict[str, Any] | None:
    path = reader.root / ".mcdevrc.json"
    config = fx.read_json(path)
    if isinstance(config, fx.Problem):
        reader.bad(path, config)
        return None
    if not isinstance(config, dict):
        reader.bad(path, fx.Problem("not a JSON object"))
        return None
    file = reader.rel(path)
    for key_path in _secret_keys(config):
        line, column = fx.find_line(path, f'"{key_path[-1]}"')
        reader.result.finding(
            E_IMPORT_SECRET,
            f"{file}: credential {'.'.join(key_path)} in the "
            "project configuration; it is not imported",
            file,
            line,
            column,
        )
        _set(config, key_path, "")
    credentials = config.get("credentials")
    if not isinstance(credentials, dict) or not credentials:
        reader.bad(
            path,
            fx.Problem("no credentials with business units", *fx.find_line(path, "credentials")),
        )
        return None
    if len(credentials) > 1:
        reader.result.entry(
            file,
            "credentials",
            Status.PARTIAL,
            "several credentials: each becomes a Marketing Cloud system mc_<credential>",
        )
    else:
        reader.result.entry(file, "credentials", Status.IMPORTED, "", "system.mc")
    rest = [k for k in config if k not in ("credentials", "directories", "version")]
    if rest:
        reader.result.entry(
            file, ", ".join(sorted(rest)), Status.NOT_IMPORTED, "mcdev's own options"
        )
    return config


def _auth_file(reader: _Reader, path: Path) -> None:
    value = fx.read_json(path)
    file = reader.rel(path)
    if isinstance(value, fx.Problem):
        reader.bad(path, value)
        return
    for key_path in _secret_keys(value):
        line, column = fx.find_line(path, f'"{key_path[-1]}"')
        reader.result.finding(
            E_IMPORT_SECRET,
            f"{file}: credential {'.'.join(key_path)} is "
            "committed with the project; it is not imported",
            file,
            line,
            column,
        )
    reader.result.entry(file, "(whole file)", Status.NOT_IMPORTED, "credentials are never imported")


def _credential(reader: _Reader, folder: Path, config: Any) -> None:
    units = config.get("businessUnits") if isinstance(config, dict) else None
    units = units if isinstance(units, dict) else {}
    for bu, mid in sorted(units.items()):
        name = "parent" if bu == PARENT else resource_name(bu)
        reader.units[bu] = name
        if integer(mid) is not None:
            reader.mids[name] = integer(mid)  # type: ignore[assignment]
    for bu_folder in sorted(p for p in folder.iterdir() if p.is_dir()):
        if bu_folder.name not in reader.units:
            reader.units[bu_folder.name] = resource_name(bu_folder.name)
        for type_folder in sorted(p for p in bu_folder.iterdir() if p.is_dir()):
            _type_folder(reader, bu_folder.name, type_folder)


def _type_folder(reader: _Reader, bu: str, folder: Path) -> None:
    paths = sorted(p for p in folder.rglob("*") if p.is_file())
    if folder.name == "dataExtension":
        for path in paths:
            if path.name.endswith(".dataExtension-meta.json"):
                _data_extension(reader, bu, path)
            else:
                reader.result.entry(
                    reader.rel(path),
                    "dataExtension",
                    Status.NOT_IMPORTED,
                    "not a data extension file",
                )
    elif folder.name == "query":
        for path in paths:
            if path.name.endswith(".query-meta.json"):
                meta = reader.json(path)
                sql_path = path.with_name(path.name.removesuffix(".json") + ".sql")
                if meta is not None:
                    sql = sql_path.read_text("utf-8", "replace") if sql_path.is_file() else ""
                    reader.queries.append((path, bu, meta, sql))
            elif not path.name.endswith(".query-meta.sql"):
                reader.result.entry(
                    reader.rel(path), "query", Status.NOT_IMPORTED, "not a query file"
                )
    elif folder.name == "automation":
        for path in paths:
            if path.name.endswith(".automation-meta.json"):
                _automation(reader, bu, path)
    else:
        for path in paths:
            file = reader.rel(path)
            if folder.name in KNOWN_TYPES:
                reader.result.entry(
                    file, folder.name, Status.NOT_IMPORTED, f"engage does not model {folder.name}"
                )
            else:
                reader.result.finding(
                    W_UNKNOWN_TYPE,
                    f"{file}: metadata type {folder.name!r} is unknown to engage",
                    file,
                )
                reader.result.entry(file, folder.name, Status.NOT_IMPORTED, "unknown metadata type")


# ---- data extensions ----------------------------------------------------------------------


def _de_field(raw: dict[str, Any], partial: list[str]) -> tuple[str, dict[str, Any]] | None:
    name = str(raw.get("Name", ""))
    ftype = str(raw.get("FieldType", "Text"))
    if not field_name_ok(name):
        partial.append(f"field {name!r} ({FIELD_NAME_HINT[0].lower()}{FIELD_NAME_HINT[1:]})")
        return None
    if ftype not in DE_TYPES:
        partial.append(f"field {name!r} of type {ftype!r}")
        return None
    value: dict[str, Any] = {"type": ftype}
    length, scale = integer(raw.get("MaxLength")), integer(raw.get("Scale"))
    if ftype == "Decimal":
        if length is not None:
            value["precision"] = length
        if scale is not None:
            value["scale"] = scale
    elif length is not None and ftype not in ("Date", "Boolean", "Number", "Phone", "Locale"):
        value["length"] = length
    if boolean(raw.get("IsPrimaryKey", False)):
        value["primary_key"] = True
    if boolean(raw.get("IsRequired", False)):
        value["required"] = True
    default = raw.get("DefaultValue", "")
    if default not in ("", None):
        if ftype == "Boolean":
            value["default"] = boolean(default)
        elif ftype == "Number" and integer(default) is not None:
            value["default"] = integer(default)
        else:
            value["default"] = str(default)
    extra = [
        k
        for k in raw
        if k
        not in (
            "Name",
            "FieldType",
            "MaxLength",
            "Scale",
            "IsPrimaryKey",
            "IsRequired",
            "DefaultValue",
            "ObjectID",
        )
    ]
    if extra:
        partial.append(f"field {name!r}: {', '.join(extra)} not kept")
    return name, value


DE_KEYS = {
    "CustomerKey",
    "Name",
    "Description",
    "IsSendable",
    "IsTestable",
    "SendableDataExtensionField",
    "SendableSubscriberField",
    "Fields",
    "r__folder_ContentType",
    "r__folder_Path",
    "DataRetentionPeriodLength",
    "DataRetentionPeriod",
    "RowBasedRetention",
    "ResetRetentionPeriodOnImport",
    "c__dataRetentionPeriodUnitOfMeasure",
    "c__retentionPolicy",
    "DeleteAtEndOfRetentionPeriod",
}


def _data_extension(reader: _Reader, bu: str, path: Path) -> None:
    raw = reader.json(path)
    if raw is None:
        return
    file = reader.rel(path)
    key = str(raw.get("CustomerKey") or path.name.removesuffix(".dataExtension-meta.json"))
    name_text = str(raw.get("Name") or key)
    kind = str(raw.get("r__folder_ContentType", "dataextension"))
    raw_fields = raw.get("Fields")
    fields_raw: list[Any] = raw_fields if isinstance(raw_fields, list) else []
    if kind == "synchronizeddataextension" or (
        SYNC_SUFFIX.match(name_text) and kind != "dataextension"
    ):
        match = SYNC_SUFFIX.match(name_text)
        if match is None:
            reader.result.entry(
                file,
                "DataExtension",
                Status.NOT_IMPORTED,
                "synchronized data extension of unknown object",
            )
            return
        names = [
            str(f.get("Name"))
            for f in fields_raw
            if isinstance(f, dict) and API_NAME.match(str(f.get("Name", "")))
        ]
        reader.synced[name_text] = (match.group("object"), names, file)
        reader.result.entry(
            file, "synchronized DataExtension", Status.IMPORTED, "", "integration.mc_connect"
        )
        return
    partial: list[str] = []
    fields: dict[str, Any] = {}
    for item in fields_raw:
        if isinstance(item, dict) and (parsed := _de_field(item, partial)):
            fields[parsed[0]] = parsed[1]
    if not fields:
        reader.result.entry(file, "DataExtension", Status.NOT_IMPORTED, "no field engage can hold")
        return
    value: dict[str, Any] = {
        "business_unit": reader.units[bu],
        "name": name_text,
        "external_key": key,
    }
    if raw.get("Description"):
        value["description"] = str(raw["Description"])
    folder = str(raw.get("r__folder_Path", ""))
    for prefix in ("Shared Items/Shared Data Extensions", "Data Extensions"):
        if folder == prefix or folder.startswith(prefix + "/"):
            folder = folder[len(prefix) :].strip("/")
            break
    else:
        partial.append(f"folder {folder!r} outside Data Extensions")
        folder = ""
    if folder:
        value["folder"] = folder
    value["fields"] = fields
    if boolean(raw.get("IsSendable", False)):
        send = raw.get("SendableDataExtensionField")
        field = str(send.get("Name", "")) if isinstance(send, dict) else ""
        if field in fields:
            value["sendable"] = {"field": field}
        else:
            partial.append(f"sendable field {field!r}")
        sub = raw.get("SendableSubscriberField")
        sub_name = str(sub.get("Name", "")) if isinstance(sub, dict) else ""
        if sub_name not in ("Subscriber Key", "_SubscriberKey", ""):
            partial.append(
                f"subscriber relationship to {sub_name!r} (engage relates to the subscriber key)"
            )
    if kind == "shared_dataextension":
        value["shared_with"] = "*"
        partial.append(
            "the units it is shared with are not in the retrieve: shared with every unit"
        )
    if boolean(raw.get("IsTestable", False)):
        value["testable"] = True
    partial.extend(_retention(raw, value))
    extra = sorted(k for k in raw if k not in DE_KEYS)
    if extra:
        partial.append(f"not kept: {', '.join(extra)}")
    resource = resource_name(key, reader.names)
    reader.des[(bu, key.lower())] = resource
    reader.de_fields[resource] = fields
    reader.result.add(
        Imported(
            "data_extensions", resource, value, file, f"data_extensions/{reader.units[bu]}.yaml"
        ),
        "DataExtension",
        partial,
    )


def _retention(raw: dict[str, Any], value: dict[str, Any]) -> list[str]:
    period = integer(raw.get("DataRetentionPeriodLength"))
    if not period:
        return []
    unit = str(
        raw.get("c__dataRetentionPeriodUnitOfMeasure") or raw.get("DataRetentionPeriod") or "Days"
    ).lower()
    policy = str(raw.get("c__retentionPolicy", ""))
    rows = policy == "individialRecords" or boolean(raw.get("RowBasedRetention", False))
    if unit not in RETENTION_UNITS:
        return [f"retention unit {unit!r}"]
    value["retention"] = {
        "period": period,
        "unit": RETENTION_UNITS[unit],
        "delete": "rows" if rows else "all",
    }
    if boolean(raw.get("ResetRetentionPeriodOnImport", False)):
        return ["ResetRetentionPeriodOnImport"]
    return []


# ---- automations and queries ------------------------------------------------------------


def schedule_of(raw: Any) -> tuple[dict[str, Any] | None, list[str]]:
    if not isinstance(raw, dict) or not raw.get("icalRecur"):
        return None, []
    rule = dict(part.split("=", 1) for part in str(raw["icalRecur"]).split(";") if "=" in part)
    unit = {"MINUTELY": "m", "HOURLY": "h", "DAILY": "d"}.get(rule.get("FREQ", ""))
    interval = integer(rule.get("INTERVAL", "1")) or 1
    partial: list[str] = []
    if unit is None:
        return None, [
            f"recurrence {raw['icalRecur']!r} (engage schedules by minutes, hours or days)"
        ]
    return {"every": f"{interval}{unit}"}, partial


def _automation_written(raw: dict[str, Any], schedule: dict[str, Any] | None) -> list[str]:
    """How generate writes the automation back, each key that differs named: it writes one
    automation per business unit and schedule (compiler/emit/marketing_cloud/automations.py),
    keyed by the schedule, paused, its steps ordered by the queries' data flow."""
    from compiler.emit.marketing_cloud.automations import (
        END_DATE,
        TIMEZONE,
        TYPE_ID,
        recurrence,
        slug,
    )
    from compiler.model.integrations import Schedule

    recur = recurrence(Schedule(**schedule)) if schedule else None
    if recur is None:
        return ["the automation (no schedule engage can write: its queries run unscheduled)"]
    name = f"engage_{slug(recur)}"
    out = []
    if raw.get("key") != name or raw.get("name") != name:
        out.append(
            f"key and name: generate writes {name}.automation-meta.json with the queries of "
            "every automation of this business unit on this schedule"
        )
    if raw.get("description") is not None:
        out.append("description (generate writes its own)")
    if raw.get("status") != "PausedSchedule":
        out.append(f"status {raw.get('status')!r} (generate writes PausedSchedule)")
    found = raw.get("schedule")
    sched: dict[str, Any] = found if isinstance(found, dict) else {}
    if sched.get("endDate") != END_DATE:
        out.append(f"endDate {sched.get('endDate')!r}")
    if sched.get("startDate") != recur.start:
        out.append(f"startDate (generate writes {recur.start})")
    if sched.get("timezoneName") != TIMEZONE:
        out.append(f"timezoneName (generate writes {TIMEZONE}, UTC)")
    if integer(sched.get("typeId")) != TYPE_ID[recur.freq]:
        out.append(f"typeId {sched.get('typeId')!r}")
    if raw.get("r__folder_Path") != "my automations":
        out.append(f"r__folder_Path {raw.get('r__folder_Path')!r} (generate writes my automations)")
    if raw.get("type") != "scheduled":
        out.append(f"type {raw.get('type')!r} (generate writes scheduled)")
    out.append("steps: their names and order (generate orders queries by their data flow)")
    return out


def _automation(reader: _Reader, bu: str, path: Path) -> None:
    raw = reader.json(path)
    if raw is None:
        return
    file = reader.rel(path)
    key = str(raw.get("key") or path.name.removesuffix(".automation-meta.json"))
    schedule, partial = schedule_of(raw.get("schedule"))
    name = resource_name(f"automation_{key}")
    queries = []
    for step in raw.get("steps") or []:
        for activity in (step.get("activities") or []) if isinstance(step, dict) else []:
            if not isinstance(activity, dict):
                continue
            kind = activity.get("r__type")
            ref = str(activity.get("r__key") or activity.get("name") or "")
            if kind == "query":
                queries.append(ref)
                reader.automations[ref] = (name, schedule)
            else:
                partial.append(f"activity {ref!r} of type {kind!r}")
    partial.extend(_automation_written(raw, schedule))
    value: dict[str, Any] = {"type": "query", "from": reader.system, "to": reader.system}
    value["description"] = str(raw.get("description") or f"Automation {raw.get('name', key)}")
    if schedule:
        value["schedule"] = schedule
    reader.result.add(
        Imported("integrations", name, value, file, "integrations.yaml"), "Automation", partial
    )


def _queries(reader: _Reader) -> None:
    for path, bu, meta, sql in reader.queries:
        _query(reader, path, bu, meta, sql)


def _table_object(reader: _Reader, bu: str, table: ln.Table) -> str | None:
    if table.name in reader.synced:
        return table.name
    if table.name.startswith("_"):
        return table.name  # a system data view
    owner = PARENT if table.enterprise else bu
    resource = reader.des.get((owner, table.name.lower()))
    if resource is None:  # by name, as Marketing Cloud resolves it
        for (unit, _key), res in reader.des.items():
            if unit == owner and res.lower() == resource_name(table.name).lower():
                return res
    return resource


def _query(reader: _Reader, path: Path, bu: str, meta: dict[str, Any], sql: str) -> None:
    file = reader.rel(path)
    sql_file = file.removesuffix(".json") + ".sql"
    key = str(meta.get("key") or path.name.removesuffix(".query-meta.json"))
    if not sql.strip():
        reader.result.finding(E_BAD_FILE, f"{file}: query {key!r} has no .query-meta.sql", file)
        reader.result.entry(file, "Query", Status.NOT_IMPORTED, "no SQL file")
        return
    select = ln.parse(sql)
    if isinstance(select, ln.ParseProblem):
        reader.result.finding(
            E_BAD_QUERY, f"{sql_file}: {select.message}", sql_file, select.line, select.column
        )
        reader.result.entry(
            sql_file, "Query", Status.NOT_IMPORTED, f"SQL does not parse: {select.message}"
        )
        return
    flow = ln.derive(select)
    target_key = str(meta.get("r__dataExtension_key") or meta.get("targetKey") or "")
    mode = UPDATE_MODES.get(str(meta.get("targetUpdateTypeName", "Overwrite")).lower(), "overwrite")
    partial = list(flow.not_expressed) + [f"join: {j}" for j in flow.joins]
    target = reader.des.get((bu, target_key.lower()))
    missing = target is None
    if missing:
        target = _stub(reader, bu, target_key, flow, file)
    source = _table_object(reader, bu, flow.main) if flow.main else None
    if source is None:
        reader.result.entry(
            file, "Query", Status.NOT_IMPORTED, f"its main table {flow.main} is not in the retrieve"
        )
        return
    name = resource_name(key, reader.query_names)
    integration, _ = reader.automations.get(key, ("mc_queries", None))
    fields: dict[str, Any] = {}
    for column, origin in flow.columns.items():
        if (
            origin is not None
            and origin[0] == flow.main
            and field_name_ok(column)
            and field_name_ok(origin[1])
        ):
            fields[column] = origin[1]
        else:
            partial.append(
                f"column {column} computed or read from a joined table (kept in the SQL)"
            )
    value: dict[str, Any] = {
        "integration": integration,
        "source": f"{reader.system}.{source}",
        "target": f"{reader.system}.{target}",
        "business_unit": reader.units[bu],
        "mode": mode,
    }
    if meta.get("description"):
        value["description"] = str(meta["description"])
    value["fields"] = fields
    filters = _filters(reader, source, flow.filters)
    if filters:
        value["filter"] = filters
    value["query"] = {"key": key, "name": str(meta.get("name") or key), "sql": sql}
    extra = sorted(
        k
        for k in meta
        if k
        not in (
            "name",
            "key",
            "description",
            "targetKey",
            "r__dataExtension_key",
            "targetUpdateTypeName",
            "r__folder_Path",
        )
    )
    if extra:
        partial.append(f"not kept: {', '.join(extra)}")
    if missing:
        partial.append(f"target data extension {target_key!r} is not in the retrieve")
    reader.result.add(
        Imported("sync_rules", name, value, file, "sync/queries.yaml"), "Query", partial
    )
    reader.result.entry(
        sql_file,
        "Query SQL",
        Status.IMPORTED,
        "kept as written; data flow derived",
        f"sync_rule.{name}",
    )


def _filters(reader: _Reader, source: str, found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    types = {k: v.get("type") for k, v in reader.de_fields.get(source, {}).items()}
    out = []
    for cond in found:
        cond = dict(cond)
        if types.get(cond["field"]) == "Boolean" and cond.get("value") in (0, 1):
            cond["value"] = bool(cond["value"])
        if cond.get("op") == "eq":
            cond.pop("op")
        out.append(cond)
    return out


def _stub(reader: _Reader, bu: str, key: str, flow: ln.Lineage, file: str) -> str:
    """A data extension a query writes but the retrieve lacks: declared from the columns the
    query writes (Text 255), labelled so `engage check` reports it (E2920)."""
    resource = resource_name(key or "missing_target", reader.names)
    fields = {c: {"type": "Text", "length": 255} for c in flow.columns if field_name_ok(c)}
    value: dict[str, Any] = {
        "business_unit": reader.units[bu],
        "name": key,
        "external_key": key,
        "description": "Not in the retrieve: declared by engage import from the query "
        "that writes it.",
        "labels": {"import_missing": "true"},
        "fields": fields or {"Id": {"type": "Text", "length": 255}},
    }
    reader.des[(bu, key.lower())] = resource
    reader.result.resources.append(
        Imported(
            "data_extensions", resource, value, file, f"data_extensions/{reader.units[bu]}.yaml"
        )
    )
    return resource


def _finish(reader: _Reader) -> None:
    units: dict[str, Any] = {}
    for bu, name in sorted(reader.units.items(), key=lambda kv: kv[1]):
        units[name] = {"parent": True} if bu == PARENT else {}
        units[name]["description"] = f"mcdev business unit {bu}"
    reader.result.systems[reader.system] = {
        "type": "marketing_cloud",
        "description": f"Imported from the mcdev project {reader.label}.",
        "region": "eu",
        "personal_data": "personal",
        "channels": ["email"],
        "business_units": units,
    }
    if reader.mids:
        reader.result.overlay = {
            "systems": {
                reader.system: {
                    "business_units": {n: {"mid": m} for n, m in sorted(reader.mids.items())}
                }
            }
        }
    for bu, name in sorted(reader.units.items(), key=lambda kv: kv[1]):
        reader.result.resources.append(
            Imported(
                "business_units",
                name,
                {
                    "brand": bu.strip("_"),
                    "segment": "both",
                    "marketing_cloud": {"system": reader.system, "business_unit": name},
                },
                f"{reader.label}/.mcdevrc.json",
                "business_units.yaml",
            )
        )
    if reader.synced:
        objects = {obj: fields for _de, (obj, fields, _f) in sorted(reader.synced.items())}
        files = sorted(f for (_o, _fl, f) in reader.synced.values())
        reader.result.resources.append(
            Imported(
                "integrations",
                "mc_connect",
                {
                    "type": "marketing_cloud_connect",
                    "description": "Marketing Cloud Connect: the synchronized data extensions "
                    "of the retrieve.",
                    "from": "crm",
                    "to": reader.system,
                    "marketing_cloud_connect": {"objects": objects},
                },
                files[0],
                "integrations.yaml",
            )
        )
    if any(
        q[2]
        and str(q[2].get("key") or q[0].name.removesuffix(".query-meta.json"))
        not in reader.automations
        for q in reader.queries
    ):
        reader.result.resources.append(
            Imported(
                "integrations",
                "mc_queries",
                {
                    "type": "query",
                    "from": reader.system,
                    "to": reader.system,
                    "description": "Query activities that no retrieved automation runs.",
                },
                f"{reader.label}/.mcdevrc.json",
                "integrations.yaml",
            )
        )
