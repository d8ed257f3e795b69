"""What an emitter returns: generated files and the platform components they define.

An artifact is one of
  * `(path, content)`: a file with no known source resources (written only by a full
    generation, never by an `addresses`-limited one);
  * `(path, content, sources)`: `sources` are the resource addresses the content derives
    from, so `generate(..., addresses=...)` (apply) rewrites exactly what a change touches;
  * `Emitted(path, content, sources, members)`: as above, plus the platform components
    the file defines as `(type, name, owner address)` (e.g. `("DuplicateRule",
    "Contact.Block_dupes", "duplicate_rule.block_dupes")`), recorded in the manifest so a
    later deletion of the owner can name the component to delete.
`path` is a relative POSIX path *inside the target's folder* (e.g.
`dataExtension/Newsletter.dataExtension-meta.json`, not `marketing_cloud/...`).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

from compiler.diagnostics import Finding
from compiler.resolved import ResolvedEcosystem

Artifact = tuple[str, bytes]
Member = tuple[str, str, str]  # (component type, component name, owner address)


@dataclass(frozen=True)
class Emitted:
    """One generated file, with the resources it derives from."""

    path: str
    content: bytes
    sources: tuple[str, ...] = ()
    members: tuple[Member, ...] = ()
    aggregate: bool = False  # made by a finisher from the whole selection


ArtifactLike = Artifact | tuple[str, bytes, Collection[str]] | Emitted
EmitFn = Callable[[ResolvedEcosystem], tuple[Sequence[ArtifactLike], list[Finding]]]
# A deleted component: (path of the file that defined it, inside the target; type; name).
Deletion = tuple[str, str, str]
FinishFn = Callable[
    [ResolvedEcosystem, Sequence[Emitted], Sequence[Deletion]],
    tuple[list[Emitted], list[Finding]],
]


def normalize(item: ArtifactLike) -> Emitted:
    if isinstance(item, Emitted):
        return item
    if len(item) == 2:
        return Emitted(item[0], item[1])
    path, content, sources = item
    return Emitted(path, content, tuple(sorted(set(sources))))
