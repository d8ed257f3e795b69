"""One change per resource (`compiler.plan.changes`): the action chosen, which attributes
force the replacement, when a change is metadata only, moves without a diff, deletes."""

from __future__ import annotations

from typing import Any

from compiler.plan.canonical import digest
from compiler.plan.changes import change_for_delete, change_for_desired
from compiler.plan.resources import DesiredResource
from compiler.plan.state import StateEntry

FIELDS: dict[str, Any] = {
    "Email": {"type": "EmailAddress", "length": 254, "primary_key": True, "required": True},
    "Name": {"type": "Text", "length": 100},
}
DE: dict[str, Any] = {
    "business_unit": "brand_retail",
    "description": "newsletter",
    "fields": FIELDS,
    "sendable": {"field": "Email", "subscriber": "EmailAddress"},
}


def desired(attributes: dict[str, Any], address: str = "data_extension.news") -> DesiredResource:
    return DesiredResource(
        address=address,
        kind=address.split(".", 1)[0],
        attributes=attributes,
        dependencies=("system.mc",),
        business_units=("brand_retail",),
    )


def entry(attributes: dict[str, Any], kind: str = "data_extension") -> StateEntry:
    return StateEntry(
        kind=kind,
        attributes=attributes,
        digest=digest(attributes),
        dependencies=["system.mc"],
        business_units=["brand_retail"],
    )


