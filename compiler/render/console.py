"""One rich Console policy for every command: colour on terminals, plain in CI logs."""

from __future__ import annotations

import builtins
import os
import sys
from typing import IO, TYPE_CHECKING, Protocol

if TYPE_CHECKING:  # rich is imported only when something is printed through it
    from rich.console import Console


def make_console(*, stderr: bool = False) -> Console:
    """Colour only on a terminal; NO_COLOR (https://no-color.org) always wins."""
    from rich.console import Console

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


class Stream(Protocol):
    def write(self, text: str, /) -> int: ...

    def flush(self) -> None: ...


class PlainConsole:
    """What the findings' text renderer needs of a console that prints no colour: its
    stream, and no colour system (compiler.render.findings_text writes plain text
    straight to the stream then, as it does to a rich console without colour)."""

    color_system = None

    def __init__(self, file: Stream) -> None:
        self.file = file


def plain_stream(*, stderr: bool = False) -> IO[str] | None:
    """The stream `make_console` writes to when the console it makes would print no
    colour, decided without importing rich (0.04 CPU-s of every plain `engage check`);
    None when rich must decide. Plain for sure: NO_COLOR, or a stream that is no
    terminal with none of the settings that make rich colour one anyway (FORCE_COLOR,
    TTY_COMPATIBLE) and outside Jupyter (where rich always colours)."""
    stream = sys.stderr if stderr else sys.stdout
    if os.environ.get("NO_COLOR"):
        return stream
    if "FORCE_COLOR" in os.environ or "TTY_COMPATIBLE" in os.environ:
        return None
    if hasattr(builtins, "get_ipython"):
        return None
    isatty = getattr(stream, "isatty", None)
    if isatty is None:
        return stream
    try:
        return None if isatty() else stream
    except ValueError:  # a closed stream: rich takes it for no terminal too
        return stream
