"""Renderers: text legend and summary, risky first; markdown always under the limit."""

from __future__ import annotations

import json

import jsonschema
from conftest import RunEngage
from test_plan_support import (
    REPO,
    apply_now,
    edit,
    in_own_folder,  # noqa: F401 (autouse fixture)
    make_plan,
    workspace,
)

from compiler.plan.definition import AttributeChange, Change, Plan, SourceRef, StateRef, Summary
from compiler.plan.planfile import seal
from compiler.plan.schema import SCHEMA_PATH, schema_text
from compiler.render.plan_markdown import LIMIT, render_markdown
from compiler.render.plan_text import plain, render_text


def big_plan(count: int, width: int) -> Plan:
    changes = [
        Change(
            address=f"data_extension.de{i:05d}",
            kind="data_extension",
            action="create" if i % 3 else "delete",
            risks=[] if i % 3 else ["data_loss", "destroy"],
            notes=[] if i % 3 else [f"every row of data_extension.de{i:05d} is lost"],
            attributes=[
                AttributeChange(
                    path=f"fields.F{j:03d}", op="add", after={"type": "Text", "length": j + 1}
                )
                for j in range(width)
            ],
        )
        for i in range(count)
    ]
    plan = Plan(
        engage_version="0",
        ecosystem="big",
        environment=None,
        source=SourceRef(path="ecosystem", digest="x"),
        state=StateRef(location="s.json", lineage=None, serial=0),
        summary=Summary(add=sum(c.action == "create" for c in changes), destroy=count // 3 + 1),
        changes=changes,
    )
    return seal(plan)


def test_markdown_is_trimmed_under_the_limit_keeping_the_summary() -> None:
    plan = big_plan(1500, 20)
    text = render_markdown(plan)
    assert len(text) <= LIMIT
    assert text.startswith("### engage plan: big")
    assert "**Plan: 1000 to add, 0 to change, 0 to replace, 501 to destroy · 500 risky**" in text
    assert "#### Risks" in text and "... and 400 more risky changes" in text
    shown = text.count("<details>")
    assert 0 < shown < 1500
    assert f"Details of {1500 - shown} of 1500 changes were trimmed" in text
    assert "engage show PLAN" in text
    assert text.rstrip().endswith("</sub>")


def test_small_markdown_is_not_trimmed() -> None:
    text = render_markdown(big_plan(5, 3))
    assert text.count("<details>") == 5 and "trimmed" not in text


def test_markdown_limit_holds_for_any_budget() -> None:
    plan = big_plan(40, 5)
    for limit in (3000, 5000, 20000):
        assert len(render_markdown(plan, limit=limit)) <= limit


def test_text_has_legend_risky_first_and_the_summary_line() -> None:
    root = workspace()
    apply_now()
    edit(root / "data.yaml", "      Points: {type: Number}\n", "")
    edit(root / "data.yaml", "Newsletter subscribers", "Subscribers")
    edit(root / "integrations.yaml", "max_propagation: 1h", "max_propagation: 4h")
    text = plain(render_text(make_plan()))
    assert "  ~ update in place" in text
    assert "  + create" not in text  # only the symbols used
    risky = text.index("Risky changes, read these first:")
    assert text.index("data_extension.newsletter", risky) < text.index("consent.email", risky)
    assert "field Points is dropped with its values" in text
    assert "\nPlan: 0 to add, 2 to change, 0 to replace, 0 to destroy.\n" in text


def test_no_changes_text() -> None:
    workspace()
    apply_now()
    text = plain(render_text(make_plan()))
    assert "No changes. The ecosystem matches the state (13 resources up to date)." in text


def test_schema_file_is_current() -> None:
    assert (REPO / SCHEMA_PATH).read_text(encoding="utf-8") == schema_text(), (
        "schemas/plan-v1.schema.json is stale: run `python -m compiler.plan.schema`"
    )


def test_every_saved_plan_validates_against_the_schema(engage: RunEngage) -> None:
    root = workspace()
    schema = json.loads((REPO / SCHEMA_PATH).read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    assert engage("plan", "--out", "plans/a.plan.json").code == 2
    apply_now()
    edit(root / "data.yaml", "  orders:\n", "  purchases:\n")
    assert engage("plan", "--out", "plans/b.plan.json").code == 2
    for name in ("plans/a.plan.json", "plans/b.plan.json"):
        saved = engage("show", name, "--format", "json").out
        validator.validate(json.loads(saved))
    broken = json.loads(saved)
    broken["changes"][0]["action"] = "explode"
    assert not validator.is_valid(broken)
