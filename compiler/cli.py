"""The command line: parses options, calls the stages, renders, maps outcomes to exit codes.

Exit codes: 0 success / no changes, 1 error (bad input, findings at --fail-on, refusal),
2 changes present (`engage plan`, like `terraform plan -detailed-exitcode`).
"""

from __future__ import annotations

import atexit
import gc
import importlib
import os
import sys
import traceback

import click

from compiler import __version__

# name → module; each module defines a click command of the same name. Commands are
# imported only when used, so `engage validate` does not pay for DuckDB, sqlglot or lxml.
COMMANDS: dict[str, str] = {
    "validate": "compiler.commands.validate",
    "check": "compiler.commands.check",
    "graph": "compiler.commands.graph",
    "plan": "compiler.commands.plan",
    "show": "compiler.commands.show",
    "approve": "compiler.commands.approve",
    "apply": "compiler.commands.apply",
    "state": "compiler.commands.state",
    "generate": "compiler.commands.generate",
    "sync": "compiler.commands.sync",
    "rules": "compiler.commands.rules",
    "schema": "compiler.commands.schema",
    "docs": "compiler.commands.docs",
    "init": "compiler.commands.init",
    "import": "compiler.commands.import_",
    "drift": "compiler.commands.drift",
    "fmt": "compiler.commands.fmt",
}

# Commands whose function cannot carry the command's name (`import` is a keyword).
ATTRIBUTES = {"import": "import_"}


class LazyGroup(click.Group):
    """A group whose subcommands are imported on first use."""

    def list_commands(self, ctx: click.Context | None) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context | None, cmd_name: str) -> click.Command | None:
        module = COMMANDS.get(cmd_name)
        if module is None:
            return None
        command = getattr(importlib.import_module(module), ATTRIBUTES.get(cmd_name, cmd_name))
        assert isinstance(command, click.Command)
        return command

    def all_commands(self) -> list[click.Command]:
        return [c for n in self.list_commands(None) if (c := self.get_command(None, n))]


@click.group(
    cls=LazyGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, prog_name="engage")
@click.option(
    "--no-color",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=lambda _ctx, _param, value: os.environ.__setitem__("NO_COLOR", "1") if value else None,
    help="Plain output, no colour or bold (the same as setting NO_COLOR=1).",
)
@click.option(
    "--quiet",
    "-q",
    is_flag=True,
    help="No progress on stderr (shown only on a terminal, for commands running over 2 s).",
)
@click.pass_context
def cli(ctx: click.Context, quiet: bool) -> None:
    """engage: compile a customer-engagement ecosystem described as YAML.

    \b
    Typical flow:
      engage validate ecosystem/        check the language and references
      engage check ecosystem/           validate + detect conflicts
      engage plan --out plans/x.plan.json
      engage approve plans/x.plan.json --as NAME
      engage apply plans/x.plan.json

    --no-color (or NO_COLOR=1) for plain output.
    """
    from compiler import progress

    ctx.with_resource(progress.session(ctx.invoked_subcommand or "", quiet=quiet))


def _freeze_at_exit() -> None:
    """At interpreter exit, before its last collections: everything still alive is left
    to the OS instead of being walked once more (0.3 CPU-s of a 10k-resource check)."""
    gc.disable()
    gc.freeze()


def _restore_collector(was_enabled: bool, was_frozen: int) -> None:
    """The collector as the caller had it, so a program or test calling `main` in
    process keeps its own. The command's survivors go to the oldest generation (freeze,
    then unfreeze) instead of the youngest, so re-enabling the collector does not start
    with a scan of everything the command allocated; the next full collection sees them
    as it would have anyway."""
    if was_frozen == 0:  # a caller's own frozen objects are not ours to thaw
        gc.freeze()
        gc.unfreeze()
    if was_enabled:
        gc.enable()


def main(argv: list[str] | None = None) -> None:
    # One command, then exit: the cyclic garbage collector would only rescan a heap of
    # parsed values that reference counting frees anyway (see compiler.gcpause). It is
    # paused for the command and restored on return; at exit nothing is rescanned.
    was_enabled, was_frozen = gc.isenabled(), gc.get_freeze_count()
    gc.disable()
    atexit.unregister(_freeze_at_exit)  # registered once however often main runs
    atexit.register(_freeze_at_exit)
    try:
        code = cli.main(args=argv, prog_name="engage", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(130)
    except click.ClickException as err:
        err.show()
        sys.exit(1)  # usage errors exit 1: exit 2 means "changes" for `engage plan`
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)
    except Exception as err:
        if os.environ.get("ENGAGE_DEBUG"):
            traceback.print_exc()
        click.echo(
            f"engage: internal error: {type(err).__name__}: {err}\n"
            "This is a bug in engage, not in your ecosystem; set ENGAGE_DEBUG=1 for the "
            "traceback and report it.",
            err=True,
        )
        sys.exit(3)
    finally:
        _restore_collector(was_enabled, was_frozen)
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    main()
