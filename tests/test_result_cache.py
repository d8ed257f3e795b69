"""The result cache of `engage check` (compiler/resultcache.py): a re-check of unchanged
inputs is served from the cache, and never a stale result.

Each step changes the ecosystem (edit, rename, delete, add, an include's target, a file
made unreadable) and compares the cached run with a cold one (ENGAGE_NO_CACHE), output
for output: every finding with its position and message, the summary, the exit status.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import Run, RunEngage

from benchmarks.ecosystems import files

ROOT = Path(__file__).resolve().parent.parent
Compare = Callable[..., Run]


def write_blocks(root: Path, resources: int, *, only: set[str] | None = None) -> None:
    """The benchmark ecosystem (valid, with errors and warnings the rules find)."""
    root.mkdir(parents=True, exist_ok=True)
    for name, text in files(resources):
        if only is None or name in only:
            (root / name).write_text(text, encoding="utf-8")


def entries(cache: Path) -> list[Path]:
    folder = cache / "check"
    return sorted(folder.rglob("*.json")) if folder.is_dir() else []


@pytest.fixture
def compare(engage: RunEngage, monkeypatch: pytest.MonkeyPatch) -> Compare:
    """Run check with the cache, then cold; assert both printed the same; return the run."""

    def run(*argv: str) -> Run:
        cached = engage("check", *argv)
        monkeypatch.setenv("ENGAGE_NO_CACHE", "1")
        try:
            cold = engage("check", *argv)
        finally:
            monkeypatch.delenv("ENGAGE_NO_CACHE")
        assert (cached.code, cached.out) == (cold.code, cold.out)
        return cached

    return run


def findings_of(run: Run) -> list[tuple[str, str, int, int, str]]:
    doc = json.loads(run.out)
    out = []
    for f in doc["findings"]:
        where = f["location"] or {"file": "", "line": 0, "column": 0}
        out.append((f["code"], where["file"], where["line"], where["column"], f["message"]))
    return out


def test_edits_renames_deletions_and_additions_never_serve_a_stale_result(
    compare: Compare, in_tmp: Path
) -> None:
    eco = in_tmp / "eco"
    write_blocks(eco, 200)
    first = compare("eco", "--format", "json")
    assert first.code == 1 and findings_of(first)  # the shapes hold errors and warnings
    assert compare("eco", "--format", "json").out == first.out  # served: no edit

    # an edit that moves every finding of the file down a line and renames a brand
    blocks = eco / "blocks_00001.yaml"
    text = blocks.read_text(encoding="utf-8")
    blocks.write_text(
        text.replace("apiVersion: engage/v1\n", "apiVersion: engage/v1\n# moved\n", 1),
        encoding="utf-8",
    )
    edited = compare("eco", "--format", "json")
    assert edited.out != first.out
    moved = [f for f in findings_of(edited) if f[1].endswith("blocks_00001.yaml")]
    before = [f for f in findings_of(first) if f[1].endswith("blocks_00001.yaml")]
    assert moved and [f[2] for f in moved] == [f[2] + 1 for f in before]

    # a rename changes the file every finding names
    blocks.rename(eco / "blocks_00009.yaml")
    renamed = compare("eco", "--format", "json")
    assert any(f[1].endswith("blocks_00009.yaml") for f in findings_of(renamed))
    assert not any(f[1].endswith("blocks_00001.yaml") for f in findings_of(renamed))

    # a deletion drops its findings; an addition brings new ones
    (eco / "blocks_00009.yaml").unlink()
    deleted = compare("eco", "--format", "json")
    assert len(findings_of(deleted)) < len(findings_of(renamed))
    write_blocks(eco, 300, only={"blocks_00002.yaml"})
    added = compare("eco", "--format", "json")
    assert any(f[1].endswith("blocks_00002.yaml") for f in findings_of(added))

    # the same content in a new subfolder (a file the loader finds by walking)
    (eco / "more").mkdir()
    shutil.copy(eco / "blocks_00002.yaml", eco / "more" / "copy.yaml")
    compare("eco", "--format", "json")
    # back to an earlier content: the entry of that request is checked, not trusted
    (eco / "more" / "copy.yaml").unlink()
    (eco / "more").rmdir()
    assert compare("eco", "--format", "json").out == added.out


def located(run: Run, name: str) -> set[tuple[str, str, int, int, str]]:
    return {f for f in findings_of(run) if f[1].endswith(name)}


def test_an_edit_in_one_file_changes_the_findings_another_file_holds(
    compare: Compare, in_tmp: Path
) -> None:
    """The header declares shop.Order; the blocks' sync rules write into it and their
    findings sit in the blocks files. Narrowing the field in the header changes those
    findings, while no block file changed: never served from an entry of the old header."""
    eco = in_tmp / "eco"
    write_blocks(eco, 200)
    first = compare("eco", "--format", "json")
    header = eco / "00_header.yaml"
    text = header.read_text(encoding="utf-8")
    wide = "Customer_Id: {type: text, length: 18}"
    assert wide in text
    header.write_text(text.replace(wide, "Customer_Id: {type: text, length: 10}"), "utf-8")
    narrowed = compare("eco", "--format", "json")
    assert located(narrowed, "blocks_00000.yaml") != located(first, "blocks_00000.yaml")
    # and back: the first entry is served again, equal to a cold run (compare checks it)
    header.write_text(text, encoding="utf-8")
    assert compare("eco", "--format", "json").out == first.out


def test_an_overlay_edit_is_never_served_stale(compare: Compare, in_tmp: Path) -> None:
    """An environment overlay changes what the production compilation sees; its finding
    (E6004: production's queries run daily, beyond the consent policy's 24 hours) sits in
    the overlay. Editing, emptying and removing the overlay each change the findings."""
    eco = in_tmp / "eco"
    write_blocks(eco, 100)
    header = eco / "00_header.yaml"
    header.write_text(
        header.read_text(encoding="utf-8").replace(
            "  name: synthetic\n",
            "  name: synthetic\n  environments:\n    production: {production: true}\n",
            1,
        ),
        encoding="utf-8",
    )
    base = compare("eco", "--format", "json")
    overlay = eco / "zz_production.yaml"
    daily = (
        "apiVersion: engage/v1\nenvironment: production\n"
        "integrations:\n  mc_queries:\n    schedule: {every: 1d}\n"
    )
    overlay.write_text(daily, encoding="utf-8")
    slow = compare("eco", "--format", "json")
    assert any(f[0] == "E6004" for f in located(slow, "zz_production.yaml"))
    overlay.write_text(daily.replace("every: 1d", "every: 1h"), encoding="utf-8")
    hourly = compare("eco", "--format", "json")
    assert not any(f[0] == "E6004" for f in findings_of(hourly))
    overlay.unlink()
    assert compare("eco", "--format", "json").out == base.out


def test_text_output_and_options_are_part_of_the_request(compare: Compare, in_tmp: Path) -> None:
    eco = in_tmp / "eco"
    write_blocks(eco, 100)
    text = compare("eco")
    assert "FAILED" in text.out and "-->" in text.out
    assert compare("eco").out == text.out
    outs = {
        compare("eco", *extra).out
        for extra in (
            [],
            ["--format", "json"],
            ["--format", "sarif"],
            ["--format", "markdown"],
            ["--env", "production"],
            ["--fail-on", "warning"],
            ["--limit", "de_external_key_max=5"],
        )
    }
    assert len(outs) >= 5  # each option changes what is printed; none is served another's


def test_a_baseline_file_is_part_of_the_request(compare: Compare, in_tmp: Path) -> None:
    eco = in_tmp / "eco"
    write_blocks(eco, 100)
    baseline = in_tmp / "baseline.json"
    subprocess_env = {**os.environ, "ENGAGE_NO_CACHE": "1"}
    subprocess.run(
        [sys.executable, "-m", "compiler.cli", "check", "eco", "--write-baseline", str(baseline)],
        cwd=in_tmp,
        env=subprocess_env,
        capture_output=True,
        check=False,
    )
    accepted = compare("eco", "--baseline", "baseline.json")
    assert "suppressed" in accepted.out
    doc = json.loads(baseline.read_text(encoding="utf-8"))
    key = next(k for k in doc if isinstance(doc[k], list))
    doc[key] = doc[key][:1]  # accept one finding only
    baseline.write_text(json.dumps(doc), encoding="utf-8")
    fewer = compare("eco", "--baseline", "baseline.json")
    assert fewer.out != accepted.out


def test_the_working_directory_is_part_of_the_request(
    engage: RunEngage, in_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    eco = in_tmp / "eco"
    write_blocks(eco, 100)
    here = engage("check", "eco", "--format", "json")
    (in_tmp / "sub").mkdir()
    monkeypatch.chdir(in_tmp / "sub")
    there = engage("check", "../eco", "--format", "json")
    assert findings_of(here)[0][1].startswith("eco/")
    assert all(f[1].startswith(str(eco.resolve())) for f in findings_of(there))


def test_an_included_file_and_files_beside_it_are_inputs(compare: Compare, in_tmp: Path) -> None:
    eco = in_tmp / "eco"
    write_blocks(eco, 100, only={"00_header.yaml", "blocks_00000.yaml"})
    systems = next(t for n, t in files(100) if n == "01_systems.yaml")
    (eco / ".shared").mkdir()
    (eco / ".shared" / "systems.yml").write_text(systems, encoding="utf-8")
    header = eco / "00_header.yaml"
    header.write_text(
        header.read_text(encoding="utf-8").replace(
            "apiVersion: engage/v1\n", "apiVersion: engage/v1\ninclude: [.shared/*.yml]\n", 1
        ),
        encoding="utf-8",
    )
    base = compare("eco", "--format", "json")
    # the hidden included file is edited: not a file the folder walk finds
    included = eco / ".shared" / "systems.yml"
    included.write_text(included.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    compare("eco", "--format", "json")
    # a new file the glob matches, in a hidden folder
    (eco / ".shared" / "broken.yml").write_text("apiVersion: engage/v1\nsystems: [\n", "utf-8")
    broken = compare("eco", "--format", "json")
    assert broken.out != base.out and "E0001" in broken.out


def test_a_file_replaced_by_a_fifo_is_a_change(compare: Compare, in_tmp: Path) -> None:
    eco = in_tmp / "eco"
    write_blocks(eco, 100)
    first = compare("eco")
    target = eco / "blocks_00000.yaml"
    saved = target.read_bytes()
    target.unlink()
    os.mkfifo(target)
    fifo = compare("eco")
    assert "E0006" in fifo.out and "not a regular file" in fifo.out
    target.unlink()
    target.write_bytes(saved)
    assert compare("eco").out == first.out


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_a_file_made_unreadable_is_a_change(compare: Compare, in_tmp: Path) -> None:
    eco = in_tmp / "eco"
    write_blocks(eco, 100)
    compare("eco")
    target = eco / "blocks_00000.yaml"
    target.chmod(0)
    try:
        unreadable = compare("eco")
        assert "E0006" in unreadable.out
    finally:
        target.chmod(0o644)
    compare("eco")


def test_damaged_entries_are_ignored_and_rewritten(
    engage: RunEngage, compare: Compare, in_tmp: Path
) -> None:
    eco = in_tmp / "eco"
    write_blocks(eco, 100)
    cold = compare("eco", "--format", "json")
    cache = in_tmp / ".cache"
    (entry,) = entries(cache)
    whole = entry.read_bytes()
    damages = {
        "truncated": whole[: len(whole) // 2],
        "empty": b"",
        "not json": b"\x00\xffgarbage",
        "altered body": whole.replace(b'\\"status\\":1', b'\\"status\\":0'),
        "a list": b"[1, 2, 3]",
        "forged, wrong checksum": json.dumps(
            {"checksum": "0" * 64, "body": json.dumps({"stdout": "forged", "status": 0})}
        ).encode(),
    }
    assert damages["altered body"] != whole
    for name, data in damages.items():
        entry.write_bytes(data)
        served = engage("check", "eco", "--format", "json")
        assert (served.code, served.out) == (cold.code, cold.out), name
        assert entry.read_bytes() != data, name  # the run wrote a good entry back
    assert not [p for p in entry.parent.iterdir() if p.name.startswith(".tmp-")]


def test_no_cache_writes_no_entry(
    engage: RunEngage, in_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_blocks(in_tmp / "eco", 100)
    monkeypatch.setenv("ENGAGE_NO_CACHE", "1")
    engage("check", "eco")
    engage("check", "eco")
    assert entries(in_tmp / ".cache") == []


def test_write_baseline_is_never_served(engage: RunEngage, in_tmp: Path) -> None:
    write_blocks(in_tmp / "eco", 100)
    engage("check", "eco", "--write-baseline", "b1.json")
    engage("check", "eco", "--write-baseline", "b2.json")
    assert (in_tmp / "b1.json").read_bytes() == (in_tmp / "b2.json").read_bytes()
    assert entries(in_tmp / ".cache") == []


def _cli(in_tmp: Path, *argv: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *argv],
        cwd=in_tmp,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_a_served_run_does_not_import_the_compiler(in_tmp: Path) -> None:
    write_blocks(in_tmp / "eco", 100)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "ENGAGE_CACHE_DIR": str(in_tmp / "c")}
    cold = _cli(in_tmp, "-m", "compiler.cli", "check", "eco", env=env)
    warm = _cli(in_tmp, "-X", "importtime", "-m", "compiler.cli", "check", "eco", env=env)
    assert (warm.returncode, warm.stdout) == (cold.returncode, cold.stdout)
    imported = {line.rsplit("|", 1)[-1].strip() for line in warm.stderr.splitlines()}
    assert "compiler.resultcache" in imported
    assert not {"compiler.model", "compiler.rules", "pydantic", "networkx"} & imported


def test_concurrent_runs_share_one_cache_safely(in_tmp: Path) -> None:
    write_blocks(in_tmp / "eco", 200)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "ENGAGE_CACHE_DIR": str(in_tmp / "c")}
    expected = _cli(
        in_tmp, "-m", "compiler.cli", "check", "eco", env={**env, "ENGAGE_NO_CACHE": "1"}
    )
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "compiler.cli", "check", "eco"],
            cwd=in_tmp,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    results = [(p.wait(), p.communicate()[0]) for p in procs]
    assert results == [(expected.returncode, expected.stdout)] * 4
    served = _cli(in_tmp, "-m", "compiler.cli", "check", "eco", env=env)
    assert (served.returncode, served.stdout) == (expected.returncode, expected.stdout)
    assert len(entries(in_tmp / "c")) == 1
    assert not list((in_tmp / "c").rglob(".tmp-*"))


def test_json_output_imports_only_its_own_renderer(in_tmp: Path) -> None:
    """`check --format json` renders through compiler.render.findings_json alone: neither
    the other formats' modules nor rich (the text console) are imported."""
    write_blocks(in_tmp / "eco", 100)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "ENGAGE_NO_CACHE": "1"}
    run = _cli(
        in_tmp,
        "-X",
        "importtime",
        "-m",
        "compiler.cli",
        "check",
        "eco",
        "--format",
        "json",
        env=env,
    )
    assert run.returncode == 1 and json.loads(run.stdout)["findings"]
    imported = {line.rsplit("|", 1)[-1].strip() for line in run.stderr.splitlines()}
    assert "compiler.render.findings_json" in imported
    others = {
        "compiler.render.sarif",
        "compiler.render.findings_markdown",
        "compiler.render.github",
    }
    assert not (others | {"compiler.render.findings_text", "rich"}) & imported


