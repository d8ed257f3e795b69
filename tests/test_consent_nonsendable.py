"""Consent suppression in the query activities of data extensions that are not sendable
(a journey's entry list, a staging table): such a target has no sendable field, so its
rows are related to the consent storage by its single primary key, and only when the
rule fills that key, untransformed, from a field that holds the subscriber key (the
declared `crm:Contact.Id` through its synchronized copy, a sendable field, a data view's
SubscriberKey). Any other key (a shop's customer id) matches no subscriber, and the
correlated NOT EXISTS would keep every opted-out row: such a query is E6801, not
generated. The generated SQL is run in DuckDB (transpiled from T-SQL by sqlglot) on rows
opted out in each place."""

from __future__ import annotations

from pathlib import Path

import duckdb
import sqlglot
from rulecase import Suite

from compiler.diagnostics import Finding
from compiler.emit.generate import generate
from compiler.emit.marketing_cloud import tsql
from compiler.pipeline import compile_path
from compiler.source import ParseCache

CASES = Path(__file__).parent / "fixtures" / "consent_nonsendable"
SUITE = Suite(CASES)
QUERY = "marketing_cloud/deploy/mc/retail/query/contacts_to_entry.query-meta.sql"
CONTACTS = [  # Id, FirstName, HasOptedOutOfEmail (the CRM's choice, synchronized)
    ("003A", "Ana", False),
    ("003B", "Bruno", True),  # opted out in the CRM
    ("003C", "Carla", False),  # opted out in Marketing Cloud only
    ("003D", "Dora", None),  # never asked
    (None, "Nobody", False),  # no key
]


def build(tmp_path: Path, *cases: str, text: dict[str, tuple[str, str]] | None = None) -> tuple[
    list[Finding], Path
]:  # fmt: skip
    eco = SUITE.eco(tmp_path, *cases)
    for name, (old, new) in (text or {}).items():
        (eco / name).write_text((eco / name).read_text().replace(old, new))
    comp = compile_path(eco, None, cache=ParseCache(None))
    assert comp.ok and comp.resolved is not None, [f.message for f in comp.findings]
    out = tmp_path / "build"
    return list(generate(comp.resolved, out, targets=("marketing_cloud",)).findings), out


def run(sql: str, storage: str, key: str) -> list[str]:
    """The query in DuckDB over the contacts and Marketing Cloud's opt-out of 003C."""
    assert tsql.problems(sql) == []
    con = duckdb.connect()
    con.execute("CREATE SCHEMA ENT")
    columns = "Id TEXT, FirstName TEXT, HasOptedOutOfEmail BOOLEAN"
    con.execute(f'CREATE TABLE ENT."Contact_Salesforce" ({columns})')
    con.executemany('INSERT INTO ENT."Contact_Salesforce" VALUES (?, ?, ?)', CONTACTS)
    con.execute(f'CREATE TABLE "{storage}" ({key} TEXT, OptedOut BOOLEAN)')
    con.executemany(f'INSERT INTO "{storage}" VALUES (?, ?)', [("003A", False), ("003C", True)])
    duck = sqlglot.transpile(sql, read="tsql", write="duckdb")[0]
    return sorted(row[0] for row in con.execute(duck).fetchall())


def test_a_key_filled_with_the_subscriber_key_suppresses_every_opt_out(tmp_path: Path) -> None:
    findings, out = build(tmp_path, "subscriber_pk")
    assert findings == []
    # related to the sendable newsletter's subscriber field, plus the CRM's synced copy
    assert run((out / QUERY).read_text(), "newsletter", "SubscriberKey") == ["003A", "003D"]


def test_a_storage_list_that_is_not_sendable_relates_by_its_primary_key(tmp_path: Path) -> None:
    findings, out = build(tmp_path, "storage_pk")
    assert findings == []
    sql = (out / QUERY).read_text()
    assert "FROM [email_prefs] AS [c]" in sql
    assert run(sql, "email_prefs", "SubscriberKey") == ["003A", "003D"]


def test_a_key_of_another_identity_is_not_generated(tmp_path: Path) -> None:
    findings, out = build(tmp_path, "other_pk")
    assert [(f.code, f.span.line, f.span.column) for f in findings if f.span] == [("E6801", 17, 23)]
    assert "nor a single primary key filled with the subscriber key" in findings[0].message
    assert not list(out.rglob("loyalty_to_entry.query-meta.sql"))


def test_a_transformed_key_is_not_the_subscriber_key(tmp_path: Path) -> None:
    """The boundary of the same path: the contact id, but trimmed on the way, is not known
    to be the subscriber key; the synchronized copy of the CRM's opt-out is then all the
    query can suppress with (W6802), so an opt-out made in Marketing Cloud only passes."""
    change = ("      ContactKey: Id\n", "      ContactKey: {from: Id, transform: trim}\n")
    findings, out = build(tmp_path, "subscriber_pk", text={"case.yaml": change})
    assert [f.code for f in findings if f.code != "W3801"] == ["W6802"]  # W3801: trim unifies
    sql = (out / QUERY).read_text()
    assert "[newsletter]" not in sql
    assert run(sql, "newsletter", "SubscriberKey") == ["003A", "003C", "003D"]
