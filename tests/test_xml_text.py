"""names.xml_text replaces exactly the characters XML 1.0 cannot hold (`_xml_allowed`),
each by U+FFFD: on every code point, and on arbitrary texts (Hypothesis)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from compiler.emit.names import _xml_allowed, xml_text


def per_character(text: str) -> str:
    return "".join(c if _xml_allowed(c) else "\ufffd" for c in text)


def test_every_code_point_is_kept_or_replaced_as_xml_allows() -> None:
    every = "".join(chr(code) for code in range(0x110000))
    assert xml_text(every) == per_character(every)
    assert (
        xml_text("\x00a\x1fb\ud800c\ufffe\uffff\t\n\r") == "\ufffda\ufffdb\ufffdc\ufffd\ufffd\t\n\r"
    )


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x10FFFF)))
def test_arbitrary_texts(text: str) -> None:
    assert xml_text(text) == per_character(text)


def test_each_code_point_alone_in_a_text_is_kept_or_replaced_as_xml_allows() -> None:
    # a text of one character takes the printable fast path or the replacement: both agree
    for code in range(0x110000):
        char = chr(code)
        assert xml_text(f"a{char}b") == f"a{per_character(char)}b"
