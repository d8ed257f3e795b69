"""The PostgreSQL state backend: the local file's interface, in a database a team shares.

Selected by `--state postgresql://USER@HOST:PORT/DBNAME[#NAME]` (or ENGAGE_STATE). NAME
picks the state within the database (default: the environment, else `default`), so one
database holds the states of every environment. The tables are created on first use:

- `engage_state (name, lineage, serial, state jsonb, backup jsonb, updated_at)`: one row
  per state; `backup` holds the state the last apply started from.
- `engage_state_journal (name, seq, lineage, serial, plan_digest, record jsonb)`: one row
  per change recorded by a running apply, each inserted in its own transaction (a crash
  leaves what was recorded, like the file backend's journal); the final write replaces
  the state row and deletes these rows in one transaction.
- `engage_state_lock (name, holder jsonb)`: who holds the apply lock, for the refusal.

The lock is a session-level advisory lock (`pg_try_advisory_lock`, key derived from the
state name) on a connection held open for the apply: PostgreSQL releases it as soon as that
session ends, a killed apply included.

No secrets: the password (in the URL's authority or a `password=` parameter) is dropped
from `location` (which plans and messages show) and scrubbed from every error message.
Prefer PGPASSWORD or ~/.pgpass, which libpq reads.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

from compiler.plan.errors import LockError, StateError
from compiler.plan.journal import JournalHeader, JournalRecord, JournalWriter
from compiler.plan.lock import owner_info
from compiler.plan.state import State, parse_state, replay

if TYPE_CHECKING:
    import psycopg

SCHEMES = ("postgresql://", "postgres://")
_SCHEMA_KEY = 0x656E_6761_6765  # "engage": serializes the CREATE TABLEs of racing sessions
_SCHEMA = """
CREATE TABLE IF NOT EXISTS engage_state (
  name text PRIMARY KEY,
  lineage text NOT NULL,
  serial integer NOT NULL,
  state jsonb NOT NULL,
  backup jsonb,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS engage_state_journal (
  name text NOT NULL,
  seq bigserial,
  lineage text NOT NULL,
  serial integer NOT NULL,
  plan_digest text NOT NULL,
  record jsonb NOT NULL,
  PRIMARY KEY (name, seq)
);
CREATE TABLE IF NOT EXISTS engage_state_lock (
  name text PRIMARY KEY,
  holder jsonb NOT NULL
);
"""


def is_postgres_url(location: object) -> bool:
    return isinstance(location, str) and location.startswith(SCHEMES)


# ------------------------------------------------------------------ the URL
def _secrets(url: str) -> list[str]:
    """The password(s) the URL holds, raw and percent-encoded, longest first."""
    parts = urlsplit(url)
    found = [parts.password or ""]
    found += [v for k, v in parse_qsl(parts.query) if k == "password"]
    every = {s for raw in found if raw for s in (raw, unquote(raw), quote(raw, safe=""))}
    return sorted(every, key=len, reverse=True)


def scrub(text: str, url: str) -> str:
    """`text` with every password of `url` replaced by ***."""
    for secret in _secrets(url):
        text = text.replace(secret, "***")
    return text


def redact_url(url: str) -> str:
    """The URL without its password and fragment: safe to show, save in plans, log."""
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    user = parts.netloc.rpartition("@")[0].partition(":")[0]
    netloc = f"{user}@{host}" if user else host
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query) if k != "password"])
    return urlunsplit((parts.scheme, netloc, parts.path, query, ""))


def state_name(url: str, environment: str | None) -> str:
    """The state within the database: the URL's #fragment, else the environment."""
    return unquote(urlsplit(url).fragment) or environment or "default"


def _lock_key(name: str) -> int:
    """A signed 64-bit advisory-lock key derived from the state name."""
    raw = hashlib.sha256(f"engage-state:{name}".encode()).digest()[:8]
    return int.from_bytes(raw, "big", signed=True)


# ------------------------------------------------------------------ the backend
class PostgresBackend:
    """State rows in PostgreSQL; same interface as `LocalBackend` (see `state.Backend`)."""

    def __init__(self, url: str, environment: str | None = None) -> None:
        self._url = url
        self._conninfo = urlunsplit(urlsplit(url)._replace(fragment=""))
        self.name = state_name(url, environment)
        self._ready = False

    @property
    def location(self) -> str:
        return f"{redact_url(self._url)}#{quote(self.name, safe='')}"

    def _error(self, doing: str, err: Exception) -> StateError:
        detail = " ".join(scrub(str(err), self._url).split()) or type(err).__name__
        return StateError(
            f"cannot {doing} {self.location}: {detail}",
            hint="Check the URL (user, host, port, database), that the server runs and this "
            "user may connect; give the password with PGPASSWORD or ~/.pgpass, not in the URL.",
        )

    @contextmanager
    def _connect(self, doing: str) -> Iterator[psycopg.Connection[Any]]:
        """An autocommit connection with the schema in place; errors become StateError."""
        try:
            import psycopg
        except ImportError:
            raise StateError(
                f"the state {self.location} is in PostgreSQL, which needs psycopg",
                hint="Install it: pip install 'engage[postgres]' (or 'psycopg[binary]>=3.1').",
            ) from None
        try:
            with psycopg.connect(
                self._conninfo, autocommit=True, connect_timeout=10, application_name="engage"
            ) as conn:
                self._ensure_schema(conn)
                yield conn
        except psycopg.Error as err:
            raise self._error(doing, err) from None

    def _ensure_schema(self, conn: psycopg.Connection[Any]) -> None:
        """Create the tables unless they exist (checked first: a user without CREATE
        rights works with tables someone else created)."""
        if self._ready:
            return
        present = conn.execute(
            "SELECT to_regclass('engage_state') IS NOT NULL"
            " AND to_regclass('engage_state_journal') IS NOT NULL"
            " AND to_regclass('engage_state_lock') IS NOT NULL"
        ).fetchone()
        if present is not None and present[0]:
            self._ready = True
            return
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (_SCHEMA_KEY,))
            conn.execute(_SCHEMA)
        self._ready = True

    def _restore_hint(self) -> str:
        return (
            "Restore the previous serial: UPDATE engage_state SET state = backup "
            f"WHERE name = '{self.name}' (when backup is not null)."
        )

    # -------------------------------------------------------------- reading
    def read(self) -> State | None:
        """The state (with the rows an interrupted apply recorded replayed), or None."""
        with self._connect("read the state") as conn, conn.transaction():
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            row = conn.execute(
                "SELECT state::text FROM engage_state WHERE name = %s", (self.name,)
            ).fetchone()
            rows = conn.execute(
                "SELECT lineage, serial, plan_digest, record::text FROM engage_state_journal"
                " WHERE name = %s ORDER BY seq",
                (self.name,),
            ).fetchall()
        if row is None:
            return None
        state = parse_state(row[0], self.location, self._restore_hint(), positions=False)
        return self._replay(state, rows)

    def _replay(self, state: State, rows: list[tuple[Any, ...]]) -> State:
        if not rows:
            return state
        header = JournalHeader(lineage=rows[0][0], serial=rows[0][1], plan_digest=rows[0][2])
        same = [
            r
            for r in rows
            if (r[0], r[1], r[2]) == (header.lineage, header.serial, header.plan_digest)
        ]
        try:
            records = [JournalRecord.model_validate_json(r[3]) for r in same]
        except ValueError:
            raise StateError(
                f"{self.location} is corrupt: a row of engage_state_journal is not a record",
                hint=f"{self._restore_hint()} Then delete its engage_state_journal rows.",
            ) from None
        return replay(state, header, records, self.location)

    # -------------------------------------------------------------- writing
    def write(self, state: State) -> None:
        """Replace the state row and drop its journal rows, in one transaction."""
        with self._connect("write the state") as conn, conn.transaction():
            conn.execute(
                "INSERT INTO engage_state (name, lineage, serial, state) VALUES (%s, %s, %s, %s)"
                " ON CONFLICT (name) DO UPDATE SET lineage = EXCLUDED.lineage,"
                " serial = EXCLUDED.serial, state = EXCLUDED.state, updated_at = now()",
                (self.name, state.lineage, state.serial, state.to_json()),
            )
            conn.execute("DELETE FROM engage_state_journal WHERE name = %s", (self.name,))

    def backup(self, state: State | None) -> None:
        """Keep `state` (the one an apply starts from) in the row's backup column."""
        if state is None:
            return
        with self._connect("write the backup of") as conn:
            conn.execute(
                "UPDATE engage_state SET backup = %s WHERE name = %s",
                (state.to_json(), self.name),
            )

    @contextmanager
    def journal(self, header: JournalHeader) -> Iterator[PostgresJournal]:
        with self._connect("record changes in") as conn:
            conn.execute("DELETE FROM engage_state_journal WHERE name = %s", (self.name,))
            yield PostgresJournal(conn, self.name, header, self._error)

    # -------------------------------------------------------------- locking
    @contextmanager
    def lock(self, command: str, timeout: float) -> Iterator[None]:
        """Hold the advisory lock of this state for the block, or raise LockError naming
        the holder after waiting `timeout` seconds."""
        key = _lock_key(self.name)
        with self._connect("lock") as conn:
            self._acquire(conn, key, timeout)
            try:
                conn.execute(
                    "INSERT INTO engage_state_lock (name, holder) VALUES (%s, %s)"
                    " ON CONFLICT (name) DO UPDATE SET holder = EXCLUDED.holder",
                    (self.name, json.dumps(owner_info(command))),
                )
                yield
            finally:
                with suppress(Exception):
                    conn.execute("DELETE FROM engage_state_lock WHERE name = %s", (self.name,))
                    conn.execute("SELECT pg_advisory_unlock(%s)", (key,))

    def _acquire(self, conn: psycopg.Connection[Any], key: int, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while True:
            got = conn.execute("SELECT pg_try_advisory_lock(%s)", (key,)).fetchone()
            if got is not None and got[0]:
                return
            if time.monotonic() >= deadline:
                break
            time.sleep(min(0.1, max(0.0, deadline - time.monotonic())))
        raise LockError(
            f"the state {self.location} is locked by {self._holder(conn)}; waited {timeout:g} s",
            hint="Wait for that apply to finish and try again (--lock-timeout waits longer). "
            "The lock is a PostgreSQL advisory lock: it is released as soon as its session "
            "ends, a killed apply included.",
        )

    def _holder(self, conn: psycopg.Connection[Any]) -> str:
        row = conn.execute(
            "SELECT holder::text FROM engage_state_lock WHERE name = %s", (self.name,)
        ).fetchone()
        info = json.loads(row[0]) if row is not None else None
        if not isinstance(info, dict):
            return "another session (it has not written who it is yet)"
        return (
            f"pid {info.get('pid')} on {info.get('host')} (user {info.get('user')}, "
            f"running `{info.get('command')}`, since {info.get('since')})"
        )


class PostgresJournal(JournalWriter):
    """Records changes one by one, each INSERT its own (committed) transaction."""

    def __init__(
        self, conn: psycopg.Connection[Any], name: str, header: JournalHeader, error: Any
    ) -> None:
        self._conn, self._name, self._header, self._error = conn, name, header, error

    def append(self, record: JournalRecord) -> None:
        import psycopg

        try:
            self._conn.execute(
                "INSERT INTO engage_state_journal (name, lineage, serial, plan_digest, record)"
                " VALUES (%s, %s, %s, %s, %s)",
                (
                    self._name,
                    self._header.lineage,
                    self._header.serial,
                    self._header.plan_digest,
                    record.model_dump_json(),
                ),
            )
        except psycopg.Error as err:
            raise self._error("record a change in", err) from None
