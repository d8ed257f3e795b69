"""On-demand mutation run: how many small deliberate bugs the targeted tests catch.

    python benchmarks/mutation.py compiler/rules/campaigns.py \\
        --tests "tests/test_rules_fixtures.py -k 'E71 or campaigns'"
    python benchmarks/mutation.py compiler/rules/consent.py --sample 60 --seed 1 \\
        --tests "tests/test_rules_fixtures.py tests/test_consent_meaning.py"

Each mutant is one change to the module's syntax tree: a comparison operator flipped
(== ↔ !=, < ↔ >=, <= ↔ >, in ↔ not in, is ↔ is not), a boolean operator swapped
(and ↔ or), a condition negated (`if x` → `if not x`, also in `while`, `elif` and
conditional expressions), a constant flipped (True ↔ False, n → n + 1), or a statement
deleted (replaced by `pass`, or by `return None`/`continue` where `pass` would be a
no-op of an expression). Every mutant runs in a copy of the repository (the work tree
is never touched) with the given tests, stopping at the first failure; a mutant is
killed when the tests fail, survives when they pass, and is counted as killed when it
makes the module unimportable or times out. The score is killed / total. Survivors are
printed with their line, so each can be read: an untested path, or an equivalent mutant.

To re-run only the survivors of an earlier run (same module, --sample and --seed, so the
same sample), pass them as `--only kind:line,...` (e.g. `--only compare:110,delete:150`):
the other mutants of the sample count as killed, as they were, so the score printed is
the whole sample's. Valid only while the module's code is unchanged.

A survivor that was read and found equivalent (no test can tell it from the original)
is listed in benchmarks/mutation_equivalent.txt with its reason; the run then also prints
the score over the non-equivalent mutants.

Each mutant runs in a child forked from one process that imported pytest, the heavy
libraries and the compiler's model once (never the mutated module), against only the
tests that execute its lines: the unmutated run records, per test, which lines of the
module it executes. A line executed at import gets the whole selection; a line no test
executes survives without a run (it is printed as such).

Not run in CI: one mutant costs one run of the targeted tests.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import copy
import importlib
import json
import os
import random
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

REPO = Path(__file__).resolve().parent.parent

_COMPARE_FLIPS: dict[type[ast.cmpop], type[ast.cmpop]] = {
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.Lt: ast.GtE,
    ast.GtE: ast.Lt,
    ast.Gt: ast.LtE,
    ast.LtE: ast.Gt,
    ast.In: ast.NotIn,
    ast.NotIn: ast.In,
    ast.Is: ast.IsNot,
    ast.IsNot: ast.Is,
}


@dataclass(frozen=True)
class Mutant:
    index: int  # position of the mutated node in the walk order
    kind: str
    line: int
    end: int = 0  # the node's last line (its first when unknown)


def _targets(tree: ast.AST) -> Iterator[tuple[int, str, ast.AST]]:
    """Every mutable node: (walk index, kind, node). Docstrings are not mutated."""
    for index, node in enumerate(ast.walk(tree)):
        if isinstance(node, ast.Compare) and type(node.ops[0]) in _COMPARE_FLIPS:
            yield index, "compare", node
        elif isinstance(node, ast.BoolOp):
            yield index, "boolop", node
        elif isinstance(node, ast.If | ast.While | ast.IfExp):
            yield index, "negate", node
        elif isinstance(node, ast.Constant) and isinstance(node.value, bool):
            yield index, "constant", node
        elif isinstance(node, ast.Constant) and type(node.value) is int:
            yield index, "constant", node
        elif isinstance(node, ast.Return | ast.Assign | ast.AugAssign | ast.Yield) or (
            isinstance(node, ast.Expr) and not isinstance(node.value, ast.Constant)
        ):
            yield index, "delete", node


def mutants(source: str) -> list[Mutant]:
    tree = ast.parse(source)
    out = []
    for index, kind, node in _targets(tree):
        line = getattr(node, "lineno", 0)
        out.append(Mutant(index, kind, line, getattr(node, "end_lineno", None) or line))
    return out


class _Deleter(ast.NodeTransformer):
    def __init__(self, victim: ast.AST) -> None:
        self.victim = victim

    def generic_visit(self, node: ast.AST) -> ast.AST:
        for _, value in ast.iter_fields(node):
            if isinstance(value, list):
                for i, item in enumerate(value):
                    if item is self.victim:
                        value[i] = ast.Pass()
                        ast.copy_location(value[i], item)
        return super().generic_visit(node)


def apply(source: str, mutant: Mutant) -> str | None:
    """The module's source with one mutation, or None when the mutant is a no-op."""
    tree = ast.parse(source)
    nodes = list(ast.walk(tree))
    node = nodes[mutant.index]
    if mutant.kind == "compare" and isinstance(node, ast.Compare):
        node.ops[0] = _COMPARE_FLIPS[type(node.ops[0])]()
    elif mutant.kind == "boolop" and isinstance(node, ast.BoolOp):
        node.op = ast.Or() if isinstance(node.op, ast.And) else ast.And()
    elif mutant.kind == "negate" and isinstance(node, ast.If | ast.While | ast.IfExp):
        node.test = ast.UnaryOp(op=ast.Not(), operand=node.test)
    elif mutant.kind == "constant" and isinstance(node, ast.Constant):
        value = node.value
        node.value = (
            (not value)
            if isinstance(value, bool)
            else value + 1
            if isinstance(value, int)
            else value
        )
    elif mutant.kind == "delete":
        _Deleter(node).visit(tree)
    else:
        return None
    ast.fix_missing_locations(tree)
    mutated = ast.unparse(tree)
    return None if mutated == ast.unparse(ast.parse(source)) else mutated


