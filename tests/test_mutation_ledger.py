"""benchmarks/mutation_ledger.py: current, stale and unscored modules, in a real git repo."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime
from fractions import Fraction
from pathlib import Path

import pytest

from benchmarks.mutation_ledger import (
    COLUMNS,
    LedgerError,
    Row,
    main,
    parse,
    pct,
    read,
    record,
    render,
    statuses,
)

SECTION = "Mutation scores (test, 2026-12-02)"


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=True, check=True
    ).stdout


def commit(repo: Path, message: str) -> None:
    git(repo, "add", "-A")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", message)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    git(tmp_path, "init", "-q")
    for path in (
        "compiler/rules/a.py",
        "compiler/plan/b.py",
        "compiler/emit/marketing_cloud/c.py",
        "compiler/emit/shape_text.py",
        "compiler/emit/other.py",  # outside the ledger's folders
        "compiler/rules/notes.txt",  # not a module
    ):
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(f"# {path}\nX = 1\n", encoding="utf-8")
    (tmp_path / "benchmarks").mkdir()
    commit(tmp_path, "first")
    return tmp_path


def blob(repo: Path, rev: str, path: str) -> str:
    return git(repo, "rev-parse", f"{rev}:{path}").strip()


def by_module(repo: Path) -> dict[str, str]:
    return {s.module: s.state for s in statuses(repo, read(repo))}


def test_modules_of_the_three_folders_and_shape_text_only(repo: Path) -> None:
    assert by_module(repo) == {
        "compiler/emit/marketing_cloud/c.py": "unscored",
        "compiler/emit/shape_text.py": "unscored",
        "compiler/plan/b.py": "unscored",
        "compiler/rules/a.py": "unscored",
    }


def test_recorded_row_is_current_then_stale_when_the_code_changes(repo: Path) -> None:
    row = record(repo, "compiler/rules/a.py", 20, 19, 1, SECTION, date="2026-12-02")
    assert row.blob == blob(repo, "HEAD", "compiler/rules/a.py")
    assert (row.mutants, row.killed, row.equivalent) == (20, 19, 1)
    assert by_module(repo)["compiler/rules/a.py"] == "current"
    # An uncommitted edit already makes the score stale: the blob of the work tree's file.
    (repo / "compiler/rules/a.py").write_text("X = 2\n", encoding="utf-8")
    assert by_module(repo)["compiler/rules/a.py"] == "stale"
    commit(repo, "change a")
    assert by_module(repo)["compiler/rules/a.py"] == "stale"
    # Scoring the new code makes it current again; the old row stays in the ledger.
    record(repo, "compiler/rules/a.py", 21, 21, 0, SECTION, date="2026-12-02")
    found = {s.module: s for s in statuses(repo, read(repo))}
    assert found["compiler/rules/a.py"].state == "current"
    row_now = found["compiler/rules/a.py"].row
    assert row_now is not None and row_now.mutants == 21
    assert len(read(repo)) == 2


def test_code_changed_back_matches_an_older_row(repo: Path) -> None:
    record(repo, "compiler/plan/b.py", 10, 10, 0, SECTION, date="2026-12-01")
    original = (repo / "compiler/plan/b.py").read_text(encoding="utf-8")
    (repo / "compiler/plan/b.py").write_text("Y = 3\n", encoding="utf-8")
    record(repo, "compiler/plan/b.py", 12, 11, 0, SECTION, date="2026-12-02")
    (repo / "compiler/plan/b.py").write_text(original, encoding="utf-8")
    found = {s.module: s for s in statuses(repo, read(repo))}
    assert found["compiler/plan/b.py"].state == "current"
    row = found["compiler/plan/b.py"].row
    assert row is not None and row.mutants == 10


def test_rev_scores_the_blob_of_that_revision(repo: Path) -> None:
    first = git(repo, "rev-parse", "HEAD").strip()
    (repo / "compiler/rules/a.py").write_text("X = 5\n", encoding="utf-8")
    commit(repo, "change a")
    row = record(repo, "compiler/rules/a.py", 5, 5, 0, SECTION, rev=first, date="2026-12-01")
    assert row.blob == blob(repo, first, "compiler/rules/a.py")
    assert by_module(repo)["compiler/rules/a.py"] == "stale"


def test_readme_line_takes_the_blob_of_the_commit_that_wrote_the_row(repo: Path) -> None:
    readme = repo / "benchmarks/README.md"
    readme.write_text("# Scores\n\n| `rules/a.py` | 20 | 20 (100%) |\n", encoding="utf-8")
    commit(repo, "score a")
    scored = blob(repo, "HEAD", "compiler/rules/a.py")
    # Later commits change the module and add lines above the row: blame still finds it.
    (repo / "compiler/rules/a.py").write_text("X = 9\n", encoding="utf-8")
    readme.write_text("# Scores\n\nintro\n\n| `rules/a.py` | 20 | 20 (100%) |\n", encoding="utf-8")
    commit(repo, "change a, README intro")
    row = record(repo, "compiler/rules/a.py", 20, 20, 0, SECTION, readme_line=5)
    assert row.blob == scored
    stamp = int(git(repo, "log", "-1", "--format=%at", "HEAD~1"))
    assert row.date == datetime.fromtimestamp(stamp, UTC).strftime("%Y-%m-%d")
    assert by_module(repo)["compiler/rules/a.py"] == "stale"


def test_check_fails_on_unscored_stale_and_low(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for module in (
        "compiler/rules/a.py",
        "compiler/plan/b.py",
        "compiler/emit/marketing_cloud/c.py",
        "compiler/emit/shape_text.py",
    ):
        record(repo, module, 10, 9, 1, SECTION, date="2026-12-02")
    assert main(["--check", "--repo", str(repo)]) == 0
    assert "4 modules: 4 current (0 below 90%), 0 stale, 0 unscored" in capsys.readouterr().out

    # 9 of 10 non-equivalent (90.0%) passes; 8 of 9 (88.8%) does not, though raw is 80%.
    record(repo, "compiler/plan/b.py", 10, 8, 1, SECTION, date="2026-12-02")
    assert main(["--check", "--repo", str(repo)]) == 1
    captured = capsys.readouterr()
    assert "current (below 90%)" in captured.out
    assert "not ok: compiler/plan/b.py: below 90% over non-equivalent mutants" in captured.err

    record(repo, "compiler/plan/b.py", 10, 9, 0, SECTION, date="2026-12-02")
    assert main(["--check", "--repo", str(repo)]) == 0
    capsys.readouterr()

    (repo / "compiler/rules/a.py").write_text("X = 7\n", encoding="utf-8")
    (repo / "compiler/rules/new.py").write_text("Z = 1\n", encoding="utf-8")
    git(repo, "add", "compiler/rules/new.py")
    assert main(["--check", "--repo", str(repo)]) == 1
    err = capsys.readouterr().err
    assert "not ok: compiler/rules/a.py: stale" in err
    assert "not ok: compiler/rules/new.py: unscored" in err
    # Without --check the table is printed and the exit is 0.
    assert main(["--repo", str(repo)]) == 0


def test_percentages_are_rounded_down() -> None:
    assert pct(Fraction(89999, 100000)) == "89.9"
    assert pct(Fraction(9, 10)) == "90.0"
    assert pct(Fraction(1)) == "100.0"
    assert pct(Fraction(2, 3)) == "66.6"


def test_all_equivalent_survivors_score_full() -> None:
    row = Row("m.py", "0" * 40, 3, 0, 3, "2026-12-02", SECTION)
    assert pct(row.raw) == "0.0"
    assert pct(row.nonequivalent) == "100.0"


def test_a_hand_written_row_is_checked(repo: Path) -> None:
    good = Row("compiler/rules/a.py", "ab" * 20, 60, 57, 2, "2026-12-02", SECTION, "n")
    text = render([good])
    assert text.splitlines()[0] == ",".join(COLUMNS)
    assert parse(text) == [good]
    bad_pct = text.replace(",95.0,98.2,", ",95.0,100.0,")
    with pytest.raises(LedgerError, match="disagree with the counts"):
        parse(bad_pct)
    with pytest.raises(LedgerError, match="equivalent <= mutants - killed"):
        parse(text.replace(",60,57,2,", ",60,57,4,"))
    with pytest.raises(LedgerError, match="integers"):
        parse(text.replace(",60,57,2,", ",sixty,57,2,"))
    with pytest.raises(LedgerError, match="header"):
        parse("module,blob\n")
    with pytest.raises(LedgerError, match="cells"):
        parse(",".join(COLUMNS) + "\nonly,two\n")
    assert parse("") == []


def test_record_cli_errors_are_reported_not_raised(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["record", "compiler/rules/gone.py", "--mutants", "3", "--killed", "3"]
    assert main([*args, "--section", SECTION, "--repo", str(repo)]) == 2
    assert "no such file" in capsys.readouterr().err
    args = ["record", "compiler/rules/a.py", "--mutants", "3", "--killed", "4"]
    assert main([*args, "--section", SECTION, "--repo", str(repo)]) == 2
    assert "killed <= mutants" in capsys.readouterr().err
    assert read(repo) == []
    ok = [
        "record",
        "compiler/rules/a.py",
        "--mutants",
        "3",
        "--killed",
        "3",
        "--date",
        "2026-12-02",
    ]
    assert main([*ok, "--section", SECTION, "--repo", str(repo)]) == 0
    line = capsys.readouterr().out.strip()
    assert line.startswith("compiler/rules/a.py,")
    assert line.endswith(",3,3,0,100.0,100.0,2026-12-02,Mutation scores (test, 2026-12-02),")


def test_the_projects_ledger_parses() -> None:
    repo = Path(__file__).resolve().parent.parent
    rows = read(repo)
    assert rows, "benchmarks/mutation_scores.csv is empty"
    assert all(len(r.blob) == 40 for r in rows)
    assert all(r.module.startswith("compiler/") for r in rows)


def test_a_module_with_nothing_to_mutate_is_recorded_as_scored() -> None:
    """`plan/__init__.py` holds only a docstring: mutation.py finds 0 mutants. Its row is
    100% (nothing survives), and a negative count is still refused."""
    row = Row("m.py", "0" * 40, 0, 0, 0, "2026-12-02", SECTION)
    assert (pct(row.raw), pct(row.nonequivalent)) == ("100.0", "100.0")
    assert parse(render([row])) == [row]
    bad = render([row]).replace(",0,0,0,", ",-1,0,0,")
    with pytest.raises(LedgerError, match="need 0 <= killed <= mutants"):
        parse(bad)
