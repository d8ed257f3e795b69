"""`engage sync run` against files written and reviewed by hand: every kind of transform.

The ecosystem (tests/fixtures/sync/every_transform/ecosystem) has two rules:

* `contacts_load` (header, UTF-8, `,`): every transform (trim, lower, upper, truncate,
  e164, iso_country, to_date, to_number, to_boolean, invert, sha256), picklist value
  translations, defaults (Text and Boolean), constants (text, number, boolean), every
  data extension type, duplicate ranking by a datetime `order_by` (ties to the later
  row), filters with `ne`, `ge`, `lt`, `not_in` and `not_null`, and consent suppression
  from an extract column (opt_out polarity, a status with opted-in values) and from a
  target field the rule writes (opt_in polarity);
* `members_load` (no header, latin-1, `;`, CRLF): a two-field key, ranking by a number
  `order_by` (10 after 9), filters with a boolean and `in`, a status consent with
  opted-out values, a Number default.

The expected files in `expected/` were read row by row against the extract's comments in
the fixture's making (each row is there for one case; the sha256 values were checked
with Python's hashlib). The run goes through the real CLI in a subprocess; the outputs
must equal the expected files byte for byte, and the printed report its counts.
"""

from __future__ import annotations

import csv
import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "sync" / "every_transform"
EXPECTED = FIXTURE / "expected"

CONTACTS_REPORT = """\
read 38 rows from contacts_1.csv: 7 accepted -> rows.csv, 24 rejected -> rejects.csv, 7 left out by the rule's filter
         3  duplicate:Key
         1  invalid_boolean:Vip
         2  invalid_date:Born
         1  invalid_date:Joined
         2  invalid_decimal:Price
         3  invalid_email:Email
         1  invalid_locale:Locale
         3  invalid_number:Qty
         1  invalid_phone:Mobile
         1  missing:Key
         2  opted_out:email
         2  opted_out:push
         2  opted_out:sms
         1  too_long:Country
         1  too_long:Key
         1  too_long:Last
"""  # noqa: E501
MEMBERS_REPORT = """\
read 13 rows from members_1.txt: 4 accepted -> rows.csv, 7 rejected -> rejects.csv, 2 left out by the rule's filter
         2  duplicate:Shop+Member
         2  invalid_email:Email
         2  invalid_number:Points
         1  missing:Email
         2  opted_out:email
"""  # noqa: E501
CASES = [
    ("contacts_load", "contacts_1.csv", CONTACTS_REPORT),
    ("members_load", "members_1.txt", MEMBERS_REPORT),
]


def sync_run(rule: str, extract: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    shutil.copyfile(FIXTURE / "extracts" / extract, cwd / extract)
    return subprocess.run(
        [sys.executable, "-m", "compiler.cli", "sync", "run", rule, str(FIXTURE / "ecosystem"),
         "--input", extract, "--out", "rows.csv", "--rejects", "rejects.csv"],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={"NO_COLOR": "1", "PATH": "/usr/bin:/bin", "ENGAGE_NO_CACHE": "1",
             "COLUMNS": "200"},
        check=False,
    )  # fmt: skip


@pytest.mark.parametrize(("rule", "extract", "report"), CASES, ids=[c[0] for c in CASES])
def test_outputs_equal_the_expected_files(
    tmp_path: Path, rule: str, extract: str, report: str
) -> None:
    proc = sync_run(rule, extract, tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "rows.csv").read_bytes() == (EXPECTED / f"{rule}.rows.csv").read_bytes()
    rejects = (EXPECTED / f"{rule}.rejects.csv").read_bytes()
    assert (tmp_path / "rejects.csv").read_bytes() == rejects
    assert proc.stdout == report
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([extract, "rows.csv",
                                                                 "rejects.csv"])  # fmt: skip


def test_the_expected_hashes_are_sha256_of_the_written_values() -> None:
    """The expected file's hashes, recomputed here (lower-case hex of the UTF-8 bytes)."""
    with (EXPECTED / "contacts_load.rows.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 7
    for row in rows:
        for value, digest in ((row["Email"], row["EmailHash"]), (row["Mobile"], row["MobileHash"])):
            assert digest == (hashlib.sha256(value.encode()).hexdigest() if value else "")
