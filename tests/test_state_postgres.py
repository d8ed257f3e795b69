"""The PostgreSQL state backend, against a real server this module starts.

The server (initdb + pg_ctl from the `postgresql` package, run as the `postgres` OS user
when the tests run as root) listens on a free loopback port and a socket in its own /tmp
folder; each test gets its own database. Without the server binaries the tests skip
(.ci/run installs them when it can).
"""

from __future__ import annotations

import json
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest
from conftest import RunEngage
from test_plan_support import engage_process, resolve, save_and_approve, signer_of, workspace

from compiler.apply import execute
from compiler.plan.approvals import add_approval
from compiler.plan.builder import PlanInputs, build_plan
from compiler.plan.conflicts import check_findings
from compiler.plan.definition import Plan
from compiler.plan.planfile import load_plan
from compiler.plan.resources import desired_resources
from compiler.plan.state_postgres import PostgresBackend, redact_url, scrub

PASSWORD = "Pg-S3cret-9fQz"
PLAN = Path("plans/p.plan.json")
HOOKS = {"ENGAGE_TEST_HOOKS": "1"}


def _bindir() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda p: p.parts)
    if found:
        return found[-1].parent
    pg_ctl = shutil.which("pg_ctl")
    return Path(pg_ctl).resolve().parent if pg_ctl and shutil.which("initdb") else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class Server:
    socket_dir: Path
    port: int

    def admin(self) -> Any:
        return psycopg.connect(
            host=str(self.socket_dir),
            port=self.port,
            user="postgres",
            dbname="postgres",
            autocommit=True,
        )

    def url(self, db: str, password: str | None = None) -> str:
        secret = f":{password}" if password else ""
        return f"postgresql://engage{secret}@127.0.0.1:{self.port}/{db}"


def _as_server_user(root: Path) -> list[str]:
    """Root cannot run initdb: run the server as `postgres`, owning its folder."""
    if os.geteuid() != 0:
        return []
    user = pwd.getpwnam("postgres")
    os.chown(root, user.pw_uid, user.pw_gid)
    return ["runuser", "-u", "postgres", "--"]


