"""What `engage apply` reads and writes comes from its command line, never from the plan.

A plan records where it was made from (`source.path`, `state.location`); a plan file is
data anyone with write access to the pull request can edit (and re-seal: the digest is
a checksum, not a signature). So apply takes the ecosystem path and the state location
from its options (or their defaults), and compares them with what the plan recorded: a
mismatch is refused, never followed.
"""

from __future__ import annotations

import os
from pathlib import Path

from compiler.plan.definition import Plan
from compiler.plan.errors import StalePlanError
from compiler.plan.state_postgres import is_postgres_url


def _same_path(a: str, b: str) -> bool:
    return os.path.normpath(a) == os.path.normpath(b) or Path(a).resolve() == Path(b).resolve()


def check_source_path(plan: Plan, given: str) -> None:
    if not _same_path(plan.source.path, given):
        raise StalePlanError(
            f"the plan was made from the ecosystem {plan.source.path!r}, but this apply "
            f"compiles {given!r}; engage never reads where a plan file says",
            hint=f"Pass the ecosystem the plan was made from: `engage apply PLAN --source "
            f"{given}` only applies plans made from {given!r}.",
        )


def check_state_location(plan: Plan, location: str) -> None:
    recorded = plan.state.location
    same = (
        recorded == location
        if is_postgres_url(recorded) or is_postgres_url(location)
        else _same_path(recorded, location)
    )
    if not same:
        raise StalePlanError(
            f"the plan was computed against the state {recorded}, but this apply would use "
            f"{location}; engage never writes where a plan file says",
            hint="Pass the state the plan was made against with --state (or ENGAGE_STATE), "
            "or make the plan against this state.",
        )
