"""`engage sync run`: run a custom integration's generated sync code on an extract."""

from __future__ import annotations

from pathlib import Path

import click

from compiler.commands.common import ENV_HELP, EXIT_ERROR, EXIT_OK, compile_one, path_argument
from compiler.diagnostics import has_errors
from compiler.emit.sync import compile_rule, custom_rules
from compiler.emit.sync.runner import RunResult, SyncRunError, run
from compiler.emit.sync.spec import CUSTOM_TYPES
from compiler.render.console import make_console
from compiler.render.findings_text import print_pieces, render_findings, summary_line
from compiler.resolved import ResolvedEcosystem
from compiler.suggest import did_you_mean

_FILE = click.Path(dir_okay=False, path_type=Path)


@click.group()
def sync() -> None:
    """Sync code of custom integrations (CSV extracts, middleware, API feeds)."""


def _error(message: str) -> int:
    print_pieces(make_console(stderr=True), ("error:", "bold red"), (f" {message}", None))
    return EXIT_ERROR


def _rule_problem(resolved: ResolvedEcosystem, rule: str) -> str | None:
    rules = resolved.ecosystem.sync_rules
    if rule not in rules:
        return f"sync rule {rule!r} is not declared{did_you_mean(rule, rules)}"
    if rule not in custom_rules(resolved):
        integ = resolved.ecosystem.integrations.get(rules[rule].integration)
        kind = integ.type if integ is not None else "unknown"
        candidates = ", ".join(custom_rules(resolved)) or "none in this ecosystem"
        return (
            f"sync rule {rule!r} (integration type {kind}) has no sync code: only rules of "
            f"{', '.join(sorted(CUSTOM_TYPES))} integrations writing a data extension do "
            f"({candidates})"
        )
    return None


def _report(result: RunResult, source: Path, out: Path, rejects: Path) -> None:
    console = make_console()
    print_pieces(
        console,
        (
            f"read {result.read} rows from {source}: "
            f"{result.accepted} accepted -> {out}, "
            f"{result.rejected} rejected -> {rejects}, "
            f"{result.filtered} left out by the rule's filter",
            None,
        ),
    )
    for reason, count in result.reasons.items():
        print_pieces(console, (f"  {count:>8}  {reason}", None))


@sync.command("run")
@click.argument("rule")
@path_argument
@click.option(
    "--env",
    "environment",
    metavar="NAME",
    default=None,
    help=ENV_HELP,
)
@click.option("--input", "source", required=True, type=_FILE, help="The extract (CSV).")
@click.option("--out", required=True, type=_FILE, help="Where to write the accepted rows.")
@click.option("--rejects", required=True, type=_FILE, help="Where to write the rejected rows.")
@click.option(
    "--engine",
    type=click.Choice(["duckdb", "spark"]),
    default="duckdb",
    show_default=True,
    help="DuckDB (the rule's .duckdb.sql), or the rule's PySpark job on a local Spark "
    '(pip install "engage[spark]"; needs Java).',
)
def run_command(
    rule: str,
    path: Path | None,
    environment: str | None,
    source: Path,
    out: Path,
    rejects: Path,
    engine: str,
) -> int:
    """Validate and transform an extract with sync RULE's generated code.

    Reads the extract as the rule's integration declares (`file:` delimiter, encoding,
    header), writes the rows the data extension import expects to --out and every
    rejected row, with the reason, to --rejects. With --engine spark, runs the rule's
    generated PySpark job (<rule>.spark.py) locally; the answers are the same. Exits 0 on
    success, 1 on an error.
    """
    comp = compile_one(path, environment)
    if not comp.ok or comp.resolved is None:
        render_findings(make_console(stderr=True), comp.findings)
        return _error(f"the ecosystem does not compile ({summary_line(comp.findings)})")
    problem = _rule_problem(comp.resolved, rule)
    if problem is not None:
        return _error(problem)
    spec, sql, findings = compile_rule(comp.resolved, rule, spark=engine == "spark")
    if spec is None or sql is None or has_errors(findings):
        render_findings(make_console(stderr=True), findings)
        return _error(f"no sync code can be generated for sync rule {rule!r}")
    try:
        if engine == "spark":
            from compiler.emit.sync import spark_run

            result = spark_run.run(spec, sql, source, out, rejects)
        else:
            result = run(spec, sql, source, out, rejects)
    except SyncRunError as err:
        return _error(str(err))
    _report(result, source, out, rejects)
    return EXIT_OK
