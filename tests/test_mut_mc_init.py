"""The Marketing Cloud target's query files (compiler.emit.marketing_cloud): a query kept as
retrieved (`query:` of a sync rule, written by `engage import`) is written back as it is,
even in SQL engage would not generate; the query engage builds is judged by its subset."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from conftest import compile_eco

from compiler.emit.marketing_cloud import emit

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
