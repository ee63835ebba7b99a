"""Topic clusters: which themes emerge from the words of the plans, and which cities share them.

The codebook (:mod:`policylens.taxonomy`) measures how much of each *known* area a
plan covers; topics are found bottom-up from the words (:mod:`policylens.tokens`).

:class:`TopicModel` is a K-fold ensemble NMF (Belford, Mac Namee & Greene 2018):
TF-IDF once over the units' tokens (heading tokens repeated ``heading_weight`` times);
``n_folds`` member NMFs (random init), each on the units outside one fold; their
topic-term rows stacked and factorised again into ``k`` consensus topics (``nndsvd``,
deterministic); the units' topic weights by non-negative least squares on the consensus
topics. Averaging over members is what makes the topics hold still across subsamples.

Number of topics (rule fixed in advance, not tuned per run): ``k = n_units //
units_per_topic`` clipped to ``[min_topics, max_topics]`` (defaults: one topic per 7 task
units, 4..16). On the 134 task units of the founding corpus this gives 16 and the cap
binds, so 90 % subsamples give 16 too (``selection_`` reports how often). The cap was set
after measuring stability at k = 4..20 on this corpus (it is where the ensemble's topics
hold still best), so it is a documented choice, not a blind one.

Stability (``stability_runs`` refits of the whole ensemble on random ``subsample`` shares of the
units, with seeds distinct from the reference fit's, TF-IDF re-fitted on each subsample),
each refit compared with the full-data reference fit:

* per topic, the Jaccard of its member units with the best-matching refit topic (Hennig 2007)
  and AJ@10 of its top terms with its Hungarian-matched refit topic (Greene et al. 2014);
  a topic is *stable* when both means reach 0.75, else labelled ``unstable 不稳定``;
* per unit, the share of refits in which it lands in (the refit match of) its topic;
  below one half the unit is flagged;
* pairwise AMI and ARI of the assignments.

Comparisons as tidy tables: :func:`topic_shares` and :func:`topic_domain_crosstab` pool the
units of unstable topics into one ``mixed 混合`` column; :func:`keyness` (log-odds ratio
with an informative Dirichlet prior). Labels are bilingual: top Chinese terms with an
English gloss from ``data/topic_glossary.csv``.

Schemas: ``TOPIC_TERM_COLUMNS`` (``topics_``), ``SELECTION_COLUMNS`` (``selection_``),
``SUMMARY_COLUMNS`` (``topic_summary_``), ``UNIT_STABILITY_COLUMNS`` (``unit_stability_``),
``REFIT_COLUMNS`` (``refits_``), ``KEYNESS_COLUMNS``, ``SHARE_COLUMNS``, ``CROSSTAB_COLUMNS``;
:meth:`TopicModel.transform` adds ``TRANSFORM_COLUMNS``.
"""
from __future__ import annotations

import csv
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.decomposition import non_negative_factorization
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import adjusted_mutual_info_score, adjusted_rand_score
from sklearn.preprocessing import normalize as l2_normalize
from sklearn.utils.validation import check_is_fitted

from policylens import config
from policylens.tokens import (  # re-exported: the historical home of the tokenizer
    STOPWORDS_PATH,
    TOKEN_COLUMNS,
    USERDICT_PATH,
    lexicon_version,
    segment,
    stopwords,
    tokenize,
    unit_tokens,
    user_dictionary,
)
from policylens.topic_fits import member_components, nmf, process_map
from policylens.topic_metrics import (
    matched_average_jaccard,
    member_jaccard,
    membership_jaccard_matrix,
    npmi_coherence,
    stability,
    topic_similarity,
)

__all__ = ["TopicModel", "TooFewTasksError", "tokenize", "segment", "lexicon_version", "user_dictionary",
           "stopwords", "USERDICT_PATH", "STOPWORDS_PATH", "npmi_coherence", "stability", "topic_similarity",
           "topic_shares", "topic_domain_crosstab", "keyness", "glossary", "choose_n_topics", "unit_token_lists",
           "TOKEN_COLUMNS"]

