"""Round trip: `engage import` then `engage generate` reproduces the retrieved files.

Per file type, the generated file is compared with the retrieved one element by element
(XML) or key by key (JSON, after reading both mcdev serialisations alike). A file the
report calls imported must come back identical; a file it calls partly imported may
differ only in the elements its report entry names, so nothing is lost silently.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from conftest import RunEngage
from lxml import etree

from compiler.importer.core import Entry, Status

ORGS = Path(__file__).parent / "fixtures" / "orgs"
SF_SOURCE = Path("orgs/sf_retail/force-app/main/default")
MC_SOURCE = Path("orgs/mc_retail/retrieve/solvis")
XSI_NIL = "{http://www.w3.org/2001/XMLSchema-instance}nil"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("roundtrip")


@pytest.fixture
def generated(in_tmp: Path, engage: RunEngage) -> tuple[Path, dict[str, Entry]]:
    shutil.copytree(ORGS, in_tmp / "orgs")
    imported = engage(
        "import", "orgs/sf_retail", "orgs/mc_retail", "--out", "eco", "--format", "json"
    )
    assert imported.code == 0, imported.out
    # the fixtures hold planted conflicts, which refuse generate unless allowed
    run = engage("generate", "eco", "--out", "build", "--allow-conflicts")
    assert run.code in (0, 1), run.out
    # the report as written (its permission sets compared with what generate writes)
    entries = {
        e["file"]: Entry(e["file"], e["element"], Status(e["status"]), e["reason"], e["address"])
        for e in json.loads(imported.out)["entries"]
        if e["element"] not in ("Query SQL",)
    }
    return in_tmp / "build", entries


def _xml(path: Path) -> list[tuple[str, Any]]:
    """Child elements as (tag, text or children), xsi:nil as None, namespaces dropped."""

    def node(e: Any) -> Any:
        kids = [c for c in e if isinstance(c.tag, str)]
        if not kids:
            return None if e.get(XSI_NIL) == "true" else (e.text or "").strip()
        return [(etree.QName(c).localname, node(c)) for c in kids]

    root = etree.parse(str(path)).getroot()
    value = node(root)
    assert isinstance(value, list)
    return value


def _differing_tags(a: list[tuple[str, Any]], b: list[tuple[str, Any]]) -> set[str]:
    tags = {t for t, _ in a} | {t for t, _ in b}
    return {t for t in tags if [v for x, v in a if x == t] != [v for x, v in b if x == t]}


def _reason_names(tags: set[str], entry: Entry) -> None:
    assert entry.status is Status.PARTIAL, (entry.file, sorted(tags))
    for tag in tags:
        assert tag in entry.reason or _alias(tag) in entry.reason, (entry.file, tag, entry.reason)


def _alias(tag: str) -> str:
    """Report wording of a generated element: a picklist default is a 'default value'."""
    return {"valueSet": "default value", "duplicateRuleFilter": "filter item"}.get(tag, tag)


@pytest.mark.parametrize(
    "folder",
    ["duplicateRules", "matchingRules", "objects", "permissionsets"],
)
def test_salesforce_files_round_trip(generated: tuple[Path, dict[str, Entry]], folder: str) -> None:
    build, entries = generated
    out = build / "salesforce" / "force-app" / "main" / "default" / folder
    files = sorted(out.rglob("*-meta.xml"))
    assert files
    for path in files:
        source = SF_SOURCE / folder / path.relative_to(out)
        entry = entries[source.as_posix()]
        tags = _differing_tags(_xml(source), _xml(path))
        if entry.status is Status.IMPORTED:
            assert tags == set(), (source, sorted(tags))
        else:
            _reason_names(tags, entry)


def test_every_imported_salesforce_component_is_generated(
    generated: tuple[Path, dict[str, Entry]],
) -> None:
    build, entries = generated
    out = build / "salesforce" / "force-app" / "main" / "default"
    for file, entry in entries.items():
        if (
            file.startswith(SF_SOURCE.as_posix())
            and entry.address
            and entry.element != "RecordType"
        ):
            rel = Path(file).relative_to(SF_SOURCE)
            assert (out / rel).is_file(), rel


BOOL_KEYS = {"IsSendable", "IsTestable", "IsRequired", "IsPrimaryKey", "RowBasedRetention"}
INT_KEYS = {"MaxLength", "Scale", "DataRetentionPeriodLength"}


def _normal(value: Any) -> Any:
    """Both mcdev serialisations alike: "true" → True, "254" → 254, the older retention
    and target keys under their current names."""
    if isinstance(value, list):
        return [_normal(v) for v in value]
    if not isinstance(value, dict):
        return value
    out: dict[str, Any] = {}
    for key, item in value.items():
        if key in BOOL_KEYS and isinstance(item, str):
            item = item.lower() == "true"
        if key in INT_KEYS and isinstance(item, str) and item.isdigit():
            item = int(item)
        out[key] = _normal(item)
    if "targetKey" in out:
        out["r__dataExtension_key"] = out.pop("targetKey")
    if "DataRetentionPeriod" in out:
        out["c__dataRetentionPeriodUnitOfMeasure"] = out.pop("DataRetentionPeriod")
        rows = out.pop("RowBasedRetention", False)
        out["c__retentionPolicy"] = "individialRecords" if rows else "allRecordsAndDataextension"
        out.setdefault("ResetRetentionPeriodOnImport", False)
    return out


def _json_diff(a: dict[str, Any], b: dict[str, Any]) -> set[str]:
    keys = {k for k in set(a) | set(b) if a.get(k) != b.get(k)}
    if "Fields" in keys:  # name the fields that differ, not the whole list
        left = {f["Name"]: f for f in a.get("Fields", [])}
        right = {f["Name"]: f for f in b.get("Fields", [])}
        keys.discard("Fields")
        keys |= {n for n in set(left) | set(right) if left.get(n) != right.get(n)}
    return keys


@pytest.mark.parametrize("kind", ["dataExtension", "query"])
def test_marketing_cloud_files_round_trip(
    generated: tuple[Path, dict[str, Entry]], kind: str
) -> None:
    build, entries = generated
    files = sorted((build / "marketing_cloud" / "deploy" / "mc").glob(f"*/{kind}/*.json"))
    assert files
    compared = 0
    for path in files:
        unit = path.parent.parent.name
        source = MC_SOURCE / ("_ParentBU_" if unit == "parent" else unit) / kind / path.name
        if not source.is_file():
            # declared by import from the query that writes it: no source file to match
            assert entries[
                str(source)
                .replace(f"/{kind}/", "/query/")
                .replace(".dataExtension-meta.json", ".query-meta.json")
            ].reason.endswith("is not in the retrieve")
            continue
        entry = entries[source.as_posix()]
        keys = _json_diff(
            _normal(json.loads(source.read_text())), _normal(json.loads(path.read_text()))
        )
        if entry.status is Status.IMPORTED:
            assert keys == set(), (source, sorted(keys))
        else:
            _reason_names(keys, entry)
        compared += 1
    assert compared >= 2


def test_query_sql_is_re_emitted_as_retrieved(generated: tuple[Path, dict[str, Entry]]) -> None:
    build, _ = generated
    files = sorted((build / "marketing_cloud" / "deploy" / "mc").glob("*/query/*.sql"))
    assert len(files) == 4
    for path in files:
        source = MC_SOURCE / path.parent.parent.name / "query" / path.name
        assert path.read_bytes() == source.read_bytes(), path.name


def _queries_run(document: dict[str, Any]) -> list[str]:
    return sorted(
        str(a.get("r__key") or a.get("name"))
        for step in document.get("steps", [])
        for a in step.get("activities", [])
        if a.get("r__type") == "query"
    )


def test_automations_round_trip(generated: tuple[Path, dict[str, Entry]]) -> None:
    """An automation comes back as the one generate writes for its business unit and
    schedule: the same query activities on the same recurrence; every other key that
    differs is named in the report (generate keys automations by schedule, pauses them and
    orders steps by data flow), so none changes silently."""
    build, entries = generated
    sources = sorted(MC_SOURCE.glob("*/automation/*.automation-meta.json"))
    assert sources
    for source in sources:
        entry = entries[source.as_posix()]
        assert entry.status is Status.PARTIAL
        name = entry.reason.split("generate writes ", 1)[1].split(".automation-meta.json")[0]
        unit = source.parent.parent.name
        path = (
            build
            / "marketing_cloud"
            / "deploy"
            / "mc"
            / unit
            / "automation"
            / (f"{name}.automation-meta.json")
        )
        org, back = json.loads(source.read_text()), json.loads(path.read_text())
        assert _queries_run(back) == _queries_run(org)
        assert back["schedule"]["icalRecur"] == org["schedule"]["icalRecur"]
        for key in sorted(set(org) | set(back)):
            if org.get(key) != back.get(key) and key != "schedule":
                assert key.split("_")[0] in entry.reason, (key, entry.reason)
        for key in sorted(set(org["schedule"]) | set(back["schedule"])):
            if org["schedule"].get(key) != back["schedule"].get(key):
                assert key in entry.reason, (key, entry.reason)


def _access(path: Path) -> tuple[dict[str, dict[str, str]], dict[str, dict[str, str]], list[Any]]:
    """objectPermissions and fieldPermissions by object / field; every other element."""
    objects, fields, rest = {}, {}, []
    for tag, value in _xml(path):
        if tag == "objectPermissions":
            item = dict(value)
            objects[item.pop("object")] = item
        elif tag == "fieldPermissions":
            item = dict(value)
            fields[item.pop("field")] = item
        elif tag != "label":
            rest.append((tag, value))
    return objects, fields, rest


def test_permission_sets_round_trip_access_by_access(
    generated: tuple[Path, dict[str, Entry]],
) -> None:
    """Everything but the access comes back exactly (custom and user permissions,
    description); each object and field whose access generate writes differently is
    named in the report, with what the org grants."""
    build, entries = generated
    out = build / "salesforce" / "force-app" / "main" / "default" / "permissionsets"
    files = sorted(out.glob("*.permissionset-meta.xml"))
    assert files
    for path in files:
        source = SF_SOURCE / "permissionsets" / path.name
        entry = entries[source.as_posix()]
        org_objects, org_fields, org_rest = _access(source)
        objects, fields, rest = _access(path)
        assert rest == org_rest
        for obj in set(org_objects) | set(objects):
            if org_objects.get(obj) != objects.get(obj):
                assert f"objectPermissions {obj}:" in entry.reason, obj
        for field in set(org_fields) | set(fields):
            if org_fields.get(field) != fields.get(field):
                assert f"fieldPermissions {field}:" in entry.reason, field


def test_duplicate_rule_exemptions_come_back(generated: tuple[Path, dict[str, Entry]]) -> None:
    """Profiles, custom permissions (their User formula field) and bypass checkboxes come
    back as the same filter items in the same order; only the username the import could
    not attribute to a user is missing, and the report says so."""
    build, entries = generated
    name = "Lead.Lead_Name_Company.duplicateRule-meta.xml"
    source = SF_SOURCE / "duplicateRules" / name
    path = build / "salesforce" / "force-app" / "main" / "default" / "duplicateRules" / name

    def items(p: Path) -> list[tuple[str, str, str, str]]:
        out = []
        for tag, value in _xml(p):
            if tag == "duplicateRuleFilter":
                for kid, item in value:
                    if kid == "duplicateRuleFilterItems":
                        d = dict(item)
                        out.append((d["table"], d["field"], d["operation"], d["value"]))
        return out

    org = items(source)
    username = [i for i in org if i[1] == "Username"]
    assert len(username) == 1 and len(org) == 4
    assert items(path) == [i for i in org if i not in username]
    assert f"User.Username notEqual {username[0][3]!r}" in entries[source.as_posix()].reason
    rules = [(t, v) for t, v in _xml(path) if t == "duplicateRuleMatchRules"]
    assert [dict(v)["matchingRule"] for _, v in rules] == [
        "Lead_Name_Company_Match",
        "Standard_Lead_Match_Rule_v1_0",
    ]
    assert ("securityOption", "BypassSharingRules") in _xml(path)


def test_a_field_name_with_spaces_comes_back_as_retrieved(
    generated: tuple[Path, dict[str, Entry]],
) -> None:
    """Customers_Master's "Date Of Resubscription" is imported under its own name and
    generated back with it, the field identical to the retrieved one."""
    build, entries = generated
    source = MC_SOURCE / "_ParentBU_" / "dataExtension" / "Customers_Master.dataExtension-meta.json"
    path = (
        build / "marketing_cloud" / "deploy" / "mc" / "_ParentBU_" / "dataExtension" / source.name
    )
    org = {f["Name"]: f for f in _normal(json.loads(source.read_text()))["Fields"]}
    back = {f["Name"]: f for f in _normal(json.loads(path.read_text()))["Fields"]}
    assert back["Date Of Resubscription"] == org["Date Of Resubscription"]
    assert "Date Of Resubscription" not in entries[source.as_posix()].reason
