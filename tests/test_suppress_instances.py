"""Suppressions on for_each templates: `instances:` names the instances they apply to,
and a template's suppression is judged once, over its instances (W9902, E9920).

Fixtures: tests/fixtures/rules/suppress_instances_{silent,fires} over `_base/`.
"""

from __future__ import annotations

from pathlib import Path

from test_rules_fixtures import check_case

from compiler.diagnostics import Finding
from compiler.rules.check import check_path


def _active(findings: list[Finding]) -> list[tuple[str, str, int, int]]:
    return [
        (f.code, f.address, f.span.line, f.span.column)
        for f in findings
        if f.suppressed is None and f.span is not None
    ]


def test_template_suppressions_matching_some_instances_by_design(tmp_path: Path) -> None:
    findings = check_case(tmp_path, "suppress_instances_silent")
    assert _active(findings) == []
    suppressed = sorted((f.code, f.address) for f in findings if f.suppressed is not None)
    assert suppressed == [
        ("E8005", "data_extension.send_archive[clearance]"),
        ("W9001", "data_extension.send_archive[clearance]"),
        ("W9001", "data_extension.send_archive[retail]"),
    ]


def test_template_suppressions_naming_the_wrong_instances(tmp_path: Path) -> None:
    findings = check_case(tmp_path, "suppress_instances_fires")
    assert _active(findings) == [
        ("W9001", "data_extension.send_archive[clearance]", 16, 5),
        ("W9001", "data_extension.send_archive[retail]", 16, 5),
        ("E8005", "data_extension.send_archive[clearance]", 18, 19),
        ("E9920", "data_extension.send_archive[clearance]", 25, 21),  # 'clearence'
        ("W9902", "data_extension.send_archive[clearance]", 26, 15),  # E8005's, once
    ]
    unused = next(f for f in findings if f.code == "W9902")
    assert unused.message == (
        "the suppression of E8005 matches no finding in the instances it applies to "
        "(data_extension.send_archive[retail])"
    )


def test_instances_on_a_resource_without_for_each(tmp_path: Path) -> None:
    check_case(tmp_path, "_base")
    eco = tmp_path / "eco"
    text = (eco / "data_extensions.yaml").read_text(encoding="utf-8")
    marker = "    external_key: newsletter\n"
    suppress = "    suppress:\n      - {code: W9001, reason: not yet used, instances: [retail]}\n"
    (eco / "data_extensions.yaml").write_text(text.replace(marker, marker + suppress), "utf-8")
    found = [(f.code, f.message) for f in check_path(eco).findings if f.suppressed is None]
    assert (
        "E9920",
        "the suppression on data_extension.newsletter names instances, but the resource has "
        "no for_each",
    ) in found
