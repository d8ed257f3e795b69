"""compiler/rules/privacy.py: E8003 against a business unit's own personal-data class,
which its mutation run found unpinned (benchmarks/README.md "Mutation scores"): a flow's
records belong to its rule's unit, and to the unit of a data extension at either end."""

from __future__ import annotations

from pathlib import Path

from test_rules_fixtures import check_case, positions


def test_a_unit_that_may_hold_no_personal_data(tmp_path: Path) -> None:
    found = check_case(tmp_path, "e8003_unit_fires")
    assert positions(found, "E8003") == [
        ("case.yaml", 23, 14, (("units.yaml", 5, 5),)),  # the rule's unit, into the CRM
        ("case.yaml", 31, 14, (("units.yaml", 5, 5),)),  # no unit on the rule: the DE's
        ("sync.yaml", 11, 21, (("units.yaml", 5, 5),)),  # the base's query, both
        ("sync.yaml", 12, 18, (("units.yaml", 5, 5),)),
    ]
    assert {f.message.split(", but ")[1] for f in found if f.code == "E8003"} == {
        "business unit 'retail' may hold no personal data"
    }
    assert [f.code for f in found if f.code != "E8003"] == []


def test_sensitive_data_into_a_system_and_unit_approved_for_personal_data(
    tmp_path: Path,
) -> None:
    found = [f for f in check_case(tmp_path, "e8003_sensitive_fires") if f.code == "E8003"]
    assert [(f.span.line, f.message.split(", but ")[1]) for f in found if f.span] == [
        (41, "business unit 'retail' may hold personal data only"),
        (41, "system 'mc' may hold personal data only"),
    ]
