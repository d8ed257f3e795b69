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

Not run in CI: one mutant costs one run of the targeted tests.
"""

from __future__ import annotations

import argparse
import ast
import copy
import random
import shlex
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

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
        out.append(Mutant(index, kind, getattr(node, "lineno", 0)))
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
        node.value = (not node.value) if isinstance(node.value, bool) else node.value + 1
    elif mutant.kind == "delete":
        _Deleter(node).visit(tree)
    else:
        return None
    ast.fix_missing_locations(tree)
    mutated = ast.unparse(tree)
    return None if mutated == ast.unparse(ast.parse(source)) else mutated


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
    with tempfile.TemporaryDirectory(prefix="engage-mutation-") as tmp:
        copy_root = Path(tmp) / "repo"
        shutil.copytree(
            REPO,
            copy_root,
            ignore=shutil.ignore_patterns(".venv", ".git", "__pycache__", ".mypy_cache", "build"),
        )
        target = copy_root / module.resolve().relative_to(REPO)
        for mutant in chosen:
            mutated = apply(source, copy.copy(mutant))
            if mutated is None:
                continue
            target.write_text(mutated, encoding="utf-8")
            try:
                result = subprocess.run(
                    [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *tests],
                    cwd=copy_root,
                    capture_output=True,
                    text=True,
                    timeout=timeout,
                    check=False,
                )
                dead = result.returncode != 0
            except subprocess.TimeoutExpired:
                dead = True
            if dead:
                killed += 1
            else:
                line = source.splitlines()[mutant.line - 1].strip() if mutant.line else ""
                survivors.append((mutant, line))
            print(f"{'killed ' if dead else 'SURVIVED'} {mutant.kind:8} line {mutant.line}")
        target.write_text(source, encoding="utf-8")
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
    total = killed + len(survivors)
    score = 100.0 * killed / total if total else 100.0
    print(f"\n{args.module}: {killed}/{total} mutants killed ({score:.0f}%)")
    for mutant, line in survivors:
        print(f"  survived: {mutant.kind} at line {mutant.line}: {line}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
