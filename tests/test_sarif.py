"""SARIF output: valid against the official SARIF 2.1.0 schema, deterministic, and the
golden file of the broken ecosystem (refresh: ENGAGE_UPDATE_GOLDEN=1 pytest tests/test_sarif.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from golden import compare_text

REPO = Path(__file__).resolve().parent.parent
SCHEMA = REPO / "tests" / "fixtures" / "sarif" / "sarif-schema-2.1.0.json"
BROKEN = "tests/fixtures/broken_ecosystem"
GOLDEN = REPO / BROKEN / "expected.sarif"


def sarif(path: str, *extra: str) -> tuple[int, str]:
    env = {**os.environ, "NO_COLOR": "1", "ENGAGE_NO_CACHE": "1"}
    run = subprocess.run(
        [sys.executable, "-m", "compiler.cli", "check", path, "--format", "sarif", *extra],
        cwd=REPO,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    return run.returncode, run.stdout


@pytest.fixture(scope="module")
def validator() -> Any:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator.check_schema(schema)
    return jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker())


@pytest.fixture(scope="module")
def broken() -> tuple[int, str]:
    return sarif(BROKEN)


def test_broken_ecosystem_sarif_is_valid(validator: Any, broken: tuple[int, str]) -> None:
    code, text = broken
    doc = json.loads(text)
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
    assert [e.message for e in errors] == []
    assert code == 1
    results = doc["runs"][0]["results"]
    assert len(results) >= 15
    rules = doc["runs"][0]["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == sorted({r["ruleId"] for r in results})
    for result in results:
        rule = rules[result["ruleIndex"]]
        assert rule["id"] == result["ruleId"]
        assert rule["help"]["text"] and rule["fullDescription"]["text"]
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"].startswith(f"{BROKEN}/")
        assert location["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        assert location["region"]["startLine"] >= 1


def test_suppressed_findings_carry_their_justification(broken: tuple[int, str]) -> None:
    results = json.loads(broken[1])["runs"][0]["results"]
    suppressed = [r for r in results if "suppressions" in r]
    assert [(r["ruleId"], r["suppressions"][0]["kind"]) for r in suppressed] == [
        ("W9001", "inSource")
    ]
    assert suppressed[0]["suppressions"][0]["justification"].startswith("Decommissioned in Q3")


def test_clean_ecosystem_sarif_is_valid_and_empty(validator: Any) -> None:
    code, text = sarif("tests/fixtures/rules/_base")
    doc = json.loads(text)
    assert list(validator.iter_errors(doc)) == []
    assert code == 0 and doc["runs"][0]["results"] == []


def _portable(text: str) -> str:
    """The golden file names the repository root file:///REPO/ (it is this checkout's)."""
    return text.replace(f'"{REPO.as_uri()}/"', '"file:///REPO/"')


def test_sarif_is_deterministic_and_matches_the_golden_file(broken: tuple[int, str]) -> None:
    assert sarif(BROKEN)[1] == broken[1]
    compare_text(GOLDEN, _portable(broken[1]))


def test_paths_are_relative_to_the_repository_root_not_the_working_directory() -> None:
    """Run from a subfolder of a git repository: uris still start at the top level."""
    env = {**os.environ, "NO_COLOR": "1", "ENGAGE_NO_CACHE": "1"}
    run = subprocess.run(
        [sys.executable, "-m", "compiler.cli", "check", "broken_ecosystem", "--format", "sarif"],
        cwd=REPO / "tests" / "fixtures",
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    doc = json.loads(run.stdout)
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in doc["runs"][0]["results"]
    }
    assert uris and all(u.startswith(f"{BROKEN}/") for u in uris), uris
    base = doc["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"]
    assert base == REPO.as_uri() + "/"
    github = subprocess.run(
        [sys.executable, "-m", "compiler.cli", "check", "broken_ecosystem", "--format", "github"],
        cwd=REPO / "tests" / "fixtures",
        capture_output=True,
        text=True,
        env=env,
        check=False,
    ).stdout
    assert f"file={BROKEN}/" in github and "file=broken_ecosystem/" not in github


def test_a_schema_violation_would_be_caught(validator: Any, broken: tuple[int, str]) -> None:
    doc = json.loads(broken[1])
    doc["runs"][0]["results"][0]["level"] = "fatal"
    assert any("fatal" in e.message for e in validator.iter_errors(doc))
