"""Rows per second of `engage sync run` on a million-row extract, against DuckDB alone.

    python benchmarks/bench_sync_run.py [ROWS [ROUNDS]]   # default 1,000,000 rows, 3 rounds

Generates an extract of the legacy customer master (the sample's generator, same defects
at the same rates; latin-1, `;`) into a temporary folder, then times, in ROUNDS rounds that
alternate the four runs (the machine is shared: a load change hits every run alike), the
best CPU seconds of each (user + system; wall time beside it):

* floor (read)       DuckDB reading the CSV with the same options into a table, nothing else;
* floor (read+write) the same, plus writing every row back out as CSV (what a sync run
                     must do at least: read the extract, write the rows);
* sync code          the generated DuckDB statements on the extract (engine only);
* engage sync run    the command end to end in a subprocess (start-up, compiling the
                     ecosystem, generating the SQL, running it, writing both files).
"""

from __future__ import annotations

import importlib.util
import resource
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


def _cpu() -> float:
    """CPU seconds (user + system) of this process and of its finished children: DuckDB's
    threads are this process's, the end-to-end command is a child."""
    own, kids = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def alternate(rows: int, runs: dict[str, Callable[[], None]], repeat: int = 3) -> dict[str, float]:
    """Each run once per round, in order, `repeat` rounds; the best CPU seconds of each (the
    machine is shared: wall time moves with the load, CPU time much less), wall beside it."""
    walls: dict[str, list[float]] = {label: [] for label in runs}
    cpus: dict[str, list[float]] = {label: [] for label in runs}
    for _ in range(repeat):
        for label, fn in runs.items():
            start, cpu = time.perf_counter(), _cpu()
            fn()
            walls[label].append(time.perf_counter() - start)
            cpus[label].append(_cpu() - cpu)
    for label in runs:
        best, wall = min(cpus[label]), min(walls[label])
        print(
            f"{label:<22} {best:8.2f} CPU-s {rows / best:>12,.0f} rows/CPU-s  (wall {wall:.2f} s)"
        )
    return {label: min(seconds) for label, seconds in cpus.items()}


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
    rounds = int(argv[1]) if len(argv) > 1 else 3
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
        command = [
            *(sys.executable, "-m", "compiler.cli", "sync", "run", RULE, str(ROOT / "ecosystem")),
            *("--input", str(source), "--out", str(out), "--rejects", str(rejects)),
        ]
        runs: dict[str, Callable[[], None]] = {
            "floor (read)": lambda: floor_read(source),
            "floor (read+write)": lambda: floor_read_write(source, out),
            "sync code": lambda: print_run(run(spec, sql, source, out, rejects)),
            "engage sync run": lambda: check(subprocess.run(command, **QUIET)),
        }
        best = alternate(rows, runs, rounds)
        read, both = best["floor (read)"], best["floor (read+write)"]
        code, cli = best["sync code"], best["engage sync run"]
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
