"""compiler.schedule: the longest interval a cron schedule leaves, and clear refusals.

Time-of-day and day-of-week schedules are checked against a brute force over every minute
of three weeks, with the fields generated together with the values they stand for (so
the expected answer does not come from the parser under test); calendar schedules against
dates worked out by hand.
"""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from compiler.model.integrations import Integration
from compiler.rules.check import check_path
from compiler.schedule import CronError, longest_interval, parse_cron, schedule_seconds

RULES = Path(__file__).parent / "fixtures" / "rules"

Field = tuple[str, frozenset[int]]


@st.composite
def field(draw: st.DrawFn, low: int, high: int) -> Field:
    """A cron field for [low, high] and the values it means."""
    kind = draw(st.sampled_from(["star", "step", "number", "range", "range_step", "list"]))
    a = draw(st.integers(low, high))
    b = draw(st.integers(a, high))
    n = draw(st.integers(1, max(1, high - low)))
    if kind == "star":
        return "*", frozenset(range(low, high + 1))
    if kind == "step":
        return f"*/{n}", frozenset(range(low, high + 1, n))
    if kind == "number":
        return str(a), frozenset({a})
    if kind == "range":
        return f"{a}-{b}", frozenset(range(a, b + 1))
    if kind == "range_step":
        return f"{a}-{b}/{n}", frozenset(range(a, b + 1, n))
    values = draw(st.lists(st.integers(low, high), min_size=1, max_size=4, unique=True))
    return ",".join(map(str, values)), frozenset(values)


def brute_force(minutes: frozenset[int], hours: frozenset[int], weekdays: frozenset[int]) -> int:
    """Longest gap in seconds between firings over three weeks of minutes (weekly cycle),
    starting on a Monday (day of week 1) at 00:00."""
    fires = [
        i
        for i in range(3 * 7 * 1440)
        if i % 60 in minutes and i // 60 % 24 in hours and (1 + i // 1440) % 7 in weekdays
    ]
    return max(b - a for a, b in itertools.pairwise(fires)) * 60


@settings(max_examples=150, deadline=None)
@given(field(0, 59), field(0, 23), field(0, 6))
def test_time_and_weekday_schedules_match_a_brute_force(
    minute: Field, hour: Field, weekday: Field
) -> None:
    expression = f"{minute[0]} {hour[0]} * * {weekday[0]}"
    assert longest_interval(expression) == brute_force(minute[1], hour[1], weekday[1])


@pytest.mark.parametrize(
    ("expression", "hours"),
    [
        ("30 2 * * *", 24),  # daily
        ("*/15 * * * *", 0.25),
        ("0 9 * * 1-5", 72),  # Friday 09:00 → Monday 09:00
        ("0 9,17 * * mon-fri", 64),  # Friday 17:00 → Monday 09:00
        ("0 0 * * 7", 168),  # 7 is Sunday, like 0
        ("0 0 1 * *", 31 * 24),  # the longest month
        ("0 0 */2 * *", 48),  # odd days: the 29th of April → the 1st of May
        ("0 0 1,15 * 1", 7 * 24),  # day of month OR day of week, as cron reads it
        ("0 0 29 2 *", 2921 * 24),  # 2096-02-29 → 2104-02-29 (2100 is no leap year)
        ("0 12 * jan-mar *", (365 - 90 + 1) * 24),  # 31 March 12:00 → 1 January 12:00
    ],
)
def test_calendar_schedules(expression: str, hours: float) -> None:
    assert longest_interval(expression) == hours * 3600


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("0 25 * * *", "hour field: 25 is outside 0-23"),
        ("0 0 * *", "a cron expression has 5 fields"),
        ("0 0 0 * * *", "this one has 6"),
        ("@daily", "this one has 1"),
        ("x 0 * * *", "minute field: 'x' is not a number"),
        ("0 0 5-1 * *", "range '5-1' runs backwards"),
        ("*/0 * * * *", "step '0' must be a positive number"),
        ("0 0 ? * MON", "day of month field: '?' is not a number"),
        ("0,,5 * * * *", "empty item"),
        ("0 0 31 2 *", "never fires"),
    ],
)
def test_unreadable_cron_says_what_is_wrong(expression: str, message: str) -> None:
    with pytest.raises(CronError, match=message.replace("?", r"\?")):
        longest_interval(expression)


def test_day_fields_starting_with_a_star_do_not_widen_to_either_or() -> None:
    cron = parse_cron("0 0 */2 * 1")
    assert not cron.days_restricted and cron.weekdays_restricted
    # crontab(5): "*/2" does not count as restricting, so odd days AND Mondays
    assert longest_interval("0 0 */2 * 1") > 7 * 86400


# The contract E6004 relies on: real time waits nothing (0, a hop that still counts),
# unknown timing is None (the path cannot be judged), never confused with each other.
@pytest.mark.parametrize(
    ("schedule", "expected"),
    [
        ({"realtime": True}, 0),
        ({}, None),  # no schedule: unknown, not real time
        ({"cron": "61 * * * *"}, None),  # unreadable: unknown (E3008 says so)
        ({"every": "15m"}, 900),
        ({"cron": "30 2 * * *"}, 86400),
    ],
)
def test_schedule_seconds_realtime_is_zero_unknown_is_none(
    schedule: dict[str, object], expected: int | None
) -> None:
    integ = Integration.model_validate(
        {"type": "custom", "from": "a", "to": "b", "schedule": schedule}
    )
    assert schedule_seconds(integ) == expected
    assert schedule_seconds(None) is None


def test_realtime_and_unknown_hops_add_no_wait_to_the_known_ones(tmp_path: Path) -> None:
    # e6004_fires with a 14-minute bound: Marketing Cloud Connect alone waits 15 minutes.
    # A real-time query adds nothing; a query with no schedule adds nothing known, so the
    # path is judged on its known hops (a lower bound) in both cases: late either way.
    def codes(schedule: str, name: str) -> list[str]:
        eco = tmp_path / name
        shutil.copytree(RULES / "_base", eco)
        shutil.copy(RULES / "e6004_fires" / "integrations.yaml", eco / "integrations.yaml")
        text = (eco / "integrations.yaml").read_text(encoding="utf-8")
        (eco / "integrations.yaml").write_text(
            text.replace("schedule: {every: 1d}", f"schedule: {schedule}"), encoding="utf-8"
        )
        consent = (eco / "consent.yaml").read_text(encoding="utf-8")
        (eco / "consent.yaml").write_text(consent.replace("24h", "14m"), encoding="utf-8")
        return [f.message for f in check_path(eco).findings]

    late = "email opt-outs take up to 15 minutes to reach mc:newsletter.OptedOut"
    assert codes("{realtime: true}", "realtime") == [f"{late}; the policy allows 14m"]
    assert codes("{}", "unknown") == [f"{late}; the policy allows 14m"]
