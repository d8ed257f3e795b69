"""The Marketing Cloud target's query files (compiler.emit.marketing_cloud): a query kept as
retrieved (`query:` of a sync rule, written by `engage import`) is written back as it is,
even in SQL engage would not generate; the query engage builds is judged by its subset."""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

from conftest import compile_eco

from compiler.emit.marketing_cloud import _problem, build_queries, emit
from compiler.emit.marketing_cloud import queries as q
from compiler.emit.marketing_cloud.names import data_extensions
from compiler.resolved import ResolvedEcosystem

BASIC = Path(__file__).resolve().parent / "fixtures" / "marketing_cloud" / "basic"
KEPT = "WITH x AS (SELECT Key, Email FROM master) SELECT Key AS Subscriber_Key, Email FROM x"


def test_a_query_kept_as_retrieved_is_written_back_unjudged(tmp_path: Path) -> None:
    root = tmp_path / "eco"
    shutil.copytree(BASIC, root)
    path = root / "ecosystem.yaml"
    text = path.read_text(encoding="utf-8")
    old = "    target: mc.audience\n"
    assert old in text
    path.write_text(
        text.replace(old, old + f'    query: {{key: BRAND_Q, name: Brand Q, sql: "{KEPT}"}}\n'),
        encoding="utf-8",
    )
    comp = compile_eco(root)
    assert comp.resolved is not None
    arts, findings = emit(comp.resolved)
    assert findings == []  # a CTE: outside what engage generates, but Marketing Cloud ran it
    files = {a.path: a.content.decode() for a in arts}
    assert files["deploy/mc/child/query/BRAND_Q.query-meta.sql"] == KEPT
    meta = json.loads(files["deploy/mc/child/query/BRAND_Q.query-meta.json"])
    assert meta == {
        "name": "Brand Q",
        "key": "BRAND_Q",
        "description": "",
        "r__dataExtension_key": "AUDIENCE",
        "targetUpdateTypeName": "Update",
        "isFrozen": False,
        "r__folder_Path": "Query",
    }
    assert "deploy/mc/child/query/brand_audience.query-meta.sql" not in files


def _built(tmp_path: Path) -> tuple[ResolvedEcosystem, q.Query]:
    comp = compile_eco(BASIC)
    assert comp.resolved is not None
    infos, _ = data_extensions(comp.resolved)
    queries, findings = build_queries(comp.resolved, infos)
    assert findings == []
    [query] = [x for x in queries if x.rule == "brand_audience"]
    return comp.resolved, query


def test_a_generated_query_outside_the_subset_is_an_internal_error(tmp_path: Path) -> None:
    """The check every generated query passes before it is written: SQL outside what
    Marketing Cloud runs is reported as an engage bug (E9810), never written."""
    resolved, query = _built(tmp_path)
    assert _problem(resolved, query, {}) is None
    broken = dataclasses.replace(
        query, sql="WITH x AS (SELECT 1 AS a) SELECT a FROM x", checked=False
    )
    found = _problem(resolved, broken, {})
    assert found is not None
    assert (found.code, found.address, found.span) == ("E9810", "sync_rule.brand_audience", None)
    assert found.message == (
        "query of sync rule 'brand_audience' is not valid Marketing Cloud SQL: common table "
        "expressions (WITH) are not supported"
    )


def test_a_query_key_taken_in_its_unit_is_refused_naming_the_other(tmp_path: Path) -> None:
    resolved, query = _built(tmp_path)
    found = _problem(resolved, query, {(query.target.folder, query.key.lower()): "other"})
    assert found is not None and found.code == "E7801"
    assert found.message == (
        f"sync rule 'brand_audience': its query key {query.key!r} is also the key of the "
        "query of 'other' in business unit 'child'"
    )
    elsewhere = {("deploy/mc/_ParentBU_", query.key.lower()): "other"}
    assert _problem(resolved, query, elsewhere) is None
