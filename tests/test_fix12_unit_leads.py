"""E8201 says "(the connector's default)" only when the connector's `creates_leads` is
left at its default; an explicit `creates_leads: true` is named as the setting it is
(issue 12, fix12 item 3)."""

from __future__ import annotations

from pathlib import Path

from test_fix12_access import checked

CASES = Path(__file__).parent / "fixtures" / "unit_leads"


def test_a_defaulted_connector_is_said_to_create_leads_by_default(tmp_path: Path) -> None:
    findings, _ = checked(tmp_path, "e8201_ae_fires", root=CASES)
    assert [(f.code, f.message) for f in findings] == [
        (
            "E8201",
            "integration.ae_connector creates leads (the connector's default) for business "
            "unit 'retail', which uses no leads",
        )
    ]


def test_an_explicit_creates_leads_is_not_called_the_default(tmp_path: Path) -> None:
    findings, _ = checked(tmp_path, "e8201_ae_explicit_fires", root=CASES)
    assert [(f.code, f.message) for f in findings] == [
        (
            "E8201",
            "integration.ae_connector creates leads (creates_leads: true) for business unit "
            "'retail', which uses no leads",
        )
    ]
