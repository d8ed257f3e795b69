"""The Account Engagement connector sheet: settings and field sync behaviours per business
unit, derived from precedence / system of record, with what the connector cannot do flagged.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import dedent, locate

from compiler.diagnostics import Finding
from compiler.emit.account_engagement import PATH, emit, md
from compiler.pipeline import compile_path
from compiler.source import ParseCache

BASIC = Path(__file__).parent / "fixtures" / "generate" / "basic"


def sheet(root: Path = BASIC, env: str | None = "production") -> tuple[str, list[Finding]]:
    comp = compile_path(root, env, cache=ParseCache(None))
    assert comp.ok and comp.resolved is not None, [f.message for f in comp.findings]
    arts, findings = emit(comp.resolved)
    assert [a.path for a in arts] == [PATH]
    return arts[0].content.decode("utf-8"), findings


def table(text: str, header: str) -> list[list[str]]:
    """Rows of the markdown table whose header row starts with `header`."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"| {header} |"))
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip("|").split(" | ")])
    return rows


def with_extra(tmp_path: Path, extra: str) -> Path:
    root = tmp_path / "eco"
    shutil.copytree(BASIC, root)
    (root / "extra.yaml").write_text(dedent(extra), encoding="utf-8")
    return root


def test_connector_settings_of_the_fixture() -> None:
    text, findings = sheet()
    assert findings == []
    assert "## `pardot` / `b2b`" in text
    assert "- Business unit id: `0Uv000000000001AAA`" in text
    assert "- Serves: `industry`" in text
    assert table(text, "Setting") == [
        ["Salesforce org", "`crm`"],
        ["Connector user", "`ae_user` (ae@fixture.example)"],
        ["Automatically create prospects in Salesforce as leads", "Yes"],
        ["Sync the opt-out field", "Yes"],
    ]
    assert table(text, "Object") == [["`Lead`", "`Brand__c`", "Industrial"]]


def test_field_sync_behaviours_follow_the_declared_precedence() -> None:
    text, _ = sheet()
    target = "precedence `target_wins` (sync rule `prospects_to_leads`)"
    assert table(text, "Prospect field") == [
        ["`Company`", "`Lead.Company`", "Use Salesforce value", target],
        ["`Email`", "`Lead.Email`", "Use Salesforce value", target],
        ["`FirstName`", "`Lead.FirstName`", "Use Salesforce value", target],
        ["`LastName`", "`Lead.LastName`", "Use Salesforce value", target],
        [
            "`OptedOut`",
            "`Lead.HasOptedOutOfEmail`",
            "Use most recently updated value",
            "precedence `most_recent` (sync rule `prospect_opt_out`)",
        ],
    ]


def test_ids_and_usernames_come_from_the_environment() -> None:
    text, _ = sheet(env="sandbox")
    assert "- Business unit id: `0Uv000000000002AAA`" in text
    assert "`ae_user` (ae@fixture.example.sandbox)" in text
    assert "environment `sandbox`" in text
    base, _ = sheet(env=None)
    assert "not declared (set systems.pardot.business_units.b2b.id)" in base


EDGE = """
    apiVersion: engage/v1
    sync_rules:
      names_back:
        integration: ae_connector
        source: crm.Lead
        target: pardot.Prospect
        mode: update
        match: {source: Email, target: Email}
        fields:
          FirstName: {from: FirstName, precedence: most_recent}
          City: City
          Phone: {from: Phone, precedence: source_wins}
      contact_opt_out:
        integration: ae_connector
        source: pardot.Prospect
        target: crm.Contact
        direction: two_way
        mode: update
        match: {source: Email, target: Email}
        fields:
          HasOptedOutOfEmail: {from: OptedOut, precedence: most_recent}
          Title: JobTitle
"""


def codes_at(findings: list[Finding]) -> list[tuple[str, int, int]]:
    return sorted(
        (f.code, f.span.line, f.span.column)
        for f in findings
        if f.span is not None and f.span.file.endswith("extra.yaml")
    )


