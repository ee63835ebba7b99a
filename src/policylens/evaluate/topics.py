"""``python -m policylens.evaluate topics``: stability and coherence of the topic model, the way the anchors measure it.

On the build's task units (``data/processed/tasks.csv``; or ``--units`` CSV with
``heading`` and ``text``; the gold units when there is no build): k is chosen once on
the full data by the model's rule fixed in advance (:func:`policylens.topics.choose_n_topics`),
and the share of subsamples on which the rule gives the same k is reported; then
``--runs`` (30) refits of the K-fold ensemble at that k on random 90 % subsamples (seeds
distinct from the reference fit's), each compared with the full-data reference fit:

* per topic: Jaccard of its member tasks with the best-matching refit topic (Hennig 2007) and
  AJ@10 of its top terms with the Hungarian-matched refit topic (Greene et al. 2014);
  stable = both means >= 0.75; the share of tasks in stable topics;
* pairwise AMI and ARI of the task assignments; NPMI@10 coherence;
* tasks that land in their topic in fewer than half the refits;
* the old measure (mean pairwise best-match Jaccard of top-10 term sets between refits)
  beside its null (the same model on a corpus whose tokens are shuffled across tasks: no
  topics) and its ceiling (the units' topic weights frozen at the reference fit, only the
  terms re-estimated per subsample), as a trend.

Exit code 0 when stable topics hold >= ``--min-stable-share`` (0.40; goal 0.50) of the tasks,
AMI >= 0.75 and NPMI@10 >= 0.20; 1 otherwise.
"""
from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd
from sklearn.decomposition import non_negative_factorization
from sklearn.feature_extraction.text import TfidfVectorizer

from policylens import config, thresholds
from policylens.topic_metrics import stability
from policylens.topics import TopicModel, identity_analyzer, lexicon_version


def default_units() -> pd.DataFrame:
    """The build's task units (text = body), or the gold units when there is no build."""
    path = config.DATA_PROCESSED / "tasks.csv"
    if path.exists():
        from policylens.io import read_csv

        tasks = read_csv(path)
        return tasks.assign(text=tasks["body"])
    from policylens.gold import gold_unit_texts

    return gold_unit_texts()


def frozen_cluster_stability(model: TopicModel, docs: list[list[str]], runs: int) -> float:
    """Ceiling of the old measure: top-10 terms re-estimated per subsample with the units' weights frozen.

    On each 90 % subsample (same draws as the model's refits) TF-IDF is refitted and the
    topic-term matrix solved by non-negative least squares with the reference ``W`` fixed.
    """
    X = model.vectorizer_.transform(docs)
    W = model.unit_weights(X)
    rng = np.random.default_rng([model.random_state, 1])
    size = max(int(round(model.subsample * len(docs))), 2)
    term_runs = []
    for _ in range(runs):
        idx = np.sort(rng.choice(len(docs), size=size, replace=False))
        vec = TfidfVectorizer(analyzer=identity_analyzer, lowercase=False, min_df=model.min_df,
                              max_df=model.max_df, sublinear_tf=True)
        Xs = vec.fit_transform([docs[i] for i in idx])
        Ht, _, _ = non_negative_factorization(Xs.T.tocsr(), H=np.ascontiguousarray(W[idx].T),
                                              n_components=model.n_topics_, init="custom",
                                              update_H=False, max_iter=1000)
        term_runs.append(model.top_terms(vec.get_feature_names_out(), Ht.T))
    return stability(term_runs)


def shuffled_units(units: pd.DataFrame, seed: int) -> pd.DataFrame:
    """The units with their tokens shuffled across units (lengths kept): a corpus with no topics."""
    model = TopicModel()
    docs = model.documents(units)
    pool = np.array([tok for doc in docs for tok in doc], dtype=object)
    pool = pool[np.random.default_rng(seed).permutation(len(pool))]
    bounds = np.cumsum([0] + [len(d) for d in docs])
    texts = [" ".join(pool[bounds[i]:bounds[i + 1]]) for i in range(len(docs))]
    return pd.DataFrame({"heading": [""] * len(texts), "text": texts, "kind": "task"})


