"""Issue 12, fix12 item 6: `Span`'s end is exclusive, as its docstring now says: a key's
span ends one column after its last character (the position SARIF's endColumn takes)."""

from __future__ import annotations

from pathlib import Path

from compiler.pipeline import compile_path
from compiler.spans import SpanIndex

BROKEN = Path(__file__).parent / "fixtures" / "broken_ecosystem"


def test_a_keys_span_ends_one_column_after_it() -> None:
    comp = compile_path(BROKEN)
    assert comp.resolved is not None
    index: SpanIndex = comp.resolved.index
    span = index.key(("campaigns", "retail_open_day"))
    line = (BROKEN / "campaigns.yaml").read_text("utf-8").splitlines()[span.line - 1]
    assert line[span.column - 1 : span.end_column - 1] == "retail_open_day"
    assert span.end_column - span.column == len("retail_open_day")
    assert line[span.end_column - 1] == ":"  # the first character after the key
