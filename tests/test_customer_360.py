"""Customer 360: the CRM's `customer_360` view validated with positions, W3403 (a cloud
that engages customers sends nothing into the view) and E3404 (a feed through an
integration that cannot bring it) beside near-identical silent fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_unit_consent import Position, at, unit_eco

from compiler.diagnostics import Finding
from compiler.rules.check import check_path

CASES = Path(__file__).parent / "fixtures" / "customer_360"
RECEIVES = ("systems.yaml", 12, 9)  # customer_360.receives
VIA = ("systems.yaml", 12, 27)
MC_CONNECT = ("integrations.yaml", 4, 5)
OUTLET = ("systems.yaml", 15, 36)  # the feed's business_units: outlet
OUTLET_KEY = ("systems.yaml", 26, 30)  # outlet's key_strategy.kind

RULE_CASES = [
    # an ad platform engages customers, nothing of it reaches the view; boundary: a martech
    # tool that sends on no channel and is no ad platform
    ("W3403", "w3403_fires", "w3403_silent", [(RECEIVES, (("systems.yaml", 22, 11),))]),
    # Marketing Cloud sends email and no feed brings its tracking (silent: the feed)
    ("W3403", "w3403_mc_fires", "", [(("systems.yaml", 11, 17), (("systems.yaml", 13, 11),))]),
    # engagement activity is Account Engagement's, not Marketing Cloud Connect's; silent:
    # a kind with no fixed carrier through the same integration
    ("E3404", "e3404_fires", "e3404_silent", [(VIA, (MC_CONNECT,))]),
    # an integration that does not link Marketing Cloud with the CRM
    ("E3404", "e3404_link_fires", "", [(VIA, (("integrations.yaml", 14, 5),))]),
    # email tracking from a unit keyed by email (its own strategy); silent: the feed tracks
    # only the unit that inherits the CRM-id key
    ("E3620", "e3620_fires", "e3620_silent", [(OUTLET, (OUTLET_KEY,))]),
]


def run(
    tmp_path: Path, case: str, edit: tuple[str, str] | None = None, *more: str
) -> list[Finding]:
    eco = unit_eco(tmp_path, *(("_view", case) if case else ("_view",)), *more, root=CASES)
    if edit is not None:
        text = (eco / "systems.yaml").read_text()
        assert edit[0] in text
        (eco / "systems.yaml").write_text(text.replace(edit[0], edit[1]))
    result = check_path(eco)
    assert result.analyzed, [f"{f.span} {f.message}" for f in result.findings]
    return [f for f in result.findings if f.suppressed is None]


@pytest.mark.parametrize(("code", "fires", "silent", "expected"), RULE_CASES)
def test_rule_fires_and_stays_silent(
    tmp_path: Path,
    code: str,
    fires: str,
    silent: str,
    expected: list[tuple[Position, tuple[Position, ...]]],
) -> None:
    found = run(tmp_path / "fires", fires)
    assert at(found, code) == expected
    assert {f.code for f in found} == {code}
    assert [(f.code, f.message) for f in run(tmp_path / "silent", silent)] == []


def test_tracking_from_a_unit_the_connector_does_not_serve(tmp_path: Path) -> None:
    """The Marketing Cloud Connect integration serves `retail` only: tracking declared from
    another unit never arrives (a second unit added to the fixture)."""
    units = unit_eco(tmp_path / "u", "_view", root=CASES) / "units.yaml"
    extra = units.read_text() + (
        "  outlet:\n    brand: Outlet\n    segment: b2c\n    region: eu\n"
        "    marketing_cloud: {system: mc, business_unit: retail}\n"
    )
    eco = unit_eco(tmp_path / "f", "_view", root=CASES)
    (eco / "units.yaml").write_text(extra)
    text = (eco / "systems.yaml").read_text()
    (eco / "systems.yaml").write_text(text.replace("[retail]}", "[retail, outlet]}"))
    result = check_path(eco)
    found = [f for f in result.findings if f.suppressed is None]
    assert [(f.code, f.span.line, f.span.column) for f in found] == [("E3404", 12, 92)]
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
    eco = unit_eco(tmp_path, "_view", root=CASES)
    text = (eco / "systems.yaml").read_text()
    assert old in text
    (eco / "systems.yaml").write_text(text.replace(old, new))
    result = check_path(eco)
    assert not result.analyzed
    found = [(f.code, f.span.line, f.span.column) for f in result.findings if f.span]
    assert found == [(code, *position)]


def _e3620(found: list[Finding]) -> list[tuple[Position, tuple[Position, ...]]]:
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
    eco = unit_eco(tmp_path, "_view", "e3620_fires", root=CASES)
    text = (eco / "systems.yaml").read_text()
    text = text.replace("    key_strategy: {kind: crm_id}\n", "")
    text = text.replace("\n        key_strategy: {kind: email}", "")
    (eco / "systems.yaml").write_text(text[: text.index("    suppress:")])
    result = check_path(eco)
    assert result.analyzed
    assert [f.code for f in result.findings] == []


def test_a_unit_the_connector_does_not_serve_is_e3404_alone(tmp_path: Path) -> None:
    eco = unit_eco(tmp_path, "_view", "e3620_fires", root=CASES)
    integrations = (eco / "integrations.yaml").read_text()
    (eco / "integrations.yaml").write_text(integrations.replace("[retail, outlet]", "[retail]"))
    found = [f for f in check_path(eco).findings if f.suppressed is None]
    assert [(f.code, f.span.line, f.span.column) for f in found if f.span] == [
        ("E3404", 15, 36),
        ("W9902", 28, 15),  # nothing serves outlet: E5501's acceptance no longer matches
    ]
