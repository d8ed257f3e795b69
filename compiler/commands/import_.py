"""`engage import PATH... --out DIR`: an ecosystem from Salesforce DX and mcdev projects."""

from __future__ import annotations

from pathlib import Path

import click

from compiler.commands.common import EXIT_ERROR, EXIT_OK
from compiler.diagnostics import Finding, Span, has_errors, make, sort_findings
from compiler.importer.core import E_NOT_A_PROJECT
from compiler.render.console import make_console
from compiler.render.findings_text import print_pieces, render_findings, summary_line


@click.command("import")
@click.argument(
    "paths", nargs=-1, required=True, type=click.Path(path_type=Path), metavar="PATH..."
)
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(path_type=Path),
    metavar="DIR",
    help="Folder to write the ecosystem into; must be empty or not exist.",
)
@click.option(
    "--name", default="Imported ecosystem", show_default=True, help="The ecosystem's name."
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text: findings and a summary, for people; json: the import report, for machines.",
)
def import_(paths: tuple[Path, ...], out: Path, name: str, fmt: str) -> int:
    """Import Salesforce DX projects (sfdx-project.json) and mcdev projects (.mcdevrc.json).

    Writes a complete ecosystem into DIR in the house layout, with a comment on every
    resource naming the file it came from, and DIR/import-report.md listing, per source
    file, what was imported, partly imported or not imported, and why. Secrets found in
    the projects are reported and never written. Exits 0 when imported, 1 on errors.
    """
    from compiler.importer import import_paths
    from compiler.importer.access import refine_permission_sets
    from compiler.importer.report import render_json, render_markdown
    from compiler.importer.writer import write

    problem = _out_problem(out)
    if problem is not None:
        return _fail([problem], fmt)
    result = import_paths(list(paths))
    findings = sort_findings(result.findings)
    if not result.resources or any(f.code == E_NOT_A_PROJECT.code for f in findings):
        return _fail(findings, fmt)
    out.mkdir(parents=True, exist_ok=True)
    write(result, out, name)
    refine_permission_sets(result, out)
    (out / "import-report.md").write_text(render_markdown(result), encoding="utf-8")
    if fmt == "json":
        click.echo(render_json(result, out=out.as_posix()), nl=False)
    else:
        console = make_console()
        render_findings(console, findings)
        c = {
            s: sum(e.status.value == s for e in result.entries)
            for s in ("imported", "partly imported", "not imported")
        }
        print_pieces(
            console,
            ("imported", "bold green"),
            (
                f" {len(result.resources)} resources into {out}: "
                f"{c['imported']} elements imported, {c['partly imported']} partly, "
                f"{c['not imported']} not (see {out / 'import-report.md'}) ",
                None,
            ),
            (f"({summary_line(findings)})", "dim"),
        )
    return EXIT_ERROR if has_errors(findings) else EXIT_OK


def _out_problem(out: Path) -> Finding | None:
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        return make(
            E_NOT_A_PROJECT,
            f"{out}: --out must be an empty folder or not exist",
            Span(str(out), 1, 1),
            hint="Choose a new folder; engage import never overwrites files.",
        )
    return None


def _fail(findings: list[Finding], fmt: str) -> int:
    if fmt == "json":
        from compiler.render.findings_json import render_json

        click.echo(render_json(findings), nl=False)
    else:
        console = make_console()
        render_findings(console, findings)
        console.print(f"[bold red]FAILED[/] {summary_line(findings)}")
    return EXIT_ERROR


import_.name = "import"
