"""compiler/emit/marketing_cloud/shapes.py paths the mutation run found untested: a tree
holding an argument that cannot be part of a shape's key (an unhashable value: sqlglot
keeps whatever a node's args are given) is written from its own tree, byte for byte,
not known clean, and leaves no shape behind; and a full cache is emptied before the next
new shape is kept (MAX_SHAPES bounds the process's memory)."""

from __future__ import annotations

import pytest
from sqlglot import exp

from compiler.emit.marketing_cloud import shapes
from compiler.emit.sql import alias, col, table


@pytest.fixture(autouse=True)
def empty_cache() -> None:
    shapes._SHAPES.clear()


def test_an_argument_no_key_can_hold_gives_the_trees_own_text() -> None:
    tree = exp.select(alias(col("Email", "s"), "Email_Address")).from_(table("Source_A", "s"))
    tree.expressions[0].args["engage_note"] = {"unhashable": True}
    before = tree.sql(dialect="tsql", pretty=True) + "\n"
    assert shapes.render(tree) == (before, False)
    assert before == "SELECT\n  [s].[Email] AS [Email_Address]\nFROM [Source_A] AS [s]\n"
    assert tree.sql(dialect="tsql", pretty=True) + "\n" == before  # texts put back
    assert shapes._SHAPES == {}


def cut_to(length: int) -> exp.Select:
    """A query whose shape differs by a number (numbers are part of the key)."""
    value = exp.Left(this=col("Email", "s"), expression=exp.Literal.number(length))
    return exp.select(alias(value, "Email")).from_(table("Source_A", "s"))


def test_a_full_cache_is_emptied_before_the_next_new_shape(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(shapes, "MAX_SHAPES", 2)
    for length in (10, 20):
        shapes.render(cut_to(length))
    shapes.render(cut_to(10))  # a known shape: nothing evicted
    assert len(shapes._SHAPES) == 2
    sql, clean = shapes.render(cut_to(30))
    assert len(shapes._SHAPES) == 1 and clean
    assert sql == cut_to(30).sql(dialect="tsql", pretty=True) + "\n"
