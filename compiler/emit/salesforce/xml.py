"""Salesforce metadata XML: the platform's namespace, declaration and 4-space indentation.

Every text node goes through lxml, which escapes `<`, `&` and `>` (so `]]>` can never end
anything), after `names.xml_text` replaced the characters XML 1.0 cannot hold at all.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from compiler.emit.names import xml_text

MD_NS = "http://soap.sforce.com/2006/04/metadata"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'

Element = Any  # lxml ships no type information


def root(tag: str, *, xsi: bool = False) -> Element:
    nsmap: dict[str | None, str] = {None: MD_NS}
    if xsi:
        nsmap["xsi"] = XSI_NS
    return etree.Element(f"{{{MD_NS}}}{tag}", nsmap=nsmap)


def add(parent: Element, tag: str, text: str | int | bool | None = None) -> Element:
    """Append <tag>text</tag>; booleans are written the platform's way (true / false)."""
    element = etree.SubElement(parent, f"{{{MD_NS}}}{tag}")
    if isinstance(text, bool):
        element.text = "true" if text else "false"
    elif text is not None:
        element.text = xml_text(str(text))
    return element


def add_nil(parent: Element, tag: str) -> Element:
    """<tag xsi:nil="true"/>, as retrieved files write an absent complex value."""
    element = add(parent, tag)
    element.set(f"{{{XSI_NS}}}nil", "true")
    return element


def to_bytes(element: Element) -> bytes:
    etree.indent(element, space="    ")
    body: bytes = etree.tostring(element, encoding="UTF-8")
    return DECLARATION + body + b"\n"
