"""compiler/rules/social_care.py: the path its mutation run found unpinned
(benchmarks/README.md "Mutation scores, continued (rules B)"): a route that names its
social accounts covers those accounts only."""

from __future__ import annotations

from pathlib import Path

from test_social_care import CASES
from test_unit_consent import at, unit_eco

from compiler.rules.check import check_path


def test_a_route_by_account_leaves_the_other_accounts_unrouted(tmp_path: Path) -> None:
    eco = unit_eco(tmp_path, "_care", "w3402_fires", root=CASES)
    social = (eco / "social.yaml").read_text()
    old = "{networks: [instagram], queue: social_cases}"
    assert old in social
    (eco / "social.yaml").write_text(
        social.replace(old, "{accounts: [retail_instagram], queue: social_cases}")
    )
    result = check_path(eco)
    assert result.analyzed
    found = [f for f in result.findings if f.suppressed is None]
    assert at(found, "W3402") == [(("systems.yaml", 26, 34), (("social.yaml", 25, 11),))]
