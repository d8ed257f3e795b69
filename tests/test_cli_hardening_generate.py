"""Hardening of `engage generate`: output folders that cannot take the files.

The real CLI (in-process through `main`) on the generate fixture, writing into folders
with things in the way: a file where a folder must be, a folder where a file must be, a
symbolic link leading out, a dangling link as the manifest. Each is refused with exit 1
and a hint, before anything is written; files get ordinary permissions.
"""

from __future__ import annotations

import os
import shutil
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import RunEngage

from compiler.emit.manifest import MANIFEST

BASIC = Path(__file__).parent / "fixtures" / "generate" / "basic"
TARGETS = ("--target", "salesforce", "--target", "account_engagement")
RULE = "salesforce/force-app/main/default/duplicateRules/Lead.lead_dupes.duplicateRule-meta.xml"


@pytest.fixture(autouse=True)
def in_own_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.chdir(tmp_path)
    shutil.copytree(BASIC, "eco")
    yield tmp_path


def generate(engage: RunEngage, out: str = "build") -> tuple[int, str, str]:
    result = engage(
        "generate", "eco", "--env", "production", "--out", out, *TARGETS, "--allow-conflicts"
    )
    return result.code, result.out, result.err


def refused(code: int, err: str, *needles: str) -> None:
    assert code == 1, err
    assert "Traceback" not in err and "internal error" not in err, err
    assert "hint:" in err and "Nothing was written" in err, err
    for needle in needles:
        assert needle in err, (needle, err)


def files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def test_a_symbolic_link_leading_out_of_the_folder_is_refused(
    engage: RunEngage, tmp_path: Path
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    Path("build/salesforce").mkdir(parents=True)
    os.symlink(outside, "build/salesforce/force-app")
    code, _, err = generate(engage)
    refused(code, err, "build/salesforce/force-app/", "leads outside build")
    assert files(outside) == []
    assert files(Path("build")) == []  # checked before writing anything


def test_a_dangling_link_as_the_manifest_is_refused(engage: RunEngage) -> None:
    Path("build").mkdir()
    os.symlink("/nonexistent/engage/manifest.json", f"build/{MANIFEST}")
    code, _, err = generate(engage)
    refused(code, err, MANIFEST)


def test_a_file_where_a_folder_must_be_is_refused(engage: RunEngage) -> None:
    Path("build").mkdir()
    Path("build/salesforce").write_text("in the way\n", encoding="utf-8")
    code, _, err = generate(engage)
    refused(code, err, "build/salesforce is a file")
    assert files(Path("build")) == ["salesforce"]


def test_a_folder_where_a_file_must_be_is_refused(engage: RunEngage) -> None:
    Path(f"build/{RULE}").mkdir(parents=True)
    code, _, err = generate(engage)
    refused(code, err, f"build/{RULE} is a folder")


def test_an_out_folder_that_cannot_be_created_is_refused(engage: RunEngage) -> None:
    Path("afile").write_text("a file\n", encoding="utf-8")
    code, _, err = generate(engage, "afile/build")
    refused(code, err, "cannot write into afile/build")


def test_generated_files_get_ordinary_permissions(engage: RunEngage) -> None:
    """0666 less the umask, like any file a tool writes; not mkstemp's private 0600."""
    old = os.umask(0o022)
    try:
        code, _, err = generate(engage)
    finally:
        os.umask(old)
    assert code == 0, err
    modes = {stat.S_IMODE((Path("build") / f).stat().st_mode) for f in files(Path("build"))}
    assert modes == {0o644}
    os.chmod(f"build/{RULE}", 0o600)  # a mode set by the user is kept on rewrite
    dedupe = Path("eco/dedupe.yaml")
    text = dedupe.read_text(encoding="utf-8")
    assert "label: Duplicate leads" in text
    dedupe.write_text(text.replace("label: Duplicate leads", "label: Leads"), encoding="utf-8")
    code, _, err = generate(engage)
    assert code == 0, err
    assert "Leads" in Path(f"build/{RULE}").read_text(encoding="utf-8")
    assert stat.S_IMODE(Path(f"build/{RULE}").stat().st_mode) == 0o600
