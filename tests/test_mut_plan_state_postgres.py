"""The PostgreSQL backend's offline parts (compiler.plan.state_postgres): which locations
are URLs, the passwords a URL holds and their redaction from URLs and messages, the state
name inside the database, the advisory-lock key, and how a connection error reads. The
parts that talk to a server are tested against a real one in test_state_postgres.py."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from compiler.plan.state_postgres import (
    PostgresBackend,
    _lock_key,
    _secrets,
    is_postgres_url,
    redact_url,
    scrub,
    state_name,
)

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("location", "url"),
    [
        ("postgresql://h/db", True),
        ("postgres://h/db", True),
        ("postgresql:/h/db", False),
        ("POSTGRESQL://h/db", False),
        (".engage/state/dev.json", False),
        (Path("postgresql://h/db"), False),
        (None, False),
    ],
)
def test_which_locations_are_urls(location: object, url: bool) -> None:
    assert is_postgres_url(location) is url


def test_every_form_of_every_password_longest_first() -> None:
    url = "postgresql://u:p%40ss@h/db?password=q%26x&sslmode=require"
    assert _secrets(url) == ["p%2540ss", "p%40ss", "q%26x", "p@ss", "q&x"]
    assert _secrets("postgresql://u@h/db?sslmode=require") == []


def test_a_password_inside_a_longer_one_is_scrubbed_after_it() -> None:
    url = "postgresql://u:ab@h/db?password=abc"
    assert scrub("failed for abc and ab", url) == "failed for *** and ***"


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql://u:pw@h:5432/db?sslmode=require#dev", "postgresql://u@h:5432/db?sslmode=require"),
        ("postgresql://u@h/db", "postgresql://u@h/db"),
        ("postgresql://h/db", "postgresql://h/db"),
        ("postgresql://:pw@h/db", "postgresql://h/db"),
        ("postgresql://u:pw@h/db?password=x", "postgresql://u@h/db"),
    ],
)  # fmt: skip
def test_a_url_is_shown_without_password_and_fragment(url: str, shown: str) -> None:
    assert redact_url(url) == shown


@pytest.mark.parametrize(
    ("url", "environment", "name"),
    [
        ("postgresql://h/db#prod", "dev", "prod"),
        ("postgresql://h/db#my%20state", None, "my state"),
        ("postgresql://h/db", "dev", "dev"),
        ("postgresql://h/db#", "dev", "dev"),
        ("postgresql://h/db", None, "default"),
    ],
)
def test_the_state_name_is_the_fragment_else_the_environment(
    url: str, environment: str | None, name: str
) -> None:
    assert state_name(url, environment) == name
    assert PostgresBackend(url, environment).name == name


def test_the_location_names_the_state_quoted() -> None:
    backend = PostgresBackend("postgresql://u:pw@h/db#my state/x", "dev")
    assert backend.location == "postgresql://u@h/db#my%20state%2Fx"


@pytest.mark.parametrize("name", ["dev", "default", "a"])
def test_the_lock_key_is_a_signed_64_bit_digest_of_the_name(name: str) -> None:
    raw = hashlib.sha256(f"engage-state:{name}".encode()).digest()[:8]
    assert _lock_key(name) == int.from_bytes(raw, "big", signed=True)
    assert -(2**63) <= _lock_key(name) < 2**63


def test_lock_keys_pinned() -> None:
    # another key would let two engage versions hold "the" lock of one state at once
    assert _lock_key("dev") == 4216920219773228497
    assert _lock_key("default") == -3057522876153649456


def test_a_connection_error_reads_on_one_line_without_the_password() -> None:
    backend = PostgresBackend("postgresql://u:s3cret@h/db", "dev")
    err = backend._error("read the state", RuntimeError("password s3cret\n   rejected"))
    assert err.message == "cannot read the state postgresql://u@h/db#dev: password *** rejected"
    assert "PGPASSWORD or ~/.pgpass" in err.hint
    blank = backend._error("lock", RuntimeError(" \n"))
    assert blank.message == "cannot lock postgresql://u@h/db#dev: RuntimeError"


def test_the_restore_hint_names_the_state_row() -> None:
    hint = PostgresBackend("postgresql://h/db#prod")._restore_hint()
    assert hint == (
        "Restore the previous serial: UPDATE engage_state SET state = backup "
        "WHERE name = 'prod' (when backup is not null)."
    )


def test_no_backup_is_written_for_no_state_without_connecting() -> None:
    # port 1 on loopback: a connection would fail, so returning early is observable
    PostgresBackend("postgresql://127.0.0.1:1/db", "dev").backup(None)


def test_engage_runs_without_psycopg_until_a_postgres_state_is_used(tmp_path: Path) -> None:
    """psycopg is the `postgres` extra: importing the backends and using a local state must
    work without it, and a PostgreSQL URL then says what to install (no traceback)."""
    script = (
        "import sys\n"
        "sys.modules['psycopg'] = None  # as if not installed: importing it raises\n"
        "from compiler.plan.backends import open_backend\n"
        "from compiler.plan.errors import StateError\n"
        f"assert open_backend({str(tmp_path / 'dev.json')!r}, 'dev').read() is None\n"
        "try:\n"
        "    open_backend('postgresql://u:pw@127.0.0.1:1/db', 'dev').read()\n"
        "except StateError as err:\n"
        "    print(err.message)\n"
        "    print(err.hint)\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == [
        "the state postgresql://u@127.0.0.1:1/db#dev is in PostgreSQL, which needs psycopg",
        "Install it: pip install 'engage[postgres]' (or 'psycopg[binary]>=3.1').",
    ]
