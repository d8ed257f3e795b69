"""Canonical JSON and digests: the same value always gives the same bytes and hash."""

from __future__ import annotations

import hashlib
import json
from typing import Any


def canonical_json(value: Any) -> str:
    """Sorted keys, no whitespace, UTF-8 kept: the form every digest is computed over."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def digest(value: Any) -> str:
    return "sha256:" + hashlib.sha256(canonical_json(value).encode("utf-8")).hexdigest()


def pretty_json(value: Any) -> str:
    """How engage writes JSON files: indented, sorted, newline-terminated."""
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
