"""The mutation ledger: which module's mutation score is valid for today's code.

    python benchmarks/mutation_ledger.py            # one table, every module, its status
    python benchmarks/mutation_ledger.py --check    # exit 1 if any is stale, unscored or low
    python benchmarks/mutation_ledger.py record compiler/rules/queries.py \\
        --mutants 58 --killed 57 --equivalent 1 \\
        --section "Mutation ledger and scores (mutB, 2026-12-02)"

`benchmarks/mutation_scores.csv` holds one row per scored run of a module (a run of
`benchmarks/mutation.py MODULE --sample 60 --seed 1` whose sample was completed, with
its survivors handled): the module's path, the git blob of the module's source that was
scored, the mutants, how many were killed, how many survivors were found equivalent
(listed in `benchmarks/mutation_equivalent.txt`), the raw score (killed / mutants), the
score over the non-equivalent mutants (killed / (mutants - equivalent)), the date and the
title of the `benchmarks/README.md` section that reports it, and a free note.

A module's score is *current* when a row's blob is the blob of the module's file as it is
in the work tree now (`git hash-object`, which is `git rev-parse HEAD:MODULE` when the file
is committed); *stale* when every row of it scored another blob (the code changed since);
*unscored* when it has no row. `--check` fails when any module of `compiler/rules/`,
`compiler/plan/`, `compiler/emit/marketing_cloud/` or `compiler/emit/shape_text.py` is
stale, unscored, or below 90% over its non-equivalent mutants.

`record` appends the row of a finished run. The blob is the module's file as it is now
(run it before changing the module), or that of `--rev REV`, or, with `--readme-line N`,
that of the commit that wrote line N of `benchmarks/README.md` (`git blame`): the way the
rows reported only in the README were backfilled. Rows can as well be appended by hand:
the percentages must agree with the counts (the ledger refuses a row where they do not).
"""

from __future__ import annotations

import argparse
import csv
import io
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from fractions import Fraction
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
LEDGER = Path("benchmarks") / "mutation_scores.csv"
FOLDERS = ("compiler/rules/", "compiler/plan/", "compiler/emit/marketing_cloud/")
EXTRA = ("compiler/emit/shape_text.py",)
THRESHOLD = Fraction(90, 100)
COLUMNS = (
    "module",
    "blob",
    "mutants",
    "killed",
    "equivalent",
    "score_raw_pct",
    "score_nonequivalent_pct",
    "date",
    "section",
    "note",
)


class LedgerError(Exception):
    """A malformed ledger row or a failed git look-up: reported, never a traceback."""


@dataclass(frozen=True)
class Row:
    module: str
    blob: str
    mutants: int
    killed: int
    equivalent: int
    date: str
    section: str
    note: str = ""

    @property
    def raw(self) -> Fraction:
        # A module with nothing to mutate (a docstring only) has no survivor.
        return Fraction(self.killed, self.mutants) if self.mutants else Fraction(1)

    @property
    def nonequivalent(self) -> Fraction:
        scored = self.mutants - self.equivalent
        return Fraction(self.killed, scored) if scored else Fraction(1)

    def cells(self) -> list[str]:
        return [
            self.module,
            self.blob,
            str(self.mutants),
            str(self.killed),
            str(self.equivalent),
            pct(self.raw),
            pct(self.nonequivalent),
            self.date,
            self.section,
            self.note,
        ]


@dataclass(frozen=True)
class Status:
    module: str
    state: str  # "current", "stale" or "unscored"
    row: Row | None

    @property
    def low(self) -> bool:
        return self.row is not None and self.row.nonequivalent < THRESHOLD

    @property
    def ok(self) -> bool:
        return self.state == "current" and not self.low


def pct(value: Fraction) -> str:
    """One decimal, rounded down, so a printed 90.0 is never below 90%."""
    tenths = value.numerator * 1000 // value.denominator
    return f"{tenths // 10}.{tenths % 10}"


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise LedgerError(f"git {' '.join(args)}: {done.stderr.strip()}")
    return done.stdout


