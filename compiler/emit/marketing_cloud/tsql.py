"""What a Marketing Cloud query activity accepts: one SELECT in a subset of T-SQL.

Marketing Cloud wraps the query text in its own `INSERT INTO <target>` and runs it on SQL
Server, with restrictions documented by Salesforce and well known from practice: a single
SELECT statement (joins, WHERE, GROUP BY/HAVING, UNION, subqueries, CASE, window
functions such as ROW_NUMBER()), and no variables (`DECLARE`, `@x`), no temporary tables
(`#t`), no common table expressions (`WITH`), no `SELECT … INTO`, no INSERT / UPDATE /
DELETE / MERGE / DDL, no procedures, and ORDER BY only beside TOP or inside OVER(). The
query runs as a derived table, where SQL Server refuses an ORDER BY "unless TOP, OFFSET or
FOR XML is also specified" (error 1033, the message Marketing Cloud shows); OFFSET is not
in the supported set here, and a UNION takes no TOP of its own, so an ORDER BY after a
UNION is refused too (wrap the UNION in a subquery and order a SELECT TOP of it).

`problems(sql)` parses the text with sqlglot's T-SQL dialect and walks the tree against an
allowlist of node types and function names: anything not listed is a problem, so a new
construct has to be added here on purpose.

Parsing a query back costs about 1 ms per line, and an ecosystem's queries mostly differ
only by the names in them (`[s].[Email] AS [EmailAddress]` in every list of every business
unit). So a query found clean is remembered by its *shape*: the text with the content of
every bracketed identifier (`[...]`, sqlglot's T-SQL quoting of every name) replaced by
`[_]`. A query of a remembered shape is clean without a parse: the T-SQL tokenizer reads a
bracketed identifier as one token whatever it holds, and the checks read no identifier's
text except a temporary table's leading `#` (names starting with `#` or `@` keep their
text in the shape) and a function's name (a bracketed name before `(` keeps its text).
String literals are kept as they are. A query with problems is always parsed, so its
messages name its own identifiers; so is one holding `"`, `--` or `/*` (a double-quoted
identifier or a comment could hide a quote from the scan). The shapes of one process are
bounded (`MAX_SHAPES`).
"""

from __future__ import annotations

import re

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError

_NODES: tuple[type[exp.Expr], ...] = (
    exp.Select, exp.From, exp.Join, exp.Where, exp.Group, exp.Having, exp.Union,
    exp.Subquery, exp.Table, exp.TableAlias, exp.Alias, exp.Column, exp.Identifier,
    exp.Star, exp.Literal, exp.Null, exp.Boolean, exp.Paren, exp.Neg,
    exp.And, exp.Or, exp.Not, exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE,
    exp.In, exp.Is, exp.Like, exp.Between, exp.Exists,
    exp.Add, exp.Sub, exp.Mul, exp.Div, exp.Mod,
    exp.Case, exp.If, exp.Window, exp.Order, exp.Ordered, exp.Limit, exp.DataType,
    exp.DataTypeParam, exp.Var,
)  # fmt: skip
# Functions (by their T-SQL name) Marketing Cloud SQL supports and engage may generate.
FUNCTIONS = frozenset(
    {
        "ROW_NUMBER", "LEFT", "RIGHT", "LEN", "LOWER", "UPPER", "LTRIM", "RTRIM", "REPLACE",
        "SUBSTRING", "CHARINDEX", "CONCAT", "COALESCE", "ISNULL", "NULLIF", "CAST",
        "CONVERT", "DATEADD", "DATEDIFF", "DATEPART", "GETDATE", "GETUTCDATE", "YEAR",
        "MONTH", "DAY", "COUNT", "SUM", "MIN", "MAX", "AVG", "ABS", "ROUND", "HASHBYTES",
    }
)  # fmt: skip
_FUNCTION_NODES: dict[type[exp.Expr], str] = {
    exp.RowNumber: "ROW_NUMBER", exp.Left: "LEFT", exp.Right: "RIGHT", exp.Length: "LEN",
    exp.Lower: "LOWER", exp.Upper: "UPPER", exp.Trim: "LTRIM", exp.Replace: "REPLACE",
    exp.Substring: "SUBSTRING", exp.Concat: "CONCAT", exp.Coalesce: "COALESCE",
    exp.Nullif: "NULLIF", exp.Cast: "CAST", exp.Convert: "CONVERT", exp.DateAdd: "DATEADD",
    exp.DateDiff: "DATEDIFF", exp.Count: "COUNT", exp.Sum: "SUM", exp.Min: "MIN",
    exp.Max: "MAX", exp.Avg: "AVG", exp.Abs: "ABS", exp.Round: "ROUND",
    exp.CurrentTimestamp: "GETDATE", exp.SHA2: "HASHBYTES", exp.StrPosition: "CHARINDEX",
    exp.Extract: "DATEPART", exp.Year: "YEAR", exp.Month: "MONTH", exp.Day: "DAY",
    # casts sqlglot's T-SQL parser puts around the arguments of YEAR/MONTH/DAY, DATEDIFF
    exp.TsOrDsToDate: "CAST", exp.TimeStrToTime: "CAST",
}  # fmt: skip
_WINDOWED = (exp.RowNumber,)
MAX_SHAPES = 4096
# a string literal (kept as it is) or a bracketed identifier (`]]` is an escaped `]`)
_TOKENS = re.compile(r"N?'(?:[^']|'')*'|\[(?:[^\]]|\]\])*\](?!\s*\()")
_clean: set[str] = set()


