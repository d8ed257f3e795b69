"""`engage state list|show`: what the state records."""

from __future__ import annotations

import json
from pathlib import Path

import click

from compiler.commands.common import EXIT_ERROR, EXIT_OK
from compiler.commands.plan import report_error
from compiler.plan.backends import open_backend
from compiler.plan.errors import PlanError, StateError
from compiler.plan.state import (
    DEFAULT_DIR,
    State,
    check_belongs,
    default_state_path,
)
from compiler.plan.state_postgres import is_postgres_url
from compiler.redact import redact
from compiler.suggest import did_you_mean


def _state_options(func: click.decorators.FC) -> click.decorators.FC:
    func = click.option(
        "--state",
        "state_path",
        type=click.Path(dir_okay=False),
        envvar="ENGAGE_STATE",
        help="State file or postgresql:// URL (default: .engage/state/<env>.json, or the "
        "only state there).",
    )(func)
    return click.option("--env", "environment", metavar="NAME", help="Environment.")(func)


def _pick(state_path: str | None, environment: str | None) -> Path:
    """--state, else --env's file, else the only state file there is."""
    if state_path is not None or environment is not None:
        return Path(state_path) if state_path else default_state_path(environment)
    found = sorted(p for p in DEFAULT_DIR.glob("*.json") if p.name.count(".") == 1)
    if len(found) > 1:
        names = ", ".join(p.stem for p in found)
        raise StateError(
            f"there are several states in {DEFAULT_DIR.as_posix()} ({names})",
            hint="Pick one with --env NAME (or --state PATH).",
        )
    return found[0] if found else default_state_path(None)


def _read(state_path: str | None, environment: str | None) -> State:
    url = is_postgres_url(state_path)
    backend = open_backend(state_path if url else _pick(state_path, environment), environment)
    state = backend.read()
    if state is None:
        raise StateError(
            f"no state at {backend.location}: nothing has been applied there yet",
            hint="Pass --env or --state to read another state.",
        )
    if environment is not None:
        check_belongs(state, backend.location, state.ecosystem, environment)
    return state


@click.group()
def state() -> None:
    """Inspect the recorded state."""


@state.command("list")
@_state_options
def list_(state_path: str | None, environment: str | None) -> int:
    """List every address recorded in state."""
    try:
        current = _read(state_path, environment)
    except PlanError as err:
        return report_error(err)
    for address in sorted(current.resources):
        click.echo(address)
    if current.apply is not None:
        click.echo(
            f"# an apply was interrupted after recording {len(current.apply.recorded)} "
            "resource(s); run `engage plan` to finish it",
            err=True,
        )
    return EXIT_OK


@state.command("show")
@click.argument("address")
@_state_options
def show(address: str, state_path: str | None, environment: str | None) -> int:
    """Show one resource's recorded attributes as JSON."""
    try:
        current = _read(state_path, environment)
    except PlanError as err:
        return report_error(err)
    entry = current.resources.get(address)
    if entry is None:
        near = did_you_mean(address, current.resources)
        click.echo(f"error: {address} is not in state{near} (see `engage state list`)", err=True)
        return EXIT_ERROR
    shown, _ = redact({"address": address, **entry.model_dump(mode="json")})
    click.echo(json.dumps(shown, indent=2, sort_keys=True, ensure_ascii=False))
    return EXIT_OK
