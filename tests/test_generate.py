"""`generate()` and `engage generate`: atomic, deterministic writes, stale files removed,
output limited to the resources apply touches, deletions turned into destructiveChanges.xml.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import RunEngage, codes
from lxml import etree

import compiler.emit.generate as emit_module
from compiler.emit.artifact import Emitted
from compiler.emit.generate import generate
from compiler.emit.manifest import MANIFEST
from compiler.emit.targets import EMITTERS
from compiler.pipeline import compile_path
from compiler.resolved import ResolvedEcosystem
from compiler.source import ParseCache

BASIC = Path(__file__).parent / "fixtures" / "generate" / "basic"
# The generator fixture holds conflicts on purpose (check errors); generate refuses them without it.
ALLOW = ("--allow-conflicts",)
NS = {"m": "http://soap.sforce.com/2006/04/metadata"}
SF = "salesforce/force-app/main/default"
RULE = f"{SF}/duplicateRules/Lead.lead_dupes.duplicateRule-meta.xml"
MINE = {"salesforce", "account_engagement"}  # the other targets are tested by their owners


def resolved(root: Path = BASIC, env: str | None = "production") -> ResolvedEcosystem:
    comp = compile_path(root, env, cache=ParseCache(None))
    assert comp.ok and comp.resolved is not None
    return comp.resolved


def tree(root: Path) -> dict[str, str]:
    """Every file under root → sha256 of its bytes."""
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def members(path: Path) -> dict[str, list[str]]:
    root = etree.parse(str(path)).getroot()
    return {
        t.findtext("m:name", namespaces=NS): [m.text for m in t.findall("m:members", NS)]
        for t in root.findall("m:types", NS)
    }


def copy_basic(tmp_path: Path) -> Path:
    root = tmp_path / "eco"
    shutil.copytree(BASIC, root, dirs_exist_ok=True)
    return root


def drop_rule(root: Path, name: str) -> None:
    """Remove one duplicate rule from the fixture's dedupe.yaml."""
    lines = (root / "dedupe.yaml").read_text().splitlines()
    start = lines.index(f"  {name}:")
    end = next(
        (i for i in range(start + 1, len(lines)) if not lines[i].startswith("    ")), len(lines)
    )
    (root / "dedupe.yaml").write_text("\n".join(lines[:start] + lines[end:]) + "\n")


# --------------------------------------------------------------------------- writing
def test_generate_writes_each_target_and_a_manifest(tmp_path: Path) -> None:
    out = tmp_path / "build"
    result = generate(resolved(), out, targets=MINE)
    assert result.findings == ()
    on_disk = set(tree(out)) - {MANIFEST}
    assert on_disk == set(result.written) == set(result.changed)
    assert {p.split("/")[0] for p in on_disk} >= {"salesforce", "account_engagement"}
    manifest = json.loads((out / MANIFEST).read_text())
    assert sorted(manifest["files"]) == sorted(on_disk)
    entry = manifest["files"][RULE]
    assert entry["target"] == "salesforce"
    assert entry["sha256"] == hashlib.sha256((out / RULE).read_bytes()).hexdigest()
    assert entry["sources"] == [
        "duplicate_rule.lead_dupes",
        "integration_user.ae_user",
        "integration_user.erp_user",
        "matching_rule.lead_email",
    ]
    assert entry["members"] == [["DuplicateRule", "Lead.lead_dupes", "duplicate_rule.lead_dupes"]]
    assert result.by_target["salesforce"] == tuple(
        sorted(p for p in on_disk if p.startswith("salesforce/"))
    )


def test_regeneration_changes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "build"
    generate(resolved(), out, targets=MINE)
    before = tree(out)
    mtime = (out / RULE).stat().st_mtime_ns
    again = generate(resolved(), out, targets=MINE)
    assert again.changed == () and again.removed == ()
    assert tree(out) == before
    assert (out / RULE).stat().st_mtime_ns == mtime  # identical files are not rewritten


