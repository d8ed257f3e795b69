"""Customer 360: the CRM's `customer_360` view validated with positions, W3403 (a cloud
that engages customers sends nothing into the view) and E3404 (a feed through an
integration that cannot bring it) beside near-identical silent fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest
from rulecase import Located, RuleCase, Suite, active, at, case_id, checked, edit, refused, spots

from compiler.diagnostics import Finding
from compiler.rules.check import check_path

CASES = Path(__file__).parent / "fixtures" / "customer_360"
SUITE = Suite(CASES, layers=((CASES, "_view"),))  # every case over the view's base
RECEIVES = ("systems.yaml", 12, 9)  # customer_360.receives
VIA = ("systems.yaml", 12, 27)
MC_CONNECT = ("integrations.yaml", 4, 5)
OUTLET = ("systems.yaml", 15, 36)  # the feed's business_units: outlet
OUTLET_KEY = ("systems.yaml", 26, 30)  # outlet's key_strategy.kind

RULE_CASES = [  # RuleCase(code, fires in, silent in, every finding of the code, ...); "": the base
    # an ad platform engages customers, nothing of it reaches the view; boundary: a martech
    # tool that sends on no channel and is no ad platform (both suppress the W9001 of the
    # systems they add, with its reason)
    RuleCase(
        "W3403",
        "w3403_fires",
        "w3403_silent",
        [(RECEIVES, (("systems.yaml", 22, 11),))],
        suppressed=("W9001",),
        silent_suppressed=("W9001",),
    ),
    # Marketing Cloud sends email and no feed brings its tracking (silent: the feed)
    RuleCase(
        "W3403", "w3403_mc_fires", "", [(("systems.yaml", 11, 17), (("systems.yaml", 13, 11),))]
    ),
    # engagement activity is Account Engagement's, not Marketing Cloud Connect's; silent:
    # a kind with no fixed carrier through the same integration
    RuleCase("E3404", "e3404_fires", "e3404_silent", [(VIA, (MC_CONNECT,))]),
    # an integration that does not link Marketing Cloud with the CRM
    RuleCase("E3404", "e3404_link_fires", "", [(VIA, (("integrations.yaml", 14, 5),))]),
    # email tracking from a unit keyed by email (its own strategy); silent: the feed tracks
    # only the unit that inherits the CRM-id key (both accept the unit's E5501 with a reason)
    RuleCase(
        "E3620",
        "e3620_fires",
        "e3620_silent",
        [(OUTLET, (OUTLET_KEY,))],
        suppressed=("E5501",),
        silent_suppressed=("E5501",),
    ),
]


def run(
    tmp_path: Path, case: str, change: tuple[str, str] | None = None, *more: str
) -> list[Finding]:
    """The findings of a case (with `change` made in systems.yaml) that are not suppressed."""
    eco = SUITE.eco(tmp_path, case, *more)
    if change is not None:
        edit(eco, "systems.yaml", *change)
    return active(checked(eco))


@pytest.mark.parametrize("case", RULE_CASES, ids=case_id)
def test_rule_fires_and_stays_silent(tmp_path: Path, case: RuleCase) -> None:
    SUITE.fires_and_stays_silent(tmp_path, case)


def test_tracking_from_a_unit_the_connector_does_not_serve(tmp_path: Path) -> None:
    """The Marketing Cloud Connect integration serves `retail` only: tracking declared from
    another unit never arrives (a second unit added to the fixture)."""
    units = SUITE.eco(tmp_path / "u") / "units.yaml"
    extra = units.read_text() + (
        "  outlet:\n    brand: Outlet\n    segment: b2c\n    region: eu\n"
        "    marketing_cloud: {system: mc, business_unit: retail}\n"
    )
    eco = SUITE.eco(tmp_path / "f")
    (eco / "units.yaml").write_text(extra)
    edit(eco, "systems.yaml", "[retail]}", "[retail, outlet]}")
    found = active(checked(eco))
    assert spots(found) == [("E3404", 12, 92)]
    assert "business unit 'outlet'" in found[0].message


def test_the_view_itself_and_systems_that_engage_no_one_need_no_feed(tmp_path: Path) -> None:
    """The CRM declaring the view is not asked for its own engagement; the base's shop (an
    e-commerce system with no channels) engages no one the view must show."""
    assert run(tmp_path, "") == []


@pytest.mark.parametrize(
    ("old", "new", "code", "position"),
    [
        ("{from: mc, via", "{from: mcx, via", "E2010", (12, 18)),
        ("via: mc_connect", "via: mc_conect", "E2010", (12, 27)),
        ("business_units: [retail]}", "business_units: [retial]}", "E2010", (12, 84)),
        ("engagement: email_tracking", "engagement: emails", "E1004", (12, 51)),
    ],
)
def test_references_are_checked_with_positions(
    tmp_path: Path, old: str, new: str, code: str, position: tuple[int, int]
) -> None:
    eco = SUITE.eco(tmp_path)
    edit(eco, "systems.yaml", old, new)
    assert refused(eco) == [(code, *position)]


def _e3620(found: list[Finding]) -> list[Located]:
    return at(found, "E3620")


def test_a_feed_naming_no_units_tracks_every_unit_the_connector_serves(tmp_path: Path) -> None:
    found = run(tmp_path, "e3620_fires", ("\n          business_units: [retail, outlet]", ""))
    assert _e3620(found) == [(("systems.yaml", 12, 11), (("systems.yaml", 25, 30),))]  # the feed


def test_units_inheriting_one_strategy_share_its_declaration(tmp_path: Path) -> None:
    found = run(tmp_path, "e3620_fires", ("{kind: crm_id}", "{kind: external_id}"))
    system_key = ("systems.yaml", 21, 26)
    # at the first unit the feed lists (retail), each declaration once
    assert _e3620(found) == [(("systems.yaml", 15, 28), (OUTLET_KEY, system_key))]
    assert "of 'outlet' (an email address), 'retail' (an external customer id) is not" in (
        found[0].message
    )


def test_journey_activities_are_not_attached_by_the_subscriber_key(tmp_path: Path) -> None:
    found = run(
        tmp_path, "e3620_fires", ("engagement: email_tracking", "engagement: journey_activities")
    )
    assert [f.code for f in found] == []


def test_units_with_no_declared_strategy_are_not_judged(tmp_path: Path) -> None:
    eco = SUITE.eco(tmp_path, "e3620_fires")
    edit(eco, "systems.yaml", "    key_strategy: {kind: crm_id}\n", "")
    edit(eco, "systems.yaml", "\n        key_strategy: {kind: email}", "")
    text = (eco / "systems.yaml").read_text()
    (eco / "systems.yaml").write_text(text[: text.index("    suppress:")])
    assert [f.code for f in checked(eco)] == []


def test_a_unit_the_connector_does_not_serve_is_e3404_alone(tmp_path: Path) -> None:
    eco = SUITE.eco(tmp_path, "e3620_fires")
    edit(eco, "integrations.yaml", "[retail, outlet]", "[retail]")
    assert spots(active(check_path(eco).findings)) == [
        ("E3404", 15, 36),
        ("W9902", 28, 15),  # nothing serves outlet: E5501's acceptance no longer matches
    ]
