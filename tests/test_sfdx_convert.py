"""The Salesforce CLI's own library judges the generated source.

`@salesforce/source-deploy-retrieve` (the library `sf project deploy start` and
`sf project convert source` use; pinned in tools/sfdx/package.json, installed by `.ci/run`
with `npm ci`) reads the generated sfdx project into a ComponentSet and converts it to the
Metadata API format (tools/sfdx/convert.js). Every generated file must belong to a
component the library recognises, and the components must be exactly those the generated
`manifest/package.xml` deploys, type by type. The test skips, saying why, only where Node
or the library cannot be installed.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from compiler.emit.generate import generate
from compiler.pipeline import compile_path
from compiler.source import ParseCache

REPO = Path(__file__).resolve().parents[1]
TOOL = REPO / "tools" / "sfdx"
LIBRARY = TOOL / "node_modules" / "@salesforce" / "source-deploy-retrieve"
EXTRA = (REPO / "tests" / "fixtures" / "generate" / "constructs.yaml").read_text(encoding="utf-8")
NS = {"m": "http://soap.sforce.com/2006/04/metadata"}


def _library() -> str | None:
    """None when the library is usable, else why not (installing it once if npm can)."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None:
        return "node is not installed"
    if not LIBRARY.is_dir():
        if npm is None:
            return "npm is not installed, so @salesforce/source-deploy-retrieve cannot be"
        done = subprocess.run(
            [npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund"],
            cwd=TOOL,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0 or not LIBRARY.is_dir():
            return f"npm ci in tools/sfdx failed: {done.stderr.strip()[-300:]}"
    return None


@pytest.fixture(scope="module")
def sdr() -> None:
    reason = _library()
    if reason is not None:
        print(f"skipping the Salesforce CLI conversion: {reason}")
        pytest.skip(reason)


def convert(project: Path, out: Path) -> dict[str, Any]:
    done = subprocess.run(
        ["node", str(TOOL / "convert.js"), str(project / "force-app"), str(out)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def manifest(project: Path) -> dict[str, list[str]]:
    root = etree.parse(str(project / "manifest" / "package.xml")).getroot()
    return {
        t.findtext("m:name", namespaces=NS) or "": [
            m.text or "" for m in t.findall("m:members", NS)
        ]
        for t in root.findall("m:types", NS)
    }


def judge(project: Path, out: Path) -> dict[str, int]:
    """Converts `project`, asserts everything is recognised; returns the count per type."""
    result = convert(project, out)
    assert result["error"] is None, result["error"]
    components = [c for c in result["components"] if "parent" not in c]
    by_type: dict[str, list[str]] = defaultdict(list)
    for c in result["components"]:
        by_type[c["type"]].append(c["fullName"])
    claimed = {f"force-app/{f}" for c in components for f in c["files"]}
    written = {
        p.relative_to(project).as_posix() for p in (project / "force-app").rglob("*") if p.is_file()
    }
    assert written == claimed, sorted(written ^ claimed)
    deployed = manifest(project)
    assert {t: sorted(m) for t, m in deployed.items()} == {t: sorted(by_type[t]) for t in deployed}
    for mtype in by_type:  # a type the library found is in the manifest, or a child of one
        assert mtype in deployed or mtype == "MatchingRule", mtype
    assert (out / "package.xml").is_file()
    return {t: len(v) for t, v in sorted(by_type.items())}


@pytest.mark.parametrize("env", ["sandbox", "production"])
def test_the_example_converts_and_every_component_is_counted(
    sdr: None, env: str, tmp_path: Path
) -> None:
    comp = compile_path(REPO / "ecosystem", env, cache=ParseCache(None))
    assert comp.ok and comp.resolved is not None
    generate(comp.resolved, tmp_path / "build", targets=("salesforce",))
    counts = judge(tmp_path / "build" / "salesforce", tmp_path / "mdapi")
    assert counts == {
        "CustomField": 19,  # 18, and the advertising consent field (Contact)
        "DuplicateRule": 5,
        "MatchingRule": 5,
        "MatchingRules": 3,
        "PermissionSet": 9 + 1,  # the Meta audience upload's integration user
        "StandardValueSet": 1,  # CampaignMemberStatus, the campaigns' member statuses
        "Queue": 3,  # the brands' social care queues
        "Group": 2,  # the agents' public groups (Moda_Stylists exists in the org)
        "QueueRoutingConfig": 1,  # Social_Care_Routing, the queues' Omni-Channel routing
    }


def test_every_construct_converts(sdr: None, tmp_path: Path) -> None:
    root = tmp_path / "eco"
    shutil.copytree(REPO / "tests" / "fixtures" / "generate" / "basic", root)
    (root / "extra.yaml").write_text(EXTRA, encoding="utf-8")
    comp = compile_path(root, "production", cache=ParseCache(None))
    assert comp.ok and comp.resolved is not None
    generate(comp.resolved, tmp_path / "build", targets=("salesforce",))
    counts = judge(tmp_path / "build" / "salesforce", tmp_path / "mdapi")
    assert counts["CustomPermission"] == 2
    assert counts["DuplicateRule"] == 5
    assert counts["PermissionSet"] == 4
    assert counts["Queue"] == 2
    assert counts["Group"] == 2  # Service_Managers is the org's own (existing: true)
    assert counts["QueueRoutingConfig"] == 2


def test_the_reference_org_converts(sdr: None, tmp_path: Path) -> None:
    """The fixture the shapes are compared with is itself what the library reads."""
    result = convert(REPO / "tests" / "fixtures" / "salesforce_org", tmp_path / "mdapi")
    assert result["error"] is None
    files = [f for f in (REPO / "tests" / "fixtures" / "salesforce_org").rglob("*-meta.xml")]
    assert len([c for c in result["components"] if "parent" not in c]) == len(files) == 23


def test_a_file_the_library_does_not_know_is_refused(sdr: None, tmp_path: Path) -> None:
    """The judge can fail: a metadata file of no known type is an error, not a skip."""
    bad = tmp_path / "bad" / "force-app" / "main" / "default" / "nonsense"
    bad.mkdir(parents=True)
    (bad / "x.nonsense-meta.xml").write_text("<x/>", encoding="utf-8")
    result = convert(tmp_path / "bad", tmp_path / "mdapi")
    assert result["error"] is not None