def main(argv: list[str] | None = None) -> int:
    if argv and "--json" in argv:  # summary as JSON (policylens.evaluate.report)
        from policylens.evaluate import main as evaluate_main

        return evaluate_main(["topics", *argv])
    parser = argparse.ArgumentParser(prog="python -m policylens.evaluate topics", description=__doc__.splitlines()[0])
    parser.add_argument("--units", help="units CSV (columns heading, text; optional kind); default: the build's tasks")
    parser.add_argument("--runs", type=int, default=30, help="refits on 90%% subsamples (default 30)")
    parser.add_argument("--seed", type=int, default=config.SEED)
    parser.add_argument("--n-topics", type=int, default=None, help="fix k instead of the rule")
    parser.add_argument("--min-stable-share", type=float, default=thresholds.minimum("topics", "stable_share"))
    parser.add_argument("--jobs", type=int, default=1, help="processes for the refits (same results)")
    parser.add_argument("--no-null", action="store_true", help="skip the shuffled-corpus null (saves a refit series)")
    args = parser.parse_args(argv)

    if args.units:
        units = pd.read_csv(args.units, dtype=str, keep_default_na=False)
    else:
        units = default_units()
    pd.set_option("display.width", 220)
    pd.set_option("display.unicode.east_asian_width", True)
    started = time.perf_counter()
    model = TopicModel(n_topics=args.n_topics, random_state=args.seed, stability_runs=args.runs,
                       n_jobs=args.jobs).fit(units)
    seconds = time.perf_counter() - started
    sel = model.selection_.iloc[0]
    print(f"topic model (K-fold ensemble NMF, {model.n_folds} folds) on {model.n_fit_units_} task units "
          f"(lexicon {lexicon_version()}); fit + {args.runs} refits {seconds:.1f} s")
    print(f"k = {model.n_topics_} by rule '{sel['rule']}'; the rule gives the same k on "
          f"{sel['reproduced']:.0%} of the {args.runs} subsamples" if args.n_topics is None
          else f"k = {model.n_topics_} fixed")

    summary = model.topic_summary_.drop(columns=["display_label"])
    print(f"\nper topic ({args.runs} refits on 90% subsamples; stable = member Jaccard "
          f"{thresholds.threshold('topics', 'topic.member_jaccard').describe()} and AJ@10 "
          f"{thresholds.threshold('topics', 'topic.term_agreement').describe()}):")
    print(summary.to_string(index=False))
    share = model.stable_share_
    ami, ari = model.refits_["ami"], model.refits_["ari"]
    flagged = model.unit_stability_["flagged"]
    print(f"\nstable topics: {int(model.stable_.sum())} of {model.n_topics_}, holding {share:.1%} of the tasks "
          f"(acceptance >= {args.min_stable_share:.0%}, goal 50%)")
    print(f"assignment agreement with the reference: AMI {ami.mean():.3f} (min {ami.min():.3f}), "
          f"ARI {ari.mean():.3f} (min {ari.min():.3f})")
    print(f"NPMI@10 coherence: {model.coherence_:.3f}")
    print(f"tasks landing in their topic in fewer than half the refits: {int(flagged.sum())} "
          f"of {len(flagged)} ({flagged.mean():.1%})")

    old = stability(model.refit_terms_)
    docs = model.documents(units)
    ceiling = frozen_cluster_stability(model, docs, min(args.runs, 10))
    line = f"\nold measure (pairwise best-match Jaccard of top-10 terms between refits): {old:.3f}; "
    line += f"ceiling (clusters frozen) {ceiling:.3f}"
    if not args.no_null:
        null_model = TopicModel(n_topics=model.n_topics_, random_state=args.seed, stability_runs=10).fit(
            shuffled_units(units, args.seed))
        line += f"; null (shuffled corpus) {stability(null_model.refit_terms_):.3f}"
    print(line + " — a trend, not a gate")

    bar_ami, bar_npmi = thresholds.threshold("topics", "ami"), thresholds.threshold("topics", "coherence")
    ok = share >= args.min_stable_share and bar_ami.passes(ami.mean()) and bar_npmi.passes(model.coherence_)
    print(f"\nacceptance (stable share >= {args.min_stable_share:.2f}, AMI {bar_ami.describe()}, "
          f"NPMI@10 {bar_npmi.describe()}): {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
