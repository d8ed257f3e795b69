"""`engage plan`: desired resources vs. state → a plan to review, save, approve and apply.

Exit codes (like `terraform plan -detailed-exitcode`): 0 no changes, 2 changes, 1 error.
"""

from __future__ import annotations

import shlex
import sys
from collections.abc import Sequence
from pathlib import Path

import click

from compiler.commands.common import (
    EXIT_CHANGES,
    EXIT_ERROR,
    EXIT_OK,
    default_path,
    path_argument,
    print_findings_text,
)
from compiler.diagnostics import sort_findings
from compiler.pipeline import Compilation, compile_path
from compiler.plan.approvals import Approval, read_approvals, valid_approvals
from compiler.plan.definition import Plan
from compiler.plan.errors import ConflictError, GenerationError, PlanError
from compiler.plan.make import make_plan
from compiler.plan.planfile import save_plan, write_plan_json
from compiler.render.console import make_console
from compiler.render.findings_text import render_findings

FORMATS = ("text", "markdown", "json")


def report_error(err: PlanError) -> int:
    """Print a refusal on stderr; the exit code of every refusal."""
    click.echo(err.render(), err=True)
    return EXIT_ERROR


def print_plan(plan: Plan, fmt: str, given: Sequence[Approval] | None = None) -> None:
    if fmt == "json":  # streamed: a 100,000-resource plan is 400 MB of JSON
        sys.stdout.flush()  # whatever was echoed as text comes first
        out = sys.stdout.buffer
        write_plan_json(plan, out)
        out.flush()
    elif fmt == "markdown":
        from compiler.render.plan_markdown import render_markdown  # rich: not for json

        click.echo(render_markdown(plan, given), nl=False)
    else:  # a piece at a time: the 100,000-resource text whole was a 2.6 GiB peak
        from compiler.render.plan_text import print_chunks, text_chunks  # rich: not for json

        print_chunks(text_chunks(plan, given))


def _checked(comp: Compilation, path: str, doing: str) -> Compilation | None:
    if comp.ok and comp.resolved is not None:
        return comp
    print_findings_text(comp, "")
    click.echo(f"error: the ecosystem in {path} has errors; fix them before {doing}", err=True)
    return None


def compile_or_report(
    path: str, environment: str | None, doing: str = "planning"
) -> Compilation | None:
    return _checked(compile_path(Path(path), environment), path, doing)


def _void_note(made: Plan, out: Path) -> None:
    """Approvals recorded beside `out` for the plan it held before no longer count."""
    try:
        _, void = valid_approvals(made, read_approvals(out))
    except PlanError:
        return  # a damaged approvals file: approve and apply say so
    if void:
        click.echo(
            f"{void} approval(s) given to the plan this file held before are void: this plan "
            "needs its own.",
            err=True,
        )


@click.command()
@path_argument
@click.option(
    "--env",
    "environment",
    metavar="NAME",
    help="Environment to plan (default: the ecosystem's default_environment, else the base).",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Save the plan, e.g. plans/NAME.plan.json, for `engage approve` and `engage apply`.",
)
@click.option(
    "--state",
    "state_path",
    type=click.Path(dir_okay=False),
    envvar="ENGAGE_STATE",
    help="State file (default: .engage/state/<env or default>.json), or a "
    "postgresql://USER@HOST:PORT/DB URL (password in PGPASSWORD or ~/.pgpass).",
)
@click.option(
    "--assume-empty",
    multiple=True,
    metavar="ADDRESS",
    help="Declare a data extension empty: its key and required fields may change in place.",
)
@click.option(
    "--target",
    "targets",
    multiple=True,
    metavar="ADDRESS",
    help="Plan only this resource and what it depends on (repeatable), as with Terraform's "
    "-target; for exceptional cases, not routine use.",
)
@click.option(
    "--allow-conflicts",
    is_flag=True,
    help="Plan despite `engage check` errors: the plan is marked, and the policies covering "
    "the conflicting resources must approve it.",
)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
def plan(
    path: Path | None,
    environment: str | None,
    out: Path | None,
    state_path: str | None,
    assume_empty: tuple[str, ...],
    allow_conflicts: bool,
    targets: tuple[str, ...],
    fmt: str,
) -> int:
    """Show what applying the ecosystem in PATH would change (exit 0 none, 2 changes, 1 error)."""
    source = (path or Path(default_path())).as_posix()
    try:
        result = make_plan(source, environment, state_path, assume_empty, allow_conflicts, targets)
    except ConflictError as err:
        print_plan(err.plan, fmt)
        return report_error(err)
    except GenerationError as err:
        render_findings(make_console(stderr=True), sort_findings(list(err.findings)))
        return report_error(err)
    except PlanError as err:
        return report_error(err)
    if _checked(result.compilation, source, "planning") is None or result.plan is None:
        return EXIT_ERROR
    made = result.plan
    print_plan(made, fmt)
    if out is not None:
        try:
            save_plan(made, out)
        except PlanError as err:
            return report_error(err)
        shown = shlex.quote(str(out))
        click.echo(f"\nSaved the plan to {out}.", err=True)
        _void_note(made, out)
        for req in made.required_approvals:
            who = ", ".join(req.members) or "nobody (add members to the group)"
            click.echo(
                f"Needs {req.count} approval(s) from {req.group} ({who}) for policy {req.policy}.",
                err=True,
            )
        if made.required_approvals:
            click.echo(f"Each approves with: engage approve {shown} --as NAME", err=True)
        if made.has_changes:
            after = ", once approved," if made.required_approvals else ""
            click.echo(f"Apply it{after} with: engage apply {shown}", err=True)
    return EXIT_CHANGES if made.has_changes else EXIT_OK