def modules(repo: Path) -> list[str]:
    """Every tracked Python module the issue's ≥ 90% applies to, sorted."""
    listed = git(repo, "ls-files", "--", *FOLDERS, *EXTRA).splitlines()
    return sorted(p for p in listed if p.endswith(".py") and (repo / p).is_file())


def current_blob(repo: Path, module: str) -> str:
    return git(repo, "hash-object", "--", module).strip()


def blob_at(repo: Path, rev: str, module: str) -> str:
    return git(repo, "rev-parse", f"{rev}:{module}").strip()


def commit_of_line(repo: Path, path: str, line: int) -> tuple[str, str]:
    """The commit that wrote `line` of `path` at HEAD, and its author date (UTC)."""
    out = git(repo, "blame", "--line-porcelain", "-L", f"{line},{line}", "HEAD", "--", path)
    lines = out.splitlines()
    if not lines:
        raise LedgerError(f"{path} has no line {line}")
    commit = lines[0].split()[0]
    when = next((x.split()[1] for x in lines if x.startswith("author-time ")), None)
    if when is None:
        raise LedgerError(f"git blame gave no author time for {path}:{line}")
    date = datetime.fromtimestamp(int(when), UTC).strftime("%Y-%m-%d")
    return commit, date


def parse(text: str, source: str = str(LEDGER)) -> list[Row]:
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header is None:
        return []
    if tuple(header) != COLUMNS:
        raise LedgerError(f"{source}:1: header must be {','.join(COLUMNS)}")
    rows: list[Row] = []
    for number, cells in enumerate(reader, start=2):
        if not cells:
            continue
        if len(cells) != len(COLUMNS):
            raise LedgerError(f"{source}:{number}: {len(cells)} cells, {len(COLUMNS)} expected")
        try:
            mutants, killed, equivalent = int(cells[2]), int(cells[3]), int(cells[4])
        except ValueError as err:
            raise LedgerError(f"{source}:{number}: counts must be integers ({err})") from None
        if mutants < 0 or not 0 <= killed <= mutants or not 0 <= equivalent <= mutants - killed:
            raise LedgerError(
                f"{source}:{number}: need 0 <= killed <= mutants and "
                f"equivalent <= mutants - killed (got {mutants}, {killed}, {equivalent})"
            )
        row = Row(cells[0], cells[1], mutants, killed, equivalent, cells[7], cells[8], cells[9])
        if (cells[5], cells[6]) != (pct(row.raw), pct(row.nonequivalent)):
            raise LedgerError(
                f"{source}:{number}: percentages {cells[5]}, {cells[6]} disagree with the "
                f"counts ({pct(row.raw)}, {pct(row.nonequivalent)})"
            )
        rows.append(row)
    return rows


def render(rows: list[Row]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow(row.cells())
    return out.getvalue()


def read(repo: Path) -> list[Row]:
    path = repo / LEDGER
    return parse(path.read_text(encoding="utf-8"), str(LEDGER)) if path.exists() else []


def statuses(repo: Path, rows: list[Row]) -> list[Status]:
    """Each module's status: the last row scoring its current blob, else its last row."""
    result: list[Status] = []
    for module in modules(repo):
        mine = [r for r in rows if r.module == module]
        if not mine:
            result.append(Status(module, "unscored", None))
            continue
        blob = current_blob(repo, module)
        matching = [r for r in mine if r.blob == blob]
        if matching:
            result.append(Status(module, "current", matching[-1]))
        else:
            result.append(Status(module, "stale", mine[-1]))
    return result


def table(found: list[Status]) -> str:
    head = ("module", "status", "mutants", "killed", "equiv", "raw %", "non-equiv %", "date")
    body: list[tuple[str, ...]] = []
    for s in found:
        r = s.row
        state = s.state + (" (below 90%)" if s.low else "")
        if r is None:
            body.append((s.module, state, "", "", "", "", "", ""))
        else:
            body.append(
                (
                    s.module,
                    state,
                    str(r.mutants),
                    str(r.killed),
                    str(r.equivalent),
                    pct(r.raw),
                    pct(r.nonequivalent),
                    r.date,
                )
            )
    widths = [max(len(x[i]) for x in [head, *body]) for i in range(len(head))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(head, widths, strict=True)).rstrip()]
    lines += ["  ".join(c.ljust(w) for c, w in zip(x, widths, strict=True)).rstrip() for x in body]
    counts = {k: sum(1 for s in found if s.state == k) for k in ("current", "stale", "unscored")}
    low = sum(1 for s in found if s.state == "current" and s.low)
    lines.append(
        f"{len(found)} modules: {counts['current']} current ({low} below 90%), "
        f"{counts['stale']} stale, {counts['unscored']} unscored"
    )
    return "\n".join(lines) + "\n"


