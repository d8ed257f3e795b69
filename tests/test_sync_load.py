"""How `engage sync run` numbers the extract's rows (`runner.load`): the table the CSV
reader fills on every thread, numbered by a view as `rowid + 1`, gives each row the number
`ROW_NUMBER() OVER ()` gave it over the same read, its 1-based position among the file's
records, on inputs that move records across lines and row groups."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pytest

from compiler.emit.sync import compile_rule
from compiler.emit.sync.build import SyncSql
from compiler.emit.sync.runner import load, run
from compiler.emit.sync.spec import SyncSpec
from compiler.pipeline import compile_path
from compiler.source import ParseCache

TYPED = Path(__file__).resolve().parent / "fixtures" / "sync" / "typed"
COLUMNS = ("id", "email", "name", "qty", "price", "born", "active", "phone", "locale", "tier",
           "kind", "score", "updated", "optout")  # fmt: skip
ODD = [
    "",
    "  padded  ",
    'a "quoted" value',
    "two\nlines",
    "cr lf\r\ninside",
    "semi;colon,comma",
    "ünïcödé ß İ ﬁ 漢字 🙂",
    "x" * 5000,
    "\u00a0\u3000",
    "1985-10-18",
    "18/10/1985",
]
ROWS = 130_000  # more than one row group of 122,880 rows


@pytest.fixture(scope="module")
def rule() -> tuple[SyncSpec, SyncSql]:
    comp = compile_path(TYPED, None, cache=ParseCache(None))
    assert comp.resolved is not None
    spec, sql, _ = compile_rule(comp.resolved, "load", spark=False)
    assert spec is not None and sql is not None
    return spec, sql


def _records(extra: tuple[str, ...] = ()) -> list[list[str]]:
    rows = []
    for i in range(ROWS):
        odd = ODD[i % len(ODD)] if i % 7 == 0 else ""
        rows.append([f"K{i}", odd, *(str(i % 13) for _ in COLUMNS[2:]), *(odd for _ in extra)])
    return rows


def _write(path: Path, header: tuple[str, ...], rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _numbered(spec: SyncSpec, sql: SyncSql, source: Path) -> list[tuple[object, ...]]:
    con = duckdb.connect()
    try:
        con.execute("SET threads = 4")
        load(con, spec, sql, source)
        return con.execute(f'SELECT * FROM "{sql.extract}" ORDER BY engage_row').fetchall()
    finally:
        con.close()


def _as_python_reads(source: Path) -> list[tuple[object, ...]]:
    with source.open(encoding="utf-8", newline="") as handle:
        records = list(csv.reader(handle))[1:]
    return [(n, *(cell if cell != "" else None for cell in r)) for n, r in enumerate(records, 1)]


def test_each_row_is_numbered_by_its_position_among_the_records(
    rule: tuple[SyncSpec, SyncSql], tmp_path: Path
) -> None:
    spec, sql = rule
    source = _write(tmp_path / "records_1.csv", COLUMNS, _records())
    numbered = _numbered(spec, sql, source)
    assert len(numbered) == ROWS
    assert numbered == _as_python_reads(source)


def test_a_column_named_rowid_does_not_hide_the_numbering(
    rule: tuple[SyncSpec, SyncSql], tmp_path: Path
) -> None:
    spec, sql = rule
    source = _write(tmp_path / "records_1.csv", (*COLUMNS, "RowId"), _records(("RowId",)))
    numbered = _numbered(spec, sql, source)
    assert numbered == _as_python_reads(source)
    assert numbered[7][-1] == ODD[7]  # the extract's own column, as read


def test_a_second_load_on_one_connection_replaces_the_first(
    rule: tuple[SyncSpec, SyncSql], tmp_path: Path
) -> None:
    spec, sql = rule
    first = _write(tmp_path / "records_1.csv", (*COLUMNS, "rowid"), _records(("rowid",))[:5])
    second = _write(tmp_path / "records_2.csv", COLUMNS, _records()[:3])
    con = duckdb.connect()
    try:
        load(con, spec, sql, first)
        load(con, spec, sql, second)
        rows = con.execute(f'SELECT engage_row, id FROM "{sql.extract}"').fetchall()
    finally:
        con.close()
    assert sorted(rows) == [(1, "K0"), (2, "K1"), (3, "K2")]


def test_the_rejects_carry_the_row_numbers_of_the_file(
    rule: tuple[SyncSpec, SyncSql], tmp_path: Path
) -> None:
    spec, sql = rule
    source = _write(tmp_path / "records_1.csv", COLUMNS, _records())
    run(spec, sql, source, tmp_path / "rows.csv", tmp_path / "rejects.csv")
    expected = {str(n): r for n, *r in _as_python_reads(source)}
    with (tmp_path / "rejects.csv").open(encoding="utf-8", newline="") as handle:
        rejects = list(csv.DictReader(handle))
    assert rejects
    for row in rejects:
        assert [row[c] or None for c in COLUMNS] == expected[row["engage_row"]]
