"""The bounded fuzz run of CI: thousands of mutated ecosystems through load, validate and
`check`, derandomized (the same cases on every run), asserting no traceback and no
internal error (E99xx) on any of them, and that every finding says where.

The mutations and stages are benchmarks/fuzz.py's, whose on-demand run takes 100,000
cases (`python -m benchmarks.fuzz`). ENGAGE_FUZZ_CASES=20000 runs a longer hunt here.
"""

from __future__ import annotations

import os
import random
import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.fuzz import FOLDERS, Workspace, corpus, mutate
from compiler.diagnostics import Finding, has_errors
from compiler.pipeline import compile_environments, load_sources
from compiler.rules.check import check_source
from compiler.source import ParseCache

CASES = int(os.environ.get("ENGAGE_FUZZ_CASES", "2000"))
TEXTS = corpus()
REACHED: Counter[str] = Counter()


@pytest.fixture(scope="module")
def space() -> Iterator[tuple[Workspace, ParseCache, set[str]]]:
    cache = ParseCache(None)
    with tempfile.TemporaryDirectory(prefix="engage-fuzz-") as tmp:
        work = Workspace(Path(tmp))
        for folder in FOLDERS:
            load_sources(work.root / folder.replace("/", "_"), cache=cache)
        yield work, cache, set(cache.memory)


def _located(findings: Iterable[Finding]) -> None:
    for f in findings:
        assert f.span is not None and f.span.line >= 1 and f.span.column >= 1, str(f)
        assert not f.code.startswith("E99"), str(f)


@settings(
    max_examples=CASES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(st.randoms(use_true_random=False), st.sampled_from(range(len(TEXTS))), st.booleans())
def test_mutated_ecosystems_never_crash(
    space: tuple[Workspace, ParseCache, set[str]],
    rng: random.Random,
    which: int,
    inside: bool,
) -> None:
    work, cache, kept = space
    folder, name, data = TEXTS[which]
    eco = work.prepare(
        folder if inside else None, name if inside else "main.yaml", mutate(data, rng)
    )
    try:
        source = load_sources(eco, cache=cache)
        _located(source.findings)
        if has_errors(source.findings):
            REACHED["load"] += 1
            return
        comps = compile_environments(source, None)
        for comp in comps:
            _located(comp.findings)
        if not all(c.ok for c in comps):
            REACHED["validate"] += 1
            return
        _located(check_source(source).findings)
        REACHED["check"] += 1
    finally:
        for key in set(cache.memory) - kept:
            del cache.memory[key]


def test_the_cases_reached_every_stage() -> None:
    """The run above is not all syntax errors: some cases got to validate and to check."""
    if not REACHED:
        pytest.skip("run with the fuzz test above")
    assert REACHED["validate"] > 0 and REACHED["check"] > 0, REACHED
