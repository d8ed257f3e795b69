"""Duplicates across clouds: E5201 (prospects matched by email in an Account Engagement
system that allows several prospects per email address) beside a near-identical silent
fixture (matched by CRM ID) and the exemption (a business unit that keeps one prospect
per email, where email is the platform's own match)."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_unit_consent import Position, at, check_cases, unit_eco

from compiler.rules.check import check_path

CASES = Path(__file__).parent / "fixtures" / "cloud_duplicates"
FIRES = [(("case.yaml", 30, 36), (("systems.yaml", 16, 5),))]

RULE_CASES = [
    ("E5201", "e5201_fires", "e5201_silent", FIRES),
    ("E5201", "e5201_fires", "e5201_single_silent", FIRES),
]


@pytest.mark.parametrize(("code", "fires", "silent", "expected"), RULE_CASES)
def test_rule_fires_and_stays_silent(
    tmp_path: Path,
    code: str,
    fires: str,
    silent: str,
    expected: list[tuple[Position, tuple[Position, ...]]],
) -> None:
    found = check_cases(tmp_path / "fires", fires, root=CASES)
    assert at(found, code) == expected
    assert [f.code for f in found if f.code != code] == []
    quiet = check_cases(tmp_path / "silent", silent, root=CASES)
    assert [(f.code, f.message) for f in quiet] == []


def test_the_reverse_direction_is_judged_too(tmp_path: Path) -> None:
    """A rule from the prospect to the CRM matching on the prospect's email."""
    eco = unit_eco(tmp_path, "e5201_silent", root=CASES)
    case = (eco / "case.yaml").read_text()
    case = case.replace("    source: crm.Contact\n    target: pardot.Prospect\n",
                        "    source: pardot.Prospect\n    target: crm.Contact\n")  # fmt: skip
    case = case.replace("match: {source: Id, target: CrmContactFid}",
                        "match: {source: Email, target: Email}")  # fmt: skip
    (eco / "case.yaml").write_text(case)
    result = check_path(eco)
    assert result.analyzed
    assert [(f.code, f.span.line, f.span.column) for f in result.findings if f.code == "E5201"] == [
        ("E5201", 30, 21)
    ]


def test_duplicates_refuses_unknown_keys(tmp_path: Path) -> None:
    eco = unit_eco(tmp_path, "e5201_single_silent", root=CASES)
    systems = (eco / "systems.yaml").read_text().replace("multiple_per_email", "multiple")
    (eco / "systems.yaml").write_text(systems)
    result = check_path(eco)
    assert not result.analyzed
    assert [(f.span.line, f.span.column) for f in result.findings if f.span] == [(22, 18)]
