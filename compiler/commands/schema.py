"""`engage schema`: print or write the JSON Schema of the language."""

from __future__ import annotations

import click

from compiler.schema import schema_text


@click.command()
@click.option("--out", type=click.Path(dir_okay=False), help="Write to this file instead.")
def schema(out: str | None) -> int:
    """Print the JSON Schema of engage/v1 documents (for editors and other tools)."""
    text = schema_text()
    if out:
        from compiler.fsutil import write_atomic

        write_atomic(out, text)
        click.echo(f"wrote {out}", err=True)
    else:
        click.echo(text, nl=False)
    return 0
