"""One rich Console policy for every command: colour on terminals, plain in CI logs."""

from __future__ import annotations

import os
import sys

from rich.console import Console


def make_console(*, stderr: bool = False) -> Console:
    """Colour only on a terminal; NO_COLOR (https://no-color.org) always wins."""
    stream = sys.stderr if stderr else sys.stdout
    no_color = bool(os.environ.get("NO_COLOR"))
    return Console(
        file=stream,
        no_color=no_color,
        color_system=None if no_color else "auto",  # NO_COLOR: no bold or dim escapes either
        highlight=False,
        soft_wrap=True,
        emoji=False,
        width=None if stream.isatty() else 200,
    )
