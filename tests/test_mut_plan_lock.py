"""The local state lock (compiler.plan.lock): an OS lock on `<state>.lock`, who holds it in
`<state>.lock.json` while held, and refusals that name the holder or say why."""

from __future__ import annotations

import getpass
import json
import os
import socket
import time
from pathlib import Path

import pytest

from compiler.plan.errors import LockError
from compiler.plan.lock import owner_info, state_lock


def test_the_owner_is_this_process_now(monkeypatch: pytest.MonkeyPatch) -> None:
    before = time.strftime("%Y-%m-%dT%H:%M", time.gmtime())
    info = owner_info("engage apply p.plan.json")
    assert info["pid"] == os.getpid()
    assert info["host"] == socket.gethostname()
    assert info["user"] == getpass.getuser()
    assert info["command"] == "engage apply p.plan.json"
    assert info["since"].endswith("Z") and info["since"] >= before
    assert list(info) == ["pid", "host", "user", "since", "command"]


@pytest.mark.parametrize("error", [KeyError("uid"), OSError("no login")])
def test_a_user_without_a_name_is_unknown(
    monkeypatch: pytest.MonkeyPatch, error: Exception
) -> None:
    def fails() -> str:
        raise error

    monkeypatch.setattr(getpass, "getuser", fails)
    assert owner_info("c")["user"] == "unknown"


def test_the_owner_file_exists_while_held_and_is_removed_after(tmp_path: Path) -> None:
    state = tmp_path / "deep" / "dev.json"  # the folder is made
    with state_lock(state, "engage apply x", 5):
        text = Path(f"{state}.lock.json").read_text(encoding="utf-8")
        info = json.loads(text)
        assert text == json.dumps(info, indent=2) + "\n"  # readable by whoever waits
        assert info["command"] == "engage apply x"
        assert info["pid"] == os.getpid()
        assert Path(f"{state}.lock").exists()
    assert not Path(f"{state}.lock.json").exists()
    with state_lock(state, "again", 0.1):  # released: taken again at once
        pass


def test_the_lock_is_released_when_the_block_raises(tmp_path: Path) -> None:
    state = tmp_path / "dev.json"
    with pytest.raises(RuntimeError), state_lock(state, "a", 1):
        raise RuntimeError("apply failed")
    assert not Path(f"{state}.lock.json").exists()
    with state_lock(state, "b", 0.1):
        pass


def test_a_held_lock_names_its_holder(tmp_path: Path) -> None:
    state = tmp_path / "dev.json"
    with state_lock(state, "engage apply plans/a.plan.json", 5):
        with pytest.raises(LockError) as caught, state_lock(state, "second", 0.25):
            pass  # pragma: no cover - never entered
        # the holder's owner file is left alone by the refused second
        assert Path(f"{state}.lock.json").exists()
    message = caught.value.message
    assert message.startswith(f"the state {state} is locked by pid {os.getpid()} on ")
    assert "running `engage apply plans/a.plan.json`, since " in message
    assert message.endswith("; waited 0.25 s")
    assert "--lock-timeout waits longer" in caught.value.hint


@pytest.mark.parametrize(
    ("owner", "described"),
    [
        (None, "another process (its owner file is missing)"),
        ("{not json", "another process (its owner file is missing)"),
        ("[1, 2]", "another process"),
        (
            '{"pid": 7, "host": "h", "user": "u", "command": "c", "since": "s"}',
            "pid 7 on h (user u, running `c`, since s)",
        ),
    ],
)
def test_a_holder_is_described_from_its_owner_file(
    tmp_path: Path, owner: str | None, described: str
) -> None:
    state = tmp_path / "dev.json"
    info = Path(f"{state}.lock.json")
    with state_lock(state, "first", 5):
        if owner is None:
            info.unlink()
        else:
            info.write_text(owner, encoding="utf-8")
        with pytest.raises(LockError) as caught, state_lock(state, "second", 0):
            pass  # pragma: no cover - never entered
    assert caught.value.message == f"the state {state} is locked by {described}; waited 0 s"


def test_a_folder_in_the_way_of_the_lock_is_a_lock_error(tmp_path: Path) -> None:
    state = tmp_path / "dev.json"
    Path(f"{state}.lock").mkdir()
    with pytest.raises(LockError) as caught, state_lock(state, "c", 0.1):
        pass  # pragma: no cover - never entered
    assert caught.value.message == f"cannot take the state lock {state}.lock: Is a directory"
    assert "nothing else (a folder?) has its name" in caught.value.hint


def test_an_owner_file_that_cannot_be_written_releases_the_lock(tmp_path: Path) -> None:
    state = tmp_path / "dev.json"
    Path(f"{state}.lock.json").mkdir()  # write_atomic cannot replace a folder
    with pytest.raises(LockError) as caught, state_lock(state, "c", 0.1):
        pass  # pragma: no cover - never entered
    assert caught.value.message == (f"cannot take the state lock {state}.lock.json: Is a directory")
    Path(f"{state}.lock.json").rmdir()
    with state_lock(state, "d", 0.1):  # the OS lock was released
        pass
