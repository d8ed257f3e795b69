"""Findings as a GitLab code-quality report (`artifacts:reports:codequality`), which GitLab
shows in the merge request and on the changed lines of its diff.

The format is a JSON array of issues: description, check_name, fingerprint, severity
(info, minor, major, critical, blocker) and location.path/lines.begin, as documented in
GitLab's "Code Quality" page (Implement a custom tool). Paths are relative to the
repository root; suppressed findings are left out (GitLab has no suppressed state); the
fingerprint is the baseline fingerprint, which does not move when lines do.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from compiler.diagnostics import Finding, Severity
from compiler.render.repo_paths import repo_relative
from compiler.suppress import fingerprint

_SEVERITY = {Severity.ERROR: "major", Severity.WARNING: "minor", Severity.INFO: "info"}


def _issue(finding: Finding) -> dict[str, Any]:
    span = finding.span
    text = finding.message + (f" Hint: {finding.hint}" if finding.hint else "")
    return {
        "description": text,
        "check_name": finding.code,
        "fingerprint": fingerprint(finding),
        "severity": _SEVERITY[finding.severity],
        "location": {
            "path": repo_relative(span.file) if span else ".",
            "lines": {"begin": span.line if span else 1},
        },
    }


def render_gitlab(findings: Sequence[Finding]) -> str:
    issues = [_issue(f) for f in findings if f.suppressed is None]
    return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"
