"""The models' compact layout (`compiler.model.compact`): the same models, field for
field, as pydantic's own layout.

Issue 11 (memory per resource): each model's field values live in a dict sharing its key
table with the other models of its class. These tests compare with the layout pydantic
makes (the compaction switched off), check that no two models share a container, and
that the layout is what it claims (smaller dicts), not only equal.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

import compiler.model.compact as compact_module
from compiler.model import Ecosystem
from compiler.model.compact import compact, share
from compiler.model.data_extensions import DataExtension, DeField
from compiler.pipeline import Compilation, compile_path
from compiler.source import ParseCache
from compiler.validate import _ADAPTERS

EXAMPLE = Path(__file__).resolve().parent.parent / "ecosystem"
LANGUAGE = Path(__file__).resolve().parent / "fixtures" / "language" / "valid"


def _compile(folder: Path) -> Compilation:
    return compile_path(folder, cache=ParseCache(None))


def _models(value: Any) -> Iterator[BaseModel]:
    """Every model reachable from `value`, parents first."""
    if isinstance(value, BaseModel):
        yield value
        for item in value.__dict__.values():
            yield from _models(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _models(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _models(item)


def _without_compaction(monkeypatch: pytest.MonkeyPatch, folder: Path) -> Ecosystem:
    with monkeypatch.context() as patch:
        patch.setattr(compact_module, "compact", lambda cls, values: values)
        comp = _compile(folder)
    assert comp.resolved is not None
    return comp.resolved.ecosystem


@pytest.mark.parametrize("folder", [EXAMPLE, LANGUAGE], ids=["example", "language"])
def test_compacted_models_equal_pydantics_own(
    monkeypatch: pytest.MonkeyPatch, folder: Path
) -> None:
    plain = _without_compaction(monkeypatch, folder)
    comp = _compile(folder)
    assert comp.resolved is not None
    compacted = comp.resolved.ecosystem
    assert compacted == plain
    assert compacted.model_dump(mode="json", by_alias=True) == plain.model_dump(
        mode="json", by_alias=True
    )
    assert compacted.model_dump_json() == plain.model_dump_json()
    pairs = list(zip(_models(compacted), _models(plain), strict=True))
    assert len(pairs) > 50
    for new, old in pairs:
        assert type(new) is type(old)
        assert list(new.__dict__) == list(old.__dict__) == list(type(new).model_fields)
        assert new.__dict__ == old.__dict__
        assert new.model_fields_set == old.model_fields_set
        for name, value in new.__dict__.items():
            assert type(value) is type(old.__dict__[name])


@pytest.mark.skipif(sys.implementation.name != "cpython", reason="CPython's dict layout")
def test_the_layout_is_smaller(monkeypatch: pytest.MonkeyPatch) -> None:
    """Twenty data extensions' and twenty fields' value dicts: a key-sharing dict holds
    no key table of its own, so each is smaller than the one pydantic makes."""
    entry = {"business_unit": "bu", "fields": {"Key": {"type": "Text", "primary_key": True}}}

    def sizes() -> list[int]:
        models: list[BaseModel] = [DataExtension.model_validate(entry) for _ in range(20)]
        models += [DeField.model_validate({"type": "Text"}) for _ in range(20)]
        return [sys.getsizeof(m.__dict__) for m in models]

    compacted = sizes()
    with monkeypatch.context() as patch:
        patch.setattr(compact_module, "compact", lambda cls, values: values)
        plain = sizes()
    assert all(new < old for new, old in zip(compacted[1:], plain[1:], strict=True))
    assert sum(compacted) < 0.6 * sum(plain)


_values = st.one_of(
    st.none(),
    st.integers(),
    st.text(max_size=5),
    st.just([]),
    st.just({}),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=3),
)


class _Sample(BaseModel):
    a: list[int] = []
    b: dict[str, int] = {}
    c: Any = None


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.dictionaries(
        st.sampled_from(["a", "b", "c", "d", "e", "f"]), _values, min_size=0, max_size=6
    )
)
def test_compact_keeps_every_key_value_and_order(values: dict[str, Any]) -> None:
    out = compact(_Sample, values)
    assert out == values
    assert list(out) == list(values)
    for key, value in out.items():
        assert type(value) is type(values[key])
        assert value is values[key]


def test_no_two_models_share_a_container() -> None:
    """Empty lists and dicts stay each model's own, as pydantic makes them: appending to
    one model's list by mistake can never change another model."""
    comp = _compile(EXAMPLE)
    assert comp.resolved is not None
    seen: dict[int, BaseModel] = {}
    empties = 0
    for model in _models(comp.resolved.ecosystem):
        for value in model.__dict__.values():
            if isinstance(value, (list, dict)):
                assert id(value) not in seen or seen[id(value)] is model, type(model)
                seen[id(value)] = model
                empties += not value
    assert empties > 100


