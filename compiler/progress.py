"""Progress on stderr for a command that runs long: the stage and its count.

A command runs inside `session`; the stages report with `stage(name, total)` and
`advance()`, which cost a few attribute writes when nothing is shown. The progress
(rich, on stderr, transient) appears only when stderr is a terminal, `--quiet` was not
given, and the command has run for `DELAY` seconds (`ENGAGE_PROGRESS_DELAY` overrides
it); a command that ends sooner prints nothing, and a pipe or a CI log never gets it.
`finish()` takes the progress off the terminal before a command prints its result.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

DELAY = 2.0


class _Session:
    def __init__(self, command: str, delay: float) -> None:
        self.command = command
        self.name = ""
        self.total: int | None = None
        self.completed = 0
        self.lock = threading.Lock()
        self.progress: Any = None  # rich.progress.Progress once shown
        self.task: Any = None
        self.finished = False
        self.timer = threading.Timer(delay, self.show)
        self.timer.daemon = True
        self.timer.start()

    def describe(self) -> str:
        return f"engage {self.command}: {self.name}" if self.name else f"engage {self.command}"

    def show(self) -> None:
        from rich.console import Console  # imported only once the command runs long
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
        )

        with self.lock:
            if self.finished:
                return
            progress = Progress(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=Console(stderr=True),
                transient=True,
                redirect_stdout=False,
                redirect_stderr=False,
                refresh_per_second=8,
            )
            self.task = progress.add_task(
                self.describe(), total=self.total, completed=self.completed
            )
            progress.start()
            self.progress = progress

    def update(self) -> None:
        if self.progress is not None:
            self.progress.update(
                self.task, description=self.describe(), total=self.total, completed=self.completed
            )

    def finish(self) -> None:
        with self.lock:
            self.finished = True
            self.timer.cancel()
            if self.progress is not None:
                self.progress.stop()
                self.progress = None


_current: _Session | None = None


def _stderr_is_terminal() -> bool:
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


@contextmanager
def session(command: str, *, quiet: bool = False) -> Iterator[None]:
    """Progress for one command, when stderr is a terminal and not quiet."""
    global _current
    if quiet or not _stderr_is_terminal():
        yield
        return
    try:
        delay = float(os.environ.get("ENGAGE_PROGRESS_DELAY", DELAY))
    except ValueError:
        delay = DELAY
    _current = _Session(command, max(0.0, delay))
    try:
        yield
    finally:
        _current.finish()
        _current = None


def stage(name: str, total: int | None = None) -> None:
    """A new stage begins (with the number of its steps, when known)."""
    current = _current
    if current is None:
        return
    with current.lock:
        current.name, current.total, current.completed = name, total, 0
        current.update()


def advance(steps: int = 1) -> None:
    current = _current
    if current is None:
        return
    with current.lock:
        current.completed += steps
        current.update()


def finish() -> None:
    """Take the progress off the terminal (before the command prints its result)."""
    if _current is not None:
        _current.finish()