def test_output_is_byte_identical_across_processes(tmp_path: Path) -> None:
    """Separate interpreters with different hash seeds: set order must never leak out."""
    outs = []
    for seed in ("1", "4242"):
        out = tmp_path / f"out{seed}"
        env = {**os.environ, "PYTHONHASHSEED": seed, "NO_COLOR": "1"}
        code = "from compiler.cli import main; main()"
        args = ["generate", str(BASIC), "--env", "sandbox", "--out", str(out), "--allow-conflicts"]
        args += [a for t in sorted(MINE) for a in ("--target", t)]
        done = subprocess.run(
            [sys.executable, "-c", code, *args], env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stdout + done.stderr
        outs.append(tree(out))
    assert outs[0] == outs[1]
    assert len(outs[0]) > 15


def test_files_no_longer_generated_are_removed(tmp_path: Path) -> None:
    root = copy_basic(tmp_path)
    out = tmp_path / "build"
    stray = out / "salesforce" / "notes.txt"
    generate(resolved(root), out, targets=MINE)
    stray.write_text("mine")
    drop_rule(root, "lead_dupes")
    result = generate(resolved(root), out, targets=MINE)
    assert result.removed == (RULE,)
    assert not (out / RULE).exists()
    assert stray.read_text() == "mine"  # never touches what it did not generate
    assert RULE not in json.loads((out / MANIFEST).read_text())["files"]
    package = members(out / "salesforce/manifest/package.xml")
    assert "Lead.lead_dupes" not in package["DuplicateRule"]


def test_emptied_folders_are_removed(tmp_path: Path) -> None:
    root = copy_basic(tmp_path)
    out = tmp_path / "build"
    generate(resolved(root), out, targets=MINE)
    dedupe = root / "dedupe.yaml"
    dedupe.write_text(dedupe.read_text().split("duplicate_rules:")[0])
    generate(resolved(root), out, targets=MINE)
    assert not (out / SF / "duplicateRules").exists()
    assert (out / SF / "matchingRules").is_dir()


# --------------------------------------------------------------------------- apply's view
def test_addresses_limit_the_output_and_the_package(tmp_path: Path) -> None:
    out = tmp_path / "build"
    result = generate(resolved(), out, addresses={"duplicate_rule.lead_dupes"}, targets=MINE)
    assert sorted(result.written) == [
        "salesforce/force-app/main/default/duplicateRules/Lead.lead_dupes.duplicateRule-meta.xml",
        "salesforce/manifest/package.xml",
        "salesforce/sfdx-project.json",
    ]
    assert members(out / "salesforce/manifest/package.xml") == {
        "DuplicateRule": ["Lead.lead_dupes"]
    }


def test_addresses_reach_every_file_a_resource_feeds(tmp_path: Path) -> None:
    out = tmp_path / "build"
    result = generate(
        resolved(), out, addresses={"integration_user.erp_user"}, targets={"salesforce"}
    )
    # The user's own permission set, and both duplicate rules it bypasses.
    assert sorted(p.rsplit("/", 1)[1] for p in result.written) == [
        "Contact.contact_block.duplicateRule-meta.xml",
        "Lead.lead_dupes.duplicateRule-meta.xml",
        "erp_user.permissionset-meta.xml",
        "package.xml",
        "sfdx-project.json",
    ]


def test_partial_runs_keep_the_other_files(tmp_path: Path) -> None:
    out = tmp_path / "build"
    full = generate(resolved(), out, targets={"salesforce"})
    partial = generate(
        resolved(), out, addresses={"matching_rule.lead_email"}, targets={"salesforce"}
    )
    assert partial.removed == ()
    assert set(tree(out)) - {MANIFEST} == set(full.written)
    manifest = json.loads((out / MANIFEST).read_text())["files"]
    assert set(manifest) == set(full.written)


def test_deletions_become_destructive_changes(tmp_path: Path) -> None:
    root = copy_basic(tmp_path)
    out = tmp_path / "build"
    generate(resolved(root), out, targets={"salesforce"})
    drop_rule(root, "lead_dupes")
    result = generate(
        resolved(root), out, addresses=set(), deleted={"duplicate_rule.lead_dupes"}, targets=MINE
    )
    assert result.findings == ()
    assert result.removed == (RULE,)
    destructive = out / "salesforce/manifest/destructiveChanges.xml"
    assert members(destructive) == {"DuplicateRule": ["Lead.lead_dupes"]}
    assert members(out / "salesforce/manifest/package.xml") == {}
    # The next run without deletions drops the destructive manifest again.
    again = generate(resolved(root), out, addresses={"duplicate_rule.contact_block"}, targets=MINE)
    assert "salesforce/manifest/destructiveChanges.xml" in again.removed
    assert not destructive.exists()


def test_deleting_one_matching_rule_rewrites_its_objects_file(tmp_path: Path) -> None:
    root = copy_basic(tmp_path)
    out = tmp_path / "build"
    generate(resolved(root), out, targets={"salesforce"})
    text = (root / "dedupe.yaml").read_text()
    start = text.index("  contact_email:\n")
    end = text.index("  contact_name_city:\n")
    text = text[:start] + text[end:]
    text = text.replace("matching_rule: contact_email", "matching_rule: contact_name_city")
    (root / "dedupe.yaml").write_text(text)
    result = generate(
        resolved(root), out, addresses=set(), deleted={"matching_rule.contact_email"}, targets=MINE
    )
    path = "salesforce/force-app/main/default/matchingRules/Contact.matchingRule-meta.xml"
    assert path in result.changed  # still holds contact_name_city
    assert "contact_email</fullName>" not in (out / path).read_text()
    destructive = members(out / "salesforce/manifest/destructiveChanges.xml")
    assert destructive == {"MatchingRule": ["Contact.contact_email"]}


def test_deletion_unknown_to_the_manifest_is_reported(tmp_path: Path) -> None:
    deleted = {
        "duplicate_rule.gone",
        "object.crm.Order__c",  # an object of the Salesforce org: had custom fields
        "object.erp.Invoice",  # an external system's object: no Salesforce component
        "data_extension.old",
    }
    result = generate(
        resolved(), tmp_path / "build", addresses=set(), deleted=deleted, targets=MINE
    )
    assert [(f.code, f.address) for f in result.findings] == [
        ("W9813", "duplicate_rule.gone"),
        ("W9813", "object.crm.Order__c"),
    ]
    assert not (tmp_path / "build/salesforce/manifest/destructiveChanges.xml").exists()


def test_unreadable_manifest_is_a_warning_and_is_replaced(tmp_path: Path) -> None:
    out = tmp_path / "build"
    out.mkdir()
    (out / MANIFEST).write_text("{not json")
    result = generate(resolved(), out, targets=MINE)
    assert codes(list(result.findings)) == ["W9812"]
    assert json.loads((out / MANIFEST).read_text())["format_version"] == 1


# --------------------------------------------------------------------------- safety
def test_unsafe_paths_are_refused_and_a_crash_stays_local(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def hostile(_: ResolvedEcosystem) -> tuple[list[object], list[object]]:
        return [
            ("../escape.txt", b"x"),
            ("/etc/passwd-copy", b"x"),
            ("ok/CON.txt", b"x"),
            ("a\\b.txt", b"x"),
            ("fine/file.txt", b"kept", ["system.crm"]),
            Emitted("dir/.hidden", b"x"),
        ], []

    def crash(_: ResolvedEcosystem) -> tuple[list[object], list[object]]:
        raise RuntimeError("boom")

    emitters = [*EMITTERS, ("hostile", hostile), ("crashing", crash)]
    monkeypatch.setattr(emit_module, "EMITTERS", emitters)
    out = tmp_path / "out" / "build"
    result = generate(resolved(), out, targets=MINE | {"hostile", "crashing"})
    assert codes(list(result.findings)) == ["E9811"] * 5 + ["E9810"]
    assert "generator 'crashing' failed: RuntimeError: boom" in result.findings[-1].message
    assert (out / "hostile/fine/file.txt").read_bytes() == b"kept"
    assert not (tmp_path / "out" / "escape.txt").exists()
    assert sorted(p for p in tree(out) if p.startswith("hostile/")) == ["hostile/fine/file.txt"]
    assert (out / RULE).exists()  # the other targets are still generated


# --------------------------------------------------------------------------- command line
def test_cli_generates_and_summarises(engage: RunEngage, tmp_path: Path) -> None:
    run = engage("generate", str(BASIC), "--env", "production", "--out", "build", *ALLOW)
    assert run.code == 0, run.out + run.err
    assert "for environment 'production'" in run.out
    n_sf = len([p for p in tree(tmp_path / "build") if p.startswith("salesforce/")])
    assert f"  {'salesforce':<20} {n_sf:>4} files ({n_sf} changed)\n" in run.out
    again = engage("generate", str(BASIC), "--env", "production", "--out", "build", *ALLOW)
    assert f"  {'salesforce':<20} {n_sf:>4} files (0 changed)\n" in again.out


def test_cli_refuses_an_invalid_ecosystem(engage: RunEngage, tmp_path: Path) -> None:
    root = copy_basic(tmp_path)
    text = (
        (root / "dedupe.yaml")
        .read_text()
        .replace("matching_rule: lead_email", "matching_rule: nope")
    )
    (root / "dedupe.yaml").write_text(text)
    run = engage("generate", str(root), "--out", "build", *ALLOW)
    assert run.code == 1
    assert "E2010" in run.out and "dedupe.yaml" in run.out
    assert "nothing generated" in run.err
    assert not (tmp_path / "build").exists()


def test_cli_target_option_and_bad_out(engage: RunEngage, tmp_path: Path) -> None:
    run = engage("generate", str(BASIC), "--target", "account_engagement", "--out", "build", *ALLOW)
    assert run.code == 0, run.out + run.err
    assert set(tree(tmp_path / "build")) == {MANIFEST, "account_engagement/connector-settings.md"}
    (tmp_path / "afile").write_text("x")
    bad = engage("generate", str(BASIC), "--out", "afile", *ALLOW)
    assert bad.code == 1
    assert "afile" in bad.err


def test_cli_exit_code_follows_generation_errors(engage: RunEngage, tmp_path: Path) -> None:
    root = copy_basic(tmp_path)
    (root / "extra.yaml").write_text(
        "apiVersion: engage/v1\nmatching_rules:\n  fuzzy_email:\n"
        "    {system: crm, object: Lead, items: [{field: Email, method: fuzzy}]}\n"
    )
    run = engage("generate", str(root), "--out", "build", "--target", "salesforce", *ALLOW)
    assert run.code == 1
    assert "error[E5610]" in run.out
