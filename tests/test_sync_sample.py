"""`engage sync run` on the shipped sample extract of the example ecosystem (seed 001).

The expected rows and rejects are computed from the defects the generator injected
(tests/fixtures/sync/make_sample.py), never copied from engage's output. The run goes
through the real CLI in a subprocess, on the real file, with the real DuckDB.
"""

from __future__ import annotations

import csv
import importlib.util
import subprocess
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
ECOSYSTEM = ROOT / "ecosystem"
GENERATOR = ROOT / "tests" / "fixtures" / "sync" / "make_sample.py"
RULE = "legacy_customers_load"


def load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("engage_make_sample", GENERATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


gen = load_generator()


def engage(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "compiler.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={"NO_COLOR": "1", "PATH": "/usr/bin:/bin", "ENGAGE_NO_CACHE": "1"},
        check=False,
    )


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def reasons(row: dict[str, str]) -> list[str]:
    return [r.split(" (kept row")[0] for r in row["engage_reason"].split("; ")]


@pytest.fixture(scope="module")
def sample() -> Any:
    return gen.generate(gen.SAMPLE_ROWS)


def test_shipped_sample_is_the_generators_output(sample: Any) -> None:
    if not gen.SAMPLE.is_file():
        pytest.skip("the sample is not in this checkout")
    assert gen.SAMPLE.read_bytes() == gen.to_csv(sample)


def test_sample_holds_every_kind_of_defect(sample: Any) -> None:
    counts = Counter(sample.defects)
    for defect in [*gen.REASONS, "duplicate", "opted_out"]:
        assert counts[defect] >= 20, (defect, counts)
    assert 2000 <= len(sample.rows) <= 5000


@pytest.fixture(scope="module")
def run_sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    if not (ECOSYSTEM.is_dir() and gen.SAMPLE.is_file()):
        pytest.skip("the example ecosystem or its sample is not in this checkout")
    out = tmp_path_factory.mktemp("sync")
    proc = engage(
        "sync", "run", RULE, str(ECOSYSTEM),
        "--input", str(gen.SAMPLE), "--out", str(out / "rows.csv"),
        "--rejects", str(out / "rejects.csv"),
        cwd=out,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    return out, proc.stdout


def expected_rejects(sample: Any) -> dict[int, list[str]]:
    """engage_row (1-based) → the reasons the row must be rejected with."""
    out: dict[int, list[str]] = {}
    for i, defect in enumerate(sample.defects):
        if defect in gen.REASONS:
            out[i + 1] = [gen.REASONS[defect]]
    for earlier in sample.duplicate_of.values():
        out[earlier + 1] = ["duplicate:Customer_Number"]
    return out


def test_rejects_are_exactly_the_injected_defects(
    sample: Any, run_sample: tuple[Path, str]
) -> None:
    rejects = read_csv(run_sample[0] / "rejects.csv")
    got = {int(r["engage_row"]): reasons(r) for r in rejects}
    assert got == expected_rejects(sample)


def test_duplicates_keep_the_later_row(sample: Any, run_sample: tuple[Path, str]) -> None:
    rejects = {int(r["engage_row"]): r for r in read_csv(run_sample[0] / "rejects.csv")}
    for later, earlier in sample.duplicate_of.items():
        assert rejects[earlier + 1]["engage_reason"].endswith(f"(kept row {later + 1})")


def test_accepted_rows_are_every_other_row_normalised(
    sample: Any, run_sample: tuple[Path, str]
) -> None:
    rows = read_csv(run_sample[0] / "rows.csv")
    rejected = expected_rejects(sample)
    kept = [r for i, r in enumerate(sample.rows) if i + 1 not in rejected]
    assert len(rows) == len(kept) == len(sample.rows) - len(rejected)
    assert [r["Customer_Number"] for r in rows] == [k[0] for k in kept]
    for row, raw in zip(rows, kept, strict=True):
        assert row["Email"] == raw[3].strip().lower()
        assert row["Country"] == raw[5].upper()
        assert row["Brand"] == {"HOME": "Solvis Home", "MODA": "Solvis Moda"}[raw[8]]
        assert row["Mobile"] == raw[4].replace(" ", "")
        day, month, year = raw[7].split("/") if "/" in raw[7] else raw[7].split("-")[::-1]
        assert row["Birth_Date"] == f"{year}-{month}-{day}"


def test_opted_out_customers_are_loaded_with_their_opt_out(
    sample: Any, run_sample: tuple[Path, str]
) -> None:
    """The example rule does not respect consent: the master keeps everyone, flagged."""
    rows = read_csv(run_sample[0] / "rows.csv")
    opted_out = sum(d == "opted_out" for d in sample.defects)
    assert Counter(r["Email_Opt_Out"] for r in rows)["true"] == opted_out
    assert {r["Email_Opt_Out"] for r in rows} == {"true", "false"}


def test_printed_counts_match(sample: Any, run_sample: tuple[Path, str]) -> None:
    rejected = expected_rejects(sample)
    n = len(sample.rows)
    first = run_sample[1].splitlines()[0]
    assert f"read {n} rows" in first
    assert f"{n - len(rejected)} accepted" in first
    assert f"{len(rejected)} rejected" in first
    per_reason = Counter(r for rs in rejected.values() for r in rs)
    for reason, count in per_reason.items():
        assert f"{count:>8}  {reason}" in run_sample[1]
