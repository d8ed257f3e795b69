"""Run one rule's DuckDB sync code on an extract file: the engine behind `engage sync run`.

The extract is read with DuckDB's CSV reader, every column as text, with the delimiter,
encoding and header the integration's `file:` settings declare, and numbered in file order
(`engage_row`): read into a table by the reader's parallel scan, which keeps the file's
order, and numbered by a view (the table's row id plus one, see `load`). The generated
statements then run unchanged; the accepted rows and the rejected rows (with their
reason) are written as UTF-8 CSV files, each to a temporary file beside the target and
renamed over it, so a failed run never leaves half a file behind.
File names reach DuckDB only as bound parameters, never inside SQL text.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
from sqlglot import exp

from compiler.emit.sync.build import REASON, SEPARATOR, SyncSql
from compiler.emit.sync.spec import ROW, SyncSpec

# Everything explicit: no sniffed header row skipping (skip = 0), no comment lines, the
# standard CSV quote and escape; only the line ending is detected.
_READ = (
    "read_csv($path, header = $header, delim = $delim, encoding = $encoding, "
    "all_varchar = true, skip = 0, quote = '\"', escape = '\"', comment = ''{names})"
)
_DESCRIBE = "DESCRIBE SELECT * FROM " + _READ
# The rows as read, into a table; the rule's extract relation is a view numbering them.
_READ_INTO = "CREATE OR REPLACE TEMPORARY TABLE {table} AS SELECT {number}* FROM " + _READ
_BY_WINDOW = f"ROW_NUMBER() OVER () AS {ROW}, "
_NUMBERED = "CREATE OR REPLACE TEMPORARY VIEW {extract} AS SELECT {number}* FROM {table}"
_BY_ROWID = f"rowid + 1 AS {ROW}, "
_KEPT = re.compile(r" \(kept row [0-9]+\)$")


class SyncRunError(Exception):
    """Bad input for a sync run (missing file, wrong header, unreadable CSV): a message."""


@dataclass(frozen=True)
class RunResult:
    read: int
    accepted: int
    rejected: int
    reasons: dict[str, int] = field(default_factory=dict)  # e.g. "invalid_email:Email" → 12

    @property
    def filtered(self) -> int:
        return self.read - self.accepted - self.rejected


def _encoding(name: str) -> str:
    return {"utf-8": "utf-8", "latin-1": "latin-1", "utf-16": "utf-16"}[name]


def _first_line(err: Exception) -> str:
    lines = [line.strip() for line in str(err).splitlines() if line.strip()]
    return " ".join(lines[:3]) if lines else type(err).__name__


def _csv_problem(err: Exception, spec: SyncSpec) -> str:
    """DuckDB's CSV error in a sentence, without echoing the row (it may be personal data)."""
    lines = [line.strip() for line in str(err).splitlines() if line.strip()]
    where = [line for line in lines if line.startswith(("CSV Error on Line", "Expected Number"))]
    if where:
        return " ".join(line.removeprefix("Invalid Input Error: ") for line in where)
    return (
        "its rows do not all have as many cells as the header, or it is not written with "
        f"delimiter {spec.file.delimiter!r} and encoding {spec.file.encoding} as the "
        "integration's `file:` settings declare"
    )


def _params(spec: SyncSpec, source: Path) -> tuple[str, dict[str, object]]:
    params: dict[str, object] = {
        "path": str(source),
        "header": spec.file.header,
        "delim": spec.file.delimiter,
        "encoding": _encoding(spec.file.encoding),
    }
    if spec.file.header:
        return "", params
    params["names"] = list(spec.columns)
    return ", names = $names", params


def _execute(
    con: duckdb.DuckDBPyConnection,
    sql: str,
    params: dict[str, object],
    spec: SyncSpec,
    source: Path,
) -> list[tuple[object, ...]]:
    try:
        return con.execute(sql, params).fetchall()
    except duckdb.Error as err:
        raise SyncRunError(f"{source}: cannot read the extract: {_csv_problem(err, spec)}") from err


