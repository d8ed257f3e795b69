"""Secrets never belong in an ecosystem's YAML.

engage needs no credential: connectors, named credentials and CI secrets keep them. A
password, token or key written into the YAML (in a description, a label, a constant of
a field mapping) would travel into plans, state, pull-request comments and generated
files, so it is refused where it stands, before any of those exist. The check looks for
`password: …` / `token=…` written inline (the patterns the plan's redaction uses) and
for the shapes of well-known credentials; the value itself is never repeated.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from compiler.diagnostics import NO_EXCERPT, Finding, code, make
from compiler.redact import redact_text
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

_SHAPES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("a private key", re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----")),
    ("an AWS access key id", re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b")),
    ("a JSON Web Token", re.compile(r"\beyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]{8,}")),
    ("a GitHub token", re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_\w{20,})")),
    ("a Slack token", re.compile(r"\bxox[abprs]-[A-Za-z0-9-]{10,}")),
    ("a Salesforce session id", re.compile(r"\b00D[A-Za-z0-9]{12,15}![\w.]{20,}")),
)


def looks_secret(text: str) -> str | None:
    """What the text looks like when it holds a secret ("a private key"…), else None."""
    return _what(text)


def _what(text: str) -> str | None:
    for name, pattern in _SHAPES:
        if pattern.search(text):
            return name
    if redact_text(text) != text:
        return "a password, token or key written inline"
    return None


def find_secrets(
    value: Any, path: tuple[str | int, ...] = ()
) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """(path, what it looks like) of every secret-looking string under `value`. Keys are
    not judged: in this language they are names (a field called `Device_Token` is a field,
    not a token), and the schema refuses keys it does not know."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from find_secrets(item, (*path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from find_secrets(item, (*path, i))
    elif isinstance(value, str):
        what = _what(value)
        if what is not None:
            yield path, what


def document_secret_findings(documents: Iterable[Document]) -> list[Finding]:
    """E8020 for every document as written, overlays included: each file is judged once,
    whatever the number of environments compiled from it."""
    return [f for doc in documents for f in secret_findings(doc.value, SpanIndex(doc.spans))]


def secret_findings(value: Any, index: SpanIndex) -> list[Finding]:
    return [
        make(
            E_SECRET,
            f"{'.'.join(str(p) for p in path) or 'document'} holds what looks like {what}; "
            "secrets never belong in the ecosystem's YAML",
            index.at(path),
        )
        for path, what in find_secrets(value)
    ]
