"""`engage init`: a working starter ecosystem."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import click

from compiler.render.console import make_console
from compiler.render.findings_text import print_pieces


@click.command()
@click.argument("directory", required=False, default="ecosystem", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Write into a folder that already holds files.")
def init(directory: Path, force: bool) -> int:
    """Create a starter ecosystem in DIRECTORY (default: ./ecosystem)."""
    console = make_console(stderr=True)  # errors on stderr, the report on stdout
    report = make_console()
    if directory.exists() and any(directory.iterdir()) and not force:
        print_pieces(
            console,
            ("error:", "bold red"),
            (
                f" {directory} already holds files; choose an empty folder "
                "or pass --force to add the starter files beside them",
                None,
            ),
        )
        return 1
    template = resources.files("compiler") / "templates" / "init"
    written = []
    for item in sorted(template.iterdir(), key=lambda t: t.name):
        if not item.name.endswith((".yaml", ".yml")):
            continue
        target = directory / item.name
        if target.exists() and not force:
            print_pieces(
                console,
                ("error:", "bold red"),
                (f" {target} exists; pass --force to overwrite it", None),
            )
            return 1
        directory.mkdir(parents=True, exist_ok=True)
        target.write_text(item.read_text(encoding="utf-8"), encoding="utf-8")
        written.append(target)
    for target in written:
        print_pieces(report, (f"  created {target}", None))
    print_pieces(report, ("\nNext: ", None), (f"engage validate {directory}", "bold"))
    return 0
