"""`engage sync run` as a user meets it: subprocesses, real files, exit codes, messages."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

TYPED = Path(__file__).resolve().parent / "fixtures" / "sync" / "typed" / "ecosystem.yaml"
HEADER = "id,email,name,qty,price,born,active,phone,locale,tier,kind,score,updated,optout"
ROW = "K1,ana@example.com,Ana,3,1.5,1990-01-02,y,600111222,es,gold,real,50,2024-01-01,no"


def engage(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "compiler.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={"NO_COLOR": "1", "PATH": "/usr/bin:/bin", "ENGAGE_NO_CACHE": "1"},
        check=False,
    )


def eco(tmp_path: Path, text: str | None = None) -> Path:
    root = tmp_path / "eco"
    root.mkdir(exist_ok=True)
    (root / "ecosystem.yaml").write_text(text or TYPED.read_text(encoding="utf-8"), "utf-8")
    return root


def sync_run(
    tmp_path: Path, root: Path, extract: Path, rule: str = "load"
) -> subprocess.CompletedProcess[str]:
    return engage(
        "sync", "run", rule, str(root), "--input", str(extract),
        "--out", str(tmp_path / "rows.csv"), "--rejects", str(tmp_path / "rejects.csv"),
        cwd=tmp_path,
    )  # fmt: skip


def no_traceback(proc: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in proc.stderr + proc.stdout
    assert "internal error" not in proc.stderr


def test_success_prints_counts(tmp_path: Path) -> None:
    extract = tmp_path / "x.csv"
    extract.write_text(f"{HEADER}\n{ROW}\n{ROW.replace('K1', '')}\n", "utf-8")
    proc = sync_run(tmp_path, eco(tmp_path), extract)
    assert proc.returncode == 0, proc.stderr
    assert "read 2 rows" in proc.stdout and "1 accepted" in proc.stdout
    assert "1  missing:Key" in proc.stdout
    assert (tmp_path / "rows.csv").read_text("utf-8").splitlines()[1].startswith("K1,")


def test_missing_input_file(tmp_path: Path) -> None:
    proc = sync_run(tmp_path, eco(tmp_path), tmp_path / "nope.csv")
    assert proc.returncode == 1
    assert f"error: {tmp_path / 'nope.csv'}: no such file" in proc.stderr
    no_traceback(proc)


def test_header_missing_required_columns(tmp_path: Path) -> None:
    extract = tmp_path / "x.csv"
    extract.write_text("id,name\nK1,Ana\n", "utf-8")
    (tmp_path / "rows.csv").write_text("previous run\n", "utf-8")
    proc = sync_run(tmp_path, eco(tmp_path), extract)
    assert proc.returncode == 1
    assert "the header lacks columns email, qty, price" in proc.stderr
    assert "which sync rule 'load' reads from feed.Records" in proc.stderr
    no_traceback(proc)
    assert (tmp_path / "rows.csv").read_text("utf-8") == "previous run\n"  # untouched
    assert not (tmp_path / "rejects.csv").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_ragged_csv_is_reported_not_crashed(tmp_path: Path) -> None:
    extract = tmp_path / "x.csv"
    extract.write_text(f"{HEADER}\n{ROW}\n{ROW},zzsecret,cells\n", "utf-8")
    proc = sync_run(tmp_path, eco(tmp_path), extract)
    assert proc.returncode == 1
    assert "cannot read the extract" in proc.stderr
    assert "zzsecret" not in proc.stderr  # rows (personal data) are never echoed
    no_traceback(proc)


def test_yaml_errors_name_file_line_and_column(tmp_path: Path) -> None:
    text = TYPED.read_text("utf-8").replace("    order_by: updated", "    order_by: [updated]")
    root = eco(tmp_path, text)
    extract = tmp_path / "x.csv"
    extract.write_text(f"{HEADER}\n{ROW}\n", "utf-8")
    proc = sync_run(tmp_path, root, extract)
    assert proc.returncode == 1
    line = text.splitlines().index("    order_by: [updated]") + 1
    assert f"eco/ecosystem.yaml:{line}:15" in proc.stderr
    assert "the ecosystem does not compile" in proc.stderr
    no_traceback(proc)


def test_yaml_syntax_errors_name_a_position(tmp_path: Path) -> None:
    text = TYPED.read_text("utf-8").replace("  load:\n", "  load:\n   bad: [\n", 1)
    extract = tmp_path / "x.csv"
    extract.write_text(f"{HEADER}\n", "utf-8")
    proc = sync_run(tmp_path, eco(tmp_path, text), extract)
    assert proc.returncode == 1
    assert re.search(r"eco/ecosystem\.yaml:[0-9]+:[0-9]+", proc.stderr), proc.stderr
    no_traceback(proc)


def test_unknown_rule_suggests(tmp_path: Path) -> None:
    extract = tmp_path / "x.csv"
    extract.write_text(f"{HEADER}\n", "utf-8")
    proc = sync_run(tmp_path, eco(tmp_path), extract, rule="laod")
    assert proc.returncode == 1
    assert "sync rule 'laod' is not declared" in proc.stderr and "load" in proc.stderr


def test_same_file_for_input_and_output_is_refused(tmp_path: Path) -> None:
    extract = tmp_path / "rows.csv"
    extract.write_text(f"{HEADER}\n{ROW}\n", "utf-8")
    proc = sync_run(tmp_path, eco(tmp_path), extract)
    assert proc.returncode == 1
    assert "three different files" in proc.stderr
    assert extract.read_text("utf-8") == f"{HEADER}\n{ROW}\n"


@pytest.mark.parametrize(
    ("delimiter", "encoding", "python_encoding"),
    [("|", "utf-16", "utf-16"), (";", "latin-1", "latin-1"), ("\\t", "utf-8", "utf-8")],
)
def test_file_settings_of_the_integration_are_used(
    tmp_path: Path, delimiter: str, encoding: str, python_encoding: str
) -> None:
    """No header: the columns are the source object's fields, in declared order."""
    settings = (
        f'file: {{pattern: "x", delimiter: "{delimiter}", encoding: {encoding}, header: false}}'
    )
    text = TYPED.read_text("utf-8").replace(
        'file: {pattern: "records_*.csv", delimiter: ",", encoding: utf-8, header: true}', settings
    )
    sep = "\t" if delimiter == "\\t" else delimiter
    row = ROW.replace("Ana", "Añá").replace(",", sep)
    extract = tmp_path / "x.csv"
    extract.write_bytes(f"{row}\n".encode(python_encoding))
    proc = sync_run(tmp_path, eco(tmp_path, text), extract)
    assert proc.returncode == 0, proc.stderr
    rows = (tmp_path / "rows.csv").read_text("utf-8").splitlines()
    assert rows[1].split(",")[:3] == ["K1", "ana@example.com", "Añá"]


