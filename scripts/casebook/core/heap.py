"""Full garbage collections held off while one run builds the book and its pages.

A run keeps almost everything it makes until it ends: 10,000 facts are a few million objects that
live in the oldest generation. CPython's full collection scans all of them, and its default
thresholds (700, 10, 10) start one every few hundred thousand allocations: five full collections,
0.4 of the 4.5 CPU seconds of a 10,000-fact pipeline, that find nothing to free (measured with
``gc.callbacks``). The young generations are still collected as usual, so short-lived cycles are
freed as before; a cycle that outlives them waits for the first full collection after the run.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

FULL_AFTER = 1_000
"""Middle-generation collections before a full one, within a run (CPython's default is 10)."""


@contextmanager
def few_full_collections() -> Iterator[None]:
    """Run the block with full collections held off (``FULL_AFTER``); the thresholds are restored after."""
    young, middle, old = gc.get_threshold()
    gc.set_threshold(young, middle, max(old, FULL_AFTER))
    try:
        yield
    finally:
        gc.set_threshold(young, middle, old)
