"""The generated sync code, run for real on DuckDB: one check per data extension type,
required fields, defaults, transforms, filters, consent and key uniqueness by precedence.

The ecosystem is tests/fixtures/sync/typed (every field type, a filter, an order_by and
email consent stored in the extract); each test writes a small extract and reads back the
accepted rows and the rejects.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from conftest import WriteEco

from compiler.emit.sync import compile_rule
from compiler.emit.sync.runner import RunResult, run
from compiler.emit.sync.spec import SyncSpec
from compiler.pipeline import compile_path
from compiler.resolved import ResolvedEcosystem
from compiler.source import ParseCache

TYPED = Path(__file__).resolve().parent / "fixtures" / "sync" / "typed"
COLUMNS = ("id", "email", "name", "qty", "price", "born", "active", "phone", "locale", "tier",
           "kind", "score", "updated", "optout")  # fmt: skip
GOOD = {
    "id": "K1",
    "email": "ana@example.com",
    "name": "Ana",
    "qty": "3",
    "price": "12.50",
    "born": "1990-04-05",
    "active": "yes",
    "phone": "+34 600 000 000",
    "locale": "es-ES",
    "tier": "gold",
    "kind": "real",
    "score": "50",
    "updated": "2024-01-01 10:00:00",
    "optout": "false",
}


@pytest.fixture(scope="module")
def resolved() -> ResolvedEcosystem:
    comp = compile_path(TYPED, None, cache=ParseCache(None))
    assert comp.ok and comp.resolved is not None, [f.message for f in comp.findings]
    return comp.resolved


def write_extract(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows({**GOOD, **row} for row in rows)
    return path


def sync(
    resolved: ResolvedEcosystem, tmp_path: Path, rows: list[dict[str, str]]
) -> tuple[RunResult, list[dict[str, str]], list[dict[str, str]]]:
    spec, sql, findings = compile_rule(resolved, "load")
    assert spec is not None and sql is not None, findings
    source = write_extract(tmp_path / "records_1.csv", rows)
    result = run(spec, sql, source, tmp_path / "rows.csv", tmp_path / "rejects.csv")
    with (tmp_path / "rows.csv").open(encoding="utf-8") as a:
        accepted = list(csv.DictReader(a))
    with (tmp_path / "rejects.csv").open(encoding="utf-8") as b:
        rejected = list(csv.DictReader(b))
    return result, accepted, rejected


def test_a_good_row_is_written_typed_and_normalised(
    resolved: ResolvedEcosystem, tmp_path: Path
) -> None:
    result, accepted, rejected = sync(resolved, tmp_path, [{"email": " Ana@Example.COM "}])
    assert (result.read, result.accepted, result.rejected) == (1, 1, 0)
    assert rejected == []
    assert accepted == [
        {
            "Key": "K1",
            "Email": "ana@example.com",
            "Name": "Ana",
            "Qty": "3",
            "Price": "12.50",
            "Born": "1990-04-05",
            "Active": "true",
            "Phone": "+34600000000",
            "Locale": "es-ES",
            "Tier": "gold",
            "Source": "feed",
        }
    ]


BAD = [
    ({"id": ""}, "missing:Key"),
    ({"id": "K" * 11}, "too_long:Key"),
    ({"name": "Alejandro"}, "too_long:Name"),
    ({"email": "ana@"}, "invalid_email:Email"),
    ({"email": "ana maria@example.com"}, "invalid_email:Email"),
    ({"email": "ana@example..com"}, "invalid_email:Email"),
    ({"email": "a" * 250 + "@x.com"}, "too_long:Email"),
    ({"qty": "3.5"}, "invalid_number:Qty"),
    ({"qty": "3000000000"}, "invalid_number:Qty"),
    ({"qty": "three"}, "invalid_number:Qty"),
    ({"price": "1234.5"}, "invalid_decimal:Price"),
    ({"price": "1.234"}, "invalid_decimal:Price"),
    ({"price": "12,50"}, "invalid_decimal:Price"),
    ({"born": "31/02/1990"}, "invalid_date:Born"),
    ({"born": "yesterday"}, "invalid_date:Born"),
    ({"active": "maybe"}, "invalid_boolean:Active"),
    ({"phone": "12"}, "invalid_phone:Phone"),
    ({"locale": "spanish"}, "invalid_locale:Locale"),
    ({"optout": "true"}, "opted_out:email"),
    ({"optout": "Y"}, "opted_out:email"),
]


@pytest.mark.parametrize(("change", "reason"), BAD, ids=[r for _, r in BAD])
def test_each_defect_is_rejected_with_its_reason(
    resolved: ResolvedEcosystem, tmp_path: Path, change: dict[str, str], reason: str
) -> None:
    result, accepted, rejected = sync(resolved, tmp_path, [change])
    assert (result.accepted, result.rejected) == (0, 1)
    assert accepted == []
    assert rejected[0]["engage_reason"] == reason
    assert {k: rejected[0][k] for k in COLUMNS} == {**GOOD, **change}  # the row as read
    assert rejected[0]["engage_row"] == "1"


GOOD_VARIANTS = [
    ({"born": "05/04/1990"}, "Born", "1990-04-05"),  # to_date: dd/mm/yyyy
    ({"born": "1990-04-05 13:45:00"}, "Born", "1990-04-05 13:45:00"),
    ({"active": "0"}, "Active", "false"),
    ({"active": "TRUE"}, "Active", "true"),
    ({"qty": "+0042"}, "Qty", "42"),
    ({"qty": ""}, "Qty", ""),  # optional and empty
    ({"price": "-7"}, "Price", "-7"),
    ({"tier": ""}, "Tier", "std"),  # required, with a default
    ({"id": "  K9  "}, "Key", "K9"),  # trim
    ({"phone": "(600) 11-22-33"}, "Phone", "600112233"),  # e164 strips separators
    ({"optout": ""}, "Key", "K1"),  # no opt-out recorded
]


@pytest.mark.parametrize(("change", "field", "expected"), GOOD_VARIANTS)
def test_accepted_variants(
    resolved: ResolvedEcosystem, tmp_path: Path, change: dict[str, str], field: str, expected: str
) -> None:
    _, accepted, rejected = sync(resolved, tmp_path, [change])
    assert rejected == []
    assert accepted[0][field] == expected


def test_several_problems_are_all_reported(resolved: ResolvedEcosystem, tmp_path: Path) -> None:
    _, _, rejected = sync(resolved, tmp_path, [{"email": "x", "qty": "y", "optout": "1"}])
    assert rejected[0]["engage_reason"] == (
        "invalid_email:Email; invalid_number:Qty; opted_out:email"
    )


def test_filtered_rows_are_neither_accepted_nor_rejected(
    resolved: ResolvedEcosystem, tmp_path: Path
) -> None:
    rows = [
        {"id": "A", "kind": "test"},  # kind ne test
        {"id": "B", "score": "9.5"},  # score ge 10 (numeric, not text comparison)
        {"id": "C", "score": "100"},  # "100" < "10…" as text, kept as a number
        {"id": "D", "score": "n/a"},  # not a number: the filter cannot hold
    ]
    result, accepted, rejected = sync(resolved, tmp_path, rows)
    assert [r["Key"] for r in accepted] == ["C"]
    assert rejected == []
    assert (result.read, result.filtered) == (4, 3)


def test_duplicates_keep_the_most_recent_by_order_by(
    resolved: ResolvedEcosystem, tmp_path: Path
) -> None:
    rows = [
        {"id": "K1", "name": "new", "updated": "2024-03-01 00:00:00"},
        {"id": "K1", "name": "old", "updated": "2023-12-31 23:59:59"},
        {"id": "K1", "name": "none", "updated": ""},
        {"id": "K2", "name": "tie1", "updated": "2024-01-01 00:00:00"},
        {"id": "K2", "name": "tie2", "updated": "2024-01-01 00:00:00"},
        {"id": "K3", "name": "bad", "updated": "2025-01-01 00:00:00", "email": "nope"},
        {"id": "K3", "name": "good", "updated": "2020-01-01 00:00:00"},
    ]
    _, accepted, rejected = sync(resolved, tmp_path, rows)
    assert [(r["Key"], r["Name"]) for r in accepted] == [
        ("K1", "new"),
        ("K2", "tie2"),
        ("K3", "good"),
    ]
    assert {r["engage_row"]: r["engage_reason"] for r in rejected} == {
        "2": "duplicate:Key (kept row 1)",
        "3": "duplicate:Key (kept row 1)",
        "4": "duplicate:Key (kept row 5)",  # a tie: the later row in the file wins
        "6": "invalid_email:Email",  # an invalid row never displaces a valid one
    }


def test_output_is_in_file_order(resolved: ResolvedEcosystem, tmp_path: Path) -> None:
    rows = [{"id": f"K{i}"} for i in range(300, 0, -1)]
    _, accepted, _ = sync(resolved, tmp_path, rows)
    assert [r["Key"] for r in accepted] == [f"K{i}" for i in range(300, 0, -1)]


def test_spec_reads_only_the_columns_it_needs(resolved: ResolvedEcosystem) -> None:
    spec, _, _ = compile_rule(resolved, "load")
    assert isinstance(spec, SyncSpec)
    assert set(spec.required_columns) == set(COLUMNS)


@pytest.mark.parametrize(
    ("condition", "kept"),
    [
        ("{field: kind, op: eq}", ["B"]),  # eq without a value: empty (NULL) only
        ("{field: kind, op: ne}", ["A", "C"]),
        ("{field: kind, op: in, value: []}", []),
        ("{field: kind, op: not_in, value: []}", ["A", "B", "C"]),
        ("{field: kind, op: gt}", []),
        ("{field: kind, value: [x, y]}", ["A", "C"]),  # eq with a list: in
        ("{field: kind, op: not_in, value: [x]}", ["C"]),  # NULL is in no list, nor out of one
        ("{field: kind, op: is_null}", ["B"]),
    ],
)
def test_filters_mean_what_sql_means(
    write_eco: WriteEco, tmp_path: Path, condition: str, kept: list[str]
) -> None:
    text = (TYPED / "ecosystem.yaml").read_text("utf-8")
    text = text.replace("      - {field: kind, op: ne, value: test}\n", f"      - {condition}\n")
    comp = compile_path(write_eco({"ecosystem.yaml": text}), None, cache=ParseCache(None))
    assert comp.ok and comp.resolved is not None, [f.message for f in comp.findings]
    rows = [{"id": "A", "kind": "x"}, {"id": "B", "kind": ""}, {"id": "C", "kind": "y"}]
    _, accepted, _ = sync(comp.resolved, tmp_path, rows)
    assert [r["Key"] for r in accepted] == kept
