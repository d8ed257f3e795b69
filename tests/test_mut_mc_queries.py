"""Query activities on the Marketing Cloud fixture, one edit per path: a kept (imported)
query re-emitted as written, the files' sources, a transformed key that is no longer
unique, an e-mail address longer than its target left out, consent related by the
sendable field (not the primary key), boolean filters as bits, where E7802 points, a
query with nothing to filter (no WHERE), and a transformed key that relates no row to
consent."""

from __future__ import annotations

import shutil
from dataclasses import FrozenInstanceError
from pathlib import Path

import pytest
from conftest import compile_eco

from compiler.diagnostics import Finding
from compiler.emit.artifact import Emitted
from compiler.emit.marketing_cloud import emit
from compiler.emit.marketing_cloud.names import DeInfo
from compiler.emit.marketing_cloud.queries import Query

BASIC = Path(__file__).resolve().parent / "fixtures" / "marketing_cloud" / "basic"
CHILD = "deploy/mc/child/query"
PARENT = "deploy/mc/_ParentBU_/query"


def generate(tmp: Path, *edits: tuple[str, str]) -> tuple[dict[str, Emitted], list[Finding], str]:
    root = tmp / "eco"
    shutil.copytree(BASIC, root)
    path = root / "ecosystem.yaml"
    text = path.read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    path.write_text(text, encoding="utf-8")
    comp = compile_eco(root)
    assert comp.resolved is not None
    arts, findings = emit(comp.resolved)
    return {a.path: a for a in arts}, findings, text


def sql(out: dict[str, Emitted], path: str) -> str:
    return out[path].content.decode("utf-8")


def test_a_kept_query_is_emitted_as_written(tmp_path: Path) -> None:
    kept = "SELECT Key AS Subscriber_Key FROM [Customer Master]"
    out, findings, _ = generate(
        tmp_path,
        (
            "  brand_audience:\n    integration: hourly\n",
            "  brand_audience:\n    integration: hourly\n"
            f'    query: {{key: kept_key, sql: "{kept}"}}\n',
        ),
    )
    assert findings == []
    assert sql(out, f"{CHILD}/kept_key.query-meta.sql") == kept
    assert f"{CHILD}/brand_audience.query-meta.sql" not in out
    assert '"name": "kept_key"' in sql(out, f"{CHILD}/kept_key.query-meta.json")


def test_query_files_derive_from_rule_target_integration_and_source(tmp_path: Path) -> None:
    out, _, _ = generate(tmp_path)
    assert out[f"{CHILD}/brand_audience.query-meta.sql"].sources == (
        "data_extension.audience",
        "data_extension.master",
        "integration.hourly",
        "sync_rule.brand_audience",
    )


def test_a_transformed_key_is_not_unique(tmp_path: Path) -> None:
    out, findings, _ = generate(
        tmp_path,
        (
            "      Key: Key\n      Segment: Segment\n",
            "      Key: {from: Key, transform: upper}\n      Segment: Segment\n",
        ),
    )
    summarize = sql(out, f"{PARENT}/summarize.query-meta.sql")
    assert "ROW_NUMBER() OVER (PARTITION BY UPPER([s].[Key])" in summarize
    assert [f.code for f in findings] == ["W3801"]
    plain, no_findings, _ = generate(tmp_path / "plain")
    assert "ROW_NUMBER" not in sql(plain, f"{PARENT}/summarize.query-meta.sql")
    assert no_findings == []


def test_an_address_longer_than_the_target_is_left_out_and_consent_uses_the_sendable_field(
    tmp_path: Path,
) -> None:
    out, findings, _ = generate(
        tmp_path,
        (
            "      Email: {type: EmailAddress, length: 254, required: true}\n"
            "    sendable: {field: Subscriber_Key}",
            "      Email: {type: EmailAddress, length: 100, required: true}\n"
            "      Contact_Key: {type: Text, length: 20}\n"
            "    sendable: {field: Contact_Key}",
        ),
        (
            "      Subscriber_Key: Key\n      Email: Email\n",
            "      Subscriber_Key: Key\n      Email: Email\n      Contact_Key: Segment\n",
        ),
    )
    assert findings == []
    audience = sql(out, f"{CHILD}/brand_audience.query-meta.sql")
    assert "AND LEN([s].[Email]) <= 100\n" in audience
    assert "[c].[SubscriberKey] = [s].[Segment]" in audience  # the sendable field's value
    same, _, _ = generate(tmp_path / "same")
    assert "LEN(" not in sql(same, f"{CHILD}/brand_audience.query-meta.sql")


def test_a_boolean_filter_is_a_bit(tmp_path: Path) -> None:
    out, _, _ = generate(
        tmp_path,
        (
            "      - {field: Score__c, op: ge, value: 10}\n",
            "      - {field: Score__c, op: ge, value: 10}\n"
            "      - {field: HasOptedOutOfEmail, value: false}\n",
        ),
    )
    assert "AND [s].[HasOptedOutOfEmail] = 0\n" in sql(out, f"{PARENT}/build_master.query-meta.sql")


