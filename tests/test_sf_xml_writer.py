"""compiler.emit.salesforce.xml writes its elements byte for byte as lxml did
(`etree.indent(space="    ")` and `etree.tostring(encoding="UTF-8")` after the
declaration), on arbitrary trees and texts (Hypothesis) and on each escaped character."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from compiler.emit.names import xml_text
from compiler.emit.salesforce import xml

TAGS = st.sampled_from(["a", "fieldPermissions", "enabled", "name", "x1"])
TEXTS = st.one_of(st.none(), st.booleans(), st.integers(-5, 5), st.text(max_size=12))


def _tree(draw: Any, depth: int) -> list[Any]:
    """[(tag, text, nil, children)] for one parent."""
    out = []
    for _ in range(draw(st.integers(0, 3))):
        tag, nil = draw(TAGS), draw(st.booleans())
        if depth < 3 and not nil and draw(st.booleans()):
            out.append((tag, None, False, _tree(draw, depth + 1)))
        else:
            out.append((tag, None if nil else draw(TEXTS), nil, []))
    return out


@st.composite
def trees(draw: Any) -> tuple[str, bool, list[Any]]:
    return draw(TAGS), draw(st.booleans()), _tree(draw, 0)


def reference(tag: str, xsi: bool, children: list[Any]) -> bytes:
    """What xml.py wrote with lxml elements (the code before the plain writer)."""
    nsmap: dict[str | None, str] = {None: xml.MD_NS}
    if xsi:
        nsmap["xsi"] = xml.XSI_NS
    root = etree.Element(f"{{{xml.MD_NS}}}{tag}", nsmap=nsmap)

    def build(parent: Any, items: list[Any]) -> None:
        for child_tag, text, nil, grandchildren in items:
            element = etree.SubElement(parent, f"{{{xml.MD_NS}}}{child_tag}")
            if text is True:
                element.text = "true"
            elif text is False:
                element.text = "false"
            elif text is not None:
                element.text = xml_text(str(text))
            if nil:
                element.set(f"{{{xml.XSI_NS}}}nil", "true")
            build(element, grandchildren)

    build(root, children)
    etree.indent(root, space="    ")
    body: bytes = etree.tostring(root, encoding="UTF-8")
    return xml.DECLARATION + body + b"\n"


def written(tag: str, xsi: bool, children: list[Any]) -> bytes:
    root = xml.root(tag, xsi=xsi)

    def build(parent: xml.Element, items: list[Any]) -> None:
        for child_tag, text, nil, grandchildren in items:
            element = xml.add_nil(parent, child_tag) if nil else xml.add(parent, child_tag, text)
            build(element, grandchildren)

    build(root, children)
    return xml.to_bytes(root)


@settings(max_examples=300, deadline=None)
@given(trees())
def test_arbitrary_trees_are_written_as_lxml_wrote_them(tree: tuple[str, bool, list[Any]]) -> None:
    tag, xsi, children = tree
    if not xsi:  # xsi:nil is written only below a root that declares xsi (duplicate rules)
        children = [c for c in children if not c[2]]
    assert written(tag, xsi, children) == reference(tag, xsi, children)


@pytest.mark.parametrize(
    "text",
    ["a & b", "<tag>", "]]>", "line\r\nbreak\ttab", "quotes \" '", "é 名 😀", "", " ", "\x00\x1f"],
    ids=repr,
)
def test_each_escaped_character(text: str) -> None:
    children: list[Any] = [
        ("name", text, False, []),
        ("outer", None, False, [("inner", text, False, [])]),
    ]
    assert written("PermissionSet", False, children) == reference("PermissionSet", False, children)


def test_a_nil_below_a_root_without_xsi_is_written_by_lxml() -> None:
    root = xml.root("DuplicateRule")
    xml.add_nil(root, "booleanFilter")
    node = etree.Element(f"{{{xml.MD_NS}}}DuplicateRule", nsmap={None: xml.MD_NS})
    etree.SubElement(node, f"{{{xml.MD_NS}}}booleanFilter").set(f"{{{xml.XSI_NS}}}nil", "true")
    etree.indent(node, space="    ")
    assert xml.to_bytes(root) == xml.DECLARATION + etree.tostring(node, encoding="UTF-8") + b"\n"


def test_an_element_with_text_and_children_is_written_by_lxml() -> None:
    root = xml.root("CustomField")
    parent = xml.add(root, "valueSet", "text")
    xml.add(parent, "value", "v")
    node = etree.Element(f"{{{xml.MD_NS}}}CustomField", nsmap={None: xml.MD_NS})
    sub = etree.SubElement(node, f"{{{xml.MD_NS}}}valueSet")
    sub.text = "text"
    etree.SubElement(sub, f"{{{xml.MD_NS}}}value").text = "v"
    etree.indent(node, space="    ")
    assert xml.to_bytes(root) == xml.DECLARATION + etree.tostring(node, encoding="UTF-8") + b"\n"
    assert not xml._simple(root)


@pytest.mark.parametrize("tag", ["a><b", "a b", "1a", "", "a/", 'a"', "fieldPermissions\n"])
def test_a_tag_that_is_no_xml_name_is_refused_as_lxml_refuses_it(tag: str) -> None:
    with pytest.raises(ValueError, match="tag name"):
        etree.Element(tag)
    with pytest.raises(ValueError, match="tag name"):
        xml.root(tag)
    parent = xml.root("PermissionSet")
    with pytest.raises(ValueError, match="tag name"):
        xml.add(parent, tag, "x")
    assert parent.children == []


@pytest.mark.parametrize("tag", ["fieldPermissions", "_a", "a.b-c_1"])
def test_a_tag_that_is_an_xml_name_is_written(tag: str) -> None:
    element = xml.root("PermissionSet")
    xml.add(element, tag, "x")
    assert f"<{tag}>x</{tag}>".encode() in xml.to_bytes(element)
