"""E3701 offers the closest name of the queue's own org for a misspelt routing
configuration or public group, with the suggestion helper E1004 uses
(`compiler.suggest.did_you_mean`; issue 12, fix12 item 4)."""

from __future__ import annotations

import shutil
from pathlib import Path

from compiler.diagnostics import Finding
from compiler.rules.check import check_path

FIXTURES = Path(__file__).parent / "fixtures"
CARE = FIXTURES / "social" / "_care"  # over tests/fixtures/rules/_base
CASES = FIXTURES / "social_routing"


def run(tmp_path: Path, case: str | None) -> list[Finding]:
    eco = tmp_path / "eco"
    shutil.copytree(FIXTURES / "rules" / "_base", eco)
    for folder in (CARE, *(() if case is None else (CASES / case,))):
        for file in sorted(folder.iterdir()):
            shutil.copy(file, eco / file.name)
    result = check_path(eco)
    assert result.analyzed, [f"{f.span} {f.message}" for f in result.findings]
    return [f for f in result.findings if f.suppressed is None]


def test_a_misspelt_routing_configuration_gets_the_orgs_closest_name(tmp_path: Path) -> None:
    found = run(tmp_path, "fix12_e3701_misspelt_fires")
    # the declared configuration is now named by no queue: W9701, rightly
    assert sorted(f.code for f in found) == ["E3701", "W9701"]
    (finding,) = [f for f in found if f.code == "E3701"]
    assert finding.message == (
        "queue 'social_cases' names routing configuration 'Social_Routng', which is neither "
        "declared nor marked existing (did you mean 'Social_Routing'?)"
    )
    assert finding.span is not None
    assert (Path(finding.span.file).name, finding.span.line, finding.span.column) == (
        "social.yaml",
        9,
        19,
    )


def test_the_correct_spelling_is_silent(tmp_path: Path) -> None:
    assert [(f.code, f.message) for f in run(tmp_path, None)] == []


def test_a_close_name_of_another_org_is_not_suggested(tmp_path: Path) -> None:
    (finding,) = run(tmp_path, "fix12_e3701_misspelt_other_org_fires")
    assert finding.code == "E3701"
    assert finding.message == (
        "queue 'social_cases' names routing configuration 'Social_Routng', which is neither "
        "declared nor marked existing"
    )


def test_a_misspelt_public_group_gets_the_suggestion_too(tmp_path: Path) -> None:
    eco_case = tmp_path / "case"
    eco_case.mkdir()
    text = (CARE / "social.yaml").read_text("utf-8")
    (eco_case / "social.yaml").write_text(
        text.replace("public_groups: [Social_Agents]", "public_groups: [social_agents]"),
        encoding="utf-8",
    )
    (finding,) = run(tmp_path, str(eco_case))
    assert finding.message == (
        "queue 'social_cases' names public group 'social_agents', which is neither declared "
        "nor marked existing (did you mean 'Social_Agents'?)"
    )
