"""Campaign references are validated with positions: system, record type, parent,
connected system and the sync rules that write its members."""

from __future__ import annotations

import shutil
from pathlib import Path

from compiler.pipeline import compile_path

BASE = Path(__file__).parent / "fixtures" / "rules" / "_base"

CASE = """apiVersion: engage/v1
campaigns:
  parent_in_mc: {system: mc}
  child:
    system: crm
    record_type: Nope
    parent: parent_in_mc
    connected: {system: mc}
    members: [contacts_to_newsletter, no_such_rule]
  orphan: {system: nowhere, parent: missing}
"""


def test_campaign_references_are_checked_where_they_are_written(tmp_path: Path) -> None:
    eco = tmp_path / "eco"
    shutil.copytree(BASE, eco)
    (eco / "campaigns.yaml").write_text(CASE, encoding="utf-8")
    comp = compile_path(eco)
    found = sorted(
        (f.span.line, f.span.column, f.code, f.message)
        for f in comp.findings
        if f.span is not None and f.span.file.endswith("campaigns.yaml")
    )
    lines = [(line, col, code) for line, col, code, _ in found]
    assert lines == [
        (6, 18, "E2010"),
        (7, 13, "E2012"),
        (8, 25, "E2012"),
        (9, 15, "E2012"),
        (9, 39, "E2010"),
        (10, 20, "E2010"),
        (10, 37, "E2010"),
    ], found
    messages = " | ".join(m for *_, m in found)
    assert "record type 'Nope' is not declared for crm.Campaign" in messages
    assert "a parent campaign is in the same org" in messages
    assert "expected account_engagement" in messages
    assert "writes mc.newsletter, not crm.CampaignMember" in messages
    assert "sync rule 'no_such_rule' is not declared" in messages
