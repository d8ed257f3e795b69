"""One ecosystem's stages timed in this process (CPU seconds), printed as one JSON line.

    python -m benchmarks.stages FOLDER [--front] [--traced]

load (no parse cache), compile (assemble, model, resolve of the base), graph, rules
(+ suppressions), plan (against an empty state, with its generation check) and
generate (into a fresh folder), run once each, as the commands run them, with the
cyclic collector paused; with --front, load to rules only (the growth of check's stages
where plan and generate would not finish). `benchmarks.run` calls it in a fresh process
per measure. With --traced, the memory each stage leaves held is traced too
(`tracemalloc`, started after the imports above, so modules a stage imports count):
`<stage>_traced_mib`, cumulative, and `traced_peak_mib`; tracing slows every stage, so
its times are not comparable then. Run as a file (`python benchmarks/stages.py`) with
PYTHONPATH naming another checkout to trace that checkout's compiler.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

from compiler.emit.generate import generate
from compiler.gcpause import gc_paused
from compiler.graph import build_graph
from compiler.pipeline import compile_source
from compiler.plan.builder import PlanInputs, build_plan
from compiler.plan.make import check_generation
from compiler.rules import analyze
from compiler.source import ParseCache, load
from compiler.suppress import apply_suppressions

_MIB = 1024 * 1024


def _timed(times: dict[str, float], label: str, func: Callable[..., Any], *args: Any) -> Any:
    start = time.process_time()
    out = func(*args)
    times[label] = time.process_time() - start
    if tracemalloc.is_tracing():
        current, peak = tracemalloc.get_traced_memory()
        times[f"{label}_traced_mib"] = round(current / _MIB, 1)
        times["traced_peak_mib"] = round(peak / _MIB, 1)
    return out


def stages(folder: Path, front: bool = False, traced: bool = False) -> dict[str, float]:
    times: dict[str, float] = {}
    if traced:  # after the imports above: what the stages hold, not the modules
        tracemalloc.start()
    with gc_paused(), tempfile.TemporaryDirectory(prefix="engage-bench-") as tmp:
        source = _timed(times, "load", load, folder, None, ParseCache(None))
        comp = _timed(times, "compile", compile_source, source)
        if not comp.ok or comp.resolved is None:
            raise SystemExit(f"the benchmark ecosystem does not compile: {comp.findings[:3]}")
        graph = _timed(times, "graph", build_graph, comp.resolved)

        def rules() -> None:
            apply_suppressions(comp.resolved, analyze(comp.resolved, graph))

        _timed(times, "rules", rules)
        if front:
            return times

        def plan() -> None:
            inputs = PlanInputs(comp.resolved, None, folder.as_posix(), "none", frozenset())
            check_generation(build_plan(inputs), comp.resolved)

        _timed(times, "plan", plan)
        _timed(times, "generate", generate, comp.resolved, Path(tmp) / "out")
    return times


if __name__ == "__main__":
    flags = sys.argv[2:]
    print(
        json.dumps(stages(Path(sys.argv[1]), front="--front" in flags, traced="--traced" in flags))
    )
