"""On-demand fuzzing of the loader, validator and `check` (issue 10): N mutated ecosystems,
each loaded, compiled in every environment and checked in-process; prints the counts.

    python benchmarks/fuzz.py [--cases 100000] [--seed 1]

A mutation takes a file of the example ecosystem or a test fixture and flips, deletes,
duplicates or swaps bytes, lines or YAML tokens. Counted: cases, tracebacks (an exception
escaping the stages: a bug), internal errors (E9900 findings: a rule crashed and was
contained), and cases with findings. Exit 1 when any traceback occurred. The bounded
version that runs in CI is tests/test_hostile_yaml.py (hypothesis, seeded).
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
import traceback
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from compiler.pipeline import load_sources  # noqa: E402
from compiler.rules.check import check_source  # noqa: E402
from compiler.source import ParseCache  # noqa: E402

TOKENS = [
    b": ",
    b"- ",
    b"[",
    b"]",
    b"{",
    b"}",
    b"&a ",
    b"*a",
    b"!!str ",
    b"\n",
    b"  ",
    b"'",
    b'"',
    b"${each.name}",
    b"include: ../x.yaml",
    b"<<: *a",
    b"~",
    b"1e9999",
    b"\t",
]


def corpus() -> list[bytes]:
    files = sorted((REPO / "ecosystem").rglob("*.yaml"))
    files += sorted((REPO / "tests" / "fixtures" / "plan").rglob("*.yaml"))
    return [f.read_bytes() for f in files]


def mutate(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        pos = rng.randrange(len(out) + 1)
        how = rng.randrange(5)
        if how == 0 and out:
            out[min(pos, len(out) - 1)] = rng.randrange(256)
        elif how == 1:
            out[pos:pos] = rng.choice(TOKENS)
        elif how == 2:
            del out[pos : pos + rng.randint(1, 40)]
        elif how == 3:
            lines = bytes(out).split(b"\n")
            i = rng.randrange(len(lines))
            lines.insert(rng.randrange(len(lines) + 1), lines[i])
            out = bytearray(b"\n".join(lines))
        else:
            lines = bytes(out).split(b"\n")
            i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
            out = bytearray(b"\n".join(lines))
    return bytes(out)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    texts = corpus()
    folder = Path(tempfile.mkdtemp(prefix="engage-fuzz-"))
    counts = {"cases": 0, "tracebacks": 0, "internal_errors": 0, "with_findings": 0}
    started = time.monotonic()
    cache = ParseCache(None)
    try:
        for case in range(args.cases):
            eco = folder / "eco"
            shutil.rmtree(eco, ignore_errors=True)
            eco.mkdir()
            base = texts[0] if rng.random() < 0.3 else rng.choice(texts)
            (eco / "main.yaml").write_bytes(mutate(base, rng))
            counts["cases"] += 1
            try:
                result = check_source(load_sources(eco, cache=cache))
            except Exception:  # the bug this script looks for
                counts["tracebacks"] += 1
                print(f"case {case}: traceback\n{traceback.format_exc()}", file=sys.stderr)
                continue
            counts["internal_errors"] += sum(f.code == "E9900" for f in result.findings)
            counts["with_findings"] += bool(result.findings)
            if (case + 1) % 5000 == 0:
                print(f"{case + 1} cases, {time.monotonic() - started:.0f} s: {counts}", flush=True)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(
        f"seed {args.seed}, {time.monotonic() - started:.0f} s: "
        + ", ".join(f"{k} {v}" for k, v in counts.items())
    )
    return 1 if counts["tracebacks"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
