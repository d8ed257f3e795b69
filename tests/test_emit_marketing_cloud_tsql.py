"""The T-SQL subset Marketing Cloud query activities accept, and hostile names and values
through the query builder: the query still parses as T-SQL, is one SELECT, and names and
values stay names and values (run on DuckDB to prove it)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
import sqlglot
from conftest import WriteEco, compile_eco
from sqlglot import exp

from compiler.emit.marketing_cloud import emit
from compiler.emit.marketing_cloud.tsql import problems, shape

BASIC = Path(__file__).resolve().parent / "fixtures" / "marketing_cloud" / "basic"

ACCEPTED = [
    "SELECT a FROM [x]",
    "SELECT [s].[a] AS [b] FROM ENT.[Shared DE] AS [s] LEFT JOIN [y] AS [t] ON [t].[k] = [s].[k]",
    "SELECT a, COUNT(*) AS n FROM x GROUP BY a HAVING COUNT(*) > 1",
    "SELECT TOP 10 a FROM x ORDER BY a DESC",
    "SELECT a FROM x UNION SELECT a FROM y",
    "SELECT LEFT(LTRIM(RTRIM(a)), 5), LEN(a), UPPER(a), REPLACE(a, ' ', '') FROM x",
    "SELECT CASE WHEN a = 1 THEN 'y' ELSE 'n' END, COALESCE(a, 0), ISNULL(a, 0) FROM x",
    "SELECT DATEADD(DAY, -1, GETDATE()), CONVERT(DATETIME, a, 103), CAST(a AS INT) FROM x",
    "SELECT ROW_NUMBER() OVER (PARTITION BY a ORDER BY b DESC) AS r FROM x",
    "SELECT a FROM x WHERE NOT EXISTS (SELECT 1 FROM y WHERE y.k = x.k) AND a IN ('p', 'q')",
]
REFUSED = [
    ("WITH c AS (SELECT a FROM x) SELECT a FROM c", "common table expressions"),
    ("DECLARE @x INT", "must be a SELECT"),
    ("SELECT a FROM x WHERE b = @p", "variables are not supported"),
    ("SELECT a FROM #tmp", "temporary tables"),
    ("SELECT a INTO y FROM x", "SELECT … INTO"),
    ("INSERT INTO y SELECT a FROM x", "must be a SELECT"),
    ("UPDATE x SET a = 1", "must be a SELECT"),
    ("DELETE FROM x", "must be a SELECT"),
    ("SELECT a FROM x; DROP TABLE x", "exactly one statement"),
    ("SELECT a FROM x ORDER BY a", "ORDER BY is only allowed with TOP"),
    ("SELECT STRING_AGG(a, ',') FROM x", "not in the supported set"),
    ("SELECT RANK() OVER (ORDER BY a) FROM x", "window function"),
    ("SELECT a FROM OPENQUERY(srv, 'select 1')", "not in the supported set"),
    ("SELECT a FROM (", "does not parse"),
]


@pytest.mark.parametrize("sql", ACCEPTED)
def test_supported_constructs_pass(sql: str) -> None:
    assert problems(sql) == []


@pytest.mark.parametrize(("sql", "why"), REFUSED, ids=[w for _, w in REFUSED])
def test_unsupported_constructs_are_refused(sql: str, why: str) -> None:
    found = problems(sql)
    assert found and any(why in p for p in found), found


HOSTILE_NAMES = [
    "Cust]]omers'; DROP TABLE x;--",
    'A "quoted" [bracketed] name',
    "../../etc/passwd",
    "名前 ünïcødé",
]
HOSTILE_VALUE = 'x\'; DELETE FROM [y]; -- ]]> \\ "q"'


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_hostile_names_and_values_stay_names_and_values(write_eco: WriteEco, name: str) -> None:
    text = (BASIC / "ecosystem.yaml").read_text("utf-8")
    text = text.replace("name: Customer Master", f"name: {yaml_quote(name)}")
    text = text.replace(
        "{field: Segment, value: GOLD}", f"{{field: Segment, value: {yaml_quote(HOSTILE_VALUE)}}}"
    )
    comp = compile_eco(write_eco({"ecosystem.yaml": text}))
    assert comp.ok and comp.resolved is not None, [f.message for f in comp.findings]
    arts, findings = emit(comp.resolved)
    assert findings == []
    sql = {a.path: a.content for a in arts}[
        "deploy/mc/child/query/brand_audience.query-meta.sql"
    ].decode()
    assert problems(sql) == []  # still one SELECT of the subset
    tree = sqlglot.parse_one(sql, read="tsql")
    tables = {(t.db, t.name) for t in tree.find_all(exp.Table)}
    assert ("ENT", name) in tables
    assert HOSTILE_VALUE in {lit.this for lit in tree.find_all(exp.Literal) if lit.is_string}
    # Run it: the hostile table is found by its exact name, the value compared as data.
    con = duckdb.connect()
    con.execute("CREATE SCHEMA ENT")
    con.execute(f"CREATE TABLE ENT.{exp.to_identifier(name, quoted=True).sql('duckdb')} "
                "(Key TEXT, Email TEXT, Segment TEXT)")  # fmt: skip
    target = exp.Table(this=exp.to_identifier(name, quoted=True), db=exp.to_identifier("ENT"))
    rows_in = "('K1', 'a@x.com', ?), ('K2', 'b@x.com', 'GOLD')"
    con.execute(f"INSERT INTO {target.sql('duckdb')} VALUES {rows_in}", [HOSTILE_VALUE])
    con.execute('CREATE TABLE ENT."_Subscribers" (SubscriberKey TEXT, Status TEXT)')  # parent
    con.execute("INSERT INTO ENT.\"_Subscribers\" VALUES ('K1', 'Active'), ('K2', 'Active')")
    rows = con.execute(sqlglot.transpile(sql, read="tsql", write="duckdb")[0]).fetchall()
    assert rows == [("K1", "a@x.com")]


def yaml_quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def test_a_clean_shape_does_not_clear_what_only_its_names_make_wrong() -> None:
    """Queries found clean are remembered by their shape (bracketed names cut): a query of
    the same shape whose names alone break a rule is still refused, with its own names."""
    clean = "SELECT [s].[a] AS [b] FROM [list_1] AS [s] WHERE [s].[k] = 'x'"
    assert problems(clean) == []
    assert problems(clean.replace("[list_1]", "[list_2]")) == []
    assert problems(clean.replace("[list_1]", "[#list_1]")) == [
        "temporary tables are not supported: #list_1"
    ]
    assert problems(clean.replace("'x'", "@x")) == ["variables are not supported: @x"]
    function = "SELECT [LEFT]([s].[a], 2) AS [b] FROM [list_1] AS [s]"
    assert problems(function) == []
    assert problems(function.replace("[LEFT]", "[XP_CMDSHELL]")) == [
        'function "XP_CMDSHELL" is not in the supported set'
    ]


def test_shapes_cut_only_bracketed_names() -> None:
    sql = "SELECT [a]]b] AS [#t], 'it''s [x]', [f]( 1) FROM ENT.[y] AS [@v]"
    assert shape(sql) == "SELECT [_] AS [#t], 'it''s [x]', [f]( 1) FROM ENT.[_] AS [@v]"
