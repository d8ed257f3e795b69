"""`write_atomic_chunks`: the chunked atomic write keeps every guarantee of `write_atomic`
(the target is the old file or the new one, never part of either; no temporary file is
left behind; the mode a plain `open()` would give, or the target's own)."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from compiler.fsutil import write_atomic, write_atomic_chunks


class ChunkSourceFailed(Exception):
    pass


def failing(after: int) -> Iterator[bytes]:
    """Chunks that stop with an error after `after` of them (written to the file by then)."""
    for number in range(after):
        yield f"chunk {number}\n".encode()
    raise ChunkSourceFailed("the plan could not be rendered")


def interrupted() -> Iterator[bytes]:
    yield b"half of it"
    raise KeyboardInterrupt


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_chunks_are_written_in_order(tmp_path: Path) -> None:
    target = tmp_path / "out" / "plan.json"  # the folder is made, as write_atomic makes it
    write_atomic_chunks(target, iter([b"{", b'"a": 1', b"", b"}\n"]))
    assert target.read_bytes() == b'{"a": 1}\n'
    assert os.listdir(target.parent) == ["plan.json"]


def test_the_same_bytes_as_write_atomic(tmp_path: Path) -> None:
    text = "caf\u00e9 \u2713\n" * 1000
    write_atomic(tmp_path / "whole", text)
    write_atomic_chunks(tmp_path / "chunks", (line.encode() for line in text.splitlines(True)))
    assert (tmp_path / "chunks").read_bytes() == (tmp_path / "whole").read_bytes()


def test_no_chunks_is_an_empty_file(tmp_path: Path) -> None:
    target = tmp_path / "empty"
    target.write_bytes(b"old")
    write_atomic_chunks(target, iter(()))
    assert target.read_bytes() == b""


@pytest.mark.parametrize("after", [0, 1, 5000])
def test_a_failing_chunk_source_leaves_the_old_file_and_no_temporary(
    tmp_path: Path, after: int
) -> None:
    target = tmp_path / "plan.json"
    target.write_bytes(b"the approved plan")
    with pytest.raises(ChunkSourceFailed, match="could not be rendered"):
        write_atomic_chunks(target, failing(after))
    assert target.read_bytes() == b"the approved plan"
    assert os.listdir(tmp_path) == ["plan.json"]


def test_a_failing_chunk_source_creates_no_file(tmp_path: Path) -> None:
    with pytest.raises(ChunkSourceFailed):
        write_atomic_chunks(tmp_path / "new.json", failing(3))
    assert os.listdir(tmp_path) == []


def test_an_interrupt_while_writing_leaves_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "plan.json"
    target.write_bytes(b"old")
    with pytest.raises(KeyboardInterrupt):
        write_atomic_chunks(target, interrupted())
    assert target.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["plan.json"]


def test_a_chunk_that_is_not_bytes_is_refused_and_cleaned_up(tmp_path: Path) -> None:
    target = tmp_path / "plan.json"
    target.write_bytes(b"old")
    with pytest.raises(TypeError):
        write_atomic_chunks(target, iter([b"ok", "text"]))  # type: ignore[arg-type]
    assert target.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["plan.json"]


def test_a_new_file_gets_the_mode_write_atomic_gives_it(tmp_path: Path) -> None:
    write_atomic(tmp_path / "whole", b"x")
    write_atomic_chunks(tmp_path / "chunks", iter([b"x"]))
    umask = os.umask(0)
    os.umask(umask)
    assert mode(tmp_path / "chunks") == mode(tmp_path / "whole") == 0o666 & ~umask


@pytest.mark.parametrize("kept", [0o600, 0o640, 0o755])
def test_a_replaced_file_keeps_its_mode(tmp_path: Path, kept: int) -> None:
    whole, chunks = tmp_path / "whole", tmp_path / "chunks"
    for path in (whole, chunks):
        path.write_bytes(b"old")
        path.chmod(kept)
    write_atomic(whole, b"new")
    write_atomic_chunks(chunks, iter([b"n", b"ew"]))
    assert mode(chunks) == mode(whole) == kept
    assert chunks.read_bytes() == b"new"


def test_a_folder_that_cannot_be_made_is_the_same_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_bytes(b"")
    target = tmp_path / "file" / "a" / "plan.json"
    with pytest.raises(OSError) as whole:
        write_atomic(target, b"x")
    with pytest.raises(OSError) as chunked:
        write_atomic_chunks(target, iter([b"x"]))
    assert type(chunked.value) is type(whole.value)
    assert (chunked.value.errno, chunked.value.strerror) == (
        whole.value.errno,
        whole.value.strerror,
    )
    assert os.listdir(tmp_path) == ["file"]


def test_a_long_name_fits(tmp_path: Path) -> None:
    target = tmp_path / ("p" * 250)
    write_atomic_chunks(target, iter([b"x"]))
    assert target.read_bytes() == b"x"
    assert os.listdir(tmp_path) == [target.name]
