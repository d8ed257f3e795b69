"""A name that is legal in the YAML never produces a file the platform would refuse.

A table of crafted names (spaces, brackets, quotes, unicode, `]`, `--`, XML specials, CDATA
ends, control characters, long names) goes into every slot where a name or text reaches a
generated file: a data extension's display name, customer key, description and field
names, a query filter's value, a Salesforce field's label, description and picklist value,
a campaign's member status, a queue's label, a public group's and a routing
configuration's label. Each time validate → generate either reports an
error finding with a position, or writes files that parse (lxml for XML, sqlglot for T-SQL /
DuckDB / Spark SQL, json) and that still carry the exact value (a name cannot turn into SQL or
markup). One project holding every accepted name is then read by mcdev and converted by
the Salesforce CLI's library.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import sqlglot
from lxml import etree
from sqlglot import exp
from test_campaign_member_records import TEMPLATE_DML, apex_parse
from test_mcdev import AUTH, read_with_mcdev
from test_sfdx_convert import judge, sdr  # noqa: F401  (a fixture)

from compiler.diagnostics import Finding
from compiler.emit.generate import generate
from compiler.emit.marketing_cloud import tsql
from compiler.emit.names import xml_text
from compiler.pipeline import compile_path
from compiler.source import ParseCache

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SPACED = FIXTURES / "marketing_cloud" / "spaced"
BASIC = FIXTURES / "generate" / "basic"
QUERY = "marketing_cloud/deploy/mc/child/query/brand_audience.query-meta.sql"
SVS = "standardValueSets/CampaignMemberStatus.standardValueSet-meta.xml"

NAMES = [
    "First Name",
    "Sales]EU",
    "a]]; DROP TABLE x; --",
    "O'Brien",
    'Say "hi"',
    "x -- comment",
    "/* open",
    "Crème brûlée ÄÖÜ 東京",
    "<tag attr='1'>&amp;</tag>",
    "]]>",
    "tab\there",
    "bell\x07",
    "right-to-left \u202e override",
    "W" * 129,
    "Ω" * 40,
    "${each.name}",
    "%%=v(@x)=%%",
    "_Subscribers",
    "@var",
    "#temp",
]
SLOTS = ["de_name", "de_key", "de_description", "de_field", "filter_value"]
SF_SLOTS = ["label", "description", "picklist_value", "member_status"]


def quoted(value: str) -> str:
    """A YAML double-quoted scalar holding exactly `value` (JSON's escapes are YAML's)."""
    return json.dumps(value)


def mc_text(slot: str, value: str) -> str:
    text = (SPACED / "ecosystem.yaml").read_text("utf-8")
    q = quoted(value)
    if slot == "de_name":
        return text.replace("    name: Customer Master\n", f"    name: {q}\n")
    if slot == "de_key":
        return text.replace("    external_key: CUSTOMER_MASTER\n", f"    external_key: {q}\n")
    if slot == "de_description":
        return text.replace("    name: Customer Master\n",
                            f"    name: Customer Master\n    description: {q}\n")  # fmt: skip
    if slot == "de_field":
        text = text.replace("First Name: first_name", f"{q}: first_name")
        text = text.replace("from: First Name,", f"from: {q},")
        return text.replace("      First Name: {", f"      {q}: {{")
    assert slot == "filter_value"
    return text.replace("{field: Customer Segment, value: gold}",
                        f"{{field: Customer Segment, value: {q}}}")  # fmt: skip


def sf_text(slot: str, value: str) -> str:
    text = (BASIC / "objects.yaml").read_text("utf-8")
    q = quoted(value)
    if slot == "label":
        return text.replace("label: Customer number", f"label: {q}")
    if slot == "description":
        return text.replace("description: The ERP's customer number.", f"description: {q}")
    if slot == "member_status":  # a campaign's member status, into the org's value set
        campaign = "campaigns:\n  crafted:\n    system: crm\n    member_statuses:\n"
        return text + campaign + f"      - {{label: {q}}}\n"
    assert slot == "picklist_value"
    return text.replace("values: [Bronze, Silver, Gold]", f"values: [{q}, Silver, Gold]")


def errors(findings: tuple[Finding, ...] | list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity == "error"]


def refused_with_position(found: list[Finding]) -> bool:
    for f in found:
        assert f.span is not None and f.span.line >= 1 and f.span.column >= 1, f
        assert f.hint, f
    return bool(found)


def parse_file(path: Path) -> Any:
    """Parse one generated file as its platform reads it; raises if it does not parse."""
    name = path.name
    data = path.read_bytes()
    if name.endswith(".xml"):
        return etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
    if name.endswith(".json"):
        return json.loads(data.decode("utf-8"))
    if name.endswith(".query-meta.sql"):
        sql = data.decode("utf-8")
        assert tsql.problems(sql) == [], (name, tsql.problems(sql))
        return sqlglot.parse_one(sql, read="tsql")
    if name.endswith(".duckdb.sql"):
        return sqlglot.parse(data.decode("utf-8"), read="duckdb")
    if name.endswith(".spark.sql"):
        return sqlglot.parse(data.decode("utf-8"), read="spark")
    if name.endswith(".py"):
        return compile(data, name, "exec")
    if name.endswith(".apex"):  # its own test skips, saying why, without the parser
        found = apex_parse(path)
        assert found is None or (found["errors"], found["dml"]) == ([], TEMPLATE_DML), found
        return data.decode("utf-8")
    if name.endswith((".csv", ".md", ".txt")):
        return data.decode("utf-8")
    raise AssertionError(f"no parser for {name}")


WARNED: list[Finding] = []  # the last build's generation warnings


def build(root: Path, out: Path) -> tuple[bool, Path]:
    """(refused with a positioned finding, out) for the ecosystem in `root`."""
    WARNED.clear()
    comp = compile_path(root, None, cache=ParseCache(None))
    if refused_with_position(errors(comp.findings)):
        return True, out
    assert comp.resolved is not None
    result = generate(comp.resolved, out)
    if refused_with_position(errors(result.findings)):
        return True, out
    WARNED.extend(f for f in result.findings if f.severity == "warning")
    for rel in result.written:
        parse_file(out / rel)
    return False, out


def write(tmp_path: Path, source: Path, file: str, text: str) -> Path:
    root = tmp_path / "eco"
    shutil.copytree(source, root)
    (root / file).write_text(text, "utf-8")
    return root


def carried(out: Path, slot: str, value: str) -> None:
    """The accepted value is in the files exactly, as a value, never as code or markup."""
    if slot in ("de_key", "de_description", "de_name"):
        key = "CUSTOMER_MASTER" if slot != "de_key" else value
        files = list((out / "marketing_cloud").rglob("*.dataExtension-meta.json"))
        docs = [json.loads(p.read_text("utf-8")) for p in files]
        master = next(d for d in docs if d["CustomerKey"] == key)
        attr = {"de_key": "CustomerKey", "de_description": "Description", "de_name": "Name"}
        assert master[attr[slot]] == value
    if slot == "de_name":
        tree = sqlglot.parse_one((out / QUERY).read_text("utf-8"), read="tsql")
        assert value in {t.name for t in tree.find_all(exp.Table)}
    if slot == "de_field":
        tree = sqlglot.parse_one((out / QUERY).read_text("utf-8"), read="tsql")
        assert value in {c.name for c in tree.find_all(exp.Column)}
    if slot == "filter_value":
        tree = sqlglot.parse_one((out / QUERY).read_text("utf-8"), read="tsql")
        assert value in {s.this for s in tree.find_all(exp.Literal) if s.is_string}


@pytest.mark.parametrize("slot", SLOTS)
@pytest.mark.parametrize("value", NAMES, ids=[f"name{i}" for i in range(len(NAMES))])
def test_marketing_cloud_names_are_refused_or_carried_safely(
    tmp_path: Path, slot: str, value: str
) -> None:
    root = write(tmp_path, SPACED, "ecosystem.yaml", mc_text(slot, value))
    refused, out = build(root, tmp_path / "out")
    if not refused:
        carried(out, slot, value)


@pytest.mark.parametrize("slot", SF_SLOTS)
@pytest.mark.parametrize("value", NAMES, ids=[f"name{i}" for i in range(len(NAMES))])
def test_salesforce_texts_are_refused_or_carried_safely(
    tmp_path: Path, slot: str, value: str
) -> None:
    root = write(tmp_path, BASIC, "objects.yaml", sf_text(slot, value))
    refused, out = build(root, tmp_path / "out")
    if refused:
        return
    default = out / "salesforce/force-app/main/default"
    tag = {"label": "label", "description": "description"}.get(slot, "fullName")
    xml_file = "Loyalty_Tier__c" if slot == "picklist_value" else "Customer_Number__c"
    doc = etree.parse(str(default / f"objects/Contact/fields/{xml_file}.field-meta.xml"))
    if slot == "member_status":
        doc = etree.parse(str(default / SVS))
        labels = {e.text for e in doc.iter() if etree.QName(e).localname == "label"}
        assert xml_text(value) in labels  # the label, as written, beside its fullName
    texts = {e.text for e in doc.iter() if etree.QName(e).localname == tag}
    want = xml_text(value)  # as written, but what XML 1.0 cannot hold is U+FFFD
    assert xml_text(value) == value or value == "bell\x07"
    if want in texts:
        return
    # longer than the platform takes: cut, ending in "…", and a warning at the value says so
    (cut,) = [t for t in texts if t and t.endswith("…") and want.startswith(t[:-1])]
    assert [w for w in WARNED if w.span is not None and w.span.line >= 1], cut


QUEUE = (
    "apiVersion: engage/v1\nqueues:\n  crafted_queue:\n    system: crm\n"
    "    label: {q}\n    objects: [Case]\n"
)
MD = "{http://soap.sforce.com/2006/04/metadata}"


@pytest.mark.parametrize("value", NAMES, ids=[f"name{i}" for i in range(len(NAMES))])
def test_a_queue_label_is_refused_or_carried_safely(tmp_path: Path, value: str) -> None:
    """A queue's label (its `name` element, 40 characters at most) is text, never markup."""
    root = write(tmp_path, BASIC, "queues.yaml", QUEUE.format(q=quoted(value)))
    refused, out = build(root, tmp_path / "out")
    if refused:
        return
    queues = out / "salesforce/force-app/main/default/queues"
    doc = etree.parse(str(queues / "crafted_queue.queue-meta.xml")).getroot()
    assert [etree.QName(e).localname for e in doc] == [
        "doesSendEmailToMembers",
        "name",
        "queueSobject",
    ]
    name = doc.findtext(f"{MD}name") or ""
    want = xml_text(value)
    if name == want:
        return
    # longer than the platform takes: cut, ending in "…", and a warning says so
    assert name.endswith("…") and want.startswith(name[:-1]) and len(name) == 40
    assert [w for w in WARNED if w.span is not None and w.span.line >= 1]


