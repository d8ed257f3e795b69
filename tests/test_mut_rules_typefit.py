"""compiler/rules/typefit.py: paths its mutation run found unpinned (benchmarks/README.md
"Mutation scores"): free text into a restricted picklist (E3006) beside the same mapping
translated, and `invert` on a source that is no checkbox (E3004)."""

from __future__ import annotations

from pathlib import Path

from test_rules_fixtures import check_case, positions


def test_free_text_into_a_restricted_picklist(tmp_path: Path) -> None:
    found = check_case(tmp_path / "fires", "e3006_text_fires")
    assert positions(found, "E3006") == [("case.yaml", 18, 17, (("case.yaml", 7, 17),))]
    assert [f.message for f in found] == [
        "sync_rule.shop_levels can write 'any text of shop:Customer.Job' into "
        "crm:Contact.Level__c, which its restricted picklist does not know"
    ]
    assert check_case(tmp_path / "silent", "e3006_text_silent") == []


def test_invert_needs_a_boolean_source(tmp_path: Path) -> None:
    found = check_case(tmp_path, "e3004_invert_fires")
    assert positions(found, "E3004") == [("case.yaml", 18, 20, (("case.yaml", 7, 20),))]
    assert [f.message for f in found] == [
        "sync_rule.shop_staff maps shop:Customer.Job (text) to crm:Contact.Is_Staff__c "
        "(checkbox): `invert` needs a checkbox/boolean source, not text"
    ]


def test_a_geolocation_maps_only_onto_a_geolocation(tmp_path: Path) -> None:
    assert check_case(tmp_path / "silent", "e3004_geolocation_silent") == []
    found = check_case(tmp_path / "fires", "e3004_geolocation_fires")
    assert [f.message for f in found] == [
        "sync_rule.shop_stores maps shop:Store.Location (geolocation) to "
        "crm:Contact.Store_Name__c (text): a geolocation cannot be mapped to a text"
    ]
    assert positions(found, "E3004") == [("case.yaml", 24, 22, (("case.yaml", 12, 22),))]
