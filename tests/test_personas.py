"""Buyer personas: validation with positions, and E3201 (a persona decided on a field the
deciding cloud never receives) beside near-identical silent fixtures and one per
exemption (a CRM object holds its own data; a synchronized field Marketing Cloud Connect
brings)."""

from __future__ import annotations

from pathlib import Path

import pytest
from rulecase import RuleCase, Suite, case_id, edit, refused

CASES = Path(__file__).parent / "fixtures" / "personas"
SUITE = Suite(CASES)
OBJECT = ("personas.yaml", 8, 13)

RULE_CASES = [
    # a data extension field nothing fills (silent: a field the newsletter query fills)
    RuleCase("E3201", "e3201_fires", "e3201_silent", [(("personas.yaml", 11, 17), (OBJECT,))]),
    # exemption: a CRM object's own field needs no data flow
    RuleCase("E3201", "e3201_fires", "e3201_crm_silent", [(("personas.yaml", 11, 17), (OBJECT,))]),
    # a synchronized data extension's field that Marketing Cloud Connect synchronizes
    RuleCase("E3201", "e3201_fires", "e3201_sync_silent", [(("personas.yaml", 11, 17), (OBJECT,))]),
]


@pytest.mark.parametrize("case", RULE_CASES, ids=case_id)
def test_rule_fires_and_stays_silent(tmp_path: Path, case: RuleCase) -> None:
    SUITE.fires_and_stays_silent(tmp_path, case)


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
    eco = SUITE.eco(tmp_path, "e3201_fires")
    edit(eco, "personas.yaml", old, new)
    assert refused(eco) == [(code, *position)]


def test_a_persona_needs_conditions(tmp_path: Path) -> None:
    eco = SUITE.eco(tmp_path, "e3201_silent")
    text = (eco / "personas.yaml").read_text()
    head = text[: text.index("    conditions:")]
    (eco / "personas.yaml").write_text(head + "    conditions: []\n")
    assert [(line, column) for _, line, column in refused(eco)] == [(9, 17)]
