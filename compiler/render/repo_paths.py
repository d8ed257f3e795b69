"""File names as the repository knows them: relative to the git top level.

Findings name files relative to the working directory; CI tools (GitHub code scanning,
workflow annotations, GitLab's code quality) place them relative to the repository root.
When engage runs in a subfolder (`cd infra && engage check`), the two differ, so the
SARIF, annotation and code-quality renderers map every file through `repo_relative`.
The top level is the nearest folder upwards holding `.git` (a folder, or the file a
worktree or submodule has); outside a repository the working directory stands in.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=8)
def _top_level(cwd: str) -> Path:
    here = Path(cwd)
    for folder in (here, *here.parents):
        if (folder / ".git").exists():
            return folder
    return here


def repo_root() -> Path:
    """The git top level of the working directory (the working directory outside git)."""
    return _top_level(str(Path.cwd().resolve()))


def repo_relative(file: str) -> str:
    """`file` (relative to the working directory, or absolute) relative to the repository
    root, with forward slashes; unchanged when it lies outside the repository."""
    return _relative(os.getcwd(), file)


@lru_cache(maxsize=4096)
def _relative(cwd: str, file: str) -> str:
    """`repo_relative` in working directory `cwd`, once per file: a renderer maps every
    finding's positions (3,000 at 10k resources), and resolving the working directory
    (realpath) for each was most of the SARIF renderer's time."""
    here = Path(cwd).resolve()
    path = Path(file)
    absolute = path if path.is_absolute() else here / path
    try:
        return Path(os.path.normpath(absolute)).relative_to(_top_level(str(here))).as_posix()
    except ValueError:
        return file.replace("\\", "/")
