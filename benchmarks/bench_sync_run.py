"""Rows per second of `engage sync run` on a million-row extract, against DuckDB alone.

    python benchmarks/bench_sync_run.py [ROWS]      # default 1,000,000

Generates an extract of the legacy customer master (the sample's generator, same defects
at the same rates; latin-1, `;`) into a temporary folder, then times, best of three:

* floor (read)       DuckDB reading the CSV with the same options into a table, nothing else;
* floor (read+write) the same, plus writing every row back out as CSV (what a sync run
                     must do at least: read the extract, write the rows);
* sync code          the generated DuckDB statements on the extract (engine only);
* engage sync run    the command end to end in a subprocess (start-up, compiling the
                     ecosystem, generating the SQL, running it, writing both files).
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from compiler.emit.sync import compile_rule  # noqa: E402
from compiler.emit.sync.runner import run  # noqa: E402
from compiler.pipeline import compile_path  # noqa: E402

RULE = "legacy_customers_load"
QUIET: dict[str, object] = {"check": False, "capture_output": True, "cwd": ROOT}
READ = (
    "read_csv($path, header = true, delim = ';', encoding = 'latin-1', all_varchar = true, "
    "skip = 0, quote = '\"', escape = '\"', comment = '')"
)


def generator() -> object:
    path = ROOT / "tests" / "fixtures" / "sync" / "make_sample.py"
    spec = importlib.util.spec_from_file_location("engage_make_sample", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def best(label: str, rows: int, fn: Callable[[], None], repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    seconds = min(times)
    print(f"{label:<22} {seconds:8.2f} s  {rows / seconds:>12,.0f} rows/s")
    return seconds


def floor_read(source: Path) -> None:
    con = duckdb.connect()
    con.execute(f"CREATE TABLE t AS SELECT * FROM {READ}", {"path": str(source)})
    con.close()


def floor_read_write(source: Path, out: Path) -> None:
    con = duckdb.connect()
    con.execute(f"COPY (SELECT * FROM {READ}) TO $out (HEADER, DELIMITER ',')",
                {"path": str(source), "out": str(out)})  # fmt: skip
    con.close()


def main(argv: list[str]) -> int:
    rows = int(argv[0]) if argv else 1_000_000
    gen = generator()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        source = folder / "clientes_bench.csv"
        start = time.perf_counter()
        source.write_bytes(gen.to_csv(gen.generate(rows)))  # type: ignore[attr-defined]
        size = source.stat().st_size / 1e6
        print(f"extract: {rows:,} rows, {size:.0f} MB, generated in "
              f"{time.perf_counter() - start:.1f} s; duckdb {duckdb.__version__}")  # fmt: skip
        comp = compile_path(ROOT / "ecosystem")
        assert comp.resolved is not None
        spec, sql, _ = compile_rule(comp.resolved, RULE)
        assert spec is not None and sql is not None
        out, rejects = folder / "rows.csv", folder / "rejects.csv"
        read = best("floor (read)", rows, lambda: floor_read(source))
        both = best("floor (read+write)", rows, lambda: floor_read_write(source, out))
        code = best("sync code", rows, lambda: print_run(run(spec, sql, source, out, rejects)))
        command = [
            *(sys.executable, "-m", "compiler.cli", "sync", "run", RULE, str(ROOT / "ecosystem")),
            *("--input", str(source), "--out", str(out), "--rejects", str(rejects)),
        ]
        cli = best("engage sync run", rows, lambda: check(subprocess.run(command, **QUIET)))
        print(f"sync code / floor (read+write): {code / both:.1f}x; "
              f"engage sync run / floor (read): {cli / read:.1f}x")  # fmt: skip
        print(f"issue 11 target, sync code at >= 50% of the floor (read) rate: "
              f"{read / code:.0%} ({'met' if read / code >= 0.5 else 'not met'}); "
              f"the command end to end: {read / cli:.0%}")  # fmt: skip
    return 0


def print_run(result: object) -> None:
    if not getattr(print_run, "done", False):
        print(f"  ({result})")
        print_run.done = True  # type: ignore[attr-defined]


def check(proc: subprocess.CompletedProcess[bytes]) -> None:
    if proc.returncode != 0:
        raise SystemExit(proc.stderr.decode())


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
