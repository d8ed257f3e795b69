"""compiler/rules/dedupe.py: E5001's exemption by a record checkbox the writer sets to
true, beside the near miss that sets it false, and a Block on updates (not inserts),
which its mutation run found unpinned (benchmarks/README.md "Mutation scores")."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_rules_fixtures import check_case, positions

CASES = [
    ("e5001_checkbox_silent", []),
    ("e5001_checkbox_false_fires", [("case.yaml", 38, 25, (("case.yaml", 22, 13),))]),
    ("e5001_on_update_fires", [("case.yaml", 37, 25, (("case.yaml", 21, 13),))]),
]


@pytest.mark.parametrize(("case", "expected"), CASES, ids=[c[0] for c in CASES])
def test_a_block_rule_and_the_records_a_writer_marks(
    tmp_path: Path, case: str, expected: list[object]
) -> None:
    found = check_case(tmp_path, case)
    assert positions(found, "E5001") == expected
    assert [f.code for f in found if f.code != "E5001"] == []


def test_a_blocked_update_is_named_as_such(tmp_path: Path) -> None:
    (found,) = [f for f in check_case(tmp_path, "e5001_on_update_fires") if f.code == "E5001"]
    assert found.message == (
        "duplicate rule 'contact_dupes' blocks updates of crm.Contact by integration user "
        "'shop_crm_user', which sync rule 'shop_contacts' performs"
    )
