"""benchmarks.run's write floor: the file system's own cost of what `generate` writes is
measured on exactly the files `generate` wrote (same paths, same sizes), made anew."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from benchmarks.run import WRITE_FLOOR, fresh_folder, generated_files
from compiler.emit.generate import generate
from compiler.pipeline import compile_path

REPO = Path(__file__).resolve().parent.parent


def test_the_floor_makes_the_generated_files_paths_and_sizes(tmp_path: Path) -> None:
    comp = compile_path(REPO / "ecosystem", None)
    assert comp.resolved is not None
    out = tmp_path / "generated"
    result = generate(comp.resolved, out)
    listed = generated_files(out)
    # every written file (and the manifest) is listed once, relative to the folder
    assert {rel for rel, _ in listed} == {*result.written, ".engage-manifest.json"}
    assert all(size == (out / rel).stat().st_size for rel, size in listed)
    assert any("/" in rel for rel, _ in listed)  # nested folders, as generate makes them
    listing = tmp_path / "files.json"
    listing.write_text(json.dumps(listed), encoding="utf-8")
    floor = tmp_path / "floor"
    subprocess.run([sys.executable, "-c", WRITE_FLOOR, str(listing), str(floor)], check=True)
    assert generated_files(floor) == listed


def test_the_floor_refuses_a_folder_that_holds_the_files_already(tmp_path: Path) -> None:
    listing = tmp_path / "files.json"
    listing.write_text(json.dumps([["a/b.xml", 3]]), encoding="utf-8")
    (tmp_path / "floor" / "a").mkdir(parents=True)
    (tmp_path / "floor" / "a" / "b.xml").write_bytes(b"old")
    proc = subprocess.run(
        [sys.executable, "-c", WRITE_FLOOR, str(listing), str(tmp_path / "floor")],
        capture_output=True,
        check=False,
    )
    # O_EXCL: the floor creates every file, never rewrites one (a timed create, not a write)
    assert proc.returncode != 0 and b"FileExistsError" in proc.stderr


def test_a_folder_left_by_a_kept_run_is_moved_aside_not_written_into(tmp_path: Path) -> None:
    (tmp_path / "generated_10_1").mkdir()
    (tmp_path / "generated_10_1" / "old.xml").write_bytes(b"old")
    folder = fresh_folder(tmp_path, "generated_10_1")
    assert folder == tmp_path / "generated_10_1" and not folder.exists()
    (moved,) = tmp_path.glob("stale_generated_10_1_*")
    assert (moved / "old.xml").read_bytes() == b"old"
    assert fresh_folder(tmp_path, "write_floor_10_1") == tmp_path / "write_floor_10_1"
