"""The shared text filler of prebuilt shapes (compiler.emit.shape_text): which texts become
tokens (plain names at least as long as their token, one token per text, numbered in order
of meeting), a shape cut at its tokens (the longest first, so `QA10` is not `QA1` + `0`)
and filled back with each statement's own texts, byte for byte."""

from __future__ import annotations

import pytest

from compiler.emit.shape_text import Tokens, cut, fill


def test_a_plain_text_gets_a_token_of_its_own_length() -> None:
    tok = Tokens("A")
    assert tok("Email") == "QA0AA"
    assert tok("SubscriberKey") == "QA1AAAAAAAAAA"
    assert tok("Email") == "QA0AA"  # the same text, the same token, not a new one
    assert tok.strings == ["Email", "SubscriberKey"]
    assert tok.tokens == {"Email": "QA0AA", "SubscriberKey": "QA1AAAAAAAAAA"}
    assert tok.letter == "A"


def test_the_letter_pads_and_names_the_token() -> None:
    tok = Tokens("F")
    assert tok("Amount") == "QF0FFF"


def test_a_text_exactly_as_long_as_its_token_is_replaced() -> None:
    tok = Tokens("A")
    assert tok("abc") == "QA0"  # len 3 == len("QA0"): the boundary
    assert tok.strings == ["abc"]


def test_a_text_shorter_than_its_token_is_kept_and_not_counted() -> None:
    tok = Tokens("A")
    assert tok("ab") == "ab"
    assert tok.strings == [] and tok.tokens == {}
    assert tok("abc") == "QA0"  # the next text still gets number 0


@pytest.mark.parametrize(
    "text",
    ["First Name", "a-b-c-d", "Ümlaut", "name\n", "[Email]", "x.y.z", "'quoted'", ""],
)
def test_a_text_that_is_not_a_plain_name_is_kept(text: str) -> None:
    tok = Tokens("A")
    assert tok(text) == text
    assert tok.strings == []


def test_digits_and_underscores_are_plain() -> None:
    tok = Tokens("B")
    assert tok("Order_Id_2") == "QB0BBBBBBB"


def test_a_text_with_no_tokens_is_one_piece() -> None:
    tok = Tokens("A")
    tok("ab")  # kept: no token
    assert cut("SELECT ab FROM t", tok) == (("SELECT ab FROM t",), ())


def test_cut_and_fill_give_back_each_statements_own_texts() -> None:
    tok = Tokens("A")
    shape = f"SELECT {tok('Email')}, {tok('Points')} FROM {tok('Master')} WHERE {tok('Email')} > 0"
    assert shape == "SELECT QA0AA, QA1AAA FROM QA2AAA WHERE QA0AA > 0"
    pieces, slots = cut(shape, tok)
    assert pieces == ("SELECT ", ", ", " FROM ", " WHERE ", " > 0")
    assert slots == (0, 1, 2, 0)
    assert fill((pieces, slots), ["Phone", "Score", "Leads"]) == (
        "SELECT Phone, Score FROM Leads WHERE Phone > 0"
    )
    assert fill((pieces, slots), tok.strings) == (
        "SELECT Email, Points FROM Master WHERE Email > 0"
    )


def test_a_token_at_either_end_leaves_empty_pieces() -> None:
    tok = Tokens("A")
    shape = f"{tok('alpha')}+{tok('omega')}"
    assert cut(shape, tok) == (("", "+", ""), (0, 1))
    assert fill(cut(shape, tok), ["one", "two"]) == "one+two"


def test_the_longest_token_is_cut_first() -> None:
    tok2 = Tokens("A")
    short = [tok2(n) for n in ["aaa", "bbb", *(f"c{i}xx" for i in range(8)), "dddd"]]
    assert short[1] == "QA1" and short[10] == "QA10"
    text = f"{short[10]} {short[1]}"  # "QA10 QA1": QA1 is a prefix of QA10
    pieces, slots = cut(text, tok2)
    assert slots == (10, 1)
    assert pieces == ("", " ", "")
    assert fill((pieces, slots), tok2.strings) == "dddd bbb"


def test_fill_refuses_a_shape_whose_pieces_and_slots_disagree() -> None:
    with pytest.raises(ValueError):
        fill((("a", "b"), (0, 1)), ["x", "y"])
