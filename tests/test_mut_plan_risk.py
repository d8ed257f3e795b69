"""Risk categories of one change, at their edges: metadata-only changes, which actions
carry which risks, path matching (exact, under, last part; never a longer name), personal
data on a create only, and the sentence each risk explains itself with."""

from __future__ import annotations

from typing import Any

import pytest

from compiler.plan.de_rules import Cost
from compiler.plan.diff import AttributeDiff
from compiler.plan.replace import Verdict
from compiler.plan.risk import assess


def run(
    kind: str,
    action: str,
    *paths: str,
    op: str = "change",
    address: str = "thing.x",
    verdict: Verdict | None = None,
    metadata_only: bool = False,
    after: dict[str, Any] | None = None,
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    diffs = tuple(AttributeDiff(p, op) for p in paths)  # type: ignore[arg-type]
    a = assess(
        address=address,
        kind=kind,
        action=action,
        diffs=diffs,
        verdict=verdict or Verdict(),
        metadata_only=metadata_only,
        after=after,
    )
    return a.risks, a.notes


def test_metadata_only_update_carries_nothing_but_a_delete_still_destroys() -> None:
    assert run("consent", "update", "description", metadata_only=True) == ((), ())
    assert run("consent", "create", metadata_only=True) == ((), ())
    risks, notes = run("system", "delete", metadata_only=True, address="system.crm")
    assert risks == ("destroy",)
    assert notes == ("system.crm is deleted on the platform",)
    assert run("system", "replace", metadata_only=True)[0] == ("destroy",)


def test_deleting_or_replacing_a_data_extension_loses_every_row() -> None:
    risks, notes = run("data_extension", "delete", address="data_extension.Subs")
    assert risks == ("data_loss", "destroy")
    assert notes == (
        "every row of data_extension.Subs is lost",
        "data_extension.Subs is deleted on the platform",
    )
    risks, notes = run("data_extension", "replace", address="data_extension.Subs")
    assert risks == ("data_loss", "destroy")
    assert notes == ("every row of data_extension.Subs is lost",)  # replace: no delete note
    assert run("data_extension", "update", "description") == ((), ())
    assert run("data_extension", "create") == ((), ())


def test_object_delete_and_dropped_custom_fields() -> None:
    assert run("object", "delete", address="object.Loan__c")[1][0] == (
        "custom fields of object.Loan__c are deleted with their values"
    )
    risks, notes = run("object", "update", "fields.Rate__c", op="remove")
    assert risks == ("data_loss",)
    assert notes == ("field Rate__c is deleted with its values",)
    assert run("object", "update", "fields.Rate__c.length", op="remove") == ((), ())
    assert run("object", "update", "fields.Rate__c", op="add") == ((), ())
    assert run("object", "update", "labels.Rate", op="remove") == ((), ())
    assert run("object", "create", "fields.Rate__c", op="remove") == ((), ())
    assert run("system", "update", "fields.Rate__c", op="remove") == ((), ())


def test_verdict_data_loss_reasons_become_notes() -> None:
    verdict = Verdict(data_loss=(Cost("data_loss", "retention", "rows older than 5 days"),))
    risks, notes = run("data_extension", "update", "retention", verdict=verdict)
    assert risks == ("data_loss",)
    assert notes == ("rows older than 5 days",)


@pytest.mark.parametrize(
    ("kind", "risk", "note"),
    [
        ("consent", "consent", "how email consent is kept or propagated changes (mode)"),
        (
            "integration_user",
            "permissions",
            "what an integration user may read, write or bypass changes (mode)",
        ),
        (
            "custom_permission",
            "permissions",
            "what an integration user may read, write or bypass changes (mode)",
        ),
        ("group", "permissions", "who belongs to this approval group changes (mode)"),
        (
            "matching_rule",
            "duplicate_rules",
            "what the CRM blocks or flags as a duplicate changes (mode)",
        ),
        (
            "duplicate_rule",
            "duplicate_rules",
            "what the CRM blocks or flags as a duplicate changes (mode)",
        ),
    ],
)
def test_kind_risks_and_their_sentences(kind: str, risk: str, note: str) -> None:
    assert run(kind, "update", "mode", address=f"{kind}.email") == ((risk,), (note,))
    assert run(kind, "move", "mode")[0] == ()
    assert run(kind, "create")[0] == (risk,)


def test_a_replace_explains_without_the_attribute_list() -> None:
    risks, notes = run("consent", "replace", "mode", address="consent.sms")
    assert risks == ("destroy", "consent")
    assert notes == ("how sms consent is kept or propagated changes",)


@pytest.mark.parametrize(
    ("path", "risk"),
    [
        ("respect_consent", "consent"),
        ("channels", "consent"),
        ("channels.email", "consent"),
        ("account_engagement.sync_opt_out", "consent"),
        ("rules[Lead].bypass", "permissions"),
        ("exempt", "permissions"),
        ("user_permissions.ViewAllData", "permissions"),
        ("custom_permissions", "permissions"),
        ("security_option", "permissions"),
        ("user", "permissions"),
        ("permissions", "permissions"),
        ("fields.Email.personal_data", "personal_data"),
        ("region", "personal_data"),
    ],
)
def test_paths_that_carry_a_risk(path: str, risk: str) -> None:
    assert run("sync_rule", "update", path)[0] == (risk,)
    assert run("sync_rule", "replace", path)[0] == ("destroy", risk)
    assert run("sync_rule", "create", path)[0] == ()
    assert run("sync_rule", "delete", path)[0] == ("destroy",)


@pytest.mark.parametrize("path", ["channels_note", "xregion", "users", "region_label.x", "sync"])
def test_longer_or_other_names_carry_no_risk(path: str) -> None:
    assert run("sync_rule", "update", path) == ((), ())


def test_path_risk_sentences() -> None:
    assert run("sync_rule", "update", "respect_consent", "channels")[1] == (
        "which opt-outs are respected, or who sends on which channel, changes "
        "(channels, respect_consent)",
    )
    assert run("sync_rule", "update", "region")[1] == (
        "where personal data may go, or how it is classified, changes (region)",
    )


def test_risks_come_in_reading_order() -> None:
    verdict = Verdict(data_loss=(Cost("data_loss", "fields.A", "field A is dropped"),))
    risks, _ = run("integration_user", "replace", "region", "channels", "fields.A", verdict=verdict)
    assert risks == ("data_loss", "destroy", "consent", "permissions", "personal_data")


@pytest.mark.parametrize(
    ("kind", "after", "personal"),
    [
        ("system", {"personal_data": "contact"}, True),
        ("system", {"personal_data": "none"}, False),
        ("system", {}, False),
        ("system", None, False),
        ("business_unit", {"personal_data": "sensitive"}, True),
        ("data_extension", {"fields": {"A": {"personal_data": "contact"}}}, True),
        ("data_extension", {"fields": {"A": {"personal_data": "none"}, "B": {}}}, False),
        ("data_extension", {"fields": {"A": "junk"}}, False),
        ("data_extension", {"fields": ["A"]}, False),
        ("data_extension", {"personal_data": "contact"}, False),  # only fields count
        ("data_extension", None, False),
    ],
)
def test_a_create_that_brings_personal_data(
    kind: str, after: dict[str, Any] | None, personal: bool
) -> None:
    risks, notes = run(kind, "create", after=after)
    assert risks == (("personal_data",) if personal else ())
    if personal:
        assert notes == (f"a new {kind.replace('_', ' ')} that holds personal data",)
    assert run(kind, "update", "description", after=after)[0] == ()
