"""campaign-hierarchy's one-walk `_hierarchy` against a naive walk of every chain."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from compiler.rules.campaigns import _CIRCLE, _INTO, _hierarchy


def _naive(parents: dict[str, str | None]) -> tuple[dict[str, int], dict[str, str]]:
    """Each campaign's own walk up its parents: its depth when the chain ends, its circle's
    smallest member when it comes back to itself, else it leads into a circle."""
    depth: dict[str, int] = {}
    circle: dict[str, str] = {}
    for name in parents:
        seen = [name]
        current = parents[name]
        while current is not None and current in parents and current not in seen:
            seen.append(current)
            current = parents[current]
        if current is None or current not in parents:
            depth[name] = len(seen) - 1
        elif current == name:
            circle[name] = min(seen)
        else:
            depth[name] = _INTO
    for name in circle:
        depth[name] = _CIRCLE
    return depth, circle


def _campaigns(parents: dict[str, str | None]) -> Any:
    return {name: SimpleNamespace(parent=parent) for name, parent in parents.items()}


@st.composite
def _parent_maps(draw: st.DrawFn) -> dict[str, str | None]:
    names = draw(st.lists(st.sampled_from([f"c{i}" for i in range(14)]), unique=True))
    targets = st.one_of(st.none(), st.just("outside"), st.sampled_from(names or ["outside"]))
    return {name: draw(targets) for name in names}


@settings(max_examples=400, deadline=None)
@given(_parent_maps())
def test_one_walk_places_every_campaign_as_its_own_walk_does(
    parents: dict[str, str | None],
) -> None:
    assert _hierarchy(_campaigns(parents)) == _naive(parents)


def test_a_chain_into_a_circle_and_a_deep_chain() -> None:
    parents: dict[str, str | None] = {
        "a": "b",
        "b": "c",
        "c": "b",  # b and c: a circle; a leads into it
        "r": None,
        "s": "r",
        "t": "s",
        "u": "missing",  # a parent that is no campaign ends the chain
    }
    depth, circle = _hierarchy(_campaigns(parents))
    assert circle == {"b": "b", "c": "b"}
    assert depth == {"a": _INTO, "b": _CIRCLE, "c": _CIRCLE, "r": 0, "s": 1, "t": 2, "u": 0}
    # the three places are told apart: a campaign on a circle, one leading into it, and
    # a depth (no sentinel may equal another or a depth)
    assert len({depth["a"], depth["b"], depth["r"]}) == 3
    assert depth["a"] < 0 and depth["b"] < 0
