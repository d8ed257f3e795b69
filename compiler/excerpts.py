"""The source lines findings may quote: only bytes the loader accepted, never a line
holding a secret.

The renderer used to read a finding's file again to show its line: a `*.yaml` link the
loader refused (E0004) was then read anyway (a link to /dev/zero grew memory without
bound, a link to a credentials file printed its first line), and a file over the size
limit was read whole. Now the loader records the text of each file it accepted, the
secret check hides the lines it flagged, and excerpts come from that record alone: a
file not in it is never opened for an excerpt.
"""

from __future__ import annotations

_ACCEPTED: dict[str, list[str | None]] = {}


def accept(file: str, text: str) -> None:
    """The loader accepted `file` (as findings name it) with this text."""
    _ACCEPTED[file] = list(text.splitlines())


def hide(file: str, first: int, last: int = 0) -> None:
    """Lines `first`..`last` hold a secret: never quote them."""
    lines = _ACCEPTED.get(file)
    if lines is None:
        return
    for number in range(first, max(first, last) + 1):
        if 0 < number <= len(lines):
            lines[number - 1] = None


def line(file: str, number: int) -> str | None:
    """Line `number` of an accepted file, or None (not accepted, hidden, out of range)."""
    lines = _ACCEPTED.get(file)
    if lines is None or not 0 < number <= len(lines):
        return None
    return lines[number - 1]
