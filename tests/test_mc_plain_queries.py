"""Plain query activities written from a template (`queries._Plain`) against the tree
path: the same text as sqlglot writes for the query's own tree, parsed back clean with
its T-SQL dialect; rules that are not plain go through the tree; a template that does
not fill to the first query's text is never used."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlglot
from conftest import compile_eco
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlglot import exp

from compiler.diagnostics import Finding
from compiler.emit.marketing_cloud import emit, queries, tsql
from compiler.emit.shape_text import fill

BASIC = Path(__file__).resolve().parent / "fixtures" / "marketing_cloud" / "basic"
EXAMPLE = Path(__file__).resolve().parents[1] / "ecosystem"

NAME = st.text(
    alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_",
    min_size=1,
    max_size=70,
)


@pytest.fixture(autouse=True)
def fresh() -> Iterator[None]:
    queries._RECIPES.clear()
    yield
    queries._RECIPES.clear()


def tree_text(recipe: queries._Plain) -> str:
    """What sqlglot writes for the plain query's own tree, built here with sqlglot's
    builders (no helper of queries.py)."""
    columns = [
        exp.Alias(
            this=exp.Column(
                this=exp.to_identifier(a, quoted=True), table=exp.to_identifier("s", quoted=True)
            ),
            alias=exp.to_identifier(b, quoted=True),
        )
        for a, b in recipe.columns
    ]
    table = exp.Table(
        this=exp.to_identifier(recipe.table, quoted=True),
        db=exp.to_identifier(recipe.db) if recipe.db else None,
        alias=exp.TableAlias(this=exp.to_identifier("s", quoted=True)),
    )
    select = exp.select(*columns).from_(table)
    conds = [
        exp.not_(
            exp.Is(
                this=exp.Column(
                    this=exp.to_identifier(n, quoted=True),
                    table=exp.to_identifier("s", quoted=True),
                ),
                expression=exp.Null(),
            )
        )
        for n in recipe.required
    ]
    if conds:
        select = select.where(exp.and_(*conds))
    return select.sql(dialect="tsql", pretty=True) + "\n"


@settings(max_examples=150, deadline=None)
@given(
    db=st.sampled_from([None, "ENT", "ParentBU"]),
    table=NAME,
    columns=st.lists(st.tuples(NAME, NAME), min_size=1, max_size=8),
    picks=st.lists(st.integers(min_value=0, max_value=7), max_size=8),
)
def test_a_filled_template_is_the_trees_text(
    db: str | None, table: str, columns: list[tuple[str, str]], picks: list[int]
) -> None:
    required = tuple(dict.fromkeys(columns[i % len(columns)][0] for i in picks))
    recipe = queries._Plain(db, table, tuple(columns), required)
    text = fill(queries._template(recipe), recipe.names())
    assert text == tree_text(recipe)
    parsed = sqlglot.parse_one(text, read="tsql")
    assert parsed.sql(dialect="tsql", pretty=True) + "\n" == text
    assert tsql.problems(text) == []


def test_names_not_plain_have_no_key() -> None:
    assert queries._Plain(None, "t", (("a]", "b"),), ()).key() is None
    assert queries._Plain(None, "t a", (("a", "b"),), ()).key() is None
    assert queries._Plain(None, "t", (("a", "b"),), ("é",)).key() is None
    many = tuple((f"a{i}", f"b{i}") for i in range(2048))
    assert queries._Plain(None, "t", many, ()).key() is None
    assert queries._Plain(None, "t", many[:2047], ("a",)).key() is not None
    one = queries._Plain("ENT", "tab", (("ab", "c"),), ("ab",))
    assert one.key() == ("ENT", 1, (3, 2, 1, 2))
    assert one.names() == ["tab", "ab", "c", "ab"]


def test_placeholders_are_their_names_length_and_distinct() -> None:
    assert queries._placeholder(0, 1) == "\ue000"
    assert queries._placeholder(3, 4) == "\ue003\uf8ff\uf8ff\uf8ff"
    assert "[" not in queries._placeholder(1, 2)


def emitted(
    root: Path, plain: bool, monkeypatch: pytest.MonkeyPatch
) -> tuple[dict[str, bytes], list[Finding]]:
    queries._RECIPES.clear()
    with monkeypatch.context() as m:
        if not plain:
            m.setattr(queries, "_plain_recipe", lambda ctx, mapped: None)
        comp = compile_eco(root)
        assert comp.resolved is not None
        arts, findings = emit(comp.resolved)
        arts2, findings2 = emit(comp.resolved)  # the second time from the templates
    out: dict[str, bytes] = {a.path: a.content for a in arts}
    assert out == {a.path: a.content for a in arts2} and findings == findings2
    return out, findings


def checked(root: Path) -> dict[str, bool]:
    comp = compile_eco(root)
    assert comp.resolved is not None
    from compiler.emit.marketing_cloud import build_queries
    from compiler.emit.marketing_cloud.names import data_extensions

    infos, _ = data_extensions(comp.resolved)
    found, _ = build_queries(comp.resolved, infos)
    return {q.key: q.checked for q in found}


@pytest.mark.parametrize(
    ("root", "plain"), [(BASIC, False), (EXAMPLE, False)], ids=["mc-basic", "example"]
)
def test_the_fixtures_emit_as_the_tree_path(
    root: Path, plain: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    tree = emitted(root, False, monkeypatch)
    queries._RECIPES.clear()
    tree_checked = checked(root)
    assert emitted(root, True, monkeypatch) == tree
    assert bool(queries._RECIPES) is plain
    assert all(v is not None for v in queries._RECIPES.values())
    assert checked(root) == tree_checked


RULE = """  brand_audience:
    integration: hourly
    source: mc.master
    target: mc.audience
    match: {source: Key, target: Subscriber_Key}
    respect_consent: [email]
    filter:
      - {field: Segment, value: GOLD}
    fields:
      Subscriber_Key: Key
      Email: Email
