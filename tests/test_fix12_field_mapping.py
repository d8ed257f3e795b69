"""A field mapping with both `from` and `value` is refused at resolve (E2012, the code of
its twin "neither `from` nor `value`"), at the `value` key (issue 12, fix12 item 2).

campaigns_silent's event_no_shows writes the constant member status 'No Show'; the fires
fixture adds `from: Outcome` to the same mapping. Before, E7101 judged the constant while
the Marketing Cloud expression wrote the field (whose 'Registered' the campaign does not
define), so the check was clean and the generated query wrong.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from compiler.rules.check import check_path

ROOT = Path(__file__).parent / "fixtures" / "rules"


def run(tmp_path: Path, case: str) -> tuple[list[tuple[str, str, int, int, str]], bool]:
    eco = tmp_path / "eco"
    shutil.copytree(ROOT / "_base", eco)
    for file in sorted((ROOT / case).iterdir()):
        shutil.copy(file, eco / file.name)
    result = check_path(eco)
    out = []
    for f in result.findings:
        assert f.span is not None
        out.append((f.code, Path(f.span.file).name, f.span.line, f.span.column, f.message))
    return out, result.analyzed


def test_both_from_and_value_is_refused_at_the_value(tmp_path: Path) -> None:
    found, analyzed = run(tmp_path, "fix12_status_both_fires")
    assert not analyzed  # a resolve error: the rules do not judge either reading
    assert found == [
        (
            "E2012",
            "campaigns.yaml",
            35,
            38,  # the constant: `value: No Show`
            "mapping of 'Status' has both `from` and `value`: pick one (`from` copies a "
            "source field, `value` writes a constant)",
        )
    ]


def test_the_constant_alone_is_clean(tmp_path: Path) -> None:
    found, analyzed = run(tmp_path, "campaigns_silent")
    assert analyzed and found == []


def test_neither_is_still_refused_at_the_mapping(tmp_path: Path) -> None:
    case = tmp_path / "case"
    shutil.copytree(ROOT / "campaigns_silent", case)
    text = (case / "campaigns.yaml").read_text("utf-8")
    (case / "campaigns.yaml").write_text(
        text.replace("Status: {value: No Show}", "Status: {values: {A: B}}"), encoding="utf-8"
    )
    found, analyzed = run(tmp_path, str(case))
    assert not analyzed
    assert [(code, line, message) for code, _, line, _, message in found] == [
        ("E2012", 35, "mapping of 'Status' has neither `from` nor `value`")
    ]
