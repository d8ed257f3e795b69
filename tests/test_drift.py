"""`engage drift`: the ecosystem (or its state) against a fresh retrieve, with exit codes
0 no drift, 2 drift, 1 error."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import RunEngage

ORGS = Path(__file__).parent / "fixtures" / "orgs"
SF = "orgs/sf_retail"
MC = "orgs/mc_retail"


@pytest.fixture
def imported(in_tmp: Path, engage: RunEngage) -> Path:
    shutil.copytree(ORGS, in_tmp / "orgs")
    assert engage("import", SF, MC, "--out", "eco").code == 0
    shutil.copytree(in_tmp / "orgs", in_tmp / "fresh")
    return in_tmp / "fresh"


def _change_the_org(fresh: Path) -> None:
    rule = fresh / "sf_retail/force-app/main/default/duplicateRules"
    path = rule / "Contact.Contact_Email_Guard.duplicateRule-meta.xml"
    path.write_text(path.read_text().replace(">Block<", ">Allow<"))
    de = fresh / "mc_retail/retrieve/solvis/Retail_DE/dataExtension"
    path = de / "Newsletter_Retail.dataExtension-meta.json"
    data = json.loads(path.read_text())
    data["Fields"].append({"Name": "Language", "MaxLength": "5", "FieldType": "Text"})
    path.write_text(json.dumps(data, indent=4))
    for query in (fresh / "mc_retail/retrieve/solvis/Fashion_ES/query").glob("SMS_Fashion_Build.*"):
        query.unlink()


def test_an_unchanged_retrieve_is_no_drift(imported: Path, engage: RunEngage) -> None:
    run = engage("drift", "eco", "--against", "fresh/sf_retail", "--against", "fresh/mc_retail")
    assert run.code == 0, run.out
    assert "no drift" in run.out


def test_changes_made_in_the_org_are_drift(imported: Path, engage: RunEngage) -> None:
    _change_the_org(imported)
    args = ("drift", "eco", "--against", "fresh/sf_retail", "--against", "fresh/mc_retail")
    run = engage(*args, "--format", "json")
    assert run.code == 2
    drift = [
        (d["address"], d["change"], d["attribute"], d["ecosystem"], d["org"])
        for d in json.loads(run.out)["drift"]
    ]
    assert drift == [
        (
            "data_extension.Newsletter_Retail",
            "changed",
            "fields.Language",
            "(absent)",
            {
                "default": None,
                "description": "",
                "format": None,
                "length": 5,
                "personal_data": "none",
                "precision": None,
                "primary_key": False,
                "required": False,
                "scale": None,
                "type": "Text",
            },
        ),
        ("duplicate_rule.Contact_Email_Guard", "changed", "on_create.action", "block", "allow"),
        ("sync_rule.SMS_Fashion_Build", "deleted in the org", "", "(declared)", "(absent)"),
    ]
    text = engage(*args)
    assert text.code == 2
    assert "~ duplicate_rule.Contact_Email_Guard changed on_create.action: ecosystem" in text.out
    assert "- sync_rule.SMS_Fashion_Build deleted in the org" in text.out
    markdown = engage(*args, "--format", "markdown")
    assert markdown.code == 2
    assert "| `duplicate_rule.Contact_Email_Guard` | changed | `on_create.action` |" in markdown.out


def test_only_kinds_the_retrieve_covers_are_compared(imported: Path, engage: RunEngage) -> None:
    """An sfdx retrieve says nothing of data extensions or queries: none is 'deleted'."""
    run = engage("drift", "eco", "--against", "fresh/sf_retail", "--format", "json")
    assert run.code == 0, run.out
    assert json.loads(run.out)["drift"] == []


def test_drift_on_protected_or_consent_comes_first(imported: Path, engage: RunEngage) -> None:
    path = Path("eco/data_extensions/Retail_DE.yaml")
    path.write_text(
        path.read_text().replace(
            "  Newsletter_Retail:\n", "  Newsletter_Retail:\n    protected: true\n"
        )
    )
    model = Path(
        "fresh/sf_retail/force-app/main/default/objects/Contact/fields/SMS_Opt_Out__c.field-meta.xml"
    )
    model.write_text(
        model.read_text().replace("<label>SMS Opt Out</label>", "<label>SMS Out</label>")
    )
    _change_the_org(imported)
    run = engage(
        "drift",
        "eco",
        "--against",
        "fresh/sf_retail",
        "--against",
        "fresh/mc_retail",
        "--format",
        "json",
    )
    drift = json.loads(run.out)["drift"]
    firsts = [(d["address"], d["attribute"], d["protected"], d["consent"]) for d in drift[:2]]
    assert firsts == [
        ("data_extension.Newsletter_Retail", "fields.Language", True, False),
        ("object.crm.Contact", "fields.SMS_Opt_Out__c.label", False, True),
    ]


def test_drift_against_the_recorded_state(imported: Path, engage: RunEngage, in_tmp: Path) -> None:
    """--state compares what the last apply recorded: here one duplicate rule, recorded with
    Block on insert; the fresh retrieve has Allow."""
    from compiler.pipeline import compile_path
    from compiler.plan.canonical import digest
    from compiler.plan.resources import dump, model_at
    from compiler.plan.state import State, StateEntry

    _change_the_org(imported)
    comp = compile_path(Path("eco"))
    assert comp.resolved is not None
    address = "duplicate_rule.Contact_Email_Guard"
    attrs = dump(model_at(comp.resolved.ecosystem, tuple(comp.resolved.addresses[address])))
    entry = StateEntry(kind="duplicate_rule", attributes=attrs, digest=digest(attrs))
    state = State(
        lineage="00000000-0000-4000-8000-000000000000",
        serial=1,
        ecosystem="Imported ecosystem",
        resources={address: entry},
    )
    (in_tmp / "state.json").write_text(state.to_json())
    run = engage(
        "drift", "eco", "--against", "fresh/sf_retail", "--state", "state.json", "--format", "json"
    )
    assert run.code == 2, run.out + run.err
    drift = json.loads(run.out)["drift"]
    changed = [
        (d["address"], d["attribute"], d["ecosystem"], d["org"])
        for d in drift
        if d["change"] == "changed"
    ]
    assert changed == [(address, "on_create.action", "block", "allow")]
    # everything else of the retrieve was never applied: added in the org, as far as state knows
    assert {d["change"] for d in drift} == {"changed", "added in the org"}
    broken = in_tmp / "broken.json"
    broken.write_text("{}")
    run = engage("drift", "eco", "--against", "fresh/sf_retail", "--state", str(broken))
    assert run.code == 1 and "not an engage state file" in run.err


def test_errors_exit_1(imported: Path, engage: RunEngage) -> None:
    assert engage("drift", "eco", "--against", "nowhere").code == 1
    Path("eco/dedupe.yaml").write_text("apiVersion: engage/v1\nduplicate_rules: [\n")
    assert engage("drift", "eco", "--against", "fresh/sf_retail").code == 1


def test_username_exemptions_pair_with_the_ecosystem_users(
    imported: Path, engage: RunEngage
) -> None:
    """The Lead rule exempts mc.connector@solvis.example: once the ecosystem names that
    user's username and lists it in `bypass`, the retrieve agrees; when the exemption is
    removed in the org, that is drift on `bypass`."""
    users = Path("eco/integration_users.yaml")
    users.write_text(
        users.read_text().replace(
            "    system: crm\n", "    system: crm\n    username: mc.connector@solvis.example\n", 1
        )
    )
    dedupe = Path("eco/dedupe.yaml")
    text = dedupe.read_text()
    start = text.index("  Lead_Name_Company:")
    at = text.index("    active: true\n", start)
    dedupe.write_text(text[:at] + "    bypass: [MC_Connect_Integration]\n" + text[at:])
    args = ("drift", "eco", "--against", "fresh/sf_retail", "--format", "json")
    run = engage(*args)
    assert run.code == 0, run.out
    rule = Path("fresh/sf_retail/force-app/main/default/duplicateRules")
    path = rule / "Lead.Lead_Name_Company.duplicateRule-meta.xml"
    path.write_text(path.read_text().replace("mc.connector@solvis.example", "someone@else.example"))
    run = engage(*args)
    assert run.code == 2
    drift = [
        (d["address"], d["attribute"], d["ecosystem"], d["org"])
        for d in json.loads(run.out)["drift"]
    ]
    assert drift == [("duplicate_rule.Lead_Name_Company", "bypass", ["MC_Connect_Integration"], [])]


def test_drift_on_exemptions_and_permissions(imported: Path, engage: RunEngage) -> None:
    """Issue 8's constructs drift like the others: an exemption removed from a duplicate
    rule, an object permission and a user permission added to the connector's permission
    set, a custom permission relabelled; the protected rule's drift is listed first."""
    dedupe = Path("eco/dedupe.yaml")
    dedupe.write_text(
        dedupe.read_text().replace(
            "  Lead_Name_Company:\n", "  Lead_Name_Company:\n    protected: true\n"
        )
    )
    sf = Path("fresh/sf_retail/force-app/main/default")
    rule = sf / "duplicateRules/Lead.Lead_Name_Company.duplicateRule-meta.xml"
    text = rule.read_text()
    start = text.index("        <duplicateRuleFilterItems>\n            <field>Bypass_Duplicate")
    end = text.index("</duplicateRuleFilterItems>\n", start) + len("</duplicateRuleFilterItems>\n")
    rule.write_text(text[:start] + text[end:])
    permission_set = sf / "permissionsets/MC_Connect_Integration.permissionset-meta.xml"
    text = permission_set.read_text()
    contact = text.index("<object>Contact</object>")
    at = text.rindex("<allowDelete>false</allowDelete>", 0, contact)
    text = text[:at] + "<allowDelete>true</allowDelete>" + text[at + 32 :]
    permission_set.write_text(text.replace("<name>ApiUserOnly</name>", "<name>ViewAllData</name>"))
    custom = sf / "customPermissions/Bypass_Duplicate_Rules.customPermission-meta.xml"
    custom.write_text(custom.read_text().replace("Bypass Duplicate Rules<", "Skip Dedupe<"))
    run = engage("drift", "eco", "--against", "fresh/sf_retail", "--format", "json")
    assert run.code == 2, run.out
    drift = [
        (d["address"], d["attribute"], d["ecosystem"], d["org"], d["protected"])
        for d in json.loads(run.out)["drift"]
    ]
    assert drift == [
        (
            "duplicate_rule.Lead_Name_Company",
            "exempt.custom_permissions",
            ["Bypass_Duplicate_Rules"],
            [],
            True,
        ),
        (
            "custom_permission.Bypass_Duplicate_Rules",
            "label",
            "Bypass Duplicate Rules",
            "Skip Dedupe",
            False,
        ),
        (
            "integration_user.MC_Connect_Integration",
            "permissions.Contact.object",
            ["read", "create", "edit"],
            ["read", "create", "edit", "delete"],
            False,
        ),
        (
            "integration_user.MC_Connect_Integration",
            "user_permissions",
            ["ApiEnabled", "ApiUserOnly"],
            ["ApiEnabled", "ViewAllData"],
            False,
        ),
    ]


