"""What generate would write back for each imported permission set, against what the org has.

A permission set engage generates grants what the integration user's sync rules need, plus
the view_all/modify_all its `permissions` declare, closed under the platform's
implications (`compiler.emit.salesforce.permission_sets.grant`). The imported `permissions`
record what the org grants today, which the checks compare with the need (W4004 flags
the excess). So an imported permission set comes back exactly only where the org grants
exactly the need: once the ecosystem is written, it is compiled, the grant computed as
generate computes it, and every object and field whose access would differ is named in
the report entry of the permission set, which becomes partly imported. Nothing changes
silently.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace
from pathlib import Path

from compiler.access import all_access, takes_field_permission
from compiler.emit.salesforce.permission_sets import grant
from compiler.importer.core import ImportResult, Status
from compiler.pipeline import compile_path

OPERATIONS = ("read", "create", "edit", "delete", "view_all", "modify_all")


def _ops(values: Collection[str]) -> str:
    return ", ".join(op for op in OPERATIONS if op in values) or "none"


def refine_permission_sets(result: ImportResult, out: Path) -> None:
    """Name, in the report, each access generate would not write back as retrieved."""
    targets = [
        i
        for i, e in enumerate(result.entries)
        if e.element == "PermissionSet" and e.address.startswith("integration_user.")
    ]
    if not targets:
        return
    resolved = compile_path(out).resolved
    if resolved is None:
        return  # the written ecosystem does not resolve: its findings say why
    needs = all_access(resolved)
    for i in targets:
        entry = result.entries[i]
        name = entry.address.partition(".")[2]
        user = resolved.ecosystem.integration_users.get(name)
        if user is None or name not in needs:
            continue
        written = grant(needs[name], user)
        catalog = resolved.objects.get(user.system, {})
        objects = {o: ops for o, ops in written.objects.items() if o in catalog}
        fields = {
            key: level
            for key, level in written.fields.items()
            if key[0] in objects and takes_field_permission(catalog.get(key[0]), key[1])
        }
        org_objects: dict[str, set[str]] = {
            o: set(p.object) for o, p in user.permissions.items() if p.object
        }
        org_fields = {
            (o, f): lvl for o, p in user.permissions.items() for f, lvl in p.fields.items()
        }
        differences = []
        for obj in sorted(set(objects) | set(org_objects)):
            have, back = org_objects.get(obj, set()), set(objects.get(obj, frozenset()))
            if have != back:
                differences.append(
                    f"objectPermissions {obj}: the org grants {_ops(have)}, generate writes "
                    f"{_ops(back)}"
                )
        for key in sorted(set(fields) | set(org_fields)):
            have_level, back_level = org_fields.get(key, "none"), fields.get(key, "none")
            if have_level != back_level:
                differences.append(
                    f"fieldPermissions {key[0]}.{key[1]}: the org grants {have_level}, "
                    f"generate writes {back_level}"
                )
        if not differences:
            continue
        differences.append(
            "generate writes the access the sync rules need plus the view_all/modify_all "
            "declared; `permissions` keeps the org's access for the checks"
        )
        reason = "; ".join(r for r in (entry.reason, *differences) if r)
        result.entries[i] = replace(entry, status=Status.PARTIAL, reason=reason)