"""
PLAIN = """  brand_audience:
    integration: hourly
    source: mc.master
    target: mc.audience
    match: {source: Key, target: Subscriber_Key}
    fields:
      Subscriber_Key: Key
      Email: Email
"""
AUDIENCE = (
    "      Email: {type: EmailAddress, length: 254, required: true}\n"
    "    sendable: {field: Subscriber_Key}\n"
)
FIELDS = (
    "      FirstName: {type: Text, length: 20, required: true}\n"
    "      Short: {type: Text, length: 5}\n"
    "      Mail: {type: EmailAddress, length: 100}\n"
)


def edited(text: str, rule: str, table: str) -> str:
    """The fixture with `rule` for brand_audience, more fields in its target and `table`
    as the name of its source."""
    assert RULE in text and AUDIENCE in text
    text = text.replace(RULE, rule, 1).replace(
        AUDIENCE, AUDIENCE.replace("    sendable", FIELDS + "    sendable"), 1
    )
    return text.replace("name: Customer Master", f"name: {table}", 1)


VARIANTS = {
    "plain": (PLAIN, True),
    "one field twice": (PLAIN + "      FirstName: Key\n", True),
    "filter": (PLAIN + "    filter: [{field: Segment, value: GOLD}]\n", False),
    "consent": (PLAIN + "    respect_consent: [email]\n", False),
    "update": (PLAIN + "    mode: update\n", False),
    "transform": (PLAIN.replace("Email: Email", "Email: {from: Email, transform: lower}"), False),
    "constant": (PLAIN + "      FirstName: {value: x}\n", False),
    "another required": (PLAIN + "      FirstName: FirstName\n", True),
    "cut": (PLAIN + "      Short: FirstName\n", False),
    "key cut": (PLAIN + "      Short: Key\n", False),
    "e-mail guard": (PLAIN + "      Mail: Email\n", False),
    "key not unique": (PLAIN.replace("Subscriber_Key: Key", "Subscriber_Key: Email"), False),
}


@pytest.mark.parametrize("table", ["Customer_Master", "Customer Master"])
@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_a_rule_is_plain_only_when_its_tree_is(
    variant: str, table: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A filter, consent, an update, a transform, a constant or a key from a field that is
    not unique each make the rule go through its tree, and so does a name that is not
    plain (a space in the source's name); either way the output is the tree path's."""
    rule, plain = VARIANTS[variant]
    root = tmp_path / "eco"
    shutil.copytree(BASIC, root)
    path = root / "ecosystem.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(edited(text, rule, table), encoding="utf-8")
    tree = emitted(root, False, monkeypatch)
    queries._RECIPES.clear()
    tree_checked = checked(root)
    assert emitted(root, True, monkeypatch) == tree
    assert bool(queries._RECIPES) is (plain and table != "Customer Master")
    assert all(v is not None for v in queries._RECIPES.values())  # the template is used
    assert checked(root) == tree_checked


def plain_root(tmp: Path, rule: str = PLAIN) -> Path:
    root = tmp / f"eco{rule.count(chr(10))}"
    if root.exists():
        return root
    shutil.copytree(BASIC, root)
    path = root / "ecosystem.yaml"
    text = edited(path.read_text(encoding="utf-8"), rule, "Customer_Master")
    path.write_text(text, encoding="utf-8")
    return root


def test_a_template_that_fills_wrong_is_never_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = plain_root(tmp_path)
    want = emitted(root, False, monkeypatch)
    queries._RECIPES.clear()
    monkeypatch.setattr(queries, "_template", lambda recipe: (("SELECT 1\n",), ()))
    comp = compile_eco(root)
    assert comp.resolved is not None
    for _ in range(2):
        arts, findings = emit(comp.resolved)
        assert ({a.path: a.content for a in arts}, findings) == want
    assert queries._RECIPES and all(v is None for v in queries._RECIPES.values())


def test_the_recipes_are_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for rule in (PLAIN, VARIANTS["one field twice"][0]):
        comp = compile_eco(plain_root(tmp_path, rule))
        assert comp.resolved is not None
        emit(comp.resolved)
    assert len(queries._RECIPES) == 2
    queries._RECIPES.clear()
    monkeypatch.setattr(queries, "MAX_RECIPES", 1)
    for rule in (PLAIN, VARIANTS["one field twice"][0]):
        comp = compile_eco(plain_root(tmp_path, rule))
        assert comp.resolved is not None
        emit(comp.resolved)
    assert len(queries._RECIPES) == 1


def test_a_kept_query_is_never_claimed_clean(tmp_path: Path) -> None:
    """A query written by the user is kept as it is and not judged: it is not `checked`
    (that flag says a query of engage's own is of a shape found clean)."""
    root = tmp_path / "eco"
    shutil.copytree(BASIC, root)
    path = root / "ecosystem.yaml"
    text = path.read_text(encoding="utf-8")
    head = "  brand_audience:\n    integration: hourly\n"
    kept = (
        '    query: {key: kept_key, sql: "SELECT Key AS Subscriber_Key FROM [Customer Master]"}\n'
    )
    path.write_text(text.replace(head, head + kept, 1), encoding="utf-8")
    found = checked(root)
    assert found["kept_key"] is False
    assert set(found.values()) == {False, True}
