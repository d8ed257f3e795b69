"""Where the subscriber key is declared decides whether a non-sendable target's key relates
its rows to consent storage (compiler.emit.marketing_cloud.consent.holds_subscriber_key):
the Marketing Cloud system's `subscriber_key`, else the data model's; with neither, the key
is not known to be the subscriber key and only the synchronized CRM copy suppresses."""

from __future__ import annotations

from pathlib import Path

from test_consent_nonsendable import QUERY, build, run
from test_unit_consent import unit_eco

from compiler.emit.generate import generate
from compiler.pipeline import compile_path
from compiler.source import ParseCache

SYSTEM_KEY = "    channels: [email]\n    subscriber_key: crm:Contact.Id\n"
MODEL_KEY = "    subscriber_key: crm:Contact.Id\n"


def test_the_data_models_subscriber_key_serves_a_system_declaring_none(tmp_path: Path) -> None:
    findings, out = build(
        tmp_path, "subscriber_pk", text={"systems.yaml": (SYSTEM_KEY, "    channels: [email]\n")}
    )
    assert findings == []
    assert run((out / QUERY).read_text(), "newsletter", "SubscriberKey") == ["003A", "003D"]


def test_the_systems_subscriber_key_alone_is_enough(tmp_path: Path) -> None:
    findings, out = build(tmp_path, "subscriber_pk", text={"ecosystem.yaml": (MODEL_KEY, "")})
    assert findings == []
    assert run((out / QUERY).read_text(), "newsletter", "SubscriberKey") == ["003A", "003D"]


def test_with_neither_only_the_synchronized_copy_suppresses(tmp_path: Path) -> None:
    findings, out = build(
        tmp_path,
        "subscriber_pk",
        text={"systems.yaml": (SYSTEM_KEY, "    channels: [email]\n"),
              "ecosystem.yaml": (MODEL_KEY, "")},
    )  # fmt: skip
    assert [f.code for f in findings] == ["W6802"]
    sql = (out / QUERY).read_text()
    assert "[newsletter]" not in sql
    assert run(sql, "newsletter", "SubscriberKey") == ["003A", "003C", "003D"]


def test_another_field_of_the_synchronized_contact_is_not_the_subscriber_key(
    tmp_path: Path,
) -> None:
    """The boundary beside `ContactKey: Id`: the same synchronized source, its FirstName
    in the key. Only `Contact_Salesforce.Id` is the copy of the declared crm:Contact.Id."""
    change = ("      ContactKey: Id\n", "      ContactKey: FirstName\n")
    findings, out = build(tmp_path, "subscriber_pk", text={"case.yaml": change})
    assert [f.code for f in findings if f.code != "W3801"] == ["W6802"]
    assert "nor a single primary key filled with the subscriber key" in findings[0].message
    assert "[newsletter]" not in (out / QUERY).read_text()


ROW_STORAGE = """\
            object: _BusinessUnitUnsubscribes
            field: SubscriberKey
            polarity: row
            unit_field: BusinessUnitID"""


def test_a_per_unit_storage_with_no_subscriber_key_refuses_the_query(tmp_path: Path) -> None:
    """Per-unit storage on the synchronized contact (no SubscriberKey, no sendable field, no
    single primary key): its rows cannot be related to the target's subscribers."""
    eco = unit_eco(tmp_path, "e6201_silent", "gen")
    consent = eco / "consent.yaml"
    text = consent.read_text()
    assert ROW_STORAGE in text
    consent.write_text(
        text.replace(
            ROW_STORAGE,
            "            object: Contact_Salesforce\n            field: HasOptedOutOfEmail\n"
            "            polarity: opt_out\n            unit_field: FirstName",
        )
    )
    comp = compile_path(eco, None, cache=ParseCache(None))
    assert comp.ok and comp.resolved is not None
    out = tmp_path / "build"
    findings = list(generate(comp.resolved, out, targets=("marketing_cloud",)).findings)
    assert [(f.code, f.message) for f in findings] == [
        (
            "E6801",
            "sync rule 'contacts_to_newsletter' respects email consent, which is per business "
            "unit for its target's unit, but Contact_Salesforce cannot be related to the "
            "target's subscribers; its query is not generated",
        )
    ]
    assert not list(out.rglob("contacts_to_newsletter.query-meta.sql"))


VIEWS = Path(__file__).resolve().parent / "fixtures" / "marketing_cloud" / "views"
BOUNCES = "marketing_cloud/deploy/mc/child/query/collect_hard_bounces.query-meta.sql"
CONSENT = """\
consent:
  channels:
    email:
      system_of_record: mc
      storage:
        mc: {object: _Subscribers, field: Status, polarity: status, opted_in_values: [Active]}
"""


def _bounces(tmp_path: Path, key_from: str) -> tuple[list[tuple[str, str]], Path]:
    """The data-view fixture's hard bounces (a non-sendable target keyed by subscriber),
    now respecting email consent kept in All Subscribers."""
    root = tmp_path / "eco"
    root.mkdir()
    text = (VIEWS / "ecosystem.yaml").read_text(encoding="utf-8")
    for old, new in (
        ("channels: []  # no sends: the views are read, consent is not at stake here",
         "channels: [email]"),
        ("    mode: overwrite\n", "    mode: overwrite\n    respect_consent: [email]\n"),
        ("      Subscriber Key: SubscriberKey\n", f"      Subscriber Key: {key_from}\n"),
    ):  # fmt: skip
        assert old in text, old
        text = text.replace(old, new)
    (root / "ecosystem.yaml").write_text(text + CONSENT, encoding="utf-8")
    comp = compile_path(root, None, cache=ParseCache(None))
    assert comp.ok and comp.resolved is not None, [f.message for f in comp.findings]
    out = tmp_path / "build"
    found = generate(comp.resolved, out, targets=("marketing_cloud",)).findings
    return [(f.code, f.message) for f in found if f.code != "W3801"], out


def test_a_data_views_subscriber_key_relates_a_non_sendable_target(tmp_path: Path) -> None:
    findings, out = _bounces(tmp_path, "SubscriberKey")
    assert findings == []
    assert (
        "AND EXISTS(\n      SELECT\n        1\n      FROM ENT.[_Subscribers] AS [c]\n      WHERE\n"
        "        [c].[SubscriberKey] = [s].[SubscriberKey] AND [c].[Status] IN ('Active')\n"
    ) in (out / BOUNCES).read_text()


def test_another_column_of_the_data_view_relates_nothing(tmp_path: Path) -> None:
    findings, out = _bounces(tmp_path, "Domain")
    assert [code for code, _ in findings] == ["E6801"]
    assert "nor a single primary key filled with the subscriber key" in findings[0][1]
    assert not (out / BOUNCES).exists()
