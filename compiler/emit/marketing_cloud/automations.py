"""Query activities grouped into mcdev `automation/<Name>.automation-meta.json` files.

The queries of one business unit that share a schedule (their integration's) run in one
scheduled automation; a query that reads a data extension another query of the group
writes runs in a later step. The schedule carries what mcdev deploys a schedule with
(lib/metadataTypes/Automation.js: a schedule without `startDate` is not deployed at all):
`startDate` (its time of day is when each run starts), `endDate` (2079-06-06, Marketing
Cloud's open end), `icalRecur` (FREQ and INTERVAL, BYDAY for weekly), `timezoneName` from
mcdev's time-zone table and `typeId` (mcdev's scheduleTypeMapping). The automation is
generated paused (`PausedSchedule`): it runs once an operator activates it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from compiler.diagnostics import Finding, code, make
from compiler.emit.artifact import Emitted
from compiler.emit.marketing_cloud.data_extensions import dump
from compiler.emit.marketing_cloud.queries import Query
from compiler.model.base import duration_seconds
from compiler.model.integrations import Schedule
from compiler.resolved import ResolvedEcosystem
from compiler.schedule import CronError, parse_cron

W_SCHEDULE = code(
    "W7804",
    "Query activities without a usable schedule",
    "Automation Studio runs query activities on a schedule of 5 minutes or coarser, or "
    "at one time of day (daily or on some weekdays); a realtime integration, a missing "
    "schedule, a shorter interval or a cron expression with several run times leaves the "
    "queries outside every automation.",
    "Give the integration `schedule: {every: 1h}` or a cron like `30 2 * * *`.",
)

_DAYS = ("SU", "MO", "TU", "WE", "TH", "FR", "SA")  # compiler.schedule: 0 = Sunday
# mcdev's Automation.definition.js scheduleTypeMapping (the upsert API's scheduleTypeId).
TYPE_ID = {"MINUTELY": 1, "HOURLY": 2, "DAILY": 3, "WEEKLY": 4}
# The first day a generated schedule may start on, and Marketing Cloud's "no end date"
# (the endDate of every open-ended schedule retrieved with mcdev).
START_DAY = "2026-01-05"  # a Monday
END_DATE = "2079-06-06T00:00:00"
# mcdev's time-zone table (timeZoneMapping) holds Windows names; cron and `every` are UTC,
# and "Greenwich Standard Time" (id 4, +00:00, no daylight saving time) is UTC all year.
TIMEZONE = "Greenwich Standard Time"
MIN_MINUTES = 5  # mcdev _checkSchedule: "The smallest interval you can configure is 5 minutes"


@dataclass(frozen=True)
class Recurrence:
    """A schedule as Automation Studio holds it: an iCal rule and a start date whose time of
    day is when each run starts (one time of day; Automation Studio has no BYHOUR)."""

    freq: str  # MINUTELY | HOURLY | DAILY | WEEKLY
    interval: int
    hour: int = 0
    minute: int = 0
    days: tuple[int, ...] = ()  # weekly: 0 = Sunday

    @property
    def ical(self) -> str:
        rule = f"FREQ={self.freq};INTERVAL={self.interval}"
        return rule + (f";BYDAY={','.join(_DAYS[d] for d in self.days)}" if self.days else "")

    @property
    def start(self) -> str:
        return f"{START_DAY}T{self.hour:02d}:{self.minute:02d}:00"


def _every(value: str) -> Recurrence | None:
    seconds = duration_seconds(value)
    if seconds % 86400 == 0:
        return Recurrence("DAILY", seconds // 86400)
    if seconds % 3600 == 0:
        return Recurrence("HOURLY", seconds // 3600)
    if seconds % 60 == 0 and seconds // 60 >= MIN_MINUTES:
        return Recurrence("MINUTELY", seconds // 60)
    return None


def _cron(expr: str) -> Recurrence | None:
    """A cron expression as a recurrence, where one exists: one minute, one hour or every
    hour, every day of the month and every month, any weekdays."""
    try:
        cron = parse_cron(expr)
    except CronError:
        return None
    if cron.days_restricted or len(cron.months) != 12 or len(cron.minutes) != 1:
        return None
    minute = next(iter(cron.minutes))
    if len(cron.hours) == 24 and not cron.weekdays_restricted:
        return Recurrence("HOURLY", 1, 0, minute)
    if len(cron.hours) != 1:
        return None
    hour = next(iter(cron.hours))
    if not cron.weekdays_restricted:
        return Recurrence("DAILY", 1, hour, minute)
    return Recurrence("WEEKLY", 1, hour, minute, tuple(sorted(cron.weekdays)))


def recurrence(schedule: Schedule) -> Recurrence | None:
    if schedule.realtime:
        return None
    if schedule.every:
        return _every(schedule.every)
    return _cron(schedule.cron) if schedule.cron else None


def ical(schedule: Schedule) -> str | None:
    found = recurrence(schedule)
    return found.ical if found else None


def slug(r: Recurrence) -> str:
    """`DAILY`, 1, 02:30 → `every_1_days_at_0230`."""
    unit = {"MINUTELY": "minutes", "HOURLY": "hours", "DAILY": "days", "WEEKLY": "weeks"}
    name = f"every_{r.interval}_{unit[r.freq]}"
    if r.days:
        name += "_" + "_".join(_DAYS[d].lower() for d in r.days)
    if r.freq in ("DAILY", "WEEKLY") and (r.hour or r.minute):
        name += f"_at_{r.hour:02d}{r.minute:02d}"
    elif r.freq == "HOURLY" and r.minute:
        name += f"_at_minute_{r.minute:02d}"
    return name


def _after(queries: Sequence[Query]) -> dict[str, set[str]]:
    """What each query waits for: every other writer of what it reads and, per target, the
    Overwrites before it. An Overwrite empties its target before it inserts (Salesforce
    Help, "Query Activity"), and the activities of one step run side by side, so an
    Overwrite raced by another writer of its target may delete that writer's rows: the
    Overwrite runs first and the target's other writers follow it; two Overwrites of one
    target (E3910) run one after the other, the one that reads the target last."""
    writers: dict[str, list[Query]] = defaultdict(list)
    for q in sorted(queries, key=lambda q: q.key):
        writers[q.target.resource].append(q)
    after: dict[str, set[str]] = {q.key: set() for q in queries}
    for q in queries:
        after[q.key] |= {w.key for r in q.reads for w in writers[r] if w.key != q.key}
    for target, group in writers.items():
        overwrites = sorted(
            (w for w in group if w.update_type == "Overwrite"),
            key=lambda w: (target in w.reads, w.key),
        )
        for i, w in enumerate(overwrites):
            after[w.key] |= {o.key for o in overwrites[:i]}
        for w in group:
            if w.update_type != "Overwrite":  # a consumer of the target runs after it
                after[w.key] |= {o.key for o in overwrites if target not in o.reads}
    return after


def steps(queries: Sequence[Query]) -> list[list[Query]]:
    """Queries in steps: a query runs after every query that writes what it reads, and
    after the Overwrites of its own target (`_after`)."""
    after = _after(queries)
    todo = sorted(queries, key=lambda q: q.key)
    done: set[str] = set()
    out: list[list[Query]] = []
    while todo:
        ready = [q for q in todo if after[q.key] <= done]
        step = ready or todo  # a cycle: run the rest together (the loop is reported elsewhere)
        out.append(step)
        done |= {q.key for q in step}
        todo = [q for q in todo if q.key not in done]
    return out


def _document(name: str, recur: Recurrence, queries: Sequence[Query]) -> dict[str, object]:
    rules = ", ".join(sorted(q.rule for q in queries))
    return {
        "description": f"Generated by engage: query activities of sync rules {rules}.",
        "key": name,
        "name": name,
        "r__folder_Path": "my automations",
        "schedule": {
            "endDate": END_DATE,
            "icalRecur": recur.ical,
            "startDate": recur.start,
            "timezoneName": TIMEZONE,
            "typeId": TYPE_ID[recur.freq],
        },
        "status": "PausedSchedule",
        "steps": [
            {
                "activities": [{"r__key": q.key, "r__type": "query"} for q in step],
                "name": f"step {i}",
            }
            for i, step in enumerate(steps(queries), start=1)
        ],
        "type": "scheduled",
    }


def _unscheduled(resolved: ResolvedEcosystem, integration: str, rules: list[str]) -> Finding:
    return make(
        W_SCHEDULE,
        f"integration {integration!r} has no schedule Automation Studio can run; the query "
        f"activities of {', '.join(sorted(rules))} are generated outside any automation",
        resolved.span(("integrations", integration, "schedule")),
        address=f"integration.{integration}",
    )


def automations(
    resolved: ResolvedEcosystem, queries: Sequence[Query]
) -> tuple[list[Emitted], list[Finding]]:
    groups: dict[tuple[str, Recurrence], list[Query]] = defaultdict(list)
    lost: dict[str, list[str]] = defaultdict(list)
    for q in queries:
        integ = resolved.ecosystem.integrations.get(q.integration)
        recur = recurrence(integ.schedule) if integ is not None else None
        if recur is None:
            lost[q.integration].append(q.rule)
        else:
            groups[(q.target.folder, recur)].append(q)
    out = []
    for (folder, recur), members in sorted(groups.items(), key=lambda g: (g[0][0], slug(g[0][1]))):
        name = f"engage_{slug(recur)}"
        sources = sorted({a for q in members for a in q.sources})
        path = f"{folder}/automation/{name}.automation-meta.json"
        out.append(Emitted(path, dump(_document(name, recur, members)), tuple(sources)))
    findings = [_unscheduled(resolved, i, r) for i, r in sorted(lost.items())]
    return out, findings
