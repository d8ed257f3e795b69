"""Consent suppression in query activities, one storage shape each on the Marketing Cloud
fixture: status storage listing only opted-out values (NOT EXISTS), status storage listing
no values and a data view no query can read (the query is not generated: E6801, the copy
only: W6802), and an opt-out flag on the source itself (NULL counts as not opted out)."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import compile_eco

from compiler.emit.marketing_cloud import emit

BASIC = Path(__file__).resolve().parent / "fixtures" / "marketing_cloud" / "basic"
MC = (
    "        mc: {object: _Subscribers, field: Status, polarity: status, "
    "opted_in_values: [Active],\n             opted_out_values: [Unsubscribed]}"
)
AUDIENCE = "deploy/mc/child/query/brand_audience.query-meta.sql"


def generate(tmp: Path, storage: str) -> tuple[dict[str, str], list[tuple[str, str]]]:
    root = tmp / "eco"
    shutil.copytree(BASIC, root)
    path = root / "ecosystem.yaml"
    text = path.read_text(encoding="utf-8")
    assert MC in text
    path.write_text(text.replace(MC, f"        mc: {storage}"), encoding="utf-8")
    comp = compile_eco(root)
    assert comp.resolved is not None
    arts, findings = emit(comp.resolved)
    return {a.path: a.content.decode() for a in arts}, [(f.code, f.message) for f in findings]


def where(sql: str) -> str:
    return sql[sql.index("WHERE") :]


def test_status_storage_with_opted_out_values_only_is_a_not_exists(tmp_path: Path) -> None:
    out, findings = generate(
        tmp_path,
        "{object: _Subscribers, field: Status, polarity: status, "
        "opted_out_values: [Unsubscribed, Held]}",
    )
    assert findings == []
    assert where(out[AUDIENCE]).endswith(
        "  AND NOT EXISTS(\n"
        "    SELECT\n      1\n    FROM ENT.[_Subscribers] AS [c]\n    WHERE\n"
        "      [c].[SubscriberKey] = [s].[Key] AND [c].[Status] IN ('Unsubscribed', 'Held')\n"
        "  )\n"
    )


def test_status_storage_listing_no_values_generates_nothing(tmp_path: Path) -> None:
    out, findings = generate(tmp_path, "{object: _Subscribers, field: Status, polarity: status}")
    assert AUDIENCE not in out
    why = "storage _Subscribers.Status lists no opted-in or opted-out values"
    assert findings == [
        (
            "E6801",
            f"sync rule 'brand_audience' respects email consent, but {why}; "
            "its query is not generated",
        ),
        (
            "W6802",
            f"sync rule 'build_master': {why}, so email opt-outs are suppressed with the "
            "synchronized copy of the system of record's field only",
        ),
    ]


def test_a_data_view_no_query_can_read(tmp_path: Path) -> None:
    out, findings = generate(
        tmp_path,
        "{object: _MobileSubscribers, field: Status, polarity: status, opted_out_values: [x]}",
    )
    assert AUDIENCE not in out
    assert [c for c, _ in findings] == ["E6801", "W6802"]
    assert "_MobileSubscribers is not a data view a query activity can read" in findings[0][1]


def test_an_opt_out_flag_on_the_source_keeps_null_and_zero(tmp_path: Path) -> None:
    out, findings = generate(tmp_path, "{object: master, field: Email, polarity: opt_out}")
    assert findings == []
    assert where(out[AUDIENCE]).endswith(
        "  AND (\n    [s].[Email] IS NULL OR NOT [s].[Email] = 1\n  )\n"
    )


def test_the_copy_is_of_the_crm_object_the_source_synchronizes(tmp_path: Path) -> None:
    """The CRM's storage on Contact suppresses through Contact_Salesforce's synchronized
    field; storage on Lead is not the contact's choice, so no condition on the copy."""
    master = "deploy/mc/_ParentBU_/query/build_master.query-meta.sql"
    flag = "[s].[HasOptedOutOfEmail] IS NULL OR NOT [s].[HasOptedOutOfEmail] = 1"
    root = tmp_path / "eco"
    shutil.copytree(BASIC, root)
    comp = compile_eco(root)
    assert comp.resolved is not None
    arts, _ = emit(comp.resolved)
    assert flag in {a.path: a.content.decode() for a in arts}[master]
    path = root / "ecosystem.yaml"
    text = path.read_text(encoding="utf-8")
    for old, new in (
        ("standard_objects: [Contact, Account]", "standard_objects: [Contact, Account, Lead]"),
        ("crm: {object: Contact, field: Has", "crm: {object: Lead, field: Has"),
    ):  # fmt: skip
        assert old in text
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    comp = compile_eco(root)
    assert comp.resolved is not None
    arts, findings = emit(comp.resolved)
    assert findings == []
    sql = {a.path: a.content.decode() for a in arts}[master]
    assert "HasOptedOutOfEmail" not in sql
    assert "[c].[Status] IN ('Active')" in sql  # Marketing Cloud's own storage still holds


def test_a_flag_on_the_target_is_read_from_the_value_mapped_into_it(tmp_path: Path) -> None:
    """Storage on the rule's own target (audience.Email) is the value the rule writes there;
    the same storage seen from another rule (build_master, into master, which maps an Email
    too) is another object, related by subscriber key — here unreadable from that unit."""
    out, findings = generate(tmp_path, "{object: audience, field: Email, polarity: opt_out}")
    assert findings == [
        (
            "W6802",
            "sync rule 'build_master': audience cannot be read from this business unit, so "
            "email opt-outs are suppressed with the synchronized copy of the system of "
            "record's field only",
        )
    ]
    assert where(out[AUDIENCE]).endswith(
        "  AND (\n    [s].[Email] IS NULL OR NOT [s].[Email] = 1\n  )\n"
    )
