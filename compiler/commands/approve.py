"""`engage approve PLAN --as NAME`: record an approval bound to this exact plan."""

from __future__ import annotations

from pathlib import Path

import click

from compiler.commands.common import EXIT_OK
from compiler.commands.plan import report_error
from compiler.plan.approvals import add_approval, read_approvals, unmet, valid_approvals
from compiler.plan.errors import PlanError
from compiler.plan.planfile import load_plan


@click.command()
@click.argument("plan_file", metavar="PLAN", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--as", "name", required=True, metavar="NAME", help="Who approves (a group member).")
@click.option("--comment", default="", help="Why, or on what condition; kept with the approval.")
def approve(plan_file: Path, name: str, comment: str) -> int:
    """Approve PLAN as NAME. The approval holds for this plan only: a changed plan voids it."""
    try:
        saved = load_plan(plan_file)
        earlier, _ = valid_approvals(saved, read_approvals(plan_file))
        already = next((a for a in earlier if a.name == name), None)
        if already is not None and already.comment == comment:
            click.echo(
                f"{name}'s approval of plan {saved.digest} was already recorded "
                f"({already.at}); nothing changed."
            )
            return EXIT_OK
        approval, void = add_approval(saved, plan_file, name, comment)
        given, _ = valid_approvals(saved, read_approvals(plan_file))
    except PlanError as err:
        return report_error(err)
    click.echo(
        f"Recorded the approval of {approval.name} ({', '.join(approval.groups)}) for plan "
        f"{saved.digest}."
    )
    if void:
        click.echo(f"{void} approval(s) given to an earlier version of this plan are void.")
    short = unmet(saved, given)
    for req, n in short:
        click.echo(f"Still needed: {n} more from {req.group} for policy {req.policy}.")
    if not short:
        click.echo("Every approval this plan requires is given.")
    return EXIT_OK