def suppressed_of(run: Run) -> list[tuple[str, str, str | None]]:
    doc = json.loads(run.out)
    return [
        (f["code"], f["address"], (f.get("suppressed") or {}).get("reason"))
        for f in doc["findings"]
        if f.get("suppressed") or f["code"].startswith("W99")
    ]


def test_a_suppression_added_edited_or_removed_is_never_served_stale(
    compare: Compare, in_tmp: Path
) -> None:
    """A suppression next to a sync rule accepts its E3005; editing its reason, pointing it
    at a code the rule does not raise (an unused suppression, W99xx), and removing it each
    change the output, and each is compared with a cold run."""
    eco = in_tmp / "eco"
    write_blocks(eco, 100)
    first = compare("eco", "--format", "json")
    blocks = eco / "blocks_00000.yaml"
    text = blocks.read_text(encoding="utf-8")
    rule = "  export_0:\n    integration: crm_export_0\n"
    assert rule in text

    def suppress(code: str, reason: str) -> Run:
        entry = f"    suppress:\n      - code: {code}\n        reason: {reason}\n"
        blocks.write_text(text.replace(rule, rule + entry, 1), encoding="utf-8")
        return compare("eco", "--format", "json")

    accepted = suppress("E3005", "the connector's error queue is worked through")
    assert ("E3005", "sync_rule.export_0", "the connector's error queue is worked through") in (
        suppressed_of(accepted)
    )
    reworded = suppress("E3005", "Marketing Operations reviews the error queue")
    assert suppressed_of(reworded) != suppressed_of(accepted)
    unused = suppress("E3001", "the connector's error queue is worked through")
    assert not any(f[0] == "E3005" and f[2] for f in suppressed_of(unused))
    assert unused.out not in (accepted.out, first.out)
    blocks.write_text(text, encoding="utf-8")
    assert compare("eco", "--format", "json").out == first.out