GLOSSARY_PATH = config.PACKAGE_DATA / "topic_glossary.csv"
TOPIC_TERM_COLUMNS = ("topic", "label", "rank", "term", "weight")
SELECTION_COLUMNS = ("rule", "n_units", "n_topics", "subsamples", "reproduced")
SUMMARY_COLUMNS = ("topic", "label", "label_en", "n_units", "coherence", "member_jaccard", "term_agreement",
                   "stable", "display_label")
UNIT_STABILITY_COLUMNS = ("position", "topic", "refits_seen", "landed", "landing", "flagged")
REFIT_COLUMNS = ("refit", "n_units", "ami", "ari", "stable_share")
TRANSFORM_COLUMNS = ("topic", "topic_weight", "topic_label", "topic_stable")
SHARE_COLUMNS = ("topic", "topic_label", "n_units", "share")  # after the ``by`` columns
CROSSTAB_COLUMNS = ("topic", "topic_label", "domain", "n_units", "share_of_topic", "share_of_domain")
KEYNESS_COLUMNS = ("group", "term", "count", "z", "rank")
FIT_KINDS = ("task", "safeguard")
NO_TOPIC = -1
"""``topic`` of a unit with no term in the model's vocabulary."""
MIXED_TOPIC = -2
"""``topic`` of the pooled column of units in unstable topics (:func:`topic_shares`)."""
MIXED_LABEL = "mixed 混合 (unstable topics 不稳定主题)"
UNSTABLE_LABEL = "unstable 不稳定"
STABLE_LEVEL = 0.75


class TooFewTasksError(ValueError):
    """The units are too few (or share too few terms) to fit the requested number of topics."""


