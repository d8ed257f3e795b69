"""A saved plan as one self-contained HTML page for the approval committee.

Written for readers who are not programmers: what changes in which cloud in plain words,
the risky changes first (data loss, consent, permissions...), the conflicts `engage check`
reports, a diagram of the systems and flows the change touches, who has approved and who
still must (with the signature status of each approval), and the exact command each member
runs to approve. The page loads nothing: no script, no external style, font or image; the
diagram is inline SVG with a text list beside it. Headings are in order, colours pass WCAG
AA contrast, and everything reads without JavaScript (there is none).
"""

from __future__ import annotations

import html
import shlex
from collections.abc import Sequence

from compiler.diagnostics import Finding
from compiler.plan.approvals import Approval, missing
from compiler.plan.definition import RISK_ORDER, Change, Plan, Requirement
from compiler.plan.verify import Verdict, counted
from compiler.render.plan_affected import ACTIONS, Affected, affected
from compiler.render.plan_svg import plan_svg
from compiler.render.plan_text import expand
from compiler.render.plan_values import risky_first, summary_line, value, visible

_DETAILS = 2_000  # changes whose attribute details are listed at most
_ROWS = 500  # risky changes and conflicts listed at most

KIND_WORDS = {
    "system": "a platform or application holding customer data (CRM, ERP, web shop...)",
    "object": "a kind of record in a system, like a table: Contact, Account, Order",
    "data_extension": "a Marketing Cloud table of subscribers or data used to send messages",
    "business_unit": "a brand's or division's own space in Marketing Cloud",
    "integration": "a connection between two systems",
    "integration_user": "the account a connector signs in with, and what it may do",
    "sync_rule": "which records and fields are copied from one system to another",
    "matching_rule": "how two records are recognised as the same customer",
    "duplicate_rule": "what the CRM does with a duplicate: block it or flag it",
    "consent": "how customers' opt-ins and opt-outs for a channel are kept and passed on",
    "group": "people who approve changes, like this committee",
}
KIND_PLURAL = {
    "system": "systems",
    "object": "objects",
    "data_extension": "data extensions",
    "business_unit": "business units",
    "integration": "integrations",
    "integration_user": "integration users",
    "sync_rule": "sync rules",
    "matching_rule": "matching rules",
    "duplicate_rule": "duplicate rules",
    "consent": "consent settings",
    "group": "approval groups",
}


KIND_SINGULAR = {k: v[:-1] for k, v in KIND_PLURAL.items()}
ACTION_PLAIN = {
    "create": "will be added",
    "update": "will be changed",
    "replace": "will be removed and created again",
    "delete": "will be removed",
    "move": "will be renamed",
}
ACTION_HEADER = {
    "create": "added",
    "update": "changed",
    "replace": "re-created",
    "delete": "removed",
    "move": "renamed",
}
RISK_PLAIN = {
    "data_loss": "Data loss: records or values are deleted and cannot be recovered",
    "destroy": "Removal: something in use is taken away",
    "consent": "Consent: how customers' opt-ins and opt-outs are kept or passed on changes",
    "permissions": "Permissions: who or what may read, write or approve changes",
    "personal_data": "Personal data: personal data reaches a new place",
    "duplicate_rules": "Duplicate rules: how duplicate customers are found or blocked changes",
}

_STYLE = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
  font-size: 17px; line-height: 1.5; color: #1a1a1a; background: #ffffff; margin: 0; }
