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

from compiler.importer import import_paths
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
    assert engage("import", "orgs/sf_retail", "orgs/mc_retail", "--out", "eco").code == 0
    # the fixtures hold planted conflicts, which refuse generate unless allowed
    run = engage("generate", "eco", "--out", "build", "--allow-conflicts")
    assert run.code in (0, 1), run.out
    result = import_paths([Path("orgs/sf_retail"), Path("orgs/mc_retail")])
    entries = {e.file: e for e in result.entries if e.element not in ("Query SQL",)}
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
