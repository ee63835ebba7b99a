"""Stability and coherence measures of topic models (used by :mod:`policylens.topics` and its evaluation).

* :func:`npmi_coherence` — NPMI@n of each topic's top terms (Bouma 2009; Röder et al. 2015).
* :func:`average_jaccard` — Greene, O'Callaghan & Cunningham (2014)'s AJ@n of two ranked term lists.
* :func:`member_jaccard` — Hennig (2007)'s clusterwise Jaccard: each reference cluster against its
  best-matching cluster of a refit, on the units both fits saw.
* :func:`topic_similarity`, :func:`matched_jaccard`, :func:`stability` — the old measure
  (best-match Jaccard of top-term sets), still printed as a trend beside its null and ceiling.
"""
from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence

import numpy as np
from scipy.optimize import linear_sum_assignment


def npmi_coherence(topics: Sequence[Sequence[str]], documents: Sequence[Iterable[str]],
                   eps: float = 1e-12) -> np.ndarray:
    """NPMI coherence of each topic's terms over ``documents`` (one value per topic).

    Document co-occurrence (Bouma 2009; Röder et al. 2015): for every pair of a
    topic's terms, ``log(p(a,b) / (p(a) p(b))) / -log p(a,b)``; a pair that never
    co-occurs scores -1. Ranges from -1 to 1; higher means the terms are used together.
    """
    from scipy import sparse

    vocab = sorted({term for topic in topics for term in topic})
    index = {term: i for i, term in enumerate(vocab)}
    rows: list[int] = []
    cols: list[int] = []
    n_docs = 0
    for row, doc in enumerate(documents):  # sparse presence: memory grows with the topic terms present only
        n_docs = row + 1
        hits = sorted(index[term] for term in set(doc) & index.keys())
        rows += [row] * len(hits)
        cols += hits
    presence = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n_docs, len(vocab)))
    n_docs = max(n_docs, 1)
    p_single = np.asarray(presence.sum(axis=0)).ravel() / n_docs
    p_joint = (presence.T @ presence).toarray() / n_docs
    scores = []
    for topic in topics:
        values = []
        for a, b in itertools.combinations([index[t] for t in topic], 2):
            pab = p_joint[a, b]
            if pab <= 0:
                values.append(-1.0)
            elif pab >= 1 - eps:
                values.append(1.0)
            else:
                values.append(np.log(pab / (p_single[a] * p_single[b])) / -np.log(pab))
        scores.append(float(np.mean(values)) if values else 0.0)
    return np.asarray(scores)


def _jaccard(a: Iterable, b: Iterable) -> float:
    a, b = set(a), set(b)
    return len(a & b) / len(a | b) if a | b else 0.0


def average_jaccard(first: Sequence[str], second: Sequence[str], depth: int = 10) -> float:
    """AJ@depth (Greene et al. 2014): mean Jaccard of the top-d prefixes for d = 1..depth."""
    return float(np.mean([_jaccard(first[:d], second[:d]) for d in range(1, depth + 1)]))


def matched_average_jaccard(reference: Sequence[Sequence[str]], other: Sequence[Sequence[str]],
                            depth: int = 10) -> np.ndarray:
    """AJ@depth of each reference topic with its Hungarian match among ``other``'s topics (0 if unmatched)."""
    out = np.zeros(len(reference))
    if not reference or not other:
        return out
    sim = np.array([[average_jaccard(a, b, depth) for b in other] for a in reference])
    rows, cols = linear_sum_assignment(-sim)
    out[rows] = sim[rows, cols]
    return out


def membership_jaccard_matrix(reference: np.ndarray, other: np.ndarray, k_ref: int, k_other: int) -> np.ndarray:
    """Jaccard of the member sets of every (reference cluster, other cluster) pair over the same units."""
    ref = np.asarray(reference)
    oth = np.asarray(other)
    a = np.stack([ref == t for t in range(k_ref)]).astype(float)
    b = np.stack([oth == t for t in range(k_other)]).astype(float)
    inter = a @ b.T
    union = a.sum(axis=1)[:, None] + b.sum(axis=1)[None, :] - inter
    return np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)


def member_jaccard(reference: np.ndarray, other: np.ndarray, k_ref: int, k_other: int) -> np.ndarray:
    """Hennig (2007): each reference cluster's Jaccard with its best-matching cluster of ``other``.

    ``reference`` and ``other`` are cluster labels of the same units; a reference
    cluster with no member among them gets NaN (it is not tested by this refit).
    """
    sim = membership_jaccard_matrix(reference, other, k_ref, k_other)
    best = sim.max(axis=1) if k_other else np.zeros(k_ref)
    present = np.array([(np.asarray(reference) == t).any() for t in range(k_ref)])
    return np.where(present, best, np.nan)


def topic_similarity(first: Sequence[Sequence[str]], second: Sequence[Sequence[str]]) -> float:
    """Mean Jaccard of top-term sets under the best one-to-one matching (Hungarian)."""
    if not first or not second:
        return 0.0
    sim = np.array([[_jaccard(a, b) for b in second] for a in first])
    rows, cols = linear_sum_assignment(-sim)
    return float(sim[rows, cols].sum() / max(len(first), len(second)))


def matched_jaccard(reference: Sequence[Sequence[str]], other: Sequence[Sequence[str]]) -> np.ndarray:
    """Jaccard of each reference topic with its Hungarian match in ``other`` (0 if unmatched)."""
    out = np.zeros(len(reference))
    if not reference or not other:
        return out
    sim = np.array([[_jaccard(a, b) for b in other] for a in reference])
    rows, cols = linear_sum_assignment(-sim)
    out[rows] = sim[rows, cols]
    return out


def stability(runs: Sequence[Sequence[Sequence[str]]]) -> float:
    """The old measure: mean :func:`topic_similarity` of top-term lists over all pairs of runs."""
    pairs = list(itertools.combinations(range(len(runs)), 2))
    if not pairs:
        return float("nan")
    return float(np.mean([topic_similarity(runs[i], runs[j]) for i, j in pairs]))
