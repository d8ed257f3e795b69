"""Hostile names and values through the sync SQL builders: the SQL still parses, in DuckDB
and Spark, and means what it should — proven by running it on DuckDB and finding every
hostile value intact as data, and every hostile name as one column."""

from __future__ import annotations

import csv
from pathlib import Path

import sqlglot
from sqlglot import exp

from compiler.emit.sync.build import statements
from compiler.emit.sync.runner import run
from compiler.emit.sync.spec import ConsentCheck, SyncSpec, TargetColumn
from compiler.model.consent import Storage
from compiler.model.integrations import FileFeed
from compiler.model.sync import Condition

NAMES = [
    'we"ird',
    "a]]>b",
    "x;DROP TABLE engage_extract;--",
    "../etc/passwd",
    "ünï cødé 名前",
    "back`tick",
    "it's",
    "[brackets]",
]
VALUES = [
    "'; DROP TABLE engage_checked; --",
    "a\\'b\\\\\"c",
    "]]><![CDATA[x]]>",
    "ñandú 名前 \u00e9",
    "--comment",
    "$$dollar$$",
]
STATUS = "no'; --"


def column(name: str, source: str | None, **kw: object) -> TargetColumn:
    base: dict[str, object] = {
        "name": name,
        "type": "Text",
        "length": 200,
        "precision": None,
        "scale": None,
        "required": False,
        "primary_key": False,
        "default": None,
        "source": source,
        "constant": None,
        "values": (),
        "transforms": (),
    }
    return TargetColumn(**{**base, **kw})  # type: ignore[arg-type]


def hostile_spec() -> SyncSpec:
    """Source columns and target fields all named hostilely; hostile literals everywhere."""
    targets = tuple(column(f"T {n}", n) for n in NAMES)
    extra = (
        column("Key ]]>", NAMES[0], primary_key=True, required=True),
        column("Const '", None, constant=VALUES[0]),
        column("Mapped", NAMES[1], values=((VALUES[2], VALUES[3]),)),
        column("Defaulted", NAMES[2], default=VALUES[1], required=True),
    )
    # The models refuse such names; the builders must be safe even so (model_construct).
    status = Storage.model_construct(
        object="x", field=NAMES[3], polarity="status", opted_in_values=[], opted_out_values=[STATUS]
    )
    return SyncSpec(
        rule="hostile",
        source="feed.Records",
        target="mc.target",
        columns=tuple(NAMES),
        file=FileFeed(pattern="*.csv"),
        targets=targets + extra,
        key=("Key ]]>",),
        order_by=None,
        order_type="",
        filters=(Condition.model_construct(field=NAMES[4], op="ne", value=VALUES[4]),),
        consent=(ConsentCheck("email", status, NAMES[3], None),),
        addresses=(),
    )


def test_statements_parse_in_both_dialects() -> None:
    sql = statements(hostile_spec())
    for text in sql.duckdb:
        assert len(sqlglot.parse(text, read="duckdb")) == 1
    for text in sql.spark:
        assert len(sqlglot.parse(text, read="spark")) == 1


def test_every_hostile_name_is_one_identifier() -> None:
    """Parsing the generated SQL back finds each hostile name as a whole column name."""
    sql = statements(hostile_spec())
    for dialect, texts in (("duckdb", sql.duckdb), ("spark", sql.spark)):
        create = sqlglot.parse_one(texts[0], read=dialect)
        names = {c.name for c in create.find_all(exp.Column)}
        assert set(NAMES) <= names, (dialect, set(NAMES) - names)
        literals = {lit.this for lit in create.find_all(exp.Literal) if lit.is_string}
        assert {VALUES[0], VALUES[1], VALUES[2], VALUES[3], VALUES[4], STATUS} <= literals


def write(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(NAMES)
        writer.writerows(rows)
    return path


def test_hostile_values_arrive_intact(tmp_path: Path) -> None:
    spec = hostile_spec()
    # Columns: 0 key, 1 mapped through the picklist, 2 defaulted, 3 consent status,
    # 4 filtered on; every cell a hostile value where the row's purpose allows.
    row_a = [VALUES[0], VALUES[1], VALUES[5], "fine", "keep", VALUES[3], VALUES[2], VALUES[4]]
    row_b = list(row_a)
    row_b[0] = "other"
    row_b[1] = VALUES[2]  # translated by the picklist map
    row_b[2] = ""  # Defaulted: empty, gets the hostile default
    filtered = list(row_a)
    filtered[0], filtered[4] = "gone", VALUES[4]  # the filter `ne VALUES[4]` drops it
    opted = list(row_a)
    opted[0], opted[3] = "opted", STATUS  # the consent status value rejects it
    source = write(tmp_path / "in.csv", [row_a, row_b, filtered, opted])
    result = run(spec, statements(spec), source, tmp_path / "out.csv", tmp_path / "rej.csv")
    assert (result.read, result.accepted, result.rejected, result.filtered) == (4, 2, 1, 1)
    with (tmp_path / "out.csv").open(encoding="utf-8", newline="") as handle:
        out = list(csv.DictReader(handle))
    assert [f"T {n}" for n in NAMES] == list(out[0])[: len(NAMES)]
    assert [out[0][f"T {n}"] for n in NAMES] == row_a
    assert out[0]["Const '"] == VALUES[0] and out[1]["Const '"] == VALUES[0]
    assert out[1]["Mapped"] == VALUES[3]
    assert out[1]["Defaulted"] == VALUES[1]
    with (tmp_path / "rej.csv").open(encoding="utf-8", newline="") as handle:
        rejected = list(csv.DictReader(handle))
    assert [r[NAMES[0]] for r in rejected] == ["opted"]
    assert rejected[0]["engage_reason"] == "opted_out:email"
    assert [rejected[0][n] for n in NAMES] == opted
