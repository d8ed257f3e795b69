"""The PostgreSQL state lock in this process, against the real server test_state_postgres
starts (its fixtures): the refusal names the holder from its row, or says it has written
none yet — a session between taking the advisory lock and writing who it is."""

from __future__ import annotations

import json
import threading

import psycopg
import pytest
from test_state_postgres import db, pg_server  # noqa: F401  (fixtures)

from compiler.plan.errors import LockError
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
