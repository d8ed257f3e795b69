"""compiler/emit/marketing_cloud/shapes.py paths the mutation run found untested: a tree
holding an argument that cannot be part of a shape's key (an unhashable value: sqlglot
keeps whatever a node's args are given) is written from its own tree, byte for byte,
not known clean, and leaves no shape behind."""

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
