"""Sync statements from prebuilt shapes (compiler/emit/sync/shapes.py) are byte for byte
what building and rendering each rule gives: on the example ecosystem and the typed
fixture (every transform and type), on rules that share a shape, on hostile names (not
replaced), and on a name that equals a token (the rule is then rendered on its own)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from conftest import compile_eco
from test_sync_hostile import column, hostile_spec

from compiler.emit.sync import build, custom_rules, shapes
from compiler.emit.sync.spec import ConsentCheck, SyncSpec, build_spec
from compiler.model.consent import Storage
from compiler.model.integrations import FileFeed
from compiler.model.sync import Condition
from compiler.resolved import ResolvedEcosystem

ROOT = Path(__file__).resolve().parents[1]
TYPED = ROOT / "tests" / "fixtures" / "sync" / "typed"


def specs(resolved: ResolvedEcosystem) -> list[SyncSpec]:
    out = []
    for name in custom_rules(resolved):
        spec, _ = build_spec(resolved, name, resolved.ecosystem.sync_rules[name])
        if spec is not None:
            out.append(spec)
    return out


@pytest.fixture(autouse=True)
def empty_cache() -> None:
    shapes._SHAPES.clear()


def plain_spec(rule: str, fields: tuple[str, str, str]) -> SyncSpec:
    """A rule with every kind of name and value the shapes replace."""
    key, mail, status = fields
    consent = Storage.model_construct(
        object="Contact_Obj",
        field=status,
        polarity="status",
        opted_in_values=["subscribed"],
        opted_out_values=[],
    )
    return SyncSpec(
        rule=rule,
        source="feed.Records",
        target="mc.target",
        columns=(key, mail, status, "changed_at"),
        file=FileFeed(pattern="*.csv"),
        targets=(
            column(key, key, primary_key=True, required=True, length=18),
            column(mail, mail, type="EmailAddress", length=254, transforms=("lower",)),
            column("Segment", None, constant="retail_brand"),
            column("Tier", status, values=(("gold_tier", "premium"), ("base_tier", "base"))),
            column("Joined", "changed_at", type="Date", transforms=("to_date",)),
            column("Score", mail, type="Number", default=0),
        ),
        key=(key,),
        order_by="changed_at",
        order_type="datetime",
        filters=(Condition.model_construct(field=status, op="ne", value="deleted_row"),),
        consent=(ConsentCheck("email", consent, status, None),),
        addresses=(),
    )


def same(spec: SyncSpec) -> None:
    assert shapes.statements(spec) == build.statements(spec)


@pytest.mark.parametrize("root", [ROOT / "ecosystem", TYPED], ids=["example", "typed"])
def test_every_rule_of_the_fixtures_is_written_as_built(root: Path) -> None:
    comp = compile_eco(root)
    assert comp.ok and comp.resolved is not None
    found = specs(comp.resolved)
    assert found
    for spec in found:
        same(spec)
    assert any(shape is not None for shape in shapes._SHAPES.values())


def test_rules_of_one_shape_share_it_and_get_their_own_names() -> None:
    one = plain_spec("orders_1", ("OrderKey", "EmailAddr", "StatusCol"))
    two = plain_spec("orders_2", ("OrderRef", "MailField", "StateCol1"))
    same(one)
    same(two)
    assert len(shapes._SHAPES) == 1  # same lengths, same equalities: one shape
    assert "orders_2" in shapes.statements(two).duckdb[0]
    assert "OrderKey" not in "".join(shapes.statements(two).duckdb)


def test_a_longer_name_is_another_shape() -> None:
    same(plain_spec("orders_1", ("OrderKey", "EmailAddr", "StatusCol")))
    same(plain_spec("orders_10", ("OrderKeys", "EmailAddr", "StatusCol")))
    assert len(shapes._SHAPES) == 2


def test_equal_names_stay_equal_and_different_ones_different() -> None:
    # the key field is also the mail field here: the builder sees one name, the shape too
    same(plain_spec("orders_1", ("OrderKey", "OrderKey", "StatusCol")))
    same(plain_spec("orders_2", ("OrderRef", "MailAddr", "StatusCol")))
    assert len(shapes._SHAPES) == 2


def test_hostile_names_are_kept_in_the_shape() -> None:
    same(hostile_spec())
    renamed = dataclasses.replace(hostile_spec(), rule="hostile_2")
    same(renamed)


def test_a_name_the_shape_keeps_that_equals_a_token_is_rendered_on_its_own() -> None:
    # strings are numbered as met: the rule 0, "abc" 1 (token "Qj1"), f_2..f_9 2..9; the
    # eleventh string, "Qj1", is too short for its token "Qj10", so the shape keeps it,
    # and in the first alphabet it reads like the token of "abc"
    names = ["abc", *(f"f_{i}" for i in range(2, 10)), "Qj1"]
    spec = dataclasses.replace(
        plain_spec("r_0", ("OrderKey", "EmailAddr", "StatusCol")),
        targets=tuple(column(n, n, primary_key=n == "abc") for n in names),
        key=("abc",),
        order_by=None,
        order_type="",
        filters=(),
        consent=(),
    )
    same(spec)
    assert list(shapes._SHAPES.values()) == [None]
    same(dataclasses.replace(spec, targets=spec.targets[:-1]))  # without it: a shape
    assert [s is None for s in shapes._SHAPES.values()] == [True, False]


@pytest.mark.parametrize(
    "root",
    [ROOT / "ecosystem", TYPED, ROOT / "tests" / "fixtures" / "sync" / "every_transform"],
    ids=["example", "typed", "every_transform"],
)
def test_the_duckdb_statements_alone_are_those_of_both_dialects(root: Path) -> None:
    """`engage sync run` (DuckDB) renders the DuckDB statements alone, without a shape:
    the same text as the shaped statements and as building both dialects."""
    comp = compile_eco(root)
    assert comp.ok and comp.resolved is not None
    rules = specs(comp.resolved)
    assert rules
    for spec in rules:
        alone = build.duckdb_statements(spec)
        assert alone.duckdb == shapes.statements(spec).duckdb == build.statements(spec).duckdb
        assert alone.spark == ()
        assert (alone.rule, alone.extract, alone.checked) == (
            spec.rule,
            *build.views(spec.rule),
        )


def _keyed(spec: SyncSpec) -> tuple[tuple[object, ...], list[str], str, list[str]]:
    """The shape key and strings of `spec`, and the repr and strings `shaped` gives."""
    by_key, by_shape = shapes._Tokens("j"), shapes._Tokens("j")
    key = shapes.shape_key(spec, by_key)
    text = repr(shapes.shaped(spec, by_shape))
    return key, by_key.strings, text, by_shape.strings


def _variants() -> list[SyncSpec]:
    base = plain_spec("orders_1", ("OrderKey", "EmailAddr", "StatusCol"))
    found = [
        base,
        plain_spec("orders_2", ("OrderRef", "MailField", "StateCol1")),
        plain_spec("orders_1", ("OrderKey", "OrderKey", "StatusCol")),
        plain_spec("orders_10", ("OrderKeys", "EmailAddr", "StatusCol")),
        hostile_spec(),
        dataclasses.replace(base, filters=(), consent=()),
        dataclasses.replace(base, order_by=None, order_type=""),
    ]
    # scalars equal in a tuple and different in the text: True, 1, 1.0, 0.0, -0.0, "1"
    for value in (True, 1, 1.0, 0.0, -0.0, "1", "one_value", None):
        found.append(dataclasses.replace(base, targets=(column("Flag", None, constant=value),)))
        found.append(dataclasses.replace(base, targets=(column("Flag", "a_b", default=value),)))
    for name in ("Qj1", "x", "OrderKey"):
        found.append(dataclasses.replace(base, targets=(column(name, "OrderKey", length=9),)))
    for root in (ROOT / "ecosystem", TYPED):
        comp = compile_eco(root)
        assert comp.resolved is not None
        found.extend(specs(comp.resolved))
    return found


def test_the_shape_key_tells_specs_apart_as_the_repr_of_their_shape_does() -> None:
    keyed = [_keyed(spec) for spec in _variants()]
    for key, strings, _, shaped_strings in keyed:
        assert strings == shaped_strings  # the same texts, numbered in the same order
        assert hash(key) == hash(key)
    for one in keyed:
        for two in keyed:
            assert (one[0] == two[0]) == (one[2] == two[2]), (one[2], two[2])


def test_specs_equal_but_for_a_scalar_s_type_have_shapes_of_their_own() -> None:
    base = plain_spec("orders_1", ("OrderKey", "EmailAddr", "StatusCol"))
    for value in (True, 1, 1.0):
        same(dataclasses.replace(base, targets=(column("Flag", "a_b", default=value),)))
    assert len(shapes._SHAPES) == 3
