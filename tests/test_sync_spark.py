"""Spark conformance: the generated PySpark job gives DuckDB's answers, row for row.

One local SparkSession (local[2]) for the module, started with a session time zone and a
JVM default zone that are not UTC, so an answer that depended on either would show. The
job is the text `engage generate` writes (`<rule>.spark.py`), executed as a module.

* the shipped sample and an edge-case extract (dates, times across DST, offsets,
  whitespace incl. U+00A0, case, RFC 4180 quoting, quoted line breaks, CR/LF line ends)
  through `engage sync run` (DuckDB) and the job: identical output and rejects files;
* the edge cases' answers are also stated here, so a change of semantics in both engines
  at once fails too, and the value helpers are run on both engines against Python;
* a second rule and a re-run in one SparkSession; rejects numbered by file row and kept
  as read; partitions numbered consecutively; folder outputs; bad input as messages;
  `engage sync run --engine spark`.

Skipped, with the reason, only where PySpark or Java is missing (CI installs both).
"""

from __future__ import annotations

import csv
import io
import os
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest
from click.testing import CliRunner
from sqlglot import exp

from compiler.cli import cli
from compiler.emit.sql import text
from compiler.emit.sync import compile_rule
from compiler.emit.sync import values as v
from compiler.emit.sync.runner import run as duck_run
from compiler.emit.sync.spark_run import load_job, unavailable
from compiler.pipeline import compile_path
from compiler.resolved import ResolvedEcosystem
from compiler.source import ParseCache

ROOT = Path(__file__).resolve().parents[1]
TYPED = ROOT / "tests" / "fixtures" / "sync" / "typed"
ECOSYSTEM = ROOT / "ecosystem"
SAMPLE = ECOSYSTEM / "samples" / "clientes_sample.csv"
COLUMNS = ("id", "email", "name", "qty", "price", "born", "active", "phone", "locale", "tier",
           "kind", "score", "updated", "optout")  # fmt: skip
GOOD = dict(zip(COLUMNS, ("K1", "ana@example.com", "Ana", "3", "12.50", "1990-04-05", "yes",
            "+34 600 000 000", "es-ES", "gold", "real", "50", "2024-01-01 10:00:00", "false"),
            strict=True))  # fmt: skip
NBSP = "\u00a0"
# (id, changes to GOOD, the reasons, or the output values that matter when accepted)
EDGES: list[tuple[str, dict[str, str], str | dict[str, str]]] = [
    ("D1", {"born": "1985"}, "invalid_date:Born"),
    ("D2", {"born": "1985-10"}, "invalid_date:Born"),
    ("D3", {"born": "+1985-10-18"}, "invalid_date:Born"),
    ("D4", {"born": "1985-10-18 24:00:00"}, "invalid_date:Born"),
    ("D5", {"born": "2023-02-29"}, "invalid_date:Born"),
    ("D6", {"born": "2024-02-29"}, {"Born": "2024-02-29"}),
    ("D7", {"born": "2024-03-31 02:30:00"}, {"Born": "2024-03-31 02:30:00"}),  # DST gap
    ("D8", {"born": "2024-10-27T02:30:00+02:00"}, {"Born": "2024-10-27 02:30:00"}),
    ("D9", {"born": "2024-10-27 02:30:00Z"}, {"Born": "2024-10-27 02:30:00"}),
    ("D10", {"born": "31/12/1999"}, {"Born": "1999-12-31"}),
    ("D11", {"born": "1990-04-05 00:00:00.000"}, {"Born": "1990-04-05"}),
    ("D12", {"born": "1990-04-05 23:59:60"}, "invalid_date:Born"),
    ("D13", {"born": "30/02/2000"}, "invalid_date:Born"),
    ("W1", {"email": f"{NBSP}Ana@Example.COM{NBSP}\t"}, {"Email": "ana@example.com"}),
    ("W2", {"email": "ana@example.com\r\n"}, {"Email": "ana@example.com"}),
    ("W3", {"name": f"Ana{NBSP}"}, {"Name": f"Ana{NBSP}"}),  # Text: kept as written
    ("W4", {"active": f"YES{NBSP}", "qty": " 007 "}, {"Active": "true", "Qty": "7"}),
    ("W5", {"phone": f"+34{NBSP}600\u2009000 000"}, {"Phone": "+34600000000"}),
    ("C1", {"email": "ÀNA@EXAMPLE.COM"}, "invalid_email:Email"),
    ("C2", {"locale": "ES-es"}, {"Locale": "ES-es"}),
    ("Q1", {"name": 'O"Brien'}, "too_long:Name"),
    ("Q2", {"name": "Jo\nX"}, {"Name": "Jo\nX"}),  # CR LF inside quotes: see docs/sync.md
    ("Q3", {"name": "a;b,c"}, {"Name": "a;b,c"}),
    ("Q4", {"name": "  xy  "}, "too_long:Name"),  # spaces kept, counted, written back
    ("N1", {"qty": "+12", "price": "-0.5"}, {"Qty": "12", "Price": "-0.5"}),
    ("N2", {"qty": "1e3"}, "invalid_number:Qty"),
    ("N3", {"price": "12.345"}, "invalid_decimal:Price"),
    ("N4", {"qty": "2147483648"}, "invalid_number:Qty"),
    ("O1", {"optout": "TRUE"}, "opted_out:email"),
    ("F1", {"kind": "test"}, "filtered"),
    ("F2", {"score": "abc"}, "filtered"),
    ("F3", {"score": " 15 "}, {"Key": "F3"}),
    ("K9", {"updated": "2024-05-01T10:00:00Z"}, {"Key": "K9", "Name": "Ana"}),
    ("K9", {"updated": "2024-05-01 09:00:00", "name": "Old"}, "duplicate:Key (kept row 33)"),
    (" K20\r\n", {}, {"Key": "K20"}),
    ("", {"email": "x"}, "missing:Key; invalid_email:Email"),
]


