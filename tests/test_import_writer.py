"""The import writer's YAML: every value reads back as written, whatever it holds."""

from __future__ import annotations

from typing import Any

import pytest
from ruamel.yaml import YAML

from compiler.importer.core import Imported, ImportResult
from compiler.importer.writer import documents, scalar

AWKWARD = [
    "",
    " leading space",
    "trailing space ",
    "true",
    "No",
    "null",
    "~",
    "254",
    "1e3",
    "0x1F",
    "0o17",
    "0b101",
    "1E5",
    "1d",
    "15m",
    "12h",
    "2024-01-01",
    "a: b",
    "a #b",
    "#comment",
    "- item",
    "[flow]",
    "{flow}",
    "'single'",
    '"double"',
    "*alias",
    "&anchor",
    "!tag",
    "%directive",
    "@at",
    "`tick`",
    "|literal",
    ">folded",
    "tab\tinside",
    "Bücher und Öl",
    "bell\x07 and del\x7f and nel\x85 and bom\ufeff",
    "line\nbreak",
    "SELECT a\nFROM b\n",
    "SELECT a\r\nFROM b\r\n",
    "two trailing\n\n",
    "  indented\nfirst line\n",
    "blank\n   \nline with spaces",
    "Date Of Resubscription",
    "x" * 300,
]


def _load(text: str) -> Any:
    return YAML(typ="safe").load(text)


@pytest.mark.parametrize("text", AWKWARD)
def test_a_scalar_reads_back_as_written(text: str) -> None:
    assert _load(f"key: {scalar(text)}\n") == {"key": text}


def test_durations_and_names_are_plain() -> None:
    assert [scalar(t) for t in ("1d", "15m", "Date Of Resubscription", "Öl")] == [
        "1d",
        "15m",
        "Date Of Resubscription",
        "Öl",
    ]
    assert scalar("1e3") == '"1e3"' and scalar("true") == '"true"'


@pytest.mark.parametrize("value", [None, True, False, 0, 42, -7, 2.5])
def test_other_scalars_read_back(value: object) -> None:
    assert _load(f"key: {scalar(value)}\n") == {"key": value}


def test_documents_read_back_with_their_comments() -> None:
    """Keys, nested lists of mappings, multi-line SQL and empty values all survive; the
    comment naming a source stays one line even when the file name holds a line break."""
    value = {
        "system": "crm",
        "description": "SELECT 1\nFROM x\n",
        "fields": {text: {"label": text} for text in AWKWARD if text},
        "items": [{"field": "Email", "values": ["a: b", "true"]}, "plain", ["nested"], {}, []],
        "empty": {},
        "none": None,
    }
    source = "orgs/evil\nname: injected.xml"
    result = ImportResult(sources=["orgs"])
    result.resources.append(Imported("matching_rules", "Rule_1", value, source, "dedupe.yaml"))
    text = documents(result, "Test")["dedupe.yaml"]
    doc = _load(text)
    written = doc["matching_rules"]["Rule_1"]
    assert written.pop("labels") == {"imported_from": source}
    assert written == value
    assert "injected" not in "".join(line for line in text.splitlines() if not line.startswith(" "))
    assert "  # from orgs/evil\\nname: injected.xml\n" in text
