"""`engage drift PATH --against RETRIEVED...`: what changed in the org outside engage."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from compiler.commands.common import (
    EXIT_CHANGES,
    EXIT_ERROR,
    EXIT_OK,
    compile_one,
    env_option,
    path_argument,
)
from compiler.diagnostics import Finding, has_errors, sort_findings
from compiler.render.console import make_console
from compiler.render.findings_text import Piece, print_pieces, render_findings, summary_line


@click.command()
@path_argument
@click.option(
    "--against",
    "against",
    multiple=True,
    required=True,
    type=click.Path(path_type=Path),
    metavar="RETRIEVED",
    help="A fresh retrieve: a Salesforce DX or mcdev project (repeat for several).",
)
@click.option(
    "--state",
    "state",
    default=None,
    metavar="FILE|URL",
    help="Compare the recorded state instead of the ecosystem's YAML.",
)
@env_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "markdown"]),
    default="text",
    show_default=True,
    help="text for a terminal, markdown for a pull request or issue, json for machines.",
)
def drift(
    path: Path | None,
    against: tuple[Path, ...],
    state: str | None,
    environment: str | None,
    fmt: str,
) -> int:
    """Compare the ecosystem in PATH (or its recorded state) with a fresh retrieve.

    Prints what changed outside engage, as resource, attribute, ecosystem value and org
    value; drift on a protected resource or on consent comes first. Exits 0 when there
    is no drift, 2 when there is, 1 on errors.
    """
    from compiler.importer import detect, import_paths
    from compiler.importer.drift import MARKETING_CLOUD, SALESFORCE
    from compiler.importer.drift import drift as compute

    attributes, findings = _ecosystem(path, environment, state)
    result = import_paths(list(against))
    findings = sort_findings([*findings, *result.findings])
    if attributes is None or has_errors(findings):
        _print_findings(findings, fmt)
        return EXIT_ERROR
    covered: set[str] = set()
    for p in against:
        covered.update(SALESFORCE if detect(p) == "sfdx" else MARKETING_CLOUD if detect(p) else ())
    changes = compute(attributes, result, covered)
    _render(changes, findings, fmt)
    return EXIT_CHANGES if changes else EXIT_OK


def _ecosystem(
    path: Path | None, environment: str | None, state: str | None
) -> tuple[dict[str, Any] | None, list[Finding]]:
    if state is not None:
        from compiler.plan.backends import open_backend
        from compiler.plan.errors import PlanError

        try:
            recorded = open_backend(state, environment).read()
        except PlanError as err:
            raise click.ClickException(
                f"{err.message}" + (f"\n  hint: {err.hint}" if err.hint else "")
            ) from None
        if recorded is None:
            raise click.ClickException(f"no state recorded at {state}")
        return {a: e.attributes for a, e in recorded.resources.items()}, []
    from compiler.plan.resources import dump, model_at
    from compiler.redact import redact

    comp = compile_one(path, environment)
    if comp.resolved is None or not comp.ok:
        return None, list(comp.findings)
    out = {}
    for address, where in comp.resolved.addresses.items():
        out[address], _ = redact(dump(model_at(comp.resolved.ecosystem, tuple(where))))
    return out, list(comp.findings)


def _print_findings(findings: list[Finding], fmt: str) -> None:
    if fmt == "json":
        from compiler.render.findings_json import render_json

        click.echo(render_json(findings), nl=False)
        return
    console = make_console()
    render_findings(console, findings)
    print_pieces(console, ("FAILED", "bold red"), (f" {summary_line(findings)}", None))


def _value(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _render(changes: list[Any], findings: list[Finding], fmt: str) -> None:
    if fmt == "json":
        doc = {
            "drift": [c.to_json() for c in changes],
            "count": len(changes),
            "findings": [f.to_json() for f in findings],
        }
        click.echo(json.dumps(doc, indent=2, sort_keys=True))
        return
    if fmt == "markdown":
        click.echo(_markdown(changes))
        return
    console = make_console()
    render_findings(console, [f for f in findings if f.severity.rank >= 2])
    if not changes:
        console.print("[bold green]no drift[/]: the org matches the ecosystem")
        return
    for c in changes:
        flag: list[Piece] = [(" ", None), ("(protected)", "bold red")] if c.protected else []
        flag += [(" ", None), ("(consent)", "bold yellow")] if c.consent else []
        sign = {"changed": "~", "added in the org": "+", "deleted in the org": "-"}[c.change]
        where = f" {c.attribute}:" if c.attribute else ""
        print_pieces(
            console,
            (f"{sign} {c.address}", None),
            *flag,
            (f" {c.change}{where} ecosystem {_value(c.ecosystem)} → org {_value(c.org)}", None),
            highlight=False,
        )
    console.print(f"[bold]{len(changes)} drifted attributes[/]")


def _markdown(changes: list[Any]) -> str:
    if not changes:
        return "**No drift**: the org matches the ecosystem.\n"
    rows = ["| resource | change | attribute | ecosystem | org |", "|---|---|---|---|---|"]
    for c in changes:
        mark = " **protected**" if c.protected else ""
        mark += " **consent**" if c.consent else ""
        cells = [
            f"`{c.address}`{mark}",
            c.change,
            f"`{c.attribute}`" if c.attribute else "",
            f"`{_value(c.ecosystem)}`",
            f"`{_value(c.org)}`",
        ]
        rows.append("| " + " | ".join(x.replace("|", "\\|") for x in cells) + " |")
    return f"**{len(changes)} drifted attributes**\n\n" + "\n".join(rows) + "\n"
