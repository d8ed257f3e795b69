"""Marketing Cloud target: a Marketing Cloud DevTools (mcdev) project for `mcdev deploy`.

    .mcdevrc.json                                     credentials, business units, MIDs
    deploy/<system>/<business unit>/dataExtension/<Key>.dataExtension-meta.json
    deploy/<system>/<business unit>/query/<Key>.query-meta.sql + <Key>.query-meta.json
    deploy/<system>/<business unit>/automation/<Name>.automation-meta.json

(`deploy/<system>/<business unit>` is mcdev's `deploy/<credential>/<business unit>`; the
parent unit is `_ParentBU_`.) Queries name their target with `r__dataExtension_key`, as
current mcdev writes them (lib/metadataTypes/Query.js; `targetKey` is the older form). Every
query is checked against the T-SQL subset Marketing Cloud runs before it is written (once per
prebuilt shape, `shapes.py`; parsed back otherwise); a query that fails the check is an
engage bug and is reported as one instead of being written.
"""

from __future__ import annotations

from collections.abc import Sequence

from compiler.diagnostics import Finding, make
from compiler.emit.artifact import Emitted
from compiler.emit.marketing_cloud import queries as q
from compiler.emit.marketing_cloud import tsql
from compiler.emit.marketing_cloud.automations import automations
from compiler.emit.marketing_cloud.data_extensions import dump, emit_data_extension
from compiler.emit.marketing_cloud.names import E_MC_NAME, DeInfo, data_extensions
from compiler.emit.marketing_cloud.project import project
from compiler.emit.selection import E_INTERNAL
from compiler.resolved import ResolvedEcosystem


def query_json(query: q.Query) -> dict[str, object]:
    return {
        "name": query.name,
        "key": query.key,
        "description": query.description,
        "r__dataExtension_key": query.target.key,
        "targetUpdateTypeName": query.update_type,
        "isFrozen": False,
        "r__folder_Path": "Query",
    }


def query_files(query: q.Query) -> list[Emitted]:
    base = f"{query.target.folder}/query/{query.key}.query-meta"
    return [
        Emitted(f"{base}.json", dump(query_json(query)), query.sources),
        Emitted(f"{base}.sql", query.sql.encode("utf-8"), query.sources),
    ]


def build_queries(
    resolved: ResolvedEcosystem, infos: dict[str, DeInfo]
) -> tuple[list[q.Query], list[Finding]]:
    out: list[q.Query] = []
    findings: list[Finding] = []
    keys: dict[tuple[str, str], str] = {}
    for name, rule in sorted(resolved.ecosystem.sync_rules.items()):
        if not q.is_query_rule(resolved, rule):
            continue
        query, found = q.build(resolved, infos, name, rule)
        findings.extend(found)
        if query is None:
            continue
        problem = _problem(resolved, query, keys)
        if problem is not None:
            findings.append(problem)
        else:
            keys[(query.target.folder, query.key.lower())] = name
            out.append(query)
    return out, findings


def _problem(
    resolved: ResolvedEcosystem, query: q.Query, keys: dict[tuple[str, str], str]
) -> Finding | None:
    """Why a built query cannot be written: a key taken in its business unit, or SQL
    outside Marketing Cloud's subset (an engage bug)."""
    address = f"sync_rule.{query.rule}"
    other = keys.get((query.target.folder, query.key.lower()))
    if other is not None:
        message = (
            f"sync rule {query.rule!r}: its query key {query.key!r} is also the key of the "
            f"query of {other!r} in business unit {query.target.business_unit!r}"
        )
        return make(E_MC_NAME, message, resolved.span(("sync_rules", query.rule)), address=address)
    if resolved.ecosystem.sync_rules[query.rule].query is not None:
        return None  # kept as retrieved: Marketing Cloud accepted it, engage does not judge it
    if query.checked:
        return None  # its shape was found clean once (shapes.py): no parse-back
    bad = tsql.problems(query.sql)
    if bad:
        message = f"query of sync rule {query.rule!r} is not valid Marketing Cloud SQL: {bad[0]}"
        return make(E_INTERNAL, message, None, address=address)
    return None


def emit(resolved: ResolvedEcosystem) -> tuple[Sequence[Emitted], list[Finding]]:
    infos, findings = data_extensions(resolved)
    artifacts = [
        emit_data_extension(info, resolved.ecosystem.data_extensions[name])
        for name, info in sorted(infos.items())
    ]
    queries, found = build_queries(resolved, infos)
    findings.extend(found)
    for query in queries:
        artifacts.extend(query_files(query))
    autos, found = automations(resolved, queries)
    artifacts.extend(autos)
    findings.extend(found)
    files, found = project(resolved)
    artifacts.extend(files)
    findings.extend(found)
    return sorted(artifacts, key=lambda a: a.path), findings
