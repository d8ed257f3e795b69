"""The mcdev project file (compiler.emit.marketing_cloud.project): the credential of each
Marketing Cloud system, the parent first as `_ParentBU_` with the Enterprise ID, a unit
without a MID written as 0 and reported (W7805) naming the environment, and no file for an
ecosystem without Marketing Cloud."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import WriteEco, compile_eco

from compiler.emit.marketing_cloud.project import MCDEV_VERSION, credential, document, project
from compiler.model.systems import MarketingCloudSystem
from compiler.resolved import ResolvedEcosystem

BASIC = Path(__file__).resolve().parent / "fixtures" / "marketing_cloud" / "basic"


def system(units: dict[str, dict[str, object]]) -> MarketingCloudSystem:
    return MarketingCloudSystem.model_validate(
        {"type": "marketing_cloud", "region": "eu", "business_units": units}
    )


def test_the_parent_comes_first_and_gives_the_enterprise_id() -> None:
    entry, missing = credential(
        system({"a": {"mid": 2}, "z": {"mid": 1, "parent": True}, "b": {"mid": 3}})
    )
    assert entry == {"eid": 1, "businessUnits": {"_ParentBU_": 1, "a": 2, "b": 3}}
    assert list(entry["businessUnits"]) == ["_ParentBU_", "a", "b"]
    assert missing == []


def test_units_without_a_mid_are_zero_and_listed() -> None:
    entry, missing = credential(system({"p": {"parent": True}, "c": {"mid": 5}, "d": {}}))
    assert entry == {"eid": 0, "businessUnits": {"_ParentBU_": 0, "c": 5, "d": 0}}
    assert missing == ["p", "d"]


def test_without_a_parent_the_enterprise_id_is_zero() -> None:
    assert credential(system({"c": {"mid": 5}}))[0] == {"eid": 0, "businessUnits": {"c": 5}}


def test_the_document_holds_mcdevs_boilerplate_keys() -> None:
    doc = document({"mc": {"eid": 1, "businessUnits": {}}})
    assert list(doc) == [
        "credentials", "options", "directories", "markets", "marketList", "metaDataTypes",
        "version",
    ]  # fmt: skip
    assert doc["version"] == MCDEV_VERSION == "8.0.0"
    assert doc["options"]["deployment"]["commitHistory"] == 10
    assert doc["options"]["serverTimeOffset"] == -6
    assert doc["options"]["formatOnSave"] is True and doc["options"]["formatErrorLog"] is False
    assert doc["options"]["documentStandardRoles"] is False
    delta = doc["metaDataTypes"]["createDeltaPkg"]
    assert "query" in delta and "dataExtension" in delta
    assert not {"list", "role", "attributeSet", "transactionalEmail"} & set(delta)
    assert len(doc["metaDataTypes"]["retrieve"]) == 28
    assert len(delta) == 21
    validation = doc["options"]["validation"]
    assert validation["deploy"] == {
        "noAmpscriptHtmlTag": "warn", "noGuidKeys": "warn", "noRootFolder": "warn",
    }  # fmt: skip
    validation["deploy"]["noGuidKeys"] = "error"  # each a copy: the next document is intact
    assert document({})["options"]["validation"]["deploy"]["noGuidKeys"] == "warn"


def compiled(write_eco: WriteEco, text: str, env: str | None = None) -> ResolvedEcosystem:
    comp = compile_eco(write_eco({"ecosystem.yaml": text}), env)
    assert comp.resolved is not None, [f.message for f in comp.findings]
    return comp.resolved


def test_a_unit_without_a_mid_is_w7805_at_its_declaration(write_eco: WriteEco) -> None:
    text = (
        (BASIC / "ecosystem.yaml").read_text("utf-8").replace("child: {mid: 100001}", "child: {}")
    )
    files, findings = project(compiled(write_eco, text))
    assert [(f.code, f.address) for f in findings] == [("W7805", "system.mc")]
    assert findings[0].message == (
        "business unit 'child' of Marketing Cloud system 'mc' has no MID; "
        ".mcdevrc.json lists it with 0"
    )
    line = text.splitlines().index("      child: {}") + 1
    assert findings[0].span is not None and findings[0].span.line == line
    [file] = files
    assert file.path == ".mcdevrc.json"
    assert file.sources == ("system.mc",)
    assert json.loads(file.content)["credentials"]["mc"]["businessUnits"]["child"] == 0


def test_the_finding_names_the_environment_compiled(write_eco: WriteEco) -> None:
    text = (
        (BASIC / "ecosystem.yaml").read_text("utf-8").replace("child: {mid: 100001}", "child: {}")
    )
    _, findings = project(compiled(write_eco, text, "prod"))
    assert findings[0].message == (
        "business unit 'child' of Marketing Cloud system 'mc' has no MID in environment "
        "'prod'; .mcdevrc.json lists it with 0"
    )


def test_no_marketing_cloud_system_no_project_file(write_eco: WriteEco) -> None:
    text = """\
        apiVersion: engage/v1
        ecosystem: {name: crm-only}
        systems:
          crm: {type: salesforce, region: eu}
        """
    assert project(compiled(write_eco, text)) == ([], [])
