"""Findings as GitHub Actions workflow commands: annotations on the pull request's files.

https://docs.github.com/actions/reference/workflow-commands-for-github-actions
Files are named relative to the repository root (the git top level), as GitHub places
annotations, not to the working directory. Suppressed findings are not annotated (they
are listed in the step summary instead).
"""

from __future__ import annotations

from collections.abc import Sequence

from compiler.diagnostics import Finding, Severity
from compiler.render.repo_paths import repo_relative

_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(finding: Finding) -> str:
    props = []
    if finding.span is not None:
        s = finding.span
        props += [
            f"file={_escape_property(repo_relative(s.file))}",
            f"line={s.line}",
            f"col={s.column}",
        ]
        if s.end_line and s.end_line >= s.line:
            props.append(f"endLine={s.end_line}")
            if s.end_line == s.line and s.end_column > s.column:
                props.append(f"endColumn={s.end_column}")
    props.append(f"title={_escape_property(f'{finding.code} {finding.address}'.strip())}")
    body = finding.message
    body += "".join(f"\n{r.message} at {r.span}" for r in finding.related)
    if finding.hint:
        body += f"\nHint: {finding.hint}"
    return f"::{_COMMAND[finding.severity]} {','.join(props)}::{_escape_data(body)}"


def render_github(findings: Sequence[Finding]) -> str:
    lines = [annotation(f) for f in findings if f.suppressed is None]
    suppressed = sum(f.suppressed is not None for f in findings)
    if suppressed:
        lines.append(f"::notice title=engage::{suppressed} finding(s) suppressed with a reason")
    return "".join(line + "\n" for line in lines)
