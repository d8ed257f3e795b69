"""compiler/rules/cloud_duplicates.py: the boundary its mutation run found unpinned
(benchmarks/README.md "Mutation scores"): E5201 judges Account Engagement's prospects only."""

from __future__ import annotations

from pathlib import Path

from test_cloud_duplicates import CASES
from test_unit_consent import check_cases


def test_a_prospect_object_of_another_system_matched_by_email_is_not_judged(
    tmp_path: Path,
) -> None:
    found = check_cases(tmp_path, "e5201_other_system_silent", root=CASES)
    assert [(f.code, f.message) for f in found] == []
