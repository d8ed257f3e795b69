"""`engage show PLAN`: a saved plan as text, markdown (pull-request comment), JSON, or the
committee's review page (HTML)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import click

from compiler.commands.common import EXIT_OK
from compiler.commands.plan import FORMATS, print_plan, report_error
from compiler.fsutil import write_atomic
from compiler.plan.approvals import Approval, read_approvals, valid_approvals
from compiler.plan.definition import Plan
from compiler.plan.errors import PlanError
from compiler.plan.planfile import load_plan
from compiler.render.plan_markdown import LIMIT


@click.command()
@click.argument("plan_file", metavar="PLAN", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice([*FORMATS, "html"]),
    default="text",
    show_default=True,
    help="text for a terminal, markdown for a pull-request comment, json for machines, html "
    "for the committee's review page (one self-contained file).",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write to this file instead of stdout (e.g. review.html).",
)
@click.option(
    "--limit",
    type=click.IntRange(min=1_000, max=LIMIT),
    default=LIMIT,
    show_default=True,
    metavar="CHARS",
    help="markdown: the most characters to print (GitHub's comment limit by default; less "
    "when several plans share one comment).",
)
def show(plan_file: Path, fmt: str, out: Path | None, limit: int) -> int:
    """Print a saved plan, with the approvals recorded for it so far."""
    try:
        saved = load_plan(plan_file)
        given, void = valid_approvals(saved, read_approvals(plan_file))
    except PlanError as err:
        return report_error(err)
    if fmt == "html" or out is not None or limit != LIMIT:
        text = _rendered(saved, fmt, given, plan_file, limit)
        if out is None:
            click.echo(text, nl=False)
        else:
            write_atomic(out, text)
            click.echo(f"Wrote {out}.", err=True)
    else:
        print_plan(saved, fmt, given)
    if void:
        click.echo(
            f"{void} approval(s) given to an earlier version of this plan are void.", err=True
        )
    return EXIT_OK


def _rendered(saved: Plan, fmt: str, given: Sequence[Approval], plan_file: Path, limit: int) -> str:
    from compiler.commands.conflicts import plan_conflicts
    from compiler.render.plan_html import render_html
    from compiler.render.plan_json import render_json
    from compiler.render.plan_markdown import render_markdown
    from compiler.render.plan_text import plain, render_text

    if fmt == "html":
        return render_html(saved, given, plan_conflicts(saved), plan_file.as_posix())
    if fmt == "markdown":
        return render_markdown(saved, given, limit, conflicts=plan_conflicts(saved))
    if fmt == "json":
        return render_json(saved)
    return plain(render_text(saved, given))
