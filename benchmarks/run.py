"""The benchmark of issue 11: the floor and every command side by side, with the targets.

    python -m benchmarks                          # 1000 10000 100000 resources, 3 rounds
    python -m benchmarks --sizes 1000 10000 --repeat 1
    python -m benchmarks --sizes 10000 --only check check-json floor

For each size the ecosystem of `benchmarks.ecosystems` is written once; then, in rounds,
every measure runs once in a fresh process, alternating (floor, check, check --format
json, plan, generate, warm re-checks, stages), so a busy machine slows all of them alike.
Each measure is the CPU time (user + system) and the peak RSS of its process, from
`wait4`; the table shows medians over the rounds. Then each target of the issue is
printed with its measured value and whether it is met.

- floor: PyYAML `compose_all` with `CSafeLoader` over the same files (the cost of just
  reading the YAML in C);
- check / check-json: `engage check` with no parse cache (ENGAGE_NO_CACHE), text or
  `--format json`, output to a file;
- plan: `engage plan --format json` against an empty state; plan-1: the same against the
  state of the applied plan (made, approved unsigned and applied once per size, before the
  rounds) after editing one business unit's brand, a one-change plan; plan-out: plan with
  `--out FILE` too (the plan file saved); plan-text: the default text plan; generate: `engage
  generate` into a fresh folder (beside it, the write floor: the same files' paths and
  sizes created with a plain `open`/`write`/`close` each in another fresh folder and one
  `os.sync()`, the file system's own cost of them, reported in user + system and system
  CPU); all without parse cache and with --allow-conflicts (the ecosystems hold conflicts
  on purpose, which their governance policy covers; each of these measures must exit with
  changes, 2, or generated files, 0: a refusal is reported as "did not finish", never
  timed);
- cold / warm: `engage check` with a fresh cache folder (cold), then again with no edit
  (warm-0) and after editing one of the files (warm-1), with that cache;
- stages: `benchmarks.stages`, the stages timed inside one process (for growth).

Every process runs under limits (--max-gib of address space, --max-cpu seconds); one
that exceeds them is reported as "did not finish".

engage's own modules are compiled to bytecode (`__pycache__`, git-ignored) before the
rounds, as an installed engage is: the floor's PyYAML was byte-compiled by pip, and with
PYTHONDONTWRITEBYTECODE set (as on the shared machine) a source checkout would otherwise
recompile every engage module in every measured process (0.15-0.25 CPU-s of each check).
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.ecosystems import systems_only, write

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable

FLOOR = """
import sys, yaml
for name in sys.argv[1:]:
    with open(name, "rb") as handle:
        for _ in yaml.compose_all(handle, Loader=yaml.CSafeLoader):
            pass
"""

# The file system's own cost of what `generate` writes: the same files (paths and sizes
# of a generated folder, listed once) created in a fresh folder with one `open`, `write`
# and `close` each, no temporary file or rename, then one `os.sync()` (generate makes the
# data durable before the manifest; ext4 allocates the blocks of delayed writes then, in
# the syncing process's system time). On this machine's journal-less ext4 creating an
# inode costs from 30 µs to over 500 µs (it skips recently freed ones), which is system
# time of whichever process creates it.
WRITE_FLOOR = """
import json, os, sys
with open(sys.argv[1], encoding="utf-8") as handle:
    files = json.load(handle)
made = set()
for rel, size in files:
    target = os.path.join(sys.argv[2], rel)
    folder = os.path.dirname(target)
    if folder not in made:
        os.makedirs(folder, exist_ok=True)
        made.add(folder)
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    os.write(fd, b"x" * size)
    os.close(fd)
