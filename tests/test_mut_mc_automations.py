"""Automation Studio schedules and steps at their edges: the realtime-vs-unknown contract
(realtime wins over a schedule beside it; no schedule and an unusable one are both None),
the 5-minute floor, which cron shapes have a recurrence, the names and iCal rules, and
the step order of readers, Overwrites and cycles."""

from __future__ import annotations

import pytest

from compiler.emit.marketing_cloud.automations import (
    TYPE_ID,
    Recurrence,
    ical,
    recurrence,
    slug,
    steps,
)
from compiler.emit.marketing_cloud.names import DeInfo
from compiler.emit.marketing_cloud.queries import Query
from compiler.model.integrations import Schedule


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ({"every": "1d"}, Recurrence("DAILY", 1)),
        ({"every": "7d"}, Recurrence("DAILY", 7)),
        ({"every": "24h"}, Recurrence("DAILY", 1)),
        ({"every": "2h"}, Recurrence("HOURLY", 2)),
        ({"every": "60m"}, Recurrence("HOURLY", 1)),
        ({"every": "90m"}, Recurrence("MINUTELY", 90)),
        ({"every": "5m"}, Recurrence("MINUTELY", 5)),  # the floor itself
        ({"every": "4m"}, None),
        ({"every": "300s"}, Recurrence("MINUTELY", 5)),
        ({"every": "30s"}, None),
        ({"every": "301s"}, None),
        ({"cron": "30 2 * * *"}, Recurrence("DAILY", 1, 2, 30)),
        ({"cron": "15 * * * *"}, Recurrence("HOURLY", 1, 0, 15)),
        ({"cron": "0 9 * * 3,1"}, Recurrence("WEEKLY", 1, 9, 0, (1, 3))),
        ({"cron": "0 9 1 * *"}, None),  # days of the month restricted
        ({"cron": "0 9 * 1 *"}, None),  # months restricted
        ({"cron": "0,30 9 * * *"}, None),  # two minutes
        ({"cron": "0 9,17 * * *"}, None),  # two hours
        ({"cron": "0 * * * 1"}, None),  # hourly on one weekday only
        ({"cron": "not cron"}, None),
        ({}, None),
        ({"realtime": True}, None),
        ({"realtime": True, "every": "1h"}, None),
        ({"realtime": True, "cron": "30 2 * * *"}, None),
        ({"realtime": False, "every": "1h"}, Recurrence("HOURLY", 1)),
    ],
)
def test_recurrence(spec: dict[str, object], expected: Recurrence | None) -> None:
    schedule = Schedule.model_validate(spec)
    assert recurrence(schedule) == expected
    assert ical(schedule) == (expected.ical if expected else None)


def test_every_wins_over_cron_beside_it() -> None:
    both = Schedule.model_validate({"every": "2h", "cron": "30 2 * * *"})
    assert recurrence(both) == Recurrence("HOURLY", 2)


@pytest.mark.parametrize(
    ("r", "rule", "start", "name"),
    [
        (Recurrence("MINUTELY", 15), "FREQ=MINUTELY;INTERVAL=15", "2026-01-05T00:00:00",
         "every_15_minutes"),
        (Recurrence("HOURLY", 1), "FREQ=HOURLY;INTERVAL=1", "2026-01-05T00:00:00",
         "every_1_hours"),
        (Recurrence("HOURLY", 1, 0, 5), "FREQ=HOURLY;INTERVAL=1", "2026-01-05T00:05:00",
         "every_1_hours_at_minute_05"),
        (Recurrence("DAILY", 1), "FREQ=DAILY;INTERVAL=1", "2026-01-05T00:00:00",
         "every_1_days"),
        (Recurrence("DAILY", 1, 2, 30), "FREQ=DAILY;INTERVAL=1", "2026-01-05T02:30:00",
         "every_1_days_at_0230"),
        (Recurrence("DAILY", 1, 0, 7), "FREQ=DAILY;INTERVAL=1", "2026-01-05T00:07:00",
         "every_1_days_at_0007"),
        (Recurrence("DAILY", 1, 7, 0), "FREQ=DAILY;INTERVAL=1", "2026-01-05T07:00:00",
         "every_1_days_at_0700"),
        (Recurrence("WEEKLY", 1, 9, 0, (0, 6)), "FREQ=WEEKLY;INTERVAL=1;BYDAY=SU,SA",
         "2026-01-05T09:00:00", "every_1_weeks_su_sa_at_0900"),
        (Recurrence("WEEKLY", 1, 0, 0, (1,)), "FREQ=WEEKLY;INTERVAL=1;BYDAY=MO",
         "2026-01-05T00:00:00", "every_1_weeks_mo"),
    ],
)  # fmt: skip
def test_ical_start_and_name(r: Recurrence, rule: str, start: str, name: str) -> None:
    assert (r.ical, r.start, slug(r)) == (rule, start, name)


