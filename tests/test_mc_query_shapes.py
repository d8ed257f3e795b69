"""Marketing Cloud query SQL from prebuilt shapes (compiler/emit/marketing_cloud/shapes.py)
is byte for byte what sqlglot writes for each query's own tree: on the fixtures' queries,
on arbitrary trees of the builder's vocabulary over crafted names (quotes, brackets,
unicode, keywords, tokens), on names that equal a token, and on texts the pretty printer
wraps by width. A shape is clean only when `tsql.problems` finds nothing in it."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import compile_eco
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlglot import exp

from compiler.emit import marketing_cloud as mc
from compiler.emit.marketing_cloud import names, queries, shapes, tsql
from compiler.emit.sql import alias, col, number, table, text

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
ROOTS = [
    ROOT / "ecosystem",
    FIXTURES / "marketing_cloud" / "spaced",
]


@pytest.fixture(autouse=True)
def empty_cache() -> None:
    shapes._SHAPES.clear()


def written(tree: exp.Expr) -> str:
    """What queries.py wrote before shapes: sqlglot's pretty T-SQL of the tree."""
    return tree.sql(dialect="tsql", pretty=True) + "\n"


def same(tree: exp.Expr) -> tuple[str, bool]:
    before = written(tree)
    got, clean = shapes.render(tree)
    assert got == before
    assert written(tree) == before  # the tree is left as it was given
    again, clean_again = shapes.render(tree)  # now from the cached shape
    assert (again, clean_again) == (got, clean)
    return got, clean


def all_queries(root: Path) -> dict[str, queries.Query]:
    """The built queries engage writes itself (not those kept as a user wrote them)."""
    comp = compile_eco(root)
    assert comp.resolved is not None
    infos, _ = names.data_extensions(comp.resolved)
    built, _ = mc.build_queries(comp.resolved, infos)
    rules = comp.resolved.ecosystem.sync_rules
    return {q.rule: q for q in built if rules[q.rule].query is None}


