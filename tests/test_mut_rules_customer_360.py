"""compiler/rules/customer_360.py: the path its mutation run found no test for
(benchmarks/README.md "Mutation scores, continued (rules B)"): Social Studio engages
customers, so a 360 view that receives nothing of it misses a cloud (W3403)."""

from __future__ import annotations

from pathlib import Path

from test_customer_360 import CASES, run
from test_unit_consent import unit_eco

from compiler.rules.check import check_path


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


def test_a_feed_naming_no_units_skips_the_units_the_connector_does_not_serve(
    tmp_path: Path,
) -> None:
    """After the merge (mutA): the feed lists no units and Marketing Cloud Connect serves
    retail only, so outlet (keyed by email) is not tracked and E3620 stays silent; its
    E5501 acceptance no longer matches (W9902). Boundary of the firing case where the
    connector serves both units."""
    eco = unit_eco(tmp_path, "_view", "e3620_fires", root=CASES)
    systems = (eco / "systems.yaml").read_text()
    (eco / "systems.yaml").write_text(
        systems.replace("\n          business_units: [retail, outlet]", "")
    )
    integrations = (eco / "integrations.yaml").read_text()
    (eco / "integrations.yaml").write_text(integrations.replace("[retail, outlet]", "[retail]"))
    result = check_path(eco)
    assert result.analyzed
    found = [f for f in result.findings if f.suppressed is None]
    assert [(f.code, f.span.line, f.span.column) for f in found if f.span] == [("W9902", 27, 15)]


def test_units_without_marketing_cloud_are_not_tracked(tmp_path: Path) -> None:
    """After the merge (mutA): a business unit with no Marketing Cloud unit (CRM only) is
    no unit of the feed's Marketing Cloud system; the feed naming no units still reports
    outlet alone, at the feed."""
    eco = unit_eco(tmp_path, "_view", "e3620_fires", root=CASES)
    systems = (eco / "systems.yaml").read_text()
    (eco / "systems.yaml").write_text(
        systems.replace("\n          business_units: [retail, outlet]", "")
    )
    with (eco / "units.yaml").open("a") as units:
        units.write("  branch:\n    brand: Branch\n    segment: b2c\n    region: eu\n")
        units.write("    crm: {system: crm}\n")
    result = check_path(eco)
    assert result.analyzed, [f"{f.span} {f.message}" for f in result.findings]
    found = [f for f in result.findings if f.suppressed is None]
    assert [(f.code, f.span.line, f.span.column) for f in found if f.span] == [("E3620", 12, 11)]
    assert "'outlet' (an email address)" in found[0].message
    assert "branch" not in found[0].message
