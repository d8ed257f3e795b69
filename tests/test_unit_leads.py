"""Leads per business unit (`business_units.<unit>.data_model.uses_leads`): E8201 on each
thing that makes leads for a unit that uses none (a sync rule scoped to it, its Account
Engagement connector, its Lead record type), beside near-identical silent fixtures for
each boundary (a rule not scoped to the unit, a connector set not to create leads, a unit
that leaves the decision to the company); W8202 for a unit contradicting the company."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rulecase import Located, RuleCase, Suite, case_id, checked, edit, position

from compiler.rules.check import check_path

CASES = Path(__file__).parent / "fixtures" / "unit_leads"
SUITE = Suite(CASES)
DECISION = ("units.yaml", 11, 30)  # the unit's data_model.uses_leads
RECORD_TYPE: list[Located] = [(("units.yaml", 11, 28), (("units.yaml", 14, 30),))]

RULE_CASES = [
    # a Lead record type in the CRM mapping of a unit without leads (silent: none mapped)
    RuleCase("E8201", "e8201_rt_fires", "e8201_rt_silent", RECORD_TYPE),
    # the same record type, the unit leaving the decision to the company (which uses leads)
    RuleCase("E8201", "e8201_rt_fires", "e8201_default_silent", RECORD_TYPE),
    # the unit's connector left at its default, creating leads (silent: creates_leads: false)
    RuleCase("E8201", "e8201_ae_fires", "e8201_ae_silent", [(("case.yaml", 19, 7), (DECISION,))]),
    # a rule scoped to the unit reading leads (silent: the same rule, not scoped: the company's)
    RuleCase(
        "E8201", "e8201_rule_fires", "e8201_rule_silent", [(("case.yaml", 28, 13), (DECISION,))]
    ),
    # a unit using leads in a company using none (silent: the unit uses none either)
    RuleCase("W8202", "w8202_fires", "w8202_silent", [(DECISION, (("ecosystem.yaml", 5, 17),))]),
]


@pytest.mark.parametrize("case", RULE_CASES, ids=case_id)
def test_rule_fires_and_stays_silent(tmp_path: Path, case: RuleCase) -> None:
    SUITE.fires_and_stays_silent(tmp_path, case)


def test_the_company_decision_leaves_unit_rules_to_e8001(tmp_path: Path) -> None:
    """With the company using no leads, a unit's lead rule is the company's E8001, not
    E8201 as well."""
    eco = SUITE.eco(tmp_path, "e8201_rule_fires")
    shutil.copy(CASES / "w8202_fires" / "ecosystem.yaml", eco / "ecosystem.yaml")
    codes = sorted({f.code for f in checked(eco)})
    assert "E8201" not in codes
    assert "E8001" in codes


def test_unit_data_model_refuses_unknown_keys(tmp_path: Path) -> None:
    eco = SUITE.eco(tmp_path, "e8201_rt_fires")
    edit(eco, "units.yaml", "{uses_leads: false}", "{uses_lead: false}")
    result = check_path(eco)
    assert not result.analyzed
    (finding,) = [f for f in result.findings if f.span and f.span.file.endswith("units.yaml")]
    assert position(finding) == ("units.yaml", 14, 18)
    assert "uses_lead" in finding.message
