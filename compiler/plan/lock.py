"""The state lock: one apply at a time, and a refusal that names who holds it.

An OS file lock (filelock) on `<state>.lock` does the locking, so a killed holder frees
it at once. Who holds it (pid, host, user, time, command) is written beside it in
`<state>.lock.json` after acquiring, and read by whoever times out waiting.
"""

from __future__ import annotations

import getpass
import json
import os
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from compiler.fsutil import write_atomic
from compiler.plan.errors import LockError


def owner_info(command: str) -> dict[str, Any]:
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    return {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "user": user,
        "since": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "command": command,
    }


def _describe(info_path: Path) -> str:
    try:
        info = json.loads(info_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "another process (its owner file is missing)"
    if not isinstance(info, dict):
        return "another process"
    return (
        f"pid {info.get('pid')} on {info.get('host')} (user {info.get('user')}, "
        f"running `{info.get('command')}`, since {info.get('since')})"
    )


@contextmanager
def state_lock(state_path: Path, command: str, timeout: float) -> Iterator[None]:
    """Hold the lock of `state_path` for the duration of the block, or raise LockError.
    filelock is imported here: `plan`, `check` and `generate` never lock, and its import
    (asyncio's, with it) cost about 0.09 CPU-s on each of their runs."""
    from filelock import FileLock, Timeout

    lock_path = Path(f"{state_path}.lock")
    info_path = Path(f"{state_path}.lock.json")
    try:
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(lock_path), timeout=timeout)
        lock.acquire(timeout=timeout)
    except Timeout:
        raise LockError(
            f"the state {state_path} is locked by {_describe(info_path)}; waited {timeout:g} s",
            hint="Wait for that apply to finish and try again (--lock-timeout waits longer). "
            "The lock is an OS lock: it is released as soon as its process ends.",
        ) from None
    except OSError as err:
        raise _cannot_lock(lock_path, err) from None
    try:
        _write_owner(info_path, command)
        yield
    finally:
        with suppress(OSError):
            info_path.unlink()
        lock.release()


def _cannot_lock(path: Path, err: OSError) -> LockError:
    return LockError(
        f"cannot take the state lock {path.as_posix()}: {err.strerror or err}",
        hint="The lock is a file beside the state: check that its folder is writable by this "
        "user and that nothing else (a folder?) has its name.",
    )


def _write_owner(info_path: Path, command: str) -> None:
    try:
        write_atomic(info_path, json.dumps(owner_info(command), indent=2) + "\n")
    except OSError as err:
        raise _cannot_lock(info_path, err) from None
