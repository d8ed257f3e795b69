"""compiler/rules/customer_360.py: the path its mutation run found no test for
(benchmarks/README.md "Mutation scores, continued (rules B)"): Social Studio engages
customers, so a 360 view that receives nothing of it misses a cloud (W3403)."""

from __future__ import annotations

from pathlib import Path

from test_customer_360 import run


def test_a_social_studio_system_the_view_never_hears_from_is_reported(tmp_path: Path) -> None:
    found = run(
        tmp_path,
        "w3403_fires",
        ("    type: external\n    category: advertising\n", "    type: social_studio\n"),
    )
    assert [f.code for f in found] == ["W3403"]
    assert "Social Studio listens to and answers customers on social networks" in (found[0].message)
