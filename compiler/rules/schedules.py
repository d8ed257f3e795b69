"""Integration schedules engage must be able to read: the consent propagation check (E6004)
waits the longest interval a schedule can leave (compiler.schedule)."""

from __future__ import annotations

from collections.abc import Iterator

from compiler.diagnostics import Finding, code
from compiler.rules.context import Context
from compiler.rules.registry import rule
from compiler.schedule import CronError, longest_interval

E_CRON = code(
    "E3008",
    "Unreadable cron schedule",
    "engage reads a standard five-field cron expression (minute, hour, day of month, month, "
    "day of week) to know the longest time an integration leaves between two runs; an "
    "expression it cannot read, or one that never fires, leaves the integration's timing "
    "unknown, so opt-out propagation through it (E6004) cannot be checked.",
    "Write five fields, e.g. `30 2 * * *` (02:30 every day) or `*/15 * * * 1-5` (every 15 "
    "minutes on weekdays): numbers, `*`, ranges `a-b`, steps `*/n`, lists `a,b`; or use "
    "`every: 24h` instead.",
)


@rule("cron-schedules", E_CRON)
def cron_schedules(ctx: Context) -> Iterator[Finding]:
    """Cron expressions engage cannot read, or that never fire."""
    for name in sorted(ctx.eco.integrations):
        cron = ctx.eco.integrations[name].schedule.cron
        if not cron:
            continue
        try:
            longest_interval(cron)
        except CronError as err:
            yield ctx.finding(
                E_CRON,
                f"integration {name!r}: cannot read the cron schedule {cron!r}: {err}",
                ("integrations", name, "schedule", "cron"),
                address=f"integration.{name}",
            )