def with_(base: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return {**base, **changes}


def test_an_unchanged_resource_at_its_address_has_no_change() -> None:
    assert change_for_desired(desired(DE), entry(DE), "data_extension.news", False) is None


def test_an_unchanged_resource_at_a_new_address_is_a_move_without_attributes() -> None:
    change = change_for_desired(desired(DE), entry(DE), "data_extension.old", False)
    assert change is not None
    assert change.action == "move"
    assert change.previous_address == "data_extension.old"
    assert change.attributes == [] and change.reasons == []
    assert change.metadata_only is False
    assert change.before_digest == change.after_digest == digest(DE)


def test_a_create_lists_every_attribute_and_is_never_metadata_only() -> None:
    only_meta = {"description": "x", "labels": {"team": "crm"}}
    change = change_for_desired(desired(only_meta), None, "data_extension.news", False)
    assert change is not None
    assert change.action == "create"
    assert change.previous_address is None and change.before_digest is None
    assert change.metadata_only is False
    assert [(a.path, a.op, a.metadata) for a in change.attributes] == [
        ("description", "add", True),
        ("labels", "add", True),
    ]
    assert change.dependencies == ["system.mc"] and change.business_units == ["brand_retail"]


def test_a_description_only_update_is_metadata_only() -> None:
    change = change_for_desired(
        desired(with_(DE, description="weekly")), entry(DE), "data_extension.news", False
    )
    assert change is not None
    assert change.action == "update"
    assert change.metadata_only is True
    assert [(a.path, a.metadata, a.forces_replacement) for a in change.attributes] == [
        ("description", True, False)
    ]


def test_an_update_touching_a_platform_attribute_is_not_metadata_only() -> None:
    longer = {**FIELDS, "Name": {"type": "Text", "length": 200}}
    change = change_for_desired(
        desired(with_(DE, description="weekly", fields=longer)),
        entry(DE),
        "data_extension.news",
        False,
    )
    assert change is not None
    assert change.action == "update" and change.metadata_only is False
    assert [(a.path, a.metadata, a.forces_replacement) for a in change.attributes] == [
        ("description", True, False),
        ("fields.Name.length", False, False),
    ]


def test_a_shrinking_field_replaces_and_only_its_path_forces_it() -> None:
    shorter = {**FIELDS, "Name": {"type": "Text", "length": 50}}
    change = change_for_desired(
        desired(with_(DE, description="weekly", fields=shorter)),
        entry(DE),
        "data_extension.news",
        False,
    )
    assert change is not None
    assert change.action == "replace"
    assert change.reasons == [
        "field Name shrinks from 100 to 50 characters; a length can only grow"
    ]
    forced = {a.path: a.forces_replacement for a in change.attributes}
    assert forced == {"description": False, "fields.Name.length": True}


def test_a_diff_below_the_replaced_attribute_forces_the_replacement() -> None:
    # the primary key's cost is on `fields`; the diffs lie below it
    keyed = {
        "Email": {"type": "EmailAddress", "length": 254, "required": True},
        "Name": {"type": "Text", "length": 100, "primary_key": True},
    }
    change = change_for_desired(
        desired(with_(DE, fields=keyed)), entry(DE), "data_extension.news", False
    )
    assert change is not None and change.action == "replace"
    forced = {a.path: a.forces_replacement for a in change.attributes}
    assert forced == {"fields.Email.primary_key": True, "fields.Name.primary_key": True}


def test_a_diff_above_the_replaced_attribute_forces_the_replacement() -> None:
    # `sendable` written as a field name before, as a mapping after: one diff on `sendable`,
    # the cost on `sendable.field` below it
    before = with_(DE, sendable="Email")
    after = with_(DE, sendable={"field": "Name"})
    change = change_for_desired(desired(after), entry(before), "data_extension.news", False)
    assert change is not None and change.action == "replace"
    assert [(a.path, a.forces_replacement) for a in change.attributes] == [("sendable", True)]


def test_a_sibling_path_sharing_a_prefix_does_not_force_the_replacement() -> None:
    # the cost is on fields.Name.length; fields.NameX.length starts with the same text
    fields = {**FIELDS, "NameX": {"type": "Text", "length": 10}}
    after_fields = {
        **FIELDS,
        "Name": {"type": "Text", "length": 50},
        "NameX": {"type": "Text", "length": 20},
    }
    change = change_for_desired(
        desired(with_(DE, fields=after_fields)),
        entry(with_(DE, fields=fields)),
        "data_extension.news",
        False,
    )
    assert change is not None
    forced = {a.path: a.forces_replacement for a in change.attributes}
    assert forced == {"fields.Name.length": True, "fields.NameX.length": False}


def test_an_empty_data_extension_changes_its_key_in_place() -> None:
    keyed = {**FIELDS, "Name": {"type": "Text", "length": 100, "primary_key": True}}
    after = desired(with_(DE, fields=keyed))
    assert change_for_desired(after, entry(DE), "data_extension.news", False).action == "replace"  # type: ignore[union-attr]
    in_place = change_for_desired(after, entry(DE), "data_extension.news", True)
    assert in_place is not None and in_place.action == "update" and in_place.reasons == []


def test_a_moved_and_changed_resource_is_an_update_with_its_previous_address() -> None:
    change = change_for_desired(
        desired(with_(DE, description="weekly")), entry(DE), "data_extension.old", False
    )
    assert change is not None
    assert change.action == "update" and change.previous_address == "data_extension.old"


def test_a_delete_removes_every_attribute_and_keeps_the_recorded_facts() -> None:
    recorded = StateEntry(
        kind="system",
        attributes={"type": "salesforce", "description": "crm"},
        digest=digest({"type": "salesforce", "description": "crm"}),
        dependencies=["integration_user.sync"],
        business_units=["brand_retail"],
        sensitive=True,
    )
    change = change_for_delete("system.crm", recorded)
    assert change.action == "delete" and change.kind == "system"
    assert [(a.path, a.op, a.forces_replacement, a.metadata) for a in change.attributes] == [
        ("description", "remove", False, True),
        ("type", "remove", False, False),
    ]
    assert change.before_digest == recorded.digest and change.after_digest is None
    assert change.dependencies == ["integration_user.sync"]
    assert change.business_units == ["brand_retail"]
    assert change.sensitive is True
    assert "destroy" in change.risks


def test_a_create_of_metadata_attributes_keeps_its_kinds_risk() -> None:
    # a metadata-only update of a consent carries no risk; a create of one always does
    attributes = {"description": "newsletter opt-in"}
    created = change_for_desired(desired(attributes, "consent.news"), None, "consent.news", False)
    assert created is not None and created.risks == ["consent"]
    updated = change_for_desired(
        desired({"description": "weekly opt-in"}, "consent.news"),
        entry(attributes, kind="consent"),
        "consent.news",
        False,
    )
    assert updated is not None and updated.metadata_only is True and updated.risks == []


def test_a_replace_marks_its_metadata_attributes_as_metadata() -> None:
    shorter = {**FIELDS, "Name": {"type": "Text", "length": 50}}
    change = change_for_desired(
        desired(with_(DE, description="weekly", labels={"team": "crm"}, fields=shorter)),
        entry(DE),
        "data_extension.news",
        False,
    )
    assert change is not None
    assert change.action == "replace"
    # the replace path marks each attribute itself (not the cached one of creates and
    # plain updates): description and labels describe it, the field's length does not
    metadata = {a.path: a.metadata for a in change.attributes}
    assert metadata == {"description": True, "fields.Name.length": False, "labels": True}
    assert not change.metadata_only
