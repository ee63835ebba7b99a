"""Benchmark: target extraction time per character for 1×…64× the corpus text.

A flat time-per-character ratio means linear time. Also times adversarial
inputs (every Unicode space, digit and numeral runs, repeated markers, nested
brackets) at 100k and 1M characters for ``extract_targets`` and
``extract_quantities``: a ratio near 10 means linear (issue 15 asks <= 12). Run:
``python benchmarks/bench_targets.py`` (``--adversarial`` for the second part only).
"""
from __future__ import annotations

import random
import sys
import time

from policylens import config
from policylens.targets import extract_quantities, extract_targets


def _time(text: str, repeat: int = 3, func=extract_targets) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        func(text)
        best = min(best, time.perf_counter() - t0)
    return best


SPACES = (" ", "\t", "\u00a0", "\u1680", "\u2003", "\u200b", "\u202f", "\u205f", "\u3000", "\ufeff", "\n",
          "\r\n", "\x0b", "\x0c", "\x85", "\u2028")


def adversarial() -> None:
    """Growth from 100k to 1M characters of every adversarial family (ratio ~10 = linear)."""
    rng = random.Random(config.SEED)
    makers = {f"space U+{ord(c[0]):04X}": (lambda n, c=c: "(%)" + c * n + "达到5所") for c in SPACES}
    makers.update({
        "digit run": lambda n: "9" * n + "所",
        "Chinese numerals": lambda n: "一二三四五六七八九十" * (n // 10) + "所",
        "repeated markers": lambda n: "一、(一)1.①第一章\n" * (n // 13),
        "nested brackets": lambda n: "(《“" * (n // 3) + "5所" + ")" * (n // 6),
        "comparator soup": lambda n: "".join(rng.choice(["达到", "以上", "1", "%", "、", "分别", "所", "万"])
                                             for _ in range(n // 2)),
    })
    print(f"{'family':<20} {'function':<11} {'100k s':>8} {'1M s':>8} {'ratio':>6}")
    for name, make in makers.items():
        small, big = make(100_000), make(1_000_000)
        for label, func in (("targets", extract_targets), ("quantities", extract_quantities)):
            a, b = _time(small, 1, func), _time(big, 1, func)
            print(f"{name:<20} {label:<11} {a:8.2f} {b:8.2f} {b / max(a, 1e-3):6.1f}", flush=True)


def main() -> None:
    if "--adversarial" in sys.argv:
        adversarial()
        return
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
    print()
    adversarial()


if __name__ == "__main__":
    main()
