"""The social care and Customer 360 rules see through the shape of the YAML: one fixture
per rule in a shape unlike the docs example (a for_each template's instance, a change an
environment overlay alone makes, a conflict spread over several files), each asserting the
one finding, its environment and its position (an overlay's finding at the overlay line)."""

from __future__ import annotations

from pathlib import Path

import pytest
from rulecase import Suite, active, position, position_of

CASES = Path(__file__).parent / "fixtures" / "social_shapes"
SUITE = Suite(CASES)
Where = tuple[str, int, int]

SHAPES: list[tuple[str, str, str | None, Where, tuple[Where, ...]]] = [
    # the route names a for_each instance whose template holds SocialPost only
    ("e3401_for_each", "E3401", None, ("social.yaml", 26, 52), (("social.yaml", 7, 14),)),
    # production's overlay adds a monitored account no route matches
    (
        "w3402_overlay",
        "W3402",
        "production",
        ("production.yaml", 7, 35),
        (("social.yaml", 25, 11),),
    ),
    # the Block rule, its matching rule and the personas in three files
    ("e5401_cross_file", "E5401", None, ("social.yaml", 26, 47), (("dedupe_rules.yaml", 7, 25),)),
    # production's overlay turns merge into create while the rule alerts
    (
        "w5402_overlay",
        "W5402",
        "production",
        ("production.yaml", 6, 30),
        (("social.yaml", 37, 16),),
    ),
    # production's org is licensed for Sales Cloud only
    ("e8401_overlay", "E8401", "production", ("production.yaml", 5, 15), (("social.yaml", 24, 7),)),
    # production's view drops Marketing Cloud's tracking
    (
        "w3403_overlay",
        "W3403",
        "production",
        ("production.yaml", 6, 17),
        (("systems.yaml", 14, 11),),
    ),
    # production's overlay routes the queue by a configuration nobody declared
    ("e3701_overlay", "E3701", "production", ("production.yaml", 7, 19), ()),
    # production's overlay switches the queue to another configuration: the base's routes
    # nothing there, and the finding points at the overlay's switch
    (
        "w9701_overlay",
        "W9701",
        "production",
        ("production.yaml", 6, 19),
        (("routing.yaml", 8, 5),),
    ),
    # production names the query activity as the tracking's carrier
    (
        "e3404_overlay",
        "E3404",
        "production",
        ("production.yaml", 7, 27),
        (("integrations.yaml", 14, 5),),
    ),
]


@pytest.mark.parametrize(("case", "code", "environment", "where", "related"), SHAPES)
def test_the_rule_sees_through_the_shape(
    tmp_path: Path,
    case: str,
    code: str,
    environment: str | None,
    where: Where,
    related: tuple[Where, ...],
) -> None:
    found = active(SUITE.check(tmp_path, case))
    assert [f.code for f in found] == [code]
    finding = found[0]
    assert finding.environment == environment
    assert position(finding) == where
    got = tuple(position_of(r.span) for r in finding.related)
    assert got[: len(related)] == related
