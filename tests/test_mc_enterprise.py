"""Where Marketing Cloud data lives, proven by running the generated SQL.

The example ecosystem's newsletter audience of Solvis Home runs in the child business unit
`home` and reads the legacy customer master (a data extension of the parent, shared with
the brand) and `_Subscribers`, which answers only in the Enterprise parent. The generated
T-SQL is transpiled to DuckDB (as tests/test_emit_marketing_cloud.py does) and run against
two schemas: `ENT` holds the parent's data, the default schema is the child unit, where a
`_Subscribers` of its own returns nothing (as the platform's does in a child unit).
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import sqlglot

from compiler.emit.generate import generate
from compiler.pipeline import compile_path
from compiler.source import ParseCache

ECOSYSTEM = Path(__file__).resolve().parents[1] / "ecosystem"
HOME_QUERY = "newsletter_audience_brand_retail.query-meta.sql"

CUSTOMERS = [
    # Customer_Number, First_Name, Email, Country, Brand, Email_Opt_Out
    ("H1", "Ana", "ana@example.com", "ES", "Solvis Home", False),  # active subscriber
    ("H2", "Ben", "ben@example.com", "ES", "Solvis Home", False),  # unsubscribed in MC
    ("H3", "Cai", "cai@example.com", "PT", "Solvis Home", False),  # held (bounced too often)
    ("H4", "Dee", "dee@example.com", "ES", "Solvis Home", True),  # opted out in the master
    ("H5", "Eli", "eli@example.com", "ES", "Solvis Home", False),  # never subscribed
    ("M1", "Fay", "fay@example.com", "ES", "Solvis Moda", False),  # the other brand
    ("H6", "Gus", "gus@example.com", "FR", "Solvis Home", False),  # active subscriber
]
SUBSCRIBERS = [("H1", "Active"), ("H2", "Unsubscribed"), ("H3", "Held"), ("H4", "Active"),
               ("M1", "Active"), ("H6", "Active")]  # fmt: skip
HOME_MID, MODA_MID = 514012002, 514012003  # environments/production.yaml
# Per-unit unsubscribes (Solvis Home's email choice is per unit): Gus left Solvis Home
# only; Ana left Solvis Moda only, and stays in Home's audience.
UNIT_UNSUBSCRIBES = [("H6", HOME_MID), ("H1", MODA_MID)]


def home_query(tmp_path: Path) -> str:
    comp = compile_path(ECOSYSTEM, "production", cache=ParseCache(None))
    assert comp.ok and comp.resolved is not None
    generate(comp.resolved, tmp_path, targets=("marketing_cloud",))
    found = sorted(tmp_path.rglob(HOME_QUERY))
    assert len(found) == 1, found
    assert "/home/query/" in found[0].as_posix()  # the child unit's folder
    return found[0].read_text(encoding="utf-8")


def enterprise_and_child() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("CREATE SCHEMA ENT")
    con.execute(
        'CREATE TABLE ENT."Customers (legacy master)" (Customer_Number TEXT, First_Name TEXT, '
        "Email TEXT, Country TEXT, Brand TEXT, Email_Opt_Out BOOLEAN)"
    )
    con.executemany('INSERT INTO ENT."Customers (legacy master)" VALUES (?, ?, ?, ?, ?, ?)',
                    CUSTOMERS)  # fmt: skip
    for schema in ("ENT", "main"):
        con.execute(f'CREATE TABLE {schema}."_Subscribers" (SubscriberKey TEXT, Status TEXT)')
    con.executemany('INSERT INTO ENT."_Subscribers" VALUES (?, ?)', SUBSCRIBERS)
    for schema in ("ENT", "main"):
        con.execute(
            f'CREATE TABLE {schema}."_BusinessUnitUnsubscribes" '
            "(BusinessUnitID BIGINT, SubscriberKey TEXT)"
        )
    con.executemany(
        'INSERT INTO ENT."_BusinessUnitUnsubscribes" (SubscriberKey, BusinessUnitID) VALUES (?, ?)',
        UNIT_UNSUBSCRIBES,
    )
    return con


def run(con: duckdb.DuckDBPyConnection, tsql: str) -> list[str]:
    sql = sqlglot.transpile(tsql, read="tsql", write="duckdb")[0]
    return sorted(row[0] for row in con.execute(sql).fetchall())


def test_child_unit_consent_query_reads_the_enterprise_and_excludes_opted_out(
    tmp_path: Path,
) -> None:
    tsql = home_query(tmp_path)
    assert "FROM ENT.[Customers (legacy master)] AS [s]" in tsql
    assert "FROM ENT.[_Subscribers] AS [c]" in tsql
    assert "FROM ENT.[_BusinessUnitUnsubscribes] AS [c]" in tsql
    # Kept: the active subscribers of the brand, also one who left only the other brand.
    # Excluded: unsubscribed, held, opted out in the master, not a subscriber, the other
    # brand, and one who unsubscribed from Solvis Home's business unit only.
    assert run(enterprise_and_child(), tsql) == ["H1"]


def test_the_same_query_unqualified_finds_nobody_in_a_child_unit(tmp_path: Path) -> None:
    """What the issue saw: read without ENT., the child's own _Subscribers is empty and the
    consent EXISTS keeps no one."""
    tsql = home_query(tmp_path).replace("FROM ENT.[_Subscribers]", "FROM [_Subscribers]")
    assert run(enterprise_and_child(), tsql) == []
