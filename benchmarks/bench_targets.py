"""Benchmark: target extraction time per character for 1×…64× the corpus text.

A flat time-per-character ratio means linear time. Also times adversarial
inputs (long digit and numeral runs, nested brackets). Run:
``python benchmarks/bench_targets.py``.
"""
from __future__ import annotations

import random
import time

from policylens import config
from policylens.targets import extract_targets


def _time(text: str, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        extract_targets(text)
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> None:
    base = "\n".join(p.read_text(encoding="utf-8") for p in sorted(config.DATA_RAW.glob("*.txt")))
    extract_targets(base)                                   # warm caches (OpenCC, cn2an)
    print(f"corpus text: {len(base)} chars")
    print(f"{'scale':>6} {'chars':>9} {'seconds':>9} {'µs/char':>9} {'ratio':>7}")
    first = None
    for scale in (1, 2, 4, 8, 16, 32, 64):
        text = base * scale
        secs = _time(text, repeat=3 if scale <= 8 else 1)
        per = secs / len(text) * 1e6
        first = first or per
        print(f"{scale:>6} {len(text):>9} {secs:>9.3f} {per:>9.3f} {per / first:>7.2f}")
    rng = random.Random(config.SEED)
    print("\nadversarial inputs (µs/char at 10k and 100k chars; similar values = linear):")
    makers = {
        "digit run": lambda n: "9" * n + "所",
        "Chinese numerals": lambda n: "一二三四五六七八九十" * (n // 10) + "所",
        "nested brackets": lambda n: "(《“" * (n // 3) + "5所",
        "comparator soup": lambda n: "".join(rng.choice(["达到", "以上", "1", "%", "、", "分别", "所", "万"])
                                             for _ in range(n // 2)),
    }
    for name, make in makers.items():
        small, big = make(10_000), make(100_000)
        a = _time(small, 1) / len(small) * 1e6
        b = _time(big, 1) / len(big) * 1e6
        print(f"  {name:<18} {a:8.3f} {b:8.3f}")


if __name__ == "__main__":
    main()
