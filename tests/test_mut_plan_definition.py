"""The plan's models (`compiler.plan.definition`): a saved plan with a key engage never
writes is refused, at the top and inside a change; a plan and its changes are frozen;
`has_changes` counts an interrupted apply as work to do."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pydantic
import pytest
from test_plan_support import in_own_folder, make_plan, workspace

from compiler.plan.definition import InterruptedApply, Plan
from compiler.plan.errors import PlanError
from compiler.plan.planfile import load_plan, save_plan

__all__ = ["in_own_folder"]


@pytest.fixture
def plan() -> Plan:
    workspace()
    return make_plan()


def _saved_with(plan: Plan, tmp_path: Path, edit: str) -> Path:
    path = tmp_path / "p.plan.json"
    save_plan(plan, path)
    data = json.loads(path.read_text(encoding="utf-8"))
    if edit == "top":
        data["reviewer"] = "mallory"
    elif edit == "change":
        data["changes"][0]["approved"] = True
    else:
        data["changes"][0]["attributes"][0]["approved"] = True
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_a_saved_plan_reads_back(plan: Plan, tmp_path: Path) -> None:
    path = tmp_path / "p.plan.json"
    save_plan(plan, path)
    assert load_plan(path) == plan


@pytest.mark.parametrize(
    ("edit", "key"),
    [
        ("top", "reviewer"),
        ("change", "changes.0.approved"),
        ("attribute", "changes.0.attributes.0.approved"),
    ],
)
def test_a_key_engage_never_writes_is_refused(
    plan: Plan, tmp_path: Path, edit: str, key: str
) -> None:
    with pytest.raises(PlanError, match=rf"is not a valid plan: {re.escape(key)}: "):
        load_plan(_saved_with(plan, tmp_path, edit))


def test_a_plan_and_its_changes_are_frozen(plan: Plan) -> None:
    with pytest.raises(pydantic.ValidationError, match="frozen"):
        plan.ecosystem = "other"  # type: ignore[misc]
    with pytest.raises(pydantic.ValidationError, match="frozen"):
        plan.changes[0].action = "delete"  # type: ignore[misc]


def test_an_interrupted_apply_alone_is_a_change(plan: Plan) -> None:
    assert plan.has_changes
    empty = plan.model_copy(update={"changes": []})
    assert not empty.has_changes
    resumed = empty.model_copy(
        update={"interrupted_apply": InterruptedApply(plan_digest="sha256:x", recorded=[])}
    )
    assert resumed.has_changes


def test_each_change_has_its_actions_symbol(plan: Plan) -> None:
    created = plan.changes[0]
    assert created.action == "create" and created.symbol == "+"
    assert created.model_copy(update={"action": "replace"}).symbol == "-/+"
    assert created.model_copy(update={"action": "move"}).symbol == ">"
