"""Indented JSON files, byte for byte what `json.dumps(value, indent=N, ensure_ascii=False)`
writes, in C.

The standard library indents in pure Python (its C encoder writes compact output only):
the 4,000 mcdev JSON files and the manifest of a 10,000-resource generation took about
1 CPU-s that way. orjson indents in C, two spaces a level, and writes the same bytes for
the same tokens, but formats some tokens its own way (floats under 1e-4, NaN and
infinities) and refuses others (integers beyond 64 bits, keys that are not strings). So
`compiler/jsonfast.py` compares its compact output with the C encoder's first: equal
bytes mean every token is written alike, and the layout (a line per item, `": "` after a
key, `[]` and `{}` for empty containers) is the same rule in both. Four spaces a level
are two doubled: an indented JSON line starts with its indentation only (a string's own
line breaks are escaped). Otherwise the standard library writes it.
"""

from __future__ import annotations

import json
from typing import Any

from compiler.jsonfast import indented_two

_DEEPEST = 64  # deeper documents are doubled by the standard library's indenting
_BREAKS = [b"\n" + b"  " * k for k in range(_DEEPEST + 1)]  # a depth-k line's start
_MARKED = [b"\n" + b"\0" * (4 * k) for k in range(_DEEPEST + 1)]  # ... doubled, in NULs


def _doubled(text: bytes) -> bytes | None:
    """Two-space indented JSON with each line's indentation doubled, by `bytes.replace`
    (in C; a regular expression calling back per line cost twice as much): a line break
    is always followed by the line's indentation and then a token (orjson escapes line
    breaks and NUL inside strings, so neither appears raw in a string), so the lines of
    depth k are those whose break is followed by 2k spaces and no more. From the deepest
    depth up, their breaks and indentation become the break and 4k NULs, which no
    shallower depth's pattern then matches; the NULs become spaces at the end. None for a
    document deeper than `_DEEPEST` (the patterns are made once, up to that depth)."""
    depth = 1
    while depth <= _DEEPEST and _BREAKS[depth] in text:
        depth += 1
    if depth > _DEEPEST:
        return None
    for k in range(depth - 1, 0, -1):
        text = text.replace(_BREAKS[k], _MARKED[k])
    return text.replace(b"\0", b" ")


def indented(value: Any, indent: int) -> bytes:
    """`(json.dumps(value, indent=indent, ensure_ascii=False) + "\\n").encode("utf-8")`."""
    fast = indented_two(value) if indent in (2, 4) else None
    if fast is not None and indent == 4:
        fast = _doubled(fast)
    if fast is None:
        return (json.dumps(value, indent=indent, ensure_ascii=False) + "\n").encode("utf-8")
    return fast + b"\n"
