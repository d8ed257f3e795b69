"""The PostgreSQL state lock in this process, against the real server test_state_postgres
starts (its fixtures): the refusal names the holder from its row, or says it has written
none yet — a session between taking the advisory lock and writing who it is."""

from __future__ import annotations

import json

import psycopg
import pytest
from test_state_postgres import db, pg_server  # noqa: F401  (fixtures)

from compiler.plan.errors import LockError
from compiler.plan.state_postgres import PostgresBackend, _lock_key


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
