"""`engage apply PLAN`: apply a saved, approved plan; refuse anything stale."""

from __future__ import annotations

import math
import shlex
import sys
from collections.abc import Sequence
from pathlib import Path

import click

from compiler.apply import ApplyResult, apply_plan
from compiler.commands.common import EXIT_ERROR, EXIT_OK, default_path
from compiler.commands.plan import compile_or_report, report_error
from compiler.diagnostics import Finding, sort_findings
from compiler.emit.manifest import MANIFEST
from compiler.plan.approvals import read_approvals, valid_approvals
from compiler.plan.backends import open_backend
from compiler.plan.definition import Plan
from compiler.plan.errors import GenerationError, PlanError
from compiler.plan.inputs import check_source_path, check_state_location
from compiler.plan.planfile import load_plan
from compiler.plan.state import Backend
from compiler.render.console import make_console
from compiler.render.findings_text import render_findings

EXIT_INTERRUPTED = 130
DEFAULT_OUT = Path("build")  # engage generate's default too
OLD_DEFAULT = Path("out")  # apply's default in earlier releases


def _print_findings(findings: Sequence[Finding]) -> None:
    if findings:
        render_findings(make_console(stderr=True), sort_findings(list(findings)))


def _report_unverified(result: ApplyResult) -> None:
    unsigned = [v.approval.name for v in result.verdicts if v.status == "unsigned"]
    if unsigned:
        click.echo(
            f"warning: the approval(s) of {', '.join(unsigned)} are unsigned, so unverified "
            "(accepted because their policies declare `signatures: optional`).",
            err=True,
        )


def _report(result: ApplyResult, out_dir: Path) -> None:
    _report_unverified(result)
    if result.nothing_to_do:
        click.echo("No changes. Nothing to apply.")
        return
    count = {a: sum(c.action == a for c in result.applied) for a in ("create", "update")}
    replaced = sum(c.action == "replace" for c in result.applied)
    destroyed = sum(c.action == "delete" for c in result.applied)
    moved = sum(c.previous_address is not None for c in result.applied)
    click.echo(
        f"Apply complete! Resources: {count['create']} added, {count['update']} changed, "
        f"{replaced} replaced, {destroyed} destroyed" + (f", {moved} moved." if moved else ".")
    )
    click.echo(f"State: serial {result.serial}, lineage {result.lineage}.")
    if result.generated is not None:
        gen = result.generated
        click.echo(
            f"Artifacts: {len(gen.written)} file(s) generated in {out_dir} "
            f"({len(gen.changed)} changed, {len(gen.removed)} removed)."
        )
        _print_findings(gen.findings)


def artifacts_folder(out: Path | None, old: Path | None) -> Path:
    """--out (or its old name --out-dir), else `build` as for `engage generate`; refuse to
    start a new folder silently when the old default `out/` holds earlier applies' files."""
    if out is not None and old is not None:
        raise PlanError(
            "--out and --out-dir name the same folder; pass only one",
            hint="Use --out (--out-dir is its old name).",
        )
    if old is not None:
        click.echo("warning: --out-dir is now called --out (as for `engage generate`).", err=True)
        return old
    if out is not None:
        return out
    if (OLD_DEFAULT / MANIFEST).is_file() and not (DEFAULT_OUT / MANIFEST).is_file():
        raise PlanError(
            f"the artifacts folder now defaults to {DEFAULT_OUT}/ (as for `engage generate`), "
            f"but {OLD_DEFAULT}/ holds the artifacts of earlier applies",
            hint=f"Pass --out {OLD_DEFAULT} to keep writing there, or move the folder "
            f"(mv {OLD_DEFAULT} {DEFAULT_OUT}) and apply again.",
        )
    return DEFAULT_OUT


def _lock_timeout(_ctx: click.Context, _param: click.Parameter, value: float) -> float:
    if math.isnan(value):
        raise click.BadParameter("must be a number of seconds (0 or more)")
    return value


def _interrupted(backend: Backend, saved: Plan) -> int:
    """Ctrl-C: say what the state holds now, and how to finish."""
    try:
        state = backend.read()
    except PlanError:
        state = None
    if state is None or state.apply is None or state.apply.plan_digest != saved.digest:
        click.echo("interrupted: nothing was applied.", err=True)
        return EXIT_INTERRUPTED
    owed = len(saved.interrupted_apply.recorded) if saved.interrupted_apply else 0
    click.echo(
        f"interrupted after recording {len(state.apply.recorded) - owed} of "
        f"{len(saved.changes)} "
        f"change(s): the state {backend.location} is valid (serial {state.serial}) and notes "
        "the unfinished apply.\n"
        "  hint: Run `engage plan --out ...`, have it approved and apply it: it plans what "
        "is left and writes the artifacts.",
        err=True,
    )
    return EXIT_INTERRUPTED


@click.command()
@click.argument("plan_file", metavar="PLAN", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--source",
    "source",
    type=click.Path(path_type=Path),
    default=None,
    help="The ecosystem the plan was made from (default: ./ecosystem if it exists, else .); "
    "refused unless it is the path the plan recorded.",
)
@click.option(
    "--state",
    "state_path",
    type=click.Path(dir_okay=False),
    envvar="ENGAGE_STATE",
    help="State file or postgresql:// URL (default: .engage/state/<env or default>.json); "
    "refused unless it is the state the plan was computed against.",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder the generated artifacts are written to, as for `engage generate` "
    "(default: build).",
)
@click.option(
    "--out-dir",
    "out_dir_old",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    hidden=True,
    help="The old name of --out.",
)
@click.option(
    "--lock-timeout",
    type=click.FloatRange(min=0),
    default=30.0,
    show_default=True,
    callback=_lock_timeout,
    help="Seconds to wait for another apply to release the state lock.",
)
def apply(
    plan_file: Path,
    source: Path | None,
    state_path: str | None,
    out: Path | None,
    out_dir_old: Path | None,
    lock_timeout: float,
) -> int:
    """Apply a saved PLAN: exit 0 when applied (or nothing to do), 1 when refused.

    The ecosystem (--source) and the state (--state) are this command's, compared with
    what the plan recorded; every approval is verified against the keys the ecosystem
    declares (governance.keys)."""
    try:
        out_dir = artifacts_folder(out, out_dir_old)
        saved = load_plan(plan_file)
        path = (source or Path(default_path())).as_posix()
        check_source_path(saved, path)
        backend = open_backend(state_path, saved.environment)
        check_state_location(saved, backend.location)
        comp = compile_or_report(path, saved.environment, "applying")
        if comp is None or comp.resolved is None:
            return EXIT_ERROR
        given = valid_approvals(saved, read_approvals(plan_file))
        try:
            result = apply_plan(
                saved,
                comp.resolved,
                backend,
                given,
                out_dir=out_dir,
                lock_timeout=lock_timeout,
                command=shlex.join(["engage", *sys.argv[1:]]),
            )
        except KeyboardInterrupt:
            return _interrupted(backend, saved)
    except GenerationError as err:
        _print_findings(err.findings)
        return report_error(err)
    except PlanError as err:
        return report_error(err)
    _report(result, out_dir)
    return EXIT_OK