@pytest.mark.parametrize("root", ROOTS, ids=["example", "spaced"])
def test_every_query_of_the_fixtures_is_written_as_sqlglot_writes_it(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shaped = all_queries(root)
    assert shaped and all(q.checked for q in shaped.values())
    assert shapes._SHAPES and all(s is not None and s.clean for s in shapes._SHAPES.values())
    monkeypatch.setattr(shapes, "render", lambda tree: (written(tree), False))
    direct = all_queries(root)
    assert {r: q.sql for r, q in shaped.items()} == {r: q.sql for r, q in direct.items()}
    assert all(tsql.problems(q.sql) == [] for q in direct.values())


def test_queries_that_differ_by_names_of_the_same_lengths_share_one_shape() -> None:
    """A token is as long as its text (widths decide the printer's line breaks)."""
    same(audience("Email", "Subscriber_Key", "Brand_A", "Newsletter_A"))
    same(audience("Phone", "Contact_Key_12", "Brand_B", "Newsletter_B"))
    assert len(shapes._SHAPES) == 1
    same(audience("Mobile_Phone", "Contact_Key", "Brand_B", "Newsletter_B"))
    assert len(shapes._SHAPES) == 2


def audience(field: str, key: str, brand: str, table_name: str) -> exp.Select:
    where = exp.and_(
        exp.EQ(this=col("Brand", "s"), expression=text(brand)),
        exp.not_(exp.Is(this=col(key, "s"), expression=exp.Null())),
        copy=False,
    )
    select = exp.select(
        alias(col(key, "s"), "SubscriberKey"),
        alias(exp.Left(this=col(field, "s"), expression=number(50)), field),
    )
    return select.from_(table(table_name, "s", db="ENT")).where(where)


HOSTILE = [
    "a]b",
    "]]",
    "[x]",
    "it's",
    "''",
    'say "hi"',
    "x -- y",
    "/* c */",
    "Zürich",
    "名前",
    "e\u0301",
    "SELECT",
    "from",
    "#temp",
    "@var",
    "Qj0",
    "Qj1jj",
    "Qk0",
    " ",
    "",
    "a" * 120,
]


@pytest.mark.parametrize("name", HOSTILE)
def test_a_crafted_name_is_written_as_sqlglot_writes_it(name: str) -> None:
    same(audience(name, name, name, name))
    same(audience("Email", name, "Brand_A", "Newsletter"))


def test_a_kept_name_holding_a_token_gives_no_shape_and_the_same_bytes() -> None:
    """`Abc` is replaced by the token `Qj0`; `Qj0 x` (a space: kept as it is) then holds
    a token of one alphabet and not of the other: the two cuts differ."""
    sql, clean = same(audience("Qj0 x", "Abc", "Brand_A", "Newsletter"))
    assert "[Qj0 x]" in sql and "[Abc]" in sql
    assert list(shapes._SHAPES.values()) == [None]
    assert not clean


def test_a_replaced_name_that_looks_like_a_token_is_filled_back() -> None:
    sql, _ = same(audience("Qj1jj", "Qj0jjjjjjjjjjj", "Qk0kkkk", "Newsletter"))
    assert "[Qj1jj]" in sql and "[Qj0jjjjjjjjjjj]" in sql and "'Qk0kkkk'" in sql


def phone(name: str) -> exp.Expr:
    e: exp.Expr = col(name, "s")
    for sep in (" ", "-", "(", ")", ".", "/"):
        e = exp.Replace(this=e, expression=text(sep), replacement=text(""))
    return e


@pytest.mark.parametrize("length", [1, 5, 12, 20, 40, 80])
def test_texts_the_printer_wraps_by_width_keep_their_breaks(length: int) -> None:
    name = "M" * length
    tree = exp.select(alias(phone(name), "Mobile")).from_(table("T", "s"))
    sql, clean = same(tree)
    assert clean and name in sql


def test_a_string_a_function_reads_is_part_of_the_shape() -> None:
    """HASHBYTES' algorithm is read by the T-SQL parser: never replaced by a token."""
    hashed = exp.Anonymous(this="HASHBYTES", expressions=[text("SHA2_256"), col("Email", "s")])
    tree = exp.select(alias(hashed, "Hash")).from_(table("T", "s"))
    same(tree)
    (shape,) = shapes._SHAPES.values()
    assert shape is not None and "'SHA2_256'" in "".join(shape.cut[0])


def test_a_shape_outside_the_subset_is_not_clean_and_is_checked_again() -> None:
    bad = exp.Anonymous(this="OPENROWSET", expressions=[col("Email", "s")])
    tree = exp.select(alias(bad, "Email_Address")).from_(table("Source_A", "s"))
    _, clean = same(tree)
    assert not clean
    assert tsql.problems(written(tree))


def test_a_query_of_an_unclean_shape_is_reported_not_written(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    comp = compile_eco(ROOT / "ecosystem")
    assert comp.resolved is not None
    infos, _ = names.data_extensions(comp.resolved)
    original = shapes.render

    def smuggled(tree: exp.Expr) -> tuple[str, bool]:
        refused = exp.Anonymous(this="OPENROWSET", expressions=[number(1)])  # not in the subset
        tree.set("expressions", [*tree.expressions, alias(refused, "Smuggled")])
        return original(tree)

    monkeypatch.setattr(shapes, "render", smuggled)
    built, findings = mc.build_queries(comp.resolved, infos)
    assert not [q for q in built if comp.resolved.ecosystem.sync_rules[q.rule].query is None]
    assert any("not valid Marketing Cloud SQL" in f.message for f in findings)


NAMES = st.one_of(
    st.sampled_from([*HOSTILE, "Email", "Id", "s", "Brand", "Key_1", "x" * 30]),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12),
    st.from_regex(r"[A-Za-z0-9_]{1,24}", fullmatch=True),
)


@st.composite
def trees(draw: st.DrawFn) -> exp.Select:
    columns = []
    for _ in range(draw(st.integers(1, 4))):
        value: exp.Expr = col(draw(NAMES), "s")
        kind = draw(st.sampled_from(["plain", "left", "phone", "lower", "case"]))
        if kind == "left":
            value = exp.Left(this=value, expression=number(draw(st.integers(1, 4000))))
        elif kind == "phone":
            value = phone(draw(NAMES))
        elif kind == "lower":
            value = exp.Lower(this=value)
        elif kind == "case":
            value = exp.Case(
                ifs=[exp.If(this=exp.EQ(this=value, expression=text(draw(NAMES))), true=text("y"))],
                default=col(draw(NAMES), "s"),
            )
        columns.append(alias(value, draw(NAMES)))
    conds: list[exp.Expr] = [
        exp.EQ(this=col(draw(NAMES), "s"), expression=text(draw(NAMES))),
        exp.In(this=col(draw(NAMES), "s"), expressions=[text(draw(NAMES)), text(draw(NAMES))]),
        exp.not_(exp.Is(this=col(draw(NAMES), "s"), expression=exp.Null())),
    ]
    where = conds[: draw(st.integers(1, 3))]
    cond = exp.and_(*where, copy=False) if len(where) > 1 else where[0]
    source = table(draw(NAMES), "s", db=draw(st.sampled_from([None, "ENT"])))
    return exp.select(*columns).from_(source).where(cond)


@settings(max_examples=150, deadline=None)
@given(trees(), trees())
def test_arbitrary_queries_over_crafted_names_are_written_as_sqlglot_writes_them(
    one: exp.Select, two: exp.Select
) -> None:
    same(one)
    same(two)  # possibly of the first one's shape, filled with other names
