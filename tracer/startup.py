"""Cheap start-up: the cyclic garbage collector kept out of the imports.

Importing a module allocates thousands of objects that live as long as the
process (functions, classes, their dictionaries). Every 700 allocations the
collector runs, and every few runs it walks every object alive, the modules
imported so far included: about 5 % of a poll where every feed answers 304,
for no garbage at all. :func:`importing` turns the collector off around a
block of imports; in the ``tracer`` command (:func:`cli_process`), it then
freezes what is alive (``gc.freeze``): those objects are never walked again,
so the collections of the rest of the run only look at what the run allocates,
and runs the youngest generation every :data:`CLI_GC_THRESHOLD` allocations
rather than 700 (a short-lived process: fewer, larger young collections).
A library user's process is never frozen nor retuned: only the command knows
it is about to end.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["CLI_GC_THRESHOLD", "cli_process", "importing"]

CLI_GC_THRESHOLD = 10_000  # allocations between young collections in the command (default 700)

_freeze_after_imports = False


def cli_process() -> None:
    """Mark this process as the ``tracer`` command: imports are frozen after they ran."""
    global _freeze_after_imports
    _freeze_after_imports = True
    _young, older, oldest = gc.get_threshold()
    gc.set_threshold(CLI_GC_THRESHOLD, older, oldest)


@contextmanager
def importing() -> Iterator[None]:
    """No cyclic collection inside the block; in the command, freeze what is alive after it."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if _freeze_after_imports:
            gc.freeze()
        if enabled:
            gc.enable()
