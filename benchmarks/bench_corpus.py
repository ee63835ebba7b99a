"""Cleaning and decoding are linear in the input length.

Run: ``python benchmarks/bench_corpus.py``. Two tables:

1. ``clean`` on a real plan repeated 1×…64×: CPU time and peak memory per character, as ratios to the 1× figures
   (a linear stage keeps them near 1);
2. adversarial inputs of 10k, 100k and 1M characters (whitespace runs of scraped ``&nbsp;`` and ideographic
   spaces, repeated outline markers, digit runs, nested brackets): the growth of CPU time for each 10× step
   (linear ≈ 10×, quadratic ≈ 100×; the test suite's bound is 12×, see ``tests/test_hostile.py``).
"""
from __future__ import annotations

import time
import tracemalloc

from policylens import config
from policylens.corpus import clean
from policylens.rawfile import CorpusError, decode_bytes, read_raw

FAMILIES = {
    "nbsp-run": lambda n: "达到" + "\u00a0" * n + "95%\n",
    "ideographic-space-run": lambda n: "\u3000" * n + "一、总体要求\n",
    "space-run-before-newline": lambda n: "教育" + " " * n + "\n发展",
    "markers": lambda n: "(一)" * (n // 3),
    "digit-run": lambda n: "达到" + "9" * n + "%",
    "nested-brackets": lambda n: "《" * (n // 2) + "》" * (n // 2),
}


def _cpu(fn, arg) -> float:
    start = time.process_time()
    fn(arg)
    return time.process_time() - start


def real_plan() -> None:
    raw = read_raw(config.DATA_RAW / "x-guangxi-2018-2020.txt").text
    clean(raw)  # warm up: rule compilation, OpenCC dictionaries
    base_t = base_m = None
    print(f"{'size':>6} {'chars':>9} {'µs/char':>8} {'ratio':>6} {'peak B/char':>11} {'ratio':>6}")
    for factor in (1, 4, 16, 64):
        text = raw * factor
        repeats = max(1, 16 // factor)
        per_char = sum(_cpu(clean, text) for _ in range(repeats)) / repeats / len(text) * 1e6
        tracemalloc.start()
        clean(text)
        peak = tracemalloc.get_traced_memory()[1] / len(text)
        tracemalloc.stop()
        base_t, base_m = base_t or per_char, base_m or peak
        print(f"{factor:>5}× {len(text):>9} {per_char:>8.3f} {per_char / base_t:>6.2f} {peak:>11.1f} {peak / base_m:>6.2f}")


def _decode_gb18030(text: str) -> None:
    try:
        decode_bytes(text.encode("gb18030"))
    except CorpusError:  # e.g. no Chinese character at all: refused, which is also work to time
        pass


def adversarial() -> None:
    print(f"\n{'function':<8} {'family':<26} {'10k s':>7} {'100k s':>7} {'1M s':>7} {'10k→100k':>9} {'100k→1M':>8}")
    functions = {"clean": lambda s: clean(s), "decode": _decode_gb18030}
    for fname, fn in functions.items():
        for family, make in FAMILIES.items():
            times = [max(_cpu(fn, make(n)), 1e-3) for n in (10_000, 100_000, 1_000_000)]
            print(f"{fname:<8} {family:<26} {times[0]:>7.3f} {times[1]:>7.3f} {times[2]:>7.3f} "
                  f"{times[1] / times[0]:>8.1f}× {times[2] / times[1]:>7.1f}×")


if __name__ == "__main__":
    real_plan()
    adversarial()
