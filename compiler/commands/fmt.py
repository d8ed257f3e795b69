"""`engage fmt [PATH...] [--check]`: lay ecosystem YAML out canonically, keeping comments."""

from __future__ import annotations

import difflib
from pathlib import Path

import click

from compiler.commands.common import EXIT_ERROR, EXIT_OK, default_path
from compiler.diagnostics import Finding, Severity, sort_findings
from compiler.fmt import format_text
from compiler.fsutil import write_atomic
from compiler.render.console import make_console
from compiler.render.findings_text import render_findings
from compiler.source import display_path, ecosystem_files


def _files(paths: tuple[Path, ...]) -> list[Path]:
    out: list[Path] = []
    for path in paths or (Path(default_path()),):
        out += ecosystem_files(path) if path.is_dir() else [path]
    return out


@click.command()
@click.argument(
    "paths", nargs=-1, type=click.Path(path_type=Path, exists=True), metavar="[PATH]..."
)
@click.option("--check", is_flag=True, help="Change nothing; exit 1 when a file is not formatted.")
@click.option("--diff", "show_diff", is_flag=True, help="Print what would change, as a diff.")
def fmt(paths: tuple[Path, ...], check: bool, show_diff: bool) -> int:
    """Format the YAML files in PATH (folders or files; default: ./ecosystem).

    Canonical indentation (mappings by 2, sequence dashes at 2), long flow lists wrapped at
    100 columns, comments, key order and quoting kept. Formatting twice changes nothing.
    Exits 0 when every file is formatted (or was just formatted), 1 with --check when one
    is not, and 1 when a file cannot be read as YAML.
    """
    findings: list[Finding] = []
    changed: list[str] = []
    for path in _files(paths):
        name = display_path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as err:
            click.echo(f"error: {name}: cannot read it ({err})", err=True)
            return EXIT_ERROR
        result = format_text(text, name)
        findings += result.findings
        if result.text == text:
            continue
        changed.append(name)
        if show_diff:
            diff = difflib.unified_diff(
                text.splitlines(True), result.text.splitlines(True), name, f"{name} (formatted)"
            )
            click.echo("".join(diff), nl=False)
        if not check:
            write_atomic(path, result.text)
    if findings:
        render_findings(make_console(stderr=True), sort_findings(findings))
    verb = "would reformat" if check else "reformatted"
    for name in changed:
        click.echo(f"{verb} {name}", err=True)
    errors = any(f.severity is Severity.ERROR for f in findings)
    if errors or (check and changed):
        return EXIT_ERROR
    if not changed:
        click.echo("every file is formatted", err=True)
    return EXIT_OK
