"""E7622: two campaigns of one org with one Name, which the generated member-status script
(`scripts/apex/CampaignMemberStatuses.apex`) looks campaigns up by (issue 12, fix12 item
5). Fires for a label pair differing only in case and for a label equal to another
campaign's resource name; silent when the pair is split across two orgs, and when no
campaign of the pair declares member statuses (the script does not look them up)."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_fix12_access import checked

from compiler.diagnostics import Finding


def where(findings: list[Finding], code: str) -> list[tuple[int, int, tuple[int, ...]]]:
    out = []
    for f in findings:
        if f.code == code:
            assert f.span is not None and Path(f.span.file).name == "campaigns.yaml"
            out.append((f.span.line, f.span.column, tuple(r.span.line for r in f.related)))
    return out


def test_one_name_twice_in_one_org_fires_at_the_second(tmp_path: Path) -> None:
    findings, _ = checked(tmp_path, "fix12_e7622_fires")
    assert {f.code for f in findings} == {"E7622"}
    # spring_sale_emea's label (line 14) against spring_sale's label (line 8);
    # autumn_launch's label (line 22) against autumn (no label: its block, line 16)
    assert where(findings, "E7622") == [(14, 12, (8,)), (22, 12, (16,))]
    assert [f.message for f in findings] == [
        "campaigns 'spring_sale' and 'spring_sale_emea' of 'crm' are both named 'spring "
        "sale': the generated member-status script finds campaigns by Name and stops when "
        "two answer to 'Spring Sale'",
        "campaigns 'autumn' and 'autumn_launch' of 'crm' are both named 'autumn': the "
        "generated member-status script finds campaigns by Name and stops when two answer "
        "to 'autumn'",
    ]
    assert [f.address for f in findings] == ["campaign.spring_sale_emea", "campaign.autumn_launch"]


@pytest.mark.parametrize(
    "case", ["fix12_e7622_orgs_silent", "fix12_e7622_no_statuses_silent", "fix12_e7622_mc_silent"]
)
def test_silent_across_orgs_and_without_statuses(tmp_path: Path, case: str) -> None:
    findings, _ = checked(tmp_path, case)
    assert [(f.code, f.message) for f in findings] == []
