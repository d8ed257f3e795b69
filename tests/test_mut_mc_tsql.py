"""The T-SQL subset of query activities at its edges: every supported function by its
T-SQL spelling (sqlglot parses several into nodes of other names), each refusal's exact
message, statement counts, ORDER BY with and without TOP at every level, window
functions, and one message per distinct problem, sorted."""

from __future__ import annotations

import pytest

from compiler.emit.marketing_cloud.tsql import FUNCTIONS, problems

CALLS = {
    "LEFT": "LEFT(a, 1)",
    "RIGHT": "RIGHT(a, 1)",
    "LEN": "LEN(a)",
    "LOWER": "LOWER(a)",
    "UPPER": "UPPER(a)",
    "LTRIM": "LTRIM(a)",
    "RTRIM": "RTRIM(a)",
    "REPLACE": "REPLACE(a, 'x', 'y')",
    "SUBSTRING": "SUBSTRING(a, 1, 2)",
    "CHARINDEX": "CHARINDEX('@', a)",
    "CONCAT": "CONCAT(a, b)",
    "COALESCE": "COALESCE(a, b)",
    "ISNULL": "ISNULL(a, 0)",
    "NULLIF": "NULLIF(a, b)",
    "CAST": "CAST(a AS INT)",
    "CONVERT": "CONVERT(INT, a)",
    "DATEADD": "DATEADD(DAY, 1, a)",
    "DATEDIFF": "DATEDIFF(DAY, a, b)",
    "DATEPART": "DATEPART(MONTH, a)",
    "GETDATE": "GETDATE()",
    "GETUTCDATE": "GETUTCDATE()",
    "YEAR": "YEAR(a)",
    "MONTH": "MONTH(a)",
    "DAY": "DAY(a)",
    "COUNT": "COUNT(a)",
    "SUM": "SUM(a)",
    "MIN": "MIN(a)",
    "MAX": "MAX(a)",
    "AVG": "AVG(a)",
    "ABS": "ABS(a)",
    "ROUND": "ROUND(a, 2)",
    "HASHBYTES": "HASHBYTES('SHA2_256', a)",
    "ROW_NUMBER": "ROW_NUMBER() OVER (ORDER BY a)",
}


def test_every_supported_function_has_a_call_here() -> None:
    assert set(CALLS) == FUNCTIONS


@pytest.mark.parametrize("name", sorted(CALLS))
def test_every_supported_function_passes(name: str) -> None:
    assert problems(f"SELECT {CALLS[name]} AS v FROM x") == []


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ("", ["must be exactly one statement, found 0"]),
        ("SELECT a FROM x; SELECT b FROM y", ["must be exactly one statement, found 2"]),
        ("INSERT INTO y SELECT a FROM x", ["must be a SELECT, found Insert"]),
        ("WITH c AS (SELECT 1 AS a) SELECT a FROM c",
         ["common table expressions (WITH) are not supported"]),
        ("SELECT a INTO [y] FROM x",
         ["SELECT … INTO is not supported (the activity names the target)"]),
        ("SELECT a FROM x WHERE b = @p AND c = @q",
         ["variables are not supported: @p", "variables are not supported: @q"]),
        ("SELECT a FROM x WHERE b = ?", ["variables are not supported: ?"]),
        ("SELECT a FROM #t JOIN #t AS u ON 1 = 1", ["temporary tables are not supported: #t"]),
        ("SELECT a FROM ##g", ["temporary tables are not supported: ##g"]),
        ("SELECT SOUNDEX(a) FROM x", ["Soundex (SOUNDEX(a)) is not in the supported set"]),
        ("SELECT MYFUNC(a) FROM x", ["function MYFUNC is not in the supported set"]),
        ("SELECT ROW_NUMBER() OVER (PARTITION BY a) FROM x",
         ["ROW_NUMBER() needs ORDER BY inside OVER()"]),
        ("SELECT RANK() OVER (ORDER BY a) FROM x",
         ["Rank (RANK()) is not in the supported set", "window function RANK() is not supported"]),
        ("SELECT SUM(a) OVER (ORDER BY a) FROM x", ["window function SUM(a) is not supported"]),
        ("SELECT a FROM x ORDER BY a", ["ORDER BY is only allowed with TOP"]),
        ("SELECT a FROM (SELECT a FROM x ORDER BY a) AS s", ["ORDER BY is only allowed with TOP"]),
        ("SELECT TOP 1 a FROM (SELECT TOP 5 a FROM x ORDER BY a) AS s ORDER BY a", []),
        ("SELECT TOP 5 a FROM x", []),
    ],
)  # fmt: skip
def test_refusals_and_their_messages(sql: str, expected: list[str]) -> None:
    assert problems(sql) == expected


def test_a_long_unsupported_construct_is_quoted_to_60_characters() -> None:
    arg = "'" + "x" * 80 + "'"
    (problem,) = problems(f"SELECT SOUNDEX({arg}) FROM x")
    quoted = problem.removeprefix("Soundex (").removesuffix(") is not in the supported set")
    assert quoted == f"SOUNDEX({arg})"[:60]


def test_a_parse_error_is_one_problem() -> None:
    (problem,) = problems("SELECT a FROM (")
    assert problem.startswith("does not parse as T-SQL: ")


HIDDEN = [
    # a clean query, then one of the same shape whose `[` … `]` is no bracketed name but
    # spans a double-quoted name, a block comment or a line comment hiding a variable
    ('SELECT "[a]" FROM [t]', 'SELECT "[", @v, "]" FROM [t]'),
    ("SELECT [a] FROM [t] /*[x]*/", "SELECT [a] FROM [t] /*[*/ WHERE @v = 1 /*]*/"),
    ("SELECT [a] FROM [t] --[x]\n", "SELECT [a] FROM [t] --[\nWHERE @v = 1 --]\n"),
]


@pytest.mark.parametrize(("clean", "hiding"), HIDDEN)
def test_a_query_with_quotes_or_comments_is_always_parsed(clean: str, hiding: str) -> None:
    assert problems(clean) == []
    assert problems(hiding) == ["variables are not supported: @v"]  # not the clean shape's []
