"""Each value computed once (compiler/emit/sync/once.py), on DuckDB itself: statement 1
with its repeated expressions moved into steps of their own answers row for row what the
statement without the move answers; what may not move (a `CAST` that can fail, a costly
`TRANSLATE` asked only in a branch) stays where it was; the extract's column names,
whatever they are, cannot meet the names the move gives its columns; a step holding a
window and a statement without repeats are left as they are.
"""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pytest
from sqlglot import exp, parse_one

from compiler.emit.sync import build, compile_rule, once
from compiler.emit.sync.runner import load
from compiler.pipeline import compile_path
from compiler.source import ParseCache

TYPED = Path(__file__).resolve().parent / "fixtures" / "sync" / "typed"
COLUMNS = ("id", "email", "name", "qty", "price", "born", "active", "phone", "locale", "tier",
           "kind", "score", "updated", "optout")  # fmt: skip
GOOD = ("K1", "ana@example.com", "Ana", "3", "12.50", "1990-04-05", "yes", "+34 600 000 000",
        "es-ES", "gold", "real", "50", "2024-01-01 10:00:00", "false")  # fmt: skip
NBSP = "\u00a0"
CHANGES: list[dict[str, str]] = [
    {},
    {"email": f"{NBSP}Ana@Example.COM\t", "name": " Ana "},
    {"email": "ÀNA@EXAMPLE.COM", "locale": "ES-es"},
    {"email": "İstanbul@example.com"},
    {"email": "", "name": "", "phone": ""},
    {"phone": f"+34{NBSP}600\u2009000 000"},
    {"phone": "(600) 11-22", "qty": " 007 "},
    {"qty": "3000000000", "price": "1.234"},
    {"qty": "three", "score": "abc"},
    {"born": "31/12/1999"},
    {"born": "30/02/2000"},
    {"born": "2024-02-29 23:59:59"},
    {"born": "2023-02-29"},
    {"born": "2024-10-27T02:30:00+02:00"},
    {"born": "1990-04-05 24:00"},
    {"active": f"YES{NBSP}", "optout": "TRUE"},
    {"active": "maybe", "optout": " no "},
    {"updated": "2024-01-02", "id": "K2"},
    {"updated": "2023-12-31", "id": "K2"},
    {"updated": "", "id": "K2"},
    {"updated": "junk", "id": "K3"},
    {"kind": "test"},
    {"tier": " Gold "},
]


def _extract(path: Path) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for i, change in enumerate(CHANGES):
            row = {**dict(zip(COLUMNS, GOOD, strict=True)), "id": f"R{i}", **change}
            writer.writerow([row[c] for c in COLUMNS])
    return path


def _checked(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, hoisted: bool
) -> list[tuple[object, ...]]:
    if not hoisted:
        monkeypatch.setattr(once, "hoist", lambda node: node)
    comp = compile_path(TYPED, None, cache=ParseCache(None))
    assert comp.resolved is not None
    spec, sql, _ = compile_rule(comp.resolved, "load")
    assert spec is not None and sql is not None
    statement = build._duckdb(build.create_checked(spec)).sql(dialect="duckdb")
    assert ("engage_cse_" in statement) is hoisted
    con = duckdb.connect()
    try:
        load(con, spec, sql, _extract(tmp_path / "records_1.csv"))
        con.execute(statement)
        return con.execute(f'SELECT * FROM "{sql.checked}" ORDER BY engage_row').fetchall()
    finally:
        con.close()


