"""compiler/rules/__init__.py: `analyze` and `imported_from`, as callers use them
(benchmarks/README.md "Mutation ledger and scores (mutB, 2026-12-02)")."""

from __future__ import annotations

from pathlib import Path

from test_check import make_case

from compiler.graph import build_graph
from compiler.pipeline import compile_path
from compiler.resolved import ResolvedEcosystem
from compiler.rules import analyze


def _resolved(tmp_path: Path, case: str) -> ResolvedEcosystem:
    comp = compile_path(make_case(tmp_path, case))
    assert comp.resolved is not None
    return comp.resolved


def test_analyze_builds_the_graph_when_not_given(tmp_path: Path) -> None:
    # The documented call `analyze(resolved)`: the same findings as with the graph given.
    resolved = _resolved(tmp_path, "w5910_fires")
    alone = analyze(resolved)
    assert sorted(f.code for f in alone) == ["W4004", "W5910"]
    assert alone == analyze(resolved, build_graph(resolved))
