"""Reading retrieved files safely: XML without entities or network, JSON with positions.

Both return the parsed value or the parser's own message and position, never raise.
lxml is told not to resolve entities, load DTDs or reach the network, and refuses
huge trees, so a crafted metadata file cannot read local files or exhaust memory.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree

NS = "{http://soap.sforce.com/2006/04/metadata}"
XSI_NIL = "{http://www.w3.org/2001/XMLSchema-instance}nil"
MAX_BYTES = 20_000_000

_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_comments=True
)


@dataclass(frozen=True)
class Problem:
    message: str
    line: int = 1
    column: int = 1


def _read(path: Path) -> bytes | Problem:
    try:
        if path.stat().st_size > MAX_BYTES:
            return Problem(f"larger than {MAX_BYTES} bytes")
        return path.read_bytes()
    except OSError as err:
        return Problem(f"cannot be read: {err.strerror or err}")


def read_xml(path: Path) -> Any:
    """The root element, or a Problem."""
    data = _read(path)
    if isinstance(data, Problem):
        return data
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as err:
        line, column = err.position if err.position else (1, 1)
        return Problem(f"not well-formed XML: {err.msg}", max(line, 1), max(column, 1))
    if root is None:
        return Problem("empty XML document")
    return root


def read_json(path: Path) -> Any:
    """The parsed value (booleans and numbers as written), or a Problem."""
    data = _read(path)
    if isinstance(data, Problem):
        return data
    try:
        return json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as err:
        return Problem(f"not UTF-8 text (byte {err.start})")
    except json.JSONDecodeError as err:
        return Problem(f"not valid JSON: {err.msg}", err.lineno, err.colno)
    except RecursionError:
        return Problem("JSON nested too deeply")


def local(tag: object) -> str:
    text = str(tag)
    return text.rsplit("}", 1)[-1]


def children(element: Any, name: str) -> list[Any]:
    return [c for c in element if isinstance(c.tag, str) and local(c.tag) == name]


def text(element: Any, name: str, default: str = "") -> str:
    found = children(element, name)
    if not found or found[0].get(XSI_NIL) == "true":
        return default
    return (found[0].text or "").strip()


def texts(element: Any, name: str) -> list[str]:
    return [(c.text or "").strip() for c in children(element, name) if c.text]


def flag(element: Any, name: str, default: bool = False) -> bool:
    value = text(element, name)
    return default if not value else value.lower() == "true"


def line_of(element: Any) -> int:
    line = getattr(element, "sourceline", None)
    return int(line) if isinstance(line, int) and line > 0 else 1


def find_line(path: Path, needle: str) -> tuple[int, int]:
    """(line, column) of the first occurrence of `needle` in the file, or (1, 1)."""
    try:
        for number, content in enumerate(path.read_text("utf-8", "replace").splitlines(), 1):
            at = content.find(needle)
            if at >= 0:
                return number, at + 1
    except OSError:
        pass
    return 1, 1
