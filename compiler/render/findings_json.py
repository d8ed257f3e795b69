"""Findings as JSON for machines: stable keys, sorted, one document."""

from __future__ import annotations

import json
from collections.abc import Sequence

from compiler import __version__
from compiler.diagnostics import Finding, Severity


def findings_document(findings: Sequence[Finding], **extra: object) -> dict[str, object]:
    active = [f for f in findings if f.suppressed is None]
    return {
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
    return json.dumps(findings_document(findings, **extra), indent=2, sort_keys=False) + "\n"
