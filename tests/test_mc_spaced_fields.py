"""Data extension field names with spaces, end to end (tests/fixtures/marketing_cloud/spaced).

Most fields of real retrieved data extensions hold spaces ("First Name", "Email Address",
"Date Of Resubscription"). The language takes them as they are; every generated file keeps
the exact name and quotes it for its format: the query activity's T-SQL (run here in DuckDB
against an Enterprise/child pair of schemas), mcdev's JSON (read by mcdev itself), the
DuckDB sync code (run on a CSV extract). A name that breaks the rule is a finding at its
position, with the rule in the hint.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import duckdb
import pytest
import sqlglot
from conftest import WriteEco
from test_mcdev import AUTH, load, read_with_mcdev

from compiler.emit.generate import generate
from compiler.emit.marketing_cloud import tsql
from compiler.emit.sync import compile_rule
from compiler.emit.sync.runner import run as run_sync
from compiler.pipeline import compile_path
from compiler.resolved import ResolvedEcosystem
from compiler.source import ParseCache

SPACED = Path(__file__).resolve().parent / "fixtures" / "marketing_cloud" / "spaced"
QUERY = "marketing_cloud/deploy/mc/child/query/brand_audience.query-meta.sql"
MASTER = (
    "marketing_cloud/deploy/mc/_ParentBU_/dataExtension/CUSTOMER_MASTER.dataExtension-meta.json"
)


@pytest.fixture(scope="module")
def resolved() -> ResolvedEcosystem:
    comp = compile_path(SPACED, None, cache=ParseCache(None))
    assert comp.ok and comp.resolved is not None, [f.message for f in comp.findings]
    return comp.resolved


@pytest.fixture(scope="module")
def built(resolved: ResolvedEcosystem, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("spaced")
    generate(resolved, out)
    return out


def test_the_query_brackets_every_spaced_name_and_marketing_cloud_accepts_it(built: Path) -> None:
    sql = (built / QUERY).read_text("utf-8")
    assert "[s].[Customer Number] AS [Subscriber Key]" in sql
    assert "LEFT([s].[First Name], 10) AS [First Name]" in sql
    assert "FROM ENT.[Customer Master] AS [s]" in sql
    assert "[c].[SubscriberKey] = [s].[Customer Number]" in sql
    assert tsql.problems(sql) == []
    columns = {c.name for c in sqlglot.parse_one(sql, read="tsql").find_all(sqlglot.exp.Column)}
    assert {"Customer Number", "First Name", "Email Address", "Customer Segment"} <= columns


def test_the_query_runs_and_keeps_only_the_active_gold_subscribers(built: Path) -> None:
    con = duckdb.connect()
    con.execute("CREATE SCHEMA ENT")
    con.execute(
        'CREATE TABLE ENT."Customer Master" ("Customer Number" TEXT, "First Name" TEXT, '
        '"Email Address" TEXT, "Customer Segment" TEXT, "Date Of Resubscription" DATE)'
    )
    con.executemany(
        'INSERT INTO ENT."Customer Master" VALUES (?, ?, ?, ?, ?)',
        [
            ("C1", "Ana Maria Lopez", "ana@example.com", "gold", "2024-01-01"),  # kept
            ("C2", "Ben", "ben@example.com", "gold", None),  # unsubscribed
            ("C3", "Cai", "cai@example.com", "silver", None),  # not gold
            ("C4", "Dee", None, "gold", None),  # no address
            ("C5", "Eli", "eli@example.com", "gold", None),  # held
        ],
    )
    for schema in ("ENT", "main"):  # a child unit's own _Subscribers answers nothing
        con.execute(f'CREATE TABLE {schema}."_Subscribers" (SubscriberKey TEXT, Status TEXT)')
    con.executemany(
        'INSERT INTO ENT."_Subscribers" VALUES (?, ?)',
        [("C1", "Active"), ("C2", "Unsubscribed"), ("C3", "Active"), ("C4", "Active"),
         ("C5", "Held")],
    )  # fmt: skip
    duck = sqlglot.transpile((built / QUERY).read_text("utf-8"), read="tsql", write="duckdb")[0]
    rows = con.execute(duck).fetchall()
    assert [d[0] for d in con.description] == ["Subscriber Key", "Email Address", "First Name"]
    assert rows == [("C1", "ana@example.com", "Ana Maria ")]  # cut to the target's 10


def test_data_extension_json_keeps_the_exact_names(built: Path) -> None:
    doc = json.loads((built / MASTER).read_text("utf-8"))
    assert [f["Name"] for f in doc["Fields"]] == [
        "Customer Number", "First Name", "Email Address", "Customer Segment",
        "Date Of Resubscription",
    ]  # fmt: skip
    assert doc["SendableDataExtensionField"] == {"Name": "Customer Number"}


def test_sync_code_reads_the_extract_and_writes_the_spaced_columns(
    resolved: ResolvedEcosystem, tmp_path: Path
) -> None:
    spec, sql, findings = compile_rule(resolved, "load_master")
    assert spec is not None and sql is not None, findings
    source = tmp_path / "customers_1.csv"
    source.write_text(
        "id,first_name,email,segment,resubscribed,updated\n"
        " K1 ,Ana,Ana@Example.com,gold,2024-02-03,2024-02-03 10:00:00\n"
        "K2,Ben,not-an-address,gold,,2024-02-03 10:00:00\n",
        "utf-8",
    )
    run_sync(spec, sql, source, tmp_path / "rows.csv", tmp_path / "rejects.csv")
    with (tmp_path / "rows.csv").open(encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
        assert reader.fieldnames == [
            "Customer Number", "First Name", "Email Address", "Customer Segment",
            "Date Of Resubscription",
        ]  # fmt: skip
    assert rows == [
        {"Customer Number": "K1", "First Name": "Ana", "Email Address": "ana@example.com",
         "Customer Segment": "gold", "Date Of Resubscription": "2024-02-03"},
    ]  # fmt: skip
    with (tmp_path / "rejects.csv").open(encoding="utf-8") as handle:
        assert [r["engage_row"] for r in csv.DictReader(handle)] == ["2"]


@pytest.mark.parametrize(
    ("name", "line", "column"),
    [
        ("First  Name", 8, 7),  # two spaces
        ("First Name ", 8, 7),  # a trailing space
        ("1st Name", 8, 7),  # starts with a digit
        ("First]Name", 8, 7),  # a bracket would end a T-SQL identifier
        ("First.Name", 8, 7),  # a dot would read as object.field
        ("Prénom", 8, 7),
    ],
)
def test_a_bad_field_name_is_a_finding_at_its_position(
    write_eco: WriteEco, name: str, line: int, column: int
) -> None:
    root = write_eco(
        {
            "ecosystem.yaml": f"""\
