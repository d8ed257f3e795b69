"""Integration users: one per integration, with exactly the access their syncs need."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from compiler.diagnostics import Finding, code
from compiler.model.integrations import Integration, IntegrationUser, ObjectPermission
from compiler.model.sync import SyncRule
from compiler.rules.context import Context
from compiler.rules.registry import rule

W_SHARED = code(
    "W4001",
    "Integration user shared by several integrations",
    "Each integration should run as its own integration user (seed 000, consideration 14): "
    "a shared user mixes the integrations' permissions, hides which one changed a record "
    "and cannot be switched off for one integration alone.",
    "Declare a separate integration user for this integration.",
)
E_OBJECT_ACCESS = code(
    "E4002",
    "Integration user lacks object access",
    "The integration user cannot read, create or edit an object its sync rules need: "
    "the sync fails on every record of that object.",
    "Grant the missing object access in the user's `permissions`.",
)
E_FIELD_ACCESS = code(
    "E4003",
    "Integration user lacks field access",
    "Fields the integration user cannot see or edit are silently skipped by the connectors "
    "(Marketing Cloud Connect, the Account Engagement connector): the sync reports success "
    "while the values never arrive.",
    "Grant read (source fields) or edit (target fields) access in the user's `permissions`.",
)
W_EXCESS = code(
    "W4004",
    "Integration user holds more access than its syncs need",
    "Access beyond what the sync rules use widens what a leaked integration credential "
    "can do and what the integration can break; integration users get the minimum.",
    "Remove the access no sync rule of the user's integrations needs.",
)
E_INCONSISTENT = code(
    "E4005",
    "Permission that the platform refuses",
    "In a Salesforce permission set, Create and Edit require Read, Delete requires Read "
    "and Edit, View All requires Read, Modify All requires Delete and View All, and field "
    "access requires Read on the object: the deploy fails otherwise.",
    "Add the access the permission depends on, or drop the permission.",
)

_NO_FLS = frozenset(
    ("CreatedDate", "LastModifiedDate", "SystemModstamp", "CreatedById", "LastModifiedById")
)
_REQUIRES = {
    "create": ("read",),
    "edit": ("read",),
    "delete": ("read", "edit"),
    "view_all": ("read",),
    "modify_all": ("delete", "view_all"),
}


@dataclass
class Need:
    """What one integration user needs on one object, and which paths need it."""

    access: dict[str, list[tuple[str | int, ...]]] = field(default_factory=dict)
    fields: dict[str, dict[str, list[tuple[str | int, ...]]]] = field(default_factory=dict)

    def want(self, access: str, path: tuple[str | int, ...]) -> None:
        self.access.setdefault(access, []).append(path)

    def want_field(self, name: str, access: str, path: tuple[str | int, ...]) -> None:
        self.fields.setdefault(name, {}).setdefault(access, []).append(path)


Needs = dict[str, Need]  # object → need


def _is_salesforce(ctx: Context, user: IntegrationUser) -> bool:
    return ctx.system_type(user.system) == "salesforce"


def _write_side(needs: Needs, obj: str, sync: SyncRule, name: str, reverse: bool) -> None:
    need = needs.setdefault(obj, Need())
    base = ("sync_rules", name)
    modes = {"insert": ("create",), "update": ("edit",), "upsert": ("create", "edit")}[sync.mode]
    for access in modes:
        need.want(access, (*base, "mode"))
    for target, mapping in sync.fields.items():
        if reverse:
            source = mapping if isinstance(mapping, str) else mapping.from_
            if source is not None:
                need.want_field(source, "edit", (*base, "fields", target))
        else:
            need.want_field(target, "edit", (*base, "fields", target))
    if sync.match is not None:
        side = sync.match.source if reverse else sync.match.target
        need.want_field(side, "read", (*base, "match", "source" if reverse else "target"))


def _read_side(needs: Needs, obj: str, sync: SyncRule, name: str) -> None:
    need = needs.setdefault(obj, Need())
    base = ("sync_rules", name)
    need.want("read", (*base, "source"))
    for target, mapping in sync.fields.items():
        source = mapping if isinstance(mapping, str) else mapping.from_
        if source is not None:
            need.want_field(source, "read", (*base, "fields", target))
    for i, cond in enumerate(sync.filter):
        need.want_field(cond.field, "read", (*base, "filter", i, "field"))
    if sync.match is not None:
        need.want_field(sync.match.source, "read", (*base, "match", "source"))
    if sync.order_by:
        need.want_field(sync.order_by, "read", (*base, "order_by"))


def _sync_needs(needs: Needs, system: str, name: str, sync: SyncRule) -> None:
    ssys, _, sobj = sync.source.partition(".")
    tsys, _, tobj = sync.target.partition(".")
    if ssys == system:
        _read_side(needs, sobj, sync, name)
        if sync.direction == "two_way":
            _write_side(needs, sobj, sync, name, reverse=True)
    if tsys == system:
        _write_side(needs, tobj, sync, name, reverse=False)


def _sharing_needs(needs: Needs, name: str, integ: Integration) -> None:
    """The Account Engagement connector user needs read and edit access to the field of a
    marketing data sharing rule (Salesforce Help, "Configure Marketing Data Sharing Rules")."""
    ae = integ.account_engagement
    for i, sharing in enumerate(ae.sharing_rules if ae else []):
        path = ("integrations", name, "account_engagement", "sharing_rules", i, "field")
        needs.setdefault(sharing.object, Need()).want("read", path)
        needs[sharing.object].want_field(sharing.field, "edit", path)


def user_needs(ctx: Context, user_name: str) -> Needs | None:
    """Object/field access the user's integrations need; None when it cannot be known."""
    user = ctx.eco.integration_users[user_name]
    needs: Needs = {}
    for integ_name in ctx.integrations_by_user.get(user_name, []):
        integ = ctx.eco.integrations[integ_name]
        rules = ctx.rules_by_integration.get(integ_name, [])
        mcc = integ.marketing_cloud_connect
        if not rules and mcc is None:
            return None
        for name, sync in rules:
            _sync_needs(needs, user.system, name, sync)
        _sharing_needs(needs, integ_name, integ)
        if mcc is not None and integ.from_ == user.system:
            for obj, fnames in mcc.objects.items():
                path = ("integrations", integ_name, "marketing_cloud_connect", "objects", obj)
                needs.setdefault(obj, Need()).want("read", path)
                for i, fname in enumerate(fnames):
                    needs[obj].want_field(fname, "read", (*path, i))
    return needs


