"""The compiled models share one `model_fields_set` per distinct set of given fields
(`compiler.model.base.Model.model_post_init`, issue 11: memory per resource), and nothing
a model does afterwards can change another model's set."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from compiler.model.data_extensions import DataExtension
from compiler.pipeline import compile_path
from compiler.source import ParseCache

EXAMPLE = Path(__file__).resolve().parents[1] / "ecosystem"


def _models(value: Any) -> list[BaseModel]:
    out: list[BaseModel] = []
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)):
            stack.extend(item)
        elif isinstance(item, BaseModel):
            out.append(item)
            stack.extend(item.__dict__.values())
    return out


def test_the_example_models_hold_one_set_per_distinct_content() -> None:
    comp = compile_path(EXAMPLE, cache=ParseCache(None))
    assert comp.resolved is not None
    models = _models(comp.resolved.ecosystem)
    by_content: dict[frozenset[str], set[int]] = defaultdict(set)
    for m in models:
        by_content[frozenset(m.model_fields_set)].add(id(m.model_fields_set))
    assert len(models) > 100
    assert len(by_content) < len(models) / 2  # the sharing is worth something here
    assert all(len(ids) == 1 for ids in by_content.values())


def _two_alike() -> tuple[DataExtension, DataExtension]:
    raw = {
        "business_unit": "retail",
        "fields": {"Email": {"type": "EmailAddress", "primary_key": True}},
    }
    return DataExtension.model_validate(raw), DataExtension.model_validate(raw)


def test_models_with_the_same_given_fields_share_their_set() -> None:
    a, b = _two_alike()
    assert a.model_fields_set is b.model_fields_set
    assert a.model_fields_set == {"business_unit", "fields"}
    other = DataExtension.model_validate(
        {"business_unit": "retail", "fields": {}, "description": "another set of fields"}
    )
    assert other.model_fields_set == {"business_unit", "fields", "description"}
    assert a.model_fields_set == {"business_unit", "fields"}
    # nested models too: the field of each data extension
    assert a.fields["Email"].model_fields_set is b.fields["Email"].model_fields_set


def test_a_copy_with_an_update_leaves_the_shared_set_alone() -> None:
    a, b = _two_alike()
    c = a.model_copy(update={"description": "changed"})
    assert "description" in c.model_fields_set
    assert a.model_fields_set == b.model_fields_set == {"business_unit", "fields"}


def test_a_frozen_model_refuses_the_assignment_that_would_add_to_the_set() -> None:
    a, b = _two_alike()
    with pytest.raises(ValidationError):
        a.description = "changed"  # type: ignore[misc]  # the assignment a frozen model refuses
    assert b.model_fields_set == {"business_unit", "fields"}
