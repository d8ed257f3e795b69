"""compiler/rules/unit_consent.py: the paths its mutation run found unpinned
(benchmarks/README.md "Mutation scores of `compiler/rules/`, continued (mutR)"): E6203
for a field storage (not `row`) returns only through its own field; another field of the
same data extension reaching the system of record's per-unit object is no return (only a
`row` storage, whose rows are the choice, returns through any field, e6203_row_silent);
E6201's message for a sender, the system of record and a storage without a unit field;
E6202 once for one mapping that both per-unit storages reach, and two hops away; E6201
silent for a system of the unit that sends on no channel."""

from __future__ import annotations

from pathlib import Path

from test_unit_consent import at, check_cases


def test_a_field_storage_returns_only_through_its_own_field(tmp_path: Path) -> None:
    found = check_cases(tmp_path / "fires", "e6203_key_only_fires")
    assert at(found, "E6203") == [(("consent.yaml", 25, 23), (("consent.yaml", 16, 13),))]
    assert [f.code for f in found if f.code != "E6203"] == []
    assert check_cases(tmp_path / "silent", "e6203_silent") == []


E6201_TAIL = (
    ": an unsubscribe from one brand either unsubscribes the person from every brand or is lost"
)


def test_e6201_says_whether_the_system_sends_or_is_the_system_of_record(
    tmp_path: Path,
) -> None:
    def messages(case: str) -> list[str]:
        found = check_cases(tmp_path / case, case)
        return [f.message.removesuffix(E6201_TAIL) for f in found if f.code == "E6201"]

    assert messages("e6201_fires") == [
        "email consent is per business unit, but 'mc' sends and keeps no per-unit choice "
        "(no per_unit.storage entry)"
    ]
    assert messages("e6201_sor_fires") == [
        "email consent is per business unit, but 'crm' is the system of record and keeps no "
        "per-unit choice (no per_unit.storage entry)"
    ]
    assert messages("e6201_nounit_fires") == [
        "email consent is per business unit, but 'mc' keeps it in "
        "_BusinessUnitUnsubscribes.SubscriberKey with no unit_field"
    ]


def test_one_mapping_into_the_company_wide_field_is_one_finding(tmp_path: Path) -> None:
    """Both per-unit storages reach the company-wide opt-out through one CRM mapping: one
    E6202, at that mapping, for the storage nearest it (not again for the data extension
    whose choices flow through it)."""
    found = check_cases(tmp_path, "e6202_chain_fires")
    assert at(found, "E6202") == [
        (("case.yaml", 60, 27), (("consent.yaml", 17, 13), ("consent.yaml", 11, 14)))
    ]
    assert [f.code for f in found if f.code != "E6202"] == []


def test_the_per_unit_choice_is_followed_past_objects_that_store_no_consent(
    tmp_path: Path,
) -> None:
    """The data extension's choices reach the company-wide opt-out through a CRM import
    object: E6202 at the mapping that writes the opt-out, two hops from the storage."""
    found = check_cases(tmp_path, "e6202_through_fires")
    assert at(found, "E6202") == [
        (("case.yaml", 63, 27), (("consent.yaml", 22, 13), ("consent.yaml", 11, 14)))
    ]
    assert [f.code for f in found if f.code != "E6202"] == []


def test_a_system_of_the_unit_that_sends_on_no_channel_needs_no_per_unit_storage(
    tmp_path: Path,
) -> None:
    assert check_cases(tmp_path, "e6201_no_channel_silent") == []
