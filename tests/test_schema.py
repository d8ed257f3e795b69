"""The published JSON Schema: current, valid Draft 2020-12, and in agreement with the models.

For every base document of the example ecosystem and of the language fixtures, the schema
accepts it exactly when `DocumentModel` does; overlay documents validate against it.
Refresh the file with `engage schema --out schemas/engage-v1.schema.json`.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import LANGUAGE_FIXTURES, RunEngage
from jsonschema import Draft7Validator, Draft202012Validator
from pydantic import ValidationError

from compiler.model import DocumentModel
from compiler.schema import SCHEMA_ID, document_schema, schema_text
from compiler.source import Document, ParseCache, load

REPO = Path(__file__).resolve().parent.parent
SCHEMA_FILE = REPO / "schemas" / "engage-v1.schema.json"
DOCUMENTS = LANGUAGE_FIXTURES / "documents"


def _ecma(schema: Any) -> Any:
    """JSON Schema patterns are ECMA-262 regexes, where `$` ends the text; Python's `$` also
    matches before a final newline. Translate, so the check follows the specification."""
    if isinstance(schema, dict):
        out: dict[str, Any] = {}
        for key, value in schema.items():
            if key == "pattern" and isinstance(value, str):
                out[key] = re.sub(r"(?<!\\)\$$", r"\\Z", value)
            elif key == "patternProperties" and isinstance(value, dict):
                out[key] = {re.sub(r"(?<!\\)\$$", r"\\Z", k): _ecma(v) for k, v in value.items()}
            else:
                out[key] = _ecma(value)
        return out
    if isinstance(schema, list):
        return [_ecma(v) for v in schema]
    return schema


VALIDATOR = Draft202012Validator(_ecma(copy.deepcopy(document_schema())))


def schema_accepts(value: Any) -> bool:
    return bool(VALIDATOR.is_valid(value))


def model_accepts(value: Any) -> bool:
    try:
        DocumentModel.model_validate(value)
    except ValidationError:
        return False
    return True


def documents(path: Path) -> Iterator[Document]:
    source = load(path, cache=ParseCache(None))
    unreadable = [f for f in source.findings if f.code != "E0004"]  # includes are not followed
    assert not unreadable, unreadable
    yield from source.documents


def is_overlay(doc: Document) -> bool:
    return isinstance(doc.value, dict) and "environment" in doc.value


def test_the_published_schema_is_current() -> None:
    assert SCHEMA_FILE.read_text(encoding="utf-8") == schema_text(), (
        "schemas/engage-v1.schema.json is stale: run "
        "`engage schema --out schemas/engage-v1.schema.json`"
    )


def test_it_is_a_valid_draft_2020_12_schema() -> None:
    schema = document_schema()
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == SCHEMA_ID


def test_schema_text_is_deterministic() -> None:
    assert schema_text() == schema_text()
    assert schema_text().endswith("}\n")


def test_engage_schema_prints_and_writes_it(engage: RunEngage, tmp_path: Path) -> None:
    run = engage("schema")
    assert run.code == 0 and run.out == schema_text()
    run = engage("schema", "--out", "out/s.json")
    assert run.code == 0
    assert (tmp_path / "out" / "s.json").read_text() == schema_text()


def _agreement(path: Path) -> list[str]:
    """The base documents under `path` on which the schema and the models disagree."""
    return [
        f"{doc.file}#{doc.index}: schema {schema_accepts(doc.value)}, "
        f"model {model_accepts(doc.value)}"
        for doc in documents(path)
        if not is_overlay(doc) and schema_accepts(doc.value) != model_accepts(doc.value)
    ]


@pytest.mark.parametrize(
    "folder", [LANGUAGE_FIXTURES / "valid", DOCUMENTS / "valid.yaml", DOCUMENTS / "invalid.yaml"]
)
def test_schema_and_models_agree_on_the_language_fixtures(folder: Path) -> None:
    assert _agreement(folder) == []


def test_schema_and_models_agree_on_the_example_ecosystem() -> None:
    if not any((REPO / "ecosystem").glob("**/*.yaml")):
        pytest.skip("the example ecosystem is not there yet")
    assert _agreement(REPO / "ecosystem") == []


OTHER_FIXTURES = sorted(
    folder
    for folder in LANGUAGE_FIXTURES.parent.iterdir()
    if folder != LANGUAGE_FIXTURES and any(folder.rglob("*.yaml"))
)


@pytest.mark.parametrize("folder", OTHER_FIXTURES, ids=lambda folder: folder.name)
def test_schema_and_models_agree_on_every_other_test_fixture(folder: Path) -> None:
    """The rule, plan, generate, sync… fixtures: base documents are judged alike by both,
    overlays are accepted by the schema."""
    assert _agreement(folder) == []
    overlays = [d for d in documents(folder) if is_overlay(d)]
    assert [f"{d.file}#{d.index}" for d in overlays if not schema_accepts(d.value)] == []


def test_invalid_documents_are_refused_by_both() -> None:
    docs = list(documents(DOCUMENTS / "invalid.yaml"))
    assert len(docs) > 60
    accepted = [d.index for d in docs if schema_accepts(d.value) or model_accepts(d.value)]
    assert accepted == []


def test_valid_documents_are_accepted_by_both() -> None:
    docs = list(documents(DOCUMENTS / "valid.yaml"))
    refused = [
        d.index
        for d in docs
        if not schema_accepts(d.value) or not (is_overlay(d) or model_accepts(d.value))
    ]
    assert refused == []


def test_known_disagreements_still_disagree() -> None:
    """If one of these now agrees, move it to valid.yaml or invalid.yaml."""
    for doc in documents(DOCUMENTS / "disagree.yaml"):
        assert schema_accepts(doc.value) != model_accepts(doc.value), doc.index


@pytest.mark.parametrize("folder", [LANGUAGE_FIXTURES / "valid", DOCUMENTS, REPO / "ecosystem"])
def test_overlay_documents_validate_against_the_schema(folder: Path) -> None:
    overlays = [d for d in documents(folder) if is_overlay(d)] if folder.is_dir() else []
    if folder.name == "ecosystem" and not overlays:
        pytest.skip("the example ecosystem has no overlays yet")
    assert overlays
    refused = [
        f"{d.file}#{d.index}: {e.message}" for d in overlays for e in VALIDATOR.iter_errors(d.value)
    ]
    assert refused == []


def test_overlay_with_a_mistake_is_refused_by_the_schema() -> None:
    overlay = {"apiVersion": "engage/v1", "environment": "sandbox", "systems": {"mc": {"x": 1}}}
    assert not schema_accepts(overlay)
    assert schema_accepts({**overlay, "systems": {"mc": {"region": "us"}}})


def test_draft_07_validators_give_the_same_answers() -> None:
    """yaml-language-server (editor completion) implements draft-07: the schema uses only
    keywords that mean the same there, so an editor flags exactly what jsonschema does."""
    schema = _ecma(copy.deepcopy(document_schema()))
    schema["$schema"] = "http://json-schema.org/draft-07/schema#"
    Draft7Validator.check_schema(schema)
    draft7 = Draft7Validator(schema)
    folders = [LANGUAGE_FIXTURES / "valid", DOCUMENTS, REPO / "ecosystem"]
    docs = [doc for folder in folders if folder.is_dir() for doc in documents(folder)]
    assert len(docs) > 80
    assert [d.index for d in docs if draft7.is_valid(d.value) != schema_accepts(d.value)] == []
