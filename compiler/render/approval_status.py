"""Each recorded approval with its verification status, for `engage show` (text, markdown)."""

from __future__ import annotations

from collections.abc import Sequence

from compiler.plan.verify import Verdict

_MARK = {"verified": "✓ verified", "unsigned": "! unsigned", "refused": "✗ refused"}


def status_lines(verdicts: Sequence[Verdict] | None, note: str, markdown: bool) -> list[str]:
    """`verdicts` None: the signatures could not be checked (`note` says why)."""
    if verdicts is not None and not verdicts:
        return []
    head = "#### Approvals recorded" if markdown else "Approvals recorded:"
    lines = ["", head, ""] if markdown else ["", head]
    if verdicts is None:
        lines.append(f"{'' if markdown else '  '}not verified: {note}")
        return [*lines, ""]
    for v in verdicts:
        a = v.approval
        detail = f" ({v.detail})" if v.detail else ""
        text = f"{a.name} at {a.at}: {_MARK[v.status]}{detail}"
        if a.comment:
            text += f" — {a.comment}"
        lines.append(f"- {text}" if markdown else f"  {text}")
    return [*lines, ""]
