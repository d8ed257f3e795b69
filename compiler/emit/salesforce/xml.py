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


_TAGS: dict[str, str] = {}  # tag -> its name in the metadata namespace


def add(parent: Element, tag: str, text: str | int | bool | None = None) -> Element:
    """Append <tag>text</tag>; booleans are written the platform's way (true / false)."""
    qualified = _TAGS.get(tag)
    if qualified is None:
        qualified = _TAGS[tag] = f"{{{MD_NS}}}{tag}"
    element = etree.SubElement(parent, qualified)
    if text is True:
        element.text = "true"
    elif text is False:
        element.text = "false"
    elif text is not None:
        element.text = xml_text(text if text.__class__ is str else str(text))
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
