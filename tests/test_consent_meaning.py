"""How E6006 follows an opt-out along a path: stored meanings, translations, inversions."""

from __future__ import annotations

import pytest

from compiler.graph import FlowEdge
from compiler.model.consent import Storage
from compiler.rules.consent import carry, meaning


def storage(polarity: str, **extra: list[str]) -> Storage:
    return Storage.model_validate({"object": "X", "field": "F", "polarity": polarity, **extra})


def edge(values: dict[str, str] | None = None, transform: tuple[str, ...] = ()) -> FlowEdge:
    pairs = tuple(sorted((values or {}).items()))
    return FlowEdge(rule="r", integration="i", path=(), values=pairs, transform=transform)


def test_meanings_of_each_polarity() -> None:
    assert meaning(storage("opt_out")) == (frozenset({"true"}), frozenset({"false"}))
    assert meaning(storage("opt_in")) == (frozenset({"false"}), frozenset({"true"}))
    status = storage("status", opted_in_values=["Active", "Yes"], opted_out_values=["Held"])
    assert meaning(status) == (
        frozenset({"Held"}),
        frozenset({"Active", "true"}),
    )  # 'Yes' reads as true


@pytest.mark.parametrize(
    ("values", "transform", "after", "translated"),
    [
        (None, (), {"true"}, False),
        (None, ("invert",), {"false"}, False),
        ({"TRUE": "0"}, (), {"false"}, True),  # boolean spellings compare as booleans
        ({"true": "false"}, ("invert",), {"true"}, True),  # translation first, then invert
        ({"false": "x"}, (), {"true"}, False),  # a translation of the other value only
        ({"true": "Held"}, ("invert",), {"Held"}, True),  # invert leaves a status alone
    ],
)
def test_carry(
    values: dict[str, str] | None, transform: tuple[str, ...], after: set[str], translated: bool
) -> None:
    assert carry(frozenset({"true"}), edge(values, transform)) == (frozenset(after), translated)
