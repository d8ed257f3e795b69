"""Campaign member statuses into the org's CampaignMemberStatus standard value set: the
generated file read back with lxml (element order as retrieved files write it, the union
of the campaigns' statuses in a fixed order with Salesforce's defaults kept, no default and
no responded flag, which are per campaign), listed in package.xml, one per org, none
without campaigns, and byte-identical across runs."""

from __future__ import annotations

import shutil
from pathlib import Path

from lxml import etree

from compiler.emit.generate import generate
from compiler.pipeline import compile_path
from compiler.source import ParseCache

REPO = Path(__file__).resolve().parents[1]
BASIC = REPO / "tests" / "fixtures" / "generate" / "basic"
NS = {"m": "http://soap.sforce.com/2006/04/metadata"}
SVS = "force-app/main/default/standardValueSets/CampaignMemberStatus.standardValueSet-meta.xml"
CAMPAIGNS = """apiVersion: engage/v1
campaigns:
  webinar:
    system: crm
    member_statuses:
      - {label: Registered, default: true}
      - {label: Attended, responded: true}
      - {label: Sent}
  roadshow:
    system: crm
    member_statuses:
      - {label: Invited, default: true}
      - {label: Attended, responded: true}
  newsletter:
    system: crm
"""


def build(tmp_path: Path, campaigns: str | None = CAMPAIGNS) -> Path:
    root = tmp_path / "eco"
    shutil.copytree(BASIC, root)
    if campaigns is not None:
        (root / "campaigns.yaml").write_text(campaigns, encoding="utf-8")
    comp = compile_path(root, "production", cache=ParseCache(None))
    assert comp.ok and comp.resolved is not None, comp.findings
    out = tmp_path / "out"
    generate(comp.resolved, out, targets=("salesforce",))
    return out / "salesforce"


def values(project: Path) -> list[list[tuple[str, str | None]]]:
    root = etree.parse(str(project / SVS)).getroot()
    assert etree.QName(root).localname == "StandardValueSet"
    assert next(etree.QName(c).localname for c in root) == "sorted"
    assert root.findtext("m:sorted", namespaces=NS) == "false"
    return [
        [(etree.QName(e).localname, e.text) for e in value]
        for value in root.findall("m:standardValue", NS)
    ]


def test_the_union_of_the_statuses_first_use_first_with_the_platform_defaults(
    tmp_path: Path,
) -> None:
    found = values(build(tmp_path))
    # campaigns by name: newsletter (none), roadshow, webinar; then Sent and Responded
    labels = ["Invited", "Attended", "Registered", "Sent", "Responded"]
    assert found == [[("fullName", x), ("default", "false"), ("label", x)] for x in labels]


def test_the_value_set_is_deployed_and_byte_identical_across_runs(tmp_path: Path) -> None:
    first = build(tmp_path / "a")
    second = build(tmp_path / "b")
    assert (first / SVS).read_bytes() == (second / SVS).read_bytes()
    package = etree.parse(str(first / "manifest" / "package.xml")).getroot()
    types = {
        t.findtext("m:name", namespaces=NS): [m.text for m in t.findall("m:members", NS)]
        for t in package.findall("m:types", NS)
    }
    assert types["StandardValueSet"] == ["CampaignMemberStatus"]


def test_no_campaigns_no_value_set(tmp_path: Path) -> None:
    project = build(tmp_path, None)
    assert not (project / SVS).exists()
    assert b"StandardValueSet" not in (project / "manifest" / "package.xml").read_bytes()


def test_a_campaign_without_statuses_keeps_the_platform_defaults(tmp_path: Path) -> None:
    only = "apiVersion: engage/v1\ncampaigns:\n  newsletter:\n    system: crm\n"
    found = values(build(tmp_path, only))
    assert [v[0][1] for v in found] == ["Sent", "Responded"]


def test_the_example_org_holds_every_campaign_status(tmp_path: Path) -> None:
    comp = compile_path(REPO / "ecosystem", "production", cache=ParseCache(None))
    assert comp.ok and comp.resolved is not None
    generate(comp.resolved, tmp_path / "out", targets=("salesforce",))
    found = values(tmp_path / "out" / "salesforce")
    assert [v[0][1] for v in found] == [
        "Sent", "Opened", "Clicked", "Form Submitted", "Engaged", "Case Opened", "Responded",
    ]  # fmt: skip
