"""redact's cache of short strings: the same answer as redact_text, on both sides of the
length it caches up to, on first and repeated calls."""

from __future__ import annotations

from compiler.redact import _SHORT, REDACTED, redact, redact_text


def test_short_and_long_strings_are_cut_alike_and_repeatably() -> None:
    secret = "password: hunter2"
    for text in (
        secret,
        "x" * (_SHORT - len(secret) - 1) + " " + secret,
        "y" * _SHORT + " " + secret,
    ):
        for _ in range(2):
            cleaned, hit = redact({"description": text})
            assert cleaned == {"description": redact_text(text)}
            assert hit
            assert "hunter2" not in cleaned["description"]
            assert cleaned["description"].endswith(f"password: {REDACTED}")


def test_clean_strings_are_kept_and_not_reported() -> None:
    for text in ("Email", "z" * _SHORT, "z" * (_SHORT + 1), ""):
        assert redact(["a", {"name": text}]) == (["a", {"name": text}], False)