def test_what_the_connector_cannot_do_is_flagged(tmp_path: Path) -> None:
    text, findings = sheet(with_extra(tmp_path, EDGE))
    first_name = locate(EDGE, "{from: FirstName")
    assert codes_at(findings) == sorted(
        [
            # FirstName: most recent is offered for the opt-out field only …
            ("W3610", *first_name),
            # … and contradicts prospects_to_leads (target wins) for the same prospect field.
            ("W3613", *first_name),
            # Contact's opt-out has no field history; Title syncs both ways, nobody wins.
            ("W3611", *locate(EDGE, "{from: OptedOut")),
            ("W3612", *locate(EDGE, "JobTitle")),
        ]
    )
    rows = {(r[0], r[1], r[3].rsplit("`", 2)[1]): r[2] for r in table(text, "Prospect field")}
    assert rows[("`FirstName`", "`Lead.FirstName`", "prospects_to_leads")] == "Use Salesforce value"
    assert rows[("`FirstName`", "`Lead.FirstName`", "names_back")] == (
        "⚠ Use most recently updated value (not offered for this field)"
    )
    assert (
        rows[("`City`", "`Lead.City`", "names_back")] == "Use Salesforce value"
    )  # one-way from the CRM
    assert (
        rows[("`Phone`", "`Lead.Phone`", "names_back")] == "Use Salesforce value"
    )  # source (CRM) wins
    assert rows[("`OptedOut`", "`Contact.HasOptedOutOfEmail`", "contact_opt_out")] == (
        "⚠ Use most recently updated value (needs field history on Contact.HasOptedOutOfEmail)"
    )
    assert rows[("`JobTitle`", "`Contact.Title`", "contact_opt_out")] == "⚠ Not decided"


def test_system_of_record_decides_without_precedence(tmp_path: Path) -> None:
    root = with_extra(
        tmp_path,
        """
        apiVersion: engage/v1
        objects:
          crm.Account:
            fields:
              Score__c: {type: number, precision: 5, scale: 0, system_of_record: pardot}
        sync_rules:
          scores:
            integration: ae_connector
            source: pardot.Prospect
            target: crm.Account
            direction: two_way
            mode: update
            match: {source: Company, target: Name}
            fields:
              Score__c: Score
        """,
    )
    text, findings = sheet(root)
    assert findings == []
    row = next(r for r in table(text, "Prospect field") if r[0] == "`Score`")
    assert row[2:] == [
        "Use Account Engagement value",
        "system of record `pardot` (sync rule `scores`)",
    ]


def test_hostile_text_is_escaped(tmp_path: Path) -> None:
    hostile = "| <script>alert(1)</script> **bold** [x](http://e.example) `code` \\"
    text = (
        (BASIC / "integrations.yaml")
        .read_text()
        .replace("value: Industrial", f"value: '{hostile}'")
    )
    root = tmp_path / "eco"
    shutil.copytree(BASIC, root)
    (root / "integrations.yaml").write_text(text)
    sheet_text, _ = sheet(root)
    assert "<script>" not in sheet_text
    rows = table(sheet_text, "Object")
    assert len(rows) == 1 and len(rows[0]) == 3  # the pipe did not split the cell
    assert rows[0][2] == md(hostile)
    assert md(hostile) == (
        "\\| &lt;script&gt;alert(1)&lt;/script&gt; \\*\\*bold\\*\\* \\[x\\](http://e.example) "
        "\\`code\\` \\\\"
    )


def test_no_account_engagement_no_sheet(tmp_path: Path) -> None:
    root = tmp_path / "eco"
    root.mkdir()
    (root / "main.yaml").write_text(
        "apiVersion: engage/v1\necosystem: {name: mini}\n"
        "systems:\n  crm: {type: salesforce, region: eu}\n"
    )
    comp = compile_path(root, None, cache=ParseCache(None))
    assert comp.resolved is not None
    assert emit(comp.resolved) == ([], [])