def _missing() -> str | None:
    return unavailable()


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    problem = _missing()
    if problem is not None:
        print(f"Spark conformance tests skipped: {problem}")
        pytest.skip(problem)
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[2]")
        .appName("engage tests")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.session.timeZone", "America/New_York")
        .config("spark.driver.extraJavaOptions", "-Duser.timezone=Europe/Madrid")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def _resolved(root: Path) -> ResolvedEcosystem:
    comp = compile_path(root, None, cache=ParseCache(None))
    assert comp.ok and comp.resolved is not None, [f.message for f in comp.findings]
    return comp.resolved


@pytest.fixture(scope="module")
def typed() -> ResolvedEcosystem:
    return _resolved(TYPED)


def _job(resolved: ResolvedEcosystem, rule: str) -> types.ModuleType:
    spec, sql, findings = compile_rule(resolved, rule)
    assert spec is not None and sql is not None, findings
    return load_job(spec, sql)


def both(
    spark: Any, resolved: ResolvedEcosystem, rule: str, source: Path, tmp: Path
) -> tuple[tuple[bytes, bytes], tuple[bytes, bytes], Any]:
    """(DuckDB's rows and rejects files, Spark's, Spark's counts)."""
    spec, sql, _ = compile_rule(resolved, rule)
    assert spec is not None and sql is not None
    duck_run(spec, sql, source, tmp / "duck_rows.csv", tmp / "duck_rejects.csv")
    result = load_job(spec, sql).sync(
        spark, str(source), str(tmp / "spark_rows.csv"), str(tmp / "spark_rejects.csv")
    )
    files = [(tmp / f"{e}_rows.csv", tmp / f"{e}_rejects.csv") for e in ("duck", "spark")]
    (a, b), (c, d) = files
    return (a.read_bytes(), b.read_bytes()), (c.read_bytes(), d.read_bytes()), result


