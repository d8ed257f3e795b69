"""Benchmark `engage import` against `engage check` of what it writes (default 2,000
components).

    python benchmarks/bench_import.py                 # 2000
    python benchmarks/bench_import.py --sizes 500 2000 4000

For each size, in a temporary folder: write a Salesforce DX project and an mcdev project
with that many components between them (per block of 10: two duplicate rules, one
matching-rule file, two custom fields, two data extensions, two queries, one
permission set), time `engage import` of both, then `engage check` of the ecosystem it
wrote. The target (issue 9): import takes no longer than check of its result.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ENV = {**os.environ, "NO_COLOR": "1", "ENGAGE_NO_CACHE": "1"}
NS = "http://soap.sforce.com/2006/04/metadata"
PER_BLOCK = 10


def _xml(body: str, root: str) -> str:
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<{root} xmlns="{NS}">\n{body}</{root}>\n'


def _field(name: str) -> str:
    return _xml(
        f"    <fullName>{name}</fullName>\n    <label>{name}</label>\n    <length>40</length>\n"
        "    <type>Text</type>\n",
        "CustomField",
    )


def _rule(match: str) -> str:
    return _xml(
        "    <actionOnInsert>Allow</actionOnInsert>\n    <actionOnUpdate>Allow</actionOnUpdate>\n"
        "    <duplicateRuleMatchRules>\n"
        "        <matchRuleSObjectType>Contact</matchRuleSObjectType>\n"
        f"        <matchingRule>{match}</matchingRule>\n    </duplicateRuleMatchRules>\n"
        "    <isActive>true</isActive>\n    <operationsOnInsert>Alert</operationsOnInsert>\n",
        "DuplicateRule",
    )


def _de(key: str) -> str:
    fields = [
        {
            "Name": "Key",
            "MaxLength": 20,
            "IsPrimaryKey": True,
            "IsRequired": True,
            "FieldType": "Text",
        },
        {"Name": "Email", "MaxLength": 254, "FieldType": "EmailAddress"},
    ]
    doc = {"CustomerKey": key, "Name": key, "Fields": fields, "r__folder_Path": "Data Extensions"}
    return json.dumps(doc, indent=4)


def write(root: Path, blocks: int) -> None:
    sf = root / "crm"
    default = sf / "force-app/main/default"
    for folder in ("duplicateRules", "matchingRules", "objects/Contact/fields", "permissionsets"):
        (default / folder).mkdir(parents=True)
    (sf / "sfdx-project.json").write_text('{"packageDirectories": [{"path": "force-app"}]}')
    mc = root / "mc"
    bu = mc / "retrieve/acct/Unit"
    for folder in ("dataExtension", "query"):
        (bu / folder).mkdir(parents=True)
    (mc / ".mcdevrc.json").write_text(
        json.dumps({"credentials": {"acct": {"businessUnits": {"_ParentBU_": 1, "Unit": 2}}}})
    )
    items = []
    for b in range(blocks):
        match = f"M{b}"
        items.append(
            f"    <matchingRules>\n        <fullName>{match}</fullName>\n"
            "        <matchingRuleItems>\n            <fieldName>Email</fieldName>\n"
            "            <matchingMethod>Exact</matchingMethod>\n"
            "        </matchingRuleItems>\n        <ruleStatus>Active</ruleStatus>\n"
            "    </matchingRules>\n"
        )
        for i in (0, 1):
            (default / f"duplicateRules/Contact.D{b}_{i}.duplicateRule-meta.xml").write_text(
                _rule(match)
            )
            (default / f"objects/Contact/fields/F{b}_{i}__c.field-meta.xml").write_text(
                _field(f"F{b}_{i}__c")
            )
            (bu / f"dataExtension/DE{b}_{i}.dataExtension-meta.json").write_text(_de(f"DE{b}_{i}"))
            meta = {
                "key": f"Q{b}_{i}",
                "name": f"Q{b}_{i}",
                "targetKey": f"DE{b}_{i}",
                "targetUpdateTypeName": "Update",
            }
            (bu / f"query/Q{b}_{i}.query-meta.json").write_text(json.dumps(meta))
            (bu / f"query/Q{b}_{i}.query-meta.sql").write_text(
                f"SELECT d.Key, d.Email FROM DE{b}_{1 - i} d WHERE d.Email IS NOT NULL\n"
            )
        (default / f"permissionsets/Sync_{b}_Integration.permissionset-meta.xml").write_text(
            _xml(
                "    <label>Sync</label>\n    <objectPermissions>\n"
                "        <allowRead>true</allowRead>\n"
                "        <object>Contact</object>\n    </objectPermissions>\n",
                "PermissionSet",
            )
        )
    (default / "matchingRules/Contact.matchingRule-meta.xml").write_text(
        _xml("".join(items), "MatchingRules")
    )


def engage(folder: Path, *args: str) -> float:
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "compiler.cli", *args],
        cwd=folder,
        env=ENV,
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0, 1) or "internal error" in proc.stderr:
        raise SystemExit(f"engage {' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000])
    args = parser.parse_args()
    print(f"{'components':>10} {'import s':>9} {'check s':>8} {'import/check':>13}")
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            write(root, max(1, size // PER_BLOCK))
            imported = engage(root, "import", "crm", "mc", "--out", "eco")
            checked = engage(root, "check", "eco")
            print(f"{size:>10} {imported:>9.2f} {checked:>8.2f} {imported / checked:>13.2f}")


if __name__ == "__main__":
    main()
