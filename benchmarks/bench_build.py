"""Benchmark of ``policylens build`` on a synthetic corpus of N plans, against the jieba floor.

The corpus is a deterministic recombination of real units of the founding
plans: plan ``i`` takes founding plan ``i mod 5`` as its template — its raw page
header with the scraping damage, its outline, its closing lines — and replaces
about half of its units by raw units of the same kind and depth from founding
plans of the same year or earlier (seeded by ``i``), so outline forms, the density of tasks and
targets and the raw damage are those of real plans. The build runs cold (no
cache) into a scratch folder; then the same raw texts are segmented by jieba
with the policy dictionary alone (the floor of any jieba-based pipeline).

Prints documents per second, seconds and share per stage, peak memory, and the
ratio of build time to jieba-only time; the last line is ``ratio=<x>``. Run:
``python benchmarks/bench_build.py --docs 100 [--jobs N] [--scheduler dask]``.
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import platform
import random
import shutil
import tempfile
import time
from pathlib import Path

from policylens import config
from policylens.build import CORPUS_STAGES, DOC_STAGES, run_build
from policylens.cache import Cache
from policylens.document import Plan


def _founding() -> tuple[list[dict], dict[str, Plan]]:
    with open(config.MANIFEST, encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh)]
    plans = {r["doc_id"]: Plan.from_file(config.DATA_RAW / f"{r['doc_id']}.txt", doc_id=r["doc_id"]) for r in rows}
    return rows, plans


def _raw_units(plan: Plan) -> tuple[str, list[tuple[str, int, str]], str]:
    """The raw header before the first unit, the raw span of every unit (kind, level, text), the raw tail."""
    units = plan.units[plan.units["kind"] != "preamble"] if len(plan.units) > 1 else plan.units
    spans = []
    bounds = [plan.to_raw(int(s), int(s) + 1)[0] for s in units["start"]] + [len(plan.raw)]
    for (kind, level), a, b in zip(zip(units["kind"], units["level"]), bounds, bounds[1:]):
        spans.append((str(kind), int(level), plan.raw[a:b]))
    return plan.raw[: bounds[0]], spans, ""


def make_corpus(folder: Path, n_docs: int, seed: int = 0) -> int:
    """Write ``n_docs`` synthetic plans and their manifest into ``folder``; return their raw characters."""
    rows, plans = _founding()
    parts = {doc_id: _raw_units(plan) for doc_id, plan in plans.items()}
    year = {r["doc_id"]: int(r["plan_start_year"]) for r in rows}
    pool: dict[tuple[str, int], list[tuple[int, str]]] = {}
    for doc_id, (_, spans, _) in sorted(parts.items()):
        for kind, level, text in spans:
            pool.setdefault((kind, level), []).append((year[doc_id], text))
    folder.mkdir(parents=True, exist_ok=True)
    out_rows, chars = [], 0
    for i in range(n_docs):
        template = rows[i % len(rows)]
        rng = random.Random(seed * 1_000_003 + i)
        header, spans, tail = parts[template["doc_id"]]
        # a unit may come from a plan of the same year or earlier (a plan never quotes a later one)
        earlier = {key: [t for y, t in entries if y <= int(template["plan_start_year"])]
                   for key, entries in pool.items()}
        body = [rng.choice(earlier[(k, lv)]) if rng.random() < 0.5 and earlier[(k, lv)] else text
                for k, lv, text in spans]
        text = header + "".join(s if s.endswith("\n") else s + "\n" for s in body) + tail
        doc_id = f"synth-{i:05d}"
        data = text.encode("utf-8")
        (folder / f"{doc_id}.txt").write_bytes(data)
        chars += len(text)
        out_rows.append({**template, "doc_id": doc_id, "sha256": hashlib.sha256(data).hexdigest()})
    with open(folder / "manifest.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(out_rows)
    return chars


def jieba_seconds(folder: Path) -> float:
    """Seconds jieba (policy dictionary loaded beforehand) takes to segment every raw text of the corpus."""
    from policylens.topics import segment

    segment("教育")  # load the dictionary outside the timing
    texts = [p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))]
    t0 = time.perf_counter()
    for text in texts:
        segment(text)
    return time.perf_counter() - t0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100, help="synthetic plans (default 100)")
    parser.add_argument("--jobs", type=int, default=1, help="worker processes (default 1)")
    parser.add_argument("--scheduler", choices=("local", "dask"), default="local")
    parser.add_argument("--keep", type=Path, default=None, help="write the corpus and outputs here and keep them")
    args = parser.parse_args(argv)
    work = args.keep or Path(tempfile.mkdtemp(prefix="policylens-bench-"))
    try:
        raw = work / "raw"
        t0 = time.perf_counter()
        chars = make_corpus(raw, args.docs)
        print(f"corpus: {args.docs} synthetic plans, {chars:,} raw characters ({time.perf_counter() - t0:.1f} s to "
              f"generate)")
        print(f"machine: {platform.machine()}, {platform.processor() or '?'}, "
              f"{__import__('os').cpu_count()} cores, Python {platform.python_version()}; jobs={args.jobs}, "
              f"scheduler={args.scheduler}")
        report = run_build(work / "out", raw, progress=False, jobs=args.jobs, scheduler=args.scheduler,
                           cache=Cache(work / "cache", enabled=False))
        total = report.wall["total"]
        floor = jieba_seconds(raw)
        print(f"{'stage':<10}{'seconds':>10}{'share':>8}")
        stage_seconds = {s: report.seconds.get(s, 0.0) for s in (*DOC_STAGES, *CORPUS_STAGES)}
        cpu_total = sum(stage_seconds.values()) or 1.0
        for stage, seconds in stage_seconds.items():
            print(f"{stage:<10}{seconds:>10.2f}{seconds / cpu_total:>8.1%}")
        print("(per-document stages: CPU seconds summed over workers; wall: "
              + ", ".join(f"{k} {v:.1f} s" for k, v in report.wall.items()) + ")")
        print(f"counts: {report.counts}; errors: {len(report.errors)}; notes: {report.notes}")
        print(f"documents per second: {args.docs / total:.2f}")
        print("peak memory: " + ", ".join(f"{k} {v:.0f} MiB" for k, v in report.peak_mib.items()))
        print(f"jieba-only segmentation of the same raw text: {floor:.2f} s; build: {total:.2f} s")
        print(f"ratio={total / floor:.2f}")
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
