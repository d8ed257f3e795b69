"""compiler/rules/queries.py on today's code (the lazy sqlglot import, a06f21d): what its
mutation run found unpinned (benchmarks/README.md "Mutation ledger and scores (mutB,
2026-12-02)")."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from test_rules_fixtures import check_case

from compiler.rules.queries import hardcoded_ids

REPO = Path(__file__).resolve().parent.parent


def _modules_after(code: str) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport sys\nprint(' '.join(sorted(sys.modules)))"],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
    )
    return set(done.stdout.split())


def test_importing_the_rules_does_not_import_sqlglot() -> None:
    # The query rules import sqlglot on the first query they parse, so an ecosystem
    # without SQL does not pay for it; the module-level import is for annotations only.
    loaded = _modules_after("import compiler.rules")
    assert "compiler.rules.queries" in loaded
    assert not {m for m in loaded if m == "sqlglot" or m.startswith("sqlglot.")}


def test_parsing_a_query_imports_sqlglot() -> None:
    # The other side of the boundary: the first query parsed brings sqlglot in.
    loaded = _modules_after(
        "from compiler.rules.queries import query_tables\n"
        "assert query_tables('SELECT a FROM [Newsletter]') == {'newsletter'}"
    )
    assert "sqlglot" in loaded


def test_a_number_beside_a_mid_column_outside_a_comparison_is_no_mid() -> None:
    # A default in ISNULL/COALESCE is not compared with the business unit column: only a
    # comparison (or IN) with it makes an undeclared number a MID.
    assert hardcoded_ids("SELECT ISNULL(MID, 0) AS BU FROM Sends", {}) == []
    assert hardcoded_ids("SELECT COALESCE(BusinessUnitID, 12) AS BU FROM Sends", {}) == []
    assert hardcoded_ids("SELECT SubscriberKey FROM Sends WHERE MID = 7", {}) == ["MID 7"]
    assert hardcoded_ids("SELECT MID FROM Sends WHERE MID IN (7, 8)", {}) == ["MID 7", "MID 8"]


def test_a_block_rule_beside_the_users_sync_writer_runs_clean(tmp_path: Path) -> None:
    # w5910_fires with a sync rule of the user writing the contacts: the rule looks up the
    # sync rule's integration and leaves the user to E5001, no W5910 and no internal error.
    codes = sorted(f.code for f in check_case(tmp_path, "w5910_sync_writer_silent"))
    assert codes == ["E4002", "E4003", "E5001", "W4001"]
