"""Cleaning is linear in the text length: time and peak memory per character at 1×…64× a real plan.

Run: ``python benchmarks/bench_corpus.py``. Prints ratios to the 1× figures; a
linear stage keeps them near 1.
"""
from __future__ import annotations

import time
import tracemalloc

from policylens import config
from policylens.corpus import clean, read_raw


def main() -> None:
    raw = read_raw(config.DATA_RAW / "x-guangxi-2018-2020.txt").text
    clean(raw)  # warm up: rule compilation, OpenCC dictionaries
    base_t = base_m = None
    print(f"{'size':>6} {'chars':>9} {'µs/char':>8} {'ratio':>6} {'peak B/char':>11} {'ratio':>6}")
    for factor in (1, 4, 16, 64):
        text = raw * factor
        start = time.perf_counter()
        repeats = max(1, 16 // factor)
        for _ in range(repeats):
            clean(text)
        per_char = (time.perf_counter() - start) / repeats / len(text) * 1e6
        tracemalloc.start()
        clean(text)
        peak = tracemalloc.get_traced_memory()[1] / len(text)
        tracemalloc.stop()
        base_t, base_m = base_t or per_char, base_m or peak
        print(f"{factor:>5}× {len(text):>9} {per_char:>8.3f} {per_char / base_t:>6.2f} {peak:>11.1f} {peak / base_m:>6.2f}")


if __name__ == "__main__":
    main()
