"""The local state file read back from real files (compiler.plan.state): where a refusal
points, a journal left by another apply, and the refusals of unreadable files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from compiler.plan.canonical import digest
from compiler.plan.errors import StateError
from compiler.plan.journal import JournalHeader, JournalRecord, journal_path, open_journal
from compiler.plan.state import (
    ApplyMarker,
    LocalBackend,
    State,
    StateEntry,
    check_belongs,
    parse_state,
)

ATTRS = {"max_propagation": "1h"}


def state(apply: ApplyMarker | None = None, serial: int = 3) -> State:
    entry = StateEntry(kind="consent", attributes=ATTRS, digest=digest(ATTRS))
    return State(
        lineage="lin", serial=serial, ecosystem="eco", environment="dev", apply=apply,
        resources={"consent.email": entry},
    )  # fmt: skip


def test_a_key_missing_from_an_empty_object_points_at_that_object(tmp_path: Path) -> None:
    data = json.loads(state().to_json())
    data["apply"] = {}
    text = json.dumps(data, indent=2)
    with pytest.raises(StateError) as caught:
        parse_state(text, "s.json")
    assert "key `plan_digest` is missing (in apply)" in caught.value.message
    line = text.splitlines().index('  "apply": {},') + 1
    span = caught.value.span
    assert span is not None and (span.line, span.column) == (line, 12)


def test_without_positions_the_refusal_names_the_file(tmp_path: Path) -> None:
    data = json.loads(state().to_json())
    del data["serial"]
    with pytest.raises(StateError) as caught:
        parse_state(json.dumps(data), "s.json", positions=False)
    assert caught.value.span is None
    assert caught.value.message == "s.json is corrupt: key `serial` is missing (in the state)"
    assert caught.value.hint == (
        "Restore it from s.json.backup (the previous serial). A state file is written by "
        "engage only; do not edit it."
    )


def test_a_long_wrong_value_is_shown_cut_to_40_characters() -> None:
    data = json.loads(state().to_json())
    data["lineage"] = 12345678901234567890123456789012345678901234567890
    with pytest.raises(StateError) as caught:
        parse_state(json.dumps(data), "s.json")
    assert "`lineage` is 1234567890123456789012345678901234567...: " in caught.value.message
    data["lineage"] = 12345678901234567890123456789012345678
    with pytest.raises(StateError) as caught:
        parse_state(json.dumps(data), "s.json")  # 38 characters: shown whole
    assert "`lineage` is 12345678901234567890123456789012345678: " in caught.value.message


MARKER = ApplyMarker(plan_digest="sha256:p", serial_from=3)
NEW = {"max_propagation": "2h"}
RECORD = JournalRecord(
    address="consent.email",
    action="update",
    entry={"kind": "consent", "attributes": NEW, "digest": digest(NEW), "dependencies": [],
           "business_units": [], "sensitive": False},
)  # fmt: skip


def _with_journal(tmp_path: Path, header: JournalHeader) -> LocalBackend:
    backend = LocalBackend(tmp_path / "dev.json")
    backend.write(state(MARKER))
    with open_journal(journal_path(backend.path), header) as writer:
        writer.append(RECORD)
    return backend


def test_the_journal_of_this_apply_is_replayed(tmp_path: Path) -> None:
    backend = _with_journal(
        tmp_path, JournalHeader(lineage="lin", serial=3, plan_digest="sha256:p")
    )
    read = backend.read()
    assert read is not None and read.resources["consent.email"].attributes == NEW
    assert read.apply is not None and read.apply.recorded == ["consent.email"]


@pytest.mark.parametrize(
    "header",
    [
        JournalHeader(lineage="other", serial=3, plan_digest="sha256:p"),
        JournalHeader(lineage="lin", serial=2, plan_digest="sha256:p"),
        JournalHeader(lineage="lin", serial=3, plan_digest="sha256:other"),
    ],
)
def test_a_journal_of_another_apply_changes_nothing(tmp_path: Path, header: JournalHeader) -> None:
    assert _with_journal(tmp_path, header).read() == state(MARKER)


def test_a_journal_beside_a_state_with_no_apply_running_changes_nothing(tmp_path: Path) -> None:
    backend = LocalBackend(tmp_path / "dev.json")
    backend.write(state())
    header = JournalHeader(lineage="lin", serial=3, plan_digest="sha256:p")
    with open_journal(journal_path(backend.path), header) as writer:
        writer.append(RECORD)
    assert backend.read() == state()


def test_no_backup_is_written_for_no_state(tmp_path: Path) -> None:
    backend = LocalBackend(tmp_path / "dev.json")
    backend.backup(None)
    assert not backend.backup_path.exists()
    backend.backup(state())
    assert LocalBackend(backend.backup_path).read() == state()


def test_an_unreadable_state_says_why_and_what_to_restore(tmp_path: Path) -> None:
    backend = LocalBackend(tmp_path / "dev.json")
    backend.path.write_bytes(b"\xff\xfe")
    with pytest.raises(StateError) as caught:
        backend.read()
    assert caught.value.message == (
        f"{backend.location} is not an engage state file (it is not UTF-8 text)"
    )
    assert caught.value.hint == (
        f"There is no {backend.backup_path.as_posix()} to restore: recover the file from your "
        "own copies, or delete it if nothing was ever applied with it."
    )
    backend.backup(state())
    with pytest.raises(StateError) as caught:
        backend.read()
    assert caught.value.hint == (
        f"Restore it from {backend.backup_path.as_posix()} (the state before the last apply)."
    )


def test_a_state_path_that_is_a_folder(tmp_path: Path) -> None:
    backend = LocalBackend(tmp_path / "dev.json")
    backend.path.mkdir()
    with pytest.raises(StateError) as caught:
        backend.read()
    assert caught.value.message == f"{backend.location} cannot be read: Is a directory"
    with pytest.raises(StateError) as caught:
        backend.write(state())
    assert caught.value.message.startswith(f"cannot write the state {backend.location}: ")


def test_a_dangling_backup_link_still_refuses_planning_from_nothing(tmp_path: Path) -> None:
    backend = LocalBackend(tmp_path / "dev.json")
    backend.backup_path.symlink_to(tmp_path / "gone")
    with pytest.raises(StateError) as caught:
        backend.read()
    assert caught.value.message.startswith(f"there is no state at {backend.location}, but ")


def test_no_state_and_no_backup_is_no_state(tmp_path: Path) -> None:
    assert LocalBackend(tmp_path / "dev.json").read() is None


def test_a_state_of_another_ecosystem_or_environment_is_refused() -> None:
    check_belongs(state(), "s.json", "eco", "dev")
    with pytest.raises(StateError) as caught:
        check_belongs(state(), "s.json", "other", "dev")
    assert caught.value.message == "s.json belongs to ecosystem 'eco', not 'other'"
    with pytest.raises(StateError) as caught:
        check_belongs(state(), "s.json", "eco", None)
    assert caught.value.message == ("s.json is the state of environment 'dev', not 'default'")
    assert caught.value.hint == (
        "Point --state at the state of environment 'default' (by default "
        ".engage/state/default.json)."
    )


def test_a_mistyped_list_item_is_pointed_at_by_its_index() -> None:
    data = json.loads(state().to_json())
    data["resources"]["consent.email"]["dependencies"] = ["system.crm", 5]
    text = json.dumps(data, indent=2)
    with pytest.raises(StateError) as caught:
        parse_state(text, "s.json")
    assert '`resources["consent.email"].dependencies[1]` is 5' in caught.value.message
    lines = text.splitlines()
    line = lines.index("        5") + 1
    span = caught.value.span
    assert span is not None and (span.line, span.column) == (line, 9)


def test_compact_json_is_located_too() -> None:
    data = json.loads(state().to_json())
    data["serial"] = "3"
    text = json.dumps(data, separators=(",", ":"))
    with pytest.raises(StateError) as caught:
        parse_state(text, "s.json")
    span = caught.value.span
    assert span is not None and (span.line, span.column) == (1, text.index('"3"') + 1)


def test_a_key_that_is_no_identifier_is_named_as_written() -> None:
    data = json.loads(state().to_json())
    data["resources"]["consent.ünï"] = data["resources"].pop("consent.email")
    del data["resources"]["consent.ünï"]["digest"]
    with pytest.raises(StateError) as caught:
        parse_state(json.dumps(data, ensure_ascii=False), "s.json")
    assert 'key `digest` is missing (in resources["consent.ünï"])' in caught.value.message
