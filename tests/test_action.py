"""The composite GitHub Action (action.yml), run here step by step.

Every `run:` step of the action runs with bash against a copy of the example ecosystem in
a fresh git repository, with the files GitHub provides set (`GITHUB_STEP_SUMMARY`,
`GITHUB_OUTPUT`) and `${{ inputs.* }}` / `${{ steps.*.outputs.* }}` replaced as the runner
would. The `uses:` steps (setup-python, upload-sarif, upload-artifact, the sticky comment)
reach the network, so they are not run; the test checks that every file they are given
exists. The install step is replaced by the engage this test runs (installed from this
repository by .ci/run).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from ruamel.yaml import YAML

from compiler.plan.planfile import load_plan
from compiler.render.plan_markdown import LIMIT

REPO = Path(__file__).resolve().parent.parent
SARIF_SCHEMA = REPO / "tests" / "fixtures" / "sarif" / "sarif-schema-2.1.0.json"
_EXPR = re.compile(r"\$\{\{\s*([^}]*?)\s*\}\}")


def action() -> dict[str, Any]:
    doc: dict[str, Any] = YAML(typ="safe").load((REPO / "action.yml").read_text("utf-8"))
    return doc


def _parse_outputs(text: str) -> dict[str, str]:
    return dict(line.split("=", 1) for line in text.splitlines() if "=" in line)


class Runner:
    """Just enough of the Actions runner for this action's `run:` steps."""

    def __init__(self, work: Path, inputs: dict[str, str]) -> None:
        self.work = work
        defaults = {k: str(v.get("default", "")) for k, v in action()["inputs"].items()}
        self.inputs = {**defaults, **inputs}
        self.outputs: dict[str, dict[str, str]] = {}
        self.codes: dict[str, int] = {}
        self.summary = work.parent / "step_summary.md"
        self.summary.write_text("", encoding="utf-8")

    def expand(self, text: str) -> str:
        def one(match: re.Match[str]) -> str:
            expr = match.group(1)
            if expr.startswith("inputs."):
                return self.inputs[expr.removeprefix("inputs.")]
            if expr == "github.action_path":
                return str(REPO)
            step, _, name = expr.removeprefix("steps.").partition(".outputs.")
            if expr.startswith("steps.") and name:
                return self.outputs.get(step, {}).get(name, "")
            raise AssertionError(f"expression the test runner does not know: {expr}")

        return _EXPR.sub(one, text)

    def run(self, step: dict[str, Any]) -> subprocess.CompletedProcess[str]:
        out_file = self.work.parent / f"output-{step.get('id', 'step')}"
        out_file.write_text("", encoding="utf-8")
        env = {
            **os.environ,
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
            "GITHUB_STEP_SUMMARY": str(self.summary),
            "GITHUB_OUTPUT": str(out_file),
            "GITHUB_WORKSPACE": str(self.work),
            "ENGAGE_NO_CACHE": "1",
            **{k: self.expand(str(v)) for k, v in step.get("env", {}).items()},
        }
        done = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
            cwd=self.work,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if "id" in step:
            self.outputs[step["id"]] = _parse_outputs(out_file.read_text(encoding="utf-8"))
        return done


def _workspace(tmp_path: Path, source: Path = REPO / "ecosystem", name: str = "ecosystem") -> Path:
    work = tmp_path / "repo"
    shutil.copytree(source, work / name)
    _declare_keys(work / name / "ecosystem.yaml", tmp_path / "keys")
    subprocess.run(["git", "init", "-q", str(work)], check=True)
    return work


def _declare_keys(ecosystem_yaml: Path, keys: Path) -> None:
    """Give every committee member an SSH key (made here with ssh-keygen) and declare the
    public keys in governance.keys, as a team adopting signed approvals does."""
    if not ecosystem_yaml.is_file():
        return
    text = ecosystem_yaml.read_text(encoding="utf-8")
    if "\ngovernance:\n" not in text:
        return
    groups = re.findall(r"members: \[([^\]]*)\]", text)
    members = sorted({m.strip() for group in groups for m in group.split(",")})
    keys.mkdir(exist_ok=True)
    lines = ["  keys:"]
    for member in members:
        key = keys / member
        subprocess.run(
            ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", member, "-f", str(key)],
            check=True,
        )
        public = key.with_suffix(".pub").read_text().split()
        lines.append(f"    {member}: [{public[0]} {public[1]}]")
    text = text.replace("\ngovernance:\n", "\ngovernance:\n" + "\n".join(lines) + "\n", 1)
    ecosystem_yaml.write_text(text, encoding="utf-8")


def _run_action(
    tmp_path: Path, source: str = str(REPO / "ecosystem"), **inputs: str
) -> tuple[Runner, dict[str, str]]:
    runner = Runner(_workspace(tmp_path, Path(source), inputs.get("path", "ecosystem")), inputs)
    logs: dict[str, str] = {}
    for step in action()["runs"]["steps"]:
        if "run" not in step or step["name"] == "Install engage":
            continue
        condition = step.get("if", "")
        if "inputs.apply == 'true'" in condition and runner.inputs["apply"] != "true":
            continue
        if "steps.check.outputs.passed != 'true'" in condition:
            if runner.outputs["check"].get("passed") == "true":
                continue
        done = runner.run(step)
        logs[step["name"]] = done.stdout + done.stderr
        if step["name"] not in ("Fail on check's findings", "engage apply"):
            assert done.returncode == 0, (step["name"], done.stdout, done.stderr)
        runner.codes[step["name"]] = done.returncode
    return runner, logs


