"""`engage import` on retrieved projects (tests/fixtures/orgs/): the ecosystem it writes
validates, `engage check` finds the conflicts planted in the org, the report accounts for
every file, generate reproduces what the report calls imported, bad input is a finding."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import RunEngage, locate

from compiler.importer import import_paths
from compiler.importer.report import render_markdown
from compiler.rules.check import check_path

ORGS = Path(__file__).parent / "fixtures" / "orgs"
SF = "orgs/sf_retail"
MC = "orgs/mc_retail"


@pytest.fixture
def orgs(in_tmp: Path) -> Path:
    """The two retrieved projects, copied to ./orgs so findings name them relatively."""
    shutil.copytree(ORGS, in_tmp / "orgs")
    return in_tmp / "orgs"


@pytest.fixture
def imported(orgs: Path, engage: RunEngage) -> Path:
    run = engage("import", SF, MC, "--out", "imported")
    assert run.code == 0, run.out + run.err
    return Path("imported")


def test_import_writes_an_ecosystem_validate_accepts(imported: Path, engage: RunEngage) -> None:
    run = engage("validate", str(imported))
    assert run.code == 0, run.out
    assert "is valid" in run.out
    names = sorted(p.relative_to(imported).as_posix() for p in imported.rglob("*.yaml"))
    assert names == [
        "business_units.yaml",
        "data_extensions/Fashion_ES.yaml",
        "data_extensions/Retail_DE.yaml",
        "data_extensions/parent.yaml",
        "data_model.yaml",
        "dedupe.yaml",
        "ecosystem.yaml",
        "environments/production.yaml",
        "integration_users.yaml",
        "integrations.yaml",
        "sync/queries.yaml",
        "systems.yaml",
    ]


def test_every_resource_names_its_source_file_in_a_comment(imported: Path) -> None:
    text = (imported / "dedupe.yaml").read_text()
    line, _ = locate(text, "  Contact_Email_Guard:")
    above = text.splitlines()[line - 2]
    assert above == (
        f"  # from {SF}/force-app/main/default/duplicateRules/"
        "Contact.Contact_Email_Guard.duplicateRule-meta.xml"
    )


def test_mids_go_into_the_environment_overlay_not_the_base(imported: Path) -> None:
    overlay = (imported / "environments" / "production.yaml").read_text()
    assert "environment: production" in overlay
    for mid in ("100012345", "100012346", "100012347"):
        assert f"mid: {mid}" in overlay
        assert mid not in (imported / "systems.yaml").read_text()


def test_both_mcdev_serialisations_import_alike(imported: Path) -> None:
    """Retail_DE was written by an older mcdev ("true", "254"), Fashion_ES by a current
    one (JSON values, r__dataExtension_key): both give typed values."""
    old = (imported / "data_extensions" / "Retail_DE.yaml").read_text()
    assert (
        "Subscriber_Key:\n        type: Text\n        length: 20\n        primary_key: true\n"
        in old
    )
    assert "precision: 5\n        scale: 2" in old  # Decimal: MaxLength holds the precision
    assert "retention:\n      period: 30\n      unit: days\n      delete: rows" in old
    assert "sendable:\n      field: Subscriber_Key" in old
    queries = (imported / "sync" / "queries.yaml").read_text()
    assert "target: mc.Newsletter_Retail" in queries  # targetKey (older)
    assert "target: mc.SMS_Fashion" in queries  # r__dataExtension_key (current)


def test_query_data_flow_is_derived_from_the_sql(imported: Path) -> None:
    text = (imported / "sync" / "queries.yaml").read_text()
    start = text.index("  Newsletter_Retail_Build:")
    rule = text[start : text.index("\n  # from", start)]
    assert "source: mc.Customers_Master" in rule  # FROM ENT.Customers_Master
    assert "mode: overwrite" in rule
    assert "fields:\n      Subscriber_Key: Customer_Number\n      Email: Email\n" in rule
    assert "- field: Email_Opt_Out\n        value: false" in rule  # = 0 on a Boolean
    assert "- field: Email\n        op: not_null" in rule
    assert "integration: automation_Daily_Newsletter" in rule  # its automation's schedule
    integrations = (imported / "integrations.yaml").read_text()
    assert "automation_Daily_Newsletter:" in integrations and "every: 1d" in integrations


def _check(imported: Path) -> dict[str, list[tuple[str, int, int, str]]]:
    result = check_path(imported)
    assert result.analyzed
    out: dict[str, list[tuple[str, int, int, str]]] = {}
    for f in result.findings:
        assert f.span is not None
        out.setdefault(f.code, []).append((f.span.file, f.span.line, f.span.column, f.message))
    return out


def test_check_finds_the_conflicts_planted_in_the_retrieved_org(imported: Path) -> None:
    found = _check(imported)
    queries = (imported / "sync" / "queries.yaml").read_text()
    dedupe = (imported / "dedupe.yaml").read_text()
    # two queries overwriting Newsletter_Retail, at the second one's mode
    [(file, line, col, message)] = found["E3910"]
    start = queries.index("  Newsletter_Retail_Winback:")
    assert (file, line) == ("imported/sync/queries.yaml", queries[:start].count("\n") + 6)
    assert (
        f"imported from {MC}/retrieve/solvis/Retail_DE/query/Newsletter_Retail_Winback" in message
    )
    # a record type id and a MID hard-coded in the SQL of Birthday_Audience
    messages = sorted(m for *_, m in found["W8910"])
    assert "hard-codes MID 100012347" in messages[0]
    assert "hard-codes record type id '0125g000001AbCdAAK'" in messages[1]
    assert all(f == "imported/sync/queries.yaml" for f, *_ in found["W8910"])
    # the target data extension the retrieve lacks
    [(file, line, col, message)] = found["E7910"]
    assert (file, line, col) == ("imported/sync/queries.yaml", 9, 13)
    assert "Birthday_Audience" in message and "Birthday_Audience.query-meta.json" in message
    # the Block rule with no exemption for the connector user
    [(file, line, col, message)] = found["W5910"]
    assert (file, line) == ("imported/dedupe.yaml", locate(dedupe, "action: block")[0])
    assert "MC_Connect_Integration" in message and "Contact.Contact_Email_Guard" in message
    # modify-all / view-all the integration's syncs do not need
    excess = [m for *_, m in found["W4004"] if "modify_all on crm.Account" in m]
    assert len(excess) == 1 and "MC_Connect_Integration.permissionset-meta.xml" in excess[0]


def test_exempting_the_connector_user_silences_the_block_rule_finding(imported: Path) -> None:
    path = imported / "dedupe.yaml"
    text = path.read_text().replace(
        "    active: true\n    exempt:\n      profiles:\n        - System Administrator\n",
        "    active: true\n    bypass: [MC_Connect_Integration]\n",
    )
    assert "bypass: [MC_Connect_Integration]" in text
    path.write_text(text)
    assert "W5910" not in _check(imported)


def test_a_custom_permission_the_connector_holds_exempts_it(imported: Path) -> None:
    """The connector's permission set grants Bypass_Duplicate_Rules (imported with its User
    formula field as user_field): a Block rule exempting that permission exempts it."""
    users = (imported / "integration_users.yaml").read_text()
    assert "custom_permissions:\n      - Bypass_Duplicate_Rules" in users
    path = imported / "dedupe.yaml"
    text = path.read_text().replace(
        "    exempt:\n      profiles:\n        - System Administrator\n",
        "    exempt:\n      profiles:\n        - System Administrator\n"
        "      custom_permissions: [Bypass_Duplicate_Rules]\n",
    )
    assert "custom_permissions: [Bypass_Duplicate_Rules]" in text
    path.write_text(text)
    assert "W5910" not in _check(imported)
    # a profile exemption is not the connector's: the imported user's profile is unknown
    path.write_text(text.replace("      custom_permissions: [Bypass_Duplicate_Rules]\n", ""))
    assert "W5910" in _check(imported)


def test_the_report_accounts_for_every_retrieved_file(imported: Path, orgs: Path) -> None:
    report = (imported / "import-report.md").read_text()
    for path in sorted(p for p in orgs.rglob("*") if p.is_file()):
        rel = Path("orgs") / path.relative_to(orgs)
        assert f"### `{rel.as_posix()}`" in report, rel
    assert "**not imported** PermissionSet: not an integration user's" in report
    assert "**imported** CustomPermission → `custom_permission.Bypass_Duplicate_Rules`" in report
    assert "CustomField → `custom_permission.Bypass_Duplicate_Rules`" in report
    assert "**not imported** layout: engage does not model layout metadata" in report
    # a field name with spaces, as real data extensions have, is imported as it is
    assert "field 'Date Of Resubscription'" not in report
    assert "Date Of Resubscription:" in (imported / "data_extensions/parent.yaml").read_text()
    assert "not kept: formula" in report
    assert "filter item Profile.Name 'System Administrator' (written as User.Profile)" in report


def test_json_report(orgs: Path, engage: RunEngage) -> None:
    run = engage("import", SF, MC, "--out", "out", "--format", "json")
    assert run.code == 0
    doc = json.loads(run.out)
    assert doc["summary"] == {"imported": 15, "partly imported": 13, "not imported": 4}
    assert {e["status"] for e in doc["entries"]} == {"imported", "partly imported", "not imported"}
    assert [f["code"] for f in doc["findings"]] == ["W9914"]


def test_unrecognised_exemption_asks_the_user(orgs: Path, engage: RunEngage) -> None:
    run = engage("import", SF, "--out", "out")
    assert "W9914" in run.out
    assert "Lead.Lead_Name_Company.duplicateRule-meta.xml:12:20" in run.out
    assert "username: mc.connector@solvis.example" in run.out


def test_import_is_deterministic_across_hash_seeds(orgs: Path, in_tmp: Path) -> None:
    outputs = []
    for seed in ("1", "2"):
        out = in_tmp / f"out{seed}"
        subprocess.run(
            [sys.executable, "-m", "compiler.cli", "import", SF, MC, "--out", str(out)],
            env={"PYTHONHASHSEED": seed, "NO_COLOR": "1", "PATH": "/usr/bin:/bin"},
            cwd=in_tmp,
            check=True,
            capture_output=True,
        )
        outputs.append({p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()})
    assert outputs[0] == outputs[1]


def test_out_must_be_empty(orgs: Path, engage: RunEngage, in_tmp: Path) -> None:
    (in_tmp / "full").mkdir()
    (in_tmp / "full" / "keep.yaml").write_text("x")
    run = engage("import", SF, "--out", "full")
    assert run.code == 1 and "must be an empty folder" in run.out
    assert (in_tmp / "full" / "keep.yaml").read_text() == "x"


def test_a_path_that_is_no_project(orgs: Path, engage: RunEngage) -> None:
    run = engage("import", "orgs", "--out", "out")
    assert run.code == 1 and "E9915" in run.out and "neither sfdx-project.json" in run.out
    assert not Path("out").exists()


def test_report_lists_nothing_twice_and_sorts(orgs: Path) -> None:
    result = import_paths([Path(SF), Path(MC)])
    assert render_markdown(result) == render_markdown(import_paths([Path(SF), Path(MC)]))
    keys = [(e.file, e.element) for e in result.entries]
    assert len(keys) == len(set(keys))


def test_engage_reads_back_what_it_generates(in_tmp: Path, engage: RunEngage) -> None:
    """The Salesforce project `engage generate` wrote for the example ecosystem (a golden
    file set, itself an sfdx project) imports into an ecosystem that validates, with the
    example's duplicate rules, their objects, matching rules and actions."""
    from compiler.pipeline import compile_path

    golden = Path(__file__).parent / "golden" / "generate" / "salesforce" / "production"
    shutil.copytree(golden, in_tmp / "sf")
    assert engage("import", "sf", "--out", "eco").code == 0
    assert engage("validate", "eco").code == 0
    example = compile_path(Path(__file__).parent.parent / "ecosystem")
    back = compile_path(Path("eco"))
    assert example.resolved is not None and back.resolved is not None

    def rules(comp: Any) -> dict[str, tuple[str, str, str, str]]:
        return {
            name: (dr.object, dr.matching_rule, dr.on_create.action, dr.on_update.action)
            for name, dr in comp.resolved.ecosystem.duplicate_rules.items()
        }

    assert rules(back) == rules(example)
