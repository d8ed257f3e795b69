"""generate writes its files as one batch: one `os.sync` for the data of every changed
file, one for the renames of every folder touched, the manifest last with its own fsync;
unchanged files are not rewritten and no temporary file survives a failure midway."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from compiler.emit.generate import generate
from compiler.emit.manifest import MANIFEST
from compiler.emit.output import write_files
from compiler.pipeline import compile_path
from compiler.source import ParseCache

BASIC = Path(__file__).parent / "fixtures" / "generate" / "basic"


def _count_syncs(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """Counts the real calls (they still run) to os.sync and os.fsync."""
    calls = {"sync": 0, "fsync": 0}
    real_sync, real_fsync = os.sync, os.fsync

    def sync() -> None:
        calls["sync"] += 1
        real_sync()

    def fsync(fd: int) -> None:
        calls["fsync"] += 1
        real_fsync(fd)

    monkeypatch.setattr(os, "sync", sync)
    monkeypatch.setattr(os, "fsync", fsync)
    return calls


def test_two_syncs_per_batch_whatever_its_folders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    comp = compile_path(BASIC, "production", cache=ParseCache(None))
    assert comp.ok and comp.resolved is not None
    out = tmp_path / "out"
    calls = _count_syncs(monkeypatch)
    result = generate(comp.resolved, out)
    files = [p for p in out.rglob("*") if p.is_file()]
    folders = {p.parent for p in files if p.name != MANIFEST}
    assert len(result.changed) == len(files) - 1 > 10  # every file but the manifest
    assert len(folders) > 3
    assert calls["sync"] == 2  # the batch's data, then its renames
    assert calls["fsync"] == 2  # the manifest's file and its folder
    assert not [p for p in out.rglob("*.tmp")]

    before = {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in files}
    calls["sync"] = calls["fsync"] = 0
    again = generate(comp.resolved, out)
    assert again.changed == ()
    assert calls["sync"] == 0
    assert {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in files} == before


def test_a_failure_midway_leaves_no_temporary_file(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "blocked").write_bytes(b"a file where a folder must be")
    contents = {"a/one.txt": b"1", "a/two.txt": b"2", "blocked/three.txt": b"3"}
    with pytest.raises(OSError):
        write_files(out, contents)
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == [
        "blocked"
    ]
    assert write_files(out, {"a/one.txt": b"1"}) == ["a/one.txt"]
    assert write_files(out, {"a/one.txt": b"1"}) == []
    assert (out / "a" / "one.txt").read_bytes() == b"1"


def test_folders_resolved_a_part_at_a_time_follow_links_as_resolve_does(tmp_path: Path) -> None:
    """Each output folder is resolved from its parent with one lstat: a link to a folder
    inside the output is written through, one leading outside is refused, a file where a
    folder must be and a folder where a file must be are named, `..` takes the long way."""
    from compiler.emit.output import OutputError, check_output

    out = tmp_path / "out"
    (out / "real" / "deep").mkdir(parents=True)
    (out / "linked").symlink_to(out / "real")
    (tmp_path / "elsewhere").mkdir()
    (out / "away").symlink_to(tmp_path / "elsewhere")
    (out / "plain.txt").write_text("x", encoding="utf-8")
    (out / "real" / "folder.sql").mkdir()

    check_output(out, ["linked/deep/a.sql", "new/x/y.sql", "real/../b.sql"])
    written = write_files(out, {"linked/deep/a.sql": b"a", "new/x/y.sql": b"y"})
    assert written == ["linked/deep/a.sql", "new/x/y.sql"]
    assert (out / "real" / "deep" / "a.sql").read_bytes() == b"a"
    assert (out / "new" / "x" / "y.sql").read_bytes() == b"y"
    refused = {
        "away/a.sql": "leads outside",
        "plain.txt/a.sql": "is a file, but generated files go inside it",
        "linked/folder.sql": "is a folder, but engage generates a file there",
        "real/../../escape.sql": "leads outside",
    }
    for rel, why in refused.items():
        with pytest.raises(OutputError, match=why):
            check_output(out, [rel])
    assert not (tmp_path / "elsewhere" / "a.sql").exists()


@pytest.mark.parametrize("loop", ["salesforce", "salesforce/force-app"])
def test_a_link_loop_in_the_output_folder_is_a_user_error(tmp_path: Path, loop: str) -> None:
    """A link that leads back to itself (where `Path.resolve` raises RuntimeError) is named
    as what is in the way, with the fix, and nothing is written; before, it reached the
    CLI as an internal error."""
    from compiler.emit.output import OutputError, check_output

    out = tmp_path / "out"
    link = out / loop
    link.parent.mkdir(parents=True)
    link.symlink_to(link.name)
    rel = f"{loop}/main/default/a.xml"
    with pytest.raises(OutputError, match="leads back to itself") as raised:
        check_output(out, [rel, "plain/ok.txt"])
    assert f"{(out / rel).as_posix()} passes through a symbolic link" in str(raised.value)
    assert sorted(p.name for p in out.iterdir()) == [link.parts[len(out.parts)]]
