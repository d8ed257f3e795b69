"""The import report: per source file, what was imported, partly imported or not, and why."""

from __future__ import annotations

import json
from collections import defaultdict

from compiler import __version__
from compiler.importer.core import ImportResult, Status


def counts(result: ImportResult) -> dict[str, int]:
    out = {s.value: 0 for s in Status}
    for entry in result.entries:
        out[entry.status.value] += 1
    return out


def render_markdown(result: ImportResult) -> str:
    by_file: dict[str, list[str]] = defaultdict(list)
    for e in sorted(result.entries, key=lambda e: (e.file, e.element, e.status.value)):
        where = f" → `{e.address}`" if e.address else ""
        why = f": {e.reason}" if e.reason else ""
        by_file[e.file].append(f"- **{e.status.value}** {e.element}{where}{why}")
    c = counts(result)
    lines = [
        "# engage import report",
        "",
        f"Sources: {', '.join(f'`{s}`' for s in sorted(result.sources))}.",
        "",
        f"{c['imported']} imported, {c['partly imported']} partly imported, "
        f"{c['not imported']} not imported; {len(result.findings)} findings.",
        "",
    ]
    if result.findings:
        lines += ["## Findings", ""]
        for f in sorted(result.findings, key=lambda f: f.sort_key):
            lines.append(f"- `{f.code}` {f.span}: {f.message}")
        lines.append("")
    lines += ["## Files", ""]
    for file in sorted(by_file):
        lines += [f"### `{file}`", "", *by_file[file], ""]
    return "\n".join(lines)


def render_json(result: ImportResult, *, out: str = "") -> str:
    doc = {
        "tool": {"name": "engage", "version": __version__},
        "out": out,
        "sources": sorted(result.sources),
        "summary": counts(result),
        "entries": [e.to_json() for e in sorted(result.entries, key=lambda e: (e.file, e.element))],
        "findings": [f.to_json() for f in sorted(result.findings, key=lambda f: f.sort_key)],
    }
    return json.dumps(doc, indent=2) + "\n"
