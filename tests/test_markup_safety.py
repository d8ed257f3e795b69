"""User text is never read as rich markup: a name, description, note, reason, message, path
or state location holding `[/x`, `[bold`, `\\[`, `]`, `[/]` or `[link=...]` is printed as it
is, with colour and without, and never raises MarkupError (a traceback) or drops text.

`rich.markup.escape` cannot make that safe: it escapes a `[` only when a `]` follows in the
same text, so a text's `[/x` closed by the `]` of the next text was a tag (MarkupError), and
`x[bold` followed by ` y]` swallowed both."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pytest
from conftest import RunEngage
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console
from test_plan_support import REPO

from compiler.commands import sync as sync_command
from compiler.emit.sync.runner import RunResult
from compiler.plan.definition import (
    AttributeChange,
    Change,
    Conflict,
    Plan,
    Requirement,
    SourceRef,
    StateRef,
    Summary,
)
from compiler.plan.planfile import seal
from compiler.render.findings_text import as_printed
from compiler.render.plan_text import plain, render_text, styled, text_chunks
from compiler.render.plan_values import value, visible

TRICKY = r"a [/x b] [bold]z[/] \[q] [link=https://e.x]l[/link] x[bold y ] c\ [/]"
ANSI = re.compile(r"\x1b\[[0-9;?]*[a-zA-Z]|\x1b\]8;[^\x1b]*\x1b\\")


def _uncoloured(text: str) -> str:
    return ANSI.sub("", text)


@pytest.fixture(params=[False, True], ids=["plain", "colour"])
def colour(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> bool:
    """Without colour (NO_COLOR: no rich on the plan's path) and with (FORCE_COLOR: rich
    prints Text built from the pieces)."""
    if request.param:
        monkeypatch.delenv("NO_COLOR", raising=False)
        monkeypatch.setenv("FORCE_COLOR", "1")
    return bool(request.param)


def _tricky_ecosystem() -> Path:
    """The example ecosystem in a folder whose path holds `[/x`, its name and a group's
    description the tricky text."""
    root = Path("e [") / "x"
    shutil.copytree(REPO / "ecosystem", root)
    main = root / "ecosystem.yaml"
    text = main.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^(  name: ).*$", lambda m: f"{m.group(1)}'{TRICKY}'", text, count=1)
    old = "description: The DPO office; approves anything that changes consent or personal data."
    assert old in text
    text = text.replace(old, f"description: '{TRICKY}'")
    main.write_text(text, encoding="utf-8")
    return root


def test_plan_and_show_print_user_text_as_it_is(engage: RunEngage, colour: bool) -> None:
    root = _tricky_ecosystem()
    state = "st [/x] [bold].json"
    made = engage(
        "plan", str(root), "--env", "production", "--state", state, "--out", "p.plan.json"
    )
    assert made.code == 2, made.err
    out = _uncoloured(made.out)
    assert "Traceback" not in made.out + made.err
    assert out.startswith(f"engage plan for ecosystem {TRICKY}, environment production")
    assert f"State: {state} (lineage" in out
    assert f"description = {value(TRICKY)}" in out
    assert ("\x1b[" in made.out) is colour
    shown = engage("show", "p.plan.json")
    assert shown.code == 0, shown.err
    shown_out = _uncoloured(shown.out)
    assert f"engage plan for ecosystem {TRICKY}" in shown_out
    assert f"description = {value(TRICKY)}" in shown_out
    assert engage("show", "p.plan.json", "--out", "p.txt").code == 0
    saved = Path("p.txt").read_text(encoding="utf-8")
    assert saved.startswith(f"engage plan for ecosystem {TRICKY}, environment production")


def test_init_validate_generate_print_paths_as_they_are(engage: RunEngage, colour: bool) -> None:
    folder = "d[bold]x [/x"
    Path("d[bold]x [").mkdir()
    made = engage("init", folder)
    assert made.code == 0, made.err
    assert f"engage validate {folder}" in _uncoloured(made.out)
    assert f"created {Path(folder) / 'ecosystem.yaml'}" in _uncoloured(made.out)
    again = engage("init", folder)
    assert again.code == 1
    assert f"error: {folder} already holds files" in _uncoloured(again.err)
    checked = engage("validate", folder)
    assert checked.code == 0, checked.out + checked.err
    assert "Traceback" not in checked.out + checked.err
    out = "g[/x] [link=mailto:e]"
    Path("g[").mkdir()
    generated = engage("generate", folder, "--out", out)
    assert generated.code == 0, generated.out + generated.err
    assert f"files into {out}" in _uncoloured(generated.out)


def test_sync_report_and_error_print_paths_and_reasons_as_they_are(
    capsys: pytest.CaptureFixture[str], colour: bool
) -> None:
    result = RunResult(read=3, accepted=1, rejected=1, reasons={"bad [/x": 1, "y]": 1})
    sync_command._report(result, Path("s [/x.csv"), Path("o].csv"), Path("r[bold].csv"))
    assert sync_command._error(f"cannot read {TRICKY}") == 1
    captured = capsys.readouterr()
    out = _uncoloured(captured.out)
    assert "read 3 rows from s [/x.csv: 1 accepted -> o].csv, 1 rejected -> r[bold].csv" in out
    assert "bad [/x" in out and "y]" in out
    assert f"error: cannot read {TRICKY}" in _uncoloured(captured.err)


def test_graph_focus_error_prints_the_focus_as_it_is(engage: RunEngage, colour: bool) -> None:
    shutil.copytree(REPO / "ecosystem", "ecosystem")
    focus = "nothing[/x] [bold]here"
    failed = engage("graph", "ecosystem", "--focus", focus)
    assert failed.code == 1
    assert "Traceback" not in failed.err
    assert "nothing[/x] [bold]here" in _uncoloured(failed.err)


# Any text at all, markup-like text weighted in.
TEXT = st.one_of(
    st.text(max_size=20),
    st.lists(
        st.sampled_from(["[", "]", "/", "\\", "x", "bold", "link=", "=", " ", "[/]", "é", ":"]),
        max_size=10,
    ).map("".join),
)


def _console(colour: bool) -> tuple[Console, io.StringIO]:
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


@settings(max_examples=300, deadline=None)
@given(st.lists(TEXT, min_size=14, max_size=14), st.booleans())
def test_every_user_field_is_rendered_verbatim(texts: list[str], colour: bool) -> None:
    (eco, env, location, note, reason, address, path, before, after) = texts[:9]
    (message, file, policy, group, member) = texts[9:]
    change = Change(
        address=address,
        kind="data_extension",
        action="update",
        risks=["data_loss"],
        notes=[note],
        reasons=[reason],
        attributes=[AttributeChange(path=path, op="change", before=before, after=after)],
    )
    plan = seal(
        Plan(
            engage_version="0",
            ecosystem=eco,
            environment=env,
            source=SourceRef(path="ecosystem", digest="x"),
            state=StateRef(location=location, lineage=None, serial=0),
            summary=Summary(change=1),
            changes=[change],
            required_approvals=[
                Requirement(
                    policy=policy, group=group, count=1, members=[member], addresses=[address]
                )
            ],
            conflicts=[Conflict(code="E1", severity="error", message=message, file=file)],
            targets=[address],
        )
    )
    text = plain(render_text(plan))
    expected = [eco, env, location, note, reason, address, message, policy, group, member]
    expected.append(f"{path}: {value(before)} -> {value(after)}")
    if file:
        expected.append(f"{file}:0:0: {message}")
    for field in expected:
        assert visible(field) in text
    made, out = _console(colour)
    for chunk in text_chunks(plan, size=1):
        made.print(styled(chunk), end="")
    assert _uncoloured(out.getvalue()) == as_printed(text)