def test_the_moved_expressions_answer_as_the_statement_without_the_move(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    hoisted = _checked(monkeypatch, tmp_path, hoisted=True)
    plain = _checked(monkeypatch, tmp_path, hoisted=False)
    assert len(plain) == len(CHANGES) - 2  # the filter drops kind = test and score = abc
    assert hoisted == plain
    reasons = [str(row[1]) if row[1] is not None else None for row in plain]
    assert any(r and "invalid_date:Born" in r for r in reasons)
    assert any(r and r.startswith("duplicate:") for r in reasons)
    assert reasons.count(None) >= 5


def _statement(select: str) -> exp.Create:
    node = parse_one(f"CREATE TEMPORARY TABLE out AS WITH {select}", dialect="duckdb")
    assert isinstance(node, exp.Create)
    return node


def _run(
    node: exp.Expr, rows: list[tuple[str, str]], columns: tuple[str, str]
) -> list[tuple[object, ...]]:
    con = duckdb.connect()
    try:
        names = ", ".join(f'"{c}" VARCHAR' for c in columns)
        con.execute(f"CREATE TABLE src (engage_row INT, {names})")
        con.executemany("INSERT INTO src VALUES (?, ?, ?)", [(i, *r) for i, r in enumerate(rows)])
        con.execute(node.sql(dialect="duckdb"))
        return con.execute("SELECT * FROM out ORDER BY engage_row").fetchall()
    finally:
        con.close()


def test_a_cast_that_can_fail_is_not_moved_out_of_its_branch() -> None:
    """Asked twice, only where the text is digits: moved below, it would fail on `abc`."""
    select = (
        "prepared AS (SELECT e.engage_row, "
        "CASE WHEN REGEXP_MATCHES(e.a, '^[0-9]+$') THEN CAST(e.a AS INT) END AS x, "
        "CASE WHEN REGEXP_MATCHES(e.a, '^[0-9]+$') THEN CAST(e.a AS INT) + 1 END AS y "
        "FROM src AS e) SELECT * FROM prepared"
    )
    node = once.hoist(_statement(select))
    text = node.sql(dialect="duckdb")
    assert "CAST(" in text and 'AS "engage_cse_' in text  # the regular expression moved
    assert not any(
        isinstance(a.this, exp.Cast) for a in node.find_all(exp.Alias) if "cse" in a.alias
    )
    rows = _run(node, [("12", "x"), ("abc", "y")], ("a", "b"))
    assert rows == [(0, 12, 13), (1, None, None)]


def test_a_translate_asked_only_in_a_branch_stays_there() -> None:
    select = (
        "prepared AS (SELECT e.engage_row, "
        "CASE WHEN e.a = 'x' THEN TRANSLATE(e.b, 'ab', 'AB') END AS x, "
        "CASE WHEN e.a = 'y' THEN TRANSLATE(e.b, 'ab', 'AB') END AS y "
        "FROM src AS e) SELECT * FROM prepared"
    )
    node = once.hoist(_statement(select))
    assert node.sql(dialect="duckdb").count("TRANSLATE(") == 2


def test_an_expression_every_row_asks_is_computed_once() -> None:
    select = (
        "prepared AS (SELECT e.engage_row, "
        "CASE WHEN LOWER(TRIM(e.a)) = 'x' THEN 1 ELSE LENGTH(LOWER(TRIM(e.a))) END AS x "
        "FROM src AS e) SELECT * FROM prepared"
    )
    node = once.hoist(_statement(select))
    assert node.sql(dialect="duckdb").count("LOWER(") == 1
    assert _run(node, [(" X ", "")], ("a", "b")) == [(0, 1)]


@pytest.mark.parametrize(
    "columns", [("engage_cse_1", "b"), ("engage_src_engage_cse_1", "engage_cse_1")]
)
def test_source_columns_cannot_meet_the_moved_columns(columns: tuple[str, str]) -> None:
    a, b = columns
    select = (
        f'prepared AS (SELECT e.engage_row, e."{b}", '
        f'CASE WHEN TRIM(e."{a}") = \'\' THEN NULL ELSE UPPER(TRIM(e."{a}")) END AS x, '
        f'LENGTH(TRIM(e."{a}")) AS y FROM src AS e) SELECT * FROM prepared'
    )
    plain = _run(_statement(select), [(" ab ", "1"), ("  ", "2")], columns)
    node = once.hoist(_statement(select))
    assert "engage_src_" in node.sql(dialect="duckdb")
    assert _run(node, [(" ab ", "1"), ("  ", "2")], columns) == plain
    assert plain == [(0, "1", "AB", 2), (1, "2", None, 0)]


def test_a_step_with_a_window_and_a_statement_without_repeats_are_left_as_they_are() -> None:
    window = (
        "ranked AS (SELECT *, ROW_NUMBER() OVER (PARTITION BY TRIM(a) ORDER BY TRIM(a)) AS r "
        "FROM src) SELECT * FROM ranked"
    )
    plain = "prepared AS (SELECT e.engage_row, TRIM(e.a) AS x FROM src AS e) SELECT * FROM prepared"
    for select in (window, plain):
        before = _statement(select).sql(dialect="duckdb")
        assert once.hoist(_statement(select)).sql(dialect="duckdb") == before
