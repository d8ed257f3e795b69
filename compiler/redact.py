"""Redaction: secret-looking values never reach plans, state or output.

Two rules, applied to every attribute value before anything else sees it:
- a scalar whose key looks secret (password, secret, token, api key, private key,
  credential…), or a `value`/`default` under such a key, becomes REDACTED;
- inside any string, an inline `password: hunter2` / `token=abc` is cut to
  `password: (sensitive)`.
Personal-data classes (`personal_data: sensitive`) describe data, they are not secrets.
The same inline pattern is what the load stage refuses in the YAML itself (E8020,
compiler/secrets.py); this module is the second line of defence behind it.
"""

from __future__ import annotations

import functools
import re
from itertools import pairwise
from typing import Any

REDACTED = "(sensitive value)"
_SECRET_WORDS = (
    r"pass(?:word|wd|phrase)?|pwd|secret|token|api[_-]?key|apikey|private[_-]?key"
    r"|access[_-]?key|client[_-]?secret|credentials?|auth[_-]?code|bearer|session[_-]?id"
)
_WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|[0-9]+")
_SECRET_NAMES = frozenset(
    {
        "password",
        "passwd",
        "passphrase",
        "pwd",
        "secret",
        "token",
        "credential",
        "credentials",
        "bearer",
        "apikey",
    }
)
_SECRET_PAIRS = frozenset(
    {
        ("api", "key"),
        ("private", "key"),
        ("access", "key"),
        ("client", "secret"),
        ("session", "id"),
        ("auth", "code"),
        ("signing", "key"),
    }
)
_INLINE = re.compile(
    rf"(?i)\b((?:{_SECRET_WORDS})\w*)(\s*[:=]\s*|\s+)(\"[^\"]*\"|'[^']*'|[^\s,;]+)"
)
_VALUE_KEYS = frozenset({"value", "default"})


@functools.lru_cache(maxsize=65536)
def secret_key(key: str) -> bool:
    """Does this key name a secret? `ApiKey__c`, `client_secret`, `password` do; `Keyword` not.
    (Cached: a plan asks about the same few hundred keys for every resource.)"""
    words = [w.lower() for w in _WORD.findall(key)]
    if any(w in _SECRET_NAMES for w in words):
        return True
    return any(pair in _SECRET_PAIRS for pair in pairwise(words))


def redact_text(text: str) -> str:
    """Cut inline secrets out of free text (descriptions, messages)."""

    def repl(match: re.Match[str]) -> str:
        if match.group(2).strip() == "" and not match.group(1).lower().startswith("bearer"):
            return match.group(0)
        return f"{match.group(1)}{match.group(2)}{REDACTED}"

    return _INLINE.sub(repl, text)


def redact(value: Any, *, secret: bool = False) -> tuple[Any, bool]:
    """Redacted copy of a JSON value, and whether anything was redacted."""
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        changed = False
        for key, item in value.items():
            inner = secret_key(key) or (secret and key in _VALUE_KEYS)
            out[key], hit = redact(item, secret=inner)
            changed = changed or hit
        return out, changed
    if isinstance(value, list):
        items: list[Any] = []
        hits = False
        for item in value:
            cleaned, hit = redact(item, secret=secret)
            items.append(cleaned)
            hits = hits or hit
        return items, hits
    if secret and value is not None and not isinstance(value, bool):
        return REDACTED, True
    if isinstance(value, str):
        cleaned = _redact_short(value) if len(value) <= _SHORT else redact_text(value)
        return cleaned, cleaned != value
    return value, False


# What every secret-looking key and every inline secret holds, lower-cased, derived from
# the lists above so that a name added there is looked for here too: a word of
# `_SECRET_NAMES` or a pair of `_SECRET_PAIRS` with no letter or digit between (as `_WORD`
# splits `api_key` and `AccessKey`); every `_SECRET_WORDS` word starts with one of them.
# The names holding `pass` are looked for apart (`_PASS`).
_MAYBE_SECRET = re.compile(
    "|".join(
        [re.escape(name) for name in sorted(_SECRET_NAMES) if "pass" not in name]
        + [f"{re.escape(a)}[^a-z0-9]*{re.escape(b)}" for a, b in sorted(_SECRET_PAIRS)]
    ).encode("ascii")
)
# `pass` ends no secret name and starts an inline one only after a word boundary, so a
# `pass` after a letter, digit or `_` and before no letter is none (`bypass_fields`); the
# look-behind makes the pattern slow, so it runs only on texts that hold `pass`
_PASS = re.compile(rb"(?<![a-z0-9_])pass|pass(?=[a-z])")


def clean_json(text: bytes) -> bool:
    """True when `redact` would change nothing in the value whose compact JSON is `text`
    (False is no verdict: `redact` then looks at the value itself).

    Both of redact's rules need a word of a few ASCII letters in a key or a string (in
    any case: `_INLINE` ignores case, `secret_key` lower-cases the words of `_WORD`), and
    JSON writes a key's or a string's letters as they are. The text must be ASCII (under
    IGNORECASE the long s, U+017F, matches `s` and the Kelvin sign `k`) and hold no
    backslash (an escape such as `\\n` would put a letter between two words that `_WORD`
    splits at the line break); then no match of `_MAYBE_SECRET` or `_PASS` in its
    lower-case form means no secret."""
    if not text.isascii() or b"\\" in text:
        return False
    low = text.lower()
    return _MAYBE_SECRET.search(low) is None and (b"pass" not in low or _PASS.search(low) is None)


_SHORT = 200  # a plan's values repeat the same short strings (types, names) for every resource


@functools.lru_cache(maxsize=65536)
def _redact_short(text: str) -> str:
    return redact_text(text)
