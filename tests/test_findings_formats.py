"""check --format junit, and the JSON of check/validate: format_version and its schema."""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path

from conftest import RunEngage
from jsonschema import Draft202012Validator
from lxml import etree

from compiler.diagnostics import Finding, Severity, Span, Suppression
from compiler.render.findings_junit import render_junit
from compiler.render.findings_schema import SCHEMA_PATH, findings_schema, schema_text

REPO = Path(__file__).resolve().parent.parent
BROKEN = REPO / "tests" / "fixtures" / "broken_ecosystem"
CLEAN = REPO / "tests" / "fixtures" / "rules" / "_base"
VALIDATOR = Draft202012Validator(findings_schema())


def test_the_published_findings_schema_is_current() -> None:
    Draft202012Validator.check_schema(findings_schema())
    assert (REPO / SCHEMA_PATH).read_text(encoding="utf-8") == schema_text(), (
        "schemas/findings-v1.schema.json is stale: run `python -m compiler.render.findings_schema`"
    )


def _json(engage: RunEngage, *args: str) -> dict[str, object]:
    run = engage(*args, "--format", "json")
    doc: dict[str, object] = json.loads(run.out)
    return doc


def test_check_and_validate_json_validate_against_the_schema(engage: RunEngage) -> None:
    shutil.copytree(BROKEN, "broken")
    shutil.copytree(CLEAN, "clean")
    shutil.copytree(REPO / "tests" / "fixtures" / "rules" / "w9001_fires", "w9001")
    for file in Path("w9001").iterdir():
        shutil.copy(file, Path("clean") / file.name)
    docs = [
        _json(engage, "check", "broken"),
        _json(engage, "check", "clean"),
        _json(engage, "validate", "broken"),
        _json(engage, "validate", "clean"),
        _json(engage, "check", "clean", "--env", "nosuch"),
    ]
    for doc in docs:
        errors = [e.message for e in VALIDATOR.iter_errors(doc)]
        assert errors == [], errors
        assert doc["kind"] == "engage-findings" and doc["format_version"] == 1
    findings = docs[0]["findings"]
    assert isinstance(findings, list)
    assert any(f.get("suppressed") for f in findings)
    assert docs[1]["summary"]["warnings"] == 1  # type: ignore[index]


def test_a_schema_violation_is_caught(engage: RunEngage) -> None:
    shutil.copytree(BROKEN, "broken")
    doc = _json(engage, "check", "broken")
    for mutate in (
        lambda d: d.pop("format_version"),
        lambda d: d["findings"][0].update(severity="fatal"),
        lambda d: d["findings"][0].update(code="X1"),
        lambda d: d["summary"].update(errors=-1),
    ):
        broken = copy.deepcopy(doc)
        mutate(broken)  # type: ignore[no-untyped-call]
        assert not VALIDATOR.is_valid(broken)


def test_junit_report(engage: RunEngage) -> None:
    shutil.copytree(BROKEN, "broken")
    run = engage("check", "broken", "--format", "junit")
    assert run.code == 1
    root = etree.fromstring(run.out.encode("utf-8"))
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    cases = root.findall("testsuite/testcase")
    assert int(root.get("tests")) == len(cases)
    failures = root.findall("testsuite/testcase/failure")
    assert int(root.get("failures")) == len(failures) > 0
    skipped = root.findall("testsuite/testcase/skipped")
    assert len(skipped) == 1 and skipped[0].get("message", "").startswith("suppressed: ")
    names = [s.get("name") for s in suites]
    assert names == sorted(names) and any(n.startswith("E3002 ") for n in names)
    passing = [c for c in cases if len(c) == 0]
    assert passing and all(c.get("name") == "no finding" for c in passing)
    loop = next(c for c in cases if c.get("classname") == "engage.E3002")
    assert loop.get("file") == "broken/sync.yaml" and loop.get("line") == "49"


def test_junit_escapes_markup_and_shows_control_characters() -> None:
    evil = 'a <b>&"c"\x1b[31m\x00'
    findings = [
        Finding("W6001", Severity.WARNING, evil, Span("x.yaml", 1, 1), hint=evil, address=evil),
        Finding("I9999", Severity.INFO, "note", None),
        Finding("W9001", Severity.WARNING, "old", None, suppressed=Suppression(evil)),
    ]
    text = render_junit(findings)
    root = etree.fromstring(text.encode("utf-8"))  # well-formed: a real XML parser reads it
    failure = root.find("testsuite/testcase/failure")
    assert failure is not None and failure.get("message") == 'a <b>&"c"\\x1b[31m\\x00'
    assert root.get("failures") == "1" and root.get("skipped") == "1"
    assert root.find("testsuite/testcase/system-out") is not None  # info: a passing case


def test_gitlab_code_quality_report(engage: RunEngage) -> None:
    shutil.copytree(BROKEN, "broken")
    run = engage("check", "broken", "--format", "gitlab")
    assert run.code == 1
    issues = json.loads(run.out)
    assert issues and all(
        set(i) == {"description", "check_name", "fingerprint", "severity", "location"}
        for i in issues
    )
    assert {i["severity"] for i in issues} <= {"info", "minor", "major", "critical", "blocker"}
    assert all(i["location"]["path"].startswith("broken/") for i in issues)
    assert all(i["location"]["lines"]["begin"] >= 1 for i in issues)
    every = json.loads(engage("check", "broken", "--format", "json").out)["findings"]
    assert len(issues) == sum(1 for f in every if "suppressed" not in f)  # suppressed left out
    assert len({i["fingerprint"] for i in issues}) == len(issues)
