"""`engage check` end to end: exit codes, formats, suppressions, baseline, crashing rules."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from compiler.diagnostics import Finding
from compiler.rules import registry
from compiler.rules.check import check_path
from compiler.rules.context import Context

REPO = Path(__file__).resolve().parent.parent
RULES_DIR = REPO / "tests" / "fixtures" / "rules"


def engage(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1", "ENGAGE_NO_CACHE": "1"}
    return subprocess.run(
        [sys.executable, "-m", "compiler.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


def make_case(tmp_path: Path, case: str | None) -> Path:
    eco = tmp_path / "eco"
    shutil.copytree(RULES_DIR / "_base", eco)
    if case:
        for file in (RULES_DIR / case).iterdir():
            shutil.copy(file, eco / file.name)
    return eco


def test_clean_ecosystem_exits_0(tmp_path: Path) -> None:
    run = engage("check", str(make_case(tmp_path, None)))
    assert run.returncode == 0, run.stdout + run.stderr
    assert "OK 14 resources checked (base): 0 errors, 0 warnings, 0 info" in run.stdout


def test_fail_on_warning(tmp_path: Path) -> None:
    eco = make_case(tmp_path, "w9001_fires")
    assert engage("check", str(eco)).returncode == 0
    run = engage("check", str(eco), "--fail-on", "warning")
    assert run.returncode == 1
    assert "warning[W9001] matching rule 'contact_phone' is declared but nothing uses it" in (
        run.stdout
    )


def test_validation_errors_stop_before_the_rules(tmp_path: Path) -> None:
    eco = make_case(tmp_path, "w9001_fires")
    case = eco / "case.yaml"
    case.write_text(case.read_text().replace("system: crm", "system: crn"), encoding="utf-8")
    run = engage("check", str(eco), "--format", "json")
    doc = json.loads(run.stdout)
    assert run.returncode == 1
    assert doc["analyzed"] is False
    assert [f["code"] for f in doc["findings"]] == ["E2010"]


def test_suppressions_are_counted_and_judged(tmp_path: Path) -> None:
    run = engage("check", str(make_case(tmp_path, "suppressions")), "--format", "json")
    doc = json.loads(run.stdout)
    found = {(f["code"], f["location"]["line"], f["location"]["column"]) for f in doc["findings"]}
    assert found == {
        ("W9001", 4, 5),  # suppressed, with its reason
        ("E9901", 10, 15),  # E2010 cannot be suppressed
        ("W9902", 12, 15),  # W4001 never fires here
    }
    suppressed = [f for f in doc["findings"] if "suppressed" in f]
    assert [(f["code"], f["suppressed"]["reason"]) for f in suppressed] == [
        ("W9001", "Kept for the phone de-duplication pilot starting next quarter.")
    ]
    assert doc["summary"] == {"errors": 1, "warnings": 1, "info": 0, "suppressed": 1}
    assert run.returncode == 1  # E9901 is an error


@pytest.mark.parametrize(
    ("entry", "code", "column"),
    [("{code: W9001}", "E1003", 9), ('{code: W9001, reason: ""}', "E1006", 31)],
)
def test_a_suppression_without_a_reason_is_refused(
    tmp_path: Path, entry: str, code: str, column: int
) -> None:
    eco = make_case(tmp_path, "w9001_fires")
    case = eco / "case.yaml"
    text = case.read_text(encoding="utf-8")
    assert text.endswith("items: [{field: Phone, method: phone}]\n")  # contact_phone is last
    case.write_text(text + f"    suppress:\n      - {entry}\n", encoding="utf-8")
    line = len(case.read_text(encoding="utf-8").splitlines())
    run = engage("check", str(eco), "--format", "json")
    doc = json.loads(run.stdout)
    assert run.returncode == 1 and doc["analyzed"] is False
    assert [
        (f["code"], f["location"]["line"], f["location"]["column"]) for f in doc["findings"]
    ] == [(code, line, column)]


def test_baseline_accepts_existing_findings_by_fingerprint_not_line(tmp_path: Path) -> None:
    eco = make_case(tmp_path, "e3001_fires")
    baseline = tmp_path / "engage-baseline.json"
    first = engage("check", str(eco), "--write-baseline", str(baseline))
    assert first.returncode == 1
    entries = json.loads(baseline.read_text())["findings"]
    assert sorted(e["code"] for e in entries) == ["E3001", "E3001"]
    case = eco / "case.yaml"  # move every line: the baseline must still match
    case.write_text("# moved\n# down\n" + case.read_text(), encoding="utf-8")
    second = engage("check", str(eco), "--baseline", str(baseline), "--format", "json")
    doc = json.loads(second.stdout)
    assert second.returncode == 0, second.stdout
    assert doc["summary"]["suppressed"] == 2
    assert {f["suppressed"]["reason"] for f in doc["findings"]} == {
        "accepted in the baseline engage-baseline.json"
    }
    new = eco / "more.yaml"
    shutil.copy(RULES_DIR / "w9001_fires" / "case.yaml", new)
    third = engage("check", str(eco), "--baseline", str(baseline), "--fail-on", "warning")
    assert third.returncode == 1 and "W9001" in third.stdout  # new findings still count


def test_a_broken_baseline_is_an_error_not_a_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "b.json"
    bad.write_text("{not json", encoding="utf-8")
    run = engage("check", str(make_case(tmp_path, None)), "--baseline", str(bad))
    assert run.returncode == 1
    assert "b.json:1:2: the baseline is not valid JSON" in run.stderr
    assert "Traceback" not in run.stderr


def test_bad_limit_option_is_a_usage_error(tmp_path: Path) -> None:
    run = engage("check", str(make_case(tmp_path, None)), "--limit", "nope=3")
    assert run.returncode == 1 and "unknown limit 'nope'" in run.stderr


@pytest.fixture
def crashing_rule() -> Iterator[None]:
    def boom(ctx: Context) -> Iterator[Finding]:
        raise KeyError("surprise")
        yield

    registry.rule("zz-crash-test")(boom)
    try:
        yield
    finally:
        del registry.RULES["zz-crash-test"]


@pytest.mark.usefixtures("crashing_rule")
def test_a_crashing_rule_becomes_a_finding_and_the_others_still_run(tmp_path: Path) -> None:
    result = check_path(make_case(tmp_path, "w9001_fires"))
    codes = sorted(f.code for f in result.findings)
    assert codes == ["E9900", "W9001"]
    crash = next(f for f in result.findings if f.code == "E9900")
    assert crash.message == "internal error in rule zz-crash-test: KeyError: 'surprise'"


def test_github_annotations_and_markdown(tmp_path: Path) -> None:
    eco = make_case(tmp_path, "w9001_fires")
    gh = engage("check", str(eco), "--format", "github").stdout.splitlines()
    assert len(gh) == 1
    assert gh[0].startswith("::warning file=") and ",line=4,col=5," in gh[0]
    assert "title=W9001 matching_rule.contact_phone::matching rule 'contact_phone'" in gh[0]
    md = engage("check", str(eco), "--format", "markdown").stdout
    assert "**0** errors, **1** warnings, **0** info, **0** suppressed" in md
    assert "| :warning: W9001 |" in md


def test_every_environment_is_analyzed(tmp_path: Path) -> None:
    eco = make_case(tmp_path, None)
    meta = eco / "ecosystem.yaml"
    meta.write_text(meta.read_text() + "  environments:\n    sandbox: {}\n", encoding="utf-8")
    (eco / "sandbox.yaml").write_text(
        "apiVersion: engage/v1\nenvironment: sandbox\n"
        "integrations:\n  mc_queries:\n    schedule: {every: 2d}\n",
        encoding="utf-8",
    )
    run = engage("check", str(eco))
    assert run.returncode == 1
    assert "error[E6004] email opt-outs take up to 2895 minutes" in run.stdout
    assert engage("check", str(eco), "--env", "production").returncode == 1  # undeclared


@pytest.fixture
def undeclared_code_rule() -> Iterator[None]:
    from compiler.rules.dataflow import E_CYCLE, E_TWO_WRITERS

    def liar(ctx: Context) -> Iterator[Finding]:
        yield ctx.finding(E_TWO_WRITERS, "declared, kept", ("systems",), address="x.declared")
        yield ctx.finding(E_CYCLE, "not declared, refused", ("systems",), address="x.undeclared")

    registry.rule("zz-undeclared-test", E_TWO_WRITERS)(liar)
    try:
        yield
    finally:
        del registry.RULES["zz-undeclared-test"]


@pytest.mark.usefixtures("undeclared_code_rule")
def test_a_rule_emitting_a_code_it_does_not_declare_is_refused(tmp_path: Path) -> None:
    result = check_path(make_case(tmp_path, "w9001_fires"))
    codes = sorted(f.code for f in result.findings)
    assert codes == ["E3001", "E9900", "W9001"]  # E3002 refused, the declared E3001 kept
    refused = next(f for f in result.findings if f.code == "E9900")
    assert refused.message == (
        "internal error in rule zz-undeclared-test: UndeclaredCodeError: "
        "emitted E3002, which it does not declare"
    )
    assert all(f.address != "x.undeclared" for f in result.findings)


@pytest.mark.usefixtures("undeclared_code_rule")
def test_an_undeclared_code_raises_under_debug(tmp_path: Path) -> None:
    from compiler.graph import build_graph
    from compiler.pipeline import compile_path
    from compiler.rules import Context as RuleContext
    from compiler.rules.registry import UndeclaredCodeError, run_rule

    comp = compile_path(make_case(tmp_path, "w9001_fires"))
    assert comp.resolved is not None
    ctx = RuleContext(comp.resolved, build_graph(comp.resolved))
    with pytest.raises(UndeclaredCodeError, match="E3002"):
        run_rule(registry.RULES["zz-undeclared-test"], ctx, debug=True)
