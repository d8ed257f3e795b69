"""Property-based: whatever the text, `engage validate` answers with findings, never a
traceback, and every finding says where (file, line >= 1, column >= 1).

Four sources of input: random text over YAML's special characters, hostile constructs
glued together, random nested values dumped as YAML into the language's sections, and
the valid language fixture with one value replaced at random.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from conftest import LANGUAGE_FIXTURES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from compiler.diagnostics import Finding, Span
from compiler.model import RESOURCE_SECTIONS, SINGLE_SECTIONS
from compiler.pipeline import Compilation, compile_path
from compiler.source import ParseCache, load

# ENGAGE_FUZZ_EXAMPLES=2000 pytest tests/test_hostile_yaml.py: a longer hunt, on demand.
EXAMPLES = int(os.environ.get("ENGAGE_FUZZ_EXAMPLES", "60"))
FAST = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
SECTIONS = sorted([*RESOURCE_SECTIONS, *SINGLE_SECTIONS, "moved", "include", "environment"])

# ------------------------------------------------------------------------------ inputs

yaml_text = st.text(
    alphabet=st.sampled_from(list(" \t\n-:?,[]{}#&*!|>'\"%@`~.\\=<_0xyzé\x00\x85\u2028\ufeff")),
    max_size=200,
)
HOSTILE_PIECES = [
    "a: &a [x, x]\nb: &b [*a, *a]\n",
    "c: *b\n",
    "<<: *a\n",
    "<<: {k: 1}\n",
    "? [a]\n: 1\n",
    "x: !!python/object:os.system ls\n",
    "x: !custom {}\n",
    "x: !!binary aGVsbG8=\n",
    "x: !!timestamp 2020-01-01\n",
    "dup: 1\ndup: 2\n",
    "[" * 100,
    "{" * 80 + "}" * 80 + "\n",
    "---\n",
    "...\n",
    "%YAML 1.1\n---\n",
    "%TAG ! tag:example.com,2000:\n---\n",
    "apiVersion: engage/v1\n",
    "environment: sandbox\n",
    "include: ../../etc/passwd\n",
    "include: /etc/passwd\n",
    "include: ['*', '**/*.yaml', '[']\n",
    "ecosystem: {name: x, environments: {sandbox: {}}}\n",
    "systems: {crm: {type: salesforce, region: eu}}\n",
    "data_extensions: {d: {for_each: '*', business_unit: '${each.x.y}', fields: {}}}\n",
    "sync_rules: {s: {for_each: [a, '${each}'], integration: '${nope}'}}\n",
    "  bad indentation: [\n",
    "key: 'unterminated\n",
    "\t- tab\n",
    "- 1\n- 2\n",
    "1e400: .nan\n",
    "0x: 0o\n",
]
hostile_text = st.lists(st.sampled_from(HOSTILE_PIECES), max_size=8).map("".join)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.sampled_from(["salesforce", "marketing_cloud", "crm", "mc", "retail", "*", "${each}"]),
)
keys = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["type", "region", "fields", "business_unit", "for_each", "from", "to"]),
)
values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(keys, children, max_size=4)
    ),
    max_leaves=25,
)
sectioned = st.dictionaries(st.sampled_from(SECTIONS), values, max_size=4)

# ------------------------------------------------------------------------------ helpers


@contextmanager
def folder() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as tmp:
        yield Path(tmp)


def dump(value: Any) -> str:
    out = io.StringIO()
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.dump(value, out)
    return out.getvalue()


def assert_located(span: Span | None) -> None:
    assert span is not None
    assert span.file and span.line >= 1 and span.column >= 1, span


def assert_findings_located(findings: tuple[Finding, ...]) -> None:
    for finding in findings:
        assert_located(finding.span)
        for related in finding.related:
            assert_located(related.span)


def compile_text(root: Path, files: dict[str, str | bytes]) -> Compilation:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8", errors="surrogatepass")
    comp = compile_path(root, all_environments=True, cache=ParseCache(None))
    assert_findings_located(comp.findings)
    assert comp.ok or comp.findings, "a failed compilation must say why"
    return comp


# ------------------------------------------------------------------------------ properties


@FAST
@given(yaml_text)
def test_random_text(text: str) -> None:
    with folder() as root:
        compile_text(root, {"a.yaml": text})


@FAST
@given(st.binary(max_size=120))
def test_random_bytes(data: bytes) -> None:
    with folder() as root:
        compile_text(root, {"a.yaml": data})


@FAST
@given(hostile_text, hostile_text)
def test_hostile_constructs(first: str, second: str) -> None:
    with folder() as root:
        compile_text(root, {"a.yaml": first, "sub/b.yml": second})


@FAST
@given(sectioned)
def test_random_values_in_the_language_sections(doc: dict[str, Any]) -> None:
    doc = {"apiVersion": "engage/v1", **doc}
    with folder() as root:
        compile_text(root, {"a.yaml": dump(doc)})


@FAST
@given(values)
def test_random_values_as_whole_documents(value: Any) -> None:
    with folder() as root:
        compile_text(root, {"a.yaml": dump(value)})


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(value, dict):
        for k, v in value.items():
            out.extend(_paths(v, (*prefix, k)))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out.extend(_paths(v, (*prefix, i)))
    return out


VALID = (LANGUAGE_FIXTURES / "valid").resolve()
FIXTURE_DOCS = {  # file name relative to the fixture folder → its (only) document
    Path(doc.file).resolve().relative_to(VALID).as_posix(): doc.value
    for doc in load(VALID, cache=ParseCache(None)).documents
}


def _replace(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(value, dict):
        return {**value, head: _replace(value[head], rest, new)}
    copy = list(value)
    copy[head] = _replace(value[head], rest, new)
    return copy


@settings(FAST, max_examples=EXAMPLES + 20)
@given(st.data())
def test_the_fixture_with_one_value_replaced(data: st.DataObject) -> None:
    """Near-valid input reaches the model and resolve stages with surprising values."""
    file = data.draw(st.sampled_from(sorted(FIXTURE_DOCS)))
    doc = FIXTURE_DOCS[file]
    path = data.draw(st.sampled_from(_paths(doc)[1:]))
    new = data.draw(values)
    with folder() as root:
        shutil.copytree(VALID, root, dirs_exist_ok=True)
        compile_text(root, {file: dump(_replace(doc, path, new))})


@settings(FAST, max_examples=max(4, EXAMPLES // 15))
@given(hostile_text)
def test_the_command_line_never_shows_a_traceback(text: str) -> None:
    with folder() as root:
        (root / "a.yaml").write_text(text, encoding="utf-8")
        engage = shutil.which("engage")
        cmd = [engage] if engage else [sys.executable, "-m", "compiler.cli"]
        result = subprocess.run(
            [*cmd, "validate", str(root)], capture_output=True, text=True, timeout=60, check=False
        )
        assert result.returncode in (0, 1), result.stdout + result.stderr
        assert "Traceback" not in result.stdout + result.stderr
        assert "internal error" not in result.stderr
