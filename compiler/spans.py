"""From a path in the merged values to a source position: the one resolver (cfn-lint style).

Stages and rules report *paths* such as ("sync_rules", "contacts_to_mc", "fields", "Email");
`SpanIndex.at(path)` turns one into a `Span`, falling back to the nearest ancestor that has
a position so a finding is never left without one.
"""

from __future__ import annotations

from collections.abc import Sequence

from compiler.diagnostics import Span
from compiler.yamlparse import SpanNode

Path = Sequence[str | int]


class SpanIndex:
    def __init__(self, root: SpanNode) -> None:
        self.root = root

    def node(self, path: Path) -> tuple[SpanNode, bool]:
        """The node at `path`, or its nearest ancestor (and False) when the path runs out."""
        node = self.root
        for part in path:
            kid = node.child(part)
            if kid is None:
                return node, False
            node = kid
        return node, True

    def at(self, path: Path, *, key: bool = False) -> Span:
        """The span of the value at `path` (or of its key, with key=True)."""
        node, exact = self.node(path)
        if key and exact and node.key_line:
            width = len(str(path[-1])) if path else 1
            return Span(node.file, node.key_line, node.key_col, node.key_line, node.key_col + width)
        return Span(node.file, node.line, node.col, node.end_line, node.end_col)

    def key(self, path: Path) -> Span:
        return self.at(path, key=True)
