"""compiler/rules/data_extensions.py: paths its mutation run found unpinned
(benchmarks/README.md "Mutation scores"): a sendable relationship field that is not
required (E7004), and rows added by the reverse flow of a two-way rule reading a
sendable data extension (E7009), beside the same rule one-way; and from the continued
run ("Mutation scores, continued (rules A)"): E7004's wrong-type message, E7803 through
the consent storage a query reads (`respect_consent`) and through `shared_with: "*"`."""

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


def test_a_relationship_field_of_a_type_that_cannot_hold_the_key(tmp_path: Path) -> None:
    found = check_case(tmp_path, "e7004_type_fires")
    assert positions(found, "E7004") == [("case.yaml", 9, 23, (("case.yaml", 12, 22),))]
    assert sorted((f.code, f.message) for f in found if f.code == "E7004") == [
        (
            "E7004",
            "data extension 'offers' relates 'SubscriberKey' to the subscriber key, but it "
            "is a Boolean field",
        )
    ]
    assert sorted(f.code for f in found) == ["E5004", "E7004"]


def test_consent_storage_in_a_sibling_unit_is_a_cross_unit_read(tmp_path: Path) -> None:
    """E7803 through `respect_consent`: the query reads the consent storage too."""
    found = check_case(tmp_path / "fires", "e7803_consent_fires")
    assert positions(found, "E7803") == [("case.yaml", 25, 23, (("data_extensions.yaml", 4, 20),))]
    assert [f.message for f in found] == [
        "sync rule 'members_to_offers' runs as a query activity in business unit 'outlet': "
        "data extension 'newsletter' lives in business unit 'retail' and is not in the "
        "parent business unit, so no other unit can read it (the query runs in 'outlet')"
    ]
    # the storage in the parent, shared with every unit: read as ENT.newsletter
    assert check_case(tmp_path / "silent", "e7803_consent_silent") == []


def test_consent_storage_that_is_the_source_is_reported_once(tmp_path: Path) -> None:
    """The storage is the query's own (unresolvable) source: one finding, at the source,
    not a second one at the respect_consent entry."""
    found = check_case(tmp_path, "e7803_storage_is_source_fires")
    assert [(f.code, f.span.line if f.span else 0) for f in found] == [("E7803", 15)]


def test_a_source_shared_with_every_unit_from_a_sibling(tmp_path: Path) -> None:
    """`shared_with: "*"` satisfies E7003, so E7803 says the sibling cannot be read; the
    same from the parent resolves as ENT."""
    found = check_case(tmp_path / "fires", "e7803_everyone_fires")
    assert positions(found, "E7803") == [("case.yaml", 22, 13, (("case.yaml", 7, 20),))]
    assert [f.code for f in found] == ["E7803"]
    assert check_case(tmp_path / "silent", "e7803_everyone_silent") == []


def test_a_source_not_shared_at_all_is_e7003_alone(tmp_path: Path) -> None:
    """The outlet query reads retail's newsletter, shared with no one: E7003 says so, and
    E7803 (which would say the same read does not resolve) stays silent."""
    found = check_case(tmp_path, "e7003_fires")
    assert [(f.code, f.span.line if f.span else 0) for f in found] == [("E7003", 11)]


def test_a_two_way_rule_leaving_the_relationship_key_unfilled(tmp_path: Path) -> None:
    """The relationship field is the primary key: only forward writers are left to E7008,
    so the reverse flow that does not fill it is E7009; filled through `{from: ...}`, silent."""
    found = check_case(tmp_path / "fires", "e7009_two_way_key_fires")
    assert positions(found, "E7009") == [("case.yaml", 27, 7, (("case.yaml", 9, 23),))]
    assert [f.code for f in found] == ["E7009"]
    assert check_case(tmp_path / "silent", "e7009_two_way_from_silent") == []


def test_a_forward_rule_leaving_the_relationship_key_unfilled_is_e7008(tmp_path: Path) -> None:
    found = check_case(tmp_path, "e7008_sendable_key_fires")
    assert positions(found, "E7008") == [("case.yaml", 20, 7, (("case.yaml", 10, 22),))]
    assert [f.code for f in found] == ["E7008"]
