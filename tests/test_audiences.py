"""Advertising audiences: references validated with positions, the resource graph's order,
and the sha256 transform in the generated sync code (DuckDB and Spark SQL alike)."""

from __future__ import annotations

import shutil
from pathlib import Path

import sqlglot

from compiler.emit.marketing_cloud.expressions import mapped
from compiler.emit.marketing_cloud.tsql import problems
from compiler.graph import build_graph
from compiler.model.data_extensions import DeField
from compiler.model.sync import FieldMapping
from compiler.pipeline import compile_path

BASE = Path(__file__).parent / "fixtures" / "rules" / "_base"
SILENT = Path(__file__).parent / "fixtures" / "rules" / "audiences_silent"

CASE = """apiVersion: engage/v1
systems:
  ads: {type: external, category: martech, region: eu, personal_data: personal}
audiences:
  wrong_category: {platform: meta, system: ads, purpose: nope}
  studio_elsewhere: {platform: advertising_studio, system: crm}
  members_elsewhere:
    platform: advertising_studio
    system: mc
    business_unit: nowhere
    members: [shop_loyalty, no_such_rule]
  meta_into_mc: {platform: meta, system: mc}
"""


def test_audience_references_are_checked_where_they_are_written(tmp_path: Path) -> None:
    eco = tmp_path / "eco"
    shutil.copytree(BASE, eco)
    (eco / "audiences.yaml").write_text(CASE, encoding="utf-8")
    comp = compile_path(eco)
    found = sorted(
        (f.span.line, f.span.column, f.code, f.message)
        for f in comp.findings
        if f.span is not None and f.span.file.endswith("audiences.yaml")
    )
    assert [(line, col, code) for line, col, code, _ in found] == [
        (5, 44, "E2012"),
        (5, 58, "E2010"),
        (6, 60, "E2012"),
        (10, 20, "E2010"),
        (11, 29, "E2010"),
        (12, 42, "E2012"),
    ], found
    messages = " | ".join(m for *_, m in found)
    assert "a meta audience goes to one of category advertising" in messages
    assert "purpose 'nope' is not declared" in messages
    assert "system 'crm' is a salesforce system; expected marketing_cloud" in messages
    assert "writes mc.loyalty" not in messages  # shop_loyalty does write into mc
    assert "sync rule 'no_such_rule' is not declared" in messages
    assert "system 'mc' is a marketing_cloud system; expected external" in messages


def _silent(tmp_path: Path) -> Path:
    eco = tmp_path / "eco"
    shutil.copytree(BASE, eco)
    for file in SILENT.iterdir():
        shutil.copy(file, eco / file.name)
    return eco


def test_an_audience_exists_before_the_rules_that_send_its_members(tmp_path: Path) -> None:
    comp = compile_path(_silent(tmp_path))
    assert comp.resolved is not None
    order = build_graph(comp.resolved).creation_order()
    for system, audience, member in (
        ("system.meta_ads", "audience.retail_lookalike", "sync_rule.contacts_to_meta"),
        ("system.mc", "audience.retail_studio", "sync_rule.buyers_to_ads_de"),
    ):
        assert order.index(system) < order.index(audience) < order.index(member)
    assert order.index("business_unit.retail") < order.index("audience.retail_studio")


def test_a_marketing_cloud_query_hashes_the_varchar_bytes_in_lower_case_hex() -> None:
    """In a query activity, sha256 is T-SQL's HASHBYTES over the value cast to VARCHAR (a
    data extension's NVARCHAR would hash UTF-16 bytes), as lower-case hexadecimal."""
    mapping = FieldMapping.model_validate(
        {"from": "EmailAddress", "transform": ["trim", "lower", "sha256"]}
    )
    target = DeField.model_validate({"type": "Text", "length": 64})
    sql = mapped(mapping, target, 64, None).sql(dialect="tsql")
    assert sql == (  # cut to the target's length when the source's is unknown, as always
        "LEFT(LOWER(CONVERT(VARCHAR(64), HASHBYTES('SHA2_256', CAST(LOWER(LTRIM(RTRIM("
        "[s].[EmailAddress]))) AS VARCHAR(4000))), 2)), 64)"
    )
    assert sqlglot.parse_one(sql, read="tsql").sql(dialect="tsql") == sql
    assert problems(f"SELECT {sql} AS [EmailHash] FROM [audience] AS [s]") == []
