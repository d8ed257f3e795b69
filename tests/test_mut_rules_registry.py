"""compiler/rules/registry.py: registration, the runner's only-filter and order, and what
becomes of a crash or an undeclared code with and without debug, run on the real clean
rules base through real registered rules."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_rules_fixtures import ROOT

from compiler.diagnostics import Finding
from compiler.rules import registry
from compiler.rules.check import check_path
from compiler.rules.context import Context
from compiler.rules.dataflow import E_CYCLE, E_TWO_WRITERS


@pytest.fixture(scope="module")
def ctx(tmp_path_factory: pytest.TempPathFactory) -> Context:
    eco = tmp_path_factory.mktemp("registry") / "eco"
    shutil.copytree(ROOT / "_base", eco)
    result = check_path(eco)
    assert result.analyzed and result.graph is not None
    assert result.compilation.resolved is not None
    return Context(result.compilation.resolved, result.graph)


def _two(ctx: Context) -> Iterator[Finding]:
    """Two findings: one declared, one not.

    The second line of the docstring is not the summary."""
    yield ctx.finding(E_TWO_WRITERS, "kept", ("systems",), address="x.kept")
    yield ctx.finding(E_CYCLE, "refused", ("systems",), address="x.refused")


def _crash(ctx: Context) -> Iterator[Finding]:
    raise KeyError("surprise")
    yield


def test_registration_and_summary() -> None:
    item = registry.Rule("zz", (E_TWO_WRITERS,), _two, __name__)
    assert item.summary == "Two findings: one declared, one not."
    assert registry.Rule("zz", (), _crash, __name__).summary == "zz"  # no docstring
    assert registry.rule("zz-registered-test", E_TWO_WRITERS)(_two) is _two  # unchanged
    try:
        entry = registry.RULES["zz-registered-test"]
        assert entry.func is _two and entry.codes == (E_TWO_WRITERS,)
        assert entry.module == __name__
        with pytest.raises(ValueError, match="'zz-registered-test' is registered twice"):
            registry.rule("zz-registered-test")(_crash)
        assert registry.RULES["zz-registered-test"].func is _two
    finally:
        del registry.RULES["zz-registered-test"]


def test_an_undeclared_code_is_refused_once_per_code(ctx: Context) -> None:
    def three(c: Context) -> Iterator[Finding]:
        yield from _two(c)
        yield c.finding(E_CYCLE, "refused again", ("systems",), address="x.again")

    item = registry.Rule("zz-three", (E_TWO_WRITERS,), three, __name__)
    found = registry.run_rule(item, ctx)
    assert [(f.code, f.address) for f in found] == [("E3001", "x.kept"), ("E9900", "rule.zz-three")]
    assert found[1].message == (
        "internal error in rule zz-three: UndeclaredCodeError: "
        "emitted E3002, which it does not declare"
    )
    declared = registry.Rule("zz-both", (E_TWO_WRITERS, E_CYCLE), _two, __name__)
    assert [f.address for f in registry.run_rule(declared, ctx)] == ["x.kept", "x.refused"]
    with pytest.raises(registry.UndeclaredCodeError, match="emitted E3002"):
        registry.run_rule(item, ctx, debug=True)


def test_a_crash_is_a_finding_unless_debugging(ctx: Context) -> None:
    item = registry.Rule("zz-crash", (E_TWO_WRITERS,), _crash, __name__)
    [found] = registry.run_rule(item, ctx)
    assert found.code == "E9900" and found.address == "rule.zz-crash"
    assert found.message == "internal error in rule zz-crash: KeyError: 'surprise'"
    with pytest.raises(KeyError, match="surprise"):
        registry.run_rule(item, ctx, debug=True)


def test_run_rules_runs_the_named_rules_in_name_order(ctx: Context) -> None:
    registry.rule("zz-b-test", E_TWO_WRITERS)(_two)
    registry.rule("zz-a-test")(_crash)
    try:
        only = registry.run_rules(ctx, only=["zz-b-test", "zz-a-test", "no-such-rule"])
        assert [(f.code, f.address) for f in only] == [
            ("E9900", "rule.zz-a-test"),
            ("E3001", "x.kept"),
            ("E9900", "rule.zz-b-test"),
        ]
        assert registry.run_rules(ctx, only=[]) == []
        everything = registry.run_rules(ctx)
        assert [f.address for f in everything if f.address.startswith(("x.", "rule.zz"))] == [
            "rule.zz-a-test",
            "x.kept",
            "rule.zz-b-test",
        ]
        with pytest.raises(KeyError):
            registry.run_rules(ctx, only=["zz-a-test"], debug=True)
    finally:
        del registry.RULES["zz-b-test"]
        del registry.RULES["zz-a-test"]


def test_an_internal_error_cannot_be_suppressed(tmp_path: Path) -> None:
    """A rule's crash is engage's bug, never the ecosystem's: a suppression of E9900 in
    the YAML is itself refused (E9901, at the code), so no crash can be hidden."""
    eco = tmp_path / "eco"
    shutil.copytree(ROOT / "_base", eco)
    des = eco / "data_extensions.yaml"
    des.write_text(des.read_text() + "    suppress:\n      - code: E9900\n        reason: known\n")
    result = check_path(eco)
    assert result.analyzed
    found = [(f.code, f.message, f.span.line if f.span else 0) for f in result.findings]
    assert found == [("E9901", "E9900 cannot be suppressed (on data_extension.newsletter)", 13)]


def test_the_progress_advances_once_per_rule_after_it_ran(
    ctx: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A terminal's progress shows the rules stage with the number of rules to run and
    moves one step as each rule finishes (the real functions run; the spies only record)."""
    from compiler import progress

    events: list[str] = []
    real_stage, real_advance = progress.stage, progress.advance

    def stage(name: str, total: int | None = None) -> None:
        events.append(f"stage {name} {total}")
        real_stage(name, total)

    def advance(steps: int = 1) -> None:
        events.append(f"advance {steps}")
        real_advance(steps)

    def ran(c: Context) -> Iterator[Finding]:
        events.append("ran")
        yield from ()

    monkeypatch.setattr(progress, "stage", stage)
    monkeypatch.setattr(progress, "advance", advance)
    registry.rule("zz-p1-test")(ran)
    registry.rule("zz-p2-test")(ran)
    try:
        assert registry.run_rules(ctx, only=["zz-p1-test", "zz-p2-test"]) == []
    finally:
        del registry.RULES["zz-p1-test"]
        del registry.RULES["zz-p2-test"]
    assert events == ["stage rules (base) 2", "ran", "advance 1", "ran", "advance 1"]
