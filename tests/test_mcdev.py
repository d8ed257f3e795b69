"""mcdev (Marketing Cloud DevTools, npm package `mcdev`) reads the generated project offline.

tests/mcdev/read_project.mjs loads mcdev's own modules: its configuration check
(lib/util/config.js: `.mcdevrc.json` complete for its version, credential with an
Enterprise ID, business units with MIDs), the reader its deploy uses
(Deployer.readBUMetadata over `deploy/<credential>/<business unit>/`) and its schedule
check (Automation._checkSchedule: time-zone name in its table, interval of 5 minutes or
more). No network is used: mcdev would only reach Marketing Cloud on deploy.

CI installs mcdev (.ci/run: `npm install --prefix .ci/tools mcdev@8.0.0`); elsewhere set
ENGAGE_MCDEV_DIR to a `node_modules/mcdev` folder. Without Node or mcdev the tests skip and
say why (pytest prints skip reasons: `-rs` in pyproject.toml).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from compiler.emit.generate import generate
from compiler.emit.marketing_cloud.project import MCDEV_VERSION
from compiler.pipeline import compile_path
from compiler.source import ParseCache

REPO = Path(__file__).resolve().parents[1]
SCRIPT = Path(__file__).parent / "mcdev" / "read_project.mjs"
# A stand-in for the file `mcdev init` writes on an operator's machine: mcdev refuses to
# read a project without one. Nothing here is a credential.
AUTH = {"client_id": "test", "client_secret": "test", "auth_url": "https://test.example/"}


def mcdev_dir() -> Path:
    found = Path(os.environ.get("ENGAGE_MCDEV_DIR", REPO / ".ci/tools/node_modules/mcdev"))
    if shutil.which("node") is None:
        pytest.skip("Node.js is not installed, so mcdev cannot run (.ci/run installs it)")
    if not (found / "lib" / "Deployer.js").is_file():
        pytest.skip(f"mcdev is not installed at {found} (npm install --prefix .ci/tools mcdev)")
    version = json.loads((found / "package.json").read_text("utf-8"))["version"]
    assert version == MCDEV_VERSION, (
        f"mcdev {version} installed, project written for {MCDEV_VERSION}"
    )
    return found


def project(tmp_path: Path, env: str) -> Path:
    comp = compile_path(REPO / "ecosystem", env, cache=ParseCache(None))
    assert comp.ok and comp.resolved is not None
    generate(comp.resolved, tmp_path / "build", targets=("marketing_cloud",))
    root = tmp_path / "build" / "marketing_cloud"
    eids = {c: v["eid"] for c, v in load(root / ".mcdevrc.json")["credentials"].items()}
    auth = {cred: {**AUTH, "account_id": eid} for cred, eid in eids.items()}
    (root / ".mcdev-auth.json").write_text(json.dumps(auth), "utf-8")
    return root


def load(path: Path) -> Any:
    return json.loads(path.read_text("utf-8"))


def read_with_mcdev(root: Path) -> Any:
    done = subprocess.run(
        ["node", str(SCRIPT), str(mcdev_dir())],
        cwd=root, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def generated(root: Path) -> dict[str, dict[str, list[str]]]:
    """What engage wrote, as type → keys per credential/business unit."""
    out: dict[str, dict[str, list[str]]] = {}
    for path in sorted((root / "deploy").rglob("*-meta.json")):
        cred, unit, kind = path.relative_to(root / "deploy").parts[:3]
        key = path.name.removesuffix(f".{kind}-meta.json")
        out.setdefault(f"{cred}/{unit}", {}).setdefault(kind, []).append(key)
    return out


@pytest.mark.parametrize("env", ["sandbox", "production"])
def test_mcdev_accepts_the_project_and_reads_every_component(tmp_path: Path, env: str) -> None:
    root = project(tmp_path, env)
    result = read_with_mcdev(root)
    assert result["loaded"] and result["errors"] == [], result["errors"]
    assert result["missing"] == []  # no key mcdev's upgrade would add
    assert result["units"] == generated(root)
    assert len(result["units"]) == 4 and "mc/_ParentBU_" in result["units"]
    assert sum(len(keys) for unit in result["units"].values() for keys in unit.values()) == 17
    assert result["schedules"] and set(result["schedules"].values()) == {"ok"}


def test_mcdev_refuses_what_the_issue_saw(tmp_path: Path) -> None:
    """The judge can fail: the old time zone "UTC" and a missing MID are refused."""
    root = project(tmp_path, "production")
    auto = root / "deploy/mc/home/automation/engage_every_1_hours.automation-meta.json"
    doc = load(auto)
    doc["schedule"]["timezoneName"] = "UTC"
    auto.write_text(json.dumps(doc), "utf-8")
    rc = load(root / ".mcdevrc.json")
    rc["credentials"]["mc"]["eid"] = 0
    (root / ".mcdevrc.json").write_text(json.dumps(rc), "utf-8")
    result = read_with_mcdev(root)
    assert not result["loaded"] or result["errors"]
    assert any("account_id" in e or "Enterprise ID" in e for e in result["errors"]), result
    rc["credentials"]["mc"]["eid"] = 514012000
    (root / ".mcdevrc.json").write_text(json.dumps(rc), "utf-8")
    result = read_with_mcdev(root)
    assert "Could not find timezone UTC" in result["schedules"]["mc/home/engage_every_1_hours"]
