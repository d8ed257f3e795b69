"""compiler/rules/queries.py: exemptions and fallbacks its mutation run found unpinned
(benchmarks/README.md "Mutation scores"), each beside the firing fixture it differs from."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_rules_fixtures import check_case, positions

from compiler.rules.queries import hardcoded_ids, query_tables


def test_an_overwrite_whose_source_is_its_target_is_exempt(tmp_path: Path) -> None:
    # e3910_fires's second writer reading the newsletter it rebuilds (its source): no
    # E3910; its field copies onto themselves are loops (E3002), which it does not hide
    found = check_case(tmp_path, "e3910_self_silent")
    assert [f.code for f in found] == ["E3002", "E3002"]


def test_an_imported_writer_is_named_with_its_retrieved_file(tmp_path: Path) -> None:
    (found,) = [f for f in check_case(tmp_path, "e3910_imported_fires") if f.code == "E3910"]
    assert found.message == (
        "sync rule 'newsletter_refresh' and 'contacts_to_newsletter' both overwrite "
        "mc.newsletter (imported from retrieve/queryDefinition/newsletter_refresh.json)"
    )


def test_a_declared_mid_is_found_without_a_business_unit_column(tmp_path: Path) -> None:
    found = check_case(tmp_path, "w8910_mid_fires")
    assert positions(found, "W8910") == [("sync.yaml", 18, 12, ())]
    assert [f.message for f in found if f.code == "W8910"] == [
        "the SQL of sync rule 'contacts_to_newsletter' hard-codes MID 100001"
    ]


@pytest.mark.parametrize("case", ["w5910_inactive_silent", "w5910_allow_silent"])
def test_only_an_active_block_rule_is_judged(tmp_path: Path, case: str) -> None:
    # w5910_fires's rule made inactive, or allowing the duplicate: W4004 alone remains
    assert [f.code for f in check_case(tmp_path, case)] == ["W4004"]


def test_sql_that_does_not_parse_reads_no_table_and_holds_no_id() -> None:
    broken = "SELECT a FROM (SELECT"
    assert query_tables(broken) == set()
    assert hardcoded_ids(broken, {100001: "mc.retail"}) == []
    assert query_tables("SELECT n.A FROM [Newsletter] n JOIN Other o ON 1 = 1") == {
        "newsletter",
        "other",
    }


# (case, the codes it reports, in order): the exemptions of a Block rule beside the near
# miss that exempts nobody
EXEMPTIONS = [
    ("w5910_permission_silent", ["W4004"]),
    ("w5910_permission_no_field_fires", ["W5910", "W4004"]),
    ("w5910_bypass_field_silent", ["W4004"]),
    ("w5910_bypass_field_object_fires", ["W5910", "W4004"]),
]


@pytest.mark.parametrize(("case", "codes"), EXEMPTIONS, ids=[e[0] for e in EXEMPTIONS])
def test_a_block_rule_exempts_a_tested_permission_or_user_checkbox(
    tmp_path: Path, case: str, codes: list[str]
) -> None:
    assert [f.code for f in check_case(tmp_path, case)] == codes


def test_an_overwrite_finding_names_the_other_writer_in_its_related_place(
    tmp_path: Path,
) -> None:
    (found,) = [f for f in check_case(tmp_path, "e3910_fires") if f.code == "E3910"]
    assert [r.message for r in found.related] == ["'contacts_to_newsletter' overwrites it too"]


def test_only_a_prefixed_salesforce_id_string_is_an_id() -> None:
    sql = (
        "SELECT a FROM t WHERE s = 'Active' AND k = 'ABCDEFGHIJKLMNO' AND n = 7"
        " AND r = '0125g000001AbCd'"
    )
    assert hardcoded_ids(sql, {}) == ["record type id '0125g000001AbCd'"]


def test_a_user_whose_sync_rule_writes_the_records_is_left_to_e5001(tmp_path: Path) -> None:
    codes = [f.code for f in check_case(tmp_path, "w5910_sync_writer_silent")]
    assert "W5910" not in codes
    assert codes.count("E5001") == 1


def test_a_number_is_a_mid_when_declared_or_compared_with_a_business_unit_column() -> None:
    sql = "SELECT a FROM t WHERE u.BusinessUnitID = 555 AND n = 7 AND x = 1.5 AND m = 100001"
    assert hardcoded_ids(sql, {}) == ["MID 555"]
    assert hardcoded_ids(sql, {100001: "mc.retail"}) == ["MID 100001", "MID 555"]


def test_an_imported_user_is_named_with_its_retrieved_file_in_the_related_place(
    tmp_path: Path,
) -> None:
    (found,) = [f for f in check_case(tmp_path, "w5910_imported_fires") if f.code == "W5910"]
    assert [r.message for r in found.related] == [
        "'mc_connect_user' may create Contact (imported from "
        "retrieve/permissionsets/MC_Connect.permissionset-meta.xml)"
    ]
