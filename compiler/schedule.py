"""Integration schedules: how long an integration can leave between two runs.

`every: 15m` waits 15 minutes, `realtime: true` none. A standard five-field cron expression
(minute, hour, day of month, month, day of week; as crontab(5) reads it) is parsed here:
each field is `*`, a number, a range `a-b`, a step `*/n` or `a-b/n` or `a/n`, or a
comma-separated list of those; months and days of the week also take their English
three-letter names (`jan`, `mon`), and day of week 7 is Sunday like 0. As in cron, when
both day of month and day of week are restricted, a day matches either.

The longest interval is exact: the firing days are enumerated over the Gregorian 400-year
cycle (146,097 days, a whole number of weeks) only when the day fields restrict the days,
else over one day or one week.
"""

from __future__ import annotations

import datetime
import itertools
from dataclasses import dataclass
from functools import lru_cache

from compiler.model.base import duration_seconds
from compiler.model.integrations import Integration

FIELDS = (
    ("minute", 0, 59),
    ("hour", 0, 23),
    ("day of month", 1, 31),
    ("month", 1, 12),
    ("day of week", 0, 7),
)
MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
CYCLE_DAYS = 146_097  # 400 Gregorian years, 20,871 weeks
CYCLE_START = datetime.date(2000, 1, 1)


class CronError(ValueError):
    """A cron expression engage cannot read, with what is wrong in words."""


@dataclass(frozen=True)
class Cron:
    minutes: frozenset[int]
    hours: frozenset[int]
    days: frozenset[int]
    months: frozenset[int]
    weekdays: frozenset[int]  # 0 = Sunday
    days_restricted: bool
    weekdays_restricted: bool


def _number(text: str, index: int) -> int:
    name, low, high = FIELDS[index]
    names = MONTHS if index == 3 else DAYS if index == 4 else ()
    lowered = text.lower()
    if lowered in names:
        return names.index(lowered) + (1 if index == 3 else 0)
    if not text.isdigit():
        raise CronError(f"{name} field: {text!r} is not a number")
    value = int(text)
    if not low <= value <= high:
        raise CronError(f"{name} field: {value} is outside {low}-{high}")
    return value


def _part(text: str, index: int) -> set[int]:
    """One comma-separated item: `*`, `n`, `a-b`, each optionally `/step`."""
    name, low, high = FIELDS[index]
    base, slash, step_text = text.partition("/")
    step = 1
    if slash:
        if not step_text.isdigit() or int(step_text) == 0:
            raise CronError(f"{name} field: step {step_text!r} must be a positive number")
        step = int(step_text)
    if base == "*":
        start, end = low, high
    elif "-" in base:
        first, _, last = base.partition("-")
        start, end = _number(first, index), _number(last, index)
        if start > end:
            raise CronError(f"{name} field: range {base!r} runs backwards")
    else:
        start = _number(base, index)
        end = high if slash else start
    return set(range(start, end + 1, step))


def _field(text: str, index: int) -> frozenset[int]:
    if not text:
        raise CronError(f"{FIELDS[index][0]} field is empty")
    values: set[int] = set()
    for item in text.split(","):
        if not item:
            raise CronError(f"{FIELDS[index][0]} field: empty item in {text!r}")
        values |= _part(item, index)
    if index == 4 and 7 in values:
        values = (values - {7}) | {0}
    return frozenset(values)


@lru_cache(maxsize=1024)
def parse_cron(expression: str) -> Cron:
    """Parse a five-field cron expression; raise CronError saying what is wrong."""
    fields = expression.split()
    if len(fields) != 5:
        raise CronError(
            f"a cron expression has 5 fields (minute hour day-of-month month day-of-week), "
            f"this one has {len(fields)}"
        )
    minutes, hours, days, months, weekdays = (_field(text, i) for i, text in enumerate(fields))
    # crontab(5): a day field starting with `*` does not restrict (for the either-or rule)
    return Cron(
        minutes,
        hours,
        days,
        months,
        weekdays,
        days_restricted=not fields[2].startswith("*"),
        weekdays_restricted=not fields[4].startswith("*"),
    )


def _fires_on(cron: Cron, day: datetime.date) -> bool:
    if day.month not in cron.months:
        return False
    in_month = day.day in cron.days
    in_week = (day.isoweekday() % 7) in cron.weekdays
    if cron.days_restricted and cron.weekdays_restricted:
        return in_month or in_week
    return in_month and in_week


def _firing_days(cron: Cron) -> tuple[list[int], int]:
    """Indexes of the days the cron fires on within its cycle, and the cycle's length."""
    restricted = len(cron.days) < 31 or len(cron.months) < 12
    length = CYCLE_DAYS if restricted else 7
    one = datetime.timedelta(days=1)
    day, out = CYCLE_START, []
    for index in range(length):
        if _fires_on(cron, day):
            out.append(index)
        day += one
    return out, length


@lru_cache(maxsize=1024)
def longest_interval(expression: str) -> int:
    """The longest time, in seconds, between two runs of a cron schedule.

    Raises CronError for an expression engage cannot read or one that never fires.
    """
    cron = parse_cron(expression)
    times = sorted(h * 60 + m for h in cron.hours for m in cron.minutes)
    days, length = _firing_days(cron)
    if not days:
        raise CronError(f"{expression!r} never fires (no date matches its day and month fields)")
    within = max((b - a for a, b in itertools.pairwise(times)), default=0)
    gaps = [b - a for a, b in itertools.pairwise(days)]
    gaps.append(days[0] + length - days[-1])  # round the cycle
    across = max(gaps) * 1440 - (times[-1] - times[0])
    return max(within, across) * 60


def schedule_seconds(integ: Integration | None) -> int | None:
    """The longest wait between two runs: 0 for real time, None when unknown (no schedule,
    or a cron expression engage cannot read)."""
    if integ is None:
        return None
    if integ.schedule.realtime:
        return 0
    if integ.schedule.every:
        return duration_seconds(integ.schedule.every)
    if integ.schedule.cron:
        try:
            return longest_interval(integ.schedule.cron)
        except CronError:
            return None
    return None