def test_direct_validator_calls_match_the_adapters() -> None:
    """build_model calls the section adapters' validators directly: same values, same
    errors, as `TypeAdapter.validate_python`."""
    good = {"business_unit": "bu", "fields": {"Key": {"type": "Text", "primary_key": True}}}
    bad = {"business_unit": "bu", "fields": {"Key": {"type": "Txt"}}, "extra": 1}
    adapter = _ADAPTERS["data_extensions"]
    assert adapter.validator.validate_python(good) == adapter.validate_python(good)
    errors = []
    for call in (adapter.validate_python, adapter.validator.validate_python):
        with pytest.raises(ValidationError) as caught:
            call(bad)
        errors.append(caught.value.errors(include_url=False))
    assert errors[0] == errors[1]
    key = _ADAPTERS["data_extensions[key]"]
    for name in ("de_1", "x[bu]", "1bad", "a\n", 7):
        outcomes = []
        for call in (key.validate_python, key.validator.validate_python):
            try:
                outcomes.append(call(name))
            except ValidationError as error:
                outcomes.append(error.errors(include_url=False))
        assert outcomes[0] == outcomes[1], name


def test_model_annotations_are_evaluated_by_python_not_pydantic() -> None:
    """The model modules do without `from __future__ import annotations`, so pydantic
    finds objects, not strings, to build from (compiler/model/__init__.py)."""
    import compiler.model as package

    classes = [
        cls
        for module in sys.modules.values()
        if module is not None and getattr(module, "__name__", "").startswith(package.__name__)
        for cls in vars(module).values()
        if isinstance(cls, type)
        and issubclass(cls, BaseModel)
        and cls.__module__ == module.__name__
    ]
    assert len(classes) > 50
    for cls in classes:
        for name, annotation in vars(cls).get("__annotations__", {}).items():
            assert not isinstance(annotation, str), f"{cls.__qualname__}.{name}"


class _Pair(BaseModel, frozen=True):
    a: int = 0
    b: str = ""


def test_share_gives_one_fields_set_per_content_and_keeps_the_values() -> None:
    first, second, other = _Pair(a=1), _Pair(a=2), _Pair(b="x")
    before = [(m.model_fields_set, m.model_dump(), dict(m.__dict__)) for m in (first, second)]
    for model in (first, second, other):
        share(model)
    assert first.__pydantic_fields_set__ is second.__pydantic_fields_set__
    assert first.__pydantic_fields_set__ is not other.__pydantic_fields_set__
    assert [(m.model_fields_set, m.model_dump(), dict(m.__dict__)) for m in (first, second)] == (
        before
    )
    assert other.model_fields_set == {"b"} and other.model_dump(exclude_unset=True) == {"b": "x"}
    copied = first.model_copy(update={"b": "y"})  # pydantic copies the set before it adds
    assert copied.model_fields_set == {"a", "b"} and first.model_fields_set == {"a"}
