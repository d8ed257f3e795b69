"""The load stage through `engage validate`: hostile files become findings, never tracebacks.

Each test writes a small ecosystem to a temporary folder and asserts the finding's code,
file, line and column exactly.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import RunEngage, WriteEco, compile_eco, where

from compiler.source import load
from compiler.yamlparse import Limits

MINI = "apiVersion: engage/v1\necosystem: {name: mini}\n"


def only(root: Path) -> tuple[str, str, int, int]:
    comp = compile_eco(root)
    assert len(comp.findings) == 1, [str(f) for f in comp.findings]
    return where(comp.findings[0])


def test_minimal_ecosystem_is_valid(write_eco: WriteEco, engage: RunEngage) -> None:
    root = write_eco({"main.yaml": MINI})
    assert compile_eco(root).ok
    run = engage("validate", str(root))
    assert run.code == 0
    assert "ecosystem 'mini' is valid" in run.out


def test_syntax_error(write_eco: WriteEco, engage: RunEngage) -> None:
    root = write_eco({"main.yaml": MINI + "systems:\n  crm: {type: salesforce, region: [eu\n"})
    assert only(root) == ("E0001", "eco/main.yaml", 5, 1)
    run = engage("validate", "eco")
    assert run.code == 1
    assert "error[E0001]" in run.out and "--> eco/main.yaml:5:1" in run.out
    assert "Traceback" not in run.out + run.err


def test_tab_indentation_is_a_syntax_error(write_eco: WriteEco) -> None:
    root = write_eco({"main.yaml": MINI + "systems:\n\tcrm: {}\n"})
    assert only(root) == ("E0001", "eco/main.yaml", 4, 1)


def test_duplicate_key_names_both_places(write_eco: WriteEco) -> None:
    root = write_eco({"main.yaml": "apiVersion: engage/v1\necosystem:\n  name: a\n  name: b\n"})
    comp = compile_eco(root)
    (finding,) = comp.findings
    assert where(finding) == ("E0002", "eco/main.yaml", 4, 3)
    (related,) = finding.related
    assert (related.span.file, related.span.line, related.span.column) == ("eco/main.yaml", 3, 3)


def test_billion_laughs_is_refused_quickly(write_eco: WriteEco) -> None:
    lines = ["apiVersion: engage/v1", "l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, 10):
        lines.append(f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]")
    root = write_eco({"bomb.yaml": "\n".join(lines) + "\n"})
    # l0..l5 hold ~673k values, each *l5 ~598k more: the third *l5 of l6 (line 8, column 20)
    # passes the default budget of 2,000,000 values; nothing near 9**10 is ever built
    assert only(root) == ("E0010", "eco/bomb.yaml", 8, 20)


def test_ten_thousand_open_brackets(write_eco: WriteEco) -> None:
    root = write_eco({"deep.yaml": "[" * 10_000 + "\n"})
    assert only(root) == ("E0003", "eco/deep.yaml", 1, 65)


def test_deep_block_nesting(write_eco: WriteEco) -> None:
    text = "".join(f"{'  ' * i}k{i}:\n" for i in range(200)) + "  " * 200 + "x: 1\n"
    root = write_eco({"deep.yaml": text})
    assert only(root) == ("E0003", "eco/deep.yaml", 65, 129)


def test_oversize_file_is_refused_before_parsing(write_eco: WriteEco) -> None:
    root = write_eco({"main.yaml": MINI, "big.yaml": "# " + "x" * (8 * 1024 * 1024) + "\n"})
    assert only(root) == ("E0003", "eco/big.yaml", 1, 1)
    source = load(root / "main.yaml", Limits(max_file_bytes=len(MINI) - 1))
    assert [where(f) for f in source.findings] == [("E0003", "eco/main.yaml", 1, 1)]
    assert load(root / "main.yaml", Limits(max_file_bytes=len(MINI))).findings == ()


def test_non_utf8_file(write_eco: WriteEco, tmp_path: Path, engage: RunEngage) -> None:
    root = write_eco({"main.yaml": MINI})
    (root / "latin.yaml").write_bytes(b"apiVersion: engage/v1\n# caf\xe9\n")
    assert only(root) == ("E0006", "eco/latin.yaml", 2, 1)
    run = engage("validate", "eco")
    assert run.code == 1 and "not UTF-8" in run.out


def test_nul_bytes(write_eco: WriteEco) -> None:
    root = write_eco({"main.yaml": MINI})
    (root / "nul.yaml").write_bytes(b"apiVersion: engage/v1\n\x00\n")
    assert only(root) == ("E0006", "eco/nul.yaml", 1, 1)


def test_utf8_byte_order_mark_is_accepted(write_eco: WriteEco) -> None:
    root = write_eco({})
    (root / "bom.yaml").write_bytes(b"\xef\xbb\xbf" + MINI.encode())
    assert compile_eco(root).ok


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ("x: !!python/object/apply:os.system [ls]\n", 3, 4),
        ("x: !custom value\n", 3, 4),
        ("x: !custom {a: 1}\n", 3, 4),
    ],
)
def test_unknown_tags(write_eco: WriteEco, text: str, line: int, column: int) -> None:
    root = write_eco({"main.yaml": MINI + text})
    assert only(root) == ("E0005", "eco/main.yaml", line, column)


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [("? [a, b]\n: 1\n", 3, 3), ("{a: 1}: 2\n", 3, 1)],
)
def test_complex_keys(write_eco: WriteEco, text: str, line: int, column: int) -> None:
    root = write_eco({"main.yaml": MINI + text})
    assert only(root) == ("E0005", "eco/main.yaml", line, column)


def test_unknown_alias(write_eco: WriteEco) -> None:
    root = write_eco({"main.yaml": MINI + "systems: *nothing\n"})
    assert only(root) == ("E0001", "eco/main.yaml", 3, 10)


def test_anchors_and_merge_keys_work(write_eco: WriteEco) -> None:
    root = write_eco(
        {
            "main.yaml": MINI
            + "systems:\n"
            + "  crm: &sf {type: salesforce, region: eu}\n"
            + "  crm2:\n    <<: *sf\n    region: us\n"
        }
    )
    comp = compile_eco(root)
    assert comp.ok and comp.resolved is not None
    assert comp.resolved.ecosystem.systems["crm2"].region == "us"


def test_several_documents_in_one_file(write_eco: WriteEco) -> None:
    root = write_eco(
        {"all.yaml": MINI + "---\napiVersion: engage/v1\nsystems:\n  crm: {type: salesforce}\n"}
    )
    # the second document is read: its missing region is reported on its own line
    assert only(root) == ("E1003", "eco/all.yaml", 6, 8)


def test_missing_path_and_empty_folder(tmp_path: Path, engage: RunEngage) -> None:
    assert [where(f) for f in compile_eco(tmp_path / "nope").findings] == [("E0007", "nope", 1, 1)]
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "notes.txt").write_text("not yaml")
    assert [where(f) for f in compile_eco(tmp_path / "empty").findings] == [
        ("E0007", "empty", 1, 1)
    ]
    assert engage("validate", "nope").code == 1


def test_only_empty_documents_is_reported(write_eco: WriteEco, engage: RunEngage) -> None:
    root = write_eco({"empty.yaml": "# nothing here yet\n", "blank.yml": "---\n"})
    comp = compile_eco(root)
    assert not comp.ok
    assert [f.code for f in comp.findings] == ["E0007"]
    run = engage("validate", "eco")
    assert run.code == 1 and "E0007" in run.out


def test_hidden_folders_and_other_files_are_skipped(write_eco: WriteEco) -> None:
    root = write_eco(
        {"main.yaml": MINI, ".git/bad.yaml": "{{{", ".hidden.yaml": "{{{", "README.md": "{{{"}
    )
    comp = compile_eco(root)
    assert comp.ok
    assert comp.source.files == ("eco/main.yaml",)


def test_files_are_read_in_sorted_order_whatever_the_disk_order(write_eco: WriteEco) -> None:
    names = ("c/z", "b", "d/a", "a", "c/a")
    root = write_eco({f"{name}.yaml": "apiVersion: engage/v1\n" for name in names})
    (root / "main.yml").write_text(MINI)
    # a folder's own files first, then its subfolders, each level sorted
    assert compile_eco(root).source.files == (
        "eco/a.yaml",
        "eco/b.yaml",
        "eco/main.yml",
        "eco/c/a.yaml",
        "eco/c/z.yaml",
        "eco/d/a.yaml",
    )


# ---------------------------------------------------------------- includes

INCLUDER = "apiVersion: engage/v1\ninclude:\n  - {target}\necosystem: {{name: inc}}\n"


def includer(target: str) -> str:
    return INCLUDER.format(target=target)


def test_include_reads_files_next_to_a_single_file(write_eco: WriteEco) -> None:
    root = write_eco(
        {
            "main.yaml": includer("parts/*.yaml"),
            "parts/systems.yaml": "apiVersion: engage/v1\nsystems:\n"
            "  crm: {type: salesforce, region: eu}\n",
            "parts/broken.yml": "{{{",  # not matched by the glob
        }
    )
    comp = compile_eco(root / "main.yaml")
    assert comp.ok, comp.findings
    assert comp.source.files == ("eco/main.yaml", "eco/parts/systems.yaml")


def test_a_file_included_twice_is_read_once(write_eco: WriteEco) -> None:
    root = write_eco(
        {
            "main.yaml": "apiVersion: engage/v1\ninclude: [a.yaml, a.yaml, '*.yaml']\n"
            "ecosystem: {name: x}\n",
            "a.yaml": "apiVersion: engage/v1\ninclude: main.yaml\n",
        }
    )
    comp = compile_eco(root / "main.yaml")
    assert comp.ok
    assert comp.source.files == ("eco/main.yaml", "eco/a.yaml")


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("../outside.yaml", "leads outside the ecosystem folder"),
        ("parts/../../outside.yaml", "leads outside the ecosystem folder"),
        ("../*.yaml", "leads outside the ecosystem folder"),
        ("{abs}", "is an absolute path"),
        ("missing.yaml", "names no file"),
        ("parts", "names no file"),
        ("nothing/*.yaml", "matches no file"),
        ("3", "must be a relative path"),
        ("''", "must be a relative path"),
    ],
)
def test_bad_includes(write_eco: WriteEco, tmp_path: Path, target: str, message: str) -> None:
    (tmp_path / "outside.yaml").write_text(MINI)
    target = target.replace("{abs}", (tmp_path / "outside.yaml").as_posix())
    root = write_eco({"main.yaml": includer(target), "parts/x.yaml": "apiVersion: engage/v1\n"})
    comp = compile_eco(root / "main.yaml")
    (finding,) = comp.findings
    assert where(finding) == ("E0004", "eco/main.yaml", 3, 5)
    assert message in finding.message


def test_include_through_a_symlink_pointing_outside(write_eco: WriteEco, tmp_path: Path) -> None:
    (tmp_path / "secret.yaml").write_text(MINI)
    root = write_eco({"main.yaml": includer("link.yaml")})
    (root / "link.yaml").symlink_to(tmp_path / "secret.yaml")
    comp = compile_eco(root / "main.yaml")
    assert [where(f) for f in comp.findings] == [("E0004", "eco/main.yaml", 3, 5)]


def test_symlink_in_the_folder_pointing_outside_is_not_read(
    write_eco: WriteEco, tmp_path: Path
) -> None:
    (tmp_path / "secret.yaml").write_text("apiVersion: engage/v1\nsystems: {x: 1}\n")
    root = write_eco({"main.yaml": MINI})
    (root / "zlink.yaml").symlink_to(tmp_path / "secret.yaml")
    comp = compile_eco(root)
    assert [where(f) for f in comp.findings] == [("E0004", "eco/zlink.yaml", 1, 1)]
    assert comp.source.files == ("eco/main.yaml",)


def test_symlink_inside_the_folder_is_fine(write_eco: WriteEco) -> None:
    root = write_eco({"real/main.yaml": MINI})
    (root / "alias.yaml").symlink_to(root / "real" / "main.yaml")
    comp = compile_eco(root)
    assert comp.ok
    assert comp.source.files == ("eco/real/main.yaml",)  # read once


def test_unreadable_file(write_eco: WriteEco) -> None:
    if os.geteuid() == 0:
        pytest.skip("root reads files whatever their mode")
    root = write_eco({"main.yaml": MINI, "locked.yaml": MINI})
    (root / "locked.yaml").chmod(0)
    assert only(root) == ("E0006", "eco/locked.yaml", 1, 1)


def test_json_output_names_every_position(write_eco: WriteEco, engage: RunEngage) -> None:
    root = write_eco({"main.yaml": "apiVersion: engage/v1\necosystem:\n  name: a\n  name: b\n"})
    run = engage("validate", str(root), "--format", "json")
    assert run.code == 1
    doc = json.loads(run.out)
    assert doc["valid"] is False and doc["files"] == ["eco/main.yaml"]
    (finding,) = doc["findings"]
    assert finding["code"] == "E0002"
    assert finding["location"]["line"] == 4 and finding["location"]["column"] == 3
    assert finding["related"][0]["line"] == 3


def test_files_are_named_as_display_path_names_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The loader names a file from its resolved path and the working directory resolved
    once per load: relative inside the working directory (through a link to it too),
    absolute outside, as `display_path` names it."""
    from compiler.source import ParseCache, display_path

    eco = tmp_path / "work" / "eco"
    (eco / "sub").mkdir(parents=True)
    for name in ("a.yaml", "sub/b.yaml"):
        (eco / name).write_text("apiVersion: engage/v1\n", encoding="utf-8")
    (tmp_path / "link").symlink_to(tmp_path / "work")
    for cwd, root in [
        (tmp_path / "work", eco),
        (tmp_path / "work", tmp_path / "link" / "eco"),
        (tmp_path / "link", eco),
        (eco / "sub", eco),
    ]:
        monkeypatch.chdir(cwd)
        names = [d.file for d in load(root, None, ParseCache(None)).documents]
        assert names == [display_path(root / n) for n in ("a.yaml", "sub/b.yaml")]
    monkeypatch.chdir(eco / "sub")
    first = load(eco, None, ParseCache(None)).documents[0]
    assert first.file == (eco / "a.yaml").resolve().as_posix()
