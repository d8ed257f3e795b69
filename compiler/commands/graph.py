"""`engage graph`: draw the resource dependency graph or the field-level data flow."""

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
from compiler.graph import build_graph
from compiler.render.console import make_console
from compiler.render.findings_text import print_pieces
from compiler.render.graph_dot import render_dot
from compiler.render.graph_json import render_graph_json
from compiler.render.graph_mermaid import render_mermaid
from compiler.render.graph_select import FocusError, select
from compiler.suggest import did_you_mean


@click.command()
@path_argument
@env_option
@click.option(
    "--view",
    type=click.Choice(["resources", "dataflow"]),
    default="resources",
    show_default=True,
    help="resources: what depends on what (the order of apply); dataflow: field-level flows.",
)
@click.option(
    "--focus",
    metavar="ADDRESS",
    default=None,
    help="Only what ADDRESS depends on and what depends on it (a resource address, a field "
    "address like crm:Contact.Email, a sync rule, or a system).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["mermaid", "dot", "json"]),
    default="mermaid",
    show_default=True,
)
@click.option("--fenced", is_flag=True, help="Wrap Mermaid in a ```mermaid block (for Markdown).")
def graph(
    path: Path | None,
    environment: str | None,
    view: str,
    focus: str | None,
    fmt: str,
    fenced: bool,
) -> int:
    """Print the graph of the ecosystem in PATH, deterministically."""
    comp = compile_one(path, environment)
    if not comp.ok or comp.resolved is None:
        print_findings_text(comp, "")
        return EXIT_ERROR
    built = build_graph(comp.resolved)
    try:
        chosen = select(built, view, focus)
    except FocusError as err:
        names = built.resources if view == "resources" else built.dataflow
        print_pieces(
            make_console(stderr=True),
            ("error:", "bold red"),
            (f" {err}{did_you_mean(focus or '', list(names))}", None),
        )
        return EXIT_ERROR
    if fmt == "mermaid":
        text = render_mermaid(chosen, view, fenced=fenced)
    elif fmt == "dot":
        text = render_dot(chosen, view)
    else:
        text = render_graph_json(chosen, view)
    click.echo(text, nl=False)
    return EXIT_OK
