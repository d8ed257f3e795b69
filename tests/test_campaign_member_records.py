"""Each campaign's own member statuses as an anonymous Apex script
(`scripts/apex/CampaignMemberStatuses.apex`): parsed with the Apex language's ANTLR grammar
(@apexdevtools/apex-parser, `tools/apex/`, installed by `.ci/run` with `npm ci`), its DML
exactly the template's (upsert the defaults, insert, update; never a delete), each declared
label one string literal that decodes back to the label, crafted labels included; only the
campaigns that declare statuses, none for an org without them, byte-identical across runs.
The escaping itself is pinned character by character."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from test_campaign_status_generation import build

from compiler.emit.salesforce.campaign_member_records import SCRIPT, apex_string

REPO = Path(__file__).resolve().parents[1]
TOOL = REPO / "tools" / "apex"
CRAFTED = [
    "x'; delete [SELECT Id FROM Account]; String y = '",
    "back\\slash\\'",
    "two\nlines\r\tand a tab",
    "bell\x07 and del\x7f",
    "line\u2028separator",
    "Ümlaut — 登録",
    "/* not a comment */ // nor this",
]
TEMPLATE_DML = ["upsert", "insert", "update"]


def parse(script: Path) -> dict[str, Any]:
    """The script as the Apex grammar reads it (errors, string literals, DML statements)."""
    found = apex_parse(script)
    if found is None:
        reason = "the Apex parser is not installed (cd tools/apex && npm ci)"
        print(f"skipping the Apex parse: {reason}")
        pytest.skip(reason)
    return found


def apex_parse(script: Path) -> dict[str, Any] | None:
    """What `parse` returns, or None where the parser is not installed."""
    if shutil.which("node") is None or not (TOOL / "node_modules").is_dir():
        return None
    done = subprocess.run(
        ["node", str(TOOL / "parse.cjs"), str(script)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    result: dict[str, Any] = json.loads(done.stdout)
    return result


_DECODE = {"\\": "\\", "'": "'", "n": "\n", "r": "\r", "t": "\t"}


def decode(literal: str) -> str:
    """An Apex string literal's value (the escapes apex_string writes)."""
    assert literal[0] == literal[-1] == "'"
    body = literal[1:-1]
    return re.sub(
        r"\\(u[0-9a-fA-F]{4}|.)",
        lambda m: chr(int(m[1][1:], 16)) if m[1][0] == "u" and len(m[1]) == 5 else _DECODE[m[1]],
        body,
    )


def campaigns_with(labels: list[str]) -> str:
    rows = "".join(
        f"      - {{label: {json.dumps(label)}, default: {str(i == 0).lower()}, responded: true}}\n"
        for i, label in enumerate(labels)
    )
    return (
        "apiVersion: engage/v1\ncampaigns:\n  crafted:\n    system: crm\n"
        f"    label: {json.dumps(labels[0])}\n    member_statuses:\n{rows}"
        "  newsletter:\n    system: crm\n"
    )


def test_the_script_parses_and_runs_only_the_template_dml(tmp_path: Path) -> None:
    project = build(tmp_path)
    found = parse(project / SCRIPT)
    assert found["errors"] == []
    assert found["dml"] == TEMPLATE_DML
    labels = [decode(s) for s in found["strings"]]
    # campaigns by name (roadshow, webinar; the newsletter declares none), statuses in order
    assert labels[:7] == [
        "roadshow",
        "Invited",
        "Attended",
        "webinar",
        "Registered",
        "Attended",
        "Sent",
    ]
    text = (project / SCRIPT).read_text()
    assert "Label = 'Registered', IsDefault = true, HasResponded = false" in text
    assert "Label = 'Attended', IsDefault = false, HasResponded = true" in text
    assert "newsletter" not in text


def test_crafted_labels_stay_one_literal_each(tmp_path: Path) -> None:
    project = build(tmp_path, campaigns_with(CRAFTED))
    found = parse(project / SCRIPT)
    assert found["errors"] == []
    assert found["dml"] == TEMPLATE_DML  # the crafted delete is text, not a statement
    values = [decode(s) for s in found["strings"]]
    assert values[: len(CRAFTED) + 1] == [CRAFTED[0], *CRAFTED]  # the Name, then each label


def test_no_script_for_an_org_whose_campaigns_declare_no_statuses(tmp_path: Path) -> None:
    none = "apiVersion: engage/v1\ncampaigns:\n  newsletter:\n    system: crm\n"
    assert not (build(tmp_path / "a", none) / SCRIPT).exists()
    assert not (build(tmp_path / "b", None) / SCRIPT).exists()


def test_the_script_is_byte_identical_across_runs_and_outside_the_package(tmp_path: Path) -> None:
    first, second = build(tmp_path / "a"), build(tmp_path / "b")
    assert (first / SCRIPT).read_bytes() == (second / SCRIPT).read_bytes()
    assert "CampaignMemberStatuses" not in (first / "manifest" / "package.xml").read_text()


@pytest.mark.parametrize(
    ("text", "literal"),
    [
        ("plain", "'plain'"),
        ("it's", "'it\\'s'"),
        ("a\\b", "'a\\\\b'"),
        ("\\'", "'\\\\\\''"),
        ("a\nb\rc\td", "'a\\nb\\rc\\td'"),
        ("\x00\x1f\x7f", "'\\u0000\\u001f\\u007f'"),
        ("\u2028\u2029", "'\\u2028\\u2029'"),
        ('é 登録 " ok', "'é 登録 \" ok'"),
        ("", "''"),
    ],
)
def test_apex_string_escapes(text: str, literal: str) -> None:
    assert apex_string(text) == literal
    assert decode(literal) == text
