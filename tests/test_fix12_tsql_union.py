"""Issue 12, fix12 item 6: Marketing Cloud SQL refuses ORDER BY after a UNION (a UNION
takes no TOP of its own, and the query runs as a derived table: SQL Server's error 1033),
like an ORDER BY without TOP on a SELECT; ordering a SELECT TOP of the UNION is accepted."""

from __future__ import annotations

import pytest

from compiler.emit.marketing_cloud.tsql import problems

UNION_ORDER = "ORDER BY after a UNION is only allowed with TOP"


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT a FROM x UNION SELECT a FROM y ORDER BY a",
        "SELECT a FROM x UNION ALL SELECT a FROM y ORDER BY a DESC",
        # a TOP on the first SELECT is that SELECT's, not the UNION's
        "SELECT TOP 5 a FROM x UNION SELECT a FROM y ORDER BY a",
        "SELECT a FROM x UNION SELECT a FROM y UNION SELECT a FROM z ORDER BY a",
        # inside a subquery too (the derived table rule holds at every level)
        "SELECT TOP 3 b FROM (SELECT a AS b FROM x UNION SELECT a FROM y ORDER BY a) AS u "
        "ORDER BY b",
    ],
)
def test_order_by_after_a_union_is_refused(sql: str) -> None:
    found = problems(sql)
    assert len(found) == 1 and found[0].startswith(UNION_ORDER), found


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT a FROM x UNION SELECT a FROM y",
        "SELECT TOP 10 a FROM (SELECT a FROM x UNION SELECT a FROM y) AS u ORDER BY a",
        "SELECT a FROM (SELECT TOP 5 a FROM x ORDER BY a) AS s UNION SELECT a FROM y",
    ],
)
def test_a_union_without_order_or_ordered_through_top_is_accepted(sql: str) -> None:
    assert problems(sql) == []


def test_a_select_without_top_keeps_its_own_message() -> None:
    assert problems("SELECT a FROM x ORDER BY a") == ["ORDER BY is only allowed with TOP"]
