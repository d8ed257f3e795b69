"""`engage fmt`: the canonical layout of ecosystem YAML, keeping every comment.

The file is first read by engage's own loader (`yamlparse.parse_text`), so a file that
engage would refuse (syntax, duplicate keys, tags, depth or size limits) is reported as
the same finding and left alone. It is then loaded and dumped by ruamel.yaml's round-trip
mode, which keeps comments, key order, quoting and document markers, with one layout:
mappings indented by 2, sequences by 4 with the dash at 2 (`- ` under the parent key + 2),
a final newline, no trailing spaces; end-of-line comments keep their column. A flow
collection (`[a, b]`, `{k: v}`) longer than `WIDTH` columns is wrapped at its commas,
continuation lines aligned after the opening bracket: the style the example ecosystem is
written in (ruamel's own wrapping splits `key: value` pairs and leaves trailing spaces).

Three guarantees, all tested: formatting never changes what the file means (the values
engage reads from the result equal those of the original), never loses a comment (ruamel
drops those inside flow collections), or the file is left as it was and reported (W0100);
and it is idempotent (formatting a formatted file changes nothing).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from compiler.diagnostics import Finding, Span, code, make
from compiler.source import _problem_finding
from compiler.yamlparse import Limits, parse_text

WIDTH = 100
W_FMT_KEPT = code(
    "W0100",
    "File left unformatted",
    "`engage fmt` checks that the formatted file means exactly what the original meant (the "
    "values engage reads are equal) and that it can lay the file out at all. When either "
    "fails, which only constructs outside the usual YAML of an ecosystem can cause, the file "
    "is left as it is rather than changed in meaning.",
    "Keep the file's layout by hand, or simplify the construct on the reported line (an "
    "unusual scalar style, a comment inside a flow collection) and run `engage fmt` again.",
)
_FLOW = re.compile(r"^(?P<prefix>\s*(?:- )*(?:[^\s#\[{'\"][^#]*?:\s)?\s*)(?P<flow>[\[{].*[\]}])$")


@dataclass(frozen=True)
class Formatted:
    text: str  # the formatted text (the original when it could not be formatted)
    findings: tuple[Finding, ...] = ()
    unchanged_meaning: bool = True


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 1 << 16  # never wrap: `_wrap` wraps flow collections itself
    return yaml


def _values(text: str, file: str) -> tuple[list[Any] | None, Finding | None]:
    docs, problem = parse_text(text, file, Limits())
    if problem is not None:
        return None, _problem_finding(problem, file)
    return [d.value for d in docs], None


def _split_items(inner: str) -> list[str] | None:
    """Top-level comma-separated items of a flow collection's inside (None: unsure)."""
    items, depth, quote, start = [], 0, "", 0
    for i, ch in enumerate(inner):
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "'\"":
            quote = ch
        elif ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
        elif ch == "," and depth == 0:
            items.append(inner[start:i].strip())
            start = i + 1
    if quote or depth:
        return None
    items.append(inner[start:].strip())
    return items if all(items) else None


def _wrap(line: str) -> list[str]:
    """A long one-line flow collection, filled greedily to WIDTH at its top-level commas."""
    match = _FLOW.match(line)
    if len(line) <= WIDTH or match is None or "#" in line:
        return [line]
    prefix, flow = match["prefix"], match["flow"]
    items = _split_items(flow[1:-1])
    if items is None or len(items) < 2:
        return [line]
    indent = " " * (len(prefix) + 1)
    lines, current = [], prefix + flow[0] + items[0]
    for item in items[1:]:
        if len(current) + len(item) + 3 > WIDTH:  # ", " + item + the closing "," or bracket
            lines.append(current + ",")
            current = indent + item
        else:
            current += ", " + item
    return [*lines, current + flow[-1]]


def _layout(text: str) -> str:
    yaml = _yaml()
    docs = list(yaml.load_all(text))
    out = io.StringIO()
    if docs:
        yaml.explicit_start = text.lstrip().startswith("---")
        yaml.dump_all(docs, out)
    lines = [w for line in out.getvalue().splitlines() for w in _wrap(line.rstrip())]
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines) + "\n" if lines else ""


def format_text(text: str, file: str) -> Formatted:
    """The canonical text of one file, or the original with the reason it was kept."""
    before, problem = _values(text, file)
    if problem is not None or before is None:
        return Formatted(text, (problem,) if problem else ())
    try:
        result = _layout(text)
    except (YAMLError, ValueError, TypeError, RecursionError) as err:
        return _kept(text, file, f"it cannot be laid out ({type(err).__name__}: {err})")
    after, _ = _values(result, file)
    if after != before:  # never change what the file means: keep it, say so
        return _kept(text, file, "formatting would change what it means")
    if sorted(_comments(result)) != sorted(_comments(text)):
        return _kept(text, file, "formatting would lose a comment (one inside a flow collection?)")
    return Formatted(result)


def _comments(text: str) -> list[str]:
    """Every comment's text, found the way YAML does: `#` at a line's start or after a
    blank, outside quotes. Text inside block scalars is found too, in both versions alike."""
    found = []
    for line in text.splitlines():
        quote = ""
        for i, ch in enumerate(line):
            if quote:
                if ch == quote:
                    quote = ""
            elif ch in "'\"" and (i == 0 or line[i - 1] in " \t[{,:-"):
                quote = ch
            elif ch == "#" and (i == 0 or line[i - 1] in " \t"):
                found.append(line[i:].rstrip())
                break
    return found


def _kept(text: str, file: str, why: str) -> Formatted:
    finding = make(W_FMT_KEPT, f"{file} was left as it is: {why}", Span(file, 1, 1))
    return Formatted(text, (finding,), unchanged_meaning=False)
