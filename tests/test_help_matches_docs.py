"""The README's command table and docs/ say what `--help` says: every option a command
takes is documented, and every option the docs write after `engage COMMAND` exists.

Read from the real click commands (what `--help` prints), not from a list kept by hand.
"""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest

from compiler.cli import cli

REPO = Path(__file__).resolve().parent.parent
DOCS = [*sorted((REPO / "docs").glob("*.md")), REPO / "README.md"]
OPTION = re.compile(r"(?<![\w-])--[a-z][a-z0-9-]*")


def _commands() -> dict[str, click.Command]:
    """Every command by its full name: `check`, `state mv`, `sync run`..."""
    out: dict[str, click.Command] = {}
    group = cli
    assert isinstance(group, click.Group)
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None
        if isinstance(command, click.Group):
            for sub in command.list_commands(ctx):
                child = command.get_command(ctx, sub)
                assert child is not None
                out[f"{name} {sub}"] = child
        else:
            out[name] = command
    return out


COMMANDS = _commands()


def _options(command: click.Command, hidden: bool = False) -> set[str]:
    names: set[str] = {"--help"}
    for param in command.params:
        if isinstance(param, click.Option) and (hidden or not param.hidden):
            names |= {o for o in [*param.opts, *param.secondary_opts] if o.startswith("--")}
    return names


def _text() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in DOCS)


def _usages() -> list[tuple[str, str, str]]:
    """(file:line, command, the rest of the line) for each `engage COMMAND ...` the docs
    write: README's table rows and the synopsis / example lines of docs/."""
    found: list[tuple[str, str, str]] = []
    names = sorted(COMMANDS, key=len, reverse=True)  # `state mv` before `state`
    pattern = re.compile(r"engage (" + "|".join(re.escape(n) for n in names) + r")\b")
    for path in DOCS:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for match in pattern.finditer(line):
                rest = line[match.end() :]
                stop = re.search(r"`|\||;| && | \|\| |engage ", rest)
                found.append(
                    (
                        f"{path.relative_to(REPO)}:{number}",
                        match.group(1),
                        rest[: stop.start()] if stop else rest,
                    )
                )
    return found


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_option_of_the_command_is_documented(name: str) -> None:
    text = _text()
    missing = sorted(o for o in _options(COMMANDS[name]) - {"--help"} if o not in text)
    assert not missing, f"engage {name}: {missing} appear in --help but nowhere in docs/ or README"


def test_every_option_the_docs_write_exists() -> None:
    usages = _usages()
    assert len(usages) > 50, "the docs name engage commands everywhere"
    wrong = []
    for where, name, rest in usages:
        # the group's own subcommands (`state list|show`) are words, not options
        known = _options(COMMANDS[name], hidden=False)
        for option in OPTION.findall(rest):
            if option not in known:
                wrong.append(f"{where}: engage {name} {option}")
    assert not wrong, "options the docs write but --help does not know:\n" + "\n".join(wrong)


def test_every_command_has_a_row_in_the_readme_table() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    rows = [line for line in readme.splitlines() if line.startswith("| `engage ")]
    for name in COMMANDS:
        top = name.split()[0]
        assert any(row.startswith(f"| `engage {top}") for row in rows), name


def test_a_stale_option_in_the_docs_would_be_found(tmp_path: Path) -> None:
    """The check above can fail: an option a command does not have is reported."""
    known = _options(COMMANDS["apply"])
    assert "--out" in known and "--out-dir" not in known  # hidden: its old name
    assert "--frobnicate" not in _options(COMMANDS["check"])
    assert OPTION.findall("PLAN [--source PATH] [--out-dir DIR]") == ["--source", "--out-dir"]
