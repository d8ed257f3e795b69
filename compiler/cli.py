"""The command line: parses options, calls the stages, renders, maps outcomes to exit codes.

Exit codes: 0 success / no changes, 1 error (bad input, findings at --fail-on, refusal),
2 changes present (`engage plan`, like `terraform plan -detailed-exitcode`).
"""

from __future__ import annotations

import os
import sys
import traceback

import click

from compiler import __version__
from compiler.commands.init import init
from compiler.commands.schema import schema
from compiler.commands.validate import validate


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="engage")
def cli() -> None:
    """engage: compile a customer-engagement ecosystem described as YAML.

    \b
    Typical flow:
      engage validate ecosystem/        check the language and references
      engage check ecosystem/           validate + detect conflicts
      engage plan --out plans/x.plan.json
      engage approve plans/x.plan.json --as NAME
      engage apply plans/x.plan.json

    Set NO_COLOR=1 for plain output.
    """


COMMANDS = [validate, schema, init]
for command in COMMANDS:
    cli.add_command(command)


def _register_optional() -> None:
    """Commands of later stages register themselves here as they land."""
    import importlib

    for module, name in (
        ("compiler.commands.check", "check"),
        ("compiler.commands.graph", "graph"),
        ("compiler.commands.plan", "plan"),
        ("compiler.commands.show", "show"),
        ("compiler.commands.approve", "approve"),
        ("compiler.commands.apply", "apply"),
        ("compiler.commands.state", "state"),
        ("compiler.commands.generate", "generate"),
        ("compiler.commands.sync", "sync"),
        ("compiler.commands.rules", "rules"),
        ("compiler.commands.docs", "docs"),
    ):
        try:
            mod = importlib.import_module(module)
        except ModuleNotFoundError as err:
            if err.name == module:
                continue
            raise
        cli.add_command(getattr(mod, name))


_register_optional()


def main(argv: list[str] | None = None) -> None:
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
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    main()
