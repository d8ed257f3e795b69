"""Benchmark `engage apply` on a synthetic ecosystem (default ~2,000 resources).

    python benchmarks/bench_apply.py                  # 2000
    python benchmarks/bench_apply.py --sizes 500 2000 4000

For each size, in a temporary folder, with the real CLI in a subprocess: write the
ecosystem (the brand blocks of benchmarks/bench_check.py, 10 resources each, no
governance so no approvals), `engage plan --out`, then time `engage apply` creating every
resource, then a second round where every data extension changes (an update each) and
time that apply too. Apply records each resource in state with crash safety, so its cost
per resource must not grow with the size of the state (linear total).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_check import PER_BLOCK, files  # same folder: the synthetic ecosystem's YAML

ENV = {**os.environ, "NO_COLOR": "1", "ENGAGE_NO_CACHE": "1"}


def engage(folder: Path, *args: str) -> tuple[int, float]:
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "compiler.cli", *args],
        cwd=folder,
        env=ENV,
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0, 2):
        raise SystemExit(f"engage {' '.join(args)} failed ({proc.returncode}):\n{proc.stderr}")
    return proc.returncode, elapsed


def write(folder: Path, blocks: int, round_: int) -> None:
    eco = folder / "ecosystem"
    eco.mkdir(exist_ok=True)
    for name, text in files(blocks):
        if round_:  # every data extension gets a new nullable field: one update each
            text = text.replace(
                "      OptedOut: {type: Boolean}\n",
                f"      OptedOut: {{type: Boolean}}\n      Round{round_}: {{type: Number}}\n",
            )
        (eco / name).write_text(text, encoding="utf-8")


def run(size: int, folder: Path) -> dict[str, float]:
    blocks = max(1, size // PER_BLOCK)
    times: dict[str, float] = {}
    for round_, label in ((0, "create"), (1, "update")):
        write(folder, blocks, round_)
        code, times[f"plan {label}"] = engage(folder, "plan", "--out", "p.plan.json")
        assert code == 2, "the plan should have changes"
        _, times[f"apply {label}"] = engage(folder, "apply", "p.plan.json")
    code, _ = engage(folder, "plan")
    assert code == 0, "after the applies the state should match the sources"
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000])
    args = parser.parse_args()
    labels = ("plan create", "apply create", "plan update", "apply update")
    print(f"{'resources':>10} " + " ".join(f"{label:>13}" for label in labels))
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            t = run(size, Path(tmp))
        print(f"{size:>10} " + " ".join(f"{t[label]:>12.2f}s" for label in labels), flush=True)


if __name__ == "__main__":
    main()
