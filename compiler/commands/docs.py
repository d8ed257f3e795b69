"""`engage docs`: regenerate the language reference and the finding-code pages."""

from __future__ import annotations

from pathlib import Path

import click

from compiler.docsgen import load_examples, out_of_date, write_docs


@click.command()
@click.option(
    "--out",
    "docs",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("docs"),
    show_default=True,
    help="The docs folder: language.md and rules/ are written there.",
)
@click.option(
    "--examples",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("tests/fixtures/language/examples"),
    show_default=True,
    help="One small ecosystem per finding code (a folder named after it), compiled to "
    "show what engage prints.",
)
@click.option("--check", is_flag=True, help="Write nothing; exit 1 if any page is out of date.")
def docs(docs: Path, examples: Path, check: bool) -> int:
    """Regenerate docs/language.md (its generated part) and docs/rules/*.md.

    The language reference comes from the models, the rule pages from the registry of
    finding codes; hand-written parts of language.md are kept.
    """
    found = load_examples(examples)
    if check:
        stale = out_of_date(docs, found)
        for path in stale:
            click.echo(f"out of date: {path}")
        if stale:
            click.echo("run `engage docs` to regenerate", err=True)
        return 1 if stale else 0
    for path in write_docs(docs, found):
        click.echo(f"wrote {path}")
    return 0
