"""Plans printed and saved a piece at a time: the text's pieces render through rich as the
whole text does (colour or not, whatever markup-like text the plan holds, which is
printed as it is), and `engage
show` writes and prints the same bytes in pieces as the saved plan and the whole text."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

from conftest import RunEngage
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console
from test_plan_support import REPO

from compiler.plan.definition import AttributeChange, Change, Plan, SourceRef, StateRef, Summary
from compiler.plan.planfile import load_plan, plan_json, save_plan, seal
from compiler.render.findings_text import as_printed
from compiler.render.plan_text import Piece, plain, render_text, styled, text_chunks
from compiler.render.plan_values import visible

# What could open, close or escape rich markup, or span lines: brackets, backslashes,
# tag-like words, emoji codes, tabs, control characters.
MARKUPISH = st.lists(
    st.sampled_from(["[", "]", "/", "\\", "a", "bold", ":", "smile", " ", "\t", "\x1b", "é", "\n"]),
    max_size=12,
).map("".join)


def console(colour: bool) -> tuple[Console, io.StringIO]:
    """A console as `make_console` makes one, printing to a string."""
    out = io.StringIO()
    made = Console(
        file=out,
        color_system="truecolor" if colour else None,
        force_terminal=colour,
        highlight=False,
        soft_wrap=True,
        emoji=False,
        width=200,
    )
    return made, out


def plan_of(texts: list[str]) -> Plan:
    changes = [
        Change(
            address=f"data_extension.{text}{i}",
            kind="data_extension",
            action=("create", "update", "delete", "replace")[i % 4],
            risks=["data_loss"] if i % 2 else [],
            notes=[text] if i % 2 else [],
            reasons=[f"{text}]"] if i % 4 == 3 else [],
            attributes=[
                AttributeChange(path=f"fields.{text}", op="add", after={text: text}),
                AttributeChange(path="name", op="change", before=text, after=f"[{text}"),
                AttributeChange(path=text, op="remove", before=[text], forces_replacement=True),
            ],
        )
        for i, text in enumerate(texts)
    ]
    return seal(
        Plan(
            engage_version="0",
            ecosystem=texts[0] if texts else "eco",
            environment=None,
            source=SourceRef(path="ecosystem", digest="x"),
            state=StateRef(location="s.json", lineage=None, serial=0),
            summary=Summary(add=len(changes)),
            changes=changes,
            targets=texts[:1],
        )
    )


def printed(chunks: list[list[Piece]], colour: bool) -> str:
    made, out = console(colour)
    for chunk in chunks:
        made.print(styled(chunk), end="")
    return out.getvalue()


@settings(max_examples=1000, deadline=None)
@given(st.lists(MARKUPISH, min_size=1, max_size=6), st.sampled_from([1, 40, 1 << 16]))
def test_the_pieces_print_as_the_whole_text(texts: list[str], size: int) -> None:
    plan = plan_of(texts)
    whole = render_text(plan)
    chunks = list(text_chunks(plan, size=size))
    assert [piece for chunk in chunks for piece in chunk] == whole
    assert all(chunk[-1] == ("\n", None) for chunk in chunks)
    if size == 1:  # the head, each change, the foot
        assert len(chunks) == len(plan.changes) + 2
    assert "".join(plain(chunk) for chunk in chunks) == plain(whole)
    for text in texts:  # markup-like text is text: printed as it is
        assert visible(text) in plain(whole)
    for colour in (False, True):
        assert printed(chunks, colour) == printed([whole], colour)
    assert printed(chunks, colour=False) == as_printed(plain(whole))


def test_pieces_are_whole_changes_of_about_the_size() -> None:
    plan = plan_of([f"c{i}" for i in range(200)])
    pieces = [plain(chunk) for chunk in text_chunks(plan, size=2000)]
    assert 1 < len(pieces) < 200
    assert all(piece.startswith(("engage plan", "  # ", "Plan: ")) for piece in pieces)
    assert all(len(piece) < 2000 + 1000 for piece in pieces[1:])  # the head holds the risks


def test_no_changes_is_one_piece() -> None:
    plan = plan_of([]).model_copy(update={"summary": Summary(unchanged=3)})
    assert list(text_chunks(plan, size=1)) == [render_text(plan)]
    assert "No changes." in plain(render_text(plan))


def test_show_writes_and_prints_the_saved_plan_and_its_text(engage: RunEngage) -> None:
    shutil.copytree(REPO / "ecosystem", "ecosystem")
    saved = Path("plans/production.plan.json")
    assert engage("plan", "ecosystem", "--env", "production", "--out", str(saved)).code == 2
    plan = load_plan(saved)
    assert saved.read_text(encoding="utf-8") == plan_json(plan)
    text = plain(render_text(plan, []))  # show: no approval given yet
    shown = engage("show", str(saved), "--format", "json", "--out", "shown/plan.json")
    assert shown.code == 0, shown.err
    assert Path("shown/plan.json").read_bytes() == saved.read_bytes()
    assert engage("show", str(saved), "--out", "shown/plan.txt").code == 0
    assert Path("shown/plan.txt").read_text(encoding="utf-8") == text
    # a --limit other than the default prints through the same pieces
    assert engage("show", str(saved), "--limit", "2000").out == text
    assert engage("show", str(saved), "--format", "json", "--limit", "2000").out == (
        saved.read_text(encoding="utf-8")
    )


def test_a_saved_plan_of_many_changes_loads_back_equal(tmp_path: Path) -> None:
    plan = plan_of([f"[x{i}]\\" for i in range(300)])
    path = tmp_path / "big.plan.json"
    path.write_bytes(b"an older plan")
    save_plan(plan, path)
    assert load_plan(path) == plan
    assert path.read_text(encoding="utf-8") == plan_json(plan)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big.plan.json"]
