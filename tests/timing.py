"""Growth ratios for the linearity tests: CPU time, best of several runs, retried on a noisy machine.

Ratios only, never absolute times: a linear function grows ~10× for a 10× longer input, a
quadratic one ~100×.
"""
from __future__ import annotations

import gc
import time
from collections.abc import Callable


def cpu_seconds(fn: Callable[..., object], *args: object, repeat: int = 3) -> float:
    """Best CPU time of ``repeat`` calls (other processes and garbage collection do not count), 1 ms floor."""
    best = float("inf")
    enabled = gc.isenabled()
    gc.disable()              # time the function, not collections of objects other code left behind
    try:
        for _ in range(repeat):
            start = time.process_time()
            fn(*args)
            best = min(best, time.process_time() - start)
    finally:
        if enabled:
            gc.enable()
    return max(best, 1e-3)


def growth_ratio(measure: Callable[[], float], bound: float, tries: int = 3) -> float:
    """Smallest ratio ``measure()`` gives in up to ``tries`` tries, stopping once one is within ``bound``.

    A noisy machine can inflate one measurement; a quadratic function fails every try.
    """
    ratio = float("inf")
    for _ in range(tries):
        gc.collect()
        ratio = min(ratio, measure())
        if ratio <= bound:
            break
    return ratio
