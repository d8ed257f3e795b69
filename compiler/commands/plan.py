"""`engage plan`: desired resources vs. state → a plan to review, save, approve and apply.

Exit codes (like `terraform plan -detailed-exitcode`): 0 no changes, 2 changes, 1 error.
"""

from __future__ import annotations

import shlex
import tempfile
from collections.abc import Sequence
from pathlib import Path

import click

from compiler.apply_artifacts import prepare_artifacts
from compiler.commands.common import (
    EXIT_CHANGES,
    EXIT_ERROR,
    EXIT_OK,
    default_path,
    path_argument,
    print_findings_text,
)
from compiler.diagnostics import sort_findings
from compiler.gcpause import gc_paused
from compiler.pipeline import Compilation, compile_path, compile_source
from compiler.plan.approvals import Approval, read_approvals, valid_approvals
from compiler.plan.backends import open_backend
from compiler.plan.builder import PlanInputs, build_plan
from compiler.plan.definition import Plan
from compiler.plan.errors import GenerationError, PlanError
from compiler.plan.planfile import save_plan
from compiler.plan.state import check_belongs
from compiler.render.console import make_console
from compiler.render.findings_text import render_findings
from compiler.render.plan_json import render_json
from compiler.render.plan_markdown import render_markdown
from compiler.render.plan_text import render_text
from compiler.resolved import ResolvedEcosystem
from compiler.source import load
from compiler.suggest import did_you_mean

FORMATS = ("text", "markdown", "json")


def report_error(err: PlanError) -> int:
    """Print a refusal on stderr; the exit code of every refusal."""
    click.echo(err.render(), err=True)
    return EXIT_ERROR


def print_plan(plan: Plan, fmt: str, given: Sequence[Approval] | None = None) -> None:
    if fmt == "json":
        click.echo(render_json(plan), nl=False)
    elif fmt == "markdown":
        from compiler.commands.conflicts import plan_conflicts

        click.echo(render_markdown(plan, given, conflicts=plan_conflicts(plan)), nl=False)
    else:
        make_console().print(render_text(plan, given), end="")


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


def compile_default(path: str, environment: str | None) -> Compilation | None:
    """Compile `environment`, or the ecosystem's default_environment when none is given."""
    with gc_paused():
        source = load(Path(path))  # once, whichever environment is compiled from it
        comp = compile_source(source, environment)
        default = None
        if environment is None and comp.ok and comp.resolved is not None:
            default = comp.resolved.ecosystem.ecosystem.default_environment
        if default is not None:
            comp = compile_source(source, default)
    return _checked(comp, path, "planning")


def _check_empty(plan_inputs: PlanInputs) -> None:
    """Only data extensions declared or in state can be declared empty (a typo would
    silently assume nothing)."""
    known = {a for a in plan_inputs.resolved.addresses if a.startswith("data_extension.")}
    if plan_inputs.state is not None:
        known |= {a for a in plan_inputs.state.resources if a.startswith("data_extension.")}
    for address in sorted(plan_inputs.assume_empty):
        if not address.startswith("data_extension."):
            raise PlanError(
                f"--assume-empty {address}: only data extensions can be declared empty",
                hint="Pass the address of a data extension, e.g. data_extension.newsletter.",
            )
        if address not in known:
            raise PlanError(
                f"--assume-empty {address}: no such data extension, declared or in state"
                + did_you_mean(address, known),
                hint="Pass the address of a data extension (see `engage state list`).",
            )


def make_plan(
    source: str, environment: str | None, state_path: str | Path | None, empty: tuple[str, ...]
) -> Plan | None:
    comp = compile_default(source, environment)
    if comp is None or comp.resolved is None:
        return None
    environment = comp.resolved.environment
    backend = open_backend(state_path, environment)
    state = backend.read()
    if state is not None:
        check_belongs(state, backend.location, comp.resolved.ecosystem.ecosystem.name, environment)
    inputs = PlanInputs(comp.resolved, state, source, backend.location, frozenset(empty))
    _check_empty(inputs)
    made = build_plan(inputs)
    _check_generation(made, comp.resolved)
    return made


def _check_generation(made: Plan, resolved: ResolvedEcosystem) -> None:
    """Refuse now what apply would refuse later: a plan whose artifacts cannot be generated
    must not go out for approval. Computed in memory against an empty output folder."""
    with tempfile.TemporaryDirectory(prefix="engage-plan-") as folder:
        try:
            prepare_artifacts(made, resolved, Path(folder) / "out")
        except GenerationError as err:
            raise GenerationError(
                "generating the artifacts of this plan reports errors (above), so `engage "
                "apply` would refuse it; no plan was saved",
                hint="Fix them in the ecosystem (`engage generate` shows the same), then plan "
                "again.",
                findings=err.findings,
            ) from None


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
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
def plan(
    path: Path | None,
    environment: str | None,
    out: Path | None,
    state_path: str | None,
    assume_empty: tuple[str, ...],
    fmt: str,
) -> int:
    """Show what applying the ecosystem in PATH would change (exit 0 none, 2 changes, 1 error)."""
    source = (path or Path(default_path())).as_posix()
    try:
        made = make_plan(source, environment, state_path, assume_empty)
    except GenerationError as err:
        render_findings(make_console(stderr=True), sort_findings(list(err.findings)))
        return report_error(err)
    except PlanError as err:
        return report_error(err)
    if made is None:
        return EXIT_ERROR
    print_plan(made, fmt)
    if out is not None:
        try:
            save_plan(made, out)
        except PlanError as err:
            return report_error(err)
        shown = shlex.quote(str(out))
        click.echo(f"\nSaved the plan to {out}.", err=True)
        _void_note(made, out)
        if made.required_approvals:
            click.echo(f"Approve it with: engage approve {shown} --as NAME", err=True)
        if made.has_changes:
            click.echo(f"Apply it with:   engage apply {shown}", err=True)
    return EXIT_CHANGES if made.has_changes else EXIT_OK
