"""Findings as JSON for machines: stable keys, sorted, one document.

The document of `engage check --format json` and `engage validate --format json`, format
version 1: its JSON Schema is `schemas/findings-v1.schema.json` (`compiler.render.
findings_schema`). A change that removes or renames a key raises FORMAT_VERSION.
"""

from __future__ import annotations

from collections.abc import Sequence

from compiler import __version__
from compiler.diagnostics import Finding, Severity
from compiler.render.jsonout import dumps_indented

FINDINGS_KIND = "engage-findings"
FORMAT_VERSION = 1


def findings_document(findings: Sequence[Finding], **extra: object) -> dict[str, object]:
    active = [f for f in findings if f.suppressed is None]
    return {
        "kind": FINDINGS_KIND,
        "format_version": FORMAT_VERSION,
        "tool": {"name": "engage", "version": __version__},
        **extra,
        "summary": {
            "errors": sum(f.severity is Severity.ERROR for f in active),
            "warnings": sum(f.severity is Severity.WARNING for f in active),
            "info": sum(f.severity is Severity.INFO for f in active),
            "suppressed": len(findings) - len(active),
        },
        "findings": [f.to_json() for f in findings],
    }


def render_json(findings: Sequence[Finding], **extra: object) -> str:
    return dumps_indented(findings_document(findings, **extra))
