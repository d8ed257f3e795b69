"""compiler/rules/campaigns.py: the paths its mutation run found unpinned
(benchmarks/README.md "Mutation scores of `compiler/rules/`, continued (mutR)"): E7104
for a connected campaign without a record type (reported at `connected`, named as such)
and for a connector whose list of record types is empty, beside connectors that list
none (they sync every record type) or the campaign's own; E7103 for a circle of parents
with a chain hanging below it, whose levels have no top to count from. After the merge
(mutA): a member rule that maps no Status writes no status for E7101 to judge."""

from __future__ import annotations

from pathlib import Path

from test_rules_fixtures import check_case, positions


def test_connected_campaigns_without_or_with_a_record_type_the_connector_skips(
    tmp_path: Path,
) -> None:
    found = check_case(tmp_path / "fires", "campaigns_connected_fires")
    assert positions(found, "E7104") == [
        ("campaigns.yaml", 17, 36, (("campaigns.yaml", 10, 28),)),  # autumn's `connected`
        ("campaigns.yaml", 18, 42, (("campaigns.yaml", 15, 28),)),  # trade_fair's record type
    ]
    assert [f.message for f in found if f.code == "E7104"] == [
        "campaign 'autumn' is connected to 'pardot' but has no record type; the connector "
        "syncs Marketing",
        "campaign 'trade_fair' is connected to 'pardot_b2b' but has record type 'Events'; "
        "the connector syncs no record type",
    ]
    assert [f.code for f in found if f.code != "E7104"] == []
    assert check_case(tmp_path / "silent", "campaigns_connected_silent") == []


def test_a_chain_below_a_circle_has_no_level_to_report(tmp_path: Path) -> None:
    """Six campaigns hanging below a circle of parents: the circle once, at its smallest
    member; the chain's levels are not counted from the circle (it has no top)."""
    found = check_case(tmp_path, "campaigns_below_circle_fires")
    assert positions(found, "E7103") == [
        ("campaigns.yaml", 13, 33, (("campaigns.yaml", 14, 33),)),
    ]
    assert [f.message for f in found] == [
        "campaign 'loop_a' is its own ancestor: loop_a → loop_b → loop_a"
    ]


def test_a_member_rule_that_maps_no_status_writes_none(tmp_path: Path) -> None:
    """campaigns_silent with the no-show rule's Status mapping removed: its members get the
    campaign's default status, so E7101 has nothing of that rule to judge and stays silent
    (the rule is not skipped by mistake: the fixture is otherwise campaigns_silent)."""
    assert check_case(tmp_path, "campaigns_status_unmapped_silent") == []
