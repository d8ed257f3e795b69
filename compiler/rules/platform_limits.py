"""Published platform limits and connector behaviour (numbers in compiler/rules/platform.py)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from compiler.diagnostics import Finding, code
from compiler.model.sync import FieldMapping, SyncRule
from compiler.rules.context import Context
from compiler.rules.registry import rule

E_EXTERNAL_KEY = code(
    "E8005",
    "Data extension external key too long",
    "Marketing Cloud documents a 36-character limit for data extension external keys "
    "(CustomerKey): the API accepts a longer one, but the UI truncates it to 36 characters "
    "and processes that look the data extension up by its key then fail.",
    "Shorten `external_key` (limit: --limit de_external_key_max).",
)
W_CONNECT_FIELDS = code(
    "W8006",
    "More synchronized fields than recommended",
    "Marketing Cloud Connect synchronises about 20 fields per object comfortably; more slow "
    "every refresh and delay what depends on it (limit: --limit mcc_fields_recommended).",
    "Synchronise only the fields journeys and queries use.",
)
E_CONNECT_FIELDS = code(
    "E8007",
    "Too many synchronized fields",
    "Marketing Cloud Connect synchronises at most 250 fields per object; the synchronized "
    "data source cannot be saved beyond that (limit: --limit mcc_fields_max).",
    "Synchronise fewer fields.",
)
W_CONNECT_UNITS = code(
    "W8013",
    "Marketing Cloud Connect user serving many business units",
    "One Marketing Cloud Connect connector user serves a limited number of business units: "
    "its business unit access decides which units the CRM can use, and every unit's "
    "synchronized data sources and sends run through it. engage's bound is a planning "
    "default, not a published figure (limit: --limit mcc_business_units_per_user).",
    "Split the business units between connector users (one Marketing Cloud Connect "
    "integration each), or set the figure your account has with --limit.",
)
W_DATE_KEY = code(
    "W8008",
    "Date field in a primary key",
    "Marketing Cloud accepts a Date field in a data extension's primary key, alone or in a "
    "composite key (data extensions retrieved from real accounts have one). The SOAP API "
    "guide advises against it: it returns Date values rounded to the nearest second, so "
    "rows whose keys differ only below a second cannot be retrieved or updated one by one "
    "through the API (Marketing Cloud SOAP API, Create a Data Extension: 'Don't use Date "
    "values as primary keys').",
    "Key the rows on a Text or Number field that is unique by itself, or make sure the Date "
    "part holds no time below the second (a date without a time of day).",
)
E_SHARING_RULES = code(
    "E8009",
    "Several marketing data sharing rules for one object",
    "Account Engagement allows one equals-only marketing data sharing rule per object in a "
    "business unit; a second one for the same object is refused.",
    "Merge the conditions into one rule (a single field and value), e.g. a formula field.",
)
E_CONNECTORS = code(
    "E8010",
    "Several Account Engagement connectors for one business unit",
    "An Account Engagement business unit has exactly one Salesforce connector.",
    "Use one connector integration per Account Engagement business unit.",
)
W_CONNECTOR_FIELD_TYPE = code(
    "W8011",
    "Field the Account Engagement connector does not sync",
    "Lookup and geolocation fields do not sync through the Account Engagement connector: "
    "the mapping is silently ignored.",
    "Map a text field holding the value (e.g. a formula field) instead.",
)
E_MOST_RECENT = code(
    "E8012",
    "Most-recently-updated sync behaviour not available",
    "The Account Engagement connector offers 'use the most recently updated value' only for "
    "the Opted Out field, and only with field history tracking on it in Salesforce; any "
    "other field uses the Salesforce value or the Account Engagement value.",
    "Use `source_wins` or `target_wins`, or enable field history on the opt-out field "
    "(`field_history` on the Salesforce system).",
)


@rule("external-keys", E_EXTERNAL_KEY)
def external_keys(ctx: Context) -> Iterator[Finding]:
    """Data extension external keys longer than the platform allows."""
    limit = ctx.limits.de_external_key_max
    for name in sorted(ctx.eco.data_extensions):
        key = ctx.eco.data_extensions[name].external_key
        if len(key) > limit:
            yield ctx.finding(
                E_EXTERNAL_KEY,
                f"external key of data extension {name!r} has {len(key)} characters; "
                f"at most {limit} are allowed",
                ("data_extensions", name, "external_key"),
                address=f"data_extension.{name}",
            )


@rule("connect-field-count", W_CONNECT_FIELDS, E_CONNECT_FIELDS)
def connect_fields(ctx: Context) -> Iterator[Finding]:
    """Marketing Cloud Connect objects with more fields than recommended or allowed."""
    limits = ctx.limits
    for name in sorted(ctx.eco.integrations):
        mcc = ctx.eco.integrations[name].marketing_cloud_connect
        for obj, fields in sorted((mcc.objects if mcc else {}).items()):
            count = len(fields)
            if count <= limits.mcc_fields_recommended:
                continue
            over_max = count > limits.mcc_fields_max
            yield ctx.finding(
                E_CONNECT_FIELDS if over_max else W_CONNECT_FIELDS,
                f"integration {name!r} synchronises {count} fields of {obj}; "
                + (
                    f"at most {limits.mcc_fields_max} are allowed"
                    if over_max
                    else f"about {limits.mcc_fields_recommended} are recommended"
                ),
                ("integrations", name, "marketing_cloud_connect", "objects", obj),
                address=f"integration.{name}",
            )


@rule("date-primary-keys", W_DATE_KEY)
def date_keys(ctx: Context) -> Iterator[Finding]:
    """Date fields in data extension primary keys."""
    for name in sorted(ctx.eco.data_extensions):
        for fname, f in ctx.eco.data_extensions[name].fields.items():
            if f.primary_key and f.type == "Date":
                yield ctx.finding(
                    W_DATE_KEY,
                    f"primary key field {fname!r} of data extension {name!r} is a Date",
                    ("data_extensions", name, "fields", fname, "type"),
                    address=f"data_extension.{name}",
                )


@rule("account-engagement-sharing-rules", E_SHARING_RULES)
def sharing_rules(ctx: Context) -> Iterator[Finding]:
    """More marketing data sharing rules per object than Account Engagement allows."""
    for name in sorted(ctx.eco.integrations):
        ae = ctx.eco.integrations[name].account_engagement
        seen: dict[str, list[int]] = defaultdict(list)
        for i, sharing in enumerate(ae.sharing_rules if ae else []):
            seen[sharing.object].append(i)
            if len(seen[sharing.object]) > ctx.limits.ae_sharing_rules_per_object:
                first = seen[sharing.object][0]
                path = ("integrations", name, "account_engagement", "sharing_rules")
                yield ctx.finding(
                    E_SHARING_RULES,
                    f"integration {name!r} declares another marketing data sharing rule for "
                    f"{sharing.object}",
                    (*path, i),
                    address=f"integration.{name}",
                    related=[((*path, first), "the first rule for this object")],
                )


@rule("account-engagement-connectors", E_CONNECTORS)
def connectors(ctx: Context) -> Iterator[Finding]:
    """Business units served by more Account Engagement connectors than allowed."""
    seen: dict[str, list[str]] = defaultdict(list)
    for name in sorted(ctx.eco.integrations):
        ae = ctx.eco.integrations[name].account_engagement
        if ae is None:
            continue
        seen[ae.business_unit].append(name)
        if len(seen[ae.business_unit]) > ctx.limits.ae_connectors_per_business_unit:
            first = seen[ae.business_unit][0]
            yield ctx.finding(
                E_CONNECTORS,
                f"integration {name!r} is another Account Engagement connector for business "
                f"unit {ae.business_unit!r}",
                ("integrations", name, "account_engagement", "business_unit"),
                address=f"integration.{name}",
                related=[
                    (("integrations", first, "account_engagement", "business_unit"), "first one")
                ],
            )


def _connector_rules(ctx: Context) -> Iterator[tuple[str, SyncRule]]:
    for name in sorted(ctx.eco.integrations):
        if ctx.eco.integrations[name].type == "account_engagement_connector":
            yield from ctx.rules_by_integration.get(name, [])


@rule("account-engagement-field-types", W_CONNECTOR_FIELD_TYPE)
def connector_field_types(ctx: Context) -> Iterator[Finding]:
    """Lookup and geolocation fields mapped through the Account Engagement connector."""
    for name, sync in _connector_rules(ctx):
        ssys, _, sobj = sync.source.partition(".")
        tsys, _, tobj = sync.target.partition(".")
        for target, mapping in sorted(sync.fields.items()):
            source = mapping if isinstance(mapping, str) else mapping.from_
            specs = [ctx.field(f"{tsys}:{tobj}.{target}")]
            specs += [ctx.field(f"{ssys}:{sobj}.{source}")] if source else []
            bad = sorted({s.type for s in specs if s and s.type in ("lookup", "geolocation")})
            if bad:
                yield ctx.finding(
                    W_CONNECTOR_FIELD_TYPE,
                    f"sync rule {name!r} maps a {bad[0]} field through the Account "
                    "Engagement connector, which does not sync it",
                    ("sync_rules", name, "fields", target),
                    address=f"sync_rule.{name}",
                )


def _most_recent_ok(ctx: Context, sync: SyncRule, target: str, source: str | None) -> bool:
    for key, fname in ((sync.source, source), (sync.target, target)):
        system, _, obj = key.partition(".")
        if ctx.system_type(system) != "salesforce" or fname is None:
            continue
        history = getattr(ctx.eco.systems[system], "field_history", {})
        opt_out = fname in ("HasOptedOutOfEmail", "PersonHasOptedOutOfEmail")
        return opt_out and fname in history.get(obj, [])
    return False


@rule("account-engagement-most-recent", E_MOST_RECENT)
def most_recent(ctx: Context) -> Iterator[Finding]:
    """`most_recent` precedence the Account Engagement connector cannot honour."""
    for name, sync in _connector_rules(ctx):
        for target, mapping in sorted(sync.fields.items()):
            precedence = sync.precedence
            source: str | None = mapping if isinstance(mapping, str) else None
            if isinstance(mapping, FieldMapping):
                precedence, source = mapping.precedence or sync.precedence, mapping.from_
            if precedence != "most_recent" or _most_recent_ok(ctx, sync, target, source):
                continue
            yield ctx.finding(
                E_MOST_RECENT,
                f"sync rule {name!r} asks for the most recent value of {target!r}; the "
                "connector offers that only for the opt-out field with field history",
                ("sync_rules", name, "fields", target),
                address=f"sync_rule.{name}",
            )


def _units_by_user(ctx: Context) -> dict[str, list[tuple[str, int, str]]]:
    """Per connector user, the business units its Marketing Cloud Connect integrations
    serve: (integration, index, unit), first mention of each unit only."""
    out: dict[str, list[tuple[str, int, str]]] = defaultdict(list)
    seen: dict[str, set[str]] = defaultdict(set)
    for name in sorted(ctx.eco.integrations):
        integ = ctx.eco.integrations[name]
        mcc = integ.marketing_cloud_connect
        if mcc is None or integ.user is None:
            continue
        for i, unit in enumerate(mcc.business_units):
            if unit not in seen[integ.user]:
                seen[integ.user].add(unit)
                out[integ.user].append((name, i, unit))
    return out


@rule("connect-user-business-units", W_CONNECT_UNITS)
def connect_user_units(ctx: Context) -> Iterator[Finding]:
    """Marketing Cloud Connect users serving more business units than the limit."""
    limit = ctx.limits.mcc_business_units_per_user
    for user, units in sorted(_units_by_user(ctx).items()):
        if len(units) <= limit:
            continue
        name, i, unit = units[limit]
        path = ("integrations", name, "marketing_cloud_connect", "business_units")
        yield ctx.finding(
            W_CONNECT_UNITS,
            f"connector user {user!r} serves {len(units)} business units through Marketing "
            f"Cloud Connect, more than the {limit} one connector user serves; {unit!r} is the "
            "first beyond",
            (*path, i),
            address=f"integration.{name}",
            related=[(("integration_users", user), "the connector user")],
        )
