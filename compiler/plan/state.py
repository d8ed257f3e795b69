"""State: what engage last applied, one entry per resource address, and where it lives.

```
{"kind": "engage-state", "format_version": 1, "lineage": "<uuid, fixed at creation>",
 "serial": 3, "ecosystem": "...", "environment": "dev", "engage_version": "...",
 "source_digest": "...", "apply": null | {in-progress marker},
 "resources": {"data_extension.x": {"kind", "attributes", "digest", "dependencies", ...}}}
```

The local backend keeps it in one JSON file, replaced atomically (write, fsync, rename) on
every write, with the previous serial kept in `<file>.backup`. Corrupt files (bad JSON,
a missing key, an entry whose digest does not match its attributes) and foreign files
(another tool's state, another ecosystem's) are refused with what to do.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from compiler.fsutil import write_atomic
from compiler.plan.canonical import digest, pretty_json
from compiler.plan.errors import StateError
from compiler.plan.lock import state_lock

STATE_KIND = "engage-state"
FORMAT_VERSION = 1
DEFAULT_DIR = Path(".engage") / "state"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class StateEntry(_Frozen):
    kind: str
    attributes: dict[str, Any]
    digest: str
    dependencies: list[str] = Field(default_factory=list)
    business_units: list[str] = Field(default_factory=list)
    sensitive: bool = False


class ApplyMarker(_Frozen):
    """Present while an apply runs; left behind by a crash, so the next one knows."""

    plan_digest: str
    serial_from: int
    recorded: list[str] = Field(default_factory=list)


class State(_Frozen):
    kind: Literal["engage-state"] = "engage-state"
    format_version: Literal[1] = 1
    lineage: str
    serial: int = Field(ge=0)
    ecosystem: str
    environment: str | None = None
    engage_version: str = ""
    source_digest: str = ""
    apply: ApplyMarker | None = None
    resources: dict[str, StateEntry] = Field(default_factory=dict)

    def to_json(self) -> str:
        return pretty_json(self.model_dump(mode="json"))


def default_state_path(environment: str | None) -> Path:
    return DEFAULT_DIR / f"{environment or 'default'}.json"


# ------------------------------------------------------------------ reading
def _foreign(data: Any, where: str) -> StateError | None:
    if not isinstance(data, dict):
        return StateError(f"{where} is not an engage state file (it holds no JSON object)")
    if "terraform_version" in data:
        return StateError(f"{where} is a Terraform state, not an engage state")
    if data.get("kind") != STATE_KIND:
        return StateError(
            f'{where} is not an engage state file (no `"kind": "{STATE_KIND}"`)',
            hint="Point --state at the engage state file, or move this file away.",
        )
    version = data.get("format_version")
    if isinstance(version, int) and version > FORMAT_VERSION:
        return StateError(
            f"{where} has format_version {version}; this engage reads {FORMAT_VERSION}",
            hint="Upgrade engage to the version that wrote this state.",
        )
    return None


def _check_digests(state: State, where: str) -> None:
    for address, entry in sorted(state.resources.items()):
        if digest(entry.attributes) != entry.digest:
            raise StateError(
                f"{where} is corrupt: the entry for {address} does not match its digest "
                "(edited by hand, or damaged)",
                hint=f"Restore {where}.backup, or undo the manual edit.",
            )


def parse_state(text: str, where: str) -> State:
    """Text → State, or a StateError saying what is wrong and what to do."""
    try:
        data = json.loads(text)
    except ValueError as err:
        raise StateError(
            f"{where} is corrupt: not valid JSON ({err})",
            hint=f"Restore it from {where}.backup (the previous serial).",
        ) from None
    foreign = _foreign(data, where)
    if foreign is not None:
        raise foreign
    try:
        state = State.model_validate(data)
    except ValidationError as err:
        first = err.errors()[0]
        loc = ".".join(str(p) for p in first["loc"])
        raise StateError(
            f"{where} is corrupt: {loc}: {first['msg']}",
            hint=f"Restore it from {where}.backup (the previous serial).",
        ) from None
    _check_digests(state, where)
    return state


def check_belongs(state: State, where: str, ecosystem: str, environment: str | None) -> None:
    """Refuse the state of another ecosystem or environment."""
    if state.ecosystem != ecosystem:
        raise StateError(
            f"{where} belongs to ecosystem {state.ecosystem!r}, not {ecosystem!r}",
            hint="Point --state at this ecosystem's state file.",
        )
    if state.environment != environment:
        raise StateError(
            f"{where} is the state of environment {state.environment or 'default'!r}, "
            f"not {environment or 'default'!r}",
            hint="Pass the matching --env, or point --state at this environment's state.",
        )


# ------------------------------------------------------------------ backends
class Backend(Protocol):
    """Where state lives. The local file is the default; others share this interface."""

    @property
    def location(self) -> str: ...

    def read(self) -> State | None: ...

    def write(self, state: State) -> None: ...

    def backup(self) -> None: ...

    def lock(self, command: str, timeout: float) -> Any: ...


class LocalBackend:
    def __init__(self, path: Path) -> None:
        self.path = path

    @property
    def location(self) -> str:
        return self.path.as_posix()

    def read(self) -> State | None:
        """The state, or None when no state has been written yet."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError) as err:
            raise StateError(f"{self.location} cannot be read: {err}") from None
        return parse_state(text, self.location)

    def write(self, state: State) -> None:
        write_atomic(self.path, state.to_json())

    def backup(self) -> None:
        """Keep the current file as `<file>.backup` before the first write of an apply."""
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return
        write_atomic(Path(f"{self.path}.backup"), data)

    @contextmanager
    def lock(self, command: str, timeout: float) -> Iterator[None]:
        with state_lock(self.path, command, timeout):
            yield
