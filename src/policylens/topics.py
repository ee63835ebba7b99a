"""Topic clusters: which themes emerge from the words of the plans, and which cities share them.

The codebook (:mod:`policylens.taxonomy`) measures how much of each *known* area a
plan covers; topics are found bottom-up from the words. Pipeline:

* :func:`tokenize`: :func:`policylens.normalize.normalize`, then jieba (a private
  ``jieba.Tokenizer``, HMM off) with the versioned policy-domain user dictionary
  ``data/policy_userdict.txt``; stopwords from ``data/policy_stopwords.txt``,
  punctuation, digits and single characters are dropped, and so are bracketed
  responsibility assignments ``〔…〕`` / ``(责任单位:市教育局…)`` (they name agencies, not themes).
* :class:`TopicModel`: TF-IDF over the tokens of task/safeguard units (heading
  tokens repeated ``heading_weight`` times) and NMF with deterministic
  ``nndsvd`` initialisation. The number of topics is chosen over
  ``candidate_topics`` by *stability* (mean best-match Jaccard of top terms
  between fits on random 90 % subsamples with different seeds): the largest k
  whose stability reaches ``min_stability``, ties broken by NPMI coherence.

  On the 134 gold task units no k in 4..14 reaches 0.80 (about 0.46-0.57; k=3
  gives 0.57 at coherence 0.08, so the range starts at 4), and nothing tried does (sentence-level fitting, pruned or dictionary-only
  vocabularies, L1/L2-regularized or bagged NMF, k-means/consensus clustering,
  PPMI term-term NMF, k up to 20: all 0.25-0.67). The ceiling is the top-10
  term lists themselves: even with every unit's topic weights *held fixed* at
  the full-data fit, terms re-estimated on 90 % subsamples agree only about
  0.73-0.78 (``python -m policylens.evaluate topics`` prints this bound). The
  model therefore reports per-topic stability (``topic_summary_``) so a reader
  sees which topics are findings.
* Comparisons as tidy tables: :func:`topic_shares`, :func:`topic_domain_crosstab`,
  :func:`keyness` (log-odds ratio with an informative Dirichlet prior).

Schemas: ``TOPIC_TERM_COLUMNS`` (``TopicModel.topics_``), ``SELECTION_COLUMNS``
(``TopicModel.selection_``), ``SUMMARY_COLUMNS`` (``TopicModel.topic_summary_``: per-topic
coherence and stability, so a reader sees which topics are findings), ``KEYNESS_COLUMNS``, ``SHARE_COLUMNS``,
``CROSSTAB_COLUMNS``; :meth:`TopicModel.transform` adds ``TRANSFORM_COLUMNS``.
"""
from __future__ import annotations

import itertools
import logging
import re
import threading
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment
from sklearn.base import BaseEstimator
from sklearn.decomposition import NMF
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.utils.validation import check_is_fitted

from policylens import config
from policylens.normalize import normalize

USERDICT_PATH: Path = config.PACKAGE_DATA / "policy_userdict.txt"
STOPWORDS_PATH: Path = config.PACKAGE_DATA / "policy_stopwords.txt"

TOPIC_TERM_COLUMNS = ("topic", "label", "rank", "term", "weight")
SELECTION_COLUMNS = ("n_topics", "stability", "coherence", "stable", "chosen")
SUMMARY_COLUMNS = ("topic", "label", "n_units", "coherence", "stability", "stable")
TRANSFORM_COLUMNS = ("topic", "topic_weight", "topic_label")
SHARE_COLUMNS = ("topic", "topic_label", "n_units", "share")  # after the ``by`` columns
CROSSTAB_COLUMNS = ("topic", "topic_label", "domain", "n_units", "share_of_topic", "share_of_domain")
KEYNESS_COLUMNS = ("group", "term", "count", "z", "rank")
FIT_KINDS = ("task", "safeguard")
NO_TOPIC = -1
"""``topic`` of a unit with no term in the model's vocabulary."""

# ---------------------------------------------------------------------------
# Tokenization
# ---------------------------------------------------------------------------

