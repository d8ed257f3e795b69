"""Conflicts that retrieved orgs carry: query activities as written and imported access.

These rules read what `engage import` keeps (a query's own SQL, the access a retrieved
permission set grants, data extensions a query writes that the retrieve lacked), and
apply to hand-written ecosystems too wherever the same constructs appear.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from compiler.diagnostics import Finding, code
from compiler.model.dedupe import DuplicateRule
from compiler.model.integrations import IntegrationUser
from compiler.model.sync import SyncRule
from compiler.rules.context import Context
from compiler.rules.environment_ids import ID_PREFIXES, MID_FIELDS
from compiler.rules.registry import rule

if TYPE_CHECKING:
    from sqlglot import exp

E_TWO_OVERWRITES = code(
    "E3910",
    "Two writers overwrite one data extension",
    "An Overwrite query empties its target data extension and fills it with its own rows "
    '(Salesforce Help, "Query Activity": the Overwrite data action deletes every record '
    "of the target before it inserts the query's results). Two Overwrite writers of one "
    "data extension, however declared (sync rules written in the language, query activities "
    "imported with their SQL), undo each other on every run: whichever runs last decides "
    "what the data extension holds. A precedence does not help: it decides between two "
    "values of one record, and an Overwrite deletes the records. Exempt: a writer that "
    "reads the data extension it overwrites (its source, or a table of its SQL) consumes "
    "the others' rows; the generated automation runs it in a later step, and its Overwrite "
    "rebuilds the data extension from what they wrote. A writer that exists in one "
    "environment only conflicts in that environment (each environment is checked on its "
    "own).",
    "Make one of them Update (or Append), give each its own target data extension, or let "
    "the last one read the data extension it rebuilds.",
)
E_MISSING_TARGET = code(
    "E7910",
    "Query writes a data extension that is not in the retrieve",
    "The query activity's target data extension was not in the retrieved project, so "
    "`engage import` declared it from the columns the query writes. Either the data "
    "extension was deleted (the query fails on every run) or it lives outside the "
    "retrieve, and its real fields, keys and sharing are unknown.",
    "Retrieve the data extension (`mcdev retrieve <credential>/<unit> dataExtension`) and "
    "import again, or delete the query.",
)
W_HARDCODED_ID = code(
    "W8910",
    "Environment-specific id hard-coded in a query",
    "A business-unit MID or a Salesforce record id (record type, user, profile, org…) "
    "written into a query's SQL differs between sandbox and production, so the query "
    "reads the wrong rows, or none, in the other environment.",
    "Filter on a stable value (a record type's developer name through a synchronized "
    "RecordType, the business unit's own data view) or keep the id in a data extension "
    "of settings per environment.",
)
W_BLOCK_CREATES = code(
    "W5910",
    "Block duplicate rule applies to an integration user that creates its records",
    "The integration user's access lets it create records of the rule's object, and the "
    "rule blocks duplicates without exempting it: every insert it makes that looks like a "
    "duplicate fails, and an API client cannot save past a Block.",
    "List the user in the rule's `bypass` (or exempt a custom permission it holds, "
    "`exempt.custom_permissions`), or make the action `allow` with an alert.",
)

SALESFORCE_ID = re.compile(r"^[A-Za-z0-9]{15}(?:[A-Za-z0-9]{3})?$")
# The business-unit columns of the language's mappings, and the data views' OYBAccountID.
MID_COLUMNS = MID_FIELDS | {"oybaccountid"}


@rule("query-overwrites", E_TWO_OVERWRITES)
def query_overwrites(ctx: Context) -> Iterator[Finding]:
    """Data extensions overwritten by several query activities or sync rules, however
    declared (written in the language or imported with their SQL).

    One exemption is real: a writer that reads its own target consumes the others' rows.
    Automation Studio runs it in a later step (it reads what they write), and its
    Overwrite rebuilds the data extension from what they wrote, so it undoes nobody.
    The writers that do not read the target still undo each other, and so would two
    consumers (each would run in the other's step). Precedence changes none of this:
    it decides between values of one record, and an Overwrite deletes the records."""
    for target, rules in sorted(ctx.rules_by_target.items()):
        writers = sorted(name for name, sync in rules if sync.mode == "overwrite")
        consumers = [n for n in writers if _reads_target(ctx.eco.sync_rules[n], target)]
        consuming = set(consumers)
        plain = [n for n in writers if n not in consuming]
        for group in (plain, consumers):
            yield from _overwrite_findings(ctx, target, group)


def _overwrite_findings(ctx: Context, target: str, writers: list[str]) -> Iterator[Finding]:
    for name in writers[1:]:
        yield ctx.finding(
            E_TWO_OVERWRITES,
            f"sync rule {name!r} and {writers[0]!r} both overwrite {target}"
            f"{_from(ctx, 'sync_rules', name)}",
            ("sync_rules", name, "mode"),
            address=f"sync_rule.{name}",
            related=[(("sync_rules", writers[0], "mode"), f"{writers[0]!r} overwrites it too")],
        )


def _reads_target(sync: SyncRule, target: str) -> bool:
    """Whether the writer reads the data extension it overwrites: its source is the
    target, or its kept SQL selects from it."""
    if sync.source == target:
        return True
    if sync.query is None:
        return False
    name = target.partition(".")[2].lower()
    return name in query_tables(sync.query.sql)


def _parse_tsql(sql: str) -> list[Any] | None:
    """The SQL's statements, or None when it does not parse. sqlglot is imported here, by
    the first query: an ecosystem without one does not pay for its import."""
    import sqlglot
    from sqlglot.errors import ParseError, TokenError

    try:
        return sqlglot.parse(sql, dialect="tsql")
    except (ParseError, TokenError, RecursionError):
        return None


def query_tables(sql: str) -> set[str]:
    """The tables (data extensions) a query's SQL reads, lower-cased; none when the SQL
    does not parse (E7xxx reports it elsewhere)."""
    from sqlglot import exp

    trees = _parse_tsql(sql)
    if trees is None:
        return set()
    return {t.name.lower() for tree in trees if tree is not None for t in tree.find_all(exp.Table)}


def _from(ctx: Context, section: str, name: str) -> str:
    resource = getattr(ctx.eco, section).get(name)
    source = resource.labels.get("imported_from") if resource is not None else None
    return f" (imported from {source})" if source else ""


@rule("query-missing-target", E_MISSING_TARGET)
def query_missing_target(ctx: Context) -> Iterator[Finding]:
    """Query activities whose target data extension the retrieve did not hold."""
    for name, sync in sorted(ctx.eco.sync_rules.items()):
        de_name = sync.target.partition(".")[2]
        de = ctx.eco.data_extensions.get(de_name)
        if de is None or de.labels.get("import_missing") != "true":
            continue
        yield ctx.finding(
            E_MISSING_TARGET,
            f"sync rule {name!r} writes data extension {de_name!r}, which is not in the "
            f"retrieve{_from(ctx, 'sync_rules', name)}",
            ("sync_rules", name, "target"),
            address=f"sync_rule.{name}",
            related=[(("data_extensions", de_name), "declared by engage import from the query")],
        )


def _mids(ctx: Context) -> dict[int, str]:
    out = {}
    for sname, system in ctx.eco.systems.items():
        for bu, unit in getattr(system, "business_units", {}).items():
            mid = getattr(unit, "mid", None)
            if isinstance(mid, int):
                out[mid] = f"{sname}.{bu}"
    return out


def hardcoded_ids(sql: str, mids: dict[int, str]) -> list[str]:
    """What environment-specific ids the SQL holds, described ('record type id …')."""
    from sqlglot import exp

    trees = _parse_tsql(sql)
    if trees is None:
        return []
    found: list[str] = []
    for tree in trees:
        for lit in tree.find_all(exp.Literal) if tree is not None else ():
            text = str(lit.this)
            if lit.is_string and SALESFORCE_ID.match(text) and text[:3] in ID_PREFIXES:
                found.append(f"{ID_PREFIXES[text[:3]]} id {text!r}")
            elif not lit.is_string and text.isdigit():
                if int(text) in mids or _compared_with_mid(lit):
                    found.append(f"MID {text}")
    return sorted(set(found))


def _compared_with_mid(lit: exp.Expression) -> bool:
    from sqlglot import exp

    parent = lit.parent
    if not isinstance(parent, exp.Binary | exp.In):
        return False
    columns = [c for c in parent.find_all(exp.Column)]
    return any(c.name.lower() in MID_COLUMNS for c in columns)


@rule("query-hardcoded-ids", W_HARDCODED_ID)
def query_hardcoded_ids(ctx: Context) -> Iterator[Finding]:
    """MIDs and Salesforce record ids written into a query activity's SQL."""
    mids = _mids(ctx)
    for name, sync in sorted(ctx.eco.sync_rules.items()):
        if sync.query is None:
            continue
        for what in hardcoded_ids(sync.query.sql, mids):
            yield ctx.finding(
                W_HARDCODED_ID,
                f"the SQL of sync rule {name!r} hard-codes {what}{_from(ctx, 'sync_rules', name)}",
                ("sync_rules", name, "query", "sql"),
                address=f"sync_rule.{name}",
            )


def _exempted(ctx: Context, dr: DuplicateRule, user_name: str, user: IntegrationUser) -> bool:
    """Listed in `bypass`, holding a custom permission the rule exempts (through its User
    formula field), or with a User bypass checkbox the rule tests set."""
    if user_name in dr.bypass:
        return True
    permissions = ctx.eco.custom_permissions
    if any(
        c in user.custom_permissions and c in permissions and permissions[c].user_field
        for c in dr.exempt.custom_permissions
    ):
        return True
    return any(f.object == "User" and f.field in user.bypass_fields for f in dr.exempt.fields)


@rule("block-rule-creating-user", W_BLOCK_CREATES)
def block_rule_creating_user(ctx: Context) -> Iterator[Finding]:
    """Block duplicate rules on objects an integration user may create, not exempting it."""
    creators = _creators(ctx)
    for name, dr in sorted(ctx.eco.duplicate_rules.items()):
        if not dr.active or dr.on_create.action != "block":
            continue
        writers: set[str] | None = None
        for user_name, user in creators.get((dr.system, dr.object), ()):
            if _exempted(ctx, dr, user_name, user):
                continue
            if writers is None:
                writers = _sync_writers(ctx, dr.system, dr.object)
            if user_name in writers:
                continue  # a sync rule's writes are E5001's to judge
            yield ctx.finding(
                W_BLOCK_CREATES,
                f"duplicate rule {name!r} blocks duplicate {dr.object} inserts and does not "
                f"exempt integration user {user_name!r}, which may create {dr.object} records"
                f"{_from(ctx, 'duplicate_rules', name)}",
                ("duplicate_rules", name, "on_create", "action"),
                address=f"duplicate_rule.{name}",
                related=[
                    (
                        ("integration_users", user_name, "permissions", dr.object),
                        f"{user_name!r} may create {dr.object}"
                        f"{_from(ctx, 'integration_users', user_name)}",
                    )
                ],
            )


def _creators(ctx: Context) -> dict[tuple[str, str], list[tuple[str, IntegrationUser]]]:
    """The integration users allowed to create each (system, object), by name: a block
    rule looks only at its object's creators instead of at every user."""
    out: dict[tuple[str, str], list[tuple[str, IntegrationUser]]] = {}
    for user_name, user in sorted(ctx.eco.integration_users.items()):
        for obj, perm in user.permissions.items():
            if "create" in perm.object:
                out.setdefault((user.system, obj), []).append((user_name, user))
    return out


def _sync_writers(ctx: Context, system: str, obj: str) -> set[str]:
    """Users whose sync rules write records of system.obj."""
    users = set()
    for _name, sync in ctx.rules_by_target.get(f"{system}.{obj}", []):
        integration = ctx.eco.integrations.get(sync.integration)
        if integration is not None and integration.user:
            users.add(integration.user)
    return users
