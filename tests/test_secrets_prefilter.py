"""The secrets scan's first look (`secrets._may_hold`): it may say "maybe" of a clean
text, never "no" of a text `_what` judges a secret, so `find_secrets` finds exactly what
it found by judging every string."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from compiler import secrets
from compiler.secrets import _may_hold, _what, find_secrets
from compiler.source import ParseCache, load
from compiler.yamlparse import Limits, parse_text

# Lookarounds and word boundaries taken out: the texts drawn match a larger language,
# which must hold a needle all the same.
_ASSERTIONS = re.compile(r"\(\?<?[!=](?:[^()\[\]]|\[[^\]]*\])*\)|\\b")


def _patterns() -> list[re.Pattern[str]]:
    found = [pattern for _, pattern in secrets._SHAPES]
    found += [secrets._ASSIGNED, secrets._SPACED, secrets._BASE64]
    return [re.compile(_ASSERTIONS.sub("", p.pattern), p.flags) for p in found]


@pytest.mark.parametrize("pattern", _patterns(), ids=lambda p: p.pattern[:30])
@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_every_text_a_pattern_matches_may_hold_a_secret(
    pattern: re.Pattern[str], data: st.DataObject
) -> None:
    text = data.draw(st.from_regex(pattern))
    assert _may_hold(text), text


_PIECES = st.sampled_from(
    [
        "pass",
        "word",
        "PASSWORD",
        "pw",
        "Pw",
        "d",
        "=",
        ": ",
        " ",
        "hunter2x",
        "Secret",
        "token",
        "api",
        "_",
        "-",
        "key",
        "Bearer ",
        "basic ",
        "https://",
        "u:p@h",
        "eyJ",
        "abcdefgh.",
        "AKIA",
        "0123456789ABCDEF",
        "ghp_",
        "xoxb-",
        "00D",
        "!",
        "-----BEGIN RSA PRIVATE KEY-----",
        "\u017f",
        "\u212a",
        "aB3+/xYz9Qw",
        "\n",
        "\x00",
        "é",
    ]
)


@settings(max_examples=600, deadline=None)
@given(st.lists(st.lists(_PIECES, max_size=12).map("".join), max_size=6))
def test_no_text_judged_a_secret_is_passed_over(texts: list[str]) -> None:
    joined = "\x00".join(texts)
    if any(_what(t) is not None for t in texts):
        assert _may_hold(joined)


def _slow(value: Any) -> list[tuple[tuple[str | int, ...], str]]:
    """find_secrets as it was: every distinct string judged."""
    if not any(_what(t) is not None for t in secrets._strings(value)):
        return []
    return list(secrets._find(value, ()))


@settings(max_examples=300, deadline=None)
@given(
    st.recursive(
        st.one_of(st.none(), st.integers(), _PIECES, st.lists(_PIECES, max_size=8).map("".join)),
        lambda kids: st.one_of(
            st.lists(kids, max_size=4), st.dictionaries(_PIECES, kids, max_size=4)
        ),
        max_leaves=20,
    )
)
def test_find_secrets_finds_what_judging_every_string_finds(value: Any) -> None:
    assert list(find_secrets(value)) == _slow(value)


def test_clean_texts_and_the_unicode_case_rules() -> None:
    assert not _may_hold("crm\x00Brand 0\x00mail.brand0.example\x00b2c")
    assert _may_hold("db_\u017fecret=abc123")  # not ASCII: looked at string by string
    assert _what("db_\u017fecret=abc123") is not None
    assert _may_hold("A" * 39 + "b")  # a base64 run
    assert not _may_hold("A" * 39 + "\x00" + "b")


_YAML_VALUES = st.recursive(
    st.one_of(st.none(), st.integers(), _PIECES, st.lists(_PIECES, max_size=8).map("".join)),
    lambda kids: st.one_of(st.lists(kids, max_size=4), st.dictionaries(_PIECES, kids, max_size=4)),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(_YAML_VALUES, _PIECES)
def test_the_parsers_strings_hold_every_string_value(value: Any, key: str) -> None:
    """The parser's `strings` of a document hold every string `_strings` collects (a key
    more at most), and `find_secrets` given them finds what it finds collecting them. The
    document is written as JSON (a YAML flow document), an anchored key used as a value
    too: `&k "key": value` and `*k`."""
    anchored = json.dumps(key)
    text = f"{{&k {anchored}: {json.dumps(value)}, other: *k}}"
    docs, problem = parse_text(text, "x.yaml", Limits())
    assert problem is None
    (doc,) = docs
    assert doc.strings is not None and doc.strings >= secrets._strings(doc.value)
    given_strings = list(find_secrets(doc.value, strings=doc.strings))
    assert given_strings == list(find_secrets(doc.value)) == _slow(doc.value)


def test_the_loader_judges_with_the_parsers_strings_and_drops_them(tmp_path: Path) -> None:
    (tmp_path / "x.yaml").write_text(
        "apiVersion: engage/v1\nsystems:\n  crm: {description: 'password=hunter22x'}\n"
        "---\n&k pw: [a, *k]\n",
        encoding="utf-8",
    )
    cache = ParseCache(None)
    documents = load(tmp_path, None, cache).documents
    assert [d.secrets for d in documents] == [
        ((("systems", "crm", "description"), "a password, token or key written inline"),),
        (),
    ]
    held = [d for _, docs in cache.memory.values() for d in docs]
    assert len(held) == 2 and all(d.strings is None for d in held)
