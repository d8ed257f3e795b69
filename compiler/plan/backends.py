"""Which state backend a `--state` value (or ENGAGE_STATE) names.

A `postgresql://` (or `postgres://`) URL is the PostgreSQL backend; anything else is a
path to a local state file; nothing at all is the environment's default file.
"""

from __future__ import annotations

from pathlib import Path

from compiler.plan.state import Backend, LocalBackend, default_state_path
from compiler.plan.state_postgres import PostgresBackend, is_postgres_url


def open_backend(location: str | Path | None, environment: str | None) -> Backend:
    """The backend of `location`; `environment` names the state inside a database, and
    the default file when `location` is None."""
    if is_postgres_url(location):
        return PostgresBackend(str(location), environment)
    if location is None:
        return LocalBackend(default_state_path(environment))
    return LocalBackend(Path(location))
