"""The sync emitter: which rules get code, the files it writes, that both dialects parse,
and the rules it refuses (with findings at the right place)."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlglot
from conftest import WriteEco, compile_eco, locate, where

from compiler.emit.artifact import gathered
from compiler.emit.sync import emit
from compiler.resolved import ResolvedEcosystem

ROOT = Path(__file__).resolve().parents[1]
TYPED = ROOT / "tests" / "fixtures" / "sync" / "typed" / "ecosystem.yaml"
ECOSYSTEM = ROOT / "ecosystem"
# Functions only DuckDB knows: none may survive the transpilation to Spark SQL.
DUCKDB_ONLY = ("REGEXP_MATCHES", "STRFTIME", "TRY_STRPTIME", "REGEXP_FULL_MATCH", '"')


def resolved_of(root: Path, env: str | None = None) -> ResolvedEcosystem:
    comp = compile_eco(root, env)
    assert comp.ok and comp.resolved is not None, [f.message for f in comp.findings]
    return comp.resolved


def typed(write_eco: WriteEco, old: str = "", new: str = "") -> tuple[Path, str]:
    text = TYPED.read_text("utf-8")
    if old:
        assert old in text
        text = text.replace(old, new)
    return write_eco({"ecosystem.yaml": text}), text


def check_files(files: dict[str, bytes]) -> None:
    for path, content in files.items():
        if path.endswith(".spark.py"):
            compile(content, path, "exec")  # the PySpark job is Python
            continue
        sql = content.decode("utf-8")
        dialect = "duckdb" if path.endswith(".duckdb.sql") else "spark"
        statements = [s for s in sqlglot.parse(sql, read=dialect) if s is not None]
        assert len(statements) == 3, path
        if dialect == "spark":
            assert not any(name in sql for name in DUCKDB_ONLY), path
            rule = path.removesuffix(".spark.sql").replace("-", "_")
            assert sql.count(f"CREATE OR REPLACE TEMPORARY VIEW `engage_checked_{rule}`") == 1
        else:
            assert sql.count("CREATE OR REPLACE TEMPORARY TABLE") == 1


@pytest.mark.parametrize("env", [None, "sandbox", "production"])
def test_example_ecosystem_sync_code_parses(env: str | None) -> None:
    if not ECOSYSTEM.is_dir():
        pytest.skip("the example ecosystem is not in this checkout")
    arts, findings = gathered(emit(resolved_of(ECOSYSTEM, env)))
    assert [f.message for f in findings] == []
    files = {a.path: a.content for a in arts}
    assert "legacy_customers_load.duckdb.sql" in files
    assert "legacy_customers_load.spark.sql" in files
    check_files(files)


def test_files_per_rule_and_determinism(write_eco: WriteEco) -> None:
    root, _ = typed(write_eco)
    first, _ = gathered(emit(resolved_of(root)))
    again, _ = gathered(emit(resolved_of(root)))
    assert [a.path for a in first] == ["load.duckdb.sql", "load.spark.py", "load.spark.sql"]
    assert [a.content for a in first] == [a.content for a in again]
    assert first[0].sources == (
        "data_extension.target",
        "integration.feed_load",
        "object.feed.Records",
        "sync_rule.load",
    )
    check_files({a.path: a.content for a in first})


def test_only_custom_integrations_into_data_extensions(write_eco: WriteEco) -> None:
    root, _ = typed(write_eco, "type: csv_import", "type: query")
    arts, findings = gathered(emit(resolved_of(root)))
    assert (list(arts), findings) == ([], [])


def test_consent_that_cannot_be_checked_refuses_the_rule(write_eco: WriteEco) -> None:
    root, text = typed(
        write_eco,
        "feed: {object: Records, field: optout, polarity: opt_out}",
        "mc: {object: _Subscribers, field: Status, polarity: status, opted_out_values: [x]}",
    )
    arts, findings = gathered(emit(resolved_of(root)))
    assert list(arts) == []
    assert [where(f)[0] for f in findings] == ["E6801"]
    line, col = locate(text, "respect_consent: [email]")
    assert where(findings[0])[2:] == (line, col + len("respect_consent: ["))
    assert "its sync code is not generated" in findings[0].message


def test_consent_stored_in_a_target_field_is_checked(write_eco: WriteEco) -> None:
    root, _ = typed(
        write_eco,
        "feed: {object: Records, field: optout, polarity: opt_out}",
        "mc: {object: target, field: Active, polarity: opt_in}",
    )
    arts, findings = gathered(emit(resolved_of(root)))
    assert findings == []
    duck = arts[0].content.decode()
    assert "WHEN NOT COALESCE(" in duck and "'opted_out:email'" in duck


def test_unmapped_primary_key_refuses_the_rule(write_eco: WriteEco) -> None:
    root, text = typed(write_eco, "      Key: {from: id, transform: trim}\n", "")
    arts, findings = gathered(emit(resolved_of(root)))
    assert list(arts) == []
    assert [f.code for f in findings] == ["E7802"]
    assert where(findings[0])[2:] == locate(text, "Email: {from: email")  # the mapping


def test_reserved_column_name_refuses_the_rule(write_eco: WriteEco) -> None:
    root, _ = typed(write_eco, "      optout: {type: text, length: 5}\n", (
        "      optout: {type: text, length: 5}\n      engage_row: {type: text}\n"
    ))  # fmt: skip
    arts, findings = gathered(emit(resolved_of(root)))
    assert list(arts) == []
    assert [f.code for f in findings] == ["E8801"]
