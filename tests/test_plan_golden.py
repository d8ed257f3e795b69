"""Golden files: a realistic plan on the example ecosystem, in text, markdown and JSON.

The scenario: the example ecosystem applied to empty state, then a consent change (email
opt-outs must propagate within 4h), a new brand business unit (Solvis Outdoor, with its
Marketing Cloud business unit) and a data extension key change (orders keyed by order
number and brand). The edits are made to a copy, as text, so the golden files change only
when the example or the renderers do.

Refresh after a deliberate change, then review the diff:

    ENGAGE_UPDATE_GOLDEN=1 python -m pytest tests/test_plan_golden.py
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import jsonschema
import pytest
from golden import compare_text
from test_plan_support import (
    REPO,
    append,
    backend,
    edit,
    in_own_folder,  # noqa: F401 (autouse fixture)
    make_plan,
    read_state,
    resolve,
)

from compiler.apply import execute
from compiler.plan.definition import Plan
from compiler.render.plan_json import render_json
from compiler.render.plan_markdown import render_markdown
from compiler.render.plan_text import plain, render_text

EXAMPLE = REPO / "ecosystem"
GOLDEN = Path(__file__).parent / "golden" / "plan"
SCHEMA = REPO / "schemas" / "plan-v1.schema.json"
ENV = "sandbox"
LINEAGE = "00000000-0000-4000-8000-000000000001"  # fixed, so digests are stable

NEW_MC_UNIT = """\
      outdoor:
        description: Solvis Outdoor journeys and newsletters.
"""
NEW_BRAND = """
  brand_outdoor:
    brand: Solvis Outdoor
    segment: b2c
    region: eu
    marketing_cloud:
      system: mc
      business_unit: outdoor
    sending_domains: [email.solvisoutdoor.com]
    web_domain: solvisoutdoor.com
"""


def _change(root: Path) -> None:
    edit(root / "consent.yaml", "max_propagation: 24h", "max_propagation: 4h")  # email: first
    moda = "        description: Solvis Moda journeys, newsletters, WhatsApp and app push.\n"
    edit(root / "systems.yaml", moda, moda + NEW_MC_UNIT)
    append(root / "business_units.yaml", NEW_BRAND)
    edit(
        root / "data_extensions" / "transactional.yaml",
        "      Brand: {type: Text, length: 20}\n",
        "      Brand: {type: Text, length: 20, primary_key: true}\n",
    )


def _scenario() -> Plan:
    root = Path("ecosystem")
    shutil.copytree(EXAMPLE, root)
    state_path = Path(f".engage/state/{ENV}.json")
    first = make_plan(root, ENV, state_path)
    execute(first, resolve(root, ENV), backend(state_path), None, Path("out"))
    applied = read_state(state_path)
    assert applied is not None
    backend(state_path).write(applied.model_copy(update={"lineage": LINEAGE}))
    _change(root)
    return make_plan(root, ENV, state_path)


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Plan:
    """Computed once for the module, in its own folder (paths in the digest are relative)."""
    here = Path.cwd()
    os.chdir(tmp_path_factory.mktemp("golden"))
    try:
        return _scenario()
    finally:
        os.chdir(here)


def _compare(name: str, actual: str) -> None:
    compare_text(GOLDEN / name, actual)


def test_scenario_has_the_expected_changes(scenario: Plan) -> None:
    actions = {c.address: (c.action, c.risks) for c in scenario.changes}
    assert actions["consent.email"] == ("update", ["consent"])
    assert actions["business_unit.brand_outdoor"] == ("create", ["personal_data"])
    assert actions["data_extension.orders"] == ("replace", ["data_loss", "destroy"])
    assert actions["system.mc"][0] == "update"
    position = [c.address for c in scenario.changes]
    assert position.index("system.mc") < position.index("business_unit.brand_outdoor")


def test_text_golden(scenario: Plan) -> None:
    _compare("example.plan.txt", plain(render_text(scenario)))


def test_markdown_golden(scenario: Plan) -> None:
    _compare("example.plan.md", render_markdown(scenario))


def test_json_golden_and_schema_valid(scenario: Plan) -> None:
    text = render_json(scenario)
    _compare("example.plan.json", text)
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(json.loads(text))
