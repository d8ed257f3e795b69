"""One source of what an Account Engagement connector user needs on an object whose field
a marketing data sharing rule names (issue 12, fix12 item 1).

The connector needs read and edit on the sharing rule's field (Salesforce Help, "Configure
Marketing Data Sharing Rules"), and editing a field of an existing record needs Edit on
the object: E4003 (field), E4002 (object) and W4004 (excess) read that one need, so a user
granted exactly what E4003 asks is neither short of object access nor told it holds too
much. Both fixtures give the connector its own sync rule, so its access is complete and
judged for excess.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from compiler.access import all_access
from compiler.diagnostics import Finding
from compiler.rules.check import check_path

ROOT = Path(__file__).parent / "fixtures" / "rules"
ACCESS = ("E4002", "E4003", "W4004")


def case_eco(tmp_path: Path, *cases: str, root: Path = ROOT) -> Path:
    """The rule fixtures' base (`tests/fixtures/rules/_base`) with each case folder under
    `root` copied over it (same name replaces, a new name adds)."""
    eco = tmp_path / "eco"
    shutil.copytree(ROOT / "_base", eco)
    for case in cases:
        for file in sorted((root / case).iterdir()):
            shutil.copy(file, eco / file.name)
    return eco


def checked(tmp_path: Path, *cases: str, root: Path = ROOT) -> tuple[list[Finding], Path]:
    """The findings of the case (analysed: no resolve error stopped the rules)."""
    eco = case_eco(tmp_path, *cases, root=root)
    result = check_path(eco)
    assert result.analyzed, [f"{f.span} {f.message}" for f in result.findings]
    return list(result.findings), eco


def test_object_edit_with_the_sharing_fields_edit_is_exactly_the_need(tmp_path: Path) -> None:
    findings, eco = checked(tmp_path, "fix12_sharing_edit_silent")
    assert findings == []
    resolved = check_path(eco).compilation.resolved
    assert resolved is not None
    need = all_access(resolved)["ae_user"].objects["Contact"]
    sharing = ("integrations", "ae_connector", "account_engagement", "sharing_rules", 0, "field")
    rule = ("sync_rules", "contacts_to_prospects")
    assert need.operations == {"edit": (sharing,), "read": (sharing, (*rule, "source"))}
    assert need.fields["Department"] == {"edit": (sharing,), "read": (sharing,)}


def test_the_sharing_fields_edit_needs_edit_on_the_object(tmp_path: Path) -> None:
    findings, eco = checked(tmp_path, "fix12_sharing_edit_fires")
    (finding,) = [f for f in findings if f.code in ACCESS]
    assert finding.code == "E4002"
    assert finding.message == (
        "integration user 'ae_user' lacks edit access on crm.Contact, which its sync needs"
    )
    assert finding.span is not None
    assert (Path(finding.span.file).name, finding.span.line, finding.span.column) == (
        "case.yaml",
        9,
        9,
    )  # the user's Contact permissions
    (related,) = finding.related
    line = (eco / "case.yaml").read_text("utf-8").splitlines()[related.span.line - 1]
    assert line[related.span.column - 1 :].startswith("Department, value: Retail}")
    assert findings == [finding]


def test_object_edit_is_no_excess_when_only_the_sharing_rule_edits(tmp_path: Path) -> None:
    """The report's case: the user follows E4003 and holds edit on Contact; W4004 used to
    call that edit needless."""
    findings, _ = checked(tmp_path, "fix12_sharing_edit_silent")
    assert [f for f in findings if f.code == "W4004"] == []


def test_an_insert_only_field_edit_needs_no_object_edit(tmp_path: Path) -> None:
    """Field Edit under Create alone (an insert sets the fields it maps) stays create-only:
    the boundary of the object-edit implication."""
    findings, eco = checked(tmp_path, "fix12_insert_field_edit_silent")
    assert findings == []
    resolved = check_path(eco).compilation.resolved
    assert resolved is not None
    need = all_access(resolved)["ae_user"].objects["Lead"]
    assert set(need.operations) == {"create"}
    assert set(need.fields["FirstName"]) == {"edit"}
