"""Data extensions: subscriber relationships, primary keys present, non-null and filled."""

from __future__ import annotations

from collections.abc import Iterator

from compiler.diagnostics import Finding, code
from compiler.model.data_extensions import DataExtension
from compiler.rules.context import Context
from compiler.rules.registry import rule

E_SENDABLE = code(
    "E7004",
    "Sendable data extension without a usable subscriber relationship",
    "A sendable data extension relates one of its fields to the subscriber key. That field "
    "must be a required Text, EmailAddress or Number field; otherwise rows without a "
    "subscriber cannot be sent to, or the relationship is refused.",
    "Relate a required Text (or EmailAddress) field holding the subscriber key.",
)
E_NO_PRIMARY_KEY = code(
    "E7006",
    "Data extension updated without a primary key",
    "Without a primary key, imports and query activities cannot update rows, only add "
    "them: an update or upsert sync fills the data extension with duplicates.",
    "Mark the field that identifies a row (e.g. the subscriber key) `primary_key: true`.",
)
E_NULLABLE_KEY = code(
    "E7007",
    "Nullable primary key",
    "A primary key field must be required; Marketing Cloud refuses a nullable one.",
    "Remove `required: false` from the primary key field.",
)
E_KEY_NOT_FILLED = code(
    "E7008",
    "Primary key not filled by a sync rule",
    "The sync rule writes rows into the data extension without filling one of its "
    "primary-key fields: every row is rejected (primary-key violation or null key).",
    "Map the primary-key field in the sync rule's `fields`.",
)

E_SUBSCRIBER_NOT_FILLED = code(
    "E7009",
    "Sendable data extension rows without a subscriber",
    "The sync rule adds rows to a sendable data extension without filling the field that "
    "relates a row to the subscriber key: the rows are refused (the field is required) or "
    "cannot be sent to, so the people they hold never receive the send.",
    "Map the sendable field (`sendable.field`) in the sync rule's `fields`, from the "
    "declared subscriber key.",
)

_SUBSCRIBER_TYPES = ("Text", "EmailAddress", "Number")


def _keys(de: DataExtension) -> list[str]:
    return [name for name, f in de.fields.items() if f.primary_key]


@rule("sendable-relationship", E_SENDABLE)
def sendable(ctx: Context) -> Iterator[Finding]:
    """Sendable data extensions whose subscriber relationship field cannot hold the key."""
    for name in sorted(ctx.eco.data_extensions):
        de = ctx.eco.data_extensions[name]
        if de.sendable is None or de.sendable.field not in de.fields:
            continue
        f = de.fields[de.sendable.field]
        problems = []
        if f.type not in _SUBSCRIBER_TYPES:
            problems.append(f"is a {f.type} field")
        if not (f.required or f.primary_key):
            problems.append("is not required")
        if problems:
            yield ctx.finding(
                E_SENDABLE,
                f"data extension {name!r} relates {de.sendable.field!r} to the subscriber key, "
                f"but it {' and '.join(problems)}",
                ("data_extensions", name, "sendable", "field"),
                address=f"data_extension.{name}",
                related=[(("data_extensions", name, "fields", de.sendable.field), "declared here")],
            )


@rule("primary-keys", E_NO_PRIMARY_KEY, E_NULLABLE_KEY, E_KEY_NOT_FILLED)
def primary_keys(ctx: Context) -> Iterator[Finding]:
    """Primary keys missing on updated data extensions, nullable, or left unfilled."""
    for name in sorted(ctx.eco.data_extensions):
        de = ctx.eco.data_extensions[name]
        yield from _nullable(ctx, name, de)
        spec = ctx.object_of_de(name)
        if spec is None:
            continue
        writers = ctx.rules_by_target.get(f"{spec.system}.{name}", [])
        keys = _keys(de)
        for rule_name, sync in writers:
            if not keys and sync.mode in ("update", "upsert"):
                yield ctx.finding(
                    E_NO_PRIMARY_KEY,
                    f"sync rule {rule_name!r} {sync.mode}s rows of data extension {name!r}, "
                    "which has no primary key",
                    ("data_extensions", name, "fields"),
                    address=f"data_extension.{name}",
                    related=[(("sync_rules", rule_name, "target"), f"{rule_name!r} writes here")],
                )
            for key in keys:
                if key not in sync.fields:
                    yield ctx.finding(
                        E_KEY_NOT_FILLED,
                        f"sync rule {rule_name!r} writes data extension {name!r} without "
                        f"filling its primary key {key!r}",
                        ("sync_rules", rule_name, "fields"),
                        address=f"sync_rule.{rule_name}",
                        related=[(("data_extensions", name, "fields", key), "the key")],
                    )


def _nullable(ctx: Context, name: str, de: DataExtension) -> Iterator[Finding]:
    for key in _keys(de):
        path = ("data_extensions", name, "fields", key, "required")
        if ctx.value(path) is False:
            yield ctx.finding(
                E_NULLABLE_KEY,
                f"primary key {key!r} of data extension {name!r} is declared not required",
                path,
                address=f"data_extension.{name}",
            )


def _inserting_writers(ctx: Context, key: str) -> Iterator[tuple[str, set[str], bool]]:
    """(rule, fields it fills in `key`, forward?) of the rules that add rows to `key`:
    insert/upsert rules into it, and two-way insert/upsert rules reading it (their reverse
    flow fills the fields mapped from)."""
    for name, sync in ctx.rules_by_target.get(key, []):
        if sync.mode != "update":
            yield name, set(sync.fields), True
    for name, sync in ctx.rules_by_source.get(key, []):
        if sync.direction == "two_way" and sync.mode != "update":
            filled = {m if isinstance(m, str) else (m.from_ or "") for m in sync.fields.values()}
            yield name, filled, False


@rule("sendable-subscriber-filled", E_SUBSCRIBER_NOT_FILLED)
def subscriber_filled(ctx: Context) -> Iterator[Finding]:
    """Sync rules that add rows to a sendable data extension without its subscriber field."""
    for name in sorted(ctx.eco.data_extensions):
        de = ctx.eco.data_extensions[name]
        spec = ctx.object_of_de(name)
        if de.sendable is None or spec is None:
            continue
        field = de.sendable.field
        for rule_name, filled, forward in _inserting_writers(ctx, f"{spec.system}.{name}"):
            if field in filled or (forward and field in _keys(de)):
                continue  # a primary key a rule leaves unfilled is E7008
            yield ctx.finding(
                E_SUBSCRIBER_NOT_FILLED,
                f"sync rule {rule_name!r} adds rows to sendable data extension {name!r} "
                f"without filling {field!r}, the field related to the subscriber key",
                ("sync_rules", rule_name, "fields"),
                address=f"sync_rule.{rule_name}",
                related=[(("data_extensions", name, "sendable", "field"), "the relationship")],
            )
