"""Findings as SARIF 2.1.0, the format GitHub code scanning (and most CI tools) ingest.

File locations are relative URIs under the `%SRCROOT%` base, which is the repository root
(the git top level, `compiler.render.repo_paths`), not the working directory: code scanning
places them on the right file when engage runs in a subfolder. `originalUriBaseIds` says
where `%SRCROOT%` is. Every rule that
has a result is described in `tool.driver.rules` with its title, rationale and fix hint.
Suppressed findings keep their result with a `suppressions` entry, so reviewers still see
them; `partialFingerprints` carry the baseline fingerprint (code, address, message), which
does not move when lines do.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from compiler import __version__
from compiler.diagnostics import REGISTRY, CodeInfo, Finding, Severity, Span
from compiler.render.jsonout import dumps_indented
from compiler.render.repo_paths import repo_relative, repo_root
from compiler.suppress import fingerprint

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def _uri(file: str) -> str:
    from urllib.parse import quote

    return quote(repo_relative(file), safe="/-._~")


def _region(span: Span) -> dict[str, int]:
    region = {"startLine": span.line, "startColumn": span.column}
    if span.end_line >= span.line and span.end_line:
        region["endLine"] = span.end_line
        if span.end_column and (span.end_line > span.line or span.end_column > span.column):
            region["endColumn"] = span.end_column
    return region


def _physical(span: Span) -> dict[str, Any]:
    return {
        "artifactLocation": {"uri": _uri(span.file), "uriBaseId": "%SRCROOT%"},
        "region": _region(span),
    }


def _rule(info: CodeInfo) -> dict[str, Any]:
    text = f"{info.rationale}\n\nHow to fix: {info.hint}"
    markdown = f"**{info.title}** ({info.code})\n\n{info.rationale}\n\n**How to fix:** {info.hint}"
    return {
        "id": info.code,
        "name": "".join(w.capitalize() for w in re.split(r"[^A-Za-z0-9]+", info.title)),
        "shortDescription": {"text": info.title},
        "fullDescription": {"text": info.rationale},
        "help": {"text": text, "markdown": markdown},
        "defaultConfiguration": {"level": _LEVEL[info.severity]},
        "properties": {"tags": ["engage", info.category], "suppressible": info.suppressible},
    }


def _fallback_rule(code_: str) -> dict[str, Any]:
    return {"id": code_, "shortDescription": {"text": code_}}


def _result(finding: Finding, index: int, default_file: str) -> dict[str, Any]:
    span = finding.span or Span(default_file, 1, 1)
    message = finding.message + (f"\nHint: {finding.hint}" if finding.hint else "")
    result: dict[str, Any] = {
        "ruleId": finding.code,
        "ruleIndex": index,
        "level": _LEVEL[finding.severity],
        "message": {"text": message},
        "locations": [{"physicalLocation": _physical(span)}],
        "partialFingerprints": {"engageFindingHash/v1": fingerprint(finding)},
    }
    properties: dict[str, Any] = {"address": finding.address} if finding.address else {}
    if finding.environment is not None:
        properties["environment"] = finding.environment
    if properties:
        result["properties"] = properties
    if finding.related:
        result["relatedLocations"] = [
            {"id": i, "physicalLocation": _physical(r.span), "message": {"text": r.message}}
            for i, r in enumerate(finding.related, start=1)
        ]
    if finding.suppressed is not None:
        result["suppressions"] = [{"kind": "inSource", "justification": finding.suppressed.reason}]
    return result


def sarif_document(findings: Sequence[Finding], *, default_file: str = ".") -> dict[str, Any]:
    codes = sorted({f.code for f in findings})
    index = {c: i for i, c in enumerate(codes)}
    rules = [_rule(REGISTRY.codes[c]) if c in REGISTRY.codes else _fallback_rule(c) for c in codes]
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "engage",
                        "version": __version__,
                        "rules": rules,
                    }
                },
                "originalUriBaseIds": {
                    "%SRCROOT%": {
                        "uri": repo_root().as_uri() + "/",
                        "description": {"text": "The repository root (git top level)."},
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": [_result(f, index[f.code], default_file) for f in findings],
            }
        ],
    }


def render_sarif(findings: Sequence[Finding], *, default_file: str = ".") -> str:
    return dumps_indented(sarif_document(findings, default_file=default_file))
