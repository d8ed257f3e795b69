"""`engage apply PLAN`: apply a saved, approved plan; refuse anything stale."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

import click

from compiler.apply import ApplyResult, apply_plan
from compiler.commands.common import EXIT_ERROR, EXIT_OK
from compiler.commands.plan import compile_or_report, report_error
from compiler.plan.approvals import read_approvals, valid_approvals
from compiler.plan.errors import PlanError
from compiler.plan.planfile import load_plan
from compiler.plan.state import LocalBackend


def _report(result: ApplyResult, out_dir: Path) -> None:
    if result.nothing_to_do:
        click.echo("No changes. Nothing to apply.")
        return
    counts = {a: sum(c.action == a for c in result.applied) for a in ("create", "update")}
    replaced = sum(c.action == "replace" for c in result.applied)
    destroyed = sum(c.action == "delete" for c in result.applied)
    click.echo(
        f"Apply complete! Resources: {counts['create']} added, {counts['update']} changed, "
        f"{replaced} replaced, {destroyed} destroyed."
    )
    click.echo(f"State: serial {result.serial}, lineage {result.lineage}.")
    if not result.generation_available:
        click.echo("Artifacts: generation is not available in this engage; state recorded only.")
    elif result.generated is not None:
        gen = result.generated
        click.echo(
            f"Artifacts: {len(gen.written)} file(s) generated in {out_dir} "
            f"({len(gen.changed)} changed, {len(gen.removed)} removed)."
        )
        for finding in gen.findings:
            click.echo(f"{finding.severity.value}[{finding.code}] {finding.message}", err=True)


@click.command()
@click.argument("plan_file", metavar="PLAN", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--state",
    "state_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="State file (default: the one the plan was computed against).",
)
@click.option(
    "--out-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("out"),
    show_default=True,
    help="Where generated artifacts are written.",
)
@click.option(
    "--lock-timeout",
    type=click.FloatRange(min=0),
    default=30.0,
    show_default=True,
    help="Seconds to wait for another apply to release the state lock.",
)
def apply(plan_file: Path, state_path: Path | None, out_dir: Path, lock_timeout: float) -> int:
    """Apply a saved PLAN: exit 0 when applied (or nothing to do), 1 when refused."""
    try:
        saved = load_plan(plan_file)
        comp = compile_or_report(saved.source.path, saved.environment, "applying")
        if comp is None or comp.resolved is None:
            return EXIT_ERROR
        backend = LocalBackend(state_path or Path(saved.state.location))
        given = valid_approvals(saved, read_approvals(plan_file))
        result = apply_plan(
            saved,
            comp.resolved,
            backend,
            given,
            out_dir=out_dir,
            lock_timeout=lock_timeout,
            command=shlex.join(["engage", *sys.argv[1:]]),
        )
    except PlanError as err:
        return report_error(err)
    _report(result, out_dir)
    return EXIT_OK
