"""Salesforce metadata XML: the platform's namespace, declaration and 4-space indentation.

Every text node is escaped as lxml writes it (`<`, `&` and `>` as entities, so `]]>` can
never end anything; a carriage return as `&#13;`), after `names.xml_text` replaced the
characters XML 1.0 cannot hold at all.

The elements are plain Python objects, written out by `to_bytes` with the layout of
`etree.indent(element, space="    ")` and `etree.tostring(element, encoding="UTF-8")`:
making an lxml element and setting its text (lxml checks every text again) cost about
3.5 µs an element, a third of the Salesforce target's CPU at 10,000 resources (the
permission sets alone: 34,000 elements). A tree that layout does not cover (an element
holding both text and children: no emitter makes one) is written by lxml itself.
"""

from __future__ import annotations

import re

from compiler.emit.names import xml_text

MD_NS = "http://soap.sforce.com/2006/04/metadata"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'
_INDENT = "    "
_SPECIAL = re.compile("[&<>\r]")
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"}
# An element name as lxml accepts one (an XML NCName, ASCII here: the metadata API's tags
# are): the plain writer writes tags as they are, so a name that is not one is refused as
# lxml refused it, never written into the markup.
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*\Z")
_NAMES: set[str] = set()


def _checked(tag: str) -> str:
    if tag not in _NAMES:
        if _NAME.match(tag) is None:
            raise ValueError(f"Invalid tag name {tag!r}")
        _NAMES.add(tag)
    return tag


class Element:
    """One element: its tag (in the metadata namespace), text, children and, for the root,
    the namespaces it declares; `nil` for `xsi:nil="true"`."""

    __slots__ = ("children", "nil", "root", "tag", "text", "xsi")

    def __init__(self, tag: str, text: str | None, xsi: bool, root: bool = False) -> None:
        self.tag = tag
        self.text = text
        self.children: list[Element] = []
        self.xsi = xsi  # the root declares the xsi namespace
        self.nil = False
        self.root = root


def root(tag: str, *, xsi: bool = False) -> Element:
    return Element(_checked(tag), None, xsi, root=True)


def add(parent: Element, tag: str, text: str | int | bool | None = None) -> Element:
    """Append <tag>text</tag>; booleans are written the platform's way (true / false)."""
    if text is True:
        value: str | None = "true"
    elif text is False:
        value = "false"
    elif text is not None:
        value = xml_text(text if text.__class__ is str else str(text))
    else:
        value = None
    element = Element(_checked(tag), value, parent.xsi)
    parent.children.append(element)
    return element


def add_nil(parent: Element, tag: str) -> Element:
    """<tag xsi:nil="true"/>, as retrieved files write an absent complex value."""
    element = add(parent, tag)
    element.nil = True
    return element


def _escaped(text: str) -> str:
    if _SPECIAL.search(text) is None:
        return text
    return _SPECIAL.sub(lambda m: _ENTITIES[m.group()], text)


def _simple(element: Element) -> bool:
    """Whether the fast writer's layout holds: no element has both text and children,
    and `xsi:nil` appears only below a root that declares xsi."""
    if element.nil and not element.xsi:
        return False
    if element.children:
        return element.text is None and all(_simple(c) for c in element.children)
    return True


def _open(element: Element) -> str:
    if element.root:
        spaces = f' xmlns="{MD_NS}"' + (f' xmlns:xsi="{XSI_NS}"' if element.xsi else "")
        return f"<{element.tag}{spaces}"
    if element.nil:
        return f'<{element.tag} xsi:nil="true"'
    return f"<{element.tag}"


def _write(element: Element, depth: int, out: list[str]) -> None:
    if element.children:
        out.append(_open(element) + ">")
        inner = "\n" + _INDENT * (depth + 1)
        for child in element.children:
            out.append(inner)
            _write(child, depth + 1, out)
        out.append("\n" + _INDENT * depth + f"</{element.tag}>")
    elif element.text is None:
        out.append(_open(element) + "/>")
    else:
        out.append(f"{_open(element)}>{_escaped(element.text)}</{element.tag}>")


def _lxml(element: Element, parent: object | None = None) -> object:
    """The same tree as lxml elements (for `to_bytes`'s fallback: lxml is imported only
    then, about 6 ms of every plan and generate that never needs it)."""
    from lxml import etree

    tag = f"{{{MD_NS}}}{element.tag}"
    if parent is None:
        nsmap: dict[str | None, str] = {None: MD_NS}
        if element.xsi:
            nsmap["xsi"] = XSI_NS
        node = etree.Element(tag, nsmap=nsmap)
    else:
        node = etree.SubElement(parent, tag)
    if element.text is not None:
        node.text = element.text
    if element.nil:
        node.set(f"{{{XSI_NS}}}nil", "true")
    for child in element.children:
        _lxml(child, node)
    return node


def to_bytes(element: Element) -> bytes:
    if not _simple(element):
        from lxml import etree

        node = _lxml(element)
        etree.indent(node, space=_INDENT)
        body: bytes = etree.tostring(node, encoding="UTF-8")
        return DECLARATION + body + b"\n"
    out: list[str] = []
    _write(element, 0, out)
    return DECLARATION + "".join(out).encode("utf-8") + b"\n"
