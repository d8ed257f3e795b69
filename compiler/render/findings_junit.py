"""Findings as JUnit XML, the test-report format every CI system shows (GitLab's merge
request test report, Jenkins, Azure Pipelines, GitHub's test-reporter actions).

The shape cfn-lint and checkov use: one test suite per rule code that ran or reported,
one test case per finding (a `failure` for errors and warnings, a passing case for info),
suppressed findings as `skipped` with their reason, and one passing case for each rule
code with no finding, so a clean run shows what was checked. Names carry the address and
the file:line:column (files relative to the repository root, `file` and `line` attributes
too), so a report row leads to the YAML; control characters are shown, never written
(XML 1.0 cannot carry them). Built with the standard library's
ElementTree, which escapes every name and message.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence

from compiler.diagnostics import REGISTRY, Finding, Severity
from compiler.render.plan_values import visible
from compiler.render.repo_paths import repo_relative


def _case(suite: ET.Element, finding: Finding) -> None:
    s = finding.span
    where = f"{repo_relative(s.file)}:{s.line}:{s.column}" if s else ""
    name = visible(" ".join(p for p in (finding.address, where) if p) or finding.code)
    case = ET.SubElement(suite, "testcase", name=name, classname=f"engage.{finding.code}")
    if s is not None:
        case.set("file", visible(repo_relative(s.file)))
        case.set("line", str(s.line))
    text = finding.message + (f"\nHint: {finding.hint}" if finding.hint else "")
    text += "".join(f"\n{r.message} at {r.span}" for r in finding.related)
    text = visible(text)  # XML 1.0 cannot carry most control characters at all
    if finding.suppressed is not None:
        reason = visible(finding.suppressed.reason)
        ET.SubElement(case, "skipped", message=f"suppressed: {reason}")
    elif finding.severity is not Severity.INFO:
        failure = ET.SubElement(
            case, "failure", message=visible(finding.message), type=finding.severity.value
        )
        failure.text = text
    else:
        ET.SubElement(case, "system-out").text = text


def _suite(root: ET.Element, code: str, findings: Sequence[Finding]) -> None:
    info = REGISTRY.codes.get(code)
    title = f"{code} {info.title}" if info else code
    failures = sum(1 for f in findings if f.suppressed is None and f.severity is not Severity.INFO)
    skipped = sum(1 for f in findings if f.suppressed is not None)
    suite = ET.SubElement(
        root,
        "testsuite",
        name=title,
        tests=str(max(1, len(findings))),
        failures=str(failures),
        errors="0",
        skipped=str(skipped),
    )
    if not findings:
        ET.SubElement(suite, "testcase", name="no finding", classname=f"engage.{code}")
    for finding in findings:
        _case(suite, finding)


def render_junit(findings: Sequence[Finding], checked_codes: Iterable[str] = ()) -> str:
    """The report; `checked_codes` are the rule codes that ran (passing when unreported)."""
    by_code: dict[str, list[Finding]] = {c: [] for c in checked_codes}
    for finding in findings:
        by_code.setdefault(finding.code, []).append(finding)
    root = ET.Element("testsuites", name="engage check")
    for code in sorted(by_code):
        _suite(root, code, by_code[code])
    suites = root.findall("testsuite")
    for key in ("tests", "failures", "skipped"):
        root.set(key, str(sum(int(s.get(key, "0")) for s in suites)))
    root.set("errors", "0")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"