def test_the_action_checks_plans_and_writes_what_the_network_steps_post(tmp_path: Path) -> None:
    runner, _ = _run_action(tmp_path, environments="sandbox production")
    work = runner.work
    check, plan = runner.outputs["check"], runner.outputs["plan"]
    assert check == {"sarif-file": "engage-out/engage.sarif", "passed": "true"}
    assert plan["has-changes"] == "true"

    summary = runner.summary.read_text(encoding="utf-8")
    assert summary.startswith("### engage check\n")
    assert "### engage plan: Solvis Group, environment sandbox" in summary
    assert "### engage plan: Solvis Group, environment production (production)" in summary

    comment = (work / plan["comment-file"]).read_text(encoding="utf-8")
    assert comment.startswith("<!-- engage-plan -->\n### engage plan: Solvis Group")
    assert comment.count("### engage plan:") == 2 and len(comment) <= LIMIT
    assert comment.index("environment sandbox") < comment.index("environment production")

    sarif = json.loads((work / check["sarif-file"]).read_text(encoding="utf-8"))
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(schema).validate(sarif)
    run = sarif["runs"][0]
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == work.resolve().as_uri() + "/"
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]
    }
    assert uris and all(u.startswith("ecosystem/") for u in uris)  # the example's suppressed ones

    assert plan["plans"] == "plans"
    plans = work / plan["plans"]
    for env in ("sandbox", "production"):
        saved = load_plan(plans / f"{env}.plan.json")
        assert saved.environment == env and saved.changes
        page = (plans / f"{env}.review.html").read_text(encoding="utf-8")
        assert page.startswith("<!DOCTYPE html>") and "<script" not in page

    # every file handed to a network step exists
    for step in action()["runs"]["steps"]:
        for key, value in step.get("with", {}).items():
            if key in ("sarif_file", "path") and "apply" not in step["name"].lower():
                for line in runner.expand(str(value)).split():
                    if "artifacts" not in line:
                        assert list(work.glob(line)), (step["name"], key, line)


def test_a_failing_check_fails_the_job_after_the_reports_are_written(tmp_path: Path) -> None:
    broken = REPO / "tests" / "fixtures" / "broken_ecosystem"
    runner, logs = _run_action(tmp_path, path="broken", environments="", source=str(broken))
    assert runner.outputs["check"]["passed"] == "false"
    failed = logs["Fail on check's findings"]
    assert "::error title=engage check::findings at --fail-on error" in failed
    assert "::error file=broken/" in logs["engage check"]  # annotations, repository paths
    summary = runner.summary.read_text(encoding="utf-8")
    assert summary.startswith("### engage check\n") and "| :x: E" in summary
    sarif = json.loads((runner.work / "engage-out" / "engage.sarif").read_text("utf-8"))
    assert any(r["level"] == "error" for r in sarif["runs"][0]["results"])
    assert (runner.work / "engage-out" / "engage-check.junit.xml").exists()


def test_the_action_refuses_an_environment_that_does_not_exist(tmp_path: Path) -> None:
    runner = Runner(_workspace(tmp_path), {"environments": "nosuch"})
    steps = {s.get("id"): s for s in action()["runs"]["steps"]}
    assert runner.run(steps["check"]).returncode == 0
    done = runner.run(steps["plan"])
    assert done.returncode == 1
    assert "::error title=engage plan::planning nosuch failed" in done.stdout


@pytest.mark.parametrize("name", ["has-changes", "check-passed", "comment-file", "sarif-file"])
def test_every_output_is_written_by_a_step(name: str) -> None:
    expr = _EXPR.search(action()["outputs"][name]["value"])
    assert expr is not None
    step, _, key = expr.group(1).removeprefix("steps.").partition(".outputs.")
    run = next(s["run"] for s in action()["runs"]["steps"] if s.get("id") == step)
    assert f"{key}=" in run


def _approve_all(work: Path, plan_file: str) -> None:
    saved = load_plan(work / plan_file)
    for req in saved.required_approvals:
        for name in req.members[: req.count]:
            subprocess.run(
                [
                    *(sys.executable, "-m", "compiler.cli", "approve", plan_file, "--as", name),
                    *("--key", str(work.parent / "keys" / name)),
                ],
                cwd=work,
                check=True,
                capture_output=True,
            )


def test_on_merge_the_approved_plan_is_applied_and_an_unapproved_one_refused(
    tmp_path: Path,
) -> None:
    review, _ = _run_action(tmp_path, environments="sandbox")
    work = review.work
    _approve_all(work, "plans/sandbox.plan.json")  # the committee, approvals committed
    merged = Runner(work, {"environments": "sandbox", "apply": "true"})
    steps = {s.get("id"): s for s in action()["runs"]["steps"]}
    for step in ("check", "plan"):
        assert merged.run(steps[step]).returncode == 0
    # the same sources and state give the same plan: the approvals still hold
    comment = (work / "engage-out" / "comment.md").read_text(encoding="utf-8")
    committee = "administration_committee (david_navarro, elena_vidal, jordi_costa, marta_soler)"
    assert f"| access | {committee} | 1 | 1 |" in comment  # needed 1, given 1
    applied = merged.run(steps["apply"])
    assert applied.returncode == 0, applied.stdout + applied.stderr
    assert (work / ".engage" / "state" / "sandbox.json").exists()
    assert merged.outputs["apply"] == {"artifacts": "engage-out/artifacts"}
    assert any((work / "engage-out" / "artifacts" / "sandbox").rglob("*.xml"))

    unapproved = Runner(work, {"environments": "production", "apply": "true"})
    assert unapproved.run(steps["plan"]).returncode == 0
    refused = unapproved.run(steps["apply"])
    assert refused.returncode == 1
    assert "approv" in refused.stderr
