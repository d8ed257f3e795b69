"""Canonical JSON and digests: the same value always gives the same bytes and hash.

`pretty_json` is what the standard library's `json.dumps(indent=2, sort_keys=True,
ensure_ascii=False)` writes, byte for byte. The standard library indents in pure Python
(its C encoder does compact output only): 2.5 of a 10,000-resource plan's 13 CPU-s went
to indenting its 39 MB. orjson (a C encoder that indents) writes the same bytes for the
same tokens but formats some of them its own way (floats under 1e-4 as `0.00001`, not
`1e-05`; NaN and infinities as `null`; integers beyond 64 bits it refuses). So its compact
output is compared with the C encoder's first: equal bytes mean every token is written
alike, and the indentation (a line per item, two spaces a level, `[]` and `{}` for empty
containers) is the same rule in both. Otherwise the standard library writes it.

A mapping's canonical JSON is also made of its items' (`encode_items`, `join_items`): a
plan's resources are encoded once, item by item, for their own digests, and the plan's
digest splices the same text in (`orjson.Fragment`) instead of encoding them a second time.
Everything else in a plan is strings, integers, booleans and lists or string-keyed mappings
of them, which orjson writes exactly as the standard library does (every code point, key
order; `tests/test_canonical_json.py`); the values with floats, where the two differ, are
always among the spliced ones.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from typing import Any

import orjson

_COMPACT = orjson.OPT_SORT_KEYS
_INDENTED = orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2


def canonical_json(value: Any) -> str:
    """Sorted keys, no whitespace, UTF-8 kept: the form every digest is computed over."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def digest(value: Any) -> str:
    return "sha256:" + hashlib.sha256(canonical_json(value).encode("utf-8")).hexdigest()


# canonical_json's encoder, made once (json.dumps makes one per call), refusing NaN and
# the infinities: a JSON-mode dump writes those as null, so a caller falls back to it
_ENCODER = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
)
encode = _ENCODER.encode


def encode_items(value: Mapping[str, Any]) -> dict[str, str] | None:
    """Key → canonical JSON of its value; None where a key is not a string or a value
    holds NaN or an infinity (no spliceable text)."""
    if not all(isinstance(key, str) for key in value):
        return None
    try:
        return {key: encode(item) for key, item in value.items()}
    except ValueError:
        return None


# a number token with a fraction or an exponent: a float, which orjson may write its own way
_FLOAT = re.compile(rb"[0-9][.eE]")
_STRINGS = re.compile(rb'"(?:[^"\\]|\\.)*"')


def dump_canonical(value: Mapping[str, Any]) -> bytes | None:
    """`canonical_json(value)` as UTF-8, written by orjson (a fifth of the standard
    library's time), when that is sure to be the same bytes; None otherwise.

    `value` is a JSON-mode dump of engage's models, which hold no NaN or infinity (the
    models refuse them, `allow_inf_nan=False`, and pydantic dumps those of `Any` fields
    as null): orjson would write them as `null`. Then the bytes are the same when orjson
    takes the value (no integer beyond 64 bits, no key that is not a string, no lone
    surrogate) and the text holds no float, the one token the two write their own ways
    (`1.5` and `brand0.example` alike are looked at again with the strings taken out)."""
    text = _orjson(value, _COMPACT)
    if text is None:
        return None
    if _FLOAT.search(text) is not None and _FLOAT.search(_STRINGS.sub(b"", text)) is not None:
        return None
    return text


def join_items(items: Mapping[str, str]) -> str:
    """`canonical_json` of the mapping whose items `encode_items` gave."""
    return "{" + ",".join(f"{encode(key)}:{items[key]}" for key in sorted(items)) + "}"


def digest_text(text: str) -> str:
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def digest_bytes(text: bytes) -> str:
    return "sha256:" + hashlib.sha256(text).hexdigest()


def _orjson(value: Any, option: int) -> bytes | None:
    try:
        return orjson.dumps(value, option=option)
    except (TypeError, orjson.JSONEncodeError):  # a big integer, a non-str key...
        return None


def pretty_json(value: Any) -> str:
    """How engage writes JSON files: indented, sorted, newline-terminated."""
    try:
        fast = orjson.dumps(value, option=_COMPACT) == canonical_json(value).encode("utf-8")
    except (TypeError, orjson.JSONEncodeError):  # a big integer, a non-str key...
        fast = False
    text = (
        orjson.dumps(value, option=_INDENTED).decode("utf-8")
        if fast
        else json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)
    )
    return text + "\n"
