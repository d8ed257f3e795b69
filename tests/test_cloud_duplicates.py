"""Duplicates across clouds: E5201 (prospects matched by email in an Account Engagement
system that allows several prospects per email address) beside a near-identical silent
fixture (matched by CRM ID) and the exemption (a business unit that keeps one prospect
per email, where email is the platform's own match)."""

from __future__ import annotations

from pathlib import Path

import pytest
from rulecase import Located, RuleCase, Suite, case_id, checked, edit, refused, spots

CASES = Path(__file__).parent / "fixtures" / "cloud_duplicates"
SUITE = Suite(CASES)
FIRES: list[Located] = [(("case.yaml", 30, 36), (("systems.yaml", 16, 5),))]

RULE_CASES = [
    RuleCase("E5201", "e5201_fires", "e5201_silent", FIRES),
    RuleCase("E5201", "e5201_fires", "e5201_single_silent", FIRES),
]


@pytest.mark.parametrize("case", RULE_CASES, ids=case_id)
def test_rule_fires_and_stays_silent(tmp_path: Path, case: RuleCase) -> None:
    SUITE.fires_and_stays_silent(tmp_path, case)


def test_the_reverse_direction_is_judged_too(tmp_path: Path) -> None:
    """A rule from the prospect to the CRM matching on the prospect's email."""
    eco = SUITE.eco(tmp_path, "e5201_silent")
    edit(eco, "case.yaml", "    source: crm.Contact\n    target: pardot.Prospect\n",
         "    source: pardot.Prospect\n    target: crm.Contact\n")  # fmt: skip
    edit(eco, "case.yaml", "match: {source: Id, target: CrmContactFid}",
         "match: {source: Email, target: Email}")  # fmt: skip
    assert spots([f for f in checked(eco) if f.code == "E5201"]) == [("E5201", 30, 21)]


def test_duplicates_refuses_unknown_keys(tmp_path: Path) -> None:
    eco = SUITE.eco(tmp_path, "e5201_single_silent")
    edit(eco, "systems.yaml", "multiple_per_email", "multiple")
    assert [(line, column) for _, line, column in refused(eco)] == [(22, 18)]