def test_a_rule_without_sync_code_is_explained(tmp_path: Path) -> None:
    text = TYPED.read_text("utf-8").replace("type: csv_import", "type: query")
    extract = tmp_path / "x.csv"
    extract.write_text(f"{HEADER}\n", "utf-8")
    proc = sync_run(tmp_path, eco(tmp_path, text), extract)
    assert proc.returncode == 1
    assert "(integration type query) has no sync code" in proc.stderr


def test_an_unwritable_output_is_an_error_not_a_crash(tmp_path: Path) -> None:
    extract = tmp_path / "x.csv"
    extract.write_text(f"{HEADER}\n{ROW}\n", "utf-8")
    (tmp_path / "file").write_text("not a folder", "utf-8")
    proc = engage(
        "sync", "run", "load", str(eco(tmp_path)), "--input", str(extract),
        "--out", str(tmp_path / "file" / "rows.csv"), "--rejects", str(tmp_path / "rej.csv"),
        cwd=tmp_path,
    )  # fmt: skip
    assert proc.returncode == 1
    assert f"{tmp_path / 'file' / 'rows.csv'}: cannot write" in proc.stderr
    no_traceback(proc)


def test_an_empty_extract_gives_empty_outputs_with_headers(tmp_path: Path) -> None:
    extract = tmp_path / "x.csv"
    extract.write_text(f"\ufeff{HEADER}\n", "utf-8")  # with a byte-order mark
    proc = sync_run(tmp_path, eco(tmp_path), extract)
    assert proc.returncode == 0, proc.stderr
    assert "read 0 rows" in proc.stdout
    assert (tmp_path / "rows.csv").read_text("utf-8").startswith("Key,Email,Name,")
    assert (tmp_path / "rejects.csv").read_text("utf-8").startswith("engage_row,id,email,")


def test_outputs_are_written_both_or_neither(tmp_path: Path) -> None:
    extract = tmp_path / "x.csv"
    extract.write_text(f"{HEADER}\n{ROW}\n", "utf-8")
    (tmp_path / "rows.csv").write_text("previous rows\n", "utf-8")
    (tmp_path / "file").write_text("not a folder", "utf-8")
    proc = engage(
        "sync", "run", "load", str(eco(tmp_path)), "--input", str(extract),
        "--out", str(tmp_path / "rows.csv"), "--rejects", str(tmp_path / "file" / "rej.csv"),
        cwd=tmp_path,
    )  # fmt: skip
    assert proc.returncode == 1
    assert (tmp_path / "rows.csv").read_text("utf-8") == "previous rows\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["eco", "file", "rows.csv", "x.csv"]