os.sync()
"""


@dataclass
class Measure:
    cpu: list[float] = field(default_factory=list)
    system: list[float] = field(default_factory=list)  # the system part of `cpu`
    rss: list[int] = field(default_factory=list)  # KiB
    failed: str = ""
    extra: list[dict[str, float]] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)  # benchmarks.adversarial's

    @property
    def median(self) -> float:
        return statistics.median(self.cpu) if self.cpu else float("nan")

    @property
    def system_median(self) -> float:
        return statistics.median(self.system) if self.system else float("nan")

    @property
    def peak_mib(self) -> float:
        return max(self.rss) / 1024 if self.rss else float("nan")


def byte_compile(root: Path) -> None:
    """Write the bytecode of engage's modules (and the benchmarks') under `root`, which
    the measured processes then read instead of compiling the source (py_compile writes
    whatever PYTHONDONTWRITEBYTECODE says; the measured processes still write nothing)."""
    for package in ("compiler", "benchmarks"):
        if not compileall.compile_dir(root / package, quiet=1, workers=1):
            raise SystemExit(f"could not byte-compile {root / package}")


# Runs each measured process and reports its `wait4` figures, one JSON line per job read
# on stdin. A process's peak RSS (`ru_maxrss`) counts the pages of the process it was
# forked from until it calls `exec` (Linux keeps the larger of the two high-water marks,
# with fork and with posix_spawn alike): started by the benchmark itself, whose own RSS
# grows past 150 MiB at 100,000 resources, a small run's peak would read as the
# benchmark's. So the measured processes are started by this small process, started
# before the benchmark builds anything (about 12 MiB, below any measured process).
SPAWNER = """
import json, os, resource, subprocess, sys
for line in sys.stdin:
    job = json.loads(line)
    def limits(gib=job["max_gib"], cpu=job["max_cpu"]):
        limit = int(gib * 1024**3)
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
    with open(job["stdout"], "wb") as out:
        proc = subprocess.Popen(
            job["argv"], cwd=job["cwd"], env=job["env"], stdout=out,
            stderr=subprocess.DEVNULL, preexec_fn=limits,
        )
        _, status, usage = os.wait4(proc.pid, 0)
    code = os.waitstatus_to_exitcode(status)
    figures = [usage.ru_utime + usage.ru_stime, usage.ru_stime, usage.ru_maxrss, code]
    print(json.dumps(figures), flush=True)