def test_schedule_type_ids_are_mcdevs() -> None:
    assert TYPE_ID == {"MINUTELY": 1, "HOURLY": 2, "DAILY": 3, "WEEKLY": 4}


def target(resource: str) -> DeInfo:
    return DeInfo(resource, "mc", "Retail", "retail", False, resource, resource, False,
                  f"data_extension.{resource}")  # fmt: skip


def q(key: str, writes: str, reads: tuple[str, ...] = (), update: str = "Append") -> Query:
    return Query(key, key, key, "", target(writes), "SELECT 1", update, "i", reads, ())


def keys(queries: list[Query]) -> list[list[str]]:
    return [[x.key for x in step] for step in steps(queries)]


def test_a_reader_runs_after_every_writer_of_what_it_reads() -> None:
    assert keys([q("b", "B", ("A",)), q("a1", "A"), q("a2", "A"), q("c", "C")]) == [
        ["a1", "a2", "c"],
        ["b"],
    ]


def test_reading_its_own_target_is_no_wait() -> None:
    assert keys([q("a", "A", ("A",)), q("b", "B")]) == [["a", "b"]]


def test_the_overwrite_runs_before_the_other_writers_of_its_target() -> None:
    assert keys([q("a_append", "T"), q("z_over", "T", update="Overwrite")]) == [
        ["z_over"],
        ["a_append"],
    ]
    # an Update waits for it too; a writer of another target does not
    assert keys([q("u", "T", update="Update"), q("o", "T", update="Overwrite"), q("x", "X")]) == [
        ["o", "x"],
        ["u"],
    ]


def test_an_overwrite_reading_its_own_target_runs_after_the_other_writers() -> None:
    assert keys([q("a_append", "T"), q("z_over", "T", ("T",), "Overwrite")]) == [
        ["a_append"],
        ["z_over"],
    ]


def test_two_overwrites_of_one_target_run_one_after_the_other_the_reader_last() -> None:
    assert keys([q("a", "T", ("T",), "Overwrite"), q("b", "T", update="Overwrite")]) == [
        ["b"],
        ["a"],
    ]
    assert keys([q("b", "T", update="Overwrite"), q("a", "T", update="Overwrite")]) == [
        ["a"],
        ["b"],
    ]


def test_a_cycle_runs_the_rest_together() -> None:
    assert keys([q("b", "B", ("A",)), q("a", "A", ("B",))]) == [["a", "b"]]
    assert keys([q("b", "B", ("A",)), q("a", "A", ("B",)), q("c", "C")]) == [["c"], ["a", "b"]]
    assert keys([q("c", "C", ("B",)), q("b", "B", ("A",)), q("a", "A", ("B",))]) == [
        ["a", "b", "c"]
    ]
    assert keys([q("d", "D"), q("b", "B", ("A", "D")), q("a", "A", ("B",))]) == [
        ["d"],
        ["a", "b"],
    ]


def test_chains_take_one_step_per_link() -> None:
    assert keys([q("c", "C", ("B",)), q("b", "B", ("A",)), q("a", "A")]) == [["a"], ["b"], ["c"]]
    assert keys([]) == []
