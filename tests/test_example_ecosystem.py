"""The example ecosystem in `ecosystem/` validates clean and checks clean in every
environment; the only findings are suppressed, each with its reason (issues 2 and 3).

Through the real CLI in a subprocess, as the README's first command runs it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
ECOSYSTEM = REPO / "ecosystem"


def engage(*args: str) -> tuple[int, Any]:
    env = {**os.environ, "NO_COLOR": "1", "ENGAGE_NO_CACHE": "1"}
    run = subprocess.run(
        [sys.executable, "-m", "compiler.cli", *args, "--format", "json"],
        cwd=REPO,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert "Traceback" not in run.stderr, run.stderr
    return run.returncode, json.loads(run.stdout)


def test_the_example_validates_clean() -> None:
    assert (ECOSYSTEM / "ecosystem.yaml").is_file(), "the example ecosystem is committed"
    code, doc = engage("validate", "ecosystem")
    assert (code, doc["valid"], doc["findings"]) == (0, True, [])
    assert len(doc["files"]) >= 10


def test_the_example_checks_clean_in_every_environment_even_at_warning_level() -> None:
    code, doc = engage("check", "ecosystem", "--fail-on", "warning")
    assert code == 0
    assert doc["analyzed"] is True
    assert doc["environments"] == ["base", "production", "sandbox"]
    assert {k: doc["summary"][k] for k in ("errors", "warnings", "info")} == {
        "errors": 0,
        "warnings": 0,
        "info": 0,
    }
    assert doc["summary"]["suppressed"] == len(doc["findings"])


def test_every_finding_of_the_example_is_suppressed_with_a_reason() -> None:
    _, doc = engage("check", "ecosystem")
    unexplained = [
        (f["code"], f["address"])
        for f in doc["findings"]
        if len(f.get("suppressed", {}).get("reason", "").split()) < 5
    ]
    assert unexplained == []
