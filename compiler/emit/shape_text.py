"""The text side of prebuilt shapes, shared by the sync SQL (`emit/sync/shapes.py`) and
the Marketing Cloud queries (`emit/marketing_cloud/shapes.py`).

A shape is a statement written once with its replaceable texts swapped for tokens of the
same length (`Tokens`), cut at those tokens (`cut`) and filled with each statement's own
texts (`fill`). Each module says which texts it replaces and why the filled text is
byte-identical to writing the statement itself.
"""

from __future__ import annotations

import re

_PLAIN = re.compile(r"[A-Za-z0-9_]+\Z")

# the cut text: pieces[0] + s[slots[0]] + pieces[1] + ... + pieces[-1]
Cut = tuple[tuple[str, ...], tuple[int, ...]]


class Tokens:
    """Each replaceable text → its token (same length), numbered in order of meeting.

    A text is replaced only when it holds letters, digits and `_` alone and is at least
    as long as its token; any other text is returned as it is (part of the shape's key)."""

    def __init__(self, letter: str) -> None:
        self.letter = letter
        self.tokens: dict[str, str] = {}
        self.strings: list[str] = []

    def __call__(self, value: str) -> str:
        found = self.tokens.get(value)
        if found is not None:
            return found
        token = f"Q{self.letter}{len(self.strings)}"
        if len(token) > len(value) or not _PLAIN.match(value):
            return value  # kept as it is: part of the shape's key
        token = token.ljust(len(value), self.letter)
        self.tokens[value] = token
        self.strings.append(value)
        return token


def cut(text: str, tok: Tokens) -> Cut:
    """`text` cut at every token of `tok` (longest first), with the slot of each."""
    if not tok.strings:
        return (text,), ()
    index = {token: i for i, token in enumerate(tok.tokens.values())}
    pattern = re.compile("|".join(re.escape(t) for t in sorted(index, key=len, reverse=True)))
    pieces: list[str] = []
    slots: list[int] = []
    start = 0
    for match in pattern.finditer(text):
        pieces.append(text[start : match.start()])
        slots.append(index[match.group()])
        start = match.end()
    pieces.append(text[start:])
    return tuple(pieces), tuple(slots)


def fill(shape: Cut, strings: list[str]) -> str:
    """The cut text with each slot filled from `strings`."""
    pieces, slots = shape
    out = [pieces[0]]
    for slot, piece in zip(slots, pieces[1:], strict=True):
        out.append(strings[slot])
        out.append(piece)
    return "".join(out)
