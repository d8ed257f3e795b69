"""Options and helpers shared by the commands."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:  # imported where used: `engage check` served from its cache needs neither
    from compiler.pipeline import Compilation

F = TypeVar("F", bound=Callable[..., Any])

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_CHANGES = 2


def default_path() -> str:
    return "ecosystem" if Path("ecosystem").is_dir() else "."


def path_argument(func: F) -> F:
    return click.argument(
        "path",
        required=False,
        type=click.Path(path_type=Path),
        metavar="[PATH]",
    )(func)


# Leaving out --env means one thing in every command (README, "Leaving out --env"): the
# ecosystem's `default_environment`, else the base. `validate` and `check` then also
# validate and analyze the base and every other environment, so that no overlay's
# error is missed; `--env NAME` restricts them to NAME.
ENV_HELP = (
    "Environment whose overlays apply (default: the ecosystem's default_environment, "
    "else the base)."
)
CHECKING_ENV_HELP = (
    "Check only this environment (default: the base and every environment, the "
    "default_environment included)."
)


def env_option(func: F) -> F:
    """--env for a command that works on one environment."""
    return click.option("--env", "environment", metavar="NAME", default=None, help=ENV_HELP)(func)


def checking_env_option(func: F) -> F:
    """--env for `validate` and `check`, which check every environment without it."""
    return click.option(
        "--env", "environment", metavar="NAME", default=None, help=CHECKING_ENV_HELP
    )(func)


def resolve_path(path: Path | None) -> Path:
    return path if path is not None else Path(default_path())


def compile_for(path: Path | None, environment: str | None) -> Compilation:
    """For `validate` and `check`: without --env, the base and every environment."""
    from compiler.pipeline import compile_path

    return compile_path(resolve_path(path), environment, all_environments=environment is None)


def compile_one(path: Path | None, environment: str | None) -> Compilation:
    """For the commands that work on one environment: --env, else the default one."""
    from compiler.compile_default import compile_default

    return compile_default(resolve_path(path).as_posix(), environment)


def print_findings_text(comp: Compilation, ok_message: str) -> None:
    from compiler.render.console import make_console
    from compiler.render.findings_text import print_pieces, render_findings, summary_line

    console = make_console()
    render_findings(console, comp.findings)
    line = summary_line(comp.findings)
    if comp.ok:
        print_pieces(console, ("OK", "bold green"), (f" {ok_message} ", None), (f"({line})", "dim"))
    else:
        print_pieces(console, ("FAILED", "bold red"), (f" {line}", None))
