"""orjson's two-space indented JSON, when its tokens are the standard library's.

The standard library indents in pure Python (its C encoder writes compact output only);
orjson indents in C with the same layout (a line per item, two spaces a level, `": "`
after a key, `[]` and `{}` for empty containers), but formats some tokens its own way
(floats under 1e-4, NaN and infinities) and refuses others (integers beyond 64 bits, keys
that are not strings). Its compact output is compared with the C encoder's first: equal
bytes mean every token is written alike, so the indented text is the standard library's
`json.dumps(value, indent=2, ensure_ascii=False)`. Shared by the generated files
(`compiler/emit/jsontext.py`) and the findings documents (`compiler/render/jsonout.py`);
`compiler/plan/canonical.py` makes the same comparison for sorted keys.
"""

from __future__ import annotations

import json
from typing import Any

import orjson

# the C encoder's compact form, made once (`json.dumps` with separators makes one a call)
_COMPACT = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)
_REFUSED = (TypeError, ValueError, OverflowError, orjson.JSONEncodeError)


def indented_two(value: Any) -> bytes | None:
    """`json.dumps(value, indent=2, ensure_ascii=False).encode()` written by orjson, or
    None when orjson would write any token differently (then the caller asks `json`)."""
    try:
        compact = orjson.dumps(value)
        reference = _COMPACT.encode(value)
    except _REFUSED:
        return None
    if compact != reference.encode("utf-8"):
        return None
    return orjson.dumps(value, option=orjson.OPT_INDENT_2)