# Imported once by the runner before it forks a child per mutant (each child then imports
# only what is left, in particular the mutated module): the heavy third-party libraries and
# the compiler's model. A candidate that would import the mutated module is not preloaded
# (`_preloadable` checks it in a fresh interpreter), nor is any candidate after it.
PRELOAD = (
    "pytest",
    "hypothesis",
    "pydantic",
    "ruamel.yaml",
    "jsonschema",
    "networkx",
    "sqlglot",
    "rich",
    "click",
    "compiler.diagnostics",
    "compiler.model",
    "compiler.source",
    "compiler.resolved",
    "compiler.resolve",
    "compiler.graph",
)


def _environment(cache: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # pytest keeps its rewritten tests in .pyc
    env.update(ENGAGE_NO_CACHE="1", ENGAGE_CACHE_DIR=str(cache))  # no `engage check` cache
    return env


def _write(target: Path, text: str, stamp: int) -> None:
    """Write one version of the module with its own modification time: a .pyc is valid
    for a source of the same size and whole-second mtime, so a mutant of the same size
    written within the same second as the one before would be served the stale one."""
    target.write_text(text, encoding="utf-8")
    os.utime(target, (stamp, stamp))
    for stale in (target.parent / "__pycache__").glob(f"{target.stem}.*.pyc"):
        stale.unlink()


def _preloadable(copy_root: Path, module_name: str, env: dict[str, str]) -> list[str]:
    probe = (
        "import importlib, sys\n"
        "for name in sys.argv[2:]:\n"
        "    importlib.import_module(name)\n"
        "    if sys.argv[1] in sys.modules:\n"
        "        break\n"
        "    print(name, flush=True)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe, module_name, *PRELOAD],
        cwd=copy_root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    return result.stdout.split()


_COLLECTION = ""  # the lines run outside any test: at import or collection


class _Coverage:
    """Which lines of one file each test runs (sys.settrace, that file's frames only)."""

    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.current = _COLLECTION
        self.lines: dict[str, set[int]] = defaultdict(set)

    def trace(self, frame: FrameType, event: str, arg: object) -> Any:
        if frame.f_code.co_filename != self.filename:
            return None
        self.lines[self.current].add(frame.f_lineno)
        return self._local

    def _local(self, frame: FrameType, event: str, arg: object) -> Any:
        if event == "line":
            self.lines[self.current].add(frame.f_lineno)
        return self._local

    def pytest_runtest_protocol(self, item: Any) -> None:  # a pytest hook
        self.current = item.nodeid

    def pytest_runtest_logfinish(self) -> None:  # a pytest hook
        self.current = _COLLECTION


def _child(tests: list[str], coverage: _Coverage | None, report: Path | None) -> int:
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    import pytest

    plugins: list[object] = []
    if coverage is not None:
        plugins.append(coverage)
        threading.settrace(coverage.trace)
        sys.settrace(coverage.trace)
    code = int(pytest.main(["-x", "-q", "-p", "no:cacheprovider", *tests], plugins=plugins))
    sys.settrace(None)
    if coverage is not None and report is not None:
        lines = {test: sorted(found) for test, found in coverage.lines.items()}
        report.write_text(json.dumps(lines), encoding="utf-8")
    return code


def _run_tests(
    tests: list[str], timeout: int, coverage: _Coverage | None = None, report: Path | None = None
) -> bool:
    """Run the tests in a forked child of this (preloaded) process: True when they fail
    (the mutant is killed) or time out."""
    pid = os.fork()
    if pid == 0:  # the child: its own process group, so a timeout kills what it started
        code = 1
        try:
            os.setpgid(0, 0)
            code = _child(tests, coverage, report)
        finally:
            os._exit(code)
    deadline = time.monotonic() + timeout
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status) != 0
        if time.monotonic() > deadline:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            return True
        time.sleep(0.02)


def _tests_for(mutant: Mutant, covered: dict[str, list[int]], tests: list[str]) -> list[str]:
    """The tests that run the mutated lines: all of the selection when the lines run at
    import (a module-level change reaches every test), none when no test runs them (the
    mutant survives without a run), else those tests only, by node id."""
    lines = set(range(mutant.line, max(mutant.line, mutant.end) + 1))
    if lines & set(covered.get(_COLLECTION, ())):
        return tests
    return [test for test, found in covered.items() if test and lines & set(found)]


def run(
    module: Path,
    tests: list[str],
    sample: int,
    seed: int,
    timeout: int,
    only: frozenset[tuple[str, int]] | None = None,
) -> tuple[int, list[tuple[Mutant, str]]]:
    source = module.read_text(encoding="utf-8")
    pool = mutants(source)
    chosen = sorted(random.Random(seed).sample(pool, min(sample, len(pool))), key=lambda m: m.index)
    survivors: list[tuple[Mutant, str]] = []
    killed = 0
    if only is not None:  # the rest of the sample was killed in the earlier run
        rest = [m for m in chosen if (m.kind, m.line) not in only]
        killed = sum(apply(source, copy.copy(m)) is not None for m in rest)
        chosen = [m for m in chosen if (m.kind, m.line) in only]
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="engage-mutation-") as tmp:
        copy_root = Path(tmp) / "repo"
        shutil.copytree(
            REPO,
            copy_root,
            ignore=shutil.ignore_patterns(".venv", ".git", "__pycache__", ".mypy_cache", "build"),
        )
        relative = module.resolve().relative_to(REPO)
        target = copy_root / relative
        module_name = ".".join(relative.with_suffix("").parts)
        env = _environment(Path(tmp) / "cache")
        os.environ.clear()
        os.environ.update(env)
        os.chdir(copy_root)
        sys.path.insert(0, str(copy_root))
        for name in _preloadable(copy_root, module_name, env):
            importlib.import_module(name)
        compiler = sys.modules.get("compiler")
        if compiler is not None and not str(compiler.__file__).startswith(str(copy_root)):
            raise SystemExit(f"compiler is imported from {compiler.__file__}, not the copy")
        report = Path(tmp) / "coverage.json"
        # the unmutated run traces every line, and runs every test: ten times the timeout
        if _run_tests(tests, 10 * timeout, _Coverage(str(target)), report):
            raise SystemExit("the tests fail on the unmutated module: no score")
        covered: dict[str, list[int]] = json.loads(report.read_text(encoding="utf-8"))
        print(f"ready in {time.monotonic() - started:.0f} s: {len(chosen)} mutants to run")
        for mutant in chosen:
            mutated = apply(source, copy.copy(mutant))
            if mutated is None:
                continue
            selected = _tests_for(mutant, covered, tests)
            _write(target, mutated, stamp=1_000_000_000 + mutant.index)
            dead = bool(selected) and _run_tests(selected, timeout)
            if dead:
                killed += 1
            else:
                line = source.splitlines()[mutant.line - 1].strip() if mutant.line else ""
                survivors.append((mutant, line))
            note = (
                " (no test runs the line)"
                if not selected
                else " (all tests)"
                if selected is tests
                else f" ({len(selected)} tests)"
            )
            print(f"{'killed ' if dead else 'SURVIVED'} {mutant.kind:8} line {mutant.line}{note}")
            sys.stdout.flush()
        os.chdir(REPO)
    return killed, survivors


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("module", type=Path)
    parser.add_argument(
        "--tests", required=True, help='pytest arguments, one string: "tests/x.py -k name"'
    )
    parser.add_argument("--sample", type=int, default=60)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--timeout", type=int, default=600)
    parser.add_argument(
        "--only", default=None, help="re-run these survivors of the same sample: kind:line,..."
    )
    args = parser.parse_args()
    tests = shlex.split(args.tests)
    only = (
        frozenset((k, int(n)) for k, _, n in (item.partition(":") for item in args.only.split(",")))
        if args.only
        else None
    )
    killed, survivors = run(args.module, tests, args.sample, args.seed, args.timeout, only)
    known = equivalents(args.module)
    same = [(m, line) for m, line in survivors if (m.kind, m.line) in known]
    total = killed + len(survivors)
    score = 100.0 * killed / total if total else 100.0
    print(f"\n{args.module}: {killed}/{total} mutants killed ({score:.0f}%)")
    if same:
        real = total - len(same)
        print(
            f"{args.module}: {killed}/{real} non-equivalent mutants killed "
            f"({100.0 * killed / real if real else 100.0:.0f}%)"
        )
    for mutant, line in survivors:
        reason = known.get((mutant.kind, mutant.line))
        what = f"equivalent ({reason})" if reason else "survived"
        print(f"  {what}: {mutant.kind} at line {mutant.line}: {line}")
    return 0


EQUIVALENT = Path(__file__).with_name("mutation_equivalent.txt")


def equivalents(module: Path) -> dict[tuple[str, int], str]:
    """The module's survivors read and found equivalent (benchmarks/mutation_equivalent.txt:
    `module kind:line reason` per line), valid while the module's code is unchanged."""
    out: dict[tuple[str, int], str] = {}
    name = module.resolve().relative_to(REPO).as_posix()
    for row in EQUIVALENT.read_text(encoding="utf-8").splitlines():
        if not row.strip() or row.startswith("#"):
            continue
        path, mutant, reason = row.split(maxsplit=2)
        kind, _, line = mutant.partition(":")
        if path == name:
            out[kind, int(line)] = reason
    return out


if __name__ == "__main__":
    raise SystemExit(main())
