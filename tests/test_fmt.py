"""`engage fmt`: canonical layout that keeps comments, idempotent, never changes meaning."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

from conftest import RunEngage, dedent
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from compiler.fmt import WIDTH, format_text
from compiler.yamlparse import Limits, parse_text

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures"


def _values(text: str) -> list[object]:
    docs, problem = parse_text(text, "x.yaml", Limits())
    assert problem is None, problem
    return [d.value for d in docs]


def test_layout_is_canonical_and_comments_stay() -> None:
    text = dedent(
        """
        # head comment
        apiVersion: engage/v1
        systems:
            crm:   # the CRM
                type: salesforce
                products:
                - sales_cloud     # first
                - service_cloud
        # between
        consent: {channels: {email: {default: opt_out}}}
        """
    )
    out = format_text(text, "x.yaml")
    assert out.findings == ()
    assert out.text == dedent(
        """
        # head comment
        apiVersion: engage/v1
        systems:
          crm:     # the CRM
            type: salesforce
            products:
              - sales_cloud       # first
              - service_cloud
        # between
        consent: {channels: {email: {default: opt_out}}}
        """
    )  # end-of-line comments keep their column (ruamel's round trip)
    assert format_text(out.text, "x.yaml").text == out.text


def test_long_flow_collections_wrap_at_commas_aligned_after_the_bracket() -> None:
    fields = ", ".join(f"Field_{i:02d}__c: read" for i in range(12))
    text = f"users:\n  u:\n    fields: {{{fields}}}\n"
    out = format_text(text, "x.yaml").text
    lines = out.splitlines()
    assert len(lines) > 3 and all(len(line) <= WIDTH for line in lines)
    assert lines[2].startswith("    fields: {Field_00__c: read, ") and lines[2].endswith(",")
    assert lines[3].startswith(" " * len("    fields: {") + "Field_")
    assert _values(out) == _values(text)
    assert format_text(out, "x.yaml").text == out  # idempotent once wrapped
    quoted = "a: [" + ", ".join(f"'x, {i}'" for i in range(30)) + "]\n"
    assert _values(format_text(quoted, "x.yaml").text) == _values(quoted)  # commas in quotes


def test_document_markers_stay() -> None:
    text = "---\na: 1\n---\nb: [1, 2]\n"
    assert format_text(text, "x.yaml").text == text


def test_a_comment_ruamel_would_drop_keeps_the_file_as_it_is() -> None:
    text = "a: [1, # why one\n  2]\n"
    out = format_text(text, "x.yaml")
    assert out.text == text and [f.code for f in out.findings] == ["W0100"]
    assert "would lose a comment" in out.findings[0].message


def test_yaml_engage_refuses_is_reported_not_formatted() -> None:
    out = format_text("a: 1\na: 2\n", "x.yaml")
    assert out.text == "a: 1\na: 2\n"
    assert [(f.code, f.span.line if f.span else 0) for f in out.findings] == [
        ("E0002", 2)
    ]  # duplicate key


def test_every_checked_in_ecosystem_formats_idempotently_without_changing_meaning() -> None:
    files = sorted((REPO / "ecosystem").rglob("*.yaml")) + sorted(FIXTURES.rglob("*.yaml"))
    formatted = 0
    for path in files:
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue  # the loader's fixture of a Latin-1 file
        docs, problem = parse_text(text, path.name, Limits())
        if problem is not None:
            continue  # broken on purpose (fixtures of loader errors)
        out = format_text(text, path.name)
        if out.findings:
            assert out.text == text, path
            continue
        formatted += 1
        assert _values(out.text) == [d.value for d in docs], path
        assert format_text(out.text, path.name).text == out.text, path
    assert formatted > 100


_scalar = st.one_of(
    st.integers(-1000, 1000),
    st.booleans(),
    st.none(),
    st.text(st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), max_size=30),
)
_key = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,20}", fullmatch=True)
_tree = st.recursive(
    _scalar,
    lambda kids: st.lists(kids, max_size=6) | st.dictionaries(_key, kids, max_size=6),
    max_leaves=40,
)


@settings(max_examples=60, deadline=None)
@given(value=st.dictionaries(_key, _tree, min_size=1, max_size=6), flow=st.booleans())
def test_any_document_keeps_its_meaning_and_formats_idempotently(
    value: dict[str, object], flow: bool
) -> None:
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = flow
    yaml.width = 60
    out = io.StringIO()
    yaml.dump(value, out)
    text = out.getvalue()
    # ruamel's pure dumper can write what libyaml refuses (`[:0]`): not a formatter input
    assume(parse_text(text, "x.yaml", Limits())[1] is None)
    first = format_text(text, "x.yaml")
    assert _values(first.text) == _values(text)
    assert format_text(first.text, "x.yaml").text == first.text


def test_fmt_command_check_diff_and_write(engage: RunEngage) -> None:
    shutil.copytree(REPO / "ecosystem", "eco")
    check = engage("fmt", "eco", "--check", "--diff")
    assert check.code == 1
    assert "would reformat eco/integration_users.yaml" in check.err
    assert "+++ eco/integration_users.yaml (formatted)" in check.out
    before = Path("eco/integration_users.yaml").read_text(encoding="utf-8")
    assert engage("fmt", "eco").code == 0
    after = Path("eco/integration_users.yaml").read_text(encoding="utf-8")
    assert after != before and after.count("#") == before.count("#")
    again = engage("fmt", "eco", "--check")
    assert again.code == 0 and "every file is formatted" in again.err
    assert engage("check", "eco").code == 0  # still the same ecosystem
    Path("bad.yaml").write_text("a: [1, 2\nb: x\n", encoding="utf-8")
    bad = engage("fmt", "bad.yaml")
    assert bad.code == 1 and "error[E0001]" in bad.err and "bad.yaml:2:2" in bad.err
