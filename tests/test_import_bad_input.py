"""Bad retrieved input is a finding with file and position, never a traceback; a secret
in an imported file is reported and never reaches the YAML engage writes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import RunEngage

from compiler.importer import import_paths

ORGS = Path(__file__).parent / "fixtures" / "orgs"
SF = Path("orgs/sf_retail")
MC = Path("orgs/mc_retail")
DEFAULT = SF / "force-app/main/default"
RETAIL = MC / "retrieve/solvis/Retail_DE"


@pytest.fixture(autouse=True)
def orgs(in_tmp: Path) -> Path:
    shutil.copytree(ORGS, in_tmp / "orgs")
    return in_tmp / "orgs"


def _found(*paths: Path) -> list[tuple[str, str, int, int, str]]:
    result = import_paths(list(paths))
    return [
        (f.code, f.span.file, f.span.line, f.span.column, f.message)
        for f in result.findings
        if f.span is not None
    ]


def test_malformed_xml_names_the_parser_position() -> None:
    path = DEFAULT / "matchingRules/Contact.matchingRule-meta.xml"
    text = path.read_text().replace("</label>", "</lable>", 1)
    path.write_text(text)
    [(_, file, line, column, message)] = [f for f in _found(SF) if f[0] == "E9910"]
    assert (file, line) == (path.as_posix(), 6)
    assert column > 1 and "not well-formed XML" in message
    report = import_paths([SF]).entries
    assert any(e.file == path.as_posix() and e.status.value == "not imported" for e in report)


def test_xml_entities_are_not_expanded() -> None:
    path = DEFAULT / "matchingRules/Contact.matchingRule-meta.xml"
    text = (
        path.read_text()
        .replace(
            '<?xml version="1.0" encoding="UTF-8"?>',
            '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
        )
        .replace("Same email address.", "&x;")
    )
    path.write_text(text)
    result = import_paths([SF])
    values = [r.value for r in result.resources if r.section == "matching_rules"]
    assert all("root:" not in json.dumps(v) for v in values)


def test_wrong_root_element_is_refused() -> None:
    path = DEFAULT / "permissionsets/MC_Connect_Integration.permissionset-meta.xml"
    path.write_text(path.read_text().replace("PermissionSet", "Profile"))
    [(_, file, line, _, message)] = [f for f in _found(SF) if f[0] == "E9910"]
    assert file == path.as_posix() and line == 2 and "not <PermissionSet>" in message


def test_malformed_json_names_the_parser_position() -> None:
    path = RETAIL / "dataExtension/Newsletter_Retail.dataExtension-meta.json"
    path.write_text(path.read_text().replace('"Name": "Newsletter Retail",', '"Name" "x",'))
    [(_, file, line, column, message)] = [f for f in _found(MC) if f[0] == "E9910"]
    assert (file, line, column) == (path.as_posix(), 3, 12)
    assert "not valid JSON" in message


def test_unknown_metadata_type_is_reported_not_dropped() -> None:
    folder = DEFAULT / "weirdThings"
    folder.mkdir()
    (folder / "A.weirdThing-meta.xml").write_text("<WeirdThing/>")
    (RETAIL / "mysteryType").mkdir()
    (RETAIL / "mysteryType" / "x.json").write_text("{}")
    found = [f for f in _found(SF, MC) if f[0] == "W9911"]
    assert [(f[1], f[2]) for f in found] == [
        (f"{DEFAULT.as_posix()}/weirdThings/A.weirdThing-meta.xml", 1),
        (f"{RETAIL.as_posix()}/mysteryType/x.json", 1),
    ]
    assert "'weirdThing' is unknown" in found[0][4]


def test_a_query_that_does_not_parse_names_file_and_position() -> None:
    path = RETAIL / "query/Newsletter_Retail_Build.query-meta.sql"
    path.write_text("SELECT m.Email\nFROM ENT.Customers_Master m\nWHERE (m.Brand = 'x'\n")
    [(_, file, line, column, message)] = [f for f in _found(MC) if f[0] == "E9912"]
    assert (file, line) == (path.as_posix(), 3)
    assert column > 1 and message.startswith(path.as_posix())
    names = {r.name for r in import_paths([MC]).resources if r.section == "sync_rules"}
    assert "Newsletter_Retail_Build" not in names


def test_a_credential_in_the_mcdev_config_is_reported_and_never_written(
    engage: RunEngage,
) -> None:
    config = MC / ".mcdevrc.json"
    data = json.loads(config.read_text())
    data["credentials"]["solvis"]["client_id"] = "3mvq0z1yyw7example"
    data["credentials"]["solvis"]["client_secret"] = "Wb7pQ2-very-secret-value"
    config.write_text(json.dumps(data, indent=4))
    (MC / ".mcdev-auth.json").write_text(
        json.dumps({"solvis": {"client_secret": "Another-secret-42", "auth_url": "https://x"}})
    )
    run = engage("import", str(SF), str(MC), "--out", "out")
    assert run.code == 1  # errors: the credentials must be removed from the project
    assert run.out.count("E9913") == 2
    assert ".mcdevrc.json:" in run.out and ".mcdev-auth.json:1:" in run.out
    assert "very-secret" not in run.out and "Another-secret" not in run.out
    written = "".join(p.read_text() for p in Path("out").rglob("*") if p.is_file())
    assert "very-secret" not in written and "Another-secret" not in written
    assert "client_secret" in written  # named in the report, value never


def test_a_secret_inside_a_retrieved_file_is_blanked() -> None:
    path = RETAIL / "query/Newsletter_Retail_Build.query-meta.json"
    data = json.loads(path.read_text())
    data["description"] = "runs as api user, password: Hunter2-Secret"
    path.write_text(json.dumps(data, indent=4))
    result = import_paths([MC])
    assert [f.code for f in result.findings if f.code != "W9914"] == ["E9913"]
    assert "Hunter2" not in json.dumps([r.value for r in result.resources])


def test_no_package_directories() -> None:
    (SF / "sfdx-project.json").write_text('{"packageDirectories": [{"path": "../elsewhere"}]}')
    [(_, file, _, _, message)] = _found(SF)
    assert file == (SF / "sfdx-project.json").as_posix()
    assert "is not a folder of the project" in message
