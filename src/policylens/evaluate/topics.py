"""``python -m policylens.evaluate topics``: coherence and stability of the topic model.

Fits :class:`policylens.topics.TopicModel` on the gold units' task/safeguard
texts (or a units CSV with ``heading`` and ``text``) and prints the selection
table over the candidate range (stability = mean pairwise best-match Jaccard of
top-10 terms between fits on random 90 % subsamples with different seeds;
coherence = NPMI of top-10 terms over the task units), the figures at the
chosen k, per-topic coherence/stability and, when units carry a gold
``domain``, the agreement of dominant topics with it (adjusted mutual
information), and an upper bound on stability for this corpus: the
stability of the top-10 terms when every unit's topic weights are held fixed at
the full-data fit and only the terms are re-estimated on each subsample (no
method that re-fits the documents' topics can be expected to beat it). Exit code 0 when stability at the chosen k meets the acceptance
level (``--min-stability``, 0.80), 1 otherwise.
"""
from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd
from sklearn.decomposition import non_negative_factorization
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import adjusted_mutual_info_score

from policylens import config
from policylens.topics import TopicModel, _identity, lexicon_version, stability, topic_similarity


def fixed_weight_stability(model: TopicModel, units: pd.DataFrame) -> float:
    """Stability of the top terms when only the terms are re-estimated on each subsample.

    The units' topic weights ``W`` stay those of the full-data fit; on each 90 %
    subsample (the same draws as the stability criterion) the vocabulary and
    TF-IDF are refitted and the topic-term matrix solved by non-negative least
    squares with ``W`` fixed. It is a diagnostic bound, not an honest
    stability figure (the subsample fits share the full fit's topics): it shows how much of
    the instability comes from the top-term lists alone.
    """
    docs = model._documents(model._fit_units(units))
    W = model.nmf_.transform(model.vectorizer_.transform(docs))
    rng = np.random.default_rng(model.random_state)
    size = max(int(round(model.subsample * len(docs))), 2)
    runs = []
    for _ in range(model.stability_runs):
        idx = np.sort(rng.choice(len(docs), size=size, replace=False))
        vec = TfidfVectorizer(analyzer=_identity, lowercase=False, min_df=model.min_df,
                              max_df=model.max_df, sublinear_tf=True)
        X = vec.fit_transform([docs[i] for i in idx])
        Ht, _, _ = non_negative_factorization(X.T.tocsr(), H=np.ascontiguousarray(W[idx].T),
                                              n_components=model.n_topics_, init="custom",
                                              update_H=False, max_iter=model.max_iter,
                                              random_state=model.random_state)
        vocab = vec.get_feature_names_out()
        tops = []
        for row in Ht.T:
            order = np.lexsort((vocab, -np.round(row, 12)))[: model.n_top_terms]
            tops.append([str(vocab[i]) for i in order if row[i] > 0])
        runs.append(tops)
    return stability(runs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m policylens.evaluate topics", description=__doc__.splitlines()[0])
    parser.add_argument("--units", help="units CSV (columns heading, text; optional kind, doc_id, domain); default: gold units")
    parser.add_argument("--runs", type=int, default=10, help="subsample fits per k (default 10)")
    parser.add_argument("--seed", type=int, default=config.SEED)
    parser.add_argument("--min-stability", type=float, default=0.80)
    parser.add_argument("--n-topics", type=int, default=None, help="fix k instead of choosing it")
    args = parser.parse_args(argv)

    if args.units:
        units = pd.read_csv(args.units, dtype=str, keep_default_na=False)
    else:
        from policylens.gold import gold_unit_texts

        units = gold_unit_texts()
    started = time.perf_counter()
    model = TopicModel(n_topics=args.n_topics, random_state=args.seed, stability_runs=args.runs,
                       min_stability=args.min_stability).fit(units)
    seconds = time.perf_counter() - started
    pd.set_option("display.width", 200)
    pd.set_option("display.unicode.east_asian_width", True)

    print(f"topic model on {model.n_fit_units_} task/safeguard units (lexicon {lexicon_version()}); "
          f"fit with selection {seconds:.1f} s")
    print("\nselection over the candidate range "
          f"(stability: {args.runs} fits on 90% subsamples, pairwise best-match Jaccard of top-10 terms):")
    print(model.selection_.to_string(index=False))
    chosen = model.selection_[model.selection_["chosen"]].iloc[0]
    print(f"\nchosen k = {model.n_topics_}: stability {chosen['stability']:.3f} "
          f"(acceptance >= {args.min_stability:.2f}), coherence NPMI {chosen['coherence']:.3f}")

    # agreement of the reported (full-data) topics with each subsample fit, for reference
    docs = model._documents(model._fit_units(units))
    runs = model._subsample_runs(docs, model.n_topics_)
    reference = float(np.mean([topic_similarity(model.top_terms_, run) for run in runs]))
    print(f"agreement of the reported topics with the subsample fits (Greene et al. 2014 style): {reference:.3f}")
    bound = fixed_weight_stability(model, units)
    print(f"bound: stability with the units' topic weights held fixed, terms re-estimated per subsample: "
          f"{bound:.3f}")

    print("\nper topic (stability: mean matched Jaccard of the topic in the subsample fits):")
    print(model.topic_summary_.to_string(index=False))
    print(f"topics individually >= {args.min_stability:.2f}: "
          f"{int(model.topic_summary_['stable'].sum())} of {model.n_topics_}")

    if "domain" in units.columns:
        tagged = model.transform(model._fit_units(units))
        tagged = tagged[tagged["domain"].fillna("").astype(str) != ""]
        ami = adjusted_mutual_info_score(tagged["domain"], tagged["topic"])
        print(f"\nagreement of dominant topic with gold domain: AMI {ami:.3f} on {len(tagged)} coded units")
    ok = bool(chosen["stability"] >= args.min_stability)
    print(f"\nacceptance (stability >= {args.min_stability:.2f} at chosen k): {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
