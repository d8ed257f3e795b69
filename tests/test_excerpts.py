"""The excerpt record keeps each accepted file as its text and line starts: the lines it
quotes are exactly `str.splitlines`'s, hidden lines are never quoted."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from compiler import excerpts

_BREAKS = ["\n", "\r\n", "\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]
_PIECES = st.lists(st.sampled_from([*_BREAKS, "a", "key: value", " ", "é", "\t", ""]), max_size=30)


@given(_PIECES)
def test_lines_are_those_of_splitlines(pieces: list[str]) -> None:
    text = "".join(pieces)
    excerpts.accept("prop.yaml", text)
    expected = text.splitlines()
    got = [excerpts.line("prop.yaml", n) for n in range(1, len(expected) + 1)]
    assert got == expected
    assert excerpts.line("prop.yaml", len(expected) + 1) is None
    assert excerpts.line("prop.yaml", 0) is None


def test_a_text_ending_without_a_break_keeps_its_last_line() -> None:
    excerpts.accept("last.yaml", "a: 1\r\nb: 2")
    assert excerpts.line("last.yaml", 1) == "a: 1"
    assert excerpts.line("last.yaml", 2) == "b: 2"
    assert excerpts.line("last.yaml", 3) is None


def test_hidden_lines_and_unknown_files_are_never_quoted() -> None:
    excerpts.accept("secret.yaml", "one\ntwo\nthree\nfour\n")
    excerpts.hide("secret.yaml", 2, 3)
    excerpts.hide("secret.yaml", 9)  # out of range: nothing to hide
    excerpts.hide("never-accepted.yaml", 1)
    assert [excerpts.line("secret.yaml", n) for n in range(1, 6)] == [
        "one",
        None,
        None,
        "four",
        None,
    ]
    assert excerpts.line("never-accepted.yaml", 1) is None


def test_hide_of_one_line_hides_only_it() -> None:
    excerpts.accept("one.yaml", "a\nb\nc")
    excerpts.hide("one.yaml", 2)
    assert [excerpts.line("one.yaml", n) for n in (1, 2, 3)] == ["a", None, "c"]


def test_lines_of_files_read_in_turn_and_of_any_text() -> None:
    # the texts are kept packed and the last one read unpacked: reading files in turn,
    # and texts no UTF-8 codec would take as they are (a lone surrogate), give their lines
    texts = {"one.yaml": "a: 1\nb: é\n", "two.yaml": "x: \ud800\ny: 😀\n", "three.yaml": ""}
    for file, text in texts.items():
        excerpts.accept(file, text)
    for _ in range(2):
        for file, text in texts.items():
            lines = text.splitlines()
            assert [excerpts.line(file, n) for n in range(1, len(lines) + 2)] == [*lines, None]
    excerpts.accept("one.yaml", "changed\n")  # accepted again: the new text
    assert excerpts.line("one.yaml", 1) == "changed"