"""


class Spawner:
    """The small process that starts the measured ones (`SPAWNER`)."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [PY, "-c", SPAWNER], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )

    def run(
        self,
        argv: Sequence[str],
        env: dict[str, str],
        cwd: Path,
        stdout: Path,
        max_gib: float,
        max_cpu: int,
    ) -> tuple[float, float, int, int]:
        """CPU seconds (user + system), system seconds, peak RSS (KiB) and exit status of
        one process run to its end."""
        assert self.proc.stdin is not None and self.proc.stdout is not None
        job = {
            "argv": list(argv),
            "env": env,
            "cwd": str(cwd),
            "stdout": str(stdout),
            "max_gib": max_gib,
            "max_cpu": max_cpu,
        }
        self.proc.stdin.write(json.dumps(job) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise SystemExit("the benchmark's spawner process ended")
        cpu, system, rss, code = json.loads(line)
        return float(cpu), float(system), int(rss), int(code)

    def close(self) -> None:
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        self.proc.wait()


class Bench:
    def __init__(self, work: Path, max_gib: float, max_cpu: int, spawner: Spawner) -> None:
        self.work = work
        self.spawner = spawner
        self.max_gib = max_gib
        self.max_cpu = max_cpu
        self.base_env = {k: v for k, v in os.environ.items() if not k.startswith("ENGAGE_")}
        self.base_env["PYTHONPATH"] = str(ROOT)
        self.base_env["NO_COLOR"] = "1"

    def env(self, **extra: str) -> dict[str, str]:
        return {**self.base_env, **extra}

    def measure(
        self,
        measure: Measure,
        argv: Sequence[str],
        env: dict[str, str],
        ok: Callable[[int], bool] = lambda code: code in (0, 1, 2),
    ) -> None:
        if measure.failed:
            return
        out = self.work / "stdout.txt"
        cpu, system, rss, code = self.spawner.run(
            argv, env, self.work, out, self.max_gib, self.max_cpu
        )
        if not ok(code):
            measure.failed = f"did not finish (exit {code}, {cpu:.0f} CPU-s, {rss // 1024} MiB)"
            return
        measure.cpu.append(cpu)
        measure.system.append(system)
        measure.rss.append(rss)
        if argv[1:3] == ["-m", "benchmarks.stages"]:
            measure.extra.append(json.loads(out.read_text(encoding="utf-8")))
        if argv[1:3] == ["-m", "benchmarks.adversarial"]:
            measure.rows = json.loads(out.read_text(encoding="utf-8"))


def engage(*args: str) -> list[str]:
    return [PY, "-m", "compiler.cli", *args]


def applied_state(bench: Bench, eco: Path, size: int) -> Path:
    """The state of the ecosystem's plan, made, approved (unsigned: the benchmark's policy
    allows it) and applied, for the one-change plan. Set up once per size, not timed."""
    state = bench.work / f"applied_{size}.state.json"
    plan = bench.work / f"applied_{size}.plan.json"
    state.unlink(missing_ok=True)
    build = str(bench.work / f"applied_{size}_build")
    env = bench.env(ENGAGE_NO_CACHE="1")
    steps = (
        (["plan", str(eco), "--state", str(state), "--out", str(plan), "--allow-conflicts"], 2),
        (["approve", str(plan), "--as", "bench_owner", "--unsigned"], 0),
        (["apply", str(plan), "--source", str(eco), "--state", str(state), "--out", build], 0),
    )
    for args, expected in steps:
        proc = subprocess.run(
            engage(*args), cwd=bench.work, env=env, capture_output=True, text=True, check=False
        )
        if proc.returncode != expected:
            raise SystemExit(f"engage {args[0]} failed ({proc.returncode}):\n{proc.stderr}")
    return state


def fresh_folder(work: Path, name: str) -> Path:
    """`work / name`, moved aside first when an earlier run kept with --keep left it (not
    deleted: see the generate measure; the work folder's removal deletes it at the end)."""
    folder = work / name
    if folder.exists():
        folder.rename(work / f"stale_{name}_{time.time_ns()}")
    return folder


def generated_files(out: Path) -> list[tuple[str, int]]:
    """(path relative to `out`, size) of every file of a generated folder, sorted."""
    return sorted(
        (p.relative_to(out).as_posix(), p.stat().st_size) for p in out.rglob("*") if p.is_file()
    )


def one_edit(text: str) -> str:
    """One file's text with one business unit's brand changed: one update in a plan."""
    return text.replace("Brand ", "Brand edited ", 1)


def bench_size(bench: Bench, size: int, repeat: int, only: set[str]) -> dict[str, Measure]:
    eco = bench.work / f"eco_{size}"
    shutil.rmtree(eco, ignore_errors=True)
    paths = write(size, eco)
    files = [p.as_posix() for p in paths]
    edited = paths[len(paths) // 2]
    original = edited.read_text(encoding="utf-8")
    nocache = bench.env(ENGAGE_NO_CACHE="1")
    results: dict[str, Measure] = {}

    def want(name: str) -> bool:
        return not only or name in only

    def changes(code: int) -> bool:
        return code == 2  # a plan with changes; 1 would be a refusal or an error

    applied = applied_state(bench, eco, size) if want("plan-1") else None

    for round_ in range(repeat):
        print(f"  {size:,} resources, round {round_ + 1}/{repeat}", file=sys.stderr, flush=True)
        if want("floor"):
            bench.measure(
                results.setdefault("floor", Measure()), [PY, "-c", FLOOR, *files], nocache
            )
        if want("check"):
            bench.measure(
                results.setdefault("check", Measure()), engage("check", str(eco)), nocache
            )
        if want("check-json"):
            bench.measure(
                results.setdefault("check-json", Measure()),
                engage("check", str(eco), "--format", "json"),
                nocache,
            )
        if want("plan"):
            state = bench.work / "empty-state.json"
            state.unlink(missing_ok=True)
            bench.measure(
                results.setdefault("plan", Measure()),
                engage(
                    "plan", str(eco), "--state", str(state), "--format", "json", "--allow-conflicts"
                ),
                nocache,
                ok=changes,
            )
        if want("plan-out"):  # a user's save: the plan file written, text to a file
            state = bench.work / "empty-state.json"
            state.unlink(missing_ok=True)
            bench.measure(
                results.setdefault("plan-out", Measure()),
                engage(
                    "plan",
                    str(eco),
                    "--state",
                    str(state),
                    "--format",
                    "json",
                    "--out",
                    str(bench.work / "saved.plan.json"),
                    "--allow-conflicts",
                ),
                nocache,
                ok=changes,
            )
        if want("plan-text"):  # the default text plan, to a file
            state = bench.work / "empty-state.json"
            state.unlink(missing_ok=True)
            bench.measure(
                results.setdefault("plan-text", Measure()),
                engage("plan", str(eco), "--state", str(state), "--allow-conflicts"),
                nocache,
                ok=changes,
            )
        if applied is not None:
            edited.write_text(one_edit(original), encoding="utf-8")
            try:
                bench.measure(
                    results.setdefault("plan-1", Measure()),
                    engage(
                        "plan",
                        str(eco),
                        "--state",
                        str(applied),
                        "--format",
                        "json",
                        "--allow-conflicts",
                    ),
                    nocache,
                    ok=changes,
                )
            finally:
                edited.write_text(original, encoding="utf-8")
        if want("generate"):
            # a folder of its own each round, never one just deleted: on a file system
            # that skips recently freed inodes (ext4 without a journal, as on the CI
            # machine) each new file would scan the 12,000 the previous round freed
            # (the gen3 section of the README); moved aside, the work folder's removal
            # at the end deletes them
            out = fresh_folder(bench.work, f"generated_{size}_{round_ + 1}")
            bench.measure(
                results.setdefault("generate", Measure()),
                engage("generate", str(eco), "--out", str(out), "--allow-conflicts"),
                nocache,
                ok=lambda code: code == 0,
            )
            if out.is_dir():  # beside it, the file system's own cost of the same files
                listing = bench.work / f"generated_{size}.files.json"
                if not listing.exists():
                    listing.write_text(json.dumps(generated_files(out)), encoding="utf-8")
                floor_out = fresh_folder(bench.work, f"write_floor_{size}_{round_ + 1}")
                bench.measure(
                    results.setdefault("write-floor", Measure()),
                    [PY, "-c", WRITE_FLOOR, str(listing), str(floor_out)],
                    nocache,
                    ok=lambda code: code == 0,
                )
        if want("warm"):
            cache = bench.work / "cache"
            shutil.rmtree(cache, ignore_errors=True)
            cached = bench.env(ENGAGE_CACHE_DIR=str(cache))
            bench.measure(results.setdefault("cold", Measure()), engage("check", str(eco)), cached)
            bench.measure(
                results.setdefault("warm-0", Measure()), engage("check", str(eco)), cached
            )
            edited.write_text(one_edit(original), encoding="utf-8")
            try:
                bench.measure(
                    results.setdefault("warm-1", Measure()), engage("check", str(eco)), cached
                )
            finally:
                edited.write_text(original, encoding="utf-8")
        if want("stages") or want("stages-front"):
            bench.measure(
                results.setdefault("stages", Measure()),
                [PY, "-m", "benchmarks.stages", str(eco), *([] if want("stages") else ["--front"])],
                nocache,
                ok=lambda code: code == 0,
            )
    results["_count"] = Measure(cpu=[float(len(paths))])
    return results


MEMORY_KINDS = ("salesforce", "external", "data_extension")


def bench_memory(bench: Bench, count: int) -> dict[str, Measure]:
    """Peak RSS of `check` on one file of `count` Salesforce systems, of external systems
    and of data extensions, and on one of each (the process's own footprint, subtracted
    to give the cost of one more resource of the kind)."""
    out: dict[str, Measure] = {}
    for kind in MEMORY_KINDS:
        for n, label in ((count, kind), (1, f"{kind}-1")):
            folder = bench.work / f"systems_{label}"
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            (folder / "systems.yaml").write_text(systems_only(n, kind), encoding="utf-8")
            bench.measure(
                out.setdefault(label, Measure()),
                engage("check", str(folder)),
                bench.env(ENGAGE_NO_CACHE="1"),
            )
    out["_count"] = Measure(cpu=[float(count)])
    return out


def per_resource_kib(memory: dict[str, Measure], kind: str) -> float:
    """KiB of peak RSS one more resource of `kind` costs (the file of many against one)."""
    many, one, count = memory.get(kind), memory.get(f"{kind}-1"), memory.get("_count")
    if not many or not one or not count or not many.rss or not one.rss:
        return float("nan")
    cost = (min(many.rss) - min(one.rss)) / (count.cpu[0] - 1)
    return cost if cost > 0 else float("nan")  # none measured: no verdict, never "met"


ADVERSARIAL_CONTROL = "control: a linear loop"  # benchmarks.adversarial.CONTROL's row


def bench_adversarial(bench: Bench, sizes: list[int]) -> dict[str, Measure]:
    """`benchmarks.adversarial`: each pair- or cycle-scanning rule alone on its shape at
    1,000 and 10,000; with 10,000 and 100,000 in the sizes, every rule alone on the
    benchmark ecosystems too. The rows come back as JSON in `extra`."""
    out: dict[str, Measure] = {}
    runs = [("adversarial", ["--sizes", "1000", "10000", "--repeat", "5", "--calls"])]
    if 10000 in sizes and 100000 in sizes:
        runs.append(("rules-growth", ["--benchmark", "10000", "100000", "--repeat", "3"]))
    for name, args in runs:
        measure = out.setdefault(name, Measure())
        bench.measure(
            measure,
            [PY, "-m", "benchmarks.adversarial", *args, "--json"],
            bench.env(ENGAGE_NO_CACHE="1"),
            ok=lambda code: code == 0,
        )
    return out


def fmt(value: float, digits: int = 2) -> str:
    return "—" if value != value else f"{value:.{digits}f}"


def cell(results: dict[str, Measure], name: str) -> str:
    m = results.get(name)
    if m is None:
        return "—"
    return m.failed or fmt(m.median)


def stage_median(m: Measure | None, stage: str) -> float:
    if m is None or not m.extra or any(stage not in e for e in m.extra):
        return float("nan")
    return statistics.median(e[stage] for e in m.extra)


def report(
    all_results: dict[int, dict[str, Measure]],
    memory: dict[str, Measure],
    adversarial: dict[str, Measure],
) -> None:
    print("\n### Commands (CPU seconds, medians; peak RSS of the worst round)\n")
    print(
        "| resources | floor | check | check json | plan (empty state) | plan (one change) | "
        "generate | check cold / warm no edit / warm 1 edit | "
        "peak RSS check / plan / plan one change / generate |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---|---|")
    for size, r in all_results.items():
        rss = " / ".join(
            f"{r[n].peak_mib:,.0f}" if n in r and r[n].rss else "—"
            for n in ("check", "plan", "plan-1", "generate")
        )
        print(
            f"| {size:,} | {cell(r, 'floor')} | {cell(r, 'check')} | {cell(r, 'check-json')} | "
            f"{cell(r, 'plan')} | {cell(r, 'plan-1')} | {cell(r, 'generate')} | "
            f"{cell(r, 'cold')} / "
            f"{cell(r, 'warm-0')} / {cell(r, 'warm-1')} | {rss} MiB |"
        )
    if any(n in r for r in all_results.values() for n in ("plan-out", "plan-text")):
        print("\n### Plan output (CPU seconds, medians / peak RSS of the worst round)\n")
        print("| resources | plan --format json | plan --out FILE | plan (text) |")
        print("|---:|---|---|---|")
        for size, r in all_results.items():
            cells = " | ".join(
                f"{cell(r, n)} / {r[n].peak_mib:,.0f} MiB" if n in r and r[n].rss else cell(r, n)
                for n in ("plan", "plan-out", "plan-text")
            )
            print(f"| {size:,} | {cells} |")
    if any("write-floor" in r for r in all_results.values()):
        print("\n### Generate and the file system (CPU seconds, medians: user + system / system)\n")
        print(
            "| resources | generate | write floor (the same files, plain `open`/`write`, "
            "one sync) | generate less the write floor | check |"
        )
        print("|---:|---|---|---:|---:|")
        for size, r in all_results.items():
            if "write-floor" not in r or "generate" not in r:
                continue
            gen, floor = r["generate"], r["write-floor"]
            print(
                f"| {size:,} | {fmt(gen.median)} / {fmt(gen.system_median)} | "
                f"{fmt(floor.median)} / {fmt(floor.system_median)} | "
                f"{fmt(gen.median - floor.median)} | {cell(r, 'check')} |"
            )
    stages = ("load", "compile", "graph", "rules", "plan", "generate")
    print("\n### Stages in one process (CPU seconds, medians)\n")
    print("| resources | " + " | ".join(stages) + " |")
    print("|---:|" + "---:|" * len(stages))
    for size, r in all_results.items():
        s = r.get("stages")
        print(f"| {size:,} | " + " | ".join(fmt(stage_median(s, x)) for x in stages) + " |")
    print("\n### Targets\n")
    print("| target | measured | met |")
    print("|---|---|---|")

    def target(name: str, value: float, limit: float, unit: str = "x") -> None:
        met = "—" if value != value else ("yes" if value <= limit else "**no**")
        print(f"| {name} (≤ {limit:g}{unit}) | {fmt(value)}{unit} | {met} |")

    def ratio(r: dict[str, Measure], a: str, b: str) -> float:
        if a not in r or b not in r or r[a].failed or r[b].failed:
            return float("nan")
        return r[a].median / r[b].median

    for size, r in all_results.items():
        if size < 10000:
            continue
        target(f"plan (empty state) / check at {size:,}", ratio(r, "plan", "check"), 2)
        target(f"plan (one change) / check at {size:,}", ratio(r, "plan-1", "check"), 2)
        target(f"generate / check at {size:,}", ratio(r, "generate", "check"), 2)
        if "write-floor" in r and "generate" in r and "check" in r:
            less_floor = (r["generate"].median - r["write-floor"].median) / r["check"].median
            print(
                f"| (beside: generate less the write floor / check at {size:,}: "
                f"{fmt(less_floor)}x; the file system's share of generate: "
                f"{fmt(r['write-floor'].median)} of {fmt(r['generate'].median)} CPU-s) | — | — |"
            )
        if size == 10000:
            target("check (text) / floor at 10,000", ratio(r, "check", "floor"), 2.5)
            target("check (json) / floor at 10,000", ratio(r, "check-json", "floor"), 2)
        target(f"warm re-check, 1 edit / cold at {size:,}", ratio(r, "warm-1", "cold"), 0.15)
        target(f"warm re-check, no edit / cold at {size:,}", ratio(r, "warm-0", "cold"), 0.10)
        if size >= 100000 and "plan" in r and r["plan"].rss:
            target(f"plan peak RSS at {size:,}", r["plan"].peak_mib / 1024, 1, " GiB")
        for output, said in (("plan-out", "plan --out"), ("plan-text", "plan (text)")):
            if size >= 100000 and output in r and r[output].rss:
                target(f"{said} peak RSS at {size:,}", r[output].peak_mib / 1024, 1, " GiB")
        if size >= 100000 and "plan-1" in r and r["plan-1"].rss:
            target(
                f"plan (one change) peak RSS at {size:,}", r["plan-1"].peak_mib / 1024, 1, " GiB"
            )
        if size >= 10000 and "check" in r and r["check"].rss:
            target(
                f"check peak RSS per resource at {size:,}",
                r["check"].peak_mib * 1024 / size,
                4,
                " KiB",
            )
    sizes = sorted(all_results)
    if 10000 in sizes and 100000 in sizes:
        small, large = all_results[10000].get("stages"), all_results[100000].get("stages")
        for stage in stages:
            growth = stage_median(large, stage) / stage_median(small, stage)
            target(f"growth 10k → 100k of {stage}", growth, 10.5)
    if memory:
        count = int(memory["_count"].cpu[0])
        sf = per_resource_kib(memory, "salesforce")
        for other, label in (("data_extension", "data extension"), ("external", "external system")):
            article = "an" if label[0] in "aeiou" else "a"
            target(
                f"memory of a Salesforce system / {article} {label} (check, {count:,} each, "
                f"{sf:.1f} / {per_resource_kib(memory, other):.1f} KiB)",
                sf / per_resource_kib(memory, other),
                1.1,
            )
            a, b = memory.get("salesforce"), memory.get(other)
            if a and b and a.rss and b.rss:
                target(
                    f"check peak RSS, {count:,} Salesforce systems / {count:,} {label}s",
                    a.peak_mib / b.peak_mib,
                    1.1,
                )
    for name, m in adversarial.items():
        if m.failed:
            print(f"| {name} | {m.failed} | **no** |")
        for row in m.rows:
            small, large = row["sizes"]
            if row["rule"] == ADVERSARIAL_CONTROL:  # the machine's own growth, beside the rules'
                growth = row["seconds"][1] / row["seconds"][0] if row["seconds"][0] else 0.0
                print(
                    f"| (beside: growth {small:,} → {large:,} of a linear loop, the cache "
                    f"and heap alone: {fmt(growth)}x) | — | — |"
                )
                continue
            seconds = row["seconds"]
            # a time too short to read at either size gives no growth, never a "met" 0x
            growth = seconds[1] / seconds[0] if seconds[0] > 0 < seconds[1] else float("nan")
            what = "adversarial shape" if name == "adversarial" else "benchmark ecosystems"
            calls = row.get("calls") or []
            beside = f"; calls {calls[1] / calls[0]:.2f}x" if len(calls) == 2 and calls[0] else ""
            target(
                f"growth {small:,} → {large:,} of rule {row['rule']} alone, {what} "
                f"({seconds[0]:.4f} → {seconds[1]:.4f} s a run, best of the rounds{beside})",
                growth,
                1.05 * large / small,
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--only",
        nargs="*",
        default=[],
        help=(
            "floor check check-json plan plan-1 plan-out plan-text generate warm stages "
            "stages-front memory adversarial"
        ),
    )
    parser.add_argument("--systems", type=int, default=20000, help="resources in each memory file")
    parser.add_argument("--max-gib", type=float, default=4.0)
    parser.add_argument("--max-cpu", type=int, default=600)
    parser.add_argument("--keep", type=Path, default=None, help="work folder to keep")
    args = parser.parse_args()
    spawner = Spawner()  # first, while this process is small (see SPAWNER)
    try:
        import yaml  # type: ignore[import-untyped, import-not-found, unused-ignore]  # noqa: F401
    except ImportError:
        sys.exit("the floor needs PyYAML with libyaml: pip install pyyaml")
    work = args.keep or Path(tempfile.mkdtemp(prefix="engage-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    bench = Bench(work, args.max_gib, args.max_cpu, spawner)
    byte_compile(ROOT)
    only = set(args.only)
    load = os.getloadavg()
    print(
        f"engage benchmark, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
        f"{os.cpu_count()} CPUs, load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}, "
        f"Python {sys.version.split()[0]}"
    )
    results = {
        size: bench_size(bench, size, args.repeat, only - {"memory", "adversarial"})
        for size in args.sizes
    }
    for r in results.values():
        r.pop("_count", None)
    memory = bench_memory(bench, args.systems) if not only or "memory" in only else {}
    adversarial = bench_adversarial(bench, args.sizes) if not only or "adversarial" in only else {}
    spawner.close()
    report(results, memory, adversarial)
    end = os.getloadavg()
    print(f"\nload average at the end: {end[0]:.1f} / {end[1]:.1f} / {end[2]:.1f}")
    if args.keep is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
