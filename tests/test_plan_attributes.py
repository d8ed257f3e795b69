"""A change's attributes are slotted frozen dataclasses, not models: read from a plan file
they are validated as the model was (unknown keys and bad values refused), and a saved plan
reads back equal, attribute for attribute."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from test_plan_support import in_own_folder, make_plan, workspace

from compiler.plan.definition import AttributeChange, Plan
from compiler.plan.errors import PlanError
from compiler.plan.planfile import load_plan, plan_document, save_plan

__all__ = ["in_own_folder"]


@pytest.fixture
def plan() -> Plan:
    workspace()
    return make_plan()


def test_a_created_resource_lists_each_attribute_as_an_added_dataclass(plan: Plan) -> None:
    created = next(c for c in plan.changes if c.action == "create" and c.attributes)
    first = created.attributes[0]
    assert type(first) is AttributeChange
    assert first.op == "add" and first.before is None and not first.forces_replacement
    assert [a.path for a in created.attributes] == sorted(a.path for a in created.attributes)
    with pytest.raises(dataclasses.FrozenInstanceError):
        first.path = "other"  # type: ignore[misc]
    assert not hasattr(first, "__dict__")  # slotted


def test_metadata_attributes_are_marked(plan: Plan) -> None:
    marked = {a.path for c in plan.changes for a in c.attributes if a.metadata}
    assert "description" in marked
    assert all(p in {"description", "labels", "suppress", "protected"} for p in marked)


def test_a_saved_plan_reads_back_equal(plan: Plan) -> None:
    save_plan(plan, Path("p.plan.json"))
    loaded = load_plan(Path("p.plan.json"))
    assert loaded == plan
    assert all(type(a) is AttributeChange for c in loaded.changes for a in c.attributes)


def _tampered(plan: Plan, **extra: object) -> Path:
    document = plan_document(plan)
    change = next(c for c in document["changes"] if c["attributes"])
    change["attributes"][0].update(extra)
    path = Path("bad.plan.json")
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def test_an_unknown_attribute_key_is_refused(plan: Plan) -> None:
    with pytest.raises(PlanError, match=r"not a valid plan: changes\.\d+\.attributes\.0\.extra"):
        load_plan(_tampered(plan, extra=1))


def test_an_unknown_op_is_refused(plan: Plan) -> None:
    with pytest.raises(PlanError, match=r"not a valid plan: changes\.\d+\.attributes\.0\.op"):
        load_plan(_tampered(plan, op="rename"))


def test_a_missing_path_is_refused(plan: Plan) -> None:
    document = plan_document(plan)
    change = next(c for c in document["changes"] if c["attributes"])
    del change["attributes"][0]["path"]
    Path("bad.plan.json").write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(PlanError, match=r"attributes\.0\.path: Field required"):
        load_plan(Path("bad.plan.json"))


def test_the_dumped_attribute_is_the_models_mapping(plan: Plan) -> None:
    change = next(c for c in plan_document(plan)["changes"] if c["attributes"])
    assert sorted(change["attributes"][0]) == [
        "after",
        "before",
        "forces_replacement",
        "metadata",
        "op",
        "path",
    ]
