"""Pausing Python's cyclic garbage collector while the front stages build values.

Loading and compiling allocate millions of small containers and free almost none, so
the collector would rescan an ever larger heap to find nothing: its cost grows faster
than the ecosystem. Reference counting still frees everything; the collector is
restored (if it was on) when the block ends.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
