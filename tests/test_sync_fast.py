"""The cheaper DuckDB spellings (compiler/emit/sync/fast.py) answer what the plain helpers
answer, on DuckDB itself: every code point below U+0180 alone and inside words, each
white-space character at either end and inside, characters beyond Latin Extended-A, NULL
and the empty text.
"""

from __future__ import annotations

import duckdb
import pytest
from sqlglot import exp

from compiler.emit.sql import col
from compiler.emit.sync import build, fast
from compiler.emit.sync import values as v
from compiler.emit.sync.spec import TargetColumn

BEYOND = [
    "ǅ",
    "ǈ",
    "Ǆ",
    "ɐ",
    "Σ",
    "ς",
    "Ж",
    "ж",
    "ẞ",
    "\uff21",
    "ﬀ",
    "\U0001d400",
    "😀",
    "İstanbul",
    "ΑΒΓ",
]


def _texts() -> list[str | None]:
    latin = [chr(c) for c in range(1, 0x180)]
    words = [f"a{c}Z" for c in latin] + [f"{c}{c.upper()}{c.lower()}" for c in latin]
    spaced = [f"{w}x{w}" for w in v.WHITESPACE] + [f"{w}{w}x y{w}" for w in v.WHITESPACE]
    mixed = [f"{w}{b}{w}" for w in (" ", "\u00a0", "\u3000") for b in BEYOND]
    return [None, "", " ", "\u00a0", *latin, *words, *spaced, *BEYOND, *mixed]


def _both(plain: exp.Expr) -> list[tuple[object, object]]:
    quick = build._duckdb(plain).sql(dialect="duckdb")  # as the statements hold it
    spelled = build._whitespace(plain, lambda w: build._duckdb(exp.Literal.string(w)))
    assert "TRIM(" in quick or "LOWER(" in quick or "UPPER(" in quick
    assert quick != spelled.sql(dialect="duckdb")  # rewritten
    query = f"SELECT {spelled.sql(dialect='duckdb')}, {quick} FROM unnest($texts) AS t(x)"
    con = duckdb.connect()
    try:
        return [(a, b) for a, b in con.execute(query, {"texts": _texts()}).fetchall()]
    finally:
        con.close()


@pytest.mark.parametrize(
    "helper",
    [v.lower, v.upper, v.trim, lambda e: v.upper(v.trim(v.lower(e)))],
    ids=["lower", "upper", "trim", "nested"],
)
def test_fast_spelling_answers_as_the_plain_one(helper: object) -> None:
    assert callable(helper)
    pairs = _both(helper(col("x")))
    assert len(pairs) == len(_texts())
    different = [(a, b) for a, b in pairs if a != b]
    assert different == []


def test_the_guards_name_the_letters_duckdb_maps_otherwise() -> None:
    """Below U+0180, DuckDB's LOWER/UPPER differ from CASE_PAIRS only on guarded letters."""
    con = duckdb.connect()
    chars = [chr(c) for c in range(1, 0x180)]
    rows = con.execute("SELECT c, LOWER(c), UPPER(c) FROM unnest($c) AS t(c)", {"c": chars})
    lower, upper = dict(zip(v.UPPERS, v.LOWERS, strict=True)), dict(v.CASE_PAIRS)
    for c, low, up in rows.fetchall():
        if low != lower.get(c, c):
            assert c in fast.LOWER_EXCEPTIONS, c
        if up != upper.get(c, c):
            assert c in fast.UPPER_EXCEPTIONS, c
    assert set(fast.LOWER_EXCEPTIONS) == {"İ"}
    assert set(fast.UPPER_EXCEPTIONS) == set("\u00b5\u00df\u0131\u0149\u017f")


def test_spark_keeps_the_plain_helpers() -> None:
    node = exp.select(v.lower(v.trim(col("x"))))
    spark = build._spark(node).sql(dialect="spark")
    assert "TRANSLATE(" in spark and "LOWER(" not in spark and "REGEXP" not in spark


def test_the_ascii_shortcut_skips_only_texts_without_a_guarded_letter() -> None:
    """The case guard asks its regular expression only where STRLEN (bytes) and LENGTH
    (code points) differ: never for ASCII, always for a guarded letter or one beyond
    Latin Extended-A, alone or after ASCII."""
    ascii_ = [chr(c) for c in range(1, 0x80)] + ["", "plain ASCII text 0123"]
    guarded = list(fast.LOWER_EXCEPTIONS + fast.UPPER_EXCEPTIONS) + BEYOND + ["\u0180"]
    texts = [*ascii_, *guarded, *(f"abc{g}" for g in guarded)]
    con = duckdb.connect()
    try:
        rows = con.execute(
            "SELECT x, STRLEN(x) <> LENGTH(x) FROM unnest($t) AS t(x)", {"t": texts}
        ).fetchall()
    finally:
        con.close()
    asked = {x for x, differs in rows if differs}
    assert asked.isdisjoint(ascii_)
    assert asked >= set(guarded) | {f"abc{g}" for g in guarded}


def test_the_case_guard_asks_the_regular_expression_behind_the_ascii_test() -> None:
    quick = build._duckdb(exp.select(v.lower(col("x")))).sql(dialect="duckdb")
    assert 'STRLEN("x") <> LENGTH("x") AND REGEXP_MATCHES("x"' in quick
    assert 'ELSE LOWER("x")' in quick


def _target() -> TargetColumn:
    return TargetColumn("Mobile", "Phone", 50, None, None, False, False, None, "x", None, (), ())


def _phones() -> list[str | None]:
    inside = [f"+34 600{chr(c)}11 22" for c in range(1, 0x180)]
    odd = ["", " ", "   ", "+", "0", "++34", "600112233", "+34 600 11 22 33", "(600) 11-22"]
    odd += [
        "600\u00a0112",
        "\t600 11",
        "600 11\n",
        "\uff16\uff10\uff10",
        "\u0663\u0664 12",
        "😀 600",
        "abc",
        "1 a",
    ]
    return [None, *odd, *inside, *(f" {w}600 {w}" for w in v.WHITESPACE)]


def test_the_e164_spelling_answers_as_the_regular_expression() -> None:
    plain = v._transform(_target(), "e164", col("x"))
    quick = build._duckdb(plain).sql(dialect="duckdb")
    assert "REPLACE(\"x\", ' ', '')" in quick and quick != plain.sql(dialect="duckdb")
    query = f"SELECT x, {plain.sql(dialect='duckdb')}, {quick} FROM unnest($t) AS t(x)"
    con = duckdb.connect()
    try:
        rows = con.execute(query, {"t": _phones()}).fetchall()
    finally:
        con.close()
    assert len(rows) == len(_phones())
    assert [(x, a, b) for x, a, b in rows if a != b] == []
    assert ("+34 600 11 22 33", "+34600112233", "+34600112233") in rows  # the shortcut
    assert ("(600) 11-22", "6001122", "6001122") in rows  # the regular expression
