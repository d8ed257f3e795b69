"""The Marketing Cloud system data views, column by column, as the documentation lists them.

The column lists below are the ones of the Salesforce Help pages *Data View: Sent / Click /
Bounce / Subscribers* (see compiler/catalog/marketing_cloud.py for every view and source);
a query rule over a view reads only columns the view has (E2011 otherwise, at the field),
and a child unit reads a per-unit view unqualified: the generated T-SQL runs in DuckDB.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
import sqlglot

from compiler.catalog.marketing_cloud import ENTERPRISE_VIEWS, MARKETING_CLOUD_OBJECTS
from compiler.emit.generate import generate
from compiler.emit.marketing_cloud import tsql
from compiler.pipeline import compile_path
from compiler.source import ParseCache

VIEWS = Path(__file__).resolve().parent / "fixtures" / "marketing_cloud" / "views"
QUERY = "marketing_cloud/deploy/mc/child/query/collect_hard_bounces.query-meta.sql"
TRACKING = ["AccountID", "OYBAccountID", "JobID", "ListID", "BatchID", "SubscriberID",
            "SubscriberKey", "EventDate"]  # fmt: skip
TRIGGERED = ["TriggererSendDefinitionObjectID", "TriggeredSendCustomerKey"]


def columns(view: str) -> list[str]:
    return list(MARKETING_CLOUD_OBJECTS[view].fields)


def test_the_documented_columns_in_the_documented_order() -> None:
    assert columns("_Sent") == [*TRACKING, "Domain", *TRIGGERED]
    assert columns("_Click") == [*TRACKING, "Domain", "URL", "LinkName", "LinkContent",
                                 "IsUnique", *TRIGGERED]  # fmt: skip
    assert columns("_Bounce") == [
        *TRACKING, "IsUnique", "Domain", "BounceCategoryID", "BounceCategory",
        "BounceSubcategoryID", "BounceSubcategory", "BounceTypeID", "BounceType",
        "SMTPBounceReason", "SMTPMessage", "SMTPCode", *TRIGGERED,
    ]  # fmt: skip
    assert columns("_Subscribers") == [
        "SubscriberID", "DateUndeliverable", "DateJoined", "DateUnsubscribed", "Domain",
        "EmailAddress", "BounceCount", "SubscriberKey", "SubscriberType", "Status",
    ]  # fmt: skip


def test_types_lengths_and_nullability_follow_the_pages() -> None:
    click = MARKETING_CLOUD_OBJECTS["_Click"].fields
    assert (click["URL"].type, click["URL"].length, click["URL"].required) == ("text", 900, False)
    assert click["LinkContent"].type == "long_text"  # varchar(max)
    assert click["IsUnique"].type == "checkbox" and click["IsUnique"].required  # bit
    assert click["OYBAccountID"].required is False  # null in a child unit's own rows
    assert click["TriggererSendDefinitionObjectID"].length == 36  # uniqueidentifier
    bounce = MARKETING_CLOUD_OBJECTS["_Bounce"].fields
    assert bounce["BounceCategory"].length == 50 and not bounce["BounceCategory"].required
    assert bounce["SMTPBounceReason"].type == "long_text"


def test_only_the_subscriber_views_answer_only_in_the_enterprise_parent() -> None:
    assert {"_Subscribers", "_BusinessUnitUnsubscribes"} == ENTERPRISE_VIEWS
    assert set(MARKETING_CLOUD_OBJECTS) > ENTERPRISE_VIEWS


def test_a_child_unit_reads_a_tracking_view_unqualified_and_the_query_runs(
    tmp_path: Path,
) -> None:
    comp = compile_path(VIEWS, None, cache=ParseCache(None))
    assert comp.ok and comp.resolved is not None, [f.message for f in comp.findings]
    generate(comp.resolved, tmp_path)
    sql = (tmp_path / QUERY).read_text("utf-8")
    assert "FROM [_Bounce] AS [s]" in sql and "ENT." not in sql
    assert "LEFT([s].[SMTPBounceReason], 4000) AS [Reason]" in sql
    assert tsql.problems(sql) == []
    con = duckdb.connect()
    con.execute(
        'CREATE TABLE "_Bounce" (SubscriberKey TEXT, EventDate TIMESTAMP, '
        "BounceCategory TEXT, SMTPBounceReason TEXT)"
    )
    con.executemany(
        'INSERT INTO "_Bounce" VALUES (?, ?, ?, ?)',
        [
            ("A", "2024-01-01 10:00", "Hard bounce", "550 old"),
            ("A", "2024-02-01 10:00", "Hard bounce", "550 user unknown"),  # A's latest
            ("B", "2024-02-01 10:00", "Soft bounce", "452 mailbox full"),  # not hard
            (None, "2024-02-01 10:00", "Hard bounce", "550"),  # no key
            ("C", "2024-03-01 10:00", "Hard bounce", "x" * 5000),  # cut to 4000
        ],
    )
    duck = sqlglot.transpile(sql, read="tsql", write="duckdb")[0]
    rows = sorted(con.execute(duck).fetchall())
    assert [(r[0], len(r[2])) for r in rows] == [("A", 16), ("C", 4000)]
    assert rows[0][2] == "550 user unknown"


@pytest.mark.parametrize(
    ("source", "column"),
    [("_Bounce", "EmailAddress"), ("_Subscribers", "Id"), ("_Sent", "IsUnique")],
)
def test_a_column_the_view_does_not_have_is_a_finding_at_the_mapping(
    tmp_path: Path, source: str, column: str
) -> None:
    eco = tmp_path / "eco"
    shutil.copytree(VIEWS, eco)
    path = eco / "ecosystem.yaml"
    text = path.read_text("utf-8")
    text = text.replace("source: mc._Bounce", f"source: mc.{source}")
    text = text.replace("      Subscriber Key: SubscriberKey\n",
                        f"      Subscriber Key: {column}\n")  # fmt: skip
    text = text.replace("    order_by: EventDate\n    filter:\n"
                        "      - {field: BounceCategory, value: Hard bounce}\n", "")  # fmt: skip
    text = text.replace("      Bounced At: EventDate\n", "")
    text = text.replace("      Reason: {from: SMTPBounceReason, transform: truncate}\n", "")
    path.write_text(text, "utf-8")
    comp = compile_path(eco, None, cache=ParseCache(None))
    found = [f for f in comp.findings if f.code == "E2011"]
    assert [f.message for f in found] == [f"field {column!r} is not declared on mc.{source}"]
    line = text.splitlines().index(f"      Subscriber Key: {column}") + 1
    assert found[0].span is not None and (found[0].span.line, found[0].span.column) == (line, 23)
