"""compiler/rules/unit_leads.py: E8201's alternatives beside tests/test_unit_leads.py's
(benchmarks/README.md "Mutation scores of `compiler/rules/`, continued (mutR)"): a rule of
the unit writing leads (not only reading them), and a connector told to create leads,
reported at that setting rather than at the connector; each message names what it does."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_unit_consent import at, check_cases
from test_unit_leads import CASES, DECISION

FIRES = [
    (
        "e8201_writes_fires",
        ("case.yaml", 30, 13),
        "sync_rule.ae_leads writes Lead records for business unit 'retail', which uses no leads",
    ),
    (
        "e8201_rule_fires",
        ("case.yaml", 28, 13),
        "sync_rule.ae_leads reads Lead records for business unit 'retail', which uses no leads",
    ),
    (
        "e8201_ae_explicit_fires",
        ("case.yaml", 21, 22),
        "integration.ae_connector creates leads (creates_leads: true) for business unit "
        "'retail', which uses no leads",
    ),
]


@pytest.mark.parametrize(("case", "where", "message"), FIRES, ids=[c[0] for c in FIRES])
def test_what_makes_leads_for_a_unit_that_uses_none(
    tmp_path: Path, case: str, where: tuple[str, int, int], message: str
) -> None:
    found = check_cases(tmp_path, case, root=CASES)
    assert at(found, "E8201") == [(where, (DECISION,))]
    assert [f.message for f in found] == [message]


def test_a_unit_using_leads_in_a_company_that_uses_them_agrees(tmp_path: Path) -> None:
    """W8202's boundary: `uses_leads: true` on a unit is a contradiction only where the
    company uses none."""
    assert check_cases(tmp_path, "w8202_agrees_silent", root=CASES) == []


def test_a_units_rule_on_another_salesforce_object_makes_no_leads(tmp_path: Path) -> None:
    """A rule of a unit without leads writing CRM contacts: Salesforce, but not Lead."""
    assert check_cases(tmp_path, "e8201_contacts_silent", root=CASES) == []
