"""State: what engage last applied, one entry per resource address, and where it lives.

```
{"kind": "engage-state", "format_version": 1, "lineage": "<uuid, fixed at creation>",
 "serial": 3, "ecosystem": "...", "environment": "dev", "engage_version": "...",
 "source_digest": "...", "apply": null | {in-progress marker},
 "resources": {"data_extension.x": {"kind", "attributes", "digest", "dependencies", ...}}}
```

The local backend keeps it in one JSON file, replaced atomically (write, fsync, rename),
with the previous serial kept in `<file>.backup`. During an apply each recorded change is
appended to `<file>.journal` (see `journal`) and folded in at the end; reading replays a
journal a crash left behind. Corrupt files (bad JSON, a missing key, an entry whose digest
does not match its attributes) and foreign files (another tool's state, another
ecosystem's) are refused with what to do.
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from compiler.diagnostics import Span
from compiler.fsutil import write_atomic
from compiler.plan.canonical import digest, pretty_json
from compiler.plan.errors import StateError
from compiler.plan.journal import (
    JournalHeader,
    JournalRecord,
    JournalWriter,
    journal_path,
    open_journal,
    read_journal,
    remove_journal,
)
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
    deleted: list[str] = Field(
        default_factory=list, description="Addresses removed so far: deleted or moved away."
    )


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
    point = "Point --state at the engage state file, or move this file away."
    if not isinstance(data, dict):
        return StateError(
            f"{where} is not an engage state file (it holds no JSON object)", hint=point
        )
    if "terraform_version" in data:
        return StateError(f"{where} is a Terraform state, not an engage state", hint=point)
    if data.get("kind") != STATE_KIND:
        return StateError(
            f'{where} is not an engage state file (no `"kind": "{STATE_KIND}"`)', hint=point
        )
    version = data.get("format_version")
    if isinstance(version, int) and version > FORMAT_VERSION:
        return StateError(
            f"{where} has format_version {version}; this engage reads {FORMAT_VERSION}",
            hint="Upgrade engage to the version that wrote this state.",
        )
    return None


def _check_digests(state: State, where: str, restore: str) -> None:
    for address, entry in sorted(state.resources.items()):
        if digest(entry.attributes) != entry.digest:
            raise StateError(
                f"{where} is corrupt: the entry for {address} does not match its digest "
                "(edited by hand, or damaged)",
                hint=f"Undo the manual edit. {restore}",
            )


def _locate(text: str, path: Sequence[str | int]) -> tuple[int, int] | None:
    """Line and column (1-based) of the value at `path` in the JSON `text`; for a key that
    is missing, of the object that lacks it. None when the text does not hold the path."""
    decoder = json.JSONDecoder()
    ws = " \t\n\r"

    def skip(i: int) -> int:
        while i < len(text) and text[i] in ws:
            i += 1
        return i

    i = skip(0)
    for step in path:
        if i >= len(text) or text[i] not in "{[":
            return None
        opening, i = i, skip(i + 1)
        found = False
        index = 0
        while i < len(text) and text[i] not in "}]":
            if text[opening] == "{":
                if text[i] != '"':
                    return None
                key, i = decoder.raw_decode(text, i)
                i = skip(i)
                if i >= len(text) or text[i] != ":":
                    return None
                i = skip(i + 1)
                found = key == step
            else:
                found = index == step
            if found:
                break
            try:
                _, i = decoder.raw_decode(text, i)
            except ValueError:
                return None
            i = skip(i)
            if i < len(text) and text[i] == ",":
                i = skip(i + 1)
            index += 1
        if not found:
            i = opening
            break
    line = text.count("\n", 0, i) + 1
    return line, i - (text.rfind("\n", 0, i) + 1) + 1


def _missing_key(data: dict[str, Any]) -> tuple[str | int, ...] | None:
    """The path of the first key the writer always writes that `data` lacks. Defaults serve
    code that builds a State; a file must hold every key, so that a truncated or hand-made
    file is refused instead of read as empty (no resources: the next plan recreates all)."""

    def first(obj: Any, model: type[BaseModel], at: tuple[str | int, ...]) -> Any:
        if not isinstance(obj, dict):
            return None  # mistyped: the validation names it
        for name in model.model_fields:
            if name not in obj:
                return (*at, name)
        return None

    found = first(data, State, ())
    if found:
        return tuple(found)
    if isinstance(data.get("apply"), dict):
        found = first(data["apply"], ApplyMarker, ("apply",))
        if found:
            return tuple(found)
    resources = data.get("resources")
    if isinstance(resources, dict):
        for address in sorted(resources):
            found = first(resources[address], StateEntry, ("resources", address))
            if found:
                return tuple(found)
    return None


def _key_name(path: Sequence[str | int]) -> str:
    """`resources["consent.email"].digest`: a path as the user finds it in the file."""
    out = ""
    for part in path:
        if isinstance(part, int) or not part.isidentifier():
            out += f"[{json.dumps(part, ensure_ascii=False)}]"
        else:
            out += f".{part}" if out else part
    return out


def _shown(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 40 else text[:37] + "..."


def parse_state(text: str, where: str, restore: str = "", positions: bool = True) -> State:
    """Text → State, or a StateError saying what is wrong and what to do (`restore`: how to
    get a good state back, when the caller knows). Strict: every key the writer writes must
    be there, with its type (no coercion: `"serial": "2"` is refused); the error names the
    key and, with `positions` (a file the user can open), its line and column."""
    restore = restore or f"Restore it from {where}.backup (the previous serial)."
    try:
        data = json.loads(text)
    except ValueError as err:
        raise StateError(f"{where} is corrupt: not valid JSON ({err})", hint=restore) from None
    foreign = _foreign(data, where)
    if foreign is not None:
        raise foreign

    def refuse(path: Sequence[str | int], message: str) -> StateError:
        at = _locate(text, path) if positions else None
        span = Span(where, at[0], at[1]) if at is not None else None
        return StateError(
            f"{'the state file' if span else where} is corrupt: {message}",
            hint=f"{restore} A state file is written by engage only; do not edit it.",
            span=span,
        )

    missing = _missing_key(data)
    if missing is not None:
        parent = _key_name(missing[:-1]) if len(missing) > 1 else "the state"
        raise refuse(missing, f"key `{missing[-1]}` is missing (in {parent})")
    try:
        state = State.model_validate(data, strict=True)
    except ValidationError as err:
        first = err.errors()[0]
        loc = tuple(p for p in first["loc"] if isinstance(p, str | int))
        name = _key_name(loc) if loc else "the state"
        if first["type"] == "extra_forbidden":
            raise refuse(loc, f"unknown key `{name}`") from None
        raise refuse(
            loc, f"`{name}` is {_shown(first.get('input'))}: {first['msg'].lower()}"
        ) from None
    _check_digests(state, where, restore)
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
            hint=f"Point --state at the state of environment {environment or 'default'!r} "
            f"(by default {default_state_path(environment).as_posix()}).",
        )


# ------------------------------------------------------------------ journal
def fold(
    resources: dict[str, StateEntry], recorded: list[str], deleted: list[str], rec: JournalRecord
) -> None:
    """Apply one recorded change to mutable copies of the resources and the marker lists."""
    if rec.previous_address:
        resources.pop(rec.previous_address, None)
        deleted.append(rec.previous_address)
    if rec.entry is None:
        resources.pop(rec.address, None)
        deleted.append(rec.address)
    else:
        resources[rec.address] = StateEntry.model_validate(rec.entry, strict=True)
    recorded.append(rec.address)


def with_records(state: State, records: Sequence[JournalRecord]) -> State:
    """The state after `records`, noted in its apply marker (which must be present)."""
    assert state.apply is not None
    resources = dict(state.resources)
    recorded, deleted = list(state.apply.recorded), list(state.apply.deleted)
    for rec in records:
        fold(resources, recorded, deleted, rec)
    marker = state.apply.model_copy(
        update={"recorded": list(dict.fromkeys(recorded)), "deleted": sorted(set(deleted))}
    )
    return state.model_copy(update={"resources": dict(sorted(resources.items())), "apply": marker})


def replay(
    state: State, header: JournalHeader, records: Sequence[JournalRecord], where: str
) -> State:
    """The state with the journal of its unfinished apply replayed; a stale journal (of
    another apply, or of one already folded in) changes nothing."""
    marker = state.apply
    if marker is None:
        return state
    if (header.lineage, header.serial, header.plan_digest) != (
        state.lineage,
        state.serial,
        marker.plan_digest,
    ):
        return state
    try:
        replayed = with_records(state, records)
    except ValidationError as err:
        raise StateError(
            f"{where}.journal is corrupt: {err.errors()[0]['msg']}",
            hint=f"Restore {where}.backup and remove the journal, then run `engage plan`.",
        ) from None
    _check_digests(replayed, f"{where} (with its journal)", f"Restore {where}.backup.")
    return replayed


# ------------------------------------------------------------------ backends
class Backend(Protocol):
    """Where state lives. The local file is the default; others share this interface."""

    @property
    def location(self) -> str: ...

    def read(self) -> State | None: ...

    def write(self, state: State) -> None: ...

    def backup(self, state: State | None) -> None: ...

    def journal(self, header: JournalHeader) -> AbstractContextManager[JournalWriter]: ...

    def lock(self, command: str, timeout: float) -> Any: ...


def _cannot(doing: str, where: str, err: OSError) -> StateError:
    return StateError(
        f"cannot {doing} {where}: {err.strerror or err}",
        hint="Check that its folder exists and this user may write there, and that the disk "
        "is not full; or point --state at another file.",
    )


class LocalBackend:
    """One JSON file, its `.backup`, `.journal` (during an apply) and `.lock`."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @property
    def location(self) -> str:
        return self.path.as_posix()

    @property
    def backup_path(self) -> Path:
        return Path(f"{self.path}.backup")

    def read(self) -> State | None:
        """The state (with the journal of an interrupted apply replayed), or None when no
        state has been written yet."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            if self.backup_path.exists() or self.backup_path.is_symlink():
                raise self._missing_with_backup() from None
            return None
        except UnicodeDecodeError:
            raise StateError(
                f"{self.location} is not an engage state file (it is not UTF-8 text)",
                hint=self._restore_hint(),
            ) from None
        except OSError as err:
            raise StateError(
                f"{self.location} cannot be read: {err.strerror or err}",
                hint="Point --state at the state file (it must be a readable file).",
            ) from None
        state = parse_state(text, self.location, self._restore_hint())
        journal = read_journal(journal_path(self.path), self.backup_path.as_posix())
        if journal is None:
            return state
        return replay(state, *journal, self.location)

    def _missing_with_backup(self) -> StateError:
        """The state file is gone but its backup is there: deleted by mistake, or lost in a
        checkout. Planning from nothing would recreate every resource, so refuse; restoring
        and starting over are both one command away. (Terraform's local backend, by
        contrast, plans from an empty state and leaves terraform.tfstate.backup unread.)"""
        state, backup = shlex.quote(self.location), shlex.quote(self.backup_path.as_posix())
        return StateError(
            f"there is no state at {self.location}, but its backup {self.backup_path.as_posix()} "
            "is there: the state was deleted or lost, and planning from nothing would "
            "create every resource again",
            hint=f"Restore the backup (the state before the last apply): `cp -p {backup} "
            f"{state}`, then run `engage plan` (it shows what changed since). To start "
            f"from an empty state deliberately, move the backup away first: `mv {backup} "
            f"{backup}.discarded`.",
        )

    def _restore_hint(self) -> str:
        backup = self.backup_path.as_posix()
        if self.backup_path.is_file():
            return f"Restore it from {backup} (the state before the last apply)."
        return (
            f"There is no {backup} to restore: recover the file from your own copies, or "
            "delete it if nothing was ever applied with it."
        )

    def write(self, state: State) -> None:
        """Replace the state (atomically); a journal beside it is folded in, so removed."""
        try:
            write_atomic(self.path, state.to_json())
            remove_journal(journal_path(self.path))
        except OSError as err:
            raise _cannot("write the state", self.location, err) from None

    def backup(self, state: State | None) -> None:
        """Keep `state` (the one an apply starts from) as `<file>.backup`."""
        if state is None:
            return
        try:
            write_atomic(self.backup_path, state.to_json())
        except OSError as err:
            raise _cannot("write the backup", self.backup_path.as_posix(), err) from None

    @contextmanager
    def journal(self, header: JournalHeader) -> Iterator[JournalWriter]:
        path = journal_path(self.path)
        try:
            with open_journal(path, header) as writer:
                yield writer
        except OSError as err:
            raise _cannot("write the journal", path.as_posix(), err) from None

    @contextmanager
    def lock(self, command: str, timeout: float) -> Iterator[None]:
        with state_lock(self.path, command, timeout):
            yield
