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

An emitter either returns `(artifacts, findings)`, its artifacts sorted by path, or is a
generator (`Streamed`) that yields its artifacts one by one, in any order, and returns its
findings: the caller then sorts them by path (stably, so equal paths keep the order they
were yielded in), and the plan's generation check keeps of each only what the findings
and the finishers need (`outline`), never a target's contents whole.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Generator, Sequence
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
Streamed = Generator[ArtifactLike, None, list[Finding]]
EmitFn = Callable[[ResolvedEcosystem], tuple[Sequence[ArtifactLike], list[Finding]] | Streamed]
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


def outline(art: Emitted) -> Emitted:
    """The artifact without its content: what the selection, the finishers (they read
    paths, sources and members only) and the findings of a generation need."""
    return Emitted(art.path, b"", art.sources, art.members, art.aggregate)


def drained(stream: Streamed, contents: bool = True) -> tuple[list[Emitted], list[Finding]]:
    """A generator emitter's artifacts, sorted by path (stably), and its findings; with
    `contents=False` their outlines, each made as it is yielded, so that the contents are
    never held together."""
    arts: list[Emitted] = []
    while True:
        try:
            art = normalize(next(stream))
        except StopIteration as done:
            arts.sort(key=_path)
            return arts, done.value
        arts.append(art if contents else outline(art))


def gathered(
    result: tuple[Sequence[ArtifactLike], list[Finding]] | Streamed,
) -> tuple[list[Emitted], list[Finding]]:
    """An emitter's result as `(artifacts sorted by path, findings)`, whichever its shape."""
    if isinstance(result, tuple):
        raw, findings = result
        return [normalize(item) for item in raw], findings
    return drained(result)


def _path(art: Emitted) -> str:
    return art.path
