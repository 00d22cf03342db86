"""Time a small operation the way the chapters' cost plots need it.

Used by the chapters that compare costs (shared memory, managers, pipes,
pools). One call is usually too short to time on its own, so a *trial* runs
the operation ``number`` times and divides; several trials give a median
(what to quote) and a spread (how much to trust it). A warm-up trial runs
first and is thrown away: first calls pay for imports, caches and page faults.

The figures belong to the machine that ran them. A page quotes ratios between
operations measured in the same run, never an absolute time.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

from helpers.arguments import check_int

__all__ = ["Timing", "measure"]


@dataclass(frozen=True)
class Timing:
    """Seconds per call: one figure per trial, plus their median and spread."""

    per_call: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.per_call)

    @property
    def low(self) -> float:
        return min(self.per_call)

    @property
    def high(self) -> float:
        return max(self.per_call)

    def __str__(self) -> str:
        return (
            f"{_format_seconds(self.median)} per call "
            f"(range {_format_seconds(self.low)} to {_format_seconds(self.high)}, "
            f"{len(self.per_call)} trials)"
        )


def _format_seconds(seconds: float) -> str:
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("us", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds / 1e-9:.3g} ns"


def measure(
    operation: Callable[[], object], *, number: int = 1000, trials: int = 7, warmup: int = 1
) -> Timing:
    """Run ``operation()`` ``number`` times per trial, for ``warmup + trials`` trials.

    Returns the seconds per call of each kept trial. Example::

        >>> t = measure(lambda: sum(range(100)), number=100, trials=3)
        >>> len(t.per_call), t.low <= t.median <= t.high
        (3, True)
    """
    if not callable(operation):
        raise TypeError(f"'operation' must be callable, not {type(operation).__name__}")
    number = check_int("number", number, minimum=1)
    trials = check_int("trials", trials, minimum=1)
    warmup = check_int("warmup", warmup, minimum=0)
    per_call = []
    for trial in range(warmup + trials):
        start = time.perf_counter()
        for _ in range(number):
            operation()
        elapsed = time.perf_counter() - start
        if trial >= warmup:
            per_call.append(elapsed / number)
    return Timing(tuple(per_call))
