"""The review outputs at scale: sizes of the plan comment, check's markdown and the review
page on the synthetic ecosystems of bench_check (10k and 100k resources by default).

    python benchmarks/bench_review.py                  # 10000 100000
    python benchmarks/bench_review.py --sizes 10000

For each size: `engage check --format markdown` (its findings), then a plan of every
resource against no state (`plan --format markdown`, the worst case of a comment: every
resource created) and the HTML review page of that plan. Prints characters and seconds,
and fails (exit 1) when a comment exceeds GitHub's 65,536-character limit.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_check import PER_BLOCK, files

from compiler.gcpause import gc_paused
from compiler.pipeline import compile_source
from compiler.plan.builder import PlanInputs, build_plan
from compiler.plan.conflicts import recorded_findings
from compiler.render.findings_markdown import render_markdown as check_markdown
from compiler.render.plan_html import render_html
from compiler.render.plan_markdown import LIMIT, render_markdown
from compiler.rules.check import check_path
from compiler.source import ParseCache, load


def run(size: int, folder: Path) -> dict[str, float]:
    for name, text in files(max(1, size // PER_BLOCK)):
        (folder / name).write_text(text, encoding="utf-8")
    out: dict[str, float] = {}
    start = time.perf_counter()
    result = check_path(folder)
    out["check md chars"] = len(check_markdown(result.findings))
    out["check s"] = time.perf_counter() - start
    start = time.perf_counter()
    comp = compile_source(load(folder, None, ParseCache(None)))
    assert comp.resolved is not None
    active = tuple(f for f in result.findings if f.suppressed is None)
    plan = build_plan(
        PlanInputs(
            comp.resolved,
            None,
            str(folder),
            "none.json",
            frozenset(),
            conflicts=active,  # as `engage plan` records them
            allow_conflicts=True,
        )
    )
    out["plan s"] = time.perf_counter() - start
    start = time.perf_counter()
    out["comment chars"] = len(render_markdown(plan))
    out["comment s"] = time.perf_counter() - start
    start = time.perf_counter()
    out["page bytes"] = len(render_html(plan, recorded_findings(plan)).encode())
    out["page s"] = time.perf_counter() - start
    out["changes"] = len(plan.changes)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10000, 100000])
    args = parser.parse_args()
    print(
        "| resources | changes | check md chars | comment chars | page bytes | check s | "
        "plan s | comment s | page s |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    over = False
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as tmp, gc_paused():
            r = run(size, Path(tmp))
        over |= r["check md chars"] > LIMIT or r["comment chars"] > LIMIT
        print(
            f"| {size} | {r['changes']:.0f} | {r['check md chars']:.0f} | "
            f"{r['comment chars']:.0f} | {r['page bytes']:.0f} | {r['check s']:.1f} | "
            f"{r['plan s']:.1f} | {r['comment s']:.2f} | {r['page s']:.2f} |",
            flush=True,
        )
    return 1 if over else 0


if __name__ == "__main__":
    raise SystemExit(main())
