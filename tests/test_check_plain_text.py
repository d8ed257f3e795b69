"""`engage check` prints plain text without rich when rich would print no colour: the
same bytes as the rich console (the oracle: a rich console made as `make_console` makes
it), and rich decides whenever the environment could make it colour."""

from __future__ import annotations

import builtins
import io
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from rich.text import Text

from compiler.cli import cli
from compiler.commands.check import _print_text, _summary
from compiler.render.console import PlainConsole, make_console, plain_stream
from compiler.rules.check import CheckResult, check_path

ROOT = Path(__file__).resolve().parent.parent


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


class _Closed(io.StringIO):
    def isatty(self) -> bool:
        raise ValueError("I/O operation on closed file")


@pytest.fixture
def no_colour_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("NO_COLOR", "FORCE_COLOR", "TTY_COMPATIBLE"):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.usefixtures("no_colour_env")
def test_a_pipe_is_plain(monkeypatch: pytest.MonkeyPatch) -> None:
    stream = io.StringIO()
    monkeypatch.setattr(sys, "stdout", stream)
    assert plain_stream() is stream
    assert make_console().color_system is None  # rich agrees


@pytest.mark.usefixtures("no_colour_env")
def test_a_terminal_is_left_to_rich(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdout", _Tty())
    assert plain_stream() is None
    monkeypatch.setenv("NO_COLOR", "1")
    assert plain_stream() is sys.stdout
    assert make_console().color_system is None


@pytest.mark.usefixtures("no_colour_env")
def test_stderr_is_judged_on_its_own(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdout", io.StringIO())
    monkeypatch.setattr(sys, "stderr", _Tty())
    assert plain_stream(stderr=True) is None
    assert plain_stream() is sys.stdout


@pytest.mark.usefixtures("no_colour_env")
@pytest.mark.parametrize(("name", "value"), [("FORCE_COLOR", "1"), ("TTY_COMPATIBLE", "1")])
def test_settings_that_make_rich_colour_a_pipe_are_left_to_rich(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setattr(sys, "stdout", io.StringIO())
    monkeypatch.setenv(name, value)
    assert plain_stream() is None
    assert make_console().color_system is not None  # rich colours it indeed


@pytest.mark.usefixtures("no_colour_env")
def test_jupyter_is_left_to_rich(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdout", io.StringIO())
    monkeypatch.setattr(builtins, "get_ipython", lambda: None, raising=False)
    assert plain_stream() is None


@pytest.mark.usefixtures("no_colour_env")
def test_a_closed_stream_is_plain_as_rich_takes_it(monkeypatch: pytest.MonkeyPatch) -> None:
    stream = _Closed()
    monkeypatch.setattr(sys, "stdout", stream)
    assert plain_stream() is stream


def test_the_plain_console_has_no_colour() -> None:
    stream = io.StringIO()
    console = PlainConsole(stream)
    assert console.color_system is None
    assert console.file is stream


def _rich_print(result: CheckResult, ok: bool) -> str:
    """The oracle: the findings and the summary through a rich console without colour."""
    from compiler.render.findings_text import render_findings

    stream = io.StringIO()
    console = make_console()
    console.file = stream
    render_findings(console, result.findings)
    summary = Text()
    for piece, style in _summary(result, ok):
        summary.append(piece, style)
    console.print(summary)
    return stream.getvalue()


@pytest.fixture(scope="module")
def results() -> list[CheckResult]:
    folders = [ROOT / "ecosystem", *sorted((ROOT / "tests" / "fixtures").glob("*/"))]
    return [check_path(folder, None) for folder in folders if any(folder.rglob("*.yaml"))]


@pytest.mark.usefixtures("no_colour_env")
def test_plain_output_is_what_rich_prints(
    results: list[CheckResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert len(results) > 10
    kinds = set()
    for result in results:
        for ok in (True, False):
            expected = _rich_print(result, ok)
            stream = io.StringIO()
            monkeypatch.setattr(sys, "stdout", stream)
            printed = _print_text(result, ok)
            assert printed == stream.getvalue() == expected
            kinds.add((result.analyzed, ok, bool(result.findings)))
    assert {k[0] for k in kinds} == {True, False}  # both summaries: analyzed or not


@pytest.mark.usefixtures("no_colour_env")
def test_environment_names_with_brackets_are_printed_as_they_are(
    results: list[CheckResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    from dataclasses import replace

    result = replace(next(r for r in results if r.analyzed), environments=("prod[b]", "x[/y]"))
    stream = io.StringIO()
    monkeypatch.setattr(sys, "stdout", stream)
    printed = _print_text(result, True)
    assert printed == _rich_print(result, True)
    assert "(prod[b], x[/y])" in printed  # never read as markup (it was: `(prod, base)`)


def test_check_does_not_import_rich_on_a_pipe() -> None:
    code = (
        "import sys\n"
        "from compiler.cli import main\n"
        "try:\n"
        f"    main(['check', {str(ROOT / 'ecosystem')!r}])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('rich' in sys.modules, file=sys.stderr)\n"
    )
    env = {"PATH": "/usr/bin:/bin", "ENGAGE_NO_CACHE": "1"}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=env
    )
    assert done.stderr.strip().splitlines()[-1] == "False"
    assert done.stdout.rstrip().splitlines()[-1].startswith("OK ")


def test_colour_is_still_printed_by_rich(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    done = CliRunner().invoke(cli, ["check", str(ROOT / "ecosystem")], env={"FORCE_COLOR": "1"})
    assert "\x1b[" in done.output
    assert "OK" in done.output
