"""`engage state list|show|mv|rm`: what the state records, and changing it safely."""

from __future__ import annotations

import json
import shlex
import sys
from collections.abc import Callable
from pathlib import Path

import click

from compiler.commands.common import ENV_HELP, EXIT_ERROR, EXIT_OK
from compiler.commands.plan import report_error
from compiler.plan.backends import open_backend
from compiler.plan.errors import PlanError, StateError
from compiler.plan.journal import JournalRecord
from compiler.plan.state import (
    DEFAULT_DIR,
    Backend,
    State,
    check_belongs,
    default_state_path,
)
from compiler.plan.state_edit import Edited, edit_state, move_records, remove_records
from compiler.plan.state_postgres import is_postgres_url
from compiler.redact import redact
from compiler.source import load
from compiler.suggest import did_you_mean


def _state_options(func: click.decorators.FC) -> click.decorators.FC:
    func = click.option(
        "--state",
        "state_path",
        type=click.Path(dir_okay=False),
        envvar="ENGAGE_STATE",
        help="State file or postgresql:// URL (default: .engage/state/<env>.json).",
    )(func)
    return click.option("--env", "environment", metavar="NAME", help=ENV_HELP)(func)


def _default_environment() -> str | None:
    """./ecosystem's default_environment, as every command reads a missing --env; None
    when there is no ./ecosystem or it declares none. Read from the loaded base documents:
    naming a state file needs no compilation of the whole ecosystem."""
    if not Path("ecosystem").is_dir():
        return None
    for doc in load(Path("ecosystem")).documents:
        value = doc.value
        if isinstance(value, dict) and "environment" not in value:
            meta = value.get("ecosystem")
            name = meta.get("default_environment") if isinstance(meta, dict) else None
            if isinstance(name, str):
                return name
    return None


def _pick(state_path: str | None, environment: str | None) -> Path:
    """--state, else the file of --env or of ./ecosystem's default_environment, else the
    only state file there is."""
    if state_path is not None:
        return Path(state_path)
    environment = environment or _default_environment()
    if environment is not None:
        return default_state_path(environment)
    found = sorted(p for p in DEFAULT_DIR.glob("*.json") if p.name.count(".") == 1)
    if len(found) > 1:
        names = ", ".join(p.stem for p in found)
        raise StateError(
            f"there are several states in {DEFAULT_DIR.as_posix()} ({names})",
            hint="Pick one with --env NAME (or --state PATH).",
        )
    return found[0] if found else default_state_path(None)


def _backend(state_path: str | None, environment: str | None) -> Backend:
    url = is_postgres_url(state_path)
    return open_backend(state_path if url else _pick(state_path, environment), environment)


def _read(state_path: str | None, environment: str | None) -> State:
    backend = _backend(state_path, environment)
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


def _edit_options(func: click.decorators.FC) -> click.decorators.FC:
    func = click.option(
        "--lock-timeout",
        type=click.FloatRange(min=0),
        default=30.0,
        show_default=True,
        help="Seconds to wait for an apply or another edit to release the state lock.",
    )(func)
    func = click.option("--dry-run", is_flag=True, help="Say what would change; change nothing.")(
        func
    )
    return _state_options(func)


def _edit(
    state_path: str | None,
    environment: str | None,
    timeout: float,
    records_of: Callable[[State], list[JournalRecord]],
    dry_run: bool,
) -> Edited:
    backend = _backend(state_path, environment)
    command = shlex.join(["engage", *sys.argv[1:]])

    def checked(state: State) -> list[JournalRecord]:
        if environment is not None:
            check_belongs(state, backend.location, state.ecosystem, environment)
        return records_of(state)

    edited = edit_state(backend, command, timeout, checked, dry_run=dry_run)
    if not dry_run:
        click.echo(
            f"State: serial {edited.serial} at {backend.location}; the state before is kept as "
            "its backup. Plans made before this are stale: plan again.",
            err=True,
        )
    return edited


@state.command("mv")
@click.argument("source")
@click.argument("destination")
@_edit_options
def mv(
    source: str,
    destination: str,
    state_path: str | None,
    environment: str | None,
    dry_run: bool,
    lock_timeout: float,
) -> int:
    """Record the resource at SOURCE under the address DESTINATION (same kind).

    Changes only the state, as after a rename in the YAML: the next plan then updates the
    resource in place instead of destroying and recreating it. A `moved:` block in the
    YAML does the same through review; use this for a one-off repair."""
    try:
        edited = _edit(
            state_path,
            environment,
            lock_timeout,
            lambda st: move_records(st, source, destination),
            dry_run,
        )
    except PlanError as err:
        return report_error(err)
    verb = "Would move" if dry_run else "Moved"
    click.echo(f"{verb} {source} to {destination}.")
    others = [r.address for r in edited.records if r.action == "update"]
    if others:
        click.echo(
            f"{'Would point' if dry_run else 'Pointed'} the dependencies of "
            f"{', '.join(others)} at {destination}."
        )
    return EXIT_OK


@state.command("rm")
@click.argument("addresses", nargs=-1, required=True, metavar="ADDRESS...")
@_edit_options
def rm(
    addresses: tuple[str, ...],
    state_path: str | None,
    environment: str | None,
    dry_run: bool,
    lock_timeout: float,
) -> int:
    """Forget the resources at ADDRESS... (the platform is not touched).

    engage no longer manages them: a later plan neither updates nor deletes them, and one
    still declared in the YAML is planned as a new resource."""
    try:
        edited = _edit(
            state_path,
            environment,
            lock_timeout,
            lambda st: remove_records(st, addresses),
            dry_run,
        )
    except PlanError as err:
        return report_error(err)
    verb = "Would forget" if dry_run else "Forgot"
    for record in edited.records:
        click.echo(f"{verb} {record.address}.")
    return EXIT_OK