def load(con: duckdb.DuckDBPyConnection, spec: SyncSpec, sql: SyncSql, source: Path) -> None:
    """Check the extract's header, then read it into the rule's extract relation.

    The relation is a view numbering a table that holds the rows as read: DuckDB's CSV
    reader scans the file on every thread and keeps the file's order (insertion order is
    preserved, DuckDB's default), so the table's row ids are the rows' positions from 0,
    and `rowid + 1` is the number `ROW_NUMBER() OVER ()` gives over the same read
    (tests/test_sync_run.py compares both). The window numbers the rows on one thread:
    the load's wall time was 1.6x the read's, its CPU the same. An extract with a column
    named `rowid`, which would hide the row id, is numbered by the window as before."""
    if not source.is_file():
        raise SyncRunError(f"{source}: no such file")
    names, params = _params(spec, source)
    described = _execute(con, _DESCRIBE.format(names=names), params, spec, source)
    columns = [str(row[0]) for row in described]
    check_header(spec, source, columns)
    table = _quoted(f"{sql.extract} (as read)")  # no rule's flat name holds a space
    hidden = "rowid" in {c.lower() for c in columns}
    read = _READ_INTO.format(names=names, table=table, number=_BY_WINDOW if hidden else "")
    _execute(con, read, params, spec, source)
    number = "" if hidden else _BY_ROWID
    con.execute(_NUMBERED.format(extract=_quoted(sql.extract), table=table, number=number))


def check_header(spec: SyncSpec, source: Path, columns: list[str]) -> None:
    present = {c.lower() for c in columns}
    if ROW in present:
        raise SyncRunError(f"{source}: column {ROW!r} is reserved for the row number")
    missing = [c for c in spec.required_columns if c.lower() not in present]
    if missing:
        raise SyncRunError(
            f"{source}: the header lacks column{'s' * (len(missing) > 1)} "
            f"{', '.join(missing)}, which sync rule {spec.rule!r} reads from {spec.source} "
            f"(read with delimiter {spec.file.delimiter!r}, encoding {spec.file.encoding})"
        )


def _temporary(target: Path) -> Path:
    return target.with_name(f".{target.name}.{os.getpid()}.tmp")


def _copy(con: duckdb.DuckDBPyConnection, query: str, target: Path) -> None:
    """COPY the query's rows to a temporary file beside `target`, flushed to disk."""
    tmp = _temporary(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        con.execute(f"COPY ({query}) TO $out (HEADER, DELIMITER ',')", {"out": str(tmp)})
        with open(tmp, "rb") as handle:
            os.fsync(handle.fileno())
    except (OSError, duckdb.IOException) as err:
        raise SyncRunError(f"{target}: cannot write: {_first_line(err)}") from err


def _write_both(con: duckdb.DuckDBPyConnection, sql: SyncSql, out: Path, rejects: Path) -> None:
    """Both files or neither: each is written in full before either replaces its target."""
    try:
        _copy(con, sql.duckdb[1], out)
        _copy(con, sql.duckdb[2], rejects)
        os.replace(_temporary(out), out)
        os.replace(_temporary(rejects), rejects)
    finally:
        for target in (out, rejects):
            with contextlib.suppress(OSError):
                _temporary(target).unlink(missing_ok=True)


def _quoted(name: str) -> str:
    return exp.to_identifier(name, quoted=True).sql(dialect="duckdb")


def _result(con: duckdb.DuckDBPyConnection, sql: SyncSql) -> RunResult:
    """Rows read, accepted, rejected and rejected per reason, from one scan of the
    checked rows grouped by reason (the accepted rows are the NULL group)."""
    read = con.execute(f"SELECT COUNT(*) FROM {_quoted(sql.extract)}").fetchone()
    groups = con.execute(
        f"SELECT {REASON}, COUNT(*) FROM {_quoted(sql.checked)} GROUP BY 1"
    ).fetchall()
    rejected = [(r, int(n)) for r, n in groups if r is not None]
    accepted = sum(int(n) for r, n in groups if r is None)
    return RunResult(
        int(read[0]) if read else 0,
        accepted,
        sum(n for _, n in rejected),
        reasons=reason_counts(rejected),
    )


def reason_counts(rows: list[tuple[object, int]]) -> dict[str, int]:
    """(engage_reason, rows) → rows per single reason, "(kept row N)" left out."""
    counts: Counter[str] = Counter()
    for reason, n in rows:
        for part in str(reason).split(SEPARATOR):
            counts[_KEPT.sub("", part)] += int(n)
    return dict(sorted(counts.items()))


def _distinct(paths: list[Path]) -> None:
    resolved = [p.resolve() for p in paths]
    if len(set(resolved)) != len(resolved):
        raise SyncRunError("the input, --out and --rejects must be three different files")


def run(spec: SyncSpec, sql: SyncSql, source: Path, out: Path, rejects: Path) -> RunResult:
    _distinct([source, out, rejects])
    con = duckdb.connect(":memory:")
    try:
        load(con, spec, sql, source)
        try:
            con.execute(sql.duckdb[0])
        except duckdb.Error as err:
            raise SyncRunError(f"{source}: the sync code failed: {_first_line(err)}") from err
        _write_both(con, sql, out, rejects)
        return _result(con, sql)
    finally:
        con.close()
