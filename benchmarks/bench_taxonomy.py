"""Benchmark of the task coder: milliseconds per unit, against jieba segmentation of the same text.

Codes the outline units of the founding plans (``data/processed/units.csv``, or ``--units``)
concatenated ``--times`` times with :func:`policylens.taxonomy.code_units` (after a warm-up
call), segments the same headings and texts with :func:`policylens.tokens.segment` (jieba,
the floor of any jieba-based pipeline), and prints both per unit and their ratio: the best of
``--repeat`` runs, in CPU time of this process (other jobs on the machine matter less). It
also times, in wall time, the default coder getting ready in this process (its model read
from the project cache folder, or fitted when not there) and a fresh fit. Last line:
``ratio=<x>``. Run: ``python benchmarks/bench_taxonomy.py [--times 5] [--repeat 3]``.
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

import pandas as pd

from policylens import config


def _best(fn, repeat: int, clock=time.process_time) -> float:
    """Best of ``repeat`` runs, in CPU seconds by default (steadier than wall time on a shared machine)."""
    best = float("inf")
    for _ in range(repeat):
        t0 = clock()
        fn()
        best = min(best, clock() - t0)
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=Path, default=config.DATA_PROCESSED / "units.csv",
                        help="units table (columns heading and text or body)")
    parser.add_argument("--times", type=int, default=5, help="copies of the units coded in one call")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each measurement (best is kept)")
    args = parser.parse_args(argv)

    t0 = time.perf_counter()
    from policylens.taxonomy import TaskCoder, code_units, default_coder, load_training_data
    from policylens.tokens import segment
    imported = time.perf_counter() - t0
    t0 = time.perf_counter()
    default_coder()
    ready = time.perf_counter() - t0
    train = load_training_data()
    fit = _best(lambda: TaskCoder().fit(train, train["domain"]), 1, time.perf_counter)

    units = pd.read_csv(args.units, dtype=str, keep_default_na=False, encoding="utf-8")
    batch = pd.concat([units] * max(args.times, 1), ignore_index=True)
    body = "text" if "text" in batch.columns else "body"        # what the coder reads
    heads = batch["heading"] if "heading" in batch.columns else [""] * len(batch)
    texts = [t for pair in zip(heads, batch[body]) for t in pair if t]
    code_units(units.head(50))          # warm-up: lookups, first calls
    segment("推进义务教育优质均衡发展")     # warm-up: jieba's dictionary
    coder_s = _best(lambda: code_units(batch), args.repeat)
    jieba_s = _best(lambda: [segment(t) for t in texts], args.repeat)

    n = len(batch)
    print(f"units: {n} ({len(units)} x {args.times}) from {args.units.name}, "
          f"{sum(map(len, texts)) / n:.0f} characters per unit (heading + text)")
    print(f"import policylens.taxonomy + coder: {imported:.2f} s; default coder ready: {ready:.2f} s "
          f"(model from the project cache folder, or fitted when absent); a fresh fit: {fit:.2f} s")
    print(f"{'stage (CPU, best of ' + str(args.repeat) + ')':<22} {'seconds':>8} {'ms/unit':>8}")
    print(f"{'code_units':<22} {coder_s:>8.3f} {coder_s / n * 1000:>8.3f}")
    print(f"{'jieba segment':<22} {jieba_s:>8.3f} {jieba_s / n * 1000:>8.3f}")
    print(f"ratio={coder_s / jieba_s:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
