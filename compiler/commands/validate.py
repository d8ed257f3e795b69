"""`engage validate`: load, check the language and every reference."""

from __future__ import annotations

from pathlib import Path

import click

from compiler.commands.common import (
    EXIT_ERROR,
    EXIT_OK,
    checking_env_option,
    compile_for,
    path_argument,
    print_findings_text,
)
from compiler.render.findings_json import render_json


@click.command()
@path_argument
@checking_env_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text: findings with source excerpts, for people; json: for machines.",
)
def validate(path: Path | None, environment: str | None, fmt: str) -> int:
    """Validate the ecosystem in PATH (default: ./ecosystem).

    Checks YAML syntax, the engage/v1 language and every reference between resources,
    in the base and in every environment overlay. Exits 0 when valid, 1 otherwise.
    """
    comp = compile_for(path, environment)
    if fmt == "json":
        click.echo(
            render_json(
                comp.findings, valid=comp.ok, environment=environment, files=list(comp.source.files)
            ),
            nl=False,
        )
    else:
        count = 0
        name = "?"
        if comp.resolved is not None:
            count = len(comp.resolved.addresses)
            name = comp.resolved.ecosystem.ecosystem.name
        where = f" in environment {environment!r}" if environment else ""
        print_findings_text(
            comp,
            f"ecosystem {name!r}{where} is valid: {count} resources in "
            f"{len(comp.source.files)} files",
        )
    return EXIT_OK if comp.ok else EXIT_ERROR
