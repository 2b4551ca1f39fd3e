"""暂停垃圾回收 (paused garbage collection) while a draw or an import works on a big registry.

A province's draw holds a few million live objects (the registry, the frame, the snapshot) and
allocates millions more; an import of 50,000 rows keeps every validated model alive until its
transaction. Each time the allocation count crosses its threshold, Python's cyclic collector
walks *all* live objects again, which cost a province's draw a third of its time and an import
a quarter. Neither creates reference cycles worth collecting, so the collector is paused for
their duration and resumes (collecting whatever is left) when the last paused section ends.
Reference counting, which frees nearly everything, keeps working throughout.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()  # an import reads its file in a worker thread
_depth = 0
_was_enabled = True


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic collector inside the block; nested and concurrent blocks (in any thread)
    are counted, and the collector's earlier state is restored when the outermost one ends."""
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _was_enabled:
                gc.enable()
