"""The one golden-file helper: compare generated output with reviewed files.

Golden files are refreshed only on purpose, with the explicit switch

    ENGAGE_UPDATE_GOLDEN=1 python -m pytest tests/test_<x>.py    (or: pytest --update-golden)

and the diff is then read (`git diff tests/golden/`) before it is committed. Without the
switch a missing golden file or folder is a failure, never a skip: a broken checkout must
not turn the suite green.
"""

from __future__ import annotations

import difflib
import os
import shutil
from pathlib import Path

UPDATE_ENV = "ENGAGE_UPDATE_GOLDEN"
_switch: dict[str, bool] = {"update": False}


def set_update(on: bool) -> None:
    """Called by conftest.py for `--update-golden`."""
    _switch["update"] = on


def updating() -> bool:
    return _switch["update"] or os.environ.get(UPDATE_ENV) == "1"


def files_under(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def diff(name: str, expected: bytes, actual: bytes, lines: int = 60) -> str:
    found = difflib.unified_diff(
        expected.decode(errors="replace").splitlines(),
        actual.decode(errors="replace").splitlines(),
        f"golden/{name}",
        f"generated/{name}",
        lineterm="",
    )
    return "\n".join(list(found)[:lines])


def hint(path: Path) -> str:
    return f"{path} is missing: refresh with {UPDATE_ENV}=1 (then read the diff)"


def compare_text(path: Path, actual: str) -> None:
    """One golden text file."""
    if updating():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
    assert path.is_file(), hint(path)
    expected = path.read_text(encoding="utf-8")
    assert actual == expected, diff(path.name, expected.encode(), actual.encode())


def compare_tree(actual_root: Path, golden: Path) -> dict[str, bytes]:
    """A generated folder against its golden folder, file by file; returns the files."""
    actual = files_under(actual_root)
    if updating():
        shutil.rmtree(golden, ignore_errors=True)
        for name, content in actual.items():
            (golden / name).parent.mkdir(parents=True, exist_ok=True)
            (golden / name).write_bytes(content)
    assert golden.is_dir(), hint(golden)
    expected = files_under(golden)
    assert sorted(actual) == sorted(expected), f"{golden}: the generated files differ"
    for name, content in actual.items():
        assert content == expected[name], diff(name, expected[name], content)
    return actual


def golden_files(golden: Path) -> dict[str, bytes]:
    """The files of a golden folder, which must exist."""
    assert golden.is_dir(), hint(golden)
    found = files_under(golden)
    assert found, hint(golden)
    return found