ROUTING = (
    "apiVersion: engage/v1\nqueues:\n  crafted_queue:\n    system: crm\n    objects: [Case]\n"
    "    omni_channel: Crafted_Routing\n    members: {{public_groups: [Crafted_Agents]}}\n"
    "public_groups:\n  Crafted_Agents:\n    system: crm\n    label: {group}\n"
    "routing_configs:\n  Crafted_Routing:\n    system: crm\n    label: {routing}\n"
    "    capacity_weight: 1\n"
)
ROUTING_FILE = "queueRoutingConfigs/Crafted_Routing.queueRoutingConfig-meta.xml"
ROUTING_SLOTS = {
    "group_label": ("groups/Crafted_Agents.group-meta.xml", "name", 40),
    "routing_label": (ROUTING_FILE, "label", 80),
}


@pytest.mark.parametrize("slot", sorted(ROUTING_SLOTS))
@pytest.mark.parametrize("value", NAMES, ids=[f"name{i}" for i in range(len(NAMES))])
def test_group_and_routing_labels_are_refused_or_carried_safely(
    tmp_path: Path, slot: str, value: str
) -> None:
    """A public group's label (`name`, 40 characters) and a routing configuration's
    (`label`, 80) are text, never markup."""
    plain = quoted("Plain label")
    labels = {"group": plain, "routing": plain, slot.partition("_")[0]: quoted(value)}
    root = write(tmp_path, BASIC, "queues.yaml", ROUTING.format(**labels))
    refused, out = build(root, tmp_path / "out")
    if refused:
        return
    file, tag, limit = ROUTING_SLOTS[slot]
    doc = etree.parse(str(out / "salesforce/force-app/main/default" / file)).getroot()
    assert [etree.QName(e).localname for e in doc if etree.QName(e).localname == tag] == [tag]
    text = doc.findtext(f"{MD}{tag}") or ""
    want = xml_text(value)
    if text == want:
        return
    # longer than the platform takes: cut, ending in "…", and a warning says so
    assert text.endswith("…") and want.startswith(text[:-1]) and len(text) == limit
    assert [w for w in WARNED if w.span is not None and w.span.line >= 1]


