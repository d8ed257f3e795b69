"""Per-brand consent (`consent.channels.<channel>.per_unit`): validation with positions,
the rules E6201-E6203 on real fixture files (each firing case beside a near-identical
silent one, one per exemption), and the per-unit unsubscribes in the generated query
activities (parsed back with sqlglot's T-SQL parser)."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlglot
from rulecase import BASE as BASE  # re-exported: suites that build on this one import them
from rulecase import FIXTURES, RuleCase, Suite, case_id
from rulecase import Position as Position
from rulecase import at as at
from sqlglot import exp

from compiler.diagnostics import Finding
from compiler.emit.generate import generate
from compiler.pipeline import compile_path
from compiler.rules.check import check_path
from compiler.source import ParseCache

CASES = FIXTURES / "unit_consent"
SUITE = Suite(CASES)


def unit_eco(tmp_path: Path, *cases: str, root: Path = CASES) -> Path:
    """The rule fixtures' clean base with the case folders (under `root`) copied over it
    (the suites that build on this one's name for it)."""
    return Suite(root).eco(tmp_path, *cases)


def check_cases(tmp_path: Path, *cases: str, root: Path = CASES) -> list[Finding]:
    return Suite(root).check(tmp_path, *cases)


UNITS = ("consent.yaml", 12, 25)  # per_unit.business_units
RULE_CASES = [  # RuleCase(code, fires in, silent in, every finding of the code)
    # Marketing Cloud sends for retail and keeps no per-unit choice (silent: it keeps its
    # per-unit unsubscribes)
    RuleCase("E6201", "e6201_fires", "e6201_silent", [(("consent.yaml", 14, 11), (UNITS,))]),
    # a per-unit storage that does not say which unit a row is for
    RuleCase("E6201", "e6201_nounit_fires", "e6201_silent", [(("consent.yaml", 22, 13), (UNITS,))]),
    # the system of record keeps no per-unit choice
    RuleCase("E6201", "e6201_sor_fires", "e6201_silent", [(("consent.yaml", 14, 11), (UNITS,))]),
    # exemption: Account Engagement's prospects are per unit, no unit_field needed
    RuleCase(
        "E6201", "e6201_nounit_fires", "e6201_ae_silent", [(("consent.yaml", 22, 13), (UNITS,))]
    ),
    # the per-unit choice written into the CRM's company-wide opt-out (silent: into the
    # CRM's per-unit object); reported once, at the mapping, not again downstream
    RuleCase(
        "E6202",
        "e6202_fires",
        "e6202_silent",
        [(("case.yaml", 36, 27), (("consent.yaml", 22, 13), ("consent.yaml", 11, 14)))],
    ),
    # collected per unit in Marketing Cloud, never returned (silent: a rule returns it)
    RuleCase(
        "E6203",
        "e6203_fires",
        "e6203_silent",
        [(("consent.yaml", 25, 23), (("consent.yaml", 16, 13),))],
    ),
    # a row storage (per-unit unsubscribes) returns when any of its fields reaches the
    # system of record's per-unit object
    RuleCase(
        "E6203",
        "e6203_fires",
        "e6203_row_silent",
        [(("consent.yaml", 25, 23), (("consent.yaml", 16, 13),))],
    ),
]


@pytest.mark.parametrize("case", RULE_CASES, ids=case_id)
def test_rule_fires_and_stays_silent(tmp_path: Path, case: RuleCase) -> None:
    SUITE.fires_and_stays_silent(tmp_path, case)


def test_unknown_unit_and_fields_are_reported_with_positions(tmp_path: Path) -> None:
    eco = unit_eco(tmp_path, "e6201_silent")
    text = (eco / "consent.yaml").read_text()
    text = text.replace("business_units: [retail]", "business_units: [retial]")
    text = text.replace("unit_field: BusinessUnitID", "unit_field: BusinessUnit")
    (eco / "consent.yaml").write_text(text)
    result = check_path(eco)
    assert not result.analyzed
    got = sorted((f.code, f.span.line, f.span.column, f.message) for f in result.findings if f.span)
    assert [(c, line, col) for c, line, col, _ in got] == [("E2010", 13, 26), ("E2011", 26, 25)]
    assert "business unit 'retial' is not declared" in got[0][3]
    assert "BusinessUnit" in got[1][3]


def _generate(tmp_path: Path, *cases: str) -> tuple[list[Finding], dict[str, str]]:
    eco = unit_eco(tmp_path, *cases)
    comp = compile_path(eco, None, cache=ParseCache(None))
    assert comp.ok and comp.resolved is not None, [f.message for f in comp.findings]
    out = tmp_path / "build"
    result = generate(comp.resolved, out, targets=("marketing_cloud",))
    sql = {p.name: p.read_text() for p in sorted(out.rglob("*.query-meta.sql"))}
    return list(result.findings), sql


def _unit_unsubscribes(sql: str) -> list[exp.Exists]:
    """The EXISTS subqueries of a query that read the per-unit unsubscribes."""
    tree = sqlglot.parse_one(sql, read="tsql")
    return [
        e
        for e in tree.find_all(exp.Exists)
        if any(t.name == "_BusinessUnitUnsubscribes" for t in e.find_all(exp.Table))
    ]


QUERY = "contacts_to_newsletter.query-meta.sql"


def test_query_drops_the_units_own_unsubscribes(tmp_path: Path) -> None:
    findings, sql = _generate(tmp_path, "e6201_silent", "gen")
    assert findings == []
    (found,) = _unit_unsubscribes(sql[QUERY])
    assert isinstance(found.parent, exp.Not)  # NOT EXISTS: a row is an unsubscribe
    (table,) = found.find_all(exp.Table)
    assert table.db == "ENT"  # the data view answers in the parent account only
    where = found.find(exp.Where)
    assert where is not None
    pairs = {(e.this.sql("tsql"), e.expression.sql("tsql")) for e in where.find_all(exp.EQ)}
    assert pairs == {("[c].[SubscriberKey]", "[s].[Id]"), ("[c].[BusinessUnitID]", "100001")}


def test_query_without_per_unit_consent_has_no_unit_condition(tmp_path: Path) -> None:
    findings, sql = _generate(tmp_path, "gen")
    assert findings == []
    assert _unit_unsubscribes(sql[QUERY]) == []
    assert "_BusinessUnitUnsubscribes" not in sql[QUERY]


def test_unit_without_mid_is_a_warning_and_keeps_the_company_wide_condition(
    tmp_path: Path,
) -> None:
    eco = unit_eco(tmp_path, "e6201_silent", "gen")
    systems = (eco / "systems.yaml").read_text().replace("retail: {mid: 100001}", "retail: {}")
    (eco / "systems.yaml").write_text(systems)
    comp = compile_path(eco, None, cache=ParseCache(None))
    assert comp.resolved is not None
    result = generate(comp.resolved, tmp_path / "build", targets=("marketing_cloud",))
    codes = [(f.code, f.span.line if f.span else 0) for f in result.findings]
    assert ("W6204", 9) in codes
    (query,) = (tmp_path / "build").rglob(QUERY)
    assert _unit_unsubscribes(query.read_text()) == []
    assert "[HasOptedOutOfEmail] = 1" in query.read_text()


def test_per_unit_storage_without_unit_field_refuses_the_query(tmp_path: Path) -> None:
    findings, sql = _generate(tmp_path, "e6201_nounit_fires", "gen")
    assert [(f.code, f.span.line if f.span else 0) for f in findings] == [("E6801", 9)]
    assert "unit_field" in findings[0].message
    assert QUERY not in sql
