"""compiler/rules/environment_ids.py: W8014's message names where the constant is (a
filter's condition, a mapping, a value translation), which its mutation run found
unpinned (benchmarks/README.md "Mutation scores of `compiler/rules/`, continued (mutR)"),
and declared org and business-unit ids recognised whatever their shape."""

from __future__ import annotations

from pathlib import Path

from test_rules_fixtures import check_case

TAIL = "; the id differs between environments, so in all but one it names nothing"


def test_w8014_says_where_the_constant_is(tmp_path: Path) -> None:
    found = check_case(tmp_path, "w8014_fires")
    assert [f.message.removesuffix(TAIL) for f in found if f.code == "W8014"] == [
        "sync rule 'shop_regional' uses user id '0057Q000001XyZwQAK' as a constant in its "
        "filter (condition 1)",
        "sync rule 'shop_regional' uses MID 100001 (business unit mc.retail) as a constant "
        "in its mapping of OwnerMid",
        "sync rule 'shop_regional' uses record type id '0127Q000000AbCdQAK' as a constant "
        "in its mapping of RecordType",
        "sync rule 'shop_regional' uses group or queue id '00G7Q000004QuEu' as a constant "
        "in its translation of Segment value 'Gold'",
    ]


def test_declared_org_and_unit_ids_are_recognised_whatever_their_shape(tmp_path: Path) -> None:
    """The CRM's declared org id and an Account Engagement business unit's declared id in
    mapping constants, with too few digits to pass for Salesforce ids by their shape:
    recognised, and named, because the ecosystem declares them (the unit is retail's, in
    units.yaml)."""
    found = check_case(tmp_path, "w8014_org_fires")
    assert [
        (f.code, f.span.line if f.span else 0, f.message.removesuffix(TAIL)) for f in found
    ] == [
        (
            "W8014",
            22,
            "sync rule 'shop_regional' uses the org id of 'crm' ('00DAbcdefGhijKl') as a "
            "constant in its mapping of SourceOrg",
        ),
        (
            "W8014",
            23,
            "sync rule 'shop_regional' uses the id of business unit pardot.retail_ae "
            "('0UvAbcdefGhijKl') as a constant in its mapping of SourceUnit",
        ),
    ]
