"""Named points of a folder delivery at which a test can kill the process, to prove recovery from each one.

Production code only calls reached(); nothing happens unless a test process installed a hook.
"""

from __future__ import annotations

from collections.abc import Callable

# In the order a first delivery into a fresh folder passes them; "intent written" and "intent recorded"
# come again each time the intended number turns out to be taken.
POINTS = (
    "staging half written",
    "staged",
    "intent written",
    "intent recorded",
    "published",
    "delivery recorded",
    "staging removed",
    "hint written",
)

_hook: Callable[[str], None] | None = None


def install(hook: Callable[[str], None] | None) -> None:
    """Call hook(point) at every crash point from now on (None removes it). For tests only."""
    global _hook
    _hook = hook


def reached(point: str) -> None:
    if _hook is not None:
        _hook(point)
