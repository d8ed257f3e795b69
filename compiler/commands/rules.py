"""`engage rules`: list every analysis rule and the finding codes it emits."""

from __future__ import annotations

import json

import click

from compiler.render.console import make_console
from compiler.rules import RULES


@click.command()
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def rules(fmt: str) -> int:
    """List the analysis rules `engage check` runs, with their codes and titles."""
    items = [RULES[name] for name in sorted(RULES)]
    if fmt == "json":
        doc = [
            {
                "rule": r.name,
                "summary": r.summary,
                "codes": [
                    {
                        "code": c.code,
                        "severity": c.severity.value,
                        "title": c.title,
                        "suppressible": c.suppressible,
                    }
                    for c in r.codes
                ],
            }
            for r in items
        ]
        click.echo(json.dumps(doc, indent=2))
        return 0
    console = make_console()
    for r in items:
        console.print(f"[bold]{r.name}[/]  {r.summary}")
        for c in r.codes:
            console.print(f"  {c.code}  {c.title}")
    return 0