main { max-width: 70rem; margin: 0 auto; padding: 1.5rem 1.25rem 4rem; }
h1 { font-size: 1.9rem; margin: 0 0 .25rem; }
h2 { font-size: 1.4rem; margin: 2.2rem 0 .6rem; padding-bottom: .2rem;
  border-bottom: 2px solid #d0d7de; }
h3 { font-size: 1.1rem; margin: 1.2rem 0 .4rem; }
.meta { color: #4a4a4a; margin: 0 0 1rem; }
.summary { font-size: 1.2rem; background: #eef4fb; border-left: 6px solid #0b5cad;
  padding: .8rem 1rem; margin: 1rem 0; }
.summary p { margin: .3rem 0; }
.status-open { color: #8a1c00; font-weight: 700; }
.status-done { color: #0f5b20; font-weight: 700; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; }
th, td { border: 1px solid #c4ccd4; padding: .4rem .6rem; text-align: left;
  vertical-align: top; }
th { background: #f0f3f6; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.risk { border: 1px solid #c4ccd4; border-left: 6px solid #b42318; background: #fff6f5;
  padding: .6rem .9rem; margin: .6rem 0; }
.risk h3 { margin: 0 0 .3rem; }
.risk ul { margin: .2rem 0 .2rem 1.2rem; padding: 0; }
.conflict { border-left-color: #8a4b00; background: #fff8ec; }
.none { color: #0f5b20; }
code, kbd { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace;
  font-size: .92em; background: #f0f3f6; padding: .05rem .3rem; border-radius: 3px;
  overflow-wrap: anywhere; }
pre { background: #f6f8fa; border: 1px solid #d0d7de; padding: .6rem; overflow-x: auto;
  font-size: .85rem; }
.command { display: block; padding: .5rem .7rem; margin: .3rem 0 .6rem; }
figure { margin: 1rem 0; }
figure svg { width: 100%; height: auto; border: 1px solid #d0d7de; background: #fbfcfd; }
figcaption { color: #4a4a4a; font-size: .95rem; }
details { margin: .3rem 0; }
summary { cursor: pointer; }
.badge { display: inline-block; padding: 0 .45rem; border-radius: 3px; font-size: .85rem;
  font-weight: 700; }
.badge-signed { background: #dff3e4; color: #0f5b20; }
.badge-unsigned { background: #f0f3f6; color: #4a4a4a; }
.badge-invalid { background: #fde7e4; color: #8a1c00; }
dt { font-weight: 700; margin-top: .4rem; }
dd { margin: 0 0 0 1.2rem; }
nav ol { columns: 2; margin: .3rem 0 0 1.2rem; padding: 0; }
a { color: #0b5cad; }
.why { color: #3d4650; }
footer { margin-top: 3rem; color: #4a4a4a; font-size: .9rem; }
"""


def _e(text: object) -> str:
    return html.escape(visible(str(text)), quote=True)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _words(change: Change) -> str:
    """`The Marketing Cloud data extension newsletter will be removed`."""
    kind = KIND_SINGULAR.get(change.kind, change.kind.replace("_", " "))
    name = _short_name(change)
    moved = f" (was {change.previous_address})" if change.previous_address else ""
    return f"The {kind} {name}{moved} {ACTION_PLAIN[change.action]}"


def _summary(
    plan: Plan,
    given: Sequence[Approval],
    conflicts: Sequence[Finding] | None,
    verdicts: Sequence[Verdict] | None,
) -> str:
    s = plan.summary
    env = plan.environment or "the base environment"
    where = f"{env} (a production environment)" if plan.production and env != "production" else env
    counts = [
        (s.add, "added"),
        (s.change, "changed"),
        (s.replace, "removed and created again"),
        (s.destroy, "removed"),
        (s.move, "renamed"),
    ]
    said = [f"{_plural(n, 'thing')} {w}" for n, w in counts if n]
    what = ", ".join(said) if said else "nothing changes"
    risky = sum(1 for c in plan.changes if c.risks)
    short = [(r, _short(r, given, verdicts)) for r in plan.required_approvals]
    still = sum(n for _, n in short)
    approvals = (
        f'<p class="status-open">Still needed before it can be applied: '
        f"{_plural(still, 'approval')}.</p>"
        if still
        else '<p class="status-done">Every approval this plan needs has been given.</p>'
        if plan.required_approvals
        else "<p>This plan needs no approval.</p>"
    )
    found = "" if conflicts is None else f" {_plural(len(conflicts), 'conflict')} found."
    return (
        '<section class="summary" aria-labelledby="summary-heading" id="summary">'
        '<h2 id="summary-heading" style="margin-top:0;border:0">In short</h2>'
        f"<p>In <strong>{_e(where)}</strong>: {_e(what)}; "
        f"{_plural(risky, 'change')} carry a risk.{_e(found)}</p>"
        f"{approvals}<p>{_e(summary_line(plan))}</p></section>"
    )


def _per_cloud(touched: Affected) -> str:
    head = "".join(f'<th scope="col" class="num">{ACTION_HEADER[a]}</th>' for a in ACTIONS)
    rows = []
    for group, counts in touched.groups.items():
        cells = "".join(f'<td class="num">{counts[a] or ""}</td>' for a in ACTIONS)
        rows.append(f'<tr><th scope="row">{_e(touched.label(group))}</th>{cells}</tr>')
    return (
        '<h2 id="clouds">What changes, cloud by cloud</h2>'
        f'<table><thead><tr><th scope="col">cloud or system</th>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _risk_rank(risk: str) -> int:
    return RISK_ORDER.index(risk) if risk in RISK_ORDER else len(RISK_ORDER)


def _short_name(change: Change) -> str:
    return change.address.split(".", 1)[1] if "." in change.address else change.address


def _risk_item(action: str, kind: str, why: str, changes: list[Change]) -> str:
    """One line for every change of one kind, action and explanation."""
    names = ", ".join(f"<code>{_e(_short_name(c))}</code>" for c in changes[:_ROWS])
    if len(changes) > _ROWS:
        names += f" and {len(changes) - _ROWS} more"
    n = len(changes)
    if n == 1:
        what = f"the {KIND_SINGULAR.get(kind, kind.replace('_', ' '))} {names}"
    else:
        what = f"{n} {_e(KIND_PLURAL.get(kind, kind.replace('_', ' ')))}: {names}"
    reason = f" <span class='why'>({_e(why)})</span>" if why else ""
    return f"<li><strong>{_e(ACTION_HEADER[action].capitalize())}</strong>: {what}{reason}</li>"


def _risks(plan: Plan) -> str:
    risky = risky_first(plan.changes)
    if not risky:
        return '<h2 id="risks">Risky changes</h2><p class="none">No change carries a risk.</p>'
    by_risk: dict[str, dict[tuple[str, str, str], list[Change]]] = {}
    for c in risky:
        first = min(c.risks, key=_risk_rank)
        why = "; ".join([*c.notes, *c.reasons])
        by_risk.setdefault(first, {}).setdefault((c.action, c.kind, why), []).append(c)
    parts = ['<h2 id="risks">Risky changes, the most serious first</h2>']
    for risk in sorted(by_risk, key=_risk_rank):
        groups = by_risk[risk]
        total = sum(len(v) for v in groups.values())
        items = [_risk_item(*key, changes) for key, changes in groups.items()]
        title = RISK_PLAIN.get(risk, risk)
        parts.append(
            f'<section class="risk" data-risk="{_e(risk)}"><h3>{_e(title)} '
            f"({_plural(total, 'change')})</h3><ul>{''.join(items)}</ul></section>"
        )
    return "".join(parts)


def _conflicts(conflicts: Sequence[Finding] | None) -> str:
    head = '<h2 id="conflicts">Conflicts</h2>'
    if conflicts is None:
        return head + (
            "<p>Not known: the ecosystem this plan was made from is not here, or has changed "
            "since. Run <code>engage check</code> on it.</p>"
        )
    if not conflicts:
        return head + '<p class="none">None: <code>engage check</code> finds no conflict.</p>'
    items = []
    for f in conflicts[:_ROWS]:
        where = f" <code>{_e(f.span)}</code>" if f.span else ""
        hint = f"<br>How to fix: {_e(f.hint)}" if f.hint else ""
        items.append(
            f'<section class="risk conflict"><h3>{_e(f.code)} ({_e(f.severity.value)})</h3>'
            f"<p>{_e(f.message)}{where}{hint}</p></section>"
        )
    more = f"<p>and {len(conflicts) - _ROWS} more.</p>" if len(conflicts) > _ROWS else ""
    return head + "".join(items) + more


def _diagram(touched: Affected) -> str:
    svg = plan_svg(touched)
    if not svg:
        return ""
    flows = [
        f"<li>{_e(f.source)} {'→' if f.directed else '↔'} {_e(f.target)}: "
        f"{_e(', '.join(f.names))}</li>"
        for f in touched.flows
    ]
    listing = f"<h3>The flows, as a list</h3><ul>{''.join(flows)}</ul>" if flows else ""
    return (
        '<h2 id="diagram">Systems and flows this change touches</h2>'
        f"<figure>{svg}<figcaption>Each box is a system, with the number of its changes; "
        "each arrow is data this plan makes flow from one system to another.</figcaption>"
        f"</figure>{listing}"
    )


def _signature(approval: Approval, verdict: Verdict | None, note: str) -> str:
    """The verification verdict (`engage show` checks each signature against the keys the
    ecosystem declares); without one, what the record carries and why it was not checked."""
    if verdict is not None:
        if verdict.status == "verified":
            return (
                '<span class="badge badge-signed">&#10003; signature verified</span> '
                f"<small>{_e(verdict.detail)}</small>"
            )
        if verdict.status == "refused":
            return (
                '<span class="badge badge-invalid">&#10007; refused</span> '
                f"<small>{_e(verdict.detail)}</small>"
            )
        return '<span class="badge badge-unsigned">unsigned (not verified)</span>'
    if not approval.signature:
        return '<span class="badge badge-unsigned">unsigned</span>'
    why = f" <small>({_e(note)})</small>" if note else ""
    return f'<span class="badge badge-unsigned">signed, not verified</span>{why}'


def _short(req: Requirement, given: Sequence[Approval], verdicts: Sequence[Verdict] | None) -> int:
    """How many approvals `req` still needs: with verdicts, only verified signatures (or
    unsigned ones where the policy accepts them) count, as at apply."""
    if verdicts is None:
        return missing(req, given)
    return max(0, req.count - len(counted(req, verdicts, None)))


def _approvals(
    plan: Plan,
    given: Sequence[Approval],
    plan_path: str,
    verdicts: Sequence[Verdict] | None,
    note: str,
) -> str:
    head = '<h2 id="approvals">Approvals</h2>'
    if not plan.required_approvals:
        return head + "<p>This plan needs no approval.</p>"
    rows = []
    for req in plan.required_approvals:
        rows.append(_requirement_row(req, given, verdicts))
    table = (
        '<table><thead><tr><th scope="col">why it is needed</th><th scope="col">group</th>'
        '<th scope="col" class="num">needed</th><th scope="col" class="num">still needed</th>'
        '<th scope="col">who may approve</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )
    return (
        head + table + _given(given, verdicts, note) + _commands(plan, given, plan_path, verdicts)
    )


def _requirement_row(
    req: Requirement, given: Sequence[Approval], verdicts: Sequence[Verdict] | None
) -> str:
    short = _short(req, given, verdicts)
    why = req.description or f"the {req.policy} policy"
    status = (
        f'<span class="status-open">{short}</span>'
        if short
        else '<span class="status-done">0 (done)</span>'
    )
    return (
        f"<tr><td>{_e(why)} <small>({_e(_plural(len(req.addresses), 'change'))})</small></td>"
        f"<td>{_e(req.group)}</td><td class='num'>{req.count}</td>"
        f"<td class='num'>{status}</td><td>{_e(', '.join(req.members) or 'nobody')}</td></tr>"
    )


def _given(given: Sequence[Approval], verdicts: Sequence[Verdict] | None, note: str) -> str:
    judged = {v.approval.name: v for v in verdicts or ()}
    if not given:
        return "<h3>Approved so far</h3><p>Nobody has approved this plan yet.</p>"
    rows = "".join(
        f"<tr><td>{_e(a.name)}</td><td>{_e(', '.join(a.groups))}</td><td>{_e(a.at)}</td>"
        f"<td>{_signature(a, judged.get(a.name), note)}</td><td>{_e(a.comment)}</td></tr>"
        for a in sorted(given, key=lambda a: (a.at, a.name))
    )
    return (
        "<h3>Approved so far</h3><table><thead><tr><th scope='col'>who</th>"
        "<th scope='col'>for</th><th scope='col'>when</th><th scope='col'>signature</th>"
        f"<th scope='col'>comment</th></tr></thead><tbody>{rows}</tbody></table>"
    )


def _commands(
    plan: Plan, given: Sequence[Approval], plan_path: str, verdicts: Sequence[Verdict] | None
) -> str:
    refused = {v.approval.name for v in verdicts or () if v.status == "refused"}
    done = {a.name for a in given} - refused  # a refused approval must be given again
    pending: dict[str, set[str]] = {}
    for req in plan.required_approvals:
        if _short(req, given, verdicts):
            for member in req.members:
                if member not in done:
                    pending.setdefault(member, set()).add(req.group)
    if not pending:
        return ""
    quoted = shlex.quote(plan_path)
    rows = "".join(
        f"<tr><td>{_e(name)}</td><td>{_e(', '.join(sorted(groups)))}</td>"
        f"<td><kbd>engage approve {_e(quoted)} --as {_e(shlex.quote(name))}</kbd></td></tr>"
        for name, groups in sorted(pending.items())
    )
    return (
        '<h3 id="how-to-approve">How to approve</h3><p>Each member who approves runs this '
        'command in a copy of the repository (add <code>--comment "..."</code> to say why or '
        "on what condition). The table above says how many each group still owes.</p>"
        "<table><thead><tr><th scope='col'>member</th><th scope='col'>approves for</th>"
        f"<th scope='col'>command</th></tr></thead><tbody>{rows}</tbody></table>"
    )


def _details(plan: Plan) -> str:
    parts = ['<h2 id="details">Every change, in the order it is applied</h2>']
    for i, c in enumerate(plan.changes[:_DETAILS], start=1):
        lines = []
        for a in expand(c.attributes, c.action):
            if a.op != "add":
                lines.append(f"- {a.path} = {value(a.before)}")
            if a.op != "remove":
                lines.append(f"+ {a.path} = {value(a.after)}")
        body = f"<pre>{_e(chr(10).join(lines))}</pre>" if lines else ""
        parts.append(f"<details><summary>{i}. {_e(_words(c))}</summary>{body}</details>")
    if len(plan.changes) > _DETAILS:
        more = len(plan.changes) - _DETAILS
        parts.append(f"<p>and {more} more: <code>engage show PLAN</code> lists them all.</p>")
    return "".join(parts)


def _glossary(plan: Plan) -> str:
    kinds = sorted({c.kind for c in plan.changes if c.kind in KIND_WORDS})
    if not kinds:
        return ""
    items = "".join(f"<dt>{_e(KIND_SINGULAR[k])}</dt><dd>{_e(KIND_WORDS[k])}</dd>" for k in kinds)
    return f'<h2 id="words">Words used on this page</h2><dl>{items}</dl>'


def _contents(changes: bool, diagram: bool) -> str:
    entries = [
        ("clouds", "What changes, cloud by cloud", changes),
        ("risks", "Risky changes", True),
        ("conflicts", "Conflicts", True),
        ("diagram", "Systems and flows", diagram),
        ("approvals", "Approvals and how to approve", True),
        ("details", "Every change in detail", changes),
        ("words", "Words used on this page", changes),
    ]
    links = "".join(f'<li><a href="#{a}">{_e(t)}</a></li>' for a, t, shown in entries if shown)
    return f'<nav aria-label="Contents"><h2 id="contents">On this page</h2><ol>{links}</ol></nav>'


def render_html(
    plan: Plan,
    given: Sequence[Approval] | None = None,
    conflicts: Sequence[Finding] | None = None,
    plan_path: str = "PLAN",
    verdicts: Sequence[Verdict] | None = None,
    verify_note: str = "",
) -> str:
    """The review page; `conflicts` are check's unsuppressed findings (None: not known);
    `verdicts` the approvals' verification (None: not checked, `verify_note` says why)."""
    given = list(given or [])
    touched = affected(plan)
    env = plan.environment or "default"
    title = f"Review: {plan.ecosystem}, {env}"
    body = "".join(
        [
            f"<h1>{_e(title)}</h1>",
            f'<p class="meta">Plan <code>{_e(plan_path)}</code> · digest '
            f"<code>{_e(plan.digest[:16])}</code> · made by engage {_e(plan.engage_version)}</p>",
            _summary(plan, given, conflicts, verdicts),
            _contents(bool(plan.changes), bool(touched.systems)),
            _per_cloud(touched) if plan.changes else "",
            _risks(plan),
            _conflicts(conflicts),
            _diagram(touched),
            _approvals(plan, given, plan_path, verdicts, verify_note),
            _details(plan) if plan.changes else "",
            _glossary(plan),
            f"<footer>Plan digest <code>{_e(plan.digest)}</code>; sources "
            f"<code>{_e(plan.source.digest)}</code>; state serial {plan.state.serial}.</footer>",
        ]
    )
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; img-src data:\">\n"
        f"<title>{_e(title)}</title>\n<style>{_STYLE}</style>\n</head>\n"
        f"<body>\n<main>\n{body}\n</main>\n</body>\n</html>\n"
    )
