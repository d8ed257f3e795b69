"""compiler/rules/data_extensions.py: paths its mutation run found unpinned
(benchmarks/README.md "Mutation scores"): a sendable relationship field that is not
required (E7004), and rows added by the reverse flow of a two-way rule reading a
sendable data extension (E7009), beside the same rule one-way."""

from __future__ import annotations

from pathlib import Path

from test_rules_fixtures import check_case, positions


def test_a_relationship_field_that_is_not_required(tmp_path: Path) -> None:
    found = check_case(tmp_path, "e7004_required_fires")
    assert positions(found, "E7004") == [("case.yaml", 8, 23, (("case.yaml", 11, 22),))]
    assert [f.message for f in found] == [
        "data extension 'offers' relates 'SubscriberKey' to the subscriber key, but it is "
        "not required"
    ]


def test_a_two_way_rule_reading_a_sendable_data_extension_adds_its_rows(
    tmp_path: Path,
) -> None:
    found = check_case(tmp_path / "fires", "e7009_two_way_fires")
    assert positions(found, "E7009") == [("case.yaml", 26, 7, (("case.yaml", 8, 23),))]
    assert [f.code for f in found] == ["E7009"]
    assert check_case(tmp_path / "silent", "e7009_one_way_silent") == []