def _grants(perm: ObjectPermission | None) -> set[str]:
    return set(perm.object) if perm is not None else set()


@rule("shared-integration-user", W_SHARED)
def shared_user(ctx: Context) -> Iterator[Finding]:
    """An integration user used by more than one integration."""
    for user, integrations in sorted(ctx.integrations_by_user.items()):
        first, *others = integrations
        for other in others:
            yield ctx.finding(
                W_SHARED,
                f"integration user {user!r} is also used by integration {first!r}; "
                f"integration {other!r} should have its own",
                ("integrations", other, "user"),
                address=f"integration.{other}",
                related=[
                    (("integrations", first, "user"), f"{first!r} uses it too"),
                    (("integration_users", user), "the user is declared here"),
                ],
            )


def _object_gaps(ctx: Context, user_name: str, obj: str, need: Need) -> Iterator[Finding]:
    user = ctx.eco.integration_users[user_name]
    have = _grants(user.permissions.get(obj))
    missing = sorted(a for a in need.access if a not in have)
    if not missing:
        return
    where = ("integration_users", user_name, "permissions", obj)
    paths = sorted({p for a in missing for p in need.access[a]})
    yield ctx.finding(
        E_OBJECT_ACCESS,
        f"integration user {user_name!r} lacks {', '.join(missing)} access on "
        f"{user.system}.{obj}, which its sync needs",
        where if obj in user.permissions else ("integration_users", user_name),
        address=f"integration_user.{user_name}",
        related=[(p, "needed here") for p in paths],
    )


