"""Plans gate on conflicts: `check`'s errors refuse the plan (and generate) unless
--allow-conflicts, and an allowed conflict needs the approval of the policies covering it."""

from __future__ import annotations

from pathlib import Path

from conftest import RunEngage
from test_plan_support import (
    edit,
    in_own_folder,  # noqa: F401 (autouse fixture)
    key_of,
    workspace,
)

from compiler.plan.planfile import load_plan, save_plan, seal

PLAN = "plans/p.plan.json"
E6003_SUPPRESSION = (
    "      - {code: E6003, reason: The plan tests propagate no opt-outs; the conflict tests add "
    "their own.}\n"
)


def with_conflict() -> Path:
    """The plan fixture with one unsuppressed conflict error: E6003 on system.mc."""
    root = workspace()
    edit(root / "ecosystem.yaml", E6003_SUPPRESSION, "")
    return root


def test_plan_shows_the_conflicts_first_and_refuses(engage: RunEngage) -> None:
    with_conflict()
    result = engage("plan", "--out", PLAN)
    assert result.code == 1
    assert result.out.index("Conflicts reported by `engage check`") < result.out.index(
        "engage will perform"
    )
    assert "error E6003 ecosystem/integrations.yaml:" in result.out
    assert "(system.mc)" in result.out
    assert "warning W9001" in result.out  # warnings are recorded too, after the errors
    assert "reports 1 conflict error(s)" in result.err and "--allow-conflicts" in result.err
    assert not Path(PLAN).exists()


def test_plan_markdown_shows_the_conflicts_before_the_risks(engage: RunEngage) -> None:
    with_conflict()
    result = engage("plan", "--format", "markdown")
    assert result.code == 1
    assert result.out.index("#### Conflicts") < result.out.index("#### Risks")
    rows = [line for line in result.out.splitlines() if line.startswith("| :x: E6003 |")]
    assert len(rows) == 1 and "`ecosystem/integrations.yaml:" in rows[0], result.out
    assert "<br>`system.mc` |" in rows[0]  # the resource, under its position
    assert result.out.index("| :x: E6003") < result.out.index("| :warning: W9001")


def test_a_clean_plan_records_its_warnings_and_exits_as_before(engage: RunEngage) -> None:
    workspace()
    assert engage("plan", "--out", PLAN).code == 2
    plan = load_plan(Path(PLAN))
    assert [c.code for c in plan.conflicts] == ["W9001"] and not plan.conflicts_allowed


def test_allowed_conflicts_mark_the_plan_and_need_the_covering_policies(
    engage: RunEngage,
) -> None:
    with_conflict()
    made = engage("plan", "--allow-conflicts", "--out", PLAN)
    assert made.code == 2, made.err
    plan = load_plan(Path(PLAN))
    assert plan.conflicts_allowed and "E6003" in {c.code for c in plan.conflicts}
    covering = {r.policy for r in plan.required_approvals if "system.mc" in r.addresses}
    assert covering == {"consent_needs_dpo", "data_loss_needs_committee"}
    assert "(allowed with --allow-conflicts)" in engage("show", PLAN).out
    assert engage("approve", PLAN, "--as", "dpo", "--key", key_of("dpo")).code == 0
    short = engage("apply", PLAN)
    assert short.code == 1 and "data_loss_needs_committee needs 2 more from committee" in (
        short.err
    )
    for name in ("ana", "bruno"):
        assert engage("approve", PLAN, "--as", name, "--key", key_of(name)).code == 0
    applied = engage("apply", PLAN)
    assert applied.code == 0, applied.err


def test_a_plan_stripped_of_its_conflict_mark_is_refused(engage: RunEngage) -> None:
    with_conflict()
    assert engage("plan", "--allow-conflicts", "--out", PLAN).code == 2
    plan = load_plan(Path(PLAN))
    save_plan(seal(plan.model_copy(update={"conflicts_allowed": False})), Path(PLAN))
    result = engage("apply", PLAN)
    assert result.code == 1 and "was not made with --allow-conflicts" in result.err
    save_plan(seal(plan.model_copy(update={"conflicts": []})), Path(PLAN))
    result = engage("apply", PLAN)
    assert result.code == 1


def test_allowing_conflicts_no_policy_covers_is_refused(engage: RunEngage) -> None:
    root = with_conflict()
    edit(
        root / "integrations.yaml",
        "      when: {risks: [data_loss, destroy]}",
        "      when: {risks: [data_loss, destroy], kinds: [data_extension]}",
    )
    edit(
        root / "integrations.yaml",
        "      when: {risks: [consent]}",
        "      when: {risks: [consent], kinds: [consent]}",
    )
    result = engage("plan", "--allow-conflicts")
    assert result.code == 1
    assert "no governance policy covers the conflicting resource(s) system.mc" in result.err


def test_generate_refuses_conflict_errors_unless_allowed(engage: RunEngage) -> None:
    with_conflict()
    refused = engage("generate", "ecosystem", "--out", "build")
    assert refused.code == 1 and "reports 1 conflict error(s)" in refused.err
    assert "E6003" in refused.err and not Path("build").exists()
    allowed = engage("generate", "ecosystem", "--out", "build", "--allow-conflicts")
    assert allowed.code == 0, allowed.err
    assert "generated despite 1 conflict error(s)" in allowed.out
