"""The source lines findings may quote: only bytes the loader accepted, never a line
holding a secret.

The renderer used to read a finding's file again to show its line: a `*.yaml` link the
loader refused (E0004) was then read anyway (a link to /dev/zero grew memory without
bound, a link to a credentials file printed its first line), and a file over the size
limit was read whole. Now the loader records the text of each file it accepted, the
secret check hides the lines it flagged, and excerpts come from that record alone: a
file not in it is never opened for an excerpt.

Each file is kept as its text and an array of where its lines start, not as one string
per line (issue 11: a 10,000-resource ecosystem held 56,000 line strings, 4.8 MB, for
the few lines findings quote). The lines are those of `str.splitlines`.

The text is kept compressed (zlib, fastest level) and unpacked when a line of the file is
asked for, one file at a time: the texts were 17.9 MiB of the peak of `check` at 100,000
resources (issue 11), 1.6 MiB packed, for 0.06 CPU-s to pack and 0.04 to unpack them all.
"""

from __future__ import annotations

import re
import zlib
from array import array
from itertools import accumulate

# The line boundaries of str.splitlines.
_BREAK = re.compile("\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


class _Text:
    __slots__ = ("_packed", "_starts", "hidden")

    def __init__(self, text: str) -> None:
        self._packed = zlib.compress(text.encode("utf-8", "surrogatepass"), 1)
        self._starts: array[int] | None = None  # made when a line is first asked for
        self.hidden: set[int] = set()

    @property
    def text(self) -> str:
        """The file's text, unpacked; the last file unpacked is kept (findings are
        rendered file by file)."""
        global _LAST
        last = _LAST
        if last is not None and last[0] is self:
            return last[1]
        text = zlib.decompress(self._packed).decode("utf-8", "surrogatepass")
        _LAST = (self, text)
        return text

    @property
    def starts(self) -> array[int]:
        """starts[i] is where line i + 1 starts; starts[-1] is the end of the last line's
        break (str.splitlines breaks where _BREAK does, "\r\n" as one, in C). Made on
        first use: most accepted files are never quoted (issue 11: load)."""
        starts = self._starts
        if starts is None:
            text = self.text
            starts = self._starts = array(
                "q", accumulate(map(len, text.splitlines(True)), initial=0)
            )
        return starts

    def count(self) -> int:
        return len(self.starts) - 1

    def line(self, number: int) -> str:
        """Line `number` (1-based, in range) without its line break."""
        starts = self.starts
        chunk = self.text[starts[number - 1] : starts[number]]
        match = _BREAK.search(chunk)
        return chunk if match is None else chunk[: match.start()]


_ACCEPTED: dict[str, _Text] = {}
_LAST: tuple[_Text, str] | None = None  # the file last unpacked, and its text


def accept(file: str, text: str) -> None:
    """The loader accepted `file` (as findings name it) with this text."""
    global _LAST
    _ACCEPTED[file] = _Text(text)
    _LAST = None


def hide(file: str, first: int, last: int = 0) -> None:
    """Lines `first`..`last` hold a secret: never quote them."""
    record = _ACCEPTED.get(file)
    if record is None:
        return
    count = record.count()
    for number in range(first, max(first, last) + 1):
        if 0 < number <= count:
            record.hidden.add(number)


def line(file: str, number: int) -> str | None:
    """Line `number` of an accepted file, or None (not accepted, hidden, out of range)."""
    record = _ACCEPTED.get(file)
    if record is None or not 0 < number <= record.count() or number in record.hidden:
        return None
    return record.line(number)
