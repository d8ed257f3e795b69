"""`engage check`: validate, then detect conflicts; exit 1 on findings at --fail-on."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import click

from compiler.commands.common import EXIT_ERROR, EXIT_OK, env_option, path_argument, resolve_path
from compiler.diagnostics import Finding, Severity
from compiler.render.console import make_console
from compiler.render.findings_json import render_json
from compiler.render.findings_markdown import render_markdown
from compiler.render.findings_text import render_findings, summary_line
from compiler.render.github import render_github
from compiler.render.sarif import render_sarif
from compiler.rules.check import CheckResult, check_path
from compiler.rules.platform import Limits
from compiler.suppress import BaselineError, baseline_document, load_baseline
from compiler.yamlparse import Limits as LoaderLimits

FORMATS = ("text", "json", "sarif", "github", "markdown", "junit", "gitlab")
_THRESHOLD = {"error": Severity.ERROR.rank, "warning": Severity.WARNING.rank}


def failing(findings: Sequence[Finding], fail_on: str) -> list[Finding]:
    """Active findings at or above the threshold."""
    limit = _THRESHOLD[fail_on]
    return [f for f in findings if f.suppressed is None and f.severity.rank >= limit]


def _limits(pairs: tuple[str, ...]) -> tuple[Limits, LoaderLimits]:
    """--limit NAME=N: a platform limit, or one of the loader's (max_nodes, max_resources…)."""
    values: dict[str, int] = {}
    loader: dict[str, int] = {}
    for pair in pairs:
        name, sep, raw = pair.partition("=")
        if not sep or not raw.strip().isdigit():
            raise click.BadParameter(f"{pair!r}: write NAME=INTEGER", param_hint="--limit")
        into = loader if name.strip() in LoaderLimits.names() else values
        into[name.strip()] = int(raw)
    try:
        return Limits().with_overrides(values), replace(LoaderLimits(), **loader)
    except ValueError as err:
        known = ", ".join(LoaderLimits.names())
        raise click.BadParameter(f"{err} (loader limits: {known})", param_hint="--limit") from err


def _render(result: CheckResult, fmt: str, environment: str | None) -> str:
    findings = result.findings
    files = result.compilation.source.files
    if fmt == "json":
        return render_json(
            findings,
            analyzed=result.analyzed,
            environment=environment,
            environments=[e or "base" for e in result.environments],
            files=list(files),
        )
    if fmt == "sarif":
        return render_sarif(findings, default_file=files[0] if files else ".")
    if fmt == "github":
        return render_github(findings)
    if fmt == "gitlab":
        from compiler.render.gitlab import render_gitlab

        return render_gitlab(findings)
    if fmt == "junit":
        from compiler.render.findings_junit import render_junit
        from compiler.rules.check import rule_codes

        return render_junit(findings, rule_codes() if result.analyzed else ())
    return render_markdown(findings)


def _print_text(result: CheckResult, ok: bool) -> None:
    console = make_console()
    render_findings(console, result.findings)
    line = summary_line(result.findings)
    if not result.analyzed:
        console.print(f"[bold red]FAILED[/] validation: {line} [dim](conflicts not checked)[/]")
    elif ok:
        envs = ", ".join(e or "base" for e in result.environments)
        console.print(f"[bold green]OK[/] {result.resources} resources checked ({envs}): {line}")
    else:
        console.print(f"[bold red]FAILED[/] {line}")


@click.command()
@path_argument
@env_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="text for people, json for machines, sarif for GitHub code scanning, github for "
    "workflow annotations, markdown for a pull-request comment, junit for CI test reports, "
    "gitlab for a GitLab code-quality report.",
)
@click.option(
    "--fail-on",
    type=click.Choice(["error", "warning"]),
    default="error",
    show_default=True,
    help="Exit 1 when an unsuppressed finding has this severity or worse.",
)
@click.option(
    "--baseline",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Accept the findings listed in this baseline file (marked suppressed).",
)
@click.option(
    "--write-baseline",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Write the current unsuppressed findings to this baseline file.",
)
@click.option(
    "--limit",
    "limits",
    multiple=True,
    metavar="NAME=N",
    help=f"Override a platform limit ({', '.join(Limits.names())}) or a loader limit "
    f"({', '.join(LoaderLimits.names())}).",
)
def check(
    path: Path | None,
    environment: str | None,
    fmt: str,
    fail_on: str,
    baseline: Path | None,
    write_baseline: Path | None,
    limits: tuple[str, ...],
) -> int:
    """Validate the ecosystem in PATH, then detect conflicts between its parts.

    Without --env, the base and every environment are checked. Exits 1 when validation
    fails or a finding at --fail-on (or worse) is not suppressed, 0 otherwise.
    """
    accepted = None
    if baseline is not None:
        try:
            accepted = load_baseline(baseline)
        except BaselineError as err:
            raise click.ClickException(str(err)) from err
    platform, loader = _limits(limits)
    result = check_path(
        resolve_path(path),
        environment,
        limits=platform,
        load_limits=loader,
        baseline=accepted,
        baseline_name=baseline.name if baseline else "",
    )
    if write_baseline is not None and result.analyzed:
        write_baseline.write_text(baseline_document(result.findings), encoding="utf-8")
    ok = result.analyzed and not failing(result.findings, fail_on)
    if fmt == "text":
        _print_text(result, ok)
    else:
        click.echo(_render(result, fmt, environment), nl=False)
    return EXIT_OK if ok else EXIT_ERROR
