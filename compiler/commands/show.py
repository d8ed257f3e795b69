"""`engage show PLAN`: a saved plan as text, markdown (pull-request comment) or JSON."""

from __future__ import annotations

from pathlib import Path

import click

from compiler.commands.common import EXIT_OK
from compiler.commands.plan import FORMATS, print_plan, report_error
from compiler.plan.approvals import read_approvals, valid_approvals
from compiler.plan.errors import PlanError
from compiler.plan.planfile import load_plan


@click.command()
@click.argument("plan_file", metavar="PLAN", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
def show(plan_file: Path, fmt: str) -> int:
    """Print a saved plan, with the approvals recorded for it so far."""
    try:
        saved = load_plan(plan_file)
        given, void = valid_approvals(saved, read_approvals(plan_file))
    except PlanError as err:
        return report_error(err)
    print_plan(saved, fmt, given)
    if void:
        click.echo(
            f"{void} approval(s) given to an earlier version of this plan are void.", err=True
        )
    return EXIT_OK