_CJK_TOKEN = re.compile(r"^[\u4e00-\u9fff]{2,}$")
# 〔…〕 blocks and "(责任单位:…)" lists that assign a task to agencies (nested "(市、区)" allowed)
_RESPONSIBILITY = re.compile(
    r"〔[^〔〕]{0,400}〕|\((?:责任单位|牵头单位|责任部门)[:：](?:[^()]|\([^()]*\)){0,400}\)")
_LOCK = threading.Lock()
_TOKENIZER = None


def _data_lines(path: Path) -> list[str]:
    """Non-empty, non-comment lines of a package data file (UTF-8, BOM rejected)."""
    raw = path.read_bytes()
    if raw.startswith(b"\xef\xbb\xbf"):
        raise ValueError(f"{path.name} must be UTF-8 without BOM")
    lines = (line.strip() for line in raw.decode("utf-8").splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def _version(path: Path) -> str:
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.lower().startswith("# version:"):
            return line.split(":", 1)[1].strip()
    raise ValueError(f"{path.name} has no '# version:' line")


def lexicon_version() -> str:
    """Version of the user dictionary and stopword list, e.g. ``"2024.1/2024.1"``."""
    return f"{_version(USERDICT_PATH)}/{_version(STOPWORDS_PATH)}"


@lru_cache(maxsize=1)
def user_dictionary() -> dict[str, int]:
    """Policy terms of ``policy_userdict.txt`` with their explicit jieba frequencies."""
    terms: dict[str, int] = {}
    for line in _data_lines(USERDICT_PATH):
        parts = line.split()
        if len(parts) < 2 or not parts[1].isdigit():
            raise ValueError(f"policy_userdict.txt: expected 'TERM FREQ [POS]', got {line!r}")
        terms[parts[0]] = int(parts[1])
    return terms


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """Stopwords of ``policy_stopwords.txt`` (generic policy verbs and boilerplate)."""
    return frozenset(_data_lines(STOPWORDS_PATH))


def _tokenizer():
    """The private jieba tokenizer, built once (lazily, thread-safe, log silenced)."""
    global _TOKENIZER
    if _TOKENIZER is None:
        with _LOCK:
            if _TOKENIZER is None:
                import jieba

                jieba.setLogLevel(logging.WARNING)
                tok = jieba.Tokenizer()
                tok.initialize()
                for line in _data_lines(USERDICT_PATH):
                    parts = line.split()
                    tok.add_word(parts[0], int(parts[1]), parts[2] if len(parts) > 2 else None)
                _TOKENIZER = tok
    return _TOKENIZER


def segment(text: str) -> list[str]:
    """Raw jieba segmentation (normalized input, user dictionary, HMM off), nothing dropped."""
    return _tokenizer().lcut(normalize(text).text, HMM=False)


def tokenize(text: str) -> list[str]:
    """Content tokens of a text, in order.

    Normalizes (full-width, Traditional), drops ``〔…〕`` and ``(责任单位:…)``
    responsibility assignments, segments with the policy dictionary (HMM off, so unknown
    strings fall apart into single characters instead of invented words) and
    keeps tokens of two or more CJK characters (or user-dictionary terms) that
    are not stopwords.
    """
    clean = _RESPONSIBILITY.sub(" ", normalize(text).text)
    terms, stop = user_dictionary(), stopwords()
    return [tok for tok in _tokenizer().lcut(clean, HMM=False)
            if (tok in terms or _CJK_TOKEN.match(tok)) and tok not in stop]


# ---------------------------------------------------------------------------
# Metrics
# ---------------------------------------------------------------------------


def npmi_coherence(topics: Sequence[Sequence[str]], documents: Sequence[Iterable[str]],
                   eps: float = 1e-12) -> np.ndarray:
    """NPMI coherence of each topic's terms over ``documents`` (one value per topic).

    Document co-occurrence (Bouma 2009; Röder et al. 2015): for every pair of a
    topic's terms, ``log(p(a,b) / (p(a) p(b))) / -log p(a,b)``; a pair that never
    co-occurs scores -1. Ranges from -1 to 1; higher means the terms are used together.
    """
    doc_sets = [set(doc) for doc in documents]
    n_docs = max(len(doc_sets), 1)
    vocab = sorted({term for topic in topics for term in topic})
    index = {term: i for i, term in enumerate(vocab)}
    presence = np.zeros((len(doc_sets), len(vocab)), dtype=float)
    for row, doc in enumerate(doc_sets):
        for term in doc & index.keys():
            presence[row, index[term]] = 1.0
    p_single = presence.mean(axis=0)
    p_joint = presence.T @ presence / n_docs
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


def topic_similarity(first: Sequence[Sequence[str]], second: Sequence[Sequence[str]]) -> float:
    """Mean Jaccard of top-term sets under the best one-to-one matching (Hungarian)."""
    if not first or not second:
        return 0.0
    sim = np.array([[len(set(a) & set(b)) / max(len(set(a) | set(b)), 1) for b in second] for a in first])
    rows, cols = linear_sum_assignment(-sim)
    return float(sim[rows, cols].sum() / max(len(first), len(second)))


def matched_jaccard(reference: Sequence[Sequence[str]], other: Sequence[Sequence[str]]) -> np.ndarray:
    """Jaccard of each reference topic with its Hungarian match in ``other`` (0 if unmatched)."""
    out = np.zeros(len(reference))
    if not reference or not other:
        return out
    sim = np.array([[len(set(a) & set(b)) / max(len(set(a) | set(b)), 1) for b in other] for a in reference])
    rows, cols = linear_sum_assignment(-sim)
    out[rows] = sim[rows, cols]
    return out


def stability(runs: Sequence[Sequence[Sequence[str]]]) -> float:
    """Stability of a set of fits: mean :func:`topic_similarity` over all pairs of runs.

    Each run is the list of top-term lists of one fit (e.g. on a different
    random subsample with a different seed). 1.0 means every fit finds the
    same topics; a topic that changes with the seed is not a finding.
    """
    pairs = list(itertools.combinations(range(len(runs)), 2))
    if not pairs:
        return float("nan")
    return float(np.mean([topic_similarity(runs[i], runs[j]) for i, j in pairs]))


# ---------------------------------------------------------------------------
# The estimator
# ---------------------------------------------------------------------------


def _identity(tokens):
    return tokens


def _unit_tokens(heading: str, text: str, heading_weight: int) -> list[str]:
    """Tokens of a unit: the heading ``heading_weight`` times, then the body.

    The body is the text without its leading heading when it starts with it
    (gold and parsed units repeat the heading in ``text``), so the weight means
    the same either way.
    """
    heading = normalize(heading or "").text.strip()
    body = normalize(text or "").text
    if heading:
        pos = body.find(heading)
        if 0 <= pos <= 12:
            body = body[pos + len(heading):]
    return tokenize(heading) * heading_weight + tokenize(body)


class TopicModel(BaseEstimator):
    """TF-IDF + NMF topics of plan units, with the number of topics chosen by stability.

    Parameters
    ----------
    n_topics : int or None
        Fixed number of topics; ``None`` chooses it from ``candidate_topics``.
    random_state : int
        Seed for the subsamples and NMF (``nndsvd`` init is deterministic given the data).
    n_top_terms : int
        Terms per topic in ``topics_``, labels, coherence and stability.
    candidate_topics : iterable of int
        The range searched when ``n_topics`` is None.
    heading_weight : int
        How many times a unit's heading tokens count (headings name the task).
    min_df, max_df : int, float
        Vocabulary pruning of the TF-IDF vectorizer (``max_df`` drops corpus-wide boilerplate).
    stability_runs, subsample : int, float
        Number of fits and subsample fraction per fit for the stability criterion.
    min_stability : float
        Threshold of the selection rule: the largest stable k wins.
    n_label_terms : int
        Top terms joined with ``·`` for a topic's label.
    max_iter : int
        NMF iterations.
    kinds : tuple of str
        ``kind`` values fitted on when the units have a ``kind`` column.
    """

    def __init__(self, n_topics: int | None = None, random_state: int = config.SEED,
                 n_top_terms: int = 10, candidate_topics: Iterable[int] = range(4, 15),
                 heading_weight: int = 2, min_df: int = 2, max_df: float = 0.5,
                 stability_runs: int = 10, subsample: float = 0.9, min_stability: float = 0.80,
                 n_label_terms: int = 3, max_iter: int = 1000, kinds: tuple[str, ...] = FIT_KINDS):
        self.n_topics = n_topics
        self.random_state = random_state
        self.n_top_terms = n_top_terms
        self.candidate_topics = candidate_topics
        self.heading_weight = heading_weight
        self.min_df = min_df
        self.max_df = max_df
        self.stability_runs = stability_runs
        self.subsample = subsample
        self.min_stability = min_stability
        self.n_label_terms = n_label_terms
        self.max_iter = max_iter
        self.kinds = kinds

    # -- helpers -----------------------------------------------------------
    def _fit_units(self, units: pd.DataFrame) -> pd.DataFrame:
        if "kind" in units.columns and self.kinds is not None:
            units = units[units["kind"].isin(self.kinds)]
        return units

    def _documents(self, units: pd.DataFrame) -> list[list[str]]:
        headings = units["heading"] if "heading" in units.columns else [""] * len(units)
        return [_unit_tokens(h, t, self.heading_weight) for h, t in zip(headings, units["text"])]

    def _fit_one(self, docs: list[list[str]], k: int, seed: int):
        vectorizer = TfidfVectorizer(analyzer=_identity, lowercase=False, min_df=self.min_df,
                                     max_df=self.max_df, sublinear_tf=True)
        X = vectorizer.fit_transform(docs)
        nmf = NMF(n_components=k, init="nndsvd", solver="cd", max_iter=self.max_iter,
                  random_state=seed)
        W = nmf.fit_transform(X)
        # order topics by their total weight in the corpus, largest first
        order = np.lexsort((np.arange(k), -W.sum(axis=0)))
        nmf.components_ = nmf.components_[order]
        return vectorizer, nmf, W[:, order]

    def _top_terms(self, vectorizer, nmf) -> list[list[str]]:
        vocab = vectorizer.get_feature_names_out()
        tops = []
        for row in nmf.components_:
            order = np.lexsort((vocab, -np.round(row, 12)))[: self.n_top_terms]
            tops.append([str(vocab[i]) for i in order if row[i] > 0])
        return tops

    def _subsample_runs(self, docs: list[list[str]], k: int) -> list[list[list[str]]]:
        rng = np.random.default_rng(self.random_state)
        size = max(int(round(self.subsample * len(docs))), 2)
        runs = []
        for run in range(self.stability_runs):
            idx = np.sort(rng.choice(len(docs), size=size, replace=False))
            vec, nmf, _ = self._fit_one([docs[i] for i in idx], k, self.random_state + run)
            runs.append(self._top_terms(vec, nmf))
        return runs

    def _select(self, docs: list[list[str]]) -> tuple[pd.DataFrame, dict[int, list]]:
        rows, runs_by_k = [], {}
        for k in sorted({int(k) for k in self.candidate_topics}):
            if k < 2 or k >= len(docs):
                continue
            vec, nmf, _ = self._fit_one(docs, k, self.random_state)
            coherence = float(np.mean(npmi_coherence(self._top_terms(vec, nmf), docs)))
            runs_by_k[k] = self._subsample_runs(docs, k)
            rows.append({"n_topics": k, "stability": stability(runs_by_k[k]), "coherence": coherence})
        if not rows:
            raise ValueError("no candidate number of topics fits these units")
        return self._choose(pd.DataFrame(rows)), runs_by_k

    def _choose(self, table: pd.DataFrame) -> pd.DataFrame:
        """Selection rule: the largest k with stability >= ``min_stability``.

        When no k reaches it, the most stable k (ties: better coherence, then
        larger k); ``stable`` is then False everywhere, which reports that no
        number of topics is a finding at the required level.
        """
        table = table.copy()
        table["stability"] = table["stability"].round(4)
        table["coherence"] = table["coherence"].round(4)
        table["stable"] = table["stability"] >= self.min_stability
        if table["stable"].any():
            best = table[table["stable"]].sort_values(
                ["n_topics", "coherence"], ascending=[False, False]).iloc[0]
        else:
            best = table.sort_values(["stability", "coherence", "n_topics"],
                                     ascending=[False, False, False]).iloc[0]
        table["chosen"] = table["n_topics"] == best["n_topics"]
        return table.reset_index(drop=True)[list(SELECTION_COLUMNS)]

    # -- estimator API -------------------------------------------------------
    def fit(self, units: pd.DataFrame, y=None) -> TopicModel:
        """Choose the number of topics (unless fixed) and fit TF-IDF + NMF on task units."""
        fit_units = self._fit_units(units)
        docs = self._documents(fit_units)
        if self.n_topics is None:
            self.selection_, runs_by_k = self._select(docs)
            self.n_topics_ = int(self.selection_.loc[self.selection_["chosen"], "n_topics"].iloc[0])
            runs = runs_by_k[self.n_topics_]
        else:
            self.n_topics_ = int(self.n_topics)
            runs = self._subsample_runs(docs, self.n_topics_)
        self.vectorizer_, self.nmf_, W = self._fit_one(docs, self.n_topics_, self.random_state)
        self.top_terms_ = self._top_terms(self.vectorizer_, self.nmf_)
        self.labels_ = ["·".join(terms[: self.n_label_terms]) for terms in self.top_terms_]
        coherence = npmi_coherence(self.top_terms_, docs)
        if self.n_topics is not None:
            self.selection_ = self._choose(pd.DataFrame(
                [{"n_topics": self.n_topics_, "stability": stability(runs),
                  "coherence": float(np.mean(coherence))}]))
        # per topic: how well the reported topic is found again in the subsample fits
        per_topic = np.mean([matched_jaccard(self.top_terms_, run) for run in runs], axis=0)
        dominant = np.where(W.sum(axis=1) > 0, W.argmax(axis=1), NO_TOPIC)
        self.topic_summary_ = pd.DataFrame({
            "topic": range(self.n_topics_), "label": self.labels_,
            "n_units": [int((dominant == t).sum()) for t in range(self.n_topics_)],
            "coherence": np.round(coherence, 4), "stability": np.round(per_topic, 4),
        })
        self.topic_summary_["stable"] = self.topic_summary_["stability"] >= self.min_stability
        self.topics_ = self._topic_table()
        self.n_fit_units_ = len(docs)
        return self

    def _topic_table(self) -> pd.DataFrame:
        vocab = self.vectorizer_.get_feature_names_out()
        index = {term: i for i, term in enumerate(vocab)}
        rows = [{"topic": t, "label": self.labels_[t], "rank": r + 1, "term": term,
                 "weight": round(float(self.nmf_.components_[t, index[term]]), 6)}
                for t, terms in enumerate(self.top_terms_) for r, term in enumerate(terms)]
        return pd.DataFrame(rows, columns=list(TOPIC_TERM_COLUMNS))

    def topic_mixture(self, units: pd.DataFrame) -> np.ndarray:
        """Topic weights of each unit (rows sum to 1; all zero for a unit with no known term)."""
        check_is_fitted(self)
        W = self.nmf_.transform(self.vectorizer_.transform(self._documents(units)))
        totals = W.sum(axis=1, keepdims=True)
        return np.divide(W, totals, out=np.zeros_like(W), where=totals > 0)

    def transform(self, units: pd.DataFrame) -> pd.DataFrame:
        """The units (all columns kept) with ``topic``, ``topic_weight`` and ``topic_label``.

        ``topic`` is the dominant topic, ``topic_weight`` its share of the unit's
        topic mixture; a unit with no vocabulary term gets ``NO_TOPIC`` and weight 0.
        """
        check_is_fitted(self)
        mix = self.topic_mixture(units)
        out = units.copy()
        has = mix.sum(axis=1) > 0
        topic = np.where(has, mix.argmax(axis=1), NO_TOPIC)
        out["topic"] = topic.astype(int)
        out["topic_weight"] = np.round(np.where(has, mix.max(axis=1), 0.0), 6)
        out["topic_label"] = [self.labels_[t] if t != NO_TOPIC else "" for t in topic]
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


def topic_shares(task_topics: pd.DataFrame, by: Sequence[str] = ("doc_id",),
                 kinds: tuple[str, ...] | None = FIT_KINDS) -> pd.DataFrame:
    """Share of units per dominant topic within each group (e.g. city and year).

    ``task_topics`` is :meth:`TopicModel.transform` output. Every topic appears
    in every group (zero shares kept) so groups compare directly.
    Columns: ``*by``, topic, topic_label, n_units, share.
    """
    by = list(by)
    frame = task_topics
    if kinds is not None and "kind" in frame.columns:
        frame = frame[frame["kind"].isin(kinds)]
    labels = (frame[["topic", "topic_label"]].drop_duplicates().sort_values("topic"))
    counts = frame.groupby(by + ["topic"], sort=True).size().rename("n_units").reset_index()
    groups = frame[by].drop_duplicates()
    grid = groups.merge(labels, how="cross")
    out = grid.merge(counts, on=by + ["topic"], how="left")
    out["n_units"] = out["n_units"].fillna(0).astype(int)
    totals = out.groupby(by)["n_units"].transform("sum")
    out["share"] = (out["n_units"] / totals).round(6)
    return out.sort_values(by + ["topic"]).reset_index(drop=True)[by + list(SHARE_COLUMNS)]


def topic_domain_crosstab(task_topics: pd.DataFrame, domain: str = "domain") -> pd.DataFrame:
    """Topics against codebook domains (tidy), where units carry a ``domain`` column.

    Only units with a non-empty domain count. Columns: topic, topic_label,
    domain, n_units, share_of_topic, share_of_domain. Empty when there is no domain column.
    """
    if domain not in task_topics.columns:
        return pd.DataFrame(columns=list(CROSSTAB_COLUMNS))
    frame = task_topics[task_topics[domain].fillna("").astype(str) != ""]
    out = (frame.groupby(["topic", "topic_label", domain], sort=True).size()
           .rename("n_units").reset_index().rename(columns={domain: "domain"}))
    out["share_of_topic"] = (out["n_units"] / out.groupby("topic")["n_units"].transform("sum")).round(6)
    out["share_of_domain"] = (out["n_units"] / out.groupby("domain")["n_units"].transform("sum")).round(6)
    return out.sort_values(["topic", "n_units", "domain"], ascending=[True, False, True]).reset_index(
        drop=True)[list(CROSSTAB_COLUMNS)]


def keyness(units: pd.DataFrame, by: str = "doc_id", prior_scale: float = 1.0,
            min_count: int = 2, top_n: int | None = None) -> pd.DataFrame:
    """Distinctive terms of each group against the rest of the corpus.

    Log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi & Quinn
    2008, "Fightin' Words"): the prior is the corpus term distribution with total
    mass ``prior_scale`` × corpus size (default 1: α_w is the corpus count of w),
    the score the z of the log-odds difference between the group and the rest.
    A much weaker prior (0.01) ranks one-off terms of a single group low because
    their variance term explodes; 0.5–1 gives the same top terms. Terms seen fewer than
    ``min_count`` times in the group are left out. Columns: group, term, count, z, rank.
    """
    tokens = [tokenize(text) for text in units["text"]]
    group_counts: dict[str, Counter] = {}
    for group, toks in zip(units[by].astype(str), tokens):
        group_counts.setdefault(group, Counter()).update(toks)
    total = Counter()
    for counts in group_counts.values():
        total.update(counts)
    vocab = sorted(total)
    index = {t: i for i, t in enumerate(vocab)}
    y_all = np.array([total[t] for t in vocab], dtype=float)
    n_all = y_all.sum()
    alpha = prior_scale * y_all  # = (prior_scale * n_all) * corpus share
    alpha0 = alpha.sum()
    rows = []
    for group in sorted(group_counts):
        y_i = np.zeros(len(vocab))
        for term, c in group_counts[group].items():
            y_i[index[term]] = c
        y_j = y_all - y_i
        n_i, n_j = y_i.sum(), n_all - y_i.sum()
        log_i = np.log((y_i + alpha) / (n_i + alpha0 - y_i - alpha))
        log_j = np.log((y_j + alpha) / (n_j + alpha0 - y_j - alpha))
        z = (log_i - log_j) / np.sqrt(1 / (y_i + alpha) + 1 / (y_j + alpha))
        part = pd.DataFrame({"group": group, "term": vocab, "count": y_i.astype(int), "z": np.round(z, 4)})
        part = part[part["count"] >= min_count]
        part = part.sort_values(["z", "term"], ascending=[False, True])
        part["rank"] = np.arange(1, len(part) + 1)
        rows.append(part.head(top_n) if top_n else part)
    return pd.concat(rows, ignore_index=True)[list(KEYNESS_COLUMNS)]
