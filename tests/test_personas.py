"""Buyer personas: validation with positions, and E3201 (a persona decided on a field the
deciding cloud never receives) beside near-identical silent fixtures and one per
exemption (a CRM object holds its own data; a synchronized field Marketing Cloud Connect
brings)."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_unit_consent import Position, at, check_cases, unit_eco

from compiler.rules.check import check_path

CASES = Path(__file__).parent / "fixtures" / "personas"
OBJECT = ("personas.yaml", 8, 13)

RULE_CASES = [
    # a data extension field nothing fills (silent: a field the newsletter query fills)
    ("E3201", "e3201_fires", "e3201_silent", [(("personas.yaml", 11, 17), (OBJECT,))]),
    # exemption: a CRM object's own field needs no data flow
    ("E3201", "e3201_fires", "e3201_crm_silent", [(("personas.yaml", 11, 17), (OBJECT,))]),
    # a synchronized data extension's field that Marketing Cloud Connect synchronizes
    ("E3201", "e3201_fires", "e3201_sync_silent", [(("personas.yaml", 11, 17), (OBJECT,))]),
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


@pytest.mark.parametrize(
    ("old", "new", "code", "position"),
    [
        ("object: newsletter", "object: newsleter", "E2010", (8, 13)),
        ("field: Home_Owner", "field: HomeOwner", "E2011", (11, 17)),
        ("system: mc", "system: mcx", "E2010", (7, 13)),
        ("business_unit: retail", "business_unit: retial", "E2010", (6, 20)),
    ],
)
def test_references_are_checked_with_positions(
    tmp_path: Path, old: str, new: str, code: str, position: tuple[int, int]
) -> None:
    eco = unit_eco(tmp_path, "e3201_fires", root=CASES)
    text = (eco / "personas.yaml").read_text()
    assert old in text
    (eco / "personas.yaml").write_text(text.replace(old, new))
    result = check_path(eco)
    assert not result.analyzed
    found = [(f.code, f.span.line, f.span.column) for f in result.findings if f.span]
    assert found == [(code, *position)]


def test_a_persona_needs_conditions(tmp_path: Path) -> None:
    eco = unit_eco(tmp_path, "e3201_silent", root=CASES)
    text = (eco / "personas.yaml").read_text()
    head = text[: text.index("    conditions:")]
    (eco / "personas.yaml").write_text(head + "    conditions: []\n")
    result = check_path(eco)
    assert not result.analyzed
    assert [(f.span.line, f.span.column) for f in result.findings if f.span] == [(9, 17)]