@lru_cache(maxsize=1)
def glossary() -> dict[str, str]:
    """English glosses of policy terms for topic labels (``data/topic_glossary.csv``: term, gloss, reason)."""
    out: dict[str, str] = {}
    with open(GLOSSARY_PATH, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(line for line in fh if not line.startswith("#"))
        if reader.fieldnames != ["term", "gloss", "reason"]:
            raise ValueError(f"{GLOSSARY_PATH.name}:1: columns must be term,gloss,reason")
        for line, row in enumerate(reader, start=2):
            if not row["term"] or not row["gloss"] or not row["reason"]:
                raise ValueError(f"{GLOSSARY_PATH.name}:{line}: term, gloss and reason are required")
            if row["term"] in out:
                raise ValueError(f"{GLOSSARY_PATH.name}:{line}: duplicate term {row['term']}")
            out[row["term"]] = row["gloss"]
    return out


def english_label(terms: Sequence[str]) -> str:
    """English gloss of label terms (a term without a glossary entry is kept in Chinese)."""
    gloss = glossary()
    return " · ".join(gloss.get(t, t) for t in terms)


def choose_n_topics(n_units: int, units_per_topic: int = 7, min_topics: int = 4, max_topics: int = 16) -> int:
    """The rule fixed in advance: one topic per ``units_per_topic`` units, within ``[min_topics, max_topics]``."""
    return int(min(max_topics, max(min_topics, n_units // units_per_topic)))


def identity_analyzer(tokens: list[str]) -> list[str]:
    """Analyzer for pre-tokenized documents (TF-IDF over the shared tokens, not re-tokenized)."""
    return tokens


_identity = identity_analyzer


def unit_token_lists(units: pd.DataFrame, heading_weight: int = 1) -> list[list[str]]:
    """Each unit's tokens: heading tokens ``heading_weight`` times, then the body's.

    Units with :data:`TOKEN_COLUMNS` (the build's task tokens) are split, not segmented again
    (tokens interned, so a large corpus holds each term once); others are tokenized from
    ``heading`` and ``text``.
    """
    if set(TOKEN_COLUMNS) <= set(units.columns):
        from sys import intern

        def split(joined: str) -> list[str]:
            return [intern(t) for t in joined.split()] if isinstance(joined, str) else []

        return [split(h) * heading_weight + split(b) for h, b in zip(units["heading_tokens"], units["body_tokens"])]
    headings = units["heading"] if "heading" in units.columns else [""] * len(units)
    return [unit_tokens(h, t, heading_weight) for h, t in zip(headings, units["text"])]


class TopicModel(BaseEstimator):
    """K-fold ensemble NMF topics of plan units, with per-topic and per-unit stability.

    Parameters
    ----------
    n_topics : int or None
        Fixed number of topics (exactly this many are fitted); ``None`` applies :func:`choose_n_topics`.
    random_state : int
        Seed of the folds, the member NMFs and the stability subsamples.
    n_top_terms : int
        Terms per topic in ``topics_``, coherence and AJ.
    units_per_topic, min_topics, max_topics : int
        The rule for the number of topics when ``n_topics`` is None.
    n_folds : int
        Ensemble members: one NMF per fold, fitted on the units outside it.
    heading_weight : int
        How many times a unit's heading tokens count (headings name the task).
    min_df, max_df : int, float
        Vocabulary pruning of the TF-IDF vectorizer (``max_df`` drops corpus-wide boilerplate).
    max_terms : int or None
        Bound on the vocabulary: the ``max_terms`` most frequent terms after pruning (None: all). Each
        coordinate-descent sweep costs (units + terms) × topics², so on a large sample the vocabulary,
        not the units, sets the cost; 1000 is above the founding corpus's vocabulary (about 780 terms),
        whose topics are the same with or without it.
    stability_runs, subsample : int, float
        Refits of the ensemble on random subsamples for the stability figures (0: none).
    sample_size : int or None
        Bound on the cost for large corpora: every NMF (the reference ensemble and the refits) is fitted on
        a fixed random sample of this many units (all units when there are fewer, as in the founding
        corpus) and every unit gets its weights from the fitted topics, so the cost of a fit stops growing
        with the corpus (1000: about 60 units per topic at the cap of 16 topics). ``None``: no bound.
    n_label_terms : int
        Top terms in a topic's label.
    max_iter, tol : int, float
        Member NMF iterations and tolerance (the consensus NMF uses 1000 iterations). Well-converged
        members matter: at tol 1e-2 the stable share on the founding tasks was 0.34, at 1e-3 0.52 (30 refits).
    kinds : tuple of str
        ``kind`` values fitted on when the units have a ``kind`` column.
    n_jobs : int or None
        Processes for the member NMFs of the reference fit and the stability refits, which are independent
        and seeded (None or 1: in this process). Results do not depend on it.
    """

    def __init__(self, n_topics: int | None = None, random_state: int = config.SEED, n_top_terms: int = 10,
                 units_per_topic: int = 7, min_topics: int = 4, max_topics: int = 16, n_folds: int = 20,
                 heading_weight: int = 2, min_df: int = 2, max_df: float = 0.5, max_terms: int | None = 1000,
                 stability_runs: int = 10, subsample: float = 0.9, sample_size: int | None = 1000, n_label_terms: int = 3,
                 max_iter: int = 400, tol: float = 1e-3, kinds: tuple[str, ...] = FIT_KINDS,
                 n_jobs: int | None = None):
        self.n_topics = n_topics
        self.random_state = random_state
        self.n_top_terms = n_top_terms
        self.units_per_topic = units_per_topic
        self.min_topics = min_topics
        self.max_topics = max_topics
        self.n_folds = n_folds
        self.heading_weight = heading_weight
        self.min_df = min_df
        self.max_df = max_df
        self.max_terms = max_terms
        self.stability_runs = stability_runs
        self.subsample = subsample
        self.sample_size = sample_size
        self.n_label_terms = n_label_terms
        self.max_iter = max_iter
        self.tol = tol
        self.kinds = kinds
        self.n_jobs = n_jobs

    # -- helpers -----------------------------------------------------------
    def _fit_units(self, units: pd.DataFrame) -> pd.DataFrame:
        if "kind" in units.columns and self.kinds is not None:
            units = units[units["kind"].isin(self.kinds)]
        return units

    def _documents(self, units: pd.DataFrame) -> list[list[str]]:
        return unit_token_lists(units, self.heading_weight)

    def _rule(self, n_units: int) -> int:
        return choose_n_topics(n_units, self.units_per_topic, self.min_topics, self.max_topics)

    def _vectorize(self, docs: list[list[str]]):
        vectorizer = TfidfVectorizer(analyzer=_identity, lowercase=False, min_df=self.min_df,
                                     max_df=self.max_df, max_features=self.max_terms, sublinear_tf=True)
        try:
            X = vectorizer.fit_transform(docs)
        except ValueError as err:  # empty vocabulary after pruning
            raise TooFewTasksError(f"{len(docs)} task units share no term (min_df={self.min_df}): "
                                   f"too few to fit topics ({err})") from None
        return vectorizer, X

    def _check_size(self, n_docs: int, n_terms: int, k: int) -> None:
        if k < 2 or n_docs < 2 * k or n_terms < k or n_docs < self.n_folds:
            raise TooFewTasksError(
                f"{n_docs} task units with {n_terms} shared terms are too few for {k} topics "
                f"(need at least {max(2 * k, self.n_folds)} units and {k} terms)")

    def _members(self, n: int, seed: Sequence[int]) -> list[tuple[np.ndarray, int]]:
        """The members of an ensemble over ``n`` units: (units outside the fold, NMF seed), one per fold."""
        rng = np.random.default_rng(list(seed))
        folds = np.array_split(rng.permutation(n), self.n_folds)
        return [(np.setdiff1d(np.arange(n), fold), int(rng.integers(2**31 - 1))) for fold in folds]

    def _consensus(self, X, members: list[np.ndarray], k: int) -> tuple[np.ndarray, np.ndarray]:
        """Consensus topic-term matrix H (k × terms, ordered by total weight) and unit weights W."""
        stacked = l2_normalize(np.vstack(members))
        H = nmf(k, 0, "nndsvd", 1000, 1e-4).fit(stacked).components_
        W = self._weights(X, H, k)
        order = np.lexsort((np.arange(k), -np.round(W.sum(axis=0), 9)))
        return H[order], W[:, order]

    def _ensembles(self, samples: list[list[list[str]]], seeds: list[Sequence[int]], k: int) -> list:
        """(vectorizer, H, W) of the ensemble fitted on each sample: TF-IDF of each sample here, the members of
        every ensemble as one list of jobs (so ``n_jobs`` processes share them evenly, whatever the number of
        ensembles), then each consensus. Each member depends only on its rows and seed: same results for any
        ``n_jobs``."""
        fitted = []
        for docs, seed in zip(samples, seeds):
            vectorizer, X = self._vectorize(docs)
            self._check_size(X.shape[0], X.shape[1], k)
            fitted.append((vectorizer, X, self._members(X.shape[0], seed)))
        jobs = [(X[keep], k, member_seed, self.max_iter, self.tol)
                for _, X, members in fitted for keep, member_seed in members]
        with process_map(self.n_jobs, len(jobs)) as map_:
            components = map_(member_components, jobs)
        out, taken = [], 0
        for vectorizer, X, members in fitted:
            H, W = self._consensus(X, components[taken:taken + len(members)], k)
            out.append((vectorizer, H, W))
            taken += len(members)
        return out

    def _weights(self, X, H: np.ndarray, k: int) -> np.ndarray:
        W, _, _ = non_negative_factorization(X, H=H, n_components=k, init="custom", update_H=False,
                                             solver="cd", max_iter=1000, tol=1e-4)
        return W

    # -- public views for evaluation ------------------------------------------
    def documents(self, units: pd.DataFrame) -> list[list[str]]:
        """Token lists of the units this model fits (its kinds only), as TF-IDF sees them."""
        return self._documents(self._fit_units(units))

    def unit_weights(self, X) -> np.ndarray:
        """Weights of TF-IDF rows ``X`` on the fitted topics (NNLS with ``components_`` fixed)."""
        return self._weights(X, self.components_, self.n_topics_)

    def top_terms(self, vocab: np.ndarray, H: np.ndarray) -> list[list[str]]:
        """The ``n_top_terms`` heaviest terms of each row of a topic-term matrix ``H`` (ties by term)."""
        return self._top_terms(vocab, H)

    def _top_terms(self, vocab: np.ndarray, H: np.ndarray) -> list[list[str]]:
        tops = []
        for row in H:
            order = np.lexsort((vocab, -np.round(row, 12)))[: self.n_top_terms]
            tops.append([str(vocab[i]) for i in order if row[i] > 0])
        return tops

    @staticmethod
    def _dominant(W: np.ndarray) -> np.ndarray:
        return np.where(W.sum(axis=1) > 0, W.argmax(axis=1), NO_TOPIC)

    def _pool(self, n: int) -> tuple[np.ndarray, np.random.Generator]:
        """The units every fit draws from (a fixed random sample of ``sample_size`` when there are more)
        and the generator that then draws the stability subsamples."""
        rng = np.random.default_rng([self.random_state, 1])
        if self.sample_size is not None and n > self.sample_size:
            return np.sort(rng.choice(n, size=self.sample_size, replace=False)), rng
        return np.arange(n), rng

    # -- estimator API -------------------------------------------------------
    def fit(self, units: pd.DataFrame, y=None) -> TopicModel:
        """Fit the ensemble on the task units (k fixed or by the rule), then its stability refits.

        Raises :class:`TooFewTasksError` when the units cannot hold the topics.
        """
        from threadpoolctl import threadpool_limits

        docs = self._documents(self._fit_units(units))
        n = len(docs)
        k = int(self.n_topics) if self.n_topics is not None else self._rule(n)
        pool, rng = self._pool(n)
        size = max(int(round(self.subsample * len(pool))), 2)
        draws = [np.sort(rng.choice(pool, size=size, replace=False)) for _ in range(self.stability_runs)]
        fits = [(pool, (self.random_state, 0))] + [(idx, (self.random_state, 2, run)) for run, idx in enumerate(draws)]
        with threadpool_limits(1):  # small dense products: one BLAS thread is faster on a busy machine
            results = self._ensembles([[docs[i] for i in idx] for idx, _ in fits], [seed for _, seed in fits], k)
            self.vectorizer_, self.components_, W = results[0]
            if len(pool) < n:  # the reference topics came from the sample: every unit's weights from them
                W = self._weights(self.vectorizer_.transform(docs), self.components_, k)
            self.n_topics_ = k
            self.n_fit_units_ = n
            vocab = self.vectorizer_.get_feature_names_out()
            self.top_terms_ = self._top_terms(vocab, self.components_)
            self.labels_ = ["·".join(terms[: self.n_label_terms]) for terms in self.top_terms_]
            self.labels_en_ = [english_label(terms[: self.n_label_terms]) for terms in self.top_terms_]
            self.assignments_ = self._dominant(W)
            refits = [(self._top_terms(vec.get_feature_names_out(), H), self._dominant(Wr))
                      for vec, H, Wr in results[1:]]
            self._stability(n, draws, refits)
        coherence = npmi_coherence(self.top_terms_, docs)
        self.coherence_ = float(np.mean(coherence))
        self.topic_summary_ = self._summary(coherence)
        self.topics_ = self._topic_table(vocab)
        return self

    def _stability(self, n: int, draws: list[np.ndarray], refits: list[tuple[list[list[str]], np.ndarray]]) -> None:
        """Per-topic, per-unit and per-refit stability of the reference fit against the refits on ``draws``."""
        from scipy.optimize import linear_sum_assignment

        k, ref = self.n_topics_, self.assignments_
        size = len(draws[0]) if draws else 0
        reproduced = sum(int(self._rule(size) == k) for _ in draws) if self.n_topics is None else 0
        mj, aj, seen, landed, rows, self.refit_terms_ = [], [], np.zeros(n), np.zeros(n), [], []
        for run, (idx, (terms, lab)) in enumerate(zip(draws, refits)):
            self.refit_terms_.append(terms)
            ref_sub = ref[idx]
            run_mj = member_jaccard(ref_sub, lab, k, k)
            run_aj = matched_average_jaccard(self.top_terms_, terms, self.n_top_terms)
            mj.append(run_mj)
            aj.append(run_aj)
            sim = membership_jaccard_matrix(ref_sub, lab, k, k)
            r, c = linear_sum_assignment(-sim)
            match = np.full(k, -99)
            match[r] = c
            seen[idx] += 1
            landed[idx] += (ref_sub >= 0) & (lab == np.where(ref_sub >= 0, match[np.maximum(ref_sub, 0)], -99))
            stable = (run_mj >= STABLE_LEVEL) & (run_aj >= STABLE_LEVEL)
            rows.append({"refit": run, "n_units": size,
                         "ami": round(float(adjusted_mutual_info_score(ref_sub, lab)), 4),
                         "ari": round(float(adjusted_rand_score(ref_sub, lab)), 4),
                         "stable_share": round(float(np.isin(ref_sub, np.flatnonzero(stable)).mean()), 4)})
        self.refits_ = pd.DataFrame(rows, columns=list(REFIT_COLUMNS))
        runs = max(self.stability_runs, 1)
        self.member_jaccard_ = (np.nanmean(np.vstack(mj), axis=0) if mj else np.full(k, np.nan))
        self.term_agreement_ = np.mean(np.vstack(aj), axis=0) if aj else np.full(k, np.nan)
        self.stable_ = (self.member_jaccard_ >= STABLE_LEVEL) & (self.term_agreement_ >= STABLE_LEVEL)
        landing = np.divide(landed, seen, out=np.full(n, np.nan), where=seen > 0)
        self.unit_stability_ = pd.DataFrame({
            "position": np.arange(n), "topic": ref, "refits_seen": seen.astype(int), "landed": landed.astype(int),
            "landing": np.round(landing, 4), "flagged": ~(landing >= 0.5)})
        self.selection_ = pd.DataFrame([{
            "rule": "fixed k" if self.n_topics is not None else
            f"n_units // {self.units_per_topic} in [{self.min_topics}, {self.max_topics}]",
            "n_units": n, "n_topics": k, "subsamples": self.stability_runs,
            "reproduced": round(reproduced / runs, 4) if self.n_topics is None else np.nan}],
            columns=list(SELECTION_COLUMNS))

    @property
    def stable_share_(self) -> float:
        """Share of fitted units whose topic is stable on both counts."""
        return float(np.isin(self.assignments_, np.flatnonzero(self.stable_)).mean())

    def _summary(self, coherence: np.ndarray) -> pd.DataFrame:
        frame = pd.DataFrame({
            "topic": range(self.n_topics_), "label": self.labels_, "label_en": self.labels_en_,
            "n_units": [int((self.assignments_ == t).sum()) for t in range(self.n_topics_)],
            "coherence": np.round(coherence, 4), "member_jaccard": np.round(self.member_jaccard_, 4),
            "term_agreement": np.round(self.term_agreement_, 4), "stable": self.stable_.astype(bool)})
        frame["display_label"] = [f"{zh} ({en})" if ok else f"{UNSTABLE_LABEL}: {zh}"
                                  for zh, en, ok in zip(frame["label"], frame["label_en"], frame["stable"])]
        return frame[list(SUMMARY_COLUMNS)]

    def _topic_table(self, vocab: np.ndarray) -> pd.DataFrame:
        index = {term: i for i, term in enumerate(vocab)}
        rows = [{"topic": t, "label": self.labels_[t], "rank": r + 1, "term": term,
                 "weight": round(float(self.components_[t, index[term]]), 6)}
                for t, terms in enumerate(self.top_terms_) for r, term in enumerate(terms)]
        return pd.DataFrame(rows, columns=list(TOPIC_TERM_COLUMNS))

    def topic_mixture(self, units: pd.DataFrame) -> np.ndarray:
        """Topic weights of each unit (rows sum to 1; all zero for a unit with no known term)."""
        check_is_fitted(self)
        X = self.vectorizer_.transform(self._documents(units))
        W = self._weights(X, self.components_, self.n_topics_) if X.shape[0] else np.zeros((0, self.n_topics_))
        totals = W.sum(axis=1, keepdims=True)
        return np.divide(W, totals, out=np.zeros_like(W), where=totals > 0)

    def transform(self, units: pd.DataFrame) -> pd.DataFrame:
        """The units (all columns kept) with ``topic``, ``topic_weight``, ``topic_label`` and ``topic_stable``.

        ``topic`` is the dominant topic, ``topic_weight`` its share of the unit's
        topic mixture; a unit with no vocabulary term gets ``NO_TOPIC`` and weight 0.
        """
        check_is_fitted(self)
        mix = self.topic_mixture(units)
        out = units.copy()
        has = mix.sum(axis=1) > 0
        topic = np.where(has, mix.argmax(axis=1), NO_TOPIC) if len(mix) else np.zeros(0, dtype=int)
        out["topic"] = topic.astype(int)
        out["topic_weight"] = np.round(np.where(has, mix.max(axis=1), 0.0), 6) if len(mix) else 0.0
        out["topic_label"] = [self.labels_[t] if t != NO_TOPIC else "" for t in topic]
        out["topic_stable"] = [bool(self.stable_[t]) if t != NO_TOPIC else False for t in topic]
        return out

    def fit_transform(self, units: pd.DataFrame, y=None) -> pd.DataFrame:
        """:meth:`fit` on the task units, then :meth:`transform` all ``units``."""
        return self.fit(units).transform(units)

    def representative_units(self, units: pd.DataFrame, n: int = 3) -> pd.DataFrame:
        """The ``n`` fitted-kind units loading most on each topic (tidy: topic, label, rank, weight, unit columns)."""
        check_is_fitted(self)
        pool = self._fit_units(units).reset_index(drop=True)
        mix = self.topic_mixture(pool)
        keep = [c for c in ("doc_id", "path", "kind", "heading") if c in pool.columns]
        frames = []
        for t in range(self.n_topics_):
            order = np.lexsort((np.arange(len(pool)), -np.round(mix[:, t], 9)))[:n]
            order = [i for i in order if mix[i, t] > 0]
            part = pool.loc[order, keep].copy()
            part.insert(0, "weight", np.round(mix[order, t], 6))
            part.insert(0, "rank", range(1, len(order) + 1))
            part.insert(0, "label", self.labels_[t])
            part.insert(0, "topic", t)
            frames.append(part)
        return pd.concat(frames, ignore_index=True)


# ---------------------------------------------------------------------------
# Comparisons
# ---------------------------------------------------------------------------


def _pooled(frame: pd.DataFrame, pool_unstable: bool) -> pd.DataFrame:
    """Units of unstable topics pooled into ``MIXED_TOPIC`` (when ``topic_stable`` is known)."""
    if not pool_unstable or "topic_stable" not in frame.columns:
        return frame
    stable = frame["topic_stable"].astype(str).str.lower().isin(["true", "1"])
    unstable = ~stable & (frame["topic"].astype(int) != NO_TOPIC)
    return frame.assign(topic=np.where(unstable, MIXED_TOPIC, frame["topic"].astype(int)),
                        topic_label=np.where(unstable, MIXED_LABEL, frame["topic_label"]))


def topic_shares(task_topics: pd.DataFrame, by: Sequence[str] = ("doc_id",),
                 kinds: tuple[str, ...] | None = FIT_KINDS, pool_unstable: bool = True) -> pd.DataFrame:
    """Share of units per dominant topic within each group (e.g. city and year).

    ``task_topics`` is :meth:`TopicModel.transform` output. Units of unstable topics are
    pooled into one ``mixed 混合`` topic (``MIXED_TOPIC``) unless ``pool_unstable`` is False.
    Every topic appears in every group (zero shares kept) so groups compare directly.
    Columns: ``*by``, topic, topic_label, n_units, share.
    """
    by = list(by)
    frame = task_topics
    if kinds is not None and "kind" in frame.columns:
        frame = frame[frame["kind"].isin(kinds)]
    frame = _pooled(frame, pool_unstable)
    labels = (frame[["topic", "topic_label"]].drop_duplicates("topic").sort_values("topic"))
    counts = frame.groupby(by + ["topic"], sort=True).size().rename("n_units").reset_index()
    groups = frame[by].drop_duplicates()
    grid = groups.merge(labels, how="cross")
    out = grid.merge(counts, on=by + ["topic"], how="left")
    out["n_units"] = out["n_units"].fillna(0).astype(int)
    totals = out.groupby(by)["n_units"].transform("sum")
    out["share"] = (out["n_units"] / totals).round(6)
    return out.sort_values(by + ["topic"]).reset_index(drop=True)[by + list(SHARE_COLUMNS)]


def topic_domain_crosstab(task_topics: pd.DataFrame, domain: str = "domain",
                          pool_unstable: bool = True) -> pd.DataFrame:
    """Topics against codebook domains (tidy), where units carry a ``domain`` column.

    Only units with a non-empty domain count; unstable topics are pooled into ``mixed 混合``.
    Columns: topic, topic_label, domain, n_units, share_of_topic, share_of_domain.
    Empty when there is no domain column.
    """
    if domain not in task_topics.columns:
        return pd.DataFrame(columns=list(CROSSTAB_COLUMNS))
    frame = _pooled(task_topics[task_topics[domain].fillna("").astype(str) != ""], pool_unstable)
    out = (frame.groupby(["topic", "topic_label", domain], sort=True).size()
           .rename("n_units").reset_index().rename(columns={domain: "domain"}))
    out["share_of_topic"] = (out["n_units"] / out.groupby("topic")["n_units"].transform("sum")).round(6)
    out["share_of_domain"] = (out["n_units"] / out.groupby("domain")["n_units"].transform("sum")).round(6)
    return out.sort_values(["topic", "n_units", "domain"], ascending=[True, False, True]).reset_index(
        drop=True)[list(CROSSTAB_COLUMNS)]


def keyness(units: pd.DataFrame, by: str = "doc_id", prior_scale: float = 1.0,
            min_count: int = 2, top_n: int | None = None,
            tokens: Sequence[Sequence[str]] | None = None) -> pd.DataFrame:
    """Distinctive terms of each group against the rest of the corpus.

    Log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi & Quinn
    2008, "Fightin' Words"): the prior is the corpus term distribution with total
    mass ``prior_scale`` × corpus size (default 1: α_w is the corpus count of w),
    the score the z of the log-odds difference between the group and the rest.
    Terms seen fewer than ``min_count`` times in the group are left out. ``tokens``
    (one list per unit) reuses a tokenization already done. Vectorised over a sparse
    group × term count matrix: linear in the number of (group, term) pairs present.
    Columns: group, term, count, z, rank.
    """
    from scipy import sparse

    if tokens is None:
        tokens = [tokenize(text) for text in units["text"]]
    groups = units[by].astype(str).to_numpy()
    group_names = sorted(set(groups))
    group_index = {g: i for i, g in enumerate(group_names)}
    from array import array

    term_ids: dict[str, int] = {}
    rows_i, cols_i = array("i"), array("i")   # one (group, term) pair per token: compact, summed by scipy
    for group, toks in zip(groups, tokens):
        ids = [term_ids.setdefault(tok, len(term_ids)) for tok in toks]
        cols_i.extend(ids)
        rows_i.extend([group_index[group]] * len(ids))
    if not cols_i:
        return pd.DataFrame(columns=list(KEYNESS_COLUMNS))
    vocab = sorted(term_ids)
    sorted_id = np.empty(len(vocab), dtype=np.int64)
    sorted_id[[term_ids[t] for t in vocab]] = np.arange(len(vocab))
    matrix = sparse.csr_matrix((np.ones(len(cols_i)), (np.frombuffer(rows_i, dtype=np.int32),
                                                       sorted_id[np.frombuffer(cols_i, dtype=np.int32)])),
                               shape=(len(group_names), len(vocab)))
    matrix.sum_duplicates()
    y_all = np.asarray(matrix.sum(axis=0)).ravel()
    n_all = y_all.sum()
    alpha = prior_scale * y_all
    alpha0 = alpha.sum()
    n_group = np.asarray(matrix.sum(axis=1)).ravel()
    coo = matrix.tocoo()
    y_i, a, g = coo.data, alpha[coo.col], coo.row
    y_j = y_all[coo.col] - y_i
    n_i, n_j = n_group[g], n_all - n_group[g]
    log_i = np.log((y_i + a) / (n_i + alpha0 - y_i - a))
    log_j = np.log((y_j + a) / (n_j + alpha0 - y_j - a))
    z = (log_i - log_j) / np.sqrt(1 / (y_i + a) + 1 / (y_j + a))
    table = pd.DataFrame({"group": np.array(group_names)[g], "term": np.array(vocab)[coo.col],
                          "count": y_i.astype(int), "z": np.round(z, 4)})
    table = table[table["count"] >= min_count]
    table = table.sort_values(["group", "z", "term"], ascending=[True, False, True], kind="stable")
    table["rank"] = table.groupby("group").cumcount() + 1
    if top_n:
        table = table[table["rank"] <= top_n]
    return table.reset_index(drop=True)[list(KEYNESS_COLUMNS)]
