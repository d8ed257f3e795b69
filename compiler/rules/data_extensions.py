"""Data extensions: subscriber relationships, primary keys present, non-null and filled."""

from __future__ import annotations

from collections.abc import Iterator

from compiler.diagnostics import Finding, code
from compiler.mclocation import E_CROSS_UNIT, Reader, qualifier, reader_of
from compiler.model.data_extensions import DataExtension
from compiler.model.sync import SyncRule
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

E_TEMPLATE_FIELDS = code(
    "E7010",
    "Data extension template without its fields",
    "A data extension created from a Marketing Cloud template holds the template's fields: "
    "TriggeredSendDataExtension brings SubscriberKey and EmailAddress (mcdev's "
    "DataExtension.definition.js templateFields; mcdev removes them before deploying and "
    "the template adds them back). Left out of the YAML, queries and sync rules cannot "
    "name them and the generated file does not describe the data extension deployed.",
    "Declare the template's fields in `fields` (SubscriberKey: Text 254, EmailAddress: "
    "EmailAddress 254).",
)
TEMPLATE_FIELDS = {"TriggeredSendDataExtension": ("SubscriberKey", "EmailAddress")}

_SUBSCRIBER_TYPES = ("Text", "EmailAddress", "Number")


@rule("data-extension-template-fields", E_TEMPLATE_FIELDS)
def template_fields(ctx: Context) -> Iterator[Finding]:
    """Data extensions from a template that do not declare the template's fields."""
    for name in sorted(ctx.eco.data_extensions):
        de = ctx.eco.data_extensions[name]
        missing = [f for f in TEMPLATE_FIELDS.get(de.template or "", ()) if f not in de.fields]
        if missing:
            yield ctx.finding(
                E_TEMPLATE_FIELDS,
                f"data extension {name!r} is created from template {de.template} but does "
                f"not declare its field(s) {', '.join(missing)}",
                ("data_extensions", name, "template"),
                address=f"data_extension.{name}",
            )


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
        # written in the YAML (the model is strict: only a literal `false` gives False)
        field = de.fields[key]
        if field.required is False and "required" in field.model_fields_set:
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


def _query_rules(ctx: Context) -> Iterator[tuple[str, SyncRule, Reader]]:
    """Sync rules that become query activities (source and target data extension in one
    Marketing Cloud system), with the business unit their query runs in."""
    for name in sorted(ctx.eco.sync_rules):
        sync = ctx.eco.sync_rules[name]
        src, dst = ctx.resolved.object(sync.source), ctx.resolved.object(sync.target)
        if src is None or dst is None or src.system != dst.system:
            continue
        if ctx.system_type(dst.system) != "marketing_cloud" or dst.kind != "data_extension":
            continue
        reader = reader_of(ctx.resolved, dst.name)
        if reader is not None:
            yield name, sync, reader


def _shared_with(ctx: Context, obj: str, unit: str) -> bool:
    de = ctx.eco.data_extensions.get(obj)
    if de is None:
        return True
    return de.business_unit == unit or de.shared_with == "*" or unit in de.shared_with


@rule("marketing-cloud-cross-unit-references", E_CROSS_UNIT)
def cross_unit(ctx: Context) -> Iterator[Finding]:
    """Queries that read a data extension their business unit cannot resolve."""
    for name, sync, reader in _query_rules(ctx):
        src = ctx.resolved.object(sync.source)
        assert src is not None
        reads: list[tuple[str, tuple[str | int, ...]]] = [
            (src.name, ("sync_rules", name, "source"))
        ]
        for i, channel in enumerate(sync.respect_consent):
            cc = ctx.eco.consent.channels.get(channel)
            storage = cc.storage.get(reader.system) if cc is not None else None
            if storage is not None and storage.object not in (src.name, sync.target):
                reads.append((storage.object, ("sync_rules", name, "respect_consent", i)))
        for obj, path in reads:
            if path[-1] == "source" and not _shared_with(ctx, obj, reader.engage_unit):
                continue  # not shared at all: E7003 (rules/units.py) says so
            _, why = qualifier(ctx.resolved, reader, obj)
            if why and ctx.resolved.object(f"{reader.system}.{obj}") is not None:
                yield ctx.finding(
                    E_CROSS_UNIT,
                    f"sync rule {name!r} runs as a query activity in business unit "
                    f"{reader.unit!r}: {why}",
                    path,
                    address=f"sync_rule.{name}",
                    related=[(("data_extensions", obj, "business_unit"), "it lives here")]
                    if obj in ctx.eco.data_extensions
                    else [],
                )
