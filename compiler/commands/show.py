"""`engage show PLAN`: a saved plan as text, markdown (pull-request comment), JSON, or the
committee's review page (HTML), with each recorded approval and whether its signature
verifies against the ecosystem's keys."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import click

from compiler.commands.common import EXIT_OK, default_path
from compiler.commands.plan import FORMATS, print_plan, report_error
from compiler.fsutil import write_atomic, write_atomic_chunks
from compiler.pipeline import compile_path
from compiler.plan.approvals import Approval, payload, read_approvals, valid_approvals
from compiler.plan.definition import Plan
from compiler.plan.errors import PlanError
from compiler.plan.planfile import load_plan
from compiler.plan.verify import Verdict, judge_all
from compiler.render.approval_status import status_lines
from compiler.render.plan_markdown import LIMIT
from compiler.trust.keys import declared_keys


def _verdicts(
    saved: Plan, given: list[Approval], source: str
) -> tuple[list[Verdict] | None, str, dict[str, list[str]]]:
    """The verdicts, or None and why not; and the declared keys (for --audit)."""
    comp = compile_path(Path(source), saved.environment)
    if comp.resolved is None or not comp.ok:
        return None, f"the ecosystem in {source} has errors (see `engage validate`)", {}
    if comp.resolved.source_digest != saved.source.digest:
        return None, f"the sources in {source} are not the ones this plan was made from", {}
    governance = comp.resolved.ecosystem.governance
    keys = {n: [k.openssh for k in ks] for n, ks in declared_keys(governance).items()}
    return judge_all(saved, given, governance), "", keys


def _audit(folder: Path, given: list[Approval], keys: dict[str, list[str]]) -> None:
    """Files an auditor checks with `ssh-keygen -Y verify` alone."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        signers = [f'{name} namespaces="engage-plan" {k}' for name, ks in keys.items() for k in ks]
        write_atomic(folder / "allowed_signers", "".join(f"{line}\n" for line in signers))
        for a in given:
            if a.signature:
                write_atomic(folder / f"{a.name}.approval", payload(a).decode())
                write_atomic(folder / f"{a.name}.approval.sig", a.signature)
    except OSError as err:
        raise PlanError(
            f"cannot write the audit files to {folder}: {err.strerror or err}",
            hint="Pass --audit a folder this user can write.",
        ) from None
    click.echo(
        f"Wrote the signed approvals to {folder}; verify each with: ssh-keygen -Y verify "
        f"-f {folder}/allowed_signers -I NAME -n engage-plan -s {folder}/NAME.approval.sig "
        f"< {folder}/NAME.approval",
        err=True,
    )


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
@click.option(
    "--source",
    type=click.Path(path_type=Path),
    default=None,
    help="The ecosystem whose governance.keys verify the approvals (default: ./ecosystem if "
    "it exists, else .); they are verified only when it is the plan's sources.",
)
@click.option(
    "--audit",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Also write each signed approval, its signature and an allowed_signers file here, "
    "for `ssh-keygen -Y verify`.",
)
def show(
    plan_file: Path,
    fmt: str,
    out: Path | None,
    limit: int,
    source: Path | None,
    audit: Path | None,
) -> int:
    """Print a saved plan, with the approvals recorded for it so far and their status."""
    try:
        saved = load_plan(plan_file)
        given, void = valid_approvals(saved, read_approvals(plan_file))
        verdicts, note, keys = _verdicts(saved, given, (source or Path(default_path())).as_posix())
        if audit is not None:
            _audit(audit, given, keys)
    except PlanError as err:
        return report_error(err)
    if fmt == "html" or out is not None or limit != LIMIT:
        pieces = _rendered(saved, fmt, given, plan_file, limit, verdicts, note)
        if out is None:
            for piece in pieces:
                click.echo(piece, nl=False)
        else:
            write_atomic_chunks(out, (piece.encode("utf-8") for piece in pieces))
            click.echo(f"Wrote {out}.", err=True)
    else:
        print_plan(saved, fmt, given)
        if fmt != "json" and given:
            click.echo("\n".join(status_lines(verdicts, note, fmt == "markdown")), nl=False)
    if void:
        click.echo(
            f"{void} approval(s) given to an earlier version of this plan are void.", err=True
        )
    return EXIT_OK


def _rendered(
    saved: Plan,
    fmt: str,
    given: Sequence[Approval],
    plan_file: Path,
    limit: int,
    verdicts: Sequence[Verdict] | None,
    note: str,
) -> Iterator[str]:
    """The output in pieces: JSON a change at a time and text a few changes at a time (the
    whole texts of a 100,000-resource plan are 400 MB and 2.6 GiB of rendering); markdown
    (at most `limit` characters) and the HTML page whole."""
    from compiler.plan.conflicts import recorded_findings
    from compiler.plan.planfile import plan_chunks
    from compiler.render.plan_html import render_html
    from compiler.render.plan_markdown import render_markdown
    from compiler.render.plan_text import plain, text_chunks

    if fmt == "html":
        yield render_html(
            saved, given, recorded_findings(saved), plan_file.as_posix(), verdicts, note
        )
    elif fmt == "markdown":
        yield render_markdown(saved, given, limit)
    elif fmt == "json":  # each chunk whole JSON tokens: whole UTF-8 characters
        for chunk in plan_chunks(saved):
            yield chunk.decode("utf-8")
    else:
        for piece in text_chunks(saved, given):
            yield plain(piece)
