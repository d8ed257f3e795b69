"""Integration users: one per integration, with exactly the access their syncs need."""

from __future__ import annotations

from collections.abc import Iterator

from compiler.access import ObjectNeed, UserAccess, required_alongside, takes_field_permission
from compiler.diagnostics import Finding, code
from compiler.model.integrations import IntegrationUser, ObjectPermission
from compiler.rules.context import Context
from compiler.rules.registry import rule

W_SHARED = code(
    "W4001",
    "Integration user shared by several integrations",
    "Each integration should run as its own integration user (seed 000, consideration 14): "
    "a shared user mixes the integrations' permissions, hides which one changed a record "
    "and cannot be switched off for one integration alone. Two declarations with one "
    "`username` in one system are one user to the platform (a Salesforce username is "
    "unique and case-insensitive; the login, its permission sets and its audit trail are "
    "the username's), so they are compared by username, not by name.",
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

_REQUIRES = {
    "create": ("read",),
    "edit": ("read",),
    "delete": ("read", "edit"),
    "view_all": ("read",),
    "modify_all": ("delete", "view_all"),
}


def _is_salesforce(ctx: Context, user: IntegrationUser) -> bool:
    return ctx.system_type(user.system) == "salesforce"


def _grants(perm: ObjectPermission | None) -> set[str]:
    return set(perm.object) if perm is not None else set()


def identity(user: IntegrationUser, name: str) -> tuple[str, str]:
    """What the platform tells users apart by: the username within its system (Salesforce
    usernames are case-insensitive), or the declaration itself when it names none."""
    if user.username:
        return user.system, user.username.casefold()
    return "", name


@rule("shared-integration-user", W_SHARED)
def shared_user(ctx: Context) -> Iterator[Finding]:
    """An integration user (one platform login) used by more than one integration."""
    users = ctx.eco.integration_users
    by_identity: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for user, integrations in sorted(ctx.integrations_by_user.items()):
        key = identity(users[user], user) if user in users else ("", user)
        by_identity.setdefault(key, []).extend((i, user) for i in integrations)
    for key in sorted(by_identity):
        (first, first_user), *others = sorted(by_identity[key])
        for other, user in others:
            same = user == first_user
            message = (
                f"integration user {user!r} is also used by integration {first!r}; "
                f"integration {other!r} should have its own"
                if same
                else f"integration users {user!r} and {first_user!r} are one platform user "
                f"(username {users[user].username}): integration {first!r} runs as it too; "
                f"integration {other!r} should have its own"
            )
            related: list[tuple[tuple[str, ...], str]] = [
                (("integrations", first, "user"), f"{first!r} uses it too")
            ]
            if not same:
                related.append((("integration_users", first_user, "username"), "the same username"))
            related.append((("integration_users", user), "the user is declared here"))
            yield ctx.finding(
                W_SHARED,
                message,
                ("integrations", other, "user"),
                address=f"integration.{other}",
                related=related,
            )


def _object_gaps(ctx: Context, access: UserAccess, obj: str, need: ObjectNeed) -> Iterator[Finding]:
    user = ctx.eco.integration_users[access.user]
    have = _grants(user.permissions.get(obj))
    missing = sorted(a for a in need.operations if a not in have)
    if not missing:
        return
    where = ("integration_users", access.user, "permissions", obj)
    paths = sorted({p for a in missing for p in need.operations[a]})
    yield ctx.finding(
        E_OBJECT_ACCESS,
        f"integration user {access.user!r} lacks {', '.join(missing)} access on "
        f"{user.system}.{obj}, which its sync needs",
        where if obj in user.permissions else ("integration_users", access.user),
        address=f"integration_user.{access.user}",
        related=[(p, "needed here") for p in paths],
    )


def _field_gaps(ctx: Context, access: UserAccess, obj: str, need: ObjectNeed) -> Iterator[Finding]:
    user = ctx.eco.integration_users[access.user]
    perm = user.permissions.get(obj)
    granted = perm.fields if perm is not None else {}
    spec = ctx.object(user.system, obj)
    missing: dict[str, tuple[str | int, ...]] = {}
    for fname, levels in need.fields.items():
        if not takes_field_permission(spec, fname):
            continue
        want = need.level(fname)
        if granted.get(fname) not in ((want, "edit") if want == "read" else ("edit",)):
            missing[f"{fname} ({want})"] = levels[want][0]
    if not missing:
        return
    where = ("integration_users", access.user, "permissions", obj)
    yield ctx.finding(
        E_FIELD_ACCESS,
        f"integration user {access.user!r} cannot access {', '.join(missing)} on "
        f"{user.system}.{obj}, which its integrations need (connectors skip fields they "
        "cannot access, silently)",
        where if perm is not None else ("integration_users", access.user),
        address=f"integration_user.{access.user}",
        related=[(path, f"{label} is needed here") for label, path in missing.items()],
    )


def _salesforce_users(ctx: Context) -> Iterator[UserAccess]:
    for user_name, access in sorted(ctx.access.items()):
        if _is_salesforce(ctx, ctx.eco.integration_users[user_name]):
            yield access


@rule("integration-user-access", E_OBJECT_ACCESS, E_FIELD_ACCESS)
def missing_access(ctx: Context) -> Iterator[Finding]:
    """Object and field access an integration user's sync rules need but it lacks."""
    for access in _salesforce_users(ctx):
        for obj, need in access.objects.items():
            yield from _object_gaps(ctx, access, obj, need)
            yield from _field_gaps(ctx, access, obj, need)


def _excess(ctx: Context, access: UserAccess, obj: str, perm: ObjectPermission) -> list[str]:
    need = access.objects.get(obj)
    wanted = set(need.operations) if need is not None else set()
    wanted |= {"read"} if wanted or obj in required_alongside(access.objects) else set()
    out: list[str] = [a for a in perm.object if a not in wanted]
    spec = ctx.object(access.system, obj)
    fields = need.fields if need is not None else {}
    for fname, level in sorted(perm.fields.items()):
        if not takes_field_permission(spec, fname):
            continue  # the object permission decides; no permission set can name it
        if fname not in fields:
            out.append(f"{fname} ({level})")
        elif level == "edit" and need is not None and need.level(fname) != "edit":
            out.append(f"{fname} (edit, only read is needed)")
    return out


@rule("integration-user-excess", W_EXCESS)
def excess_access(ctx: Context) -> Iterator[Finding]:
    """Access an integration user holds beyond what its sync rules need."""
    for access in _salesforce_users(ctx):
        if not access.complete or access.user not in ctx.integrations_by_user:
            continue
        user = ctx.eco.integration_users[access.user]
        for obj, perm in sorted(user.permissions.items()):
            extra = _excess(ctx, access, obj, perm)
            if extra:
                yield ctx.finding(
                    W_EXCESS,
                    f"integration user {access.user!r} holds {', '.join(extra)} on "
                    f"{user.system}.{obj}, which none of its sync rules needs",
                    ("integration_users", access.user, "permissions", obj),
                    address=f"integration_user.{access.user}",
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
