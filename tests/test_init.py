"""`engage init`: a starter ecosystem that validates clean, and care with existing files."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from conftest import RunEngage, compile_eco
from test_schema import is_overlay, model_accepts, schema_accepts

from compiler.source import ParseCache, load

TEMPLATES = resources.files("compiler") / "templates" / "init"


def test_the_starter_templates_are_in_the_package() -> None:
    """They have landed: a missing template folder fails here instead of skipping."""
    assert TEMPLATES.is_dir()
    assert sorted(t.name for t in TEMPLATES.iterdir() if t.name.endswith(".yaml")) == [
        "ecosystem.yaml",
        "marketing.yaml",
        "systems.yaml",
    ]


def test_the_starter_checks_clean_even_at_warning_level(tmp_path: Path, engage: RunEngage) -> None:
    assert engage("init", "starter").code == 0
    run = engage("check", "starter", "--fail-on", "warning")
    assert run.code == 0, run.out + run.err
    assert "0 errors, 0 warnings, 0 info" in run.out


def test_init_into_an_empty_folder_validates_clean(tmp_path: Path, engage: RunEngage) -> None:
    run = engage("init", "starter")
    assert run.code == 0, run.out + run.err
    assert "Next: engage validate starter" in run.out  # the report goes to stdout
    created = sorted(p.name for p in (tmp_path / "starter").iterdir())
    assert created and all(name.endswith((".yaml", ".yml")) for name in created)
    comp = compile_eco(tmp_path / "starter")
    assert comp.findings == (), [f"{f.span} {f.code} {f.message}" for f in comp.findings]
    assert comp.ok
    validate = engage("validate", "starter")
    assert validate.code == 0 and "is valid" in validate.out


def test_the_starter_is_valid_in_each_of_its_environments(
    tmp_path: Path, engage: RunEngage
) -> None:
    assert engage("init", "starter").code == 0
    comp = compile_eco(tmp_path / "starter")
    assert comp.environments  # the starter shows how environments are declared
    for env in comp.environments:
        assert compile_eco(tmp_path / "starter", env).findings == (), env


def test_init_defaults_to_ecosystem_and_validate_finds_it(
    tmp_path: Path, engage: RunEngage
) -> None:
    assert engage("init").code == 0
    assert (tmp_path / "ecosystem").is_dir()
    assert engage("validate").code == 0


def test_init_refuses_a_folder_that_holds_files(tmp_path: Path, engage: RunEngage) -> None:
    folder = tmp_path / "busy"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine")
    run = engage("init", "busy")
    assert run.code == 1 and "already holds files" in run.err
    assert sorted(p.name for p in folder.iterdir()) == ["notes.txt"]
    assert engage("init", "busy", "--force").code == 0
    assert (folder / "notes.txt").read_text() == "mine"
    assert compile_eco(folder).ok


def test_starter_documents_agree_with_the_schema(tmp_path: Path, engage: RunEngage) -> None:
    assert engage("init", "starter").code == 0
    docs = load(tmp_path / "starter", cache=ParseCache(None)).documents
    assert docs
    for doc in docs:
        assert schema_accepts(doc.value), doc.file
        if not is_overlay(doc):
            assert model_accepts(doc.value), doc.file
