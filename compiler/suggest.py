"""'Did you mean …?' for misspelt names and keys."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def closest(name: str, candidates: Iterable[str], n: int = 1) -> list[str]:
    pool = sorted(set(candidates))
    exact = [c for c in pool if c.lower() == name.lower() and c != name]
    if exact:
        return exact[:n]
    return difflib.get_close_matches(name, pool, n=n, cutoff=0.6)


def did_you_mean(name: str, candidates: Iterable[str]) -> str:
    """' (did you mean 'x'?)' or ''."""
    found = closest(name, candidates)
    return f" (did you mean {found[0]!r}?)" if found else ""
