"""`engage generate`: validate, then write the platform artifacts of every target."""

from __future__ import annotations

from pathlib import Path

import click

from compiler.commands.common import (
    EXIT_ERROR,
    EXIT_OK,
    compile_one,
    env_option,
    path_argument,
    print_findings_text,
)
from compiler.diagnostics import Severity, has_errors, sort_findings
from compiler.emit.generate import GenerateResult
from compiler.emit.generate import generate as generate_files
from compiler.emit.output import OutputError
from compiler.emit.targets import EMITTERS
from compiler.render.console import make_console
from compiler.render.findings_text import print_pieces, render_findings
from compiler.rules.check import check_source


def _summary(result: GenerateResult) -> list[str]:
    lines = []
    changed = set(result.changed)
    for target, files in sorted(result.by_target.items()):
        n_changed = sum(1 for f in files if f in changed)
        lines.append(f"  {target:<20} {len(files):>4} files ({n_changed} changed)")
    if result.removed:
        lines.append(f"  removed {len(result.removed)} files no longer generated:")
        lines += [f"    {path}" for path in result.removed]
    return lines


def _refuse(message: str) -> int:
    click.echo(f"error: {message}", err=True)
    return EXIT_ERROR


@click.command()
@path_argument
@env_option
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("build"),
    show_default=True,
    help="Folder to write into; one subfolder per target.",
)
@click.option(
    "--target",
    "targets",
    multiple=True,
    type=click.Choice([name for name, _ in EMITTERS]),
    help="Generate only this target (repeatable; default: all).",
)
@click.option(
    "--allow-conflicts",
    is_flag=True,
    help="Generate despite `engage check` errors (they are still printed).",
)
def generate(
    path: Path | None,
    environment: str | None,
    out: Path,
    targets: tuple[str, ...],
    allow_conflicts: bool,
) -> int:
    """Generate platform artifacts for the ecosystem in PATH (default: ./ecosystem).

    \b
    Validates first and writes nothing if the ecosystem is invalid. Then writes, under OUT:
      salesforce/           sfdx project: duplicate and matching rules, permission sets,
                            custom fields, manifest/package.xml
      account_engagement/   connector-settings.md, the connector's settings sheet
      marketing_cloud/      data extensions, query activities, automations
      sync/                 SQL of the custom integrations
    Output is deterministic; files no longer generated are removed. Exits 1 on errors,
    including `engage check`'s conflict errors unless --allow-conflicts is given.
    """
    comp = compile_one(path, environment)
    if not comp.ok or comp.resolved is None:
        print_findings_text(comp, "")
        make_console(stderr=True).print("[bold red]nothing generated:[/] fix the errors above")
        return EXIT_ERROR
    environment = comp.resolved.environment  # --env, else the default environment
    conflicts = [
        f
        for f in check_source(comp.source, environment, comp).findings
        if f.suppressed is None and f.severity is Severity.ERROR
    ]
    comp.source.release()  # nothing is compiled from them any more; the emitters read the model
    if conflicts and not allow_conflicts:
        render_findings(make_console(stderr=True), conflicts)
        return _refuse(
            f"`engage check` reports {len(conflicts)} conflict error(s) (above); nothing was "
            "generated\n  hint: Fix them (or suppress them with a reason); to generate anyway, "
            "pass --allow-conflicts."
        )
    console = make_console()
    try:
        result = generate_files(comp.resolved, out, targets=set(targets) or None)
    except OutputError as err:
        return _refuse(f"{err.message}\n  hint: {err.hint} Nothing was written.")
    except OSError as err:
        return _refuse(
            f"cannot write to {out.as_posix()}: {err.strerror or err}"
            + (f" ({err.filename})" if err.filename else "")
            + "\n  hint: Check the folder's permissions and free space, then generate again "
            "(files written so far are complete; the rest were not written)."
        )
    findings = sort_findings([*comp.findings, *result.findings])
    render_findings(console, findings)
    where = f" for environment {environment!r}" if environment else ""
    print_pieces(
        console,
        (f"generated {len(result.written)} files into {out}{where}:", None),
        highlight=False,
    )
    for line in _summary(result):
        console.print(line, highlight=False, markup=False)
    if conflicts:
        render_findings(console, conflicts)
        console.print(
            f"[bold yellow]warning:[/] generated despite {len(conflicts)} conflict error(s) "
            "(--allow-conflicts)"
        )
    return EXIT_ERROR if has_errors(result.findings) else EXIT_OK