def test_drift_on_a_field_name_with_spaces(imported: Path, engage: RunEngage) -> None:
    """A spaced data-extension field pairs by its name: a type changed in the org is drift
    on that field, a spaced field added is drift too; the unchanged retrieve is none."""
    path = Path("fresh/mc_retail/retrieve/solvis/_ParentBU_/dataExtension")
    path = path / "Customers_Master.dataExtension-meta.json"
    data = json.loads(path.read_text())
    for field in data["Fields"]:
        if field["Name"] == "Date Of Resubscription":
            field["FieldType"] = "Text"
            field["MaxLength"] = "20"
    data["Fields"].append({"Name": "Preferred Store", "MaxLength": 50, "FieldType": "Text"})
    path.write_text(json.dumps(data, indent=4))
    run = engage("drift", "eco", "--against", "fresh/mc_retail", "--format", "json")
    assert run.code == 2, run.out
    drift = {
        (d["address"], d["attribute"]): (d["ecosystem"], d["org"])
        for d in json.loads(run.out)["drift"]
    }
    key = "data_extension.Customers_Master"
    assert drift[(key, "fields.Date Of Resubscription.type")] == ("Date", "Text")
    assert drift[(key, "fields.Date Of Resubscription.length")] == (None, 20)
    assert drift[(key, "fields.Preferred Store")][0] == "(absent)"
    assert len(drift) == 3
