"""The plan comment in the reviewer's order (summary, per cloud, conflicts, risks,
approvals, diagram, details) and the markdown caps of plan and check."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import RunEngage

from compiler.diagnostics import Finding, Related, Severity, Span
from compiler.plan.planfile import load_plan
from compiler.render.findings_markdown import LIMIT, render_markdown
from compiler.render.plan_affected import affected
from compiler.render.plan_mermaid import MAX_EDGES, plan_mermaid

REPO = Path(__file__).resolve().parent.parent
RULES = REPO / "tests" / "fixtures" / "rules"


def _example_plan(engage: RunEngage) -> Path:
    shutil.copytree(REPO / "ecosystem", "ecosystem")
    run = engage("plan", "ecosystem", "--env", "production", "--out", "plans/p.plan.json")
    assert run.code == 2, run.out + run.err
    return Path("plans/p.plan.json")


def test_the_comment_reads_in_the_reviewers_order(engage: RunEngage) -> None:
    plan = _example_plan(engage)
    text = engage("show", str(plan), "--format", "markdown").out
    order = [
        "**Plan: 120 to add, 0 to change, 0 to replace, 0 to destroy · ",
        "| cloud | `+` create |",
        "#### Conflicts",
        "#### Risks",
        "#### Approvals required",
        "```mermaid",
        "#### Changes",
        "<details>",
    ]
    positions = [text.index(marker) for marker in order]
    assert positions == sorted(positions), positions
    # 37 + 3 social care queues + 2 public groups and 1 routing configuration (p12route; the
    # third group, Moda_Stylists, is `existing: true`: not planned)
    assert "| crm: Salesforce Sales/Service Cloud | 43 |" in text
    assert "| mc: Marketing Cloud | 9 |" in text
    assert "| Integrations and sync | 37 |" in text
    assert "| meta_ads: external system | 3 |" in text  # the ad platform (s12c)
    assert "None: `engage check` finds no unsuppressed conflict." in text
    # the diagram draws the flows the change adds, from the system data comes from
    assert '-->|"erp_accounts"|' in text
    assert len(text) <= LIMIT


def test_conflicts_from_check_are_listed(engage: RunEngage) -> None:
    shutil.copytree(RULES / "_base", "eco")
    for file in (RULES / "w9001_fires").iterdir():
        shutil.copy(file, Path("eco") / file.name)
    run = engage("plan", "eco", "--out", "plans/c.plan.json")
    assert run.code == 2, run.out + run.err
    text = engage("show", "plans/c.plan.json", "--format", "markdown").out
    section = text[text.index("#### Conflicts") : text.index("#### Risks")]
    assert "W9001" in section and "contact_phone" in section
    # the plan recorded them: once the sources change they are still the plan's own
    (Path("eco") / "extra.yaml").write_text("apiVersion: engage/v1\n", encoding="utf-8")
    later = engage("show", "plans/c.plan.json", "--format", "markdown").out
    assert "W9001" in later[later.index("#### Conflicts") : later.index("#### Risks")]


def _finding(i: int) -> Finding:
    return Finding(
        code="W6001",
        severity=Severity.WARNING,
        message=f"sync rule r{i} writes crm:Contact.Email that r{i + 1} also writes " * 3,
        span=Span(f"eco/sync/file{i // 100}.yaml", i % 100 + 1, 3),
        hint="Give one of them precedence.",
        related=tuple(Related(Span("eco/x.yaml", j + 1, 1), f"writer {j}") for j in range(9)),
        address=f"sync_rule.r{i}",
    )


def test_check_markdown_is_capped_and_says_what_it_left_out() -> None:
    findings = [_finding(i) for i in range(10_000)]
    text = render_markdown(findings)
    assert len(text) <= LIMIT
    assert text.startswith("### engage check\n\n**0** errors, **10000** warnings")
    assert "more findings were left out to stay under the 65,536-character" in text
    assert "and 4 more places" in text  # related locations capped per row
    small = render_markdown(findings[:3])
    assert "left out" not in small and small.count("| :warning: W6001 |") == 3


def test_the_diagram_is_capped_whatever_the_number_of_flows(engage: RunEngage) -> None:
    plan = load_plan(_example_plan(engage))
    touched = affected(plan)
    many = touched.flows * (MAX_EDGES // len(touched.flows) + 2)
    chart = plan_mermaid(type(touched)(touched.groups, touched.labels, touched.systems, many))
    assert chart.count("-->") + chart.count("---") == MAX_EDGES
    assert f"{len(many) - MAX_EDGES} more flows" in chart
