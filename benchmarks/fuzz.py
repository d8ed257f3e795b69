"""On-demand fuzzing of the loader, validator and `check` (issue 10): N mutated ecosystems,
each loaded, compiled in every environment and checked in-process; prints the counts.

    python -m benchmarks.fuzz [--cases 100000] [--seed 1] [--jobs 2]

A case takes a file of the example ecosystem or a test fixture, flips, deletes, duplicates
or swaps bytes, lines or YAML tokens, and runs it through the stages, stopping at the first
that reports errors, as the commands do: `load` (read and parse, secrets), `validate`
(assemble, model, resolve in every environment) and `check` (the rules). Case i draws from
its own generator, seeded by (seed, i), so a run's figures do not depend on --jobs and a
reported case can be replayed alone with `--only i`.

Counted: cases, tracebacks (an exception escaping a stage: a bug), internal errors (E99xx
findings: a rule crashed and was contained), and per target the cases that reached it and
the ones it refused with findings. Exit 1 when any traceback or internal error occurred.
The bounded version that runs in CI is tests/test_fuzz.py (hypothesis, derandomized).
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import shutil
import sys
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from compiler.diagnostics import has_errors  # noqa: E402
from compiler.pipeline import compile_environments, load_sources  # noqa: E402
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
    b"${each.key}",
    b"include: ../x.yaml",
    b"<<: *a",
    b"~",
    b"1e9999",
    b"\t",
    b"for_each: '*'\n",
    b"\xef\xbb\xbf",
    b"\x00",
]
TARGETS = ("load", "validate", "check")


FOLDERS = ("ecosystem", "tests/fixtures/plan/basic", "tests/fixtures/language/valid")


def corpus() -> list[tuple[str, str, bytes]]:
    """(folder, file inside it, bytes) for every YAML file of the example ecosystem and the
    fixtures that hold a whole valid ecosystem."""
    out = []
    for folder in FOLDERS:
        for path in sorted((REPO / folder).rglob("*.yaml")):
            out.append((folder, path.relative_to(REPO / folder).as_posix(), path.read_bytes()))
    return out


def mutate(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.choice((1, 1, 1, 2, 3, 4))):
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


def run_case(eco: Path, cache: ParseCache) -> tuple[str, bool, int]:
    """Run the ecosystem in `eco` through the stages → (the last target reached, refused
    with errors there, internal errors). Exceptions escape: they are what this script looks
    for."""
    source = load_sources(eco, cache=cache)
    internal = sum(f.code.startswith("E99") for f in source.findings)
    if has_errors(source.findings):
        return "load", True, internal
    comps = compile_environments(source, None)
    findings = [f for c in comps for f in c.findings]
    internal += sum(f.code.startswith("E99") for f in findings)
    if not all(c.ok for c in comps):
        return "validate", True, internal
    result = check_source(source)
    internal += sum(f.code.startswith("E99") for f in result.findings)
    return "check", has_errors(result.findings), internal


def case_input(
    seed: int, case: int, texts: list[tuple[str, str, bytes]]
) -> tuple[str | None, str, bytes]:
    """Case `case`'s input: (the folder it replaces a file in, or None for a file alone;
    the file's name; its mutated bytes). Most cases mutate one file inside a copy of its
    ecosystem, so they get past the loader into validate and check."""
    rng = random.Random(f"{seed}:{case}")
    folder, name, data = rng.choice(texts)
    # The example ecosystem is the slowest to check: a file of it is mutated in place less.
    inside = rng.random() < (0.15 if folder == "ecosystem" else 0.6)
    return (folder if inside else None), (name if inside else "main.yaml"), mutate(data, rng)


class Workspace:
    """A copy of each corpus folder, and an empty one for single files; `prepare` writes a
    case's file and puts back the one the previous case changed."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.changed: tuple[Path, bytes | None] | None = None
        (root / "alone").mkdir()
        for folder in FOLDERS:
            shutil.copytree(REPO / folder, root / folder.replace("/", "_"))

    def prepare(self, folder: str | None, name: str, data: bytes) -> Path:
        if self.changed is not None:
            path, before = self.changed
            if before is None:
                path.unlink(missing_ok=True)
            else:
                path.write_bytes(before)
        eco = self.root / (folder.replace("/", "_") if folder else "alone")
        path = eco / name
        before = path.read_bytes() if path.exists() else None
        self.changed = (path, before)
        path.write_bytes(data)
        return eco


def shard(args: tuple[int, int, int, int]) -> Counter[str]:
    """Cases start, start+step, … below stop; the counts, tracebacks printed to stderr."""
    seed, start, stop, step = args
    texts = corpus()
    counts: Counter[str] = Counter()
    cache = ParseCache(None)
    with tempfile.TemporaryDirectory(prefix="engage-fuzz-") as tmp:
        space = Workspace(Path(tmp))
        for base in FOLDERS:  # the unchanged files stay parsed between cases
            load_sources(space.root / base.replace("/", "_"), cache=cache)
        kept = set(cache.memory)
        for case in range(start, stop, step):
            counts["cases"] += 1
            folder, name, data = case_input(seed, case, texts)
            eco = space.prepare(folder, name, data)
            try:
                target, refused, internal = run_case(eco, cache)
            except Exception:  # the bug this script looks for
                counts["tracebacks"] += 1
                print(f"case {case}: traceback\n{traceback.format_exc()}", file=sys.stderr)
                continue
            finally:
                for key in set(cache.memory) - kept:  # mutated files: parsed once
                    del cache.memory[key]
            counts[f"{target}.reached"] += 1
            counts[f"{target}.refused"] += refused
            counts["internal_errors"] += internal
            if internal:
                print(f"case {case}: {internal} internal error(s)", file=sys.stderr)
    return counts


def _shards(
    seed: int, cases: int, jobs: int, only: int | None
) -> Iterator[tuple[int, int, int, int]]:
    if only is not None:
        yield (seed, only, only + 1, 1)
        return
    chunk = 2500 * jobs  # interleaved chunks, so progress is reported along the way
    for begin in range(0, cases, chunk):
        end = min(cases, begin + chunk)
        for j in range(jobs):
            yield (seed, begin + j, end, jobs)


def report(counts: Counter[str], seconds: float, seed: int) -> str:
    lines = [
        f"seed {seed}, {seconds:.0f} s: cases {counts['cases']}, "
        f"tracebacks {counts['tracebacks']}, internal errors {counts['internal_errors']}"
    ]
    # Cases that reach a target pass every one before it.
    reached = {t: sum(counts[f"{u}.reached"] for u in TARGETS[i:]) for i, t in enumerate(TARGETS)}
    for target in TARGETS:
        lines.append(
            f"  {target:<9} ran {reached[target]:>7}, refused with errors "
            f"{counts[f'{target}.refused']:>7}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.fuzz")
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=1, help="worker processes")
    parser.add_argument("--only", type=int, default=None, help="replay one case")
    args = parser.parse_args(argv)
    started = time.monotonic()
    total: Counter[str] = Counter()
    work = list(_shards(args.seed, args.cases, max(1, args.jobs), args.only))
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(max(1, args.jobs)) as pool:
        for i, counts in enumerate(pool.imap(shard, work), 1):
            total.update(counts)
            if i % max(1, args.jobs) == 0 and i < len(work):
                print(report(total, time.monotonic() - started, args.seed), flush=True)
    print(report(total, time.monotonic() - started, args.seed), flush=True)
    return 1 if total["tracebacks"] or total["internal_errors"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
