"""compiler/rules/queries.py on today's code (the lazy sqlglot import, a06f21d): what its
mutation run found unpinned (benchmarks/README.md "Mutation ledger and scores (mutB,
2026-12-02)")."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

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