def record(
    repo: Path,
    module: str,
    mutants: int,
    killed: int,
    equivalent: int,
    section: str,
    *,
    rev: str | None = None,
    readme_line: int | None = None,
    date: str | None = None,
    note: str = "",
) -> Row:
    """Append one row to the ledger and return it."""
    if not (repo / module).is_file() and rev is None and readme_line is None:
        raise LedgerError(f"{module}: no such file")
    when = date or datetime.now(UTC).strftime("%Y-%m-%d")
    if readme_line is not None:
        commit, blamed = commit_of_line(repo, "benchmarks/README.md", readme_line)
        blob = blob_at(repo, commit, module)
        when = date or blamed
    elif rev is not None:
        blob = blob_at(repo, rev, module)
    else:
        blob = current_blob(repo, module)
    row = Row(module, blob, mutants, killed, equivalent, when, section, note)
    rows = read(repo)
    # Round-trip the new row through the parser: the same checks as a hand-written one.
    parse(render([row]), "the new row")
    (repo / LEDGER).write_text(render([*rows, row]), encoding="utf-8")
    return row


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["record"]:
        rec = argparse.ArgumentParser(prog="mutation_ledger.py record")
        rec.add_argument("module")
        rec.add_argument("--mutants", type=int, required=True)
        rec.add_argument("--killed", type=int, required=True)
        rec.add_argument("--equivalent", type=int, default=0)
        rec.add_argument("--section", required=True, help="the benchmarks/README.md section")
        where = rec.add_mutually_exclusive_group()
        where.add_argument("--rev", help="score the module's blob at this revision")
        where.add_argument(
            "--readme-line", type=int, help="the blob at the commit that wrote this README line"
        )
        rec.add_argument("--date", help="YYYY-MM-DD (default: today, or the blamed commit's)")
        rec.add_argument("--note", default="")
        rec.add_argument("--repo", type=Path, default=REPO)
        a = rec.parse_args(args[1:])
        try:
            row = record(
                a.repo,
                a.module,
                a.mutants,
                a.killed,
                a.equivalent,
                a.section,
                rev=a.rev,
                readme_line=a.readme_line,
                date=a.date,
                note=a.note,
            )
        except LedgerError as err:
            print(f"error: {err}", file=sys.stderr)
            return 2
        print(",".join(row.cells()))
        return 0
    top = argparse.ArgumentParser(
        prog="mutation_ledger.py", description=(__doc__ or "").split("\n")[0]
    )
    top.add_argument("--check", action="store_true", help="exit 1 unless every module is ok")
    top.add_argument("--repo", type=Path, default=REPO)
    a = top.parse_args(args)
    try:
        found = statuses(a.repo, read(a.repo))
    except LedgerError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    sys.stdout.write(table(found))
    if a.check:
        bad = [s for s in found if not s.ok]
        for s in bad:
            why = s.state if s.state != "current" else "below 90% over non-equivalent mutants"
            print(f"not ok: {s.module}: {why}", file=sys.stderr)
        return 1 if bad else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
