"""The apply journal on real files: header and records round-trip, a torn last line or a
torn header is nothing recorded, a missing journal is None, a corrupt line names its
number and the backup to restore, a stale journal is replaced, removal is idempotent."""

from __future__ import annotations

from pathlib import Path

import pytest

from compiler.plan.errors import StateError
from compiler.plan.journal import (
    JournalHeader,
    JournalRecord,
    journal_path,
    open_journal,
    read_journal,
    remove_journal,
)

HEADER = JournalHeader(lineage="L", serial=4, plan_digest="sha256:p")
CREATE = JournalRecord(address="data_extension.x", action="create", entry={"kind": "x"})
DELETE = JournalRecord(address="query.q", action="delete")
MOVE = JournalRecord(
    address="query.new", action="move", previous_address="query.old", entry={"a": 1}
)


def test_journal_sits_beside_the_state() -> None:
    assert journal_path(Path("s/dev.state.json")) == Path("s/dev.state.json.journal")


def test_records_round_trip_in_order(tmp_path: Path) -> None:
    path = tmp_path / "st.journal"
    with open_journal(path, HEADER) as writer:
        for record in (CREATE, DELETE, MOVE):
            writer.append(record)
    assert read_journal(path, "st.bak") == (HEADER, [CREATE, DELETE, MOVE])
    lines = path.read_text(encoding="utf-8").split("\n")
    assert len(lines) == 5 and lines[-1] == ""  # header, 3 records, one newline each


def test_an_empty_journal_is_only_its_header(tmp_path: Path) -> None:
    path = tmp_path / "st.journal"
    with open_journal(path, HEADER):
        pass
    assert read_journal(path, "b") == (HEADER, [])


def test_a_stale_journal_is_replaced(tmp_path: Path) -> None:
    path = tmp_path / "st.journal"
    with open_journal(path, JournalHeader(lineage="old", serial=1, plan_digest="x")) as w:
        w.append(CREATE)
    with open_journal(path, HEADER) as w:
        w.append(DELETE)
    assert read_journal(path, "b") == (HEADER, [DELETE])


def test_a_torn_last_line_was_not_recorded(tmp_path: Path) -> None:
    path = tmp_path / "st.journal"
    with open_journal(path, HEADER) as writer:
        writer.append(CREATE)
    with path.open("a", encoding="utf-8") as f:
        f.write('{"address": "query.q", "act')
    assert read_journal(path, "b") == (HEADER, [CREATE])


@pytest.mark.parametrize("content", [b"", b'{"lineage": "L", "ser'])
def test_no_header_line_means_nothing_recorded(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "st.journal"
    path.write_bytes(content)
    assert read_journal(path, "b") is None


def test_a_missing_journal_is_none(tmp_path: Path) -> None:
    assert read_journal(tmp_path / "absent.journal", "b") is None


def test_an_unreadable_journal_is_a_state_error(tmp_path: Path) -> None:
    folder = tmp_path / "st.journal"
    folder.mkdir()
    with pytest.raises(StateError) as caught:
        read_journal(folder, "b")
    assert caught.value.message.startswith(f"{folder.as_posix()} cannot be read: ")


def test_a_corrupt_header_names_line_1_and_the_backup(tmp_path: Path) -> None:
    path = tmp_path / "st.journal"
    path.write_text('{"lineage": "L"}\n', encoding="utf-8")
    with pytest.raises(StateError) as caught:
        read_journal(path, "dev.state.json.backup")
    assert caught.value.message == f"{path.as_posix()} is corrupt: line 1: not a journal header"
    assert caught.value.hint.startswith("Restore dev.state.json.backup (the state before")


def test_a_corrupt_record_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "st.journal"
    with open_journal(path, HEADER) as writer:
        writer.append(CREATE)
    with path.open("a", encoding="utf-8") as f:
        f.write('{"address": "q", "action": "explode"}\n')
        f.write(CREATE.model_dump_json() + "\n")
    with pytest.raises(StateError) as caught:
        read_journal(path, "b")
    assert caught.value.message.startswith(f"{path.as_posix()} is corrupt: line 3: ")
    assert "create" in caught.value.message  # pydantic's message lists the actions


def test_remove_journal_twice(tmp_path: Path) -> None:
    path = tmp_path / "st.journal"
    with open_journal(path, HEADER):
        pass
    remove_journal(path)
    assert not path.exists()
    remove_journal(path)  # already gone: nothing to do, no error
    assert not path.exists()


def test_removing_a_journal_whose_folder_is_gone_is_no_error(tmp_path: Path) -> None:
    remove_journal(tmp_path / "gone" / "st.journal")
    assert not (tmp_path / "gone").exists()


def test_an_unreadable_journal_says_why_in_words(tmp_path: Path) -> None:
    folder = tmp_path / "st.journal"
    folder.mkdir()
    with pytest.raises(StateError) as caught:
        read_journal(folder, "b")
    assert caught.value.message == f"{folder.as_posix()} cannot be read: Is a directory"


def test_a_record_with_an_unknown_key_is_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "st.journal"
    with open_journal(path, HEADER) as writer:
        writer.append(CREATE)
    with path.open("a", encoding="utf-8") as f:
        f.write('{"address": "q", "action": "delete", "note": "hand edit"}\n')
    with pytest.raises(StateError) as caught:
        read_journal(path, "b")
    assert caught.value.message.startswith(f"{path.as_posix()} is corrupt: line 3: ")


def test_records_are_frozen() -> None:
    with pytest.raises(ValueError):
        CREATE.address = "x"  # type: ignore[misc]


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc/self/fd (Linux)")
def test_the_journal_descriptor_is_closed(tmp_path: Path) -> None:
    before = len(list(Path("/proc/self/fd").iterdir()))
    with open_journal(tmp_path / "st.journal", HEADER) as writer:
        writer.append(CREATE)
    assert len(list(Path("/proc/self/fd").iterdir())) == before