apiVersion: engage/v1
ecosystem: {{name: x}}
data_extensions:
  d:
    business_unit: corp
    fields:
      Key: {{type: Text, length: 10, primary_key: true}}
      {json.dumps(name)}: {{type: Text}}
"""
        }
    )
    comp = compile_path(root, None, cache=ParseCache(None))
    bad = [f for f in comp.findings if f.code == "E1005"]
    assert len(bad) == 1, [f.message for f in comp.findings]
    assert bad[0].span is not None
    assert (bad[0].span.line, bad[0].span.column) == (line, column)
    assert bad[0].hint is not None and "single spaces" in bad[0].hint


def test_a_name_longer_than_128_characters_is_refused(write_eco: WriteEco) -> None:
    long_name = " ".join(["Word"] * 26)  # 129 characters
    root = write_eco(
        {
            "ecosystem.yaml": f"""\
apiVersion: engage/v1
ecosystem: {{name: x}}
data_extensions:
  d:
    business_unit: corp
    fields:
      {long_name}: {{type: Text}}
"""
        }
    )
    comp = compile_path(root, None, cache=ParseCache(None))
    assert len(long_name) == 129
    assert [f.code for f in comp.findings if f.code.startswith("E100")] == ["E1006"]


def test_mcdev_reads_the_spaced_fields(built: Path) -> None:
    root = built / "marketing_cloud"
    eids = {c: v["eid"] for c, v in load(root / ".mcdevrc.json")["credentials"].items()}
    auth = {cred: {**AUTH, "account_id": eid} for cred, eid in eids.items()}
    (root / ".mcdev-auth.json").write_text(json.dumps(auth), "utf-8")
    result = read_with_mcdev(root)
    assert result["loaded"] and result["errors"] == [], result["errors"]
    assert result["fields"] == {
        "mc/_ParentBU_/CUSTOMER_MASTER": [
            "Customer Number", "First Name", "Email Address", "Customer Segment",
            "Date Of Resubscription",
        ],
        "mc/child/BRAND_AUDIENCE": ["Subscriber Key", "Email Address", "First Name"],
    }  # fmt: skip
