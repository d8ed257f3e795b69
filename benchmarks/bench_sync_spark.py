"""The same sync rule on DuckDB and on Spark local[2], on one machine.

    python benchmarks/bench_sync_spark.py [ROWS]      # default 1,000,000

Generates an extract of the legacy customer master (the sample's generator, same defects
at the same rates; latin-1, `;`), then times, best of two, the rule's DuckDB code
(`engage sync run`'s engine) and its generated PySpark job (`<rule>.spark.py`) on a
SparkSession started once (start-up not counted), and checks both wrote the same files.
Spark is slower on one machine; the point is that the same job scales out unchanged.
Needs `pip install "engage[spark]"` and Java.
"""

from __future__ import annotations

import importlib.util
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from compiler.emit.sync import compile_rule  # noqa: E402
from compiler.emit.sync.runner import run  # noqa: E402
from compiler.emit.sync.spark_run import load_job, session, unavailable  # noqa: E402
from compiler.pipeline import compile_path  # noqa: E402

RULE = "legacy_customers_load"


def generator() -> object:
    path = ROOT / "tests" / "fixtures" / "sync" / "make_sample.py"
    spec = importlib.util.spec_from_file_location("engage_make_sample", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def best(label: str, rows: int, fn: Callable[[], None], repeat: int = 2) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    seconds = min(times)
    print(f"{label:<22} {seconds:8.2f} s  {rows / seconds:>12,.0f} rows/s")
    return seconds


def main(argv: list[str]) -> int:
    problem = unavailable()
    if problem is not None:
        print(problem)
        return 1
    rows = int(argv[0]) if argv else 1_000_000
    gen = generator()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        source = folder / "clientes_bench.csv"
        source.write_bytes(gen.to_csv(gen.generate(rows)))  # type: ignore[attr-defined]
        comp = compile_path(ROOT / "ecosystem")
        assert comp.resolved is not None
        spec, sql, _ = compile_rule(comp.resolved, RULE)
        assert spec is not None and sql is not None
        job = load_job(spec, sql)
        spark = session()
        print(f"extract: {rows:,} rows, {source.stat().st_size / 1e6:.0f} MB; "
              f"spark {spark.version}, master {spark.sparkContext.master}")  # fmt: skip
        d_out, d_rej = folder / "d_rows.csv", folder / "d_rejects.csv"
        s_out, s_rej = folder / "s_rows.csv", folder / "s_rejects.csv"

        def on_duckdb() -> None:
            run(spec, sql, source, d_out, d_rej)

        def on_spark() -> None:
            job.sync(spark, str(source), str(s_out), str(s_rej))

        duck = best("DuckDB", rows, on_duckdb)
        sparks = best("Spark local[2]", rows, on_spark)
        same = d_out.read_bytes() == s_out.read_bytes() and d_rej.read_bytes() == s_rej.read_bytes()
        print(f"Spark / DuckDB: {sparks / duck:.1f}x; identical files: {same}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