def rows(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8"), newline="")))


def edge_extract(path: Path) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\r\n")
        writer.writeheader()
        for key, change, _ in EDGES:
            writer.writerow({**GOOD, "id": key, **change})
    return path


# ---------------------------------------------------------------- conformance
@pytest.mark.skipif(not SAMPLE.is_file(), reason="the example ecosystem is not in this checkout")
def test_the_sample_gives_identical_files(spark: Any, tmp_path: Path) -> None:
    duck, sparks, result = both(spark, _resolved(ECOSYSTEM), "legacy_customers_load", SAMPLE,
                                tmp_path)  # fmt: skip
    assert sparks == duck  # byte for byte: rows, rejects, order, quoting
    assert (result.read, result.accepted, result.rejected) == (3000, len(rows(duck[0])), 588)
    assert sum(result.reasons.values()) >= result.rejected


def test_edge_cases_give_identical_files_and_the_stated_answers(
    spark: Any, typed: ResolvedEcosystem, tmp_path: Path
) -> None:
    source = edge_extract(tmp_path / "records_1.csv")
    duck, sparks, result = both(spark, typed, "load", source, tmp_path)
    assert rows(sparks[0]) == rows(duck[0])
    assert rows(sparks[1]) == rows(duck[1])
    assert sparks == duck
    accepted = {r["Key"]: r for r in rows(duck[0])}
    rejected = {int(r["engage_row"]): r for r in rows(duck[1])}
    for number, (key, change, expected) in enumerate(EDGES, start=1):
        if expected == "filtered":
            assert number not in rejected and key not in accepted, key
        elif isinstance(expected, str):
            assert rejected[number]["engage_reason"] == expected, (key, rejected.get(number))
            row = rejected[number]
            assert row["id"] == key and all(row[c] == x for c, x in change.items())  # as read
        else:
            out = accepted[key.strip()]
            assert {k: out[k] for k in expected} == expected, key
    assert result.read == len(EDGES)
    assert result.filtered == 2


EVERY = ROOT / "tests" / "fixtures" / "sync" / "every_transform"


@pytest.mark.parametrize(
    ("rule", "extract"), [("contacts_load", "contacts_1.csv"), ("members_load", "members_1.txt")]
)
def test_every_transform_gives_the_expected_files(
    spark: Any, tmp_path: Path, rule: str, extract: str
) -> None:
    """The job writes what tests/test_sync_expected.py expects of DuckDB, byte for byte."""
    job = _job(_resolved(EVERY / "ecosystem"), rule)
    out, rejects = tmp_path / "rows.csv", tmp_path / "rejects.csv"
    job.sync(spark, str(EVERY / "extracts" / extract), str(out), str(rejects))
    assert out.read_bytes() == (EVERY / "expected" / f"{rule}.rows.csv").read_bytes()
    assert rejects.read_bytes() == (EVERY / "expected" / f"{rule}.rejects.csv").read_bytes()


# ---------------------------------------------------------------- the value helpers
TRIMMED = [f"{NBSP}a b\t", "\r\na\u3000", "\u2028a\u0085", "\u200bz", "ß "]
CASES = ["straße", "ÀÉÎõü", "İstanbul", "ÿŸ", "ǅ", "ŉ"]
DATES = ["1985", "1985-10", "+1985-10-18", "1985-10-18 24:00:00", "2000-02-29", "1900-02-29",
         "2024-03-31T02:30", "2024-03-31 02:30:59.123456789+0200", "0000-01-01", "1985-10-18\n",
         "1985-1-18", "2024-12-31T23:59:59Z", "1985-10-18 00:00:00"]  # fmt: skip
PATTERNS = [("es\n", v.LOCALE_RE, False), ("es", v.LOCALE_RE, True),
            ("a@b.co\n", v.EMAIL_RE, False), ("12\n", v.INT_RE, False),
            ("+34 600", v.PHONE_RE, True), ("+34 600\r\n", v.PHONE_RE, False)]  # fmt: skip


def _python_date(s: str) -> str | None:
    import re
    from datetime import date

    if not re.fullmatch(v.DATE_RE.removeprefix("^").removesuffix(v.END), s):
        return None
    try:
        date(int(s[0:4]), int(s[5:7]), int(s[8:10]))
    except ValueError:
        return None
    hh, mm = (s[11:13], s[14:16]) if len(s) > 10 else ("00", "00")
    ss = s[17:19] if len(s) > 16 and s[16] == ":" else "00"
    if int(hh) > 23 or int(mm) > 59 or int(ss) > 59:
        return None
    clock = f"{hh}:{mm}:{ss}"
    return s[:10] if clock == "00:00:00" else f"{s[:10]} {clock}"


def _python_case(s: str, upper: bool) -> str:
    table = dict(v.CASE_PAIRS) if upper else {u: lo for lo, u in v.CASE_PAIRS}
    return "".join(table.get(c, c) for c in s)


def test_value_helpers_mean_the_same_in_both_engines(spark: Any) -> None:
    cases: list[tuple[exp.Expr, object]] = []
    cases += [(v.trim(text(s)), s.strip("".join(v.WHITESPACE))) for s in TRIMMED]
    cases += [(v.upper(text(s)), _python_case(s, True)) for s in CASES]
    cases += [(v.lower(text(s)), _python_case(s, False)) for s in CASES]
    cases += [(v.date_text(text(s)), _python_date(s)) for s in DATES]
    cases += [(v.matches(text(s), p), expected) for s, p, expected in PATTERNS]
    select = exp.select(*[exp.alias_(e, f"c{i}", quoted=True) for i, (e, _) in enumerate(cases)])
    from compiler.emit.sync.build import _duckdb, _spark

    duck = duckdb.connect().execute(_duckdb(select).sql(dialect="duckdb")).fetchone()
    sparks = spark.sql(_spark(select).sql(dialect="spark")).collect()[0]
    expected = tuple(e for _, e in cases)
    assert tuple(duck or ()) == expected
    assert tuple(sparks) == expected
    # what the engines do on their own, which the helpers avoid
    assert spark.sql("SELECT UPPER('ß'), CAST('1985' AS DATE) IS NOT NULL").collect()[0] == (
        "SS",
        True,
    )
    assert duckdb.connect().execute("SELECT UPPER('ß')").fetchone() == ("ẞ",)


# ---------------------------------------------------------------- the job's contract
def test_a_second_rule_and_a_rerun_share_one_session(spark: Any, tmp_path: Path) -> None:
    resolved = _resolved(ECOSYSTEM)
    if not SAMPLE.is_file():
        pytest.skip("the example ecosystem is not in this checkout")
    first = both(spark, resolved, "legacy_customers_load", SAMPLE, tmp_path)
    typed_job = _job(_resolved(TYPED), "load")
    other = edge_extract(tmp_path / "records_1.csv")
    typed_job.sync(spark, str(other), str(tmp_path / "t_rows.csv"), str(tmp_path / "t_rej.csv"))
    again = both(spark, resolved, "legacy_customers_load", SAMPLE, tmp_path)  # a re-run
    assert again[1] == first[1] == first[0]
    names = {t.name for t in spark.catalog.listTables()}
    assert {"engage_checked_legacy_customers_load", "engage_checked_load"} <= names


def test_rows_are_numbered_consecutively_across_partitions(spark: Any, typed: Any) -> None:
    job = _job(typed, "load")
    frame = spark.range(0, 1000, numPartitions=7).selectExpr("CAST(id AS STRING) AS x")
    numbered = job.number_rows(spark, frame)
    got = [(int(r[0]), r[1]) for r in numbered.frame.orderBy("engage_row").collect()]
    assert numbered.rows == 1000
    assert got == [(i + 1, str(i)) for i in range(1000)]
    numbered.persisted.unpersist()


def test_folder_outputs_and_bad_input(spark: Any, typed: Any, tmp_path: Path) -> None:
    job = _job(typed, "load")
    source = edge_extract(tmp_path / "records_1.csv")
    result = job.sync(spark, str(source), str(tmp_path / "rows"), str(tmp_path / "rejects"))
    parts = sorted((tmp_path / "rows").glob("part-*.csv"))
    assert parts and not list(tmp_path.glob(".*tmp*"))
    accepted = [r for p in parts for r in rows(p.read_bytes())]
    assert len(accepted) == result.accepted
    with pytest.raises(job.JobError, match="lacks column email, which sync rule 'load'"):
        bad = tmp_path / "bad.csv"
        header = ",".join(c for c in COLUMNS if c != "email")
        bad.write_text(f"{header}\n{',' * (len(COLUMNS) - 2)}\n", "utf-8")
        job.sync(spark, str(bad), str(tmp_path / "o.csv"), str(tmp_path / "r.csv"))
    secret = "4111111111111111"
    short = tmp_path / "short.csv"
    short.write_text(",".join(COLUMNS) + f'\nK1,"{secret}\n', "utf-8")
    with pytest.raises(job.JobError, match="cannot read the extract") as err:
        job.sync(spark, str(short), str(tmp_path / "o.csv"), str(tmp_path / "r.csv"))
    assert secret not in str(err.value)
    assert not (tmp_path / "o.csv").exists()
    with pytest.raises(job.JobError, match="no such file"):
        job.sync(spark, str(tmp_path / "nope.csv"), str(tmp_path / "o.csv"), str(tmp_path / "r"))


def test_engage_sync_run_engine_spark(spark: Any, tmp_path: Path) -> None:
    source = edge_extract(tmp_path / "records_1.csv")
    args = ["sync", "run", "load", str(TYPED), "--input", str(source), "--engine", "spark",
            "--out", str(tmp_path / "rows.csv"),
            "--rejects", str(tmp_path / "rejects.csv")]  # fmt: skip
    result = CliRunner().invoke(cli, args, standalone_mode=False, env={"NO_COLOR": "1"})
    assert result.exception is None, result.output
    assert result.return_value == 0
    assert f"read {len(EDGES)} rows from" in result.output
    assert "invalid_date:Born" in result.output
    spec, sql, _ = compile_rule(_resolved(TYPED), "load")
    assert spec is not None and sql is not None
    duck_run(spec, sql, source, tmp_path / "d_rows.csv", tmp_path / "d_rejects.csv")
    assert (tmp_path / "rows.csv").read_bytes() == (tmp_path / "d_rows.csv").read_bytes()


def test_engine_spark_without_pyspark_is_a_message(tmp_path: Path) -> None:
    env = {**os.environ, "JAVA_HOME": "", "PATH": str(tmp_path)}  # no java anywhere
    source = edge_extract(tmp_path / "records_1.csv")
    args = ["sync", "run", "load", str(TYPED), "--input", str(source), "--engine", "spark",
            "--out", str(tmp_path / "rows.csv"),
            "--rejects", str(tmp_path / "rejects.csv")]  # fmt: skip
    result = CliRunner().invoke(cli, args, standalone_mode=False, env=env)
    assert result.return_value == 1
    assert "Java runtime" in result.output or "PySpark is not installed" in result.output


# ---------------------------------------------------------------- the sha256 transform
HASHED = ROOT / "tests" / "fixtures" / "sync" / "hashed"
# (id, email, phone, the email and phone as the platforms normalise them before hashing)
AUDIENCE = [
    ("A1", " Ana@Example.COM ", "+34 600-000 000", "ana@example.com", "+34600000000"),
    ("A2", f"{NBSP}bob@example.com\t", "(+44) 20.7031/3000", "bob@example.com", "+442070313000"),
    ("A3", "ÀNA@EXAMPLE.COM", "+1 212 565 0000", "àna@example.com", "+12125650000"),
    ("A4", "", "", "", ""),
]


def test_sha256_hashes_alike_in_both_engines_and_as_the_platforms_do(
    spark: Any, tmp_path: Path
) -> None:
    import hashlib

    source = tmp_path / "audience_1.csv"
    with source.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(["id", "email", "phone"])
        writer.writerows(row[:3] for row in AUDIENCE)
    duck, sparks, result = both(spark, _resolved(HASHED), "hash_audience", source, tmp_path)
    assert sparks == duck  # byte for byte
    out = {r["Key"]: r for r in rows(duck[0])}
    for key, _, _, email, phone in AUDIENCE:
        for column, normalised in (("EmailHash", email), ("PhoneHash", phone)):
            want = hashlib.sha256(normalised.encode("utf-8")).hexdigest() if normalised else ""
            assert out[key][column] == want, (key, column)
    assert result.accepted == len(AUDIENCE)
