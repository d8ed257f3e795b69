"""What a user notices across commands: --no-color, init's report on stdout, plan's next
steps naming who approves, approving twice, state show's suggestion, the README's table."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import RunEngage

from compiler.cli import COMMANDS

REPO = Path(__file__).resolve().parent.parent


def test_no_color_flag_matches_the_environment_variable(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    env["FORCE_COLOR"] = "1"  # rich would colour even a pipe
    base = [sys.executable, "-m", "compiler.cli"]
    shutil.copytree(REPO / "tests" / "fixtures" / "broken_ecosystem", tmp_path / "b")

    def run(*args: str) -> str:
        done = subprocess.run(
            [*base, *args, "check", str(tmp_path / "b")],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        return done.stdout

    assert "\x1b[" in run()
    assert "\x1b[" not in run("--no-color")


def test_init_reports_on_stdout(engage: RunEngage) -> None:
    run = engage("init", "starter")
    assert "created starter/" in run.out and "Next: engage validate starter" in run.out
    assert run.err == ""


def test_plan_next_steps_say_approvals_come_first_and_from_whom(engage: RunEngage) -> None:
    shutil.copytree(REPO / "ecosystem", "ecosystem")
    run = engage("plan", "ecosystem", "--env", "production", "--out", "plans/p.plan.json")
    assert run.code == 2
    assert (
        "Needs 1 approval(s) from data_protection (lucia_ferrer, pablo_ortega) for policy "
        "consent." in run.err
    )
    assert "Each approves with: engage approve plans/p.plan.json --as NAME" in run.err
    assert "Apply it, once approved, with: engage apply plans/p.plan.json" in run.err

    first = engage("approve", "plans/p.plan.json", "--as", "lucia_ferrer", "--unsigned")
    assert first.code == 0 and "Recorded the unsigned approval of lucia_ferrer" in first.out
    again = engage("approve", "plans/p.plan.json", "--as", "lucia_ferrer", "--unsigned")
    assert again.code == 0 and "was already recorded" in again.out
    assert "Recorded" not in again.out


def test_state_show_suggests_the_nearest_address(engage: RunEngage) -> None:
    shutil.copytree(REPO / "tests" / "fixtures" / "rules" / "_base", "eco")
    assert engage("plan", "eco", "--out", "plans/a.plan.json").code == 2
    assert engage("apply", "plans/a.plan.json", "--source", "eco").code == 0, "no approval needed"
    listed = engage("state", "list").out.split()
    address = next(a for a in listed if a.startswith("system."))
    missing = engage("state", "show", address + "x")
    assert missing.code == 1 and f"(did you mean {address!r}?)" in missing.err


def test_the_readme_lists_every_command_and_its_formats() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    table = [line for line in readme.splitlines() if line.startswith("| `engage ")]
    named = {re.match(r"\| `engage (\w+)", line).group(1) for line in table}  # type: ignore[union-attr]
    assert named == set(COMMANDS), set(COMMANDS) ^ named
    for command, formats in {
        "check": ("text", "json", "sarif", "github", "markdown", "junit", "gitlab"),
        "show": ("text", "markdown", "json", "html"),
    }.items():
        row = next(line for line in table if line.startswith(f"| `engage {command} "))
        for fmt in formats:
            assert fmt in row, (command, fmt)


# ------------------------------------------------------------------ one --out, one default
def _applied_plan(engage: RunEngage) -> None:
    shutil.copytree(REPO / "tests" / "fixtures" / "rules" / "_base", "eco")
    assert engage("plan", "eco", "--out", "plans/a.plan.json").code == 2


def test_apply_writes_artifacts_where_generate_does_by_default(engage: RunEngage) -> None:
    _applied_plan(engage)
    run = engage("apply", "plans/a.plan.json", "--source", "eco")
    assert run.code == 0, run.err
    assert Path("build/.engage-manifest.json").is_file() and not Path("out").exists()
    generate = engage("generate", "eco")
    assert "build" in generate.out + generate.err  # the same folder, the same default


def test_apply_out_names_the_artifacts_folder(engage: RunEngage) -> None:
    _applied_plan(engage)
    run = engage("apply", "plans/a.plan.json", "--source", "eco", "--out", "elsewhere")
    assert run.code == 0, run.err
    assert Path("elsewhere/.engage-manifest.json").is_file() and not Path("build").exists()


def test_apply_out_dir_still_works_and_says_its_new_name(engage: RunEngage) -> None:
    _applied_plan(engage)
    run = engage("apply", "plans/a.plan.json", "--source", "eco", "--out-dir", "old")
    assert run.code == 0, run.err
    assert "--out-dir is now called --out" in run.err
    assert Path("old/.engage-manifest.json").is_file()


def test_apply_with_both_names_is_refused(engage: RunEngage) -> None:
    _applied_plan(engage)
    run = engage("apply", "plans/a.plan.json", "--source", "eco", "--out", "a", "--out-dir", "b")
    assert run.code == 1 and "pass only one" in run.err and "hint:" in run.err


def test_apply_refuses_to_leave_the_old_default_folder_silently(engage: RunEngage) -> None:
    """Earlier releases wrote apply's artifacts to out/: a new folder would hold only the
    changed resources' files, so apply asks where to write instead of guessing."""
    _applied_plan(engage)
    Path("out").mkdir()
    Path("out/.engage-manifest.json").write_text("{}\n", encoding="utf-8")
    run = engage("apply", "plans/a.plan.json", "--source", "eco")
    assert run.code == 1
    assert "out/ holds the artifacts of earlier applies" in run.err
    assert "--out out" in run.err and "mv out build" in run.err
    assert engage("state", "list").code == 1, "nothing was applied"
    kept = engage("apply", "plans/a.plan.json", "--source", "eco", "--out", "out")
    assert kept.code == 0, kept.err


# ------------------------------------------------------------------ one meaning of no --env
GENERATE_FIXTURE = REPO / "tests" / "fixtures" / "generate" / "basic"  # default: sandbox


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_generate_without_env_is_generate_of_the_default_environment(engage: RunEngage) -> None:
    shutil.copytree(GENERATE_FIXTURE, "eco")
    assert engage("generate", "eco", "--out", "a", "--allow-conflicts").code == 0
    assert (
        engage("generate", "eco", "--out", "b", "--env", "sandbox", "--allow-conflicts").code == 0
    )
    assert _tree(Path("a")) == _tree(Path("b"))
    assert (
        engage("generate", "eco", "--out", "c", "--env", "production", "--allow-conflicts").code
        == 0
    )
    assert _tree(Path("a")) != _tree(Path("c")), "the overlays make a difference to see"


def test_graph_without_env_is_the_graph_of_the_default_environment(engage: RunEngage) -> None:
    shutil.copytree(GENERATE_FIXTURE, "eco")
    plain = engage("graph", "eco", "--format", "json")
    default = engage("graph", "eco", "--format", "json", "--env", "sandbox")
    assert plain.code == 0 and plain.out == default.out


def test_state_without_env_reads_the_default_environments_state(engage: RunEngage) -> None:
    shutil.copytree(REPO / "tests" / "fixtures" / "plan" / "basic", "ecosystem")  # default: dev
    Path(".engage/state").mkdir(parents=True)
    Path(".engage/state/other.json").write_text("{}\n", encoding="utf-8")  # not chosen
    run = engage("state", "list")
    assert run.code == 1 and "no state at .engage/state/dev.json" in run.err, run.err
