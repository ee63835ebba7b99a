"""Benchmark of policylens.structure.parse_plan: time per character stays flat (linear time).

Parses 1×, 4×, 16× and 64× a real plan (the largest of the corpus, its sections
repeated; the repeated numbering is reported as anomalies, which is part of the
work) and prints the time per character relative to 1×. Run:
``python benchmarks/bench_structure.py [--repeat N]``.
"""
from __future__ import annotations

import argparse
import time

from policylens.evaluate.structure import load_texts
from policylens.structure import parse_plan


def _best_time(text: str, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        parse_plan(text)
        best = min(best, time.perf_counter() - t0)
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per size (best is kept)")
    args = parser.parse_args(argv)
    texts = load_texts()
    doc_id = max(sorted(texts), key=lambda d: len(texts[d]))
    plan = texts[doc_id].rstrip("\n") + "\n"
    print(f"plan: {doc_id} ({len(plan)} characters, {len(parse_plan(plan))} units)")
    print(f"{'size':>5} {'chars':>10} {'units':>7} {'seconds':>9} {'us/char':>8} {'ratio':>6}")
    base = None
    for factor in (1, 4, 16, 64):
        text = plan * factor
        seconds = _best_time(text, max(1, args.repeat if factor < 64 else 2))
        per_char = seconds / len(text) * 1e6
        base = base or per_char
        units = len(parse_plan(text))
        print(f"{factor:>4}x {len(text):>10} {units:>7} {seconds:>9.4f} {per_char:>8.3f} {per_char / base:>6.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
