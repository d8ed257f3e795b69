"""The apply journal: each recorded change appended (and fsync'd) beside the state file.

Rewriting the whole state for every recorded change costs the size of the state each time
(quadratic over an apply). Instead an apply appends one line per change to
`<state>.journal`, then folds them into the state with one atomic write at its end:

```
{"lineage": "...", "serial": 4, "plan_digest": "sha256:..."}          header (written atomically)
{"address": "data_extension.x", "action": "create", "entry": {...}, "previous_address": null}
...
```

A journal belongs to the state whose apply marker it matches (same lineage, serial and plan
digest): reading the state replays it, so a crash at any point leaves the state plus the
lines written so far. A torn last line (a crash while appending) has no newline and is
ignored: that change was not recorded. A journal beside a state it does not match (left
by a crash after the final write, before its removal) is stale and ignored. Replaying is
idempotent: each line sets or removes whole entries.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from compiler.fsutil import fsync_dir, write_atomic
from compiler.plan.errors import StateError

Action = Literal["create", "update", "replace", "delete", "move"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class JournalHeader(_Frozen):
    lineage: str
    serial: int
    plan_digest: str


class JournalRecord(_Frozen):
    """One change as recorded: the entry now at `address` (None when deleted)."""

    address: str
    action: Action
    previous_address: str | None = None
    entry: dict[str, Any] | None = None


def journal_path(state_path: Path) -> Path:
    return Path(f"{state_path}.journal")


# ------------------------------------------------------------------ writing
class JournalWriter:
    """Appends records to an open journal, each flushed to disk before the next."""

    def __init__(self, fd: int) -> None:
        self._fd = fd

    def append(self, record: JournalRecord) -> None:
        data = memoryview((record.model_dump_json() + "\n").encode("utf-8"))
        while data:  # a short write (a nearly full disk) must not leave half a line
            data = data[os.write(self._fd, data) :]
        os.fsync(self._fd)


@contextmanager
def open_journal(path: Path, header: JournalHeader) -> Iterator[JournalWriter]:
    """Start a journal (replacing any stale one) and yield its writer."""
    write_atomic(path, header.model_dump_json() + "\n")
    fd = os.open(path, os.O_WRONLY | os.O_APPEND)
    try:
        yield JournalWriter(fd)
    finally:
        os.close(fd)


def remove_journal(path: Path) -> None:
    try:
        path.unlink()
    except FileNotFoundError:
        return
    fsync_dir(path.parent)


# ------------------------------------------------------------------ reading
def _corrupt(path: Path, number: int, why: str, backup: str) -> StateError:
    return StateError(
        f"{path.as_posix()} is corrupt: line {number}: {why}",
        hint=f"Restore {backup} (the state before the interrupted apply) and remove the "
        "journal, then run `engage plan` again.",
    )


def read_journal(path: Path, backup: str) -> tuple[JournalHeader, list[JournalRecord]] | None:
    """The journal's header and complete records; None when there is no journal (or only a
    torn header: nothing was recorded)."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as err:
        raise StateError(f"{path.as_posix()} cannot be read: {err.strerror or err}") from None
    lines = raw.split(b"\n")[:-1]  # the part after the last newline is torn, or empty
    if not lines:
        return None
    try:
        header = JournalHeader.model_validate_json(lines[0])
    except ValidationError:
        raise _corrupt(path, 1, "not a journal header", backup) from None
    records = []
    for number, line in enumerate(lines[1:], start=2):
        try:
            records.append(JournalRecord.model_validate_json(line))
        except ValidationError as err:
            why = str(err.errors()[0]["msg"])
            raise _corrupt(path, number, why, backup) from None
    return header, records
