"""`engage state mv` and `engage state rm`: change what the state records, safely.

Like Terraform's `state mv` / `state rm`, these change only the state, never a platform:
`mv` gives a recorded resource a new address (a rename in the YAML that should not
destroy and recreate it, when no `moved` block is wanted), `rm` makes engage forget a
resource (it is then unmanaged; if it is still declared, the next plan creates it).

They go through the same machinery as apply, so they are as safe: under the state lock,
the state they start from kept as its backup, a new serial (a plan made before is stale),
each change appended to the journal before the state is rewritten once, atomically. A
crash midway leaves the state plus the journal lines written, which the next read replays.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from compiler.model.base import NAME_PATTERN
from compiler.plan.errors import StateError
from compiler.plan.journal import JournalHeader, JournalRecord
from compiler.plan.state import ApplyMarker, Backend, State, with_records
from compiler.suggest import did_you_mean

_NAME = re.compile(NAME_PATTERN)


@dataclass(frozen=True)
class Edited:
    """What an edit did (or, with dry_run, would do) and the state's serial after it (the
    serial it read, when nothing was written)."""

    records: tuple[JournalRecord, ...]
    serial: int


def _known(state: State, address: str) -> None:
    if address not in state.resources:
        raise StateError(
            f"{address} is not in state" + did_you_mean(address, state.resources),
            hint="See `engage state list` for the recorded addresses.",
        )


def _not_interrupted(state: State, where: str) -> None:
    if state.apply is not None:
        raise StateError(
            f"an apply on {where} was interrupted and is not finished",
            hint="Run `engage plan --out ...` and apply it to finish it, then edit the state.",
        )


def move_records(state: State, source: str, destination: str) -> list[JournalRecord]:
    """The records of renaming `source` to `destination`: the entry at its new address,
    and every recorded dependency on it pointed at the new address."""
    _known(state, source)
    kind, _, name = destination.partition(".")
    if destination in state.resources:
        raise StateError(
            f"{destination} is already in state",
            hint=f"Remove it first (`engage state rm {destination}`) or pick another address.",
        )
    entry = state.resources[source]
    if kind != entry.kind or not _NAME.match(name):
        raise StateError(
            f"{destination} is not an address for this {entry.kind}: a move keeps the kind "
            "and needs a valid name",
            hint=f"Use {entry.kind}.NEW_NAME (letters, digits, _ and -, starting with a letter).",
        )
    records = [
        JournalRecord(
            address=destination,
            action="move",
            previous_address=source,
            entry=entry.model_dump(mode="json"),
        )
    ]
    for address, other in sorted(state.resources.items()):
        if address != source and source in other.dependencies:
            deps = sorted({destination if d == source else d for d in other.dependencies})
            updated = other.model_copy(update={"dependencies": deps})
            records.append(
                JournalRecord(
                    address=address, action="update", entry=updated.model_dump(mode="json")
                )
            )
    return records


def remove_records(state: State, addresses: Sequence[str]) -> list[JournalRecord]:
    """The records of forgetting `addresses` (each must be recorded)."""
    for address in addresses:
        _known(state, address)
    return [JournalRecord(address=a, action="delete") for a in sorted(set(addresses))]


def _marker_digest(records: Sequence[JournalRecord]) -> str:
    """What the journal header and the marker name this edit by (not a plan's digest)."""
    text = "\n".join(r.model_dump_json() for r in records)
    return "sha256:" + hashlib.sha256(f"engage-state-edit\n{text}".encode()).hexdigest()


def edit_state(
    backend: Backend,
    command: str,
    timeout: float,
    records_of: Callable[[State], list[JournalRecord]],
    *,
    dry_run: bool = False,
) -> Edited:
    """Read the state under its lock, compute the records and (unless dry_run) record them
    as apply does: backup, marker, journal, one atomic rewrite. Raises StateError."""
    with backend.lock(command, timeout):
        state = backend.read()
        if state is None:
            raise StateError(
                f"no state at {backend.location}: nothing has been applied there yet",
                hint="Pass --env or --state to edit another state.",
            )
        _not_interrupted(state, backend.location)
        records = records_of(state)
        if dry_run:
            return Edited(tuple(records), state.serial)
        backend.backup(state)
        digest = _marker_digest(records)
        begun = state.model_copy(
            update={
                "serial": state.serial + 1,
                "apply": ApplyMarker(plan_digest=digest, serial_from=state.serial),
            }
        )
        backend.write(begun)
        header = JournalHeader(lineage=begun.lineage, serial=begun.serial, plan_digest=digest)
        with backend.journal(header) as journal:
            for record in records:
                journal.append(record)
        final = with_records(begun, records).model_copy(update={"apply": None})
        backend.write(final)
        return Edited(tuple(records), final.serial)
