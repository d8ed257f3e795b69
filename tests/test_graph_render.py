"""`engage graph`: Mermaid, DOT and JSON on a real fixture, focus, determinism, errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BASE = "tests/fixtures/rules/_base"


def graph(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1", "ENGAGE_NO_CACHE": "1"}
    return subprocess.run(
        [sys.executable, "-m", "compiler.cli", "graph", BASE, *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


def test_mermaid_resources_groups_by_kind_and_draws_dependencies() -> None:
    run = graph()
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0] == "flowchart LR"
    ids = {
        line.split("[", 1)[1][1:-2]: line.split("[")[0].strip()
        for line in lines
        if '["' in line and "subgraph" not in line
    }
    assert f"  {ids['system.crm']} --> {ids['business_unit.retail']}" in lines
    assert f"  {ids['business_unit.retail']} --> {ids['data_extension.newsletter']}" in lines
    assert '  subgraph g2["data_extension"]' in lines
    assert graph().stdout == run.stdout  # deterministic


def test_dataflow_focus_on_a_consent_field_keeps_its_path_only() -> None:
    run = graph("--view", "dataflow", "--focus", "crm:Contact.HasOptedOutOfEmail", "--fenced")
    text = run.stdout
    assert text.startswith("```mermaid\nflowchart LR\n") and text.endswith("```\n")
    assert '"crm:Contact.HasOptedOutOfEmail"' in text
    assert '"mc:newsletter.OptedOut"' in text
    assert "FirstName" not in text and "shop" not in text
    assert text.count("-->") == 2
    assert '-->|"contacts_to_newsletter"|' in text


def test_dot_and_json() -> None:
    dot = graph("--format", "dot", "--focus", "consent.email").stdout
    assert dot.splitlines()[0] == 'digraph "engage_resources" {'
    assert '  "system.crm" -> "consent.email";' in dot
    doc = json.loads(graph("--format", "json", "--view", "dataflow").stdout)
    edge = next(e for e in doc["edges"] if e["target"] == "mc:loyalty.Points")
    assert edge == {
        "source": "shop:Customer.Points",
        "target": "mc:loyalty.Points",
        "direction": "forward",
        "integration": "integration.shop_feed",
        "key": "sync_rule.shop_loyalty",
        "mode": "upsert",
        "path": ["sync_rules", "shop_loyalty", "fields", "Points"],
        "precedence": None,
        "rule": "sync_rule.shop_loyalty",
        "schedule_seconds": 3600,
        "transform": [],
    }


def test_unknown_focus_is_an_error_with_a_suggestion() -> None:
    run = graph("--focus", "system.cmr")
    assert run.returncode == 1
    assert "'system.cmr' is not in the resources graph" in run.stderr
    assert "system.crm" in run.stderr