def _shape_of(match: re.Match[str]) -> str:
    token = match.group(0)
    if token[0] != "[" or token[1:2] in ("#", "@"):
        return token
    return "[_]"


def shape(sql: str) -> str:
    """The query with the content of its bracketed identifiers cut (see the module docstring)."""
    return _TOKENS.sub(_shape_of, sql)


def _node_problem(node: exp.Expr) -> str | None:
    if isinstance(node, exp.With | exp.CTE):
        return "common table expressions (WITH) are not supported"
    if isinstance(node, exp.Into):
        return "SELECT … INTO is not supported (the activity names the target)"
    if isinstance(node, exp.Parameter | exp.Placeholder | exp.SessionParameter):
        return f"variables are not supported: {node.sql('tsql')}"
    if isinstance(node, exp.Identifier) and node.args.get("global_"):  # ##name
        return f"temporary tables are not supported: ##{node.name.lstrip('#')}"
    if isinstance(node, exp.Identifier) and (
        node.args.get("temporary") or node.name.startswith("#")
    ):
        return f"temporary tables are not supported: #{node.name.lstrip('#')}"
    if isinstance(node, exp.Anonymous):
        name = str(node.this).upper()
        return None if name in FUNCTIONS else f"function {name} is not in the supported set"
    if type(node) in _FUNCTION_NODES:
        name = _FUNCTION_NODES[type(node)]
        return None if name in FUNCTIONS else f"function {name} is not in the supported set"
    if isinstance(node, _NODES):
        return None
    return f"{type(node).__name__} ({node.sql('tsql')[:60]}) is not in the supported set"


def _window_problem(node: exp.Window) -> str | None:
    if not isinstance(node.this, _WINDOWED):
        return f"window function {node.this.sql('tsql')} is not supported"
    if not node.args.get("order"):
        return "ROW_NUMBER() needs ORDER BY inside OVER()"
    return None


def _order_problem(query: exp.Select | exp.Union) -> str | None:
    """ORDER BY without TOP: on a SELECT, or after a UNION, which takes no TOP of its own
    (a TOP belongs to one of its SELECTs), so its ORDER BY is refused the same way."""
    if not query.args.get("order") or query.args.get("limit"):
        return None
    if isinstance(query, exp.Union):
        return (
            "ORDER BY after a UNION is only allowed with TOP, which a UNION cannot take: "
            "SELECT TOP … FROM (the UNION) AS u ORDER BY …"
        )
    return "ORDER BY is only allowed with TOP"


def problems(sql: str) -> list[str]:
    """Why `sql` is not a query activity Marketing Cloud runs; empty when it is."""
    if '"' in sql or "--" in sql or "/*" in sql:
        return _parsed_problems(sql)
    key = shape(sql)
    if key in _clean:
        return []
    found = _parsed_problems(sql)
    if not found and len(_clean) < MAX_SHAPES:
        _clean.add(key)
    return found


def _parsed_problems(sql: str) -> list[str]:
    try:
        statements = [s for s in sqlglot.parse(sql, read="tsql") if s is not None]
    except ParseError as err:
        return [f"does not parse as T-SQL: {err}"]
    if len(statements) != 1:
        return [f"must be exactly one statement, found {len(statements)}"]
    root = statements[0]
    if not isinstance(root, exp.Select | exp.Union):
        return [f"must be a SELECT, found {type(root).__name__}"]
    found: list[str] = []
    for node in root.walk():
        problem = _node_problem(node)
        if problem is None and isinstance(node, exp.Window):
            problem = _window_problem(node)
        if problem is None and isinstance(node, exp.Select | exp.Union):
            problem = _order_problem(node)
        if problem is not None:
            found.append(problem)
    return sorted(set(found))
