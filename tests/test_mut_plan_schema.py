"""`python -m compiler.plan.schema` writes the published plan schema (compiler.plan.schema)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from compiler.plan.schema import SCHEMA_ID, SCHEMA_PATH, main, plan_schema, schema_text

REPO = Path(__file__).parent.parent


def test_the_schema_names_its_draft_id_and_title() -> None:
    schema = plan_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == SCHEMA_ID == "https://engage.dev/schemas/plan-v1.schema.json"
    assert schema["title"] == "engage saved plan (format_version 1)"
    assert schema["description"].startswith("What `engage plan --out` writes")
    assert list(schema)[:2] == ["$schema", "$id"]
    assert json.loads(schema_text()) == schema


def test_main_writes_the_file_it_is_given(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "plan.schema.json"
    assert main([str(target)]) == 0
    assert target.read_text(encoding="utf-8") == schema_text()
    assert capsys.readouterr().out == f"wrote {target}\n"


def test_main_without_arguments_writes_the_checked_in_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "schemas").mkdir()
    assert main([]) == 0
    assert (tmp_path / SCHEMA_PATH).read_text(encoding="utf-8") == schema_text()
    assert capsys.readouterr().out == f"wrote {SCHEMA_PATH}\n"


def test_main_reads_the_command_line_when_given_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "argv.json"
    monkeypatch.setattr(sys, "argv", ["schema", str(target)])
    assert main() == 0
    assert target.read_text(encoding="utf-8") == schema_text()


def test_run_as_a_module_it_writes_the_schema(tmp_path: Path) -> None:
    target = tmp_path / "m.json"
    run = subprocess.run(
        [sys.executable, "-m", "compiler.plan.schema", str(target)],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert target.read_text(encoding="utf-8") == schema_text()
