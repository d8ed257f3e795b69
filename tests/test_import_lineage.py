"""The data flow of query activity SQL, derived with sqlglot's T-SQL parser."""

from __future__ import annotations

import pytest

from compiler.importer import lineage as ln
from compiler.importer.mcdev import _automation_written, boolean, integer, schedule_of
from compiler.rules.queries import hardcoded_ids


def flow(sql: str) -> ln.Lineage:
    select = ln.parse(sql)
    assert not isinstance(select, ln.ParseProblem)
    return ln.derive(select)


def test_columns_tables_and_ent_qualification() -> None:
    f = flow(
        "SELECT c.Id AS SubscriberKey, c.Email, UPPER(c.Country) AS Country "
        "FROM ENT.Contact_Salesforce c LEFT JOIN Orders o ON o.ContactId = c.Id"
    )
    assert f.main == ln.Table("Contact_Salesforce", True)
    assert f.tables == [ln.Table("Contact_Salesforce", True), ln.Table("Orders", False)]
    assert f.columns["SubscriberKey"] == (f.main, "Id")
    assert f.columns["Email"] == (f.main, "Email")
    assert f.columns["Country"] is None  # computed: kept in the SQL only
    assert f.reads["Country"] == [(f.main, "Country")]
    assert f.joins == ["LEFT JOIN Orders ON o.ContactId = c.Id"]


def test_simple_filters_on_the_main_table_become_conditions() -> None:
    f = flow(
        "SELECT s.SubscriberKey FROM _Subscribers s WHERE s.Status = 'active' "
        "AND s.EmailAddress IS NOT NULL AND s.Domain IN ('a.example', 'b.example') "
        "AND s.DateJoined > GETDATE() AND (s.SubscriberID >= 10)"
    )
    assert f.filters == [
        {"field": "Status", "op": "eq", "value": "active"},
        {"field": "EmailAddress", "op": "not_null"},
        {"field": "Domain", "op": "in", "value": ["a.example", "b.example"]},
        {"field": "SubscriberID", "op": "ge", "value": 10},
    ]
    assert f.not_expressed == ["condition s.DateJoined > GETDATE()"]


def test_or_and_grouping_are_reported_not_guessed() -> None:
    f = flow("SELECT a FROM t WHERE a = 1 OR b = 2 GROUP BY a")
    assert f.filters == []
    assert f.not_expressed == ["condition a = 1 OR b = 2", "GROUP clause"]


@pytest.mark.parametrize(
    ("sql", "line", "column"),
    [
        ("SELECT a FROM (x", 1, 16),
        ("SELECT a\nFROM t\nWHERE (a = 1", 3, 12),
    ],
)
def test_a_query_that_does_not_parse_has_a_position(sql: str, line: int, column: int) -> None:
    problem = ln.parse(sql)
    assert isinstance(problem, ln.ParseProblem)
    assert (problem.line, problem.column) == (line, column)


def test_only_one_select_statement_is_a_query_activity() -> None:
    assert isinstance(ln.parse("SELECT a FROM t; SELECT b FROM u"), ln.ParseProblem)
    assert isinstance(ln.parse("DELETE FROM t"), ln.ParseProblem)


def test_both_mcdev_serialisations() -> None:
    assert [boolean(v) for v in (True, "true", "True", False, "false", "")] == [
        True, True, True, False, False, False,
    ]  # fmt: skip
    assert [integer(v) for v in (254, "254", " 7 ", "x", True, None)] == [
        254,
        254,
        7,
        None,
        None,
        None,
    ]


def test_automation_schedules() -> None:
    assert schedule_of({"icalRecur": "FREQ=HOURLY;INTERVAL=2"}) == ({"every": "2h"}, [])
    every, partial = schedule_of(
        {"icalRecur": "FREQ=DAILY;INTERVAL=1", "timezoneName": "Romance Standard Time"}
    )
    assert every == {"every": "1d"} and partial == []
    assert schedule_of({"icalRecur": "FREQ=WEEKLY;BYDAY=MO"})[0] is None


def test_an_automation_as_generate_writes_it_back() -> None:
    """Each key generate writes differently is named; one it writes alike is not."""
    raw = {
        "key": "Nightly",
        "name": "Nightly",
        "status": "Scheduled",
        "type": "scheduled",
        "r__folder_Path": "my automations",
        "schedule": {
            "startDate": "2026-01-05T00:00:00",
            "endDate": "2079-06-06T00:00:00",
            "icalRecur": "FREQ=DAILY;INTERVAL=1",
            "timezoneName": "Romance Standard Time",
            "typeId": 3,
        },
    }
    reasons = "; ".join(_automation_written(raw, {"every": "1d"}))
    assert "generate writes engage_every_1_days.automation-meta.json" in reasons
    assert "status 'Scheduled'" in reasons and "timezoneName" in reasons
    for alike in ("startDate", "endDate", "typeId", "r__folder_Path", "description", "type "):
        assert alike not in reasons, alike
    assert _automation_written(raw, {"every": "1s"}) == [
        "the automation (no schedule engage can write: its queries run unscheduled)"
    ]


def test_hardcoded_ids() -> None:
    sql = (
        "SELECT a FROM t WHERE RecordTypeId = '0125g000001AbCdAAK' AND OwnerId = '0055g00000AbCdE'"
        " AND MID = 7 AND Score = 100012345 AND Name = 'ABCDEFGHIJKLMNO'"
    )
    assert hardcoded_ids(sql, {100012345: "mc.x"}) == [
        "MID 100012345",
        "MID 7",
        "record type id '0125g000001AbCdAAK'",
        "user id '0055g00000AbCdE'",
    ]
    assert hardcoded_ids("SELECT a FROM t WHERE Score = 5", {}) == []
