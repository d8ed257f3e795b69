"""Which backend a --state value names (compiler.plan.backends.open_backend)."""

from __future__ import annotations

from pathlib import Path

import pytest

from compiler.plan.backends import open_backend
from compiler.plan.state import LocalBackend
from compiler.plan.state_postgres import PostgresBackend


@pytest.mark.parametrize("scheme", ["postgresql", "postgres"])
def test_a_postgres_url_is_the_postgres_backend(scheme: str) -> None:
    backend = open_backend(f"{scheme}://engage@127.0.0.1:1/db", "dev")
    assert isinstance(backend, PostgresBackend)


def test_nothing_is_the_environments_default_file() -> None:
    backend = open_backend(None, "prod")
    assert isinstance(backend, LocalBackend)
    assert backend.location == ".engage/state/prod.json"
    default = open_backend(None, None)
    assert isinstance(default, LocalBackend)
    assert default.location == ".engage/state/default.json"


@pytest.mark.parametrize("location", ["states/dev.json", Path("states/dev.json")])
def test_anything_else_is_a_local_file_whatever_the_environment(location: str | Path) -> None:
    backend = open_backend(location, "prod")
    assert isinstance(backend, LocalBackend)
    assert backend.location == "states/dev.json"


def test_a_path_object_spelling_a_url_is_a_file() -> None:
    # only a string is a URL: a Path collapses the `//` and names a file
    backend = open_backend(Path("postgresql://h/db"), "dev")
    assert isinstance(backend, LocalBackend)
