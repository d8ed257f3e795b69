"""The README's two opening commands are the ones CI runs: the test command installs the
same extras `.ci/run` installs and ends in the same test run, and the first command checks
the example ecosystem with the `engage` the package installs."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def readme_commands() -> list[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    block = re.search(r"\A# engage\n\n```sh\n(.*?)\n```", text, re.DOTALL)
    assert block, "README.md must open with a sh block of its two commands"
    return block.group(1).splitlines()


def ci_lines() -> list[str]:
    text = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    return [
        line.strip()
        for line in text.splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]


def extras(command: str) -> set[str]:
    found = re.search(r'-e "\.\[([a-z0-9_,-]+)\]"', command)
    assert found, f"no editable install with extras in: {command}"
    return set(found.group(1).split(","))


def test_readme_opens_with_two_commands() -> None:
    commands = readme_commands()
    assert len(commands) == 2
    assert commands[0].endswith("&& engage check ecosystem/")
    assert commands[1].endswith("&& python -m pytest")


def test_test_command_installs_what_ci_installs() -> None:
    installs = [line for line in ci_lines() if "pip install" in line and "-e " in line]
    assert len(installs) == 1, installs
    assert extras(readme_commands()[1]) == extras(installs[0])


def test_ci_ends_with_the_readme_test_run() -> None:
    test_run = readme_commands()[1].split("&&")[-1].strip()
    assert ci_lines()[-1] == test_run


def test_extras_named_exist() -> None:
    declared = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    optional = set(declared["project"]["optional-dependencies"])
    for command in readme_commands():
        assert extras(command) <= optional, command


def test_engage_is_an_installed_script() -> None:
    declared = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert "engage" in declared["project"]["scripts"]
