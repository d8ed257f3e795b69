"""Secrets never belong in an ecosystem's YAML.

engage needs no credential: connectors, named credentials and CI secrets keep them. A
password, token or key written into the YAML (in a description, a label, a constant of
a field mapping) would travel into plans, state, pull-request comments and generated
files, so it is refused where it stands, before any of those exist. The check looks for
`password: …` / `token=…` written inline (the patterns the plan's redaction uses) and
for the shapes of well-known credentials; the value itself is never repeated.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Iterable, Iterator
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from compiler.diagnostics import NO_EXCERPT, Finding, code, make
from compiler.spans import SpanIndex

if TYPE_CHECKING:
    from compiler.source import Document

E_SECRET = code(
    "E8020",
    "Secret in the ecosystem",
    "A password, token or key written into the YAML would be copied into plans, state, "
    "pull-request comments and generated files, and into the history of the repository.",
    "Remove it, and rotate it if it was ever committed; credentials belong in the "
    "platforms' own stores (named credentials, connected apps, CI secrets); engage needs none.",
    suppressible=False,
)
NO_EXCERPT.add(E_SECRET.code)  # the source line holds the secret: never print it

# Modelled on gitleaks' default rules (aws-access-token, generic-api-key, private-key,
# jwt, github-pat, slack tokens; the "url with credentials" and authorization-header
# patterns) and detect-secrets' KeywordDetector and Base64HighEntropyString (limit 4.5).
# Boundaries are "not a letter or digit" rather than \b, so `db_password=` and
# `AWS_SECRET_ACCESS_KEY=` are seen (\b fails after `_`).
_NOT_ALNUM_BEFORE = r"(?<![A-Za-z0-9])"
_SHAPES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("a private key", re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----")),
    (
        "an AWS access key id",
        re.compile(r"(?<![A-Z0-9])(?:AKIA|ASIA|AGPA|AIDA|AROA)[0-9A-Z]{16}(?![A-Z0-9])"),
    ),
    ("a JSON Web Token", re.compile(r"\beyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]{8,}")),
    ("a GitHub token", re.compile(r"(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_\w{20,})")),
    ("a Slack token", re.compile(r"xox[abprs]-[A-Za-z0-9-]{10,}")),
    ("a Salesforce session id", re.compile(r"\b00D[A-Za-z0-9]{12,15}![\w.]{20,}")),
    ("a URL with a password", re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^\s/:@]+:[^\s/@]+@[^\s/]")),
    (
        "an authorization header",
        re.compile(
            r"(?i)authorization\s*[:=]\s*(?:basic|bearer|digest|token)\s+[A-Za-z0-9+/=._~-]{6,}"
        ),
    ),
    (
        "an authorization header",
        re.compile(
            r"(?i)\b(?:basic|bearer)\s+(?=[A-Za-z0-9+/=._~-]*[0-9+/=])[A-Za-z0-9+/=._~-]{12,}"
        ),
    ),
)
# A keyword, then `:` / `=` and a value, or a space and a value that looks like a secret.
_KEYWORDS = (
    r"[A-Za-z0-9_]*(?:password|passwd|passphrase|secret|token)|pwd|pw|api[_-]?key|apikey"
    r"|access[_-]?key|private[_-]?key|client[_-]?secret|credentials?|auth[_-]?code"
)
_ASSIGNED = re.compile(
    rf"(?i){_NOT_ALNUM_BEFORE}(?:{_KEYWORDS})(?![A-Za-z0-9])\s*[:=]\s*(\"[^\"]*\"|'[^']*'|[^\s,;]+)"
)
_SPACED = re.compile(rf"(?i){_NOT_ALNUM_BEFORE}(?:password|passwd|passphrase|pwd|pw)\s+(\S+)")
_PLACEHOLDER = re.compile(
    r"^(?:\$\{.*\}|\{\{.*\}\}|<.*>|\*+|x+|\(sensitive value\)|none|null|"
    r"true|false|required|optional|n/a|-+)$",
    re.IGNORECASE,
)
_BASE64 = re.compile(r"[A-Za-z0-9+/]{40,}={0,2}")
_SSH_KEY = re.compile(
    r"^(ssh-ed25519|ecdsa-sha2-nistp(256|384|521)|ssh-rsa) [A-Za-z0-9+/]+={0,3}( |$)"
)


def _value_looks_secret(value: str, spaced: bool) -> bool:
    value = value.strip("\"'")
    if len(value) < (6 if spaced else 3) or _PLACEHOLDER.match(value):
        return False
    if not spaced:
        return True
    has_digit = any(c.isdigit() for c in value)
    has_alpha = any(c.isalpha() for c in value)
    return has_alpha and (has_digit or any(not c.isalnum() for c in value))


def _entropy(text: str) -> float:
    counts = {c: text.count(c) for c in set(text)}
    return -sum(n / len(text) * math.log2(n / len(text)) for n in counts.values())


@lru_cache(maxsize=1 << 16)
def _what(text: str) -> str | None:
    """A pure function of the text: an ecosystem repeats most of its strings (types,
    system names, field names), so each distinct string is judged once per run."""
    for name, pattern in _SHAPES:
        if pattern.search(text):
            return name
    if any(_value_looks_secret(m.group(1), False) for m in _ASSIGNED.finditer(text)):
        return "a password, token or key written inline"
    if any(_value_looks_secret(m.group(1), True) for m in _SPACED.finditer(text)):
        return "a password written inline"
    if not _SSH_KEY.match(text.strip()):
        for blob in _BASE64.findall(text):
            if _entropy(blob) > 4.5:
                return "a long random (base64) string, such as a key"
    return None


def looks_secret(text: str) -> str | None:
    """What the text looks like when it holds a secret ("a private key"…), else None."""
    return _what(text)


def find_secrets(
    value: Any, path: tuple[str | int, ...] = (), *, strings: Collection[str] | None = None
) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """(path, what it looks like) of every secret-looking string under `value`. Keys are
    not judged: in this language they are names (a field called `Device_Token` is a field,
    not a token, and maps to another field's name), and the schema refuses keys it does not
    know; `SFPASSWORD=…` or `pw: …` written inside a string is judged like any secret.

    The distinct strings are judged first, without paths: almost every document holds no
    secret, and only one that does is walked again to name where. Before that, all of
    them at once are looked at for what any secret needs (`_may_hold`).

    `strings`: the distinct strings under `value` as the parser met them, collected from
    `value` when not given. More than those (a key) changes nothing: only a string judged
    a secret leads to the walk, and the walk judges the value's own strings (issue 11:
    the parser's set spares a second walk of every document)."""
    if strings is None:
        strings = _strings(value)
    if not _may_hold("\x00".join(strings)) or not any(_what(text) is not None for text in strings):
        return iter(())
    return _find(value, path)


# What `_what` needs to find a secret in an ASCII text, lower-cased: one of these, or a
# run of base64 (`_BASE64` itself). Each pattern above needs one of them, in order:
# the private key, the AWS key ids, the JSON Web Token, the GitHub and Slack tokens,
# the Salesforce session id, the URL with a password, the two authorization headers,
# then `_KEYWORDS` (password, passwd and passphrase need "pass"; pwd and pw "pw"; the
# rest as written, `[_-]?` spelled out) and `_SPACED`'s. tests/test_secrets_prefilter.py
# draws texts from every pattern and checks that one of these is in each.
_NEEDLES = (
    "-----begin ",
    "akia",
    "asia",
    "agpa",
    "aida",
    "aroa",
    "eyj",
    "ghp_",
    "gho_",
    "ghu_",
    "ghs_",
    "ghr_",
    "github_pat_",
    "xoxa-",
    "xoxb-",
    "xoxp-",
    "xoxr-",
    "xoxs-",
    "00d",
    "://",
    "authorization",
    "basic",
    "bearer",
    "pass",
    "secret",
    "token",
    "pw",
    "apikey",
    "api_key",
    "api-key",
    "accesskey",
    "access_key",
    "access-key",
    "privatekey",
    "private_key",
    "private-key",
    "credential",
    "authcode",
    "auth_code",
    "auth-code",
)


def _may_hold(text: str) -> bool:
    """False only when `_what` finds no secret in any part of `text` (the distinct
    strings of a document joined by NUL, which no pattern needs): a few substring
    searches instead of a dozen regular expressions per string. A text not all ASCII
    may be (the patterns ignore case the Unicode way: the long s is an s, the Kelvin
    sign a k)."""
    if not text.isascii():
        return True
    low = text.lower()
    return any(needle in low for needle in _NEEDLES) or _BASE64.search(text) is not None


def _strings(value: Any) -> set[str]:
    """Every string value under `value`. The parser's values are exact dicts, lists and
    strings, tested first by type (issue 11: a quarter of this walk's time at 10k);
    subclasses still count."""
    found: set[str] = set()
    add = found.add
    stack = [value]
    pop, extend = stack.pop, stack.extend
    while stack:
        item = pop()
        kind = type(item)
        if kind is str:
            add(item)
        elif kind is dict:
            extend(item.values())
        elif kind is list:
            extend(item)
        elif isinstance(item, dict):
            extend(item.values())
        elif isinstance(item, list):
            extend(item)
        elif isinstance(item, str):
            found.add(item)
    return found


def _find(value: Any, path: tuple[str | int, ...]) -> Iterator[tuple[tuple[str | int, ...], str]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _find(item, (*path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _find(item, (*path, i))
    elif isinstance(value, str):
        what = _what(value)
        if what is not None:
            yield path, what


def document_secret_findings(documents: Iterable[Document]) -> list[Finding]:
    """E8020 for every document as written, overlays included: each file is judged once,
    whatever the number of environments compiled from it. A document read from the parse
    cache carries the verdicts of its content (`Document.secrets`): only they are turned
    into findings, and a document without any costs nothing."""
    found: list[Finding] = []
    for doc in documents:
        judged = doc.secrets
        if judged is None:
            found += secret_findings(doc.value, SpanIndex(doc.spans))
        elif judged:
            found += _findings(judged, SpanIndex(doc.spans))
    return found


def secret_findings(value: Any, index: SpanIndex) -> list[Finding]:
    return _findings(find_secrets(value), index)


def _findings(
    judged: Iterable[tuple[tuple[str | int, ...], str]], index: SpanIndex
) -> list[Finding]:
    return [
        make(
            E_SECRET,
            f"{'.'.join(str(p) for p in path) or 'document'} holds what looks like {what}; "
            "secrets never belong in the ecosystem's YAML",
            index.at(path),
        )
        for path, what in judged
    ]
