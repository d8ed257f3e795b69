"""Which updates replace: every identity attribute of the table, its reason, the split of
costs into replace and data loss, and data-extension rules applied to data extensions only."""

from __future__ import annotations

import pytest

from compiler.plan.replace import IDENTITY, judge


@pytest.mark.parametrize(
    ("kind", "attr"), sorted((k, a) for k, attrs in IDENTITY.items() for a in attrs)
)
def test_every_identity_attribute_replaces_with_its_reason(kind: str, attr: str) -> None:
    verdict = judge(kind, {attr: "a", "description": "x"}, {attr: "b", "description": "y"})
    assert [(c.effect, c.path, c.reason) for c in verdict.replace] == [
        ("replace", attr, f"{attr} changes from a to b; {IDENTITY[kind][attr]}")
    ]
    assert verdict.data_loss == ()
    assert judge(kind, {attr: "a"}, {attr: "a", "description": "y"}).replace == ()


def test_several_identity_changes_are_listed_by_attribute() -> None:
    verdict = judge(
        "integration",
        {"type": "mc_connect", "from": "crm", "to": "mc"},
        {"type": "custom", "from": "erp", "to": "mc2"},
    )
    assert [c.path for c in verdict.replace] == ["from", "to", "type"]


def test_an_identity_attribute_appearing_or_vanishing_replaces() -> None:
    assert [c.path for c in judge("system", {}, {"type": "salesforce"}).replace] == ["type"]
    assert [c.reason for c in judge("system", {"type": "salesforce"}, {}).replace] == [
        "type changes from salesforce to None; a system of another type is another system"
    ]


def test_kinds_without_identity_update_in_place() -> None:
    assert judge("consent", {"type": "a"}, {"type": "b"}) == judge("consent", {}, {})
    assert judge("consent", {"type": "a"}, {"type": "b"}).replace == ()


def test_data_extension_costs_split_into_replace_and_data_loss() -> None:
    before = {"business_unit": "a", "fields": {"A": {"type": "Text"}, "B": {"type": "Text"}}}
    after = {"business_unit": "b", "fields": {"A": {"type": "Text"}}}
    verdict = judge("data_extension", before, after)
    assert [c.path for c in verdict.replace] == ["business_unit"]
    assert [c.path for c in verdict.data_loss] == ["fields.B"]
    assert judge("data_extension", before, after, empty=True).data_loss == ()


def test_data_extension_rules_do_not_apply_to_other_kinds() -> None:
    before = {"fields": {"A": {"type": "Text"}}}
    after = {"fields": {"A": {"type": "Number"}}}
    assert judge("object", before, after).replace == ()
    assert [c.path for c in judge("data_extension", before, after).replace] == ["fields.A.type"]


def test_a_verdict_is_frozen_and_hashable() -> None:
    verdict = judge("system", {"type": "a"}, {"type": "b"})
    assert hash(verdict) == hash(judge("system", {"type": "a"}, {"type": "b"}))
    with pytest.raises(AttributeError):
        verdict.replace = ()  # type: ignore[misc]
