"""The mcdev project file, `.mcdevrc.json`, at the root of the Marketing Cloud folder.

Marketing Cloud DevTools (npm package `mcdev`, Accenture/sfmc-devtools) works in a folder
holding `.mcdevrc.json`: one *credential* per Marketing Cloud account (here: per Marketing
Cloud system, named like it) with its Enterprise ID (`eid`, the parent's MID) and its
business units by name with their MIDs, the parent named `_ParentBU_`
(lib/util/util.js `parentBuName`). mcdev checks the file against its own boilerplate
(lib/util/config.js `checkProperties`): every top-level key, every `options`,
`directories` and `metaDataTypes` key and every `options.deployment` key of
boilerplate/config.json must be present, the credential needs an `eid` and at least one
business unit with a MID, names hold no slash, and `version` is compared with the
running mcdev. The values below are that boilerplate's defaults (mcdev 8.0.0) with the
credentials filled in from the ecosystem and the environment generated.

No secret goes here: mcdev keeps client id and secret in `.mcdev-auth.json`, which
`mcdev init` writes on the operator's machine and engage never generates.
"""

from __future__ import annotations

from typing import Any

from compiler.diagnostics import Finding, code, make
from compiler.emit.artifact import Emitted
from compiler.emit.marketing_cloud.data_extensions import dump
from compiler.emit.marketing_cloud.names import mcdev_unit
from compiler.model.systems import MarketingCloudSystem
from compiler.resolved import ResolvedEcosystem

MCDEV_VERSION = "8.0.0"  # the mcdev release the project is written for (and CI tests with)

W_NO_MID = code(
    "W7805",
    "Marketing Cloud business unit without a MID",
    "mcdev addresses each business unit by its MID (`.mcdevrc.json`), and the Enterprise "
    "by the parent's MID. A unit without one is written with MID 0, which mcdev treats as "
    "undefined: it refuses the credential until the MID is set.",
    "Set `mid` of the business unit in the environment's overlay "
    "(`environments/<env>.yaml`, `systems.<mc>.business_units.<unit>.mid`).",
)

_TYPES = [
    "asset", "attributeGroup", "attributeSet", "automation", "dataExtension", "dataExtract",
    "dataFilter", "domainVerification", "emailSend", "event", "fileLocation", "fileTransfer",
    "filter", "importFile", "journey", "list", "mobileCode", "mobileKeyword", "mobileMessage",
    "query", "role", "script", "sendClassification", "senderProfile", "transactionalEmail",
    "transactionalPush", "transactionalSMS", "verification",
]  # fmt: skip
_DELTA_TYPES = [t for t in _TYPES if t not in {
    "attributeGroup", "attributeSet", "domainVerification", "fileLocation", "list", "role",
    "transactionalEmail",
}]  # fmt: skip
_VALIDATION = {"noAmpscriptHtmlTag": "warn", "noGuidKeys": "warn", "noRootFolder": "warn"}


def _options() -> dict[str, Any]:
    return {
        "formatOnSave": True,
        "formatErrorLog": False,
        "deployment": {
            "commitHistory": 10,
            "sourceTargetMapping": {"deployment-source": "deployment-target"},
            "branchSourceTargetMapping": {},
            "targetBranchBuMapping": {},
        },
        "validation": {
            "retrieve": dict(_VALIDATION),
            "buildDefinition": dict(_VALIDATION),
            "deploy": dict(_VALIDATION),
        },
        "documentType": "md",
        "documentStandardRoles": False,
        "exclude": {},
        "include": {},
        "serverTimeOffset": -6,
    }


def credential(system: MarketingCloudSystem) -> tuple[dict[str, Any], list[str]]:
    """The credential entry of one Marketing Cloud system, and its units without a MID."""
    units: dict[str, int] = {}
    missing: list[str] = []
    eid = 0
    for name, bu in sorted(system.business_units.items(), key=lambda i: (not i[1].parent, i[0])):
        units[mcdev_unit(name, bu.parent)] = bu.mid or 0
        if bu.mid is None:
            missing.append(name)
        if bu.parent:
            eid = bu.mid or 0
    return {"eid": eid, "businessUnits": units}, missing


def document(credentials: dict[str, Any]) -> dict[str, Any]:
    return {
        "credentials": credentials,
        "options": _options(),
        "directories": {
            "businessUnits": "businessUnits/",
            "deploy": "deploy/",
            "docs": "docs/",
            "retrieve": "retrieve/",
            "template": "template/",
            "templateBuilds": ["retrieve/", "deploy/"],
        },
        "markets": {},
        "marketList": {},
        "metaDataTypes": {
            "documentOnRetrieve": ["automation", "dataExtension"],
            "retrieve": list(_TYPES),
            "createDeltaPkg": list(_DELTA_TYPES),
        },
        "version": MCDEV_VERSION,
    }


def project(resolved: ResolvedEcosystem) -> tuple[list[Emitted], list[Finding]]:
    credentials: dict[str, Any] = {}
    findings: list[Finding] = []
    sources: list[str] = []
    for name, system in sorted(resolved.ecosystem.systems.items()):
        if not isinstance(system, MarketingCloudSystem):
            continue
        credentials[name], missing = credential(system)
        sources.append(f"system.{name}")
        env = f" in environment {resolved.environment!r}" if resolved.environment else ""
        findings.extend(
            make(
                W_NO_MID,
                f"business unit {unit!r} of Marketing Cloud system {name!r} has no MID{env}; "
                ".mcdevrc.json lists it with 0",
                resolved.span(("systems", name, "business_units", unit)),
                address=f"system.{name}",
            )
            for unit in missing
        )
    if not credentials:
        return [], []
    return [Emitted(".mcdevrc.json", dump(document(credentials)), tuple(sources))], findings
