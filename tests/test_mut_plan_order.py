"""Apply order: creates/updates/replaces by the creation order (unknown addresses last, ties
by address), then deletes dependents-first, self-dependencies and outside dependencies
ignored, a recorded cycle falling back to address order."""

from __future__ import annotations

from compiler.plan.definition import Change
from compiler.plan.order import deletion_order, order_changes


def change(address: str, action: str = "update") -> Change:
    return Change(address=address, kind=address.split(".")[0], action=action)


def test_dependents_are_deleted_before_their_dependencies() -> None:
    deps = {"query.q": ["data_extension.d"], "automation.a": ["query.q"]}
    assert deletion_order(["data_extension.d", "query.q", "automation.a"], deps) == [
        "automation.a",
        "query.q",
        "data_extension.d",
    ]


def test_without_dependencies_deletes_go_by_address() -> None:
    assert deletion_order(["b.x", "a.y", "c.z"], {}) == ["a.y", "b.x", "c.z"]


def test_a_self_dependency_and_one_outside_the_deletes_are_ignored() -> None:
    deps = {"a.x": ["a.x", "z.kept"], "b.y": ["a.x"]}
    assert deletion_order(["a.x", "b.y"], deps) == ["b.y", "a.x"]


def test_a_recorded_cycle_falls_back_to_address_order() -> None:
    deps = {"b.y": ["a.x"], "a.x": ["b.y"], "c.z": ["b.y"]}
    assert deletion_order(["c.z", "b.y", "a.x"], deps) == ["a.x", "b.y", "c.z"]


def test_forward_changes_follow_creation_order_then_deletes_in_reverse() -> None:
    changes = [
        change("query.q", "delete"),
        change("z.unranked", "create"),
        change("system.mc", "update"),
        change("data_extension.d", "delete"),
        change("a.unranked", "replace"),
        change("business_unit.bu", "create"),
        change("moved.m", "move"),
    ]
    ordered = order_changes(
        changes,
        creation_order=["system.mc", "moved.m", "business_unit.bu"],
        recorded_dependencies={"query.q": ["data_extension.d"]},
    )
    assert [(c.address, c.action) for c in ordered] == [
        ("system.mc", "update"),
        ("moved.m", "move"),
        ("business_unit.bu", "create"),
        ("a.unranked", "replace"),
        ("z.unranked", "create"),
        ("query.q", "delete"),
        ("data_extension.d", "delete"),
    ]


def test_no_changes_no_order() -> None:
    assert order_changes([], ["a.x"], {}) == []
