"""The compiled ecosystem set aside from the cyclic garbage collector while emitters run.

An emitter allocates many short-lived containers (sqlglot trees, JSON documents), so the
collector runs hundreds of times during a generation, and each full collection rescans
the whole compiled ecosystem, which lives as long as the process and holds no garbage
(a fifth of the emitters' CPU at 10,000 resources). `gc.freeze()` moves every object
alive on entry to the collector's permanent generation: collections then scan only what
the emitters allocate, whose cyclic garbage (a sqlglot tree points at its parents) is
still collected; the objects return to the oldest generation on exit. A caller that
froze objects itself keeps its own freeze (nothing is frozen or thawed here then).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def older_objects_frozen() -> Iterator[None]:
    if gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