def _field_gaps(ctx: Context, user_name: str, obj: str, need: Need) -> Iterator[Finding]:
    user = ctx.eco.integration_users[user_name]
    perm = user.permissions.get(obj)
    granted = perm.fields if perm is not None else {}
    spec = ctx.object(user.system, obj)
    missing: dict[str, list[tuple[str | int, ...]]] = {}
    for fname, accesses in sorted(need.fields.items()):
        fspec = spec.fields.get(fname) if spec is not None else None
        if fname in _NO_FLS or (fspec is not None and fspec.type == "id"):
            continue
        want = "edit" if "edit" in accesses else "read"
        if granted.get(fname) not in ((want, "edit") if want == "read" else ("edit",)):
            missing[f"{fname} ({want})"] = accesses[want]
    if not missing:
        return
    where = ("integration_users", user_name, "permissions", obj)
    yield ctx.finding(
        E_FIELD_ACCESS,
        f"integration user {user_name!r} cannot access {', '.join(missing)} on "
        f"{user.system}.{obj}, which its integrations need (connectors skip fields they "
        "cannot access, silently)",
        where if perm is not None else ("integration_users", user_name),
        address=f"integration_user.{user_name}",
        related=[(paths[0], f"{label} is needed here") for label, paths in missing.items()],
    )


@rule("integration-user-access", E_OBJECT_ACCESS, E_FIELD_ACCESS)
def missing_access(ctx: Context) -> Iterator[Finding]:
    """Object and field access an integration user's sync rules need but it lacks."""
    for user_name in sorted(ctx.eco.integration_users):
        if not _is_salesforce(ctx, ctx.eco.integration_users[user_name]):
            continue
        for obj, need in sorted((user_needs(ctx, user_name) or {}).items()):
            yield from _object_gaps(ctx, user_name, obj, need)
            yield from _field_gaps(ctx, user_name, obj, need)


def _excess(perm: ObjectPermission, need: Need | None) -> list[str]:
    wanted = set(need.access) if need is not None else set()
    wanted |= {"read"} if wanted else set()
    out: list[str] = [a for a in perm.object if a not in wanted]
    fields = need.fields if need is not None else {}
    for fname, access in sorted(perm.fields.items()):
        if fname not in fields:
            out.append(f"{fname} ({access})")
        elif access == "edit" and "edit" not in fields[fname]:
            out.append(f"{fname} (edit, only read is needed)")
    return out


@rule("integration-user-excess", W_EXCESS)
def excess_access(ctx: Context) -> Iterator[Finding]:
    """Access an integration user holds beyond what its sync rules need."""
    for user_name in sorted(ctx.eco.integration_users):
        user = ctx.eco.integration_users[user_name]
        needs = user_needs(ctx, user_name) if _is_salesforce(ctx, user) else None
        if needs is None or user_name not in ctx.integrations_by_user:
            continue
        for obj, perm in sorted(user.permissions.items()):
            extra = _excess(perm, needs.get(obj))
            if extra:
                yield ctx.finding(
                    W_EXCESS,
                    f"integration user {user_name!r} holds {', '.join(extra)} on "
                    f"{user.system}.{obj}, which none of its sync rules needs",
                    ("integration_users", user_name, "permissions", obj),
                    address=f"integration_user.{user_name}",
                )


@rule("permission-dependencies", E_INCONSISTENT)
def permission_dependencies(ctx: Context) -> Iterator[Finding]:
    """Object permissions missing the access the platform requires them to include."""
    for user_name in sorted(ctx.eco.integration_users):
        user = ctx.eco.integration_users[user_name]
        for obj, perm in sorted(user.permissions.items()):
            have = set(perm.object)
            missing = sorted({req for a in have for req in _REQUIRES.get(a, ()) if req not in have})
            if perm.fields and "read" not in have:
                missing = sorted({*missing, "read"})
            if missing:
                yield ctx.finding(
                    E_INCONSISTENT,
                    f"integration user {user_name!r}: the access on {obj} needs "
                    f"{', '.join(missing)} as well",
                    ("integration_users", user_name, "permissions", obj, "object"),
                    address=f"integration_user.{user_name}",
                )
