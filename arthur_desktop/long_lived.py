"""Objects that live as long as the process, set aside from the garbage collector's full passes.

CPython's full collection walks every container object it tracks, and it runs on whichever thread happens to
allocate, often the GUI thread: with the modules, classes and widgets of a started window (some 100,000 objects)
each pass froze the window for 100 to 160 ms once 100,000 chats were loaded (benchmarks/responsiveness.py). These
objects stay until the process ends, so walking them finds nothing; gc.freeze() moves them out of its sight.
"""

from __future__ import annotations

import gc


def set_aside_start_up_objects() -> int:
    """Collect what start-up left over, then freeze the rest; how many objects were set aside. Call once, when
    the window is built: what is frozen is never collected, and later objects are collected as usual."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