@pytest.fixture(scope="session")
def pg_server() -> Iterator[Server]:
    bindir = _bindir()
    if bindir is None:
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) are not installed")
    root = Path(tempfile.mkdtemp(prefix="engage-pg-", dir="/tmp"))
    root.chmod(0o755)
    run_as, port, data = _as_server_user(root), _free_port(), root / "data"
    subprocess.run(
        [*run_as, str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "-E", "UTF8",
         "--auth-local=trust", "--auth-host=scram-sha-256", "--no-sync"],
        check=True, capture_output=True,
    )  # fmt: skip
    options = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off"
    ctl = [*run_as, str(bindir / "pg_ctl"), "-D", str(data), "-l", str(root / "log")]
    subprocess.run([*ctl, "-o", options, "-w", "start"], check=True, capture_output=True)
    server = Server(root, port)
    try:
        with server.admin() as conn:
            conn.execute(f"CREATE ROLE engage LOGIN PASSWORD '{PASSWORD}'")
        yield server
    finally:
        subprocess.run([*ctl, "-m", "immediate", "stop"], capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def db(pg_server: Server, monkeypatch: pytest.MonkeyPatch) -> str:
    """A fresh database owned by `engage`; its URL (no password: PGPASSWORD holds it)."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    with pg_server.admin() as conn:
        conn.execute(f"CREATE DATABASE {name} OWNER engage")
    monkeypatch.setenv("PGPASSWORD", PASSWORD)
    monkeypatch.setenv("PGCONNECT_TIMEOUT", "10")
    return pg_server.url(name)


def sql(url: str, query: str, *params: object) -> list[tuple[Any, ...]]:
    with psycopg.connect(url, autocommit=True) as conn:
        cur = conn.execute(query.encode(), params or None)
        return cur.fetchall() if cur.description else []


# ------------------------------------------------------------------ helpers
def plan_against(backend: PostgresBackend) -> Plan:
    resolved = resolve()
    inputs = PlanInputs(
        resolved,
        backend.read(),
        "ecosystem",
        backend.location,
        frozenset(),
        conflicts=check_findings(resolved),  # as `engage plan` records them
    )
    return build_plan(inputs)


def desired_digests() -> dict[str, str]:
    return {a: r.digest for a, r in desired_resources(resolve(), {}).items()}


def recorded_digests(backend: PostgresBackend) -> dict[str, str]:
    state = backend.read()
    return {} if state is None else {a: e.digest for a, e in state.resources.items()}


def approve_file(path: Path) -> None:
    plan = load_plan(path)
    for req in plan.required_approvals:
        for name in req.members[: req.count]:
            add_approval(plan, path, name, "", signer_of(name))


# ------------------------------------------------------------------ tests
def test_state_round_trips_and_the_journal_replays(db: str) -> None:
    workspace()
    backend = PostgresBackend(db, "dev")
    assert backend.read() is None
    plan = plan_against(backend)
    execute(plan, resolve(), backend, None, Path("build"))
    state = backend.read()
    assert state is not None and state.serial == 1 and state.apply is None
    assert state.environment == "dev" and state.ecosystem == "northwind"
    assert recorded_digests(backend) == desired_digests()
    assert PostgresBackend(db, "dev").read() == state  # a second client reads the same
    assert PostgresBackend(db + "#dev").read() == state  # the name from the URL
    assert PostgresBackend(db, "prod").read() is None  # one state per name
    assert sql(db, "SELECT count(*) FROM engage_state_journal") == [(0,)]
    assert not plan_against(backend).has_changes


def test_cli_plan_apply_and_state_commands_use_the_url(db: str, engage: RunEngage) -> None:
    workspace()
    made = engage("plan", "ecosystem", "--state", db, "--out", PLAN.as_posix())
    assert made.code == 2, made.err
    assert load_plan(PLAN).state.location == f"{db}#dev"
    approve_file(PLAN)
    follows = engage("apply", PLAN.as_posix())  # the plan names the state: never followed
    assert follows.code == 1 and f"computed against the state {db}#dev" in follows.err
    applied = engage("apply", PLAN.as_posix(), "--state", db)
    assert applied.code == 0, applied.err
    assert "13 added" in applied.out
    listed = engage("state", "list", "--state", db, "--env", "dev")
    assert listed.code == 0 and sorted(desired_digests()) == listed.out.split()
    os.environ["ENGAGE_STATE"] = f"{db}#dev"
    try:
        shown = engage("state", "show", "data_extension.newsletter")
        again = engage("plan", "ecosystem")
    finally:
        del os.environ["ENGAGE_STATE"]
    assert shown.code == 0 and '"kind": "data_extension"' in shown.out
    assert again.code == 0, again.err
    assert sql(db, "SELECT name, serial FROM engage_state") == [("dev", 1)]


def test_stale_serial_and_other_lineage_are_refused(db: str, engage: RunEngage) -> None:
    root = workspace()
    backend = PostgresBackend(db, "dev")
    execute(plan_against(backend), resolve(), backend, None, Path("build"))
    text = (root / "data.yaml").read_text(encoding="utf-8")
    (root / "data.yaml").write_text(text.replace("Newsletter subscribers", "Subs", 1), "utf-8")
    first = save_and_approve(plan_against(backend), Path("plans/a.plan.json"))
    second = save_and_approve(plan_against(backend), Path("plans/b.plan.json"))
    assert engage("apply", first.as_posix(), "--state", db).code == 0
    stale = engage("apply", second.as_posix(), "--state", db)
    assert stale.code == 1 and "stale plan: it was computed against serial 1" in stale.err
    third = save_and_approve(plan_against(backend), Path("plans/c.plan.json"))
    sql(db, "UPDATE engage_state SET state = jsonb_set(state, '{lineage}', '\"other\"')")
    swapped = engage("apply", third.as_posix(), "--state", db)
    assert swapped.code == 1 and "but " + f"{db}#dev has lineage other" in swapped.err


def test_a_corrupt_row_is_refused_with_how_to_restore(db: str, engage: RunEngage) -> None:
    workspace()
    backend = PostgresBackend(db, "dev")
    execute(plan_against(backend), resolve(), backend, None, Path("build"))
    sql(
        db,
        "UPDATE engage_state SET state = jsonb_set(state,"
        " '{resources,data_extension.newsletter,digest}', '\"sha256:0\"')",
    )
    result = engage("plan", "ecosystem", "--state", db)
    assert result.code == 1
    assert "is corrupt: the entry for data_extension.newsletter" in result.err
    assert "SET state = backup WHERE name = 'dev'" in result.err


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ("state - 'resources'", "key `resources` is missing (in the state)"),
        ("jsonb_set(state, '{serial}', '\"2\"')", '`serial` is "2": input should be a valid'),
        (
            "state #- '{resources,data_extension.newsletter,dependencies}'",
            'key `dependencies` is missing (in resources["data_extension.newsletter"])',
        ),
    ],
)
def test_a_row_is_parsed_as_strictly_as_a_file(
    db: str, engage: RunEngage, change: str, named: str
) -> None:
    workspace()
    backend = PostgresBackend(db, "dev")
    execute(plan_against(backend), resolve(), backend, None, Path("build"))
    sql(db, f"UPDATE engage_state SET state = {change}")
    for args in (("plan", "ecosystem"), ("state", "list", "--env", "dev")):
        result = engage(*args, "--state", db)
        assert result.code == 1, args
        assert f"{redact_url(db)}#dev is corrupt: {named}" in result.err, args
        assert "SET state = backup WHERE name = 'dev'" in result.err


def _wait_for_holder(db: str, proc: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        if sql(db, "SELECT count(*) FROM engage_state_lock")[0][0]:
            return
        time.sleep(0.02)
    raise AssertionError(proc.communicate())


def test_a_second_concurrent_apply_fails_naming_the_first(db: str) -> None:
    workspace()
    save_and_approve(plan_against(PostgresBackend(db, "dev")))
    gate = Path("gate")
    first = engage_process(
        "apply", PLAN.as_posix(), "--state", db, env={**HOOKS, "ENGAGE_TEST_WAIT_FOR": gate.name}
    )
    _wait_for_holder(db, first)
    second = engage_process("apply", PLAN.as_posix(), "--state", db, "--lock-timeout", "0.3")
    _, err = second.communicate(timeout=60)
    gate.touch()
    out, first_err = first.communicate(timeout=60)
    assert second.returncode == 1
    assert f"is locked by pid {first.pid} on {socket.gethostname()}" in err
    assert f"running `engage apply {PLAN.as_posix()} --state {db}`" in err
    assert first.returncode == 0 and "Apply complete!" in out, first_err
    assert sql(db, "SELECT count(*) FROM engage_state_lock") == [(0,)]


def test_a_killed_apply_keeps_what_it_recorded_and_the_next_plan_continues(
    db: str, engage: RunEngage
) -> None:
    workspace()
    backend = PostgresBackend(db, "dev")
    plan = plan_against(backend)
    save_and_approve(plan)
    proc = engage_process(
        "apply", PLAN.as_posix(), "--state", db, env={**HOOKS, "ENGAGE_TEST_STEP_DELAY": "0.3"}
    )
    deadline = time.monotonic() + 60
    while sql(db, "SELECT count(*) FROM engage_state_journal")[0][0] < 3:
        assert time.monotonic() < deadline and proc.poll() is None, proc.communicate()
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=60)
    state = backend.read()
    assert state is not None and state.apply is not None and state.serial == 1
    done = plan.changes[: len(state.apply.recorded)]
    assert 3 <= len(done) < len(plan.changes)
    assert recorded_digests(backend) == {c.address: c.after_digest for c in done}
    again = plan_against(backend)
    assert {c.address for c in again.changes} == {c.address for c in plan.changes[len(done) :]}
    save_and_approve(again)
    finish = engage(
        "apply", PLAN.as_posix(), "--state", db, "--lock-timeout", "10"
    )  # the dead lock is gone
    assert finish.code == 0, finish.err
    assert recorded_digests(backend) == desired_digests()
    assert engage("plan", "ecosystem", "--state", db).code == 0


def test_a_password_in_the_url_is_never_shown_or_stored(
    db: str, pg_server: Server, engage: RunEngage, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace()
    monkeypatch.delenv("PGPASSWORD")
    name = db.rsplit("/", 1)[1]
    wrong = engage("plan", "ecosystem", "--state", pg_server.url(name, "Wr0ng-Secret-77"))
    assert wrong.code == 1
    assert "password authentication failed" in wrong.err
    assert "Wr0ng-Secret-77" not in wrong.out + wrong.err
    assert f"cannot read the state {db}#dev" in wrong.err  # the URL shown without it
    with_pw = pg_server.url(name, PASSWORD)
    made = engage("plan", "ecosystem", "--state", with_pw, "--out", PLAN.as_posix())
    assert made.code == 2 and PASSWORD not in made.out + made.err
    approve_file(PLAN)
    applied = engage("apply", PLAN.as_posix(), "--state", with_pw)
    assert applied.code == 0 and PASSWORD not in applied.out + applied.err
    assert PASSWORD not in PLAN.read_text(encoding="utf-8")
    rows = sql(with_pw, "SELECT state::text, backup::text FROM engage_state")
    assert rows and PASSWORD not in json.dumps(rows)


def test_a_user_without_create_rights_works_with_existing_tables(
    db: str, pg_server: Server, engage: RunEngage
) -> None:
    workspace()
    assert engage("plan", "ecosystem", "--state", db).code == 2  # creates the tables
    name = db.rsplit("/", 1)[1]
    with pg_server.admin() as conn:
        conn.execute(f"CREATE ROLE {name}_ci LOGIN PASSWORD '{PASSWORD}'")
    sql(db, f"REVOKE CREATE ON SCHEMA public FROM PUBLIC, {name}_ci")
    sql(db, f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {name}_ci")
    sql(db, f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {name}_ci")
    ci_url = db.replace("postgresql://engage@", f"postgresql://{name}_ci@")
    made = engage("plan", "ecosystem", "--state", ci_url, "--out", PLAN.as_posix())
    assert made.code == 2, made.err
    approve_file(PLAN)
    applied = engage("apply", PLAN.as_posix(), "--state", ci_url)
    assert applied.code == 0, applied.err
    assert engage("plan", "ecosystem", "--state", ci_url).code == 0


def test_redaction_covers_encoded_and_parameter_passwords() -> None:
    url = "postgresql://ops:p%40ss@db.example:5433/engage?password=q%26x&sslmode=require#prod"
    assert redact_url(url) == "postgresql://ops@db.example:5433/engage?sslmode=require"
    assert scrub("auth p%40ss, p@ss and q&x failed", url) == "auth ***, *** and *** failed"
    assert PostgresBackend(url).location == (
        "postgresql://ops@db.example:5433/engage?sslmode=require#prod"
    )
