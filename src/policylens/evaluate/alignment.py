"""``python -m policylens.evaluate alignment``: precision and recall of the task-alignment threshold.

Reads the developer-labelled task pairs ``data/eval/task_pairs.csv`` (doc_a, path_a, doc_b,
path_b, same, reason: 1 when both tasks make the same commitment, 0 when they only share an
area or not even that), scores every pair with :func:`policylens.compare.task_similarity` on
the build's tasks, and prints precision, recall and F1 of "similarity >= threshold" at the
shipped ``ALIGN_THRESHOLD`` and along a grid, with the threshold of best F1.
"""
from __future__ import annotations

import argparse

import numpy as np
import pandas as pd

from policylens import compare, config

PAIRS = config.EVAL / "task_pairs.csv"


def pair_scores(tasks: pd.DataFrame, pairs: pd.DataFrame, text_column: str = "body") -> np.ndarray:
    """Similarity of each labelled pair (NaN when a task is missing from ``tasks``)."""
    frame = tasks.reset_index(drop=True)
    sim = compare.task_similarity(frame, text_column)
    index = {key: i for i, key in enumerate(zip(frame["doc_id"], frame["path"]))}
    out = []
    for a, pa, b, pb in zip(pairs["doc_a"], pairs["path_a"], pairs["doc_b"], pairs["path_b"]):
        i, j = index.get((a, pa)), index.get((b, pb))
        out.append(np.nan if i is None or j is None else sim[i, j])
    return np.asarray(out, dtype=float)


def precision_recall(scores: np.ndarray, labels: np.ndarray, threshold: float) -> tuple[float, float, float]:
    """Precision, recall and F1 of ``scores >= threshold`` against 0/1 ``labels``."""
    pred = scores >= threshold
    tp = int((pred & (labels == 1)).sum())
    precision = tp / pred.sum() if pred.sum() else 1.0
    recall = tp / (labels == 1).sum() if (labels == 1).sum() else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return float(precision), float(recall), float(f1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m policylens.evaluate alignment",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--threshold", type=float, default=compare.ALIGN_THRESHOLD)
    args = parser.parse_args(argv)
    from policylens.io import read_csv

    tasks = read_csv(config.DATA_PROCESSED / "tasks.csv")
    pairs = read_csv(PAIRS)
    scores = pair_scores(tasks, pairs)
    labels = pairs["same"].astype(int).to_numpy()
    known = ~np.isnan(scores)
    print(f"{int(known.sum())} of {len(pairs)} labelled pairs found in the build "
          f"({int(labels[known].sum())} same commitment, {int((labels[known] == 0).sum())} not)")
    scores, labels = scores[known], labels[known]
    p, r, f = precision_recall(scores, labels, args.threshold)
    print(f"threshold {args.threshold:.3f}: precision {p:.3f}, recall {r:.3f}, F1 {f:.3f}")
    grid = np.round(np.arange(0.05, 0.30, 0.01), 3)
    rows = [(t, *precision_recall(scores, labels, t)) for t in grid]
    table = pd.DataFrame(rows, columns=["threshold", "precision", "recall", "f1"]).round(3)
    print(table.to_string(index=False))
    best = table.sort_values(["f1", "precision", "threshold"], ascending=[False, False, False]).iloc[0]
    print(f"best F1 at threshold {best['threshold']:.2f}: precision {best['precision']:.3f}, "
          f"recall {best['recall']:.3f}, F1 {best['f1']:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
