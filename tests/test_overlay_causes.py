"""Findings name the environment they came from, and those an overlay caused point at the
overlay's line (compiler.overlay_causes), whether every environment is checked or one.

Fixtures: tests/fixtures/rules/ (the case folders are copied over `_base/`).
"""

from __future__ import annotations

import json
from pathlib import Path

from rulecase import position
from test_rules_fixtures import check_case

from compiler.diagnostics import Finding
from compiler.render.findings_json import render_json
from compiler.render.sarif import sarif_document
from compiler.rules.check import check_path


def _where(findings: list[Finding], code: str) -> list[tuple[str, int, int, str | None]]:
    return [(*position(f), f.environment) for f in findings if f.code == code]


def test_a_base_finding_names_no_environment(tmp_path: Path) -> None:
    # e3910_fires has no environments: its finding comes from the base
    assert _where(check_case(tmp_path, "e3910_fires"), "E3910") == [("sync.yaml", 22, 11, None)]


def test_an_overlay_only_finding_names_its_environment(tmp_path: Path) -> None:
    findings = check_case(tmp_path, "e3910_overlay_fires")
    assert _where(findings, "E3910") == [("production.yaml", 5, 30, "production")]
    doc = json.loads(render_json(findings))
    assert [f["environment"] for f in doc["findings"]] == ["production"]
    sarif = sarif_document(findings)
    assert [r["properties"]["environment"] for r in sarif["runs"][0]["results"]] == ["production"]


def test_a_finding_the_overlay_caused_points_at_the_overlay_with_env_too(tmp_path: Path) -> None:
    everywhere = check_case(tmp_path / "all", "e6004_overlay_fires")
    assert _where(everywhere, "E6004") == [("zz_production.yaml", 10, 14, "production")]
    # --env production alone: the base is compiled for the comparison, same position
    only = check_path(tmp_path / "all" / "eco", "production").findings
    assert _where(list(only), "E6004") == [("zz_production.yaml", 10, 14, "production")]


def test_a_finding_the_base_has_too_stays_where_the_base_puts_it(tmp_path: Path) -> None:
    # the same conflict in the base (a daily query) and an overlay that changes the same
    # integration's description only: the overlay did not cause it
    eco = tmp_path / "eco"
    check_case(tmp_path, "e6004_overlay_fires")
    (eco / "zz_production.yaml").write_text(
        "apiVersion: engage/v1\nenvironment: production\nintegrations:\n"
        "  mc_queries: {description: nightly in production}\n",
        encoding="utf-8",
    )
    text = (eco / "integrations.yaml").read_text(encoding="utf-8")
    (eco / "integrations.yaml").write_text(text.replace("{every: 1h}", "{every: 1d}"), "utf-8")
    found = _where(list(check_path(eco).findings), "E6004")
    assert found == [("integrations.yaml", 17, 15, None)]
