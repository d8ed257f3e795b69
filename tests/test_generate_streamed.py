"""Emitters that are generators (`artifact.Streamed`): they yield their artifacts in any
order and return their findings; generation sorts them by path (stably), a crash midway
is E9810 with nothing of that target kept, an unsafe path is E9811, and the plan's
generation check (`generation_findings`) keeps only their outlines, yet reports what
`prepare` reports."""

from __future__ import annotations

from collections.abc import Generator
from pathlib import Path

import pytest

import compiler.emit.generate as emit_module
from compiler.diagnostics import Finding, make
from compiler.emit.artifact import (
    ArtifactLike,
    Emitted,
    drained,
    gathered,
    outline,
)
from compiler.emit.generate import generation_findings, prepare
from compiler.emit.selection import E_INTERNAL, Run, emit_target
from compiler.emit.sync import emit as sync_emit
from compiler.emit.targets import EMITTERS
from compiler.pipeline import compile_path
from compiler.resolved import ResolvedEcosystem
from compiler.source import ParseCache

ROOT = Path(__file__).resolve().parents[1]
BASIC = ROOT / "tests" / "fixtures" / "generate" / "basic"
NOTE = make(E_INTERNAL, "a finding of the emitter", None)
MEMBER = ("DuplicateRule", "Lead.x", "duplicate_rule.x")


def resolved(root: Path = BASIC, env: str | None = "production") -> ResolvedEcosystem:
    comp = compile_path(root, env, cache=ParseCache(None))
    assert comp.ok and comp.resolved is not None
    return comp.resolved


def streamed(_: ResolvedEcosystem) -> Generator[ArtifactLike, None, list[Finding]]:
    yield Emitted("b/two.txt", b"second", ("system.crm",), (MEMBER,))
    yield ("a/one.txt", b"first", ["system.crm", "consent.email"])
    yield Emitted("b/two.txt", b"same path, yielded later", ("system.crm",))
    yield ("../escape.txt", b"x")
    yield ("a/plain.txt", b"no sources")
    return [NOTE]


def crashing(_: ResolvedEcosystem) -> Generator[ArtifactLike, None, list[Finding]]:
    yield ("a/one.txt", b"first", ["system.crm"])
    raise RuntimeError("midway")


def run_of(r: ResolvedEcosystem, addresses: frozenset[str] | None = None) -> Run:
    return Run(r, addresses, frozenset(), {})


def test_drained_sorts_stably_and_returns_the_findings() -> None:
    arts, findings = drained(streamed(resolved()))
    assert [(a.path, a.content) for a in arts] == [
        ("../escape.txt", b"x"),
        ("a/one.txt", b"first"),
        ("a/plain.txt", b"no sources"),
        ("b/two.txt", b"second"),
        ("b/two.txt", b"same path, yielded later"),
    ]
    assert arts[1].sources == ("consent.email", "system.crm")  # normalized
    assert findings == [NOTE]


def test_outlines_keep_everything_but_the_content() -> None:
    whole, _ = drained(streamed(resolved()))
    outlines, findings = drained(streamed(resolved()), contents=False)
    assert findings == [NOTE]
    assert [outline(a) for a in whole] == outlines
    assert all(a.content == b"" for a in outlines)
    assert [(a.path, a.sources, a.members, a.aggregate) for a in outlines] == [
        (a.path, a.sources, a.members, a.aggregate) for a in whole
    ]
    made = Emitted("p", b"c", ("s",), (MEMBER,), True)
    assert outline(made) == Emitted("p", b"", ("s",), (MEMBER,), True)


def test_gathered_takes_either_shape() -> None:
    r = resolved()
    assert gathered(streamed(r)) == drained(streamed(r))
    items: list[ArtifactLike] = [("a.txt", b"x", ["s"]), Emitted("b.txt", b"y")]
    listed = (items, [NOTE])
    assert gathered(listed) == ([Emitted("a.txt", b"x", ("s",)), Emitted("b.txt", b"y")], [NOTE])


@pytest.mark.parametrize("contents", [True, False])
def test_emit_target_of_a_generator(contents: bool) -> None:
    run = run_of(resolved())
    arts = emit_target(run, "mine", streamed, contents=contents)
    # the emitter's findings first, then the refused path (E9811), as for a list emitter
    assert [f.code for f in run.findings] == ["E9810", "E9811"]
    assert run.findings[0] is NOTE
    assert "mine: file name '../escape.txt'" in run.findings[1].message
    assert [a.path for a in arts] == ["a/one.txt", "a/plain.txt", "b/two.txt", "b/two.txt"]
    assert [a.content for a in arts] == (
        [b"first", b"no sources", b"second", b"same path, yielded later"] if contents else [b""] * 4
    )


@pytest.mark.parametrize("contents", [True, False])
def test_a_list_emitter_gives_outlines_too(contents: bool) -> None:
    run = run_of(resolved())

    def listed(_: ResolvedEcosystem) -> tuple[list[ArtifactLike], list[Finding]]:
        return [("a.txt", b"x", ["s"]), ("/abs.txt", b"y")], []

    arts = emit_target(run, "mine", listed, contents=contents)
    assert arts == [Emitted("a.txt", b"x" if contents else b"", ("s",))]
    assert [f.code for f in run.findings] == ["E9811"]


@pytest.mark.parametrize("contents", [True, False])
def test_a_crash_midway_is_e9810_and_keeps_nothing(contents: bool) -> None:
    run = run_of(resolved())
    assert emit_target(run, "mine", crashing, contents=contents) == []
    assert [f.code for f in run.findings] == ["E9810"]
    assert run.findings[0].message == "generator 'mine' failed: RuntimeError: midway"


def test_generation_findings_match_prepare_with_generator_emitters(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    emitters = [*EMITTERS, ("streamed", streamed), ("crashing", crashing)]
    monkeypatch.setattr(emit_module, "EMITTERS", emitters)
    r = resolved()
    out = tmp_path / "out"
    whole = prepare(r, out)
    assert "streamed/a/one.txt" in whole.contents
    assert whole.contents["streamed/b/two.txt"] == b"same path, yielded later"  # the last wins
    found = generation_findings(r, out)
    assert [repr(f) for f in found] == [repr(f) for f in whole.findings]
    assert {"E9810", "E9811"} <= {f.code for f in found}
    some = ["system.crm"]
    assert [repr(f) for f in generation_findings(r, out, some)] == [
        repr(f) for f in prepare(r, out, some).findings
    ]
    assert not out.exists()


def test_the_sync_emitter_yields_rule_by_rule() -> None:
    r = resolved(ROOT / "ecosystem", "production")
    result = sync_emit(r)
    assert isinstance(result, Generator)
    arts, findings = drained(result)
    assert findings == []
    assert [a.path for a in arts] == sorted(a.path for a in arts)
    assert "legacy_customers_load.duckdb.sql" in {a.path for a in arts}
