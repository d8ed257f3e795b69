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


def test_a_feed_through_an_integration_between_other_systems_says_so(tmp_path: Path) -> None:
    """The link is checked before the carrier's kind: `mc_queries` is of the wrong kind
    too, but what is wrong first is that it does not reach the CRM."""
    found = run(tmp_path, "e3404_link_fires")
    assert [f.message for f in found] == [
        "'crm' declares email_tracking from 'mc', but integration 'mc_queries' links 'mc' "
        "and 'mc', not 'mc' and 'crm'"
    ]
