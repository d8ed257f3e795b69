"""The PostgreSQL state lock and journal in this process, against the real server
test_state_postgres starts (its fixtures): the refusal names the holder from its row, or
says it has written none yet (a session between taking the advisory lock and writing who
it is); the schema is made under a lock; a new journal replaces a crashed apply's rows."""

from __future__ import annotations

import json
import threading
import time

import psycopg
import pytest
from test_state_postgres import db, pg_server  # noqa: F401  (fixtures)

from compiler.plan.canonical import digest
from compiler.plan.errors import LockError
from compiler.plan.journal import JournalHeader, JournalRecord
from compiler.plan.state import ApplyMarker, State, StateEntry
from compiler.plan.state_postgres import _SCHEMA_KEY, PostgresBackend, _lock_key


def _refusal(backend: PostgresBackend) -> str:
    with pytest.raises(LockError) as caught, backend.lock("engage apply second", 0.2):
        pass  # pragma: no cover - never entered
    return caught.value.message


@pytest.mark.parametrize("holder", [None, "[1, 2]"])
def test_a_holder_that_wrote_no_description_is_another_session(
    db: str,  # noqa: F811
    holder: str | None,
) -> None:
    backend = PostgresBackend(db, "dev")
    backend.read()  # the tables
    with psycopg.connect(db, autocommit=True) as other:
        other.execute("SELECT pg_advisory_lock(%s)", (_lock_key("dev"),))
        if holder is not None:
            other.execute(
                "INSERT INTO engage_state_lock (name, holder) VALUES ('dev', %s)", (holder,)
            )
        assert _refusal(backend) == (
            f"the state {backend.location} is locked by another session (it has not written "
            "who it is yet); waited 0.2 s"
        )


def test_a_holder_is_named_from_its_row(db: str) -> None:  # noqa: F811
    backend = PostgresBackend(db, "dev")
    info = {"pid": 7, "host": "h", "user": "u", "command": "engage apply p", "since": "s"}
    with backend.lock("engage apply first", 5), psycopg.connect(db, autocommit=True) as other:
        other.execute("UPDATE engage_state_lock SET holder = %s", (json.dumps(info),))
        assert _refusal(PostgresBackend(db, "dev")) == (
            f"the state {backend.location} is locked by pid 7 on h (user u, running "
            "`engage apply p`, since s); waited 0.2 s"
        )
    with backend.lock("engage apply again", 0.2):  # released with its row
        pass


def test_creating_the_tables_waits_for_another_session_creating_them(db: str) -> None:  # noqa: F811
    """Two first connections at once would race their CREATE TABLEs: the schema is made
    under one advisory lock, so a session holding it makes the other wait."""
    done = threading.Event()
    with psycopg.connect(db, autocommit=True) as other:
        other.execute("SELECT pg_advisory_lock(%s)", (_SCHEMA_KEY,))

        def read() -> None:
            PostgresBackend(db, "dev").read()
            done.set()

        reader = threading.Thread(target=read)
        reader.start()
        assert not done.wait(1.0)  # blocked on the schema lock
        other.execute("SELECT pg_advisory_unlock(%s)", (_SCHEMA_KEY,))
        reader.join(60)
    assert done.is_set()
    with psycopg.connect(db, autocommit=True) as conn:
        row = conn.execute("SELECT to_regclass('engage_state_lock') IS NOT NULL").fetchone()
    assert row == (True,)


def test_a_new_journal_replaces_the_rows_of_a_crashed_apply(db: str) -> None:  # noqa: F811
    """An apply that crashed left journal rows; the next apply's journal starts by deleting
    them, so reading replays the new apply's records, never the old ones."""
    attrs = {"max_propagation": "1h"}
    entry = StateEntry(kind="consent", attributes=attrs, digest=digest(attrs))
    marker = ApplyMarker(plan_digest="sha256:new", serial_from=3)
    backend = PostgresBackend(db, "dev")
    backend.write(
        State(lineage="lin", serial=3, ecosystem="eco", apply=marker,
              resources={"consent.email": entry})
    )  # fmt: skip

    def record(value: str) -> JournalRecord:
        new = {"max_propagation": value}
        return JournalRecord(
            address="consent.email",
            action="update",
            entry={"kind": "consent", "attributes": new, "digest": digest(new),
                   "dependencies": [], "business_units": [], "sensitive": False},
        )  # fmt: skip

    with backend.journal(JournalHeader(lineage="lin", serial=3, plan_digest="sha256:old")) as j:
        j.append(record("2h"))  # the crashed apply's
    with backend.journal(JournalHeader(lineage="lin", serial=3, plan_digest="sha256:new")) as j:
        j.append(record("3h"))
    read = backend.read()
    assert read is not None
    assert read.resources["consent.email"].attributes == {"max_propagation": "3h"}
    assert read.apply is not None and read.apply.recorded == ["consent.email"]


def test_a_lock_released_while_waiting_is_taken(db: str) -> None:  # noqa: F811
    backend = PostgresBackend(db, "dev")
    backend.read()  # the tables
    other = psycopg.connect(db, autocommit=True)
    other.execute("SELECT pg_advisory_lock(%s)", (_lock_key("dev"),))
    release = threading.Timer(0.5, other.close)  # the holder's session ends
    started = time.monotonic()
    release.start()
    try:
        with backend.lock("engage apply waiting", 30):  # waits, then holds it
            assert time.monotonic() - started >= 0.5
    finally:
        release.join()
