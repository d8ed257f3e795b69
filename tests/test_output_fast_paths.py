"""The output folder's fast paths give what the plain definitions give.

`check_output` and `write_files` resolve each folder once, take plain paths by string
(`_split`) and skip the `lstat` of files in folders that did not exist. Here, on folders
built by Hypothesis (folders, files, links inside and outside, a file where a folder must
be) and paths that may be plain or odd (`.`, `..`, empty parts, absolute): what
`in_the_way` says is what the documented rule says, computed from `inside` and
`pathlib` alone; what `write_files` writes is every path whose target does not already
hold its bytes, and afterwards each target holds them, with no temporary file left.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from compiler.emit.output import OutputError, _Folder, _split, check_output, inside, write_files

NAMES = ["a", "b", "x.sql"]
PART = st.sampled_from([*NAMES, ".", "..", ""])
PLAIN_REL = st.lists(st.sampled_from(NAMES), min_size=1, max_size=4).map("/".join)
ANY_REL = st.one_of(
    PLAIN_REL,
    st.lists(PART, min_size=1, max_size=4).map("/".join),
    PLAIN_REL.map(lambda rel: "/" + rel),
)
CONTENT = st.sampled_from([b"1", b"22", b""])
# (kind, path, other, bytes): a folder, a file, a link to what is at `other` (never a
# dangling one, whose target the rule here does not model: benchmarks/README's gen3
# section compares those with the code before the fast paths), a link outside
OPS = st.lists(
    st.tuples(st.sampled_from(["dir", "file", "link", "away"]), PLAIN_REL, PLAIN_REL, CONTENT),
    max_size=8,
)


def _build(out: Path, ops: list[tuple[str, str, str, bytes]]) -> None:
    out.mkdir()
    (out.parent / "elsewhere").mkdir()
    for kind, rel, other, content in ops:
        path = out / rel
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            if kind == "dir":
                path.mkdir(parents=True, exist_ok=True)
            elif kind == "file":
                path.write_bytes(content)
            elif kind == "link" and (out / other).exists():  # never dangling
                path.symlink_to(out / other)
            elif kind == "away":
                path.symlink_to(out.parent / "elsewhere")
        except OSError:
            continue  # something else is there already


def _reference(out: Path, rel: str) -> str | None:
    """The rule `in_the_way` implements, from its definitions alone."""
    shown = (out / rel).as_posix()
    if inside(out, rel) is None:
        return f"{shown} leads outside {out.as_posix()} (through a symbolic link)"
    parts = Path(rel).parts[:-1]
    for i in range(1, len(parts) + 1):
        folder = out.joinpath(*parts[:i])
        if folder.exists() and not folder.is_dir():
            return f"{folder.as_posix()} is a file, but generated files go inside it"
    if (out / rel).is_dir():
        return f"{shown} is a folder, but engage generates a file there"
    return None


def _outcome(func: Callable[[], str | None]) -> object:
    """What `func` returns, or the type of what it raises (a link loop raises alike)."""
    try:
        return func()
    except (OSError, RuntimeError) as err:
        return type(err)


@given(st.lists(st.sampled_from([*NAMES, ".", "..", "", "/"]), max_size=6).map("".join))
@settings(max_examples=400, deadline=None)
def test_split_takes_only_plain_paths_and_agrees_with_pathlib(rel: str) -> None:
    split = _split(rel)
    path = Path(rel)
    odd = rel.startswith("/") or any(p in ("", ".", "..") for p in rel.split("/"))
    assert (split is None) == odd
    if split is not None:
        head, parts, name = split
        assert parts == path.parts[:-1] and name == path.name
        assert Path(*parts).as_posix() == (head or ".")


@given(OPS, st.lists(ANY_REL, max_size=8, unique=True))
@settings(max_examples=200, deadline=None)
def test_in_the_way_says_what_the_rule_says(
    ops: list[tuple[str, str, str, bytes]], rels: list[str]
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out"
        _build(out, ops)
        folder = _Folder(out)  # shared, as check_output shares it, in its order
        for rel in sorted(rels):
            fast = _outcome(lambda: folder.in_the_way(rel))  # noqa: B023 (called at once)
            assert fast == _outcome(lambda: _reference(out, rel)), rel  # noqa: B023


def _holds(target: Path, content: bytes) -> bool:
    return target.is_file() and target.read_bytes() == content


@given(OPS, st.dictionaries(PLAIN_REL, CONTENT, max_size=8))
@settings(max_examples=200, deadline=None)
def test_write_files_writes_what_differs_and_leaves_every_file_complete(
    ops: list[tuple[str, str, str, bytes]], contents: dict[str, bytes]
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out"
        _build(out, ops)
        if any(_outcome(lambda: _reference(out, rel)) is not None for rel in contents):  # noqa: B023
            with pytest.raises((OutputError, RuntimeError)):
                check_output(out, contents)
            return
        check_output(out, contents)
        targets = {rel: (out / rel).resolve() for rel in contents}
        expected = sorted(rel for rel in contents if not _holds(targets[rel], contents[rel]))
        try:
            written = write_files(out, contents)
        except IsADirectoryError:
            # one path's file is another's folder ("a" and "a/b"): the folder is made first
            assert any(other.startswith(rel + "/") for rel in contents for other in contents)
            return
        assert written == expected
        last = {targets[rel]: contents[rel] for rel in sorted(contents)}
        for target, content in last.items():
            assert target.read_bytes() == content
        assert not list(Path(tmp).rglob("*.tmp"))


def test_a_new_folder_chain_is_made_inside_an_existing_one(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "old").mkdir(parents=True)
    (out / "old" / "kept.sql").write_bytes(b"k")
    contents = {"old/kept.sql": b"k", "old/n/e/w.sql": b"w", "fresh/a/b.sql": b"b"}
    check_output(out, contents)
    assert write_files(out, contents) == ["fresh/a/b.sql", "old/n/e/w.sql"]
    assert (out / "old" / "n" / "e" / "w.sql").read_bytes() == b"w"
    assert (out / "fresh" / "a" / "b.sql").read_bytes() == b"b"
    assert write_files(out, contents) == []