def test_the_field_names_the_language_refuses_are_the_ones_that_break_a_format() -> None:
    """The boundary of the rule, seen from the table: which crafted field names pass."""
    from compiler.importer.mcdev import field_name_ok

    assert [n for n in NAMES if field_name_ok(n)] == ["First Name", "x -- comment"]


def accepted_everywhere(tmp_path: Path) -> list[str]:
    """The crafted names every Marketing Cloud slot but the field name accepts."""
    ok: list[str] = []
    for i, value in enumerate(NAMES):
        if all(
            not build(write(tmp_path / f"{i}{s}", SPACED, "ecosystem.yaml", mc_text(s, value)),
                      tmp_path / f"{i}{s}" / "out")[0]
            for s in ("de_name", "de_description", "filter_value")
        ):  # fmt: skip
            ok.append(value)
    return ok


def test_mcdev_reads_a_project_holding_the_accepted_names(tmp_path: Path) -> None:
    names = accepted_everywhere(tmp_path)
    assert "Sales]EU" in names and "a]]; DROP TABLE x; --" in names
    text = (SPACED / "ecosystem.yaml").read_text("utf-8")
    extra = "".join(
        f"  crafted_{i}:\n    business_unit: corp\n    name: {quoted(v)}\n"
        f"    description: {quoted(v)}\n    external_key: CRAFTED_{i}\n"
        "    fields:\n      Key Field: {type: Text, length: 10, primary_key: true}\n"
        for i, v in enumerate(names)
    )
    text = text.replace("integrations:\n", extra + "integrations:\n", 1)
    root = write(tmp_path / "all", SPACED, "ecosystem.yaml", text)
    refused, out = build(root, tmp_path / "all" / "out")
    assert not refused
    mc = out / "marketing_cloud"
    eids = {
        c: v["eid"]
        for c, v in json.loads((mc / ".mcdevrc.json").read_text())["credentials"].items()
    }
    (mc / ".mcdev-auth.json").write_text(
        json.dumps({c: {**AUTH, "account_id": e} for c, e in eids.items()}), "utf-8"
    )
    result = read_with_mcdev(mc)
    assert result["loaded"] and result["errors"] == [], result["errors"]
    keys = result["units"]["mc/_ParentBU_"]["dataExtension"]
    assert {f"CRAFTED_{i}" for i in range(len(names))} <= set(keys)


def test_the_salesforce_library_converts_the_accepted_texts(
    sdr: None,  # noqa: F811
    tmp_path: Path,
) -> None:
    text = (BASIC / "objects.yaml").read_text("utf-8")
    accepted = []
    for i, value in enumerate(NAMES):
        root = write(tmp_path / f"{i}", BASIC, "objects.yaml", sf_text("label", value))
        if not build(root, tmp_path / f"{i}" / "out")[0]:
            accepted.append(value)
    assert "]]>" in accepted and "<tag attr='1'>&amp;</tag>" in accepted
    fields = "".join(
        f"      Crafted_{i}__c: {{type: text, length: 40, label: {quoted(v[:40])}, "
        f"description: {quoted(v)}}}\n"
        for i, v in enumerate(accepted)
    )
    text = text.replace(
        "  crm.Contact:\n    fields:\n", "  crm.Contact:\n    fields:\n" + fields, 1
    )
    root = write(tmp_path / "all", BASIC, "objects.yaml", text)
    refused, out = build(root, tmp_path / "all" / "out")
    assert not refused
    counts = judge(out / "salesforce", tmp_path / "converted")
    assert counts["CustomField"] >= len(accepted)
