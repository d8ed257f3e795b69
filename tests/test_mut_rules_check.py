"""compiler/rules/check.py: what `check` judges. A suppression of a code only a later
stage emits (E7801, a Marketing Cloud name generate refuses) is left to that stage, so
`check` does not call it unused; the same suppression of a code the rules emit (E8005)
that silences nothing is W9902."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from test_rules_fixtures import ROOT

from compiler.rules.check import check_path, rule_codes
from compiler.rules.registry import RULES


def _suppressed(tmp_path: Path, code: str) -> list[tuple[str, str, int]]:
    eco = tmp_path / "eco"
    shutil.copytree(ROOT / "_base", eco)
    des = eco / "data_extensions.yaml"
    des.write_text(
        des.read_text()
        + f"    suppress:\n      - code: {code}\n        reason: the key is checked elsewhere\n"
    )
    result = check_path(eco)
    assert result.analyzed
    return [(f.code, f.address, f.span.line if f.span else 0) for f in result.findings]


@pytest.mark.parametrize(("code", "found"), [("E7801", []), ("E8005", [("W9902", 13)])])
def test_only_the_rules_codes_are_judged_unused(
    tmp_path: Path, code: str, found: list[tuple[str, int]]
) -> None:
    assert [(c, line) for c, _, line in _suppressed(tmp_path, code)] == found


def test_rule_codes_are_the_registered_rules_codes() -> None:
    codes = rule_codes()
    assert codes == {info.code for item in RULES.values() for info in item.codes}
    assert {"E8005", "E3001"} <= codes
    assert "E7801" not in codes and "W9902" not in codes


def test_each_compilation_shows_its_graph_stage_before_its_rules(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The progress a terminal shows names the graph stage of the base and of each
    environment (the real stage runs; the spy only records its names)."""
    from compiler import progress

    names: list[str] = []
    real = progress.stage

    def spy(name: str, total: int | None = None) -> None:
        names.append(name)
        real(name, total)

    monkeypatch.setattr(progress, "stage", spy)
    eco = tmp_path / "eco"
    shutil.copytree(ROOT / "_base", eco)
    meta = eco / "ecosystem.yaml"
    meta.write_text(meta.read_text() + "  environments:\n    sandbox: {}\n")
    assert check_path(eco).analyzed
    shown = [n for n in names if n.startswith(("graph", "rules"))]
    assert shown == ["graph (base)", "rules (base)", "graph (sandbox)", "rules (sandbox)"]


def test_with_env_a_finding_the_base_has_stays_at_the_base_line(tmp_path: Path) -> None:
    """`--env sandbox` compiles the base only to compare: the unused matching rule is
    the base's finding, so it stays in case.yaml although the overlay rewrites it."""
    eco = tmp_path / "eco"
    shutil.copytree(ROOT / "_base", eco)
    shutil.copy(ROOT / "w9001_fires" / "case.yaml", eco / "case.yaml")
    meta = eco / "ecosystem.yaml"
    meta.write_text(meta.read_text() + "  environments:\n    sandbox: {}\n")
    (eco / "sandbox.yaml").write_text(
        "apiVersion: engage/v1\nenvironment: sandbox\nmatching_rules:\n  contact_phone:\n"
        "    items: [{field: Phone, method: phone}]\n"
    )
    for env in ("sandbox", None):
        result = check_path(eco, env)
        found = [
            (f.code, f.span.file.rsplit("/", 1)[-1], f.span.line, f.environment)
            for f in result.findings
            if f.span
        ]
        assert ("W9001", "case.yaml", 4, env) in found
        assert all(file != "sandbox.yaml" for _, file, _, _ in found), found


def test_check_source_matches_check_path_and_counts_resources(tmp_path: Path) -> None:
    from compiler.pipeline import load_sources
    from compiler.rules.check import check_source

    eco = tmp_path / "eco"
    shutil.copytree(ROOT / "_base", eco)
    shutil.copy(ROOT / "w9001_fires" / "case.yaml", eco / "case.yaml")
    by_path = check_path(eco)
    by_source = check_source(load_sources(eco))
    assert by_source.findings == by_path.findings and by_source.analyzed
    assert by_path.graph is not None and by_path.graph.dataflow.number_of_edges() > 0
    assert [f.code for f in by_source.findings] == ["W9001"]
    resolved = by_path.compilation.resolved
    assert resolved is not None and by_path.resources == len(resolved.addresses) > 0


def test_an_invalid_environment_stops_before_the_rules_and_is_named(tmp_path: Path) -> None:
    eco = tmp_path / "eco"
    shutil.copytree(ROOT / "_base", eco)
    meta = eco / "ecosystem.yaml"
    meta.write_text(meta.read_text() + "  environments:\n    sandbox: {}\n")
    (eco / "sandbox.yaml").write_text(
        "apiVersion: engage/v1\nenvironment: sandbox\n"
        "integrations:\n  mc_queries:\n    from: nowhere\n"
    )
    result = check_path(eco)
    assert not result.analyzed and result.graph is None
    assert result.findings and all(f.environment == "sandbox" for f in result.findings)
    assert all(f.code.startswith("E") for f in result.findings)


def test_a_baseline_accepts_the_findings_it_lists_and_no_others(tmp_path: Path) -> None:
    """check_path with a baseline marks the listed findings (code, address, fingerprint)
    accepted, naming the baseline; an unlisted one, and every one without a baseline,
    stays open."""
    from compiler.suppress import fingerprint

    eco = tmp_path / "eco"
    shutil.copytree(ROOT / "_base", eco)
    for file in sorted((ROOT / "w9001_every_kind_fires").iterdir()):
        shutil.copy(file, eco / file.name)
    plain = check_path(eco)
    assert len(plain.findings) == 8 and all(f.suppressed is None for f in plain.findings)
    listed = next(f for f in plain.findings if f.address == "system.archive")
    accepted = {(listed.code, listed.address, fingerprint(listed))}
    result = check_path(eco, baseline=accepted, baseline_name="base.json")
    marked = {f.address: f.suppressed for f in result.findings if f.suppressed is not None}
    assert list(marked) == ["system.archive"]
    assert marked["system.archive"].reason == "accepted in the baseline base.json"
    others = [f for f in result.findings if f.address != "system.archive"]
    assert others == [f for f in plain.findings if f.address != "system.archive"]


def test_sources_without_an_ecosystem_count_no_resources(tmp_path: Path) -> None:
    """A directory whose YAML has no engage document compiles to nothing: the result is
    not analyzed, names why, and counts zero resources (not a crash, not one)."""
    eco = tmp_path / "eco"
    eco.mkdir()
    (eco / "notes.yaml").write_text("title: not an ecosystem\n")
    result = check_path(eco)
    assert result.compilation.resolved is None
    assert not result.analyzed and result.graph is None
    assert result.resources == 0
    assert result.findings and all(f.code.startswith("E") for f in result.findings)