NO_KEY = (
    "      Key: {type: Text, length: 20, primary_key: true}\n"
    "      Segment: {type: Text, length: 20}\n      Amount",
    "      Key: {type: Text, length: 20}\n      Segment: {type: Text, length: 20}\n      Amount",
)


def line_of(text: str, line: str) -> int:
    return text.splitlines().index(line) + 1


def test_updating_a_target_without_key_points_at_the_declared_mode(tmp_path: Path) -> None:
    _, findings, text = generate(tmp_path, NO_KEY)
    (found,) = findings
    assert found.code == "E7802" and found.span is not None
    assert found.span.line == line_of(text, "    mode: update")


def test_upserting_a_target_without_key_by_default_points_at_the_target(tmp_path: Path) -> None:
    _, findings, text = generate(tmp_path, NO_KEY, ("    mode: update\n", ""))
    (found,) = findings
    assert found.code == "E7802" and found.span is not None
    assert found.span.line == line_of(
        text.replace("    mode: update\n", ""), "    target: mc.summary"
    )


def test_a_query_is_frozen() -> None:
    target = DeInfo("a", "mc", "U", "u", False, "a", "a", False, "data_extension.a")
    query = Query("r", "k", "k", "", target, "SELECT 1", "Append", "i", (), ())
    assert hash(query) == hash(Query("r", "k", "k", "", target, "SELECT 1", "Append", "i", (), ()))
    with pytest.raises(FrozenInstanceError):
        query.sql = "x"  # type: ignore[misc]


def test_consent_of_a_non_sendable_target_relates_by_its_single_primary_key(
    tmp_path: Path,
) -> None:
    out, findings, _ = generate(
        tmp_path,
        (
            "      Email: {type: EmailAddress, length: 254, required: true}\n"
            "    sendable: {field: Subscriber_Key}\n",
            "      Email: {type: EmailAddress, length: 254, required: true}\n",
        ),
    )
    assert findings == []
    assert "[c].[SubscriberKey] = [s].[Key]" in sql(out, f"{CHILD}/brand_audience.query-meta.sql")


def test_an_insert_with_nothing_to_filter_has_no_where(tmp_path: Path) -> None:
    """No filter, no key or required field, no consent, `mode: insert`: every source row."""
    out, findings, _ = generate(tmp_path, NO_KEY, ("    mode: update\n", "    mode: insert\n"))
    assert findings == []
    assert sql(out, f"{PARENT}/summarize.query-meta.sql") == (
        "SELECT\n"
        "  [s].[Key] AS [Key],\n"
        "  [s].[Segment] AS [Segment],\n"
        "  0 AS [Amount],\n"
        "  1 AS [Flag]\n"
        "FROM [Customer Master] AS [s]\n"
    )
    assert '"targetUpdateTypeName": "Append"' in sql(out, f"{PARENT}/summarize.query-meta.json")


NOT_SENDABLE = (
    "      Email: {type: EmailAddress, length: 254, required: true}\n"
    "    sendable: {field: Subscriber_Key}\n",
    "      Email: {type: EmailAddress, length: 254, required: true}\n",
)


def test_a_transformed_subscriber_key_does_not_relate_a_non_sendable_target_to_consent(
    tmp_path: Path,
) -> None:
    """`UPPER(Key)` is not the subscriber key the consent storage holds: E6801, no query
    (the untransformed key relates it: the test above)."""
    out, findings, _ = generate(
        tmp_path,
        NOT_SENDABLE,
        (
            "      Subscriber_Key: Key\n      Email: Email\n",
            "      Subscriber_Key: {from: Key, transform: upper}\n      Email: Email\n",
        ),
    )
    assert [f.code for f in findings] == ["E6801"]
    assert "single primary key filled with the subscriber key" in findings[0].message
    assert f"{CHILD}/brand_audience.query-meta.sql" not in out


def test_an_update_touches_only_rows_whose_key_is_in_the_target(tmp_path: Path) -> None:
    """`mode: update`: an EXISTS on the target by every primary key, the whole file."""
    out, findings, _ = generate(tmp_path)
    assert findings == []
    assert sql(out, f"{PARENT}/summarize.query-meta.sql") == (
        "SELECT\n"
        "  [s].[Key] AS [Key],\n"
        "  [s].[Segment] AS [Segment],\n"
        "  0 AS [Amount],\n"
        "  1 AS [Flag]\n"
        "FROM [Customer Master] AS [s]\n"
        "WHERE\n"
        "  NOT [s].[Key] IS NULL\n"
        "  AND EXISTS(\n"
        "    SELECT\n"
        "      1\n"
        "    FROM [summary] AS [x]\n"
        "    WHERE\n"
        "      [x].[Key] = [s].[Key]\n"
        "  )\n"
    )
    assert '"targetUpdateTypeName": "Update"' in sql(out, f"{PARENT}/summarize.query-meta.json")
