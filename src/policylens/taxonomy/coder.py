"""The coder: :class:`TaskCoder` (cue rules + TF-IDF/logistic regression) and its training data."""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin, TransformerMixin
from sklearn.exceptions import NotFittedError
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from policylens import config
from policylens.taxonomy.codebook import OTHER, codebook, load_codebook
from policylens.taxonomy.features import class_proba, counter_for, tfidf_rows
from policylens.taxonomy.rules import CueRules, RuleResult
from policylens.taxonomy.text import _CJK, CODED_KINDS, _as_frame, _column, _text_column, split_heading

TRAINING_PATH = config.PACKAGE_DATA / "taxonomy_training.csv"

#: Columns :func:`code_tasks` adds to its input (all other columns pass through).
TAXONOMY_COLUMNS: dict[str, str] = {
    "domain": "primary domain code (see taxonomy.yaml); `other` when nothing can be coded",
    "secondary_domains": "further domain codes, `;`-joined, strongest first; empty when none",
    "confidence": "0-1: blended probability of the primary domain (low for `other`/empty text)",
    "evidence": "human-readable reason: `rules:`, `blend:`, `model:` or `empty:` followed by the "
                "cues (heading/body, ×count), boundary rules fired and model features that decided",
    "level": "education-level facet: preschool, compulsory, senior_secondary, vocational, higher, "
             "lifelong, special or cross_level",
    "needs_review": "True when the code should be checked by a person: confidence below the codebook's "
                    "scoring.review_below (calibrated on the evaluation sets, see taxonomy.yaml)",
}
#: Columns of the shipped training data (:func:`build_training_data`).
TRAINING_COLUMNS: tuple[str, ...] = ("doc_id", "path", "kind", "heading", "text", "domain", "secondary")
#: pandas' string dtype (what a column of Python strings becomes), looked up once.
_STR = pd.api.types.pandas_dtype("str")
#: Domains that are an education level of the same name.
_LEVEL_DOMAINS = frozenset({"preschool", "compulsory", "senior_secondary", "vocational"})


_NON_CJK_RUN = re.compile(r"[^\u4e00-\u9fff]+")


def _model_text(heading: str, body: str, heading_repeat: int) -> str:
    """Model input: heading repeated, then body; CJK only (digits, Latin and punctuation dropped)."""
    text = "。".join([heading] * heading_repeat + [body])
    return _NON_CJK_RUN.sub(" ", text).strip()


def _two_cjk(text: str) -> bool:
    """Whether ``text`` has at least two CJK characters (without listing them all)."""
    first = _CJK.search(text)
    return first is not None and _CJK.search(text, first.end()) is not None


class TaskCoder(BaseEstimator, ClassifierMixin, TransformerMixin):
    """Code task units into codebook domains: cue rules + a TF-IDF/logistic-regression model.

    ``mode``: ``"blend"`` (rules decide when clear, else rule shares blended with the
    model), ``"rules"`` (rules only) or ``"model"`` (model only). Scoring
    parameters left as ``None`` come from the codebook's ``scoring`` section.
    ``fit(X, y)`` takes a frame with ``heading`` and ``text`` columns and the gold
    domains; ``predict`` returns domain codes; ``transform`` returns ``X`` with the
    :data:`TAXONOMY_COLUMNS` added.
    """

    def __init__(self, *, mode: str = "blend", heading_weight: float | None = None,
                 rules_weight: float | None = None, clear_min_score: float | None = None,
                 clear_ratio: float | None = None, C: float = 1.0, ngram_range: tuple[int, int] = (1, 2),
                 heading_repeat: int = 2, random_state: int = config.SEED, codebook_path: str | None = None):
        self.mode = mode
        self.heading_weight = heading_weight
        self.rules_weight = rules_weight
        self.clear_min_score = clear_min_score
        self.clear_ratio = clear_ratio
        self.C = C
        self.ngram_range = ngram_range
        self.heading_repeat = heading_repeat
        self.random_state = random_state
        self.codebook_path = codebook_path

    # -- fitting
    def _setup(self) -> None:
        if self.mode not in {"blend", "rules", "model"}:
            raise ValueError(f"mode must be 'blend', 'rules' or 'model', got {self.mode!r}")
        book = load_codebook(self.codebook_path) if self.codebook_path else codebook()
        sc = dict(book.scoring)
        for key in ("heading_weight", "rules_weight", "clear_min_score", "clear_ratio"):
            if getattr(self, key) is not None:
                sc[key] = float(getattr(self, key))
        self.codebook_ = book
        self.scoring_ = sc
        self.rules_ = CueRules(book, sc["heading_weight"], sc["body_cap"])
        self.codes_ = list(book.codes)

    def _estimators(self) -> tuple[TfidfVectorizer, LogisticRegression]:
        """The unfitted vectorizer and classifier of the model part."""
        return (TfidfVectorizer(analyzer="char", ngram_range=tuple(self.ngram_range), sublinear_tf=True, min_df=1),
                LogisticRegression(C=self.C, class_weight="balanced", max_iter=5000,
                                   random_state=self.random_state))

    def _training_inputs(self, X: Any, y: Iterable[str] | None) -> tuple[list[str], list[str]]:
        """Model input texts and labels of coded units (labels checked against the codebook)."""
        X = _as_frame(X)
        self._setup()
        labels = list(X["domain"] if y is None else y)
        unknown = sorted(set(labels) - set(self.codes_))
        if unknown:
            raise ValueError(f"training labels not in the codebook: {unknown}")
        texts = [_model_text(*split_heading(h, t, self.scoring_['max_derived_heading']), self.heading_repeat)
                 for h, t in zip(_column(X, "heading"), _text_column(X))]
        return texts, labels

    def _fit_model(self, texts: list[str], labels: list[str]) -> None:
        self.vectorizer_, self.model_ = self._estimators()
        features = self.vectorizer_.fit_transform(texts)
        self.model_.fit(features, labels)
        self._fitted()

    def _fitted(self) -> None:
        self.classes_ = np.array(self.codes_)
        self.feature_names_ = self.vectorizer_.get_feature_names_out()
        self._counter = counter_for(self.vectorizer_)

    def fit(self, X: pd.DataFrame, y: Iterable[str] | None = None) -> TaskCoder:
        """Fit the model part on coded units (``y`` defaults to ``X["domain"]``)."""
        self._fit_model(*self._training_inputs(X, y))
        return self

    def fit_cached(self, X: pd.DataFrame, y: Iterable[str] | None = None,
                   folder: Path | str | None = None) -> TaskCoder:
        """:meth:`fit`, reading the fitted model back from ``folder`` (default ``config.CACHE``)
        when the same inputs were fitted before, and keeping it there otherwise
        (:mod:`policylens.taxonomy.modelcache`: keyed by everything the model depends on)."""
        from policylens.taxonomy import modelcache

        texts, labels = self._training_inputs(X, y)
        vectorizer, model = self._estimators()
        key = modelcache.model_key(Path(__file__).read_bytes(), self.get_params(), vectorizer.get_params(),
                                   model.get_params(), self.codes_, texts, labels)
        path = modelcache.model_path(Path(folder) if folder is not None else config.CACHE, key)
        if modelcache.load(path, key, vectorizer, model):
            self.vectorizer_, self.model_ = vectorizer, model
            self._fitted()
            return self
        self._fit_model(texts, labels)
        modelcache.store(path, key, self.vectorizer_, self.model_, self._estimators, texts)
        return self

    # -- coding
    def _features(self, texts: list[str]) -> Any:
        """The TF-IDF rows of the model texts (one sparse matrix for the batch, n-grams counted in
        NumPy: :mod:`policylens.taxonomy.features`)."""
        return tfidf_rows(self.vectorizer_, texts, getattr(self, "_counter", None))

    def _model_proba(self, texts: list[str], features: Any = None) -> np.ndarray:
        """Model probabilities, columns in codebook order (``features``: :meth:`_features` of ``texts``)."""
        proba = np.zeros((len(texts), len(self.codes_)))
        if not texts:
            return proba
        raw = class_proba(self.model_, self._features(texts) if features is None else features)
        for j, cls in enumerate(self.model_.classes_):
            proba[:, self.codes_.index(cls)] = raw[:, j]
        return proba

    def _top_features(self, row: tuple[np.ndarray, np.ndarray] | None, cls: str, k: int = 4) -> list[str]:
        """The ``k`` features of one text (``row``: its TF-IDF indices and values) that most
        raise class ``cls`` (single characters left out)."""
        coef_row = self._coef_rows.get(cls)
        if coef_row is None or row is None:
            return []
        idx, data = row
        contrib = data * self.model_.coef_[coef_row][idx]
        order = np.argsort(-contrib, kind="stable")
        names = self.feature_names_
        out: list[str] = []
        for i in order:
            if contrib[i] <= 0:
                break                       # sorted: no positive contribution follows
            name = names[idx[i]]
            if len(name.strip()) > 1:
                out.append(name)
                if len(out) == k:
                    break
        return out

    def _prepare_coding(self) -> None:
        """Lookups the per-unit coding reuses (rule-code order, the model's classes)."""
        codes = self.rules_.codes
        self._rule_cols = np.array([self.codes_.index(c) for c in codes], dtype=np.intp)
        self._code_pos = {c: i for i, c in enumerate(codes)}
        if hasattr(self, "model_"):
            classes = list(self.model_.classes_)
            self._coef_rows = {c: i for i, c in enumerate(classes)}
            self._known = np.array([c in classes for c in codes])
        else:
            self._coef_rows, self._known = {}, np.ones(len(codes), dtype=bool)

    def _code_one(self, head: str, body: str, proba: np.ndarray | None,
                  row: tuple[np.ndarray, np.ndarray] | None) -> dict[str, Any]:
        """Code one unit from its normalized ``(head, body)`` (:func:`split_heading`), its model
        probabilities (codebook order) and its TF-IDF row (:meth:`_code_batch` of one unit)."""
        probas = None if proba is None else np.asarray(proba)[None, :]
        return self._code_batch([(head, body)], probas, [row])[0]

    def _code_batch(self, prepared: list[tuple[str, str]], probas: np.ndarray | None,
                    rows: list[tuple[np.ndarray, np.ndarray] | None]) -> list[dict[str, Any]]:
        """Code units from their normalized ``(head, body)``, model probabilities (one row per unit,
        codebook order) and TF-IDF rows: the rules per unit, the shares and blends of all units
        at once (row by row the same arithmetic), then each unit's decision (:meth:`_decide`)."""
        out: list[dict[str, Any] | None] = [None] * len(prepared)
        results: list[RuleResult] = []
        coded: list[int] = []
        score = self.rules_.score
        for i, (head, body) in enumerate(prepared):
            if not _two_cjk(head + body):
                why = "empty text" if not (head + body).strip() else "no Chinese text to code"
                out[i] = {"domain": OTHER, "secondary_domains": "", "confidence": 0.05,
                          "evidence": f"empty: {why}", "level": "cross_level"}
            else:
                results.append(score(head, body))
                coded.append(i)
        if results:
            p_model = None if probas is None else probas[coded]
            for i, res, numbers in zip(coded, results, self._shares(results, p_model)):
                out[i] = self._decide(res, *numbers, rows[i])
        return out  # type: ignore[return-value]

    def _shares(self, results: list[RuleResult], proba: np.ndarray | None) -> Iterator[tuple]:
        """Per unit: the rule total, rule shares, model shares, blend (lists in rule-code order, None
        without a model) and the model's and the blend's best index and value.

        Each row is the arithmetic of one unit (row sums of a C-ordered matrix are the sums of
        its rows as 1-D arrays; the tests compare with units coded one by one).
        """
        sc, codes = self.scoring_, self.rules_.codes
        raw = np.array([[res.scores[c] for c in codes] for res in results], dtype=float)
        total = raw.sum(axis=1)
        prior = sc["prior"]
        p_rules = (raw + prior) / (total[:, None] + prior * len(codes))
        totals, rules_rows = total.tolist(), p_rules.tolist()
        if proba is None:
            for t, pr in zip(totals, rules_rows):
                yield t, pr, None, None, 0, 0.0, 0, 0.0
            return
        p_model = proba[:, self._rule_cols]
        if self.mode == "blend":    # the model-only baseline stays the model alone
            p_model = self._known_only(p_model, p_rules, codes)
        blended = sc["rules_weight"] * p_rules + (1 - sc["rules_weight"]) * p_model
        yield from zip(totals, rules_rows, p_model.tolist(), blended.tolist(),
                       p_model.argmax(axis=1).tolist(), p_model.max(axis=1).tolist(),
                       blended.argmax(axis=1).tolist(), blended.max(axis=1).tolist())

    def _decide(self, res: RuleResult, total: float, p_rules: list[float], p_model: list[float] | None,
                blended: list[float] | None, model_best: int, model_max: float, blend_best: int,
                blend_max: float, row: tuple[np.ndarray, np.ndarray] | None) -> dict[str, Any]:
        """One unit's code from its rule result and its shares (:meth:`_shares`)."""
        sc = self.scoring_
        codes = self.rules_.codes
        top, top_score, second = res.top()
        clear = top_score >= sc["clear_min_score"] and top_score >= sc["clear_ratio"] * max(second, 1e-9)
        if self.mode == "rules" or (self.mode == "blend" and clear) or p_model is None:
            if total <= 0:
                return {"domain": OTHER, "secondary_domains": "", "confidence": 0.1,
                        "evidence": "rules: no cue of any domain found", "level": self._level(OTHER, res)}
            domain, how = top, "rules"
            conf = p_rules[self._code_pos[top]]
            if blended is not None:
                conf = max(conf, blended[self._code_pos[top]])
        elif self.mode == "model" or total <= 0 or top_score <= sc["other_max_score"]:
            # no cue, or only one weak generic cue (统筹, 改革): as if nothing were coded
            domain, how = codes[model_best], "model"
            conf = model_max
            if total <= 0 or top_score <= sc["other_max_score"]:
                conf = min(conf, 0.4)   # nothing in the codebook supports it
                if self.mode == "blend" and conf < sc["other_max_proba"]:
                    # no cue and a model guess barely above chance: the task acts on no single area
                    feats = ", ".join(self._top_features(row, domain)) or "none"
                    return {"domain": OTHER, "secondary_domains": "", "confidence": round(conf, 3),
                            "evidence": f"model: no codebook cue (or one weak generic cue) and the model is near chance "
                                        f"(best {domain} p={conf:.2f} < {sc['other_max_proba']:g}; "
                                        f"features {feats}) → {OTHER}",
                            "level": self._level(OTHER, res)}
        else:
            domain, how = codes[blend_best], "blend"
            conf = blend_max
        secondary = self._secondary(domain, res)
        evidence = self._evidence(how, domain, res, p_rules, p_model, codes, row, clear)
        return {"domain": domain, "secondary_domains": ";".join(secondary),
                "confidence": round(min(max(conf, 0.0), 1.0), 3), "evidence": evidence,
                "level": self._level(domain, res)}

    def _known_only(self, p_model: np.ndarray, p_rules: np.ndarray, codes: list[str]) -> np.ndarray:
        """The model cannot vote on domains absent from its training data (``sport`` is not in the
        founding corpus): those get their rule share, the model's probabilities fill the rest
        (one unit per row)."""
        known = self._known
        if known.all():
            return p_model
        unknown_mass = p_rules[:, ~known].sum(axis=1)
        return np.where(known, p_model * (1.0 - unknown_mass)[:, None], p_rules)

    def _secondary(self, domain: str, res: RuleResult) -> list[str]:
        sc = self.scoring_
        top_score = max(res.scores.values())
        out: list[str] = []
        for d in res.forced_secondary:
            if d != domain and d not in out:
                out.append(d)
        threshold = max(sc["secondary_min"], sc["secondary_ratio"] * top_score)
        above = [(d, s) for d, s in res.scores.items() if s >= threshold and d != domain and d != OTHER]
        for d, _ in sorted(above, key=lambda kv: (-kv[1], kv[0])):    # strongest first
            if d not in out:
                out.append(d)
        return out[: int(sc["max_secondary"])]

    def _level(self, domain: str, res: RuleResult) -> str:
        ls = res.level_scores
        if domain in _LEVEL_DOMAINS:
            return domain
        if domain == "higher_lifelong":
            return "higher" if ls.get("higher", 0) > ls.get("lifelong", 0) else "lifelong"
        total = sum(ls.values())
        if total <= 0:
            return "cross_level"
        best = max(sorted(ls), key=lambda k: ls[k])
        if ls[best] >= 3 and ls[best] >= 0.6 * total:
            return best
        return "cross_level"

    def _evidence(self, how: str, domain: str, res: RuleResult, p_rules: np.ndarray,
                  p_model: np.ndarray | None, codes: list[str], row: tuple[np.ndarray, np.ndarray] | None,
                  clear: bool) -> str:
        def cue_list(items: list[tuple[str, int, float]], k: int) -> str:
            return ", ".join(f"{t}(×{n})" if n > 1 else t for t, n, _ in items[:k])

        head, body = self.rules_.contributions(res, domain)
        parts = []
        if head:
            parts.append("heading " + cue_list(head, 4))
        if body:
            parts.append("body " + cue_list(body, 5))
        cues = "; ".join(parts) if parts else f"no cue for {domain}"
        score = res.scores.get(domain, 0.0)
        notes = ("; " + "; ".join(res.notes)) if res.notes else ""
        if how == "rules":
            top, top_score, second = res.top()
            return f"rules: {cues} (score {score:g} vs next {second:g}){notes}"
        feats = ", ".join(self._top_features(row, domain)) or "none"
        pm = float(p_model[self._code_pos[domain]]) if p_model is not None else 0.0
        if how == "model":
            extra = f"; cues {cues}" if parts else "; no codebook cue found"
            return f"model: p={pm:.2f}; top features {feats}{extra}"
        top = res.top()[0]
        pr = float(p_rules[self._code_pos[domain]])
        rule_view = "" if top == domain else f"; rules favoured {top}"
        return (f"blend: rules p={pr:.2f} ({cues}) + model p={pm:.2f} (features {feats}); "
                f"rules not clear{rule_view}{notes}")

    def transform(self, X: Any) -> pd.DataFrame:
        """``X`` with :data:`TAXONOMY_COLUMNS` added (other columns and the index pass through).

        ``X`` is a frame with ``heading`` and ``text`` (or ``body``, as in ``Plan.units``)
        columns, or a :class:`policylens.Plan` (its ``units`` are coded). A ``rules`` coder
        needs no fitting; a ``blend`` or ``model`` coder raises ``NotFittedError`` until fitted.
        """
        X = _as_frame(X)
        columns = self.code(_column(X, "heading"), _text_column(X))
        if not len(X):
            return self._added_slowly(X, columns)
        return _with_columns(X, columns)

    def code(self, headings: list[Any], texts: list[Any]) -> dict[str, Any]:
        """The :data:`TAXONOMY_COLUMNS` of units given as headings and texts (arrays, one row per unit;
        the text columns are pandas' ``str`` arrays). See :meth:`transform`."""
        if self.mode != "rules" and not hasattr(self, "model_"):
            raise NotFittedError(f"this TaskCoder (mode={self.mode!r}) is not fitted: call fit(X, y) first, "
                                 "or use mode='rules' or policylens.code_tasks (fitted on the founding corpus)")
        if not hasattr(self, "rules_"):
            self._setup()
        self._prepare_coding()
        use_model = self.mode != "rules"
        prepared = [split_heading(h, t, self.scoring_["max_derived_heading"]) for h, t in zip(headings, texts)]
        probas = features = None
        if use_model and prepared:
            mtexts = [_model_text(h, b, self.heading_repeat) for h, b in prepared]
            features = self._features(mtexts)
            probas = self._model_proba(mtexts, features)
        if features is not None:
            indptr, indices, data = features.indptr, features.indices, features.data
            rows = [(indices[lo:hi], data[lo:hi]) for lo, hi in zip(indptr[:-1].tolist(), indptr[1:].tolist())]
        else:
            rows = [None] * len(prepared)
        coded = self._code_batch(prepared, probas, rows)
        review_below = self.scoring_["review_below"]
        confidence = [row["confidence"] for row in coded]
        return {"domain": pd.array([row["domain"] for row in coded], dtype=_STR),
                "secondary_domains": pd.array([row["secondary_domains"] for row in coded], dtype=_STR),
                "confidence": np.array(confidence, dtype=np.float64),
                "evidence": pd.array([row["evidence"] for row in coded], dtype=_STR),
                "level": pd.array([row["level"] for row in coded], dtype=_STR),
                "needs_review": np.array([c < review_below for c in confidence], dtype=bool)}

    @staticmethod
    def _added_slowly(X: pd.DataFrame, columns: dict[str, Any]) -> pd.DataFrame:
        """``X`` with the coded columns assigned one by one (an empty frame: the dtypes pandas gives
        an empty coded frame)."""
        out = X.copy()
        coded = pd.DataFrame([], index=X.index, columns=list(TAXONOMY_COLUMNS))
        coded["needs_review"] = coded["needs_review"].astype(bool)
        for col in TAXONOMY_COLUMNS:
            out[col] = coded[col]
        return out

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        """Primary domain codes."""
        return self.transform(X)["domain"].to_numpy()


def _with_columns(X: pd.DataFrame, columns: dict[str, Any]) -> pd.DataFrame:
    """``X`` with ``columns`` set as by ``out[name] = values`` on a copy (a column of ``X`` keeps its
    place, a new one comes last), built in one step: assigning columns to a frame one by one
    costs more than coding a plan's few dozen units."""
    if not X.columns.is_unique or isinstance(X.columns, pd.MultiIndex):
        out = X.copy()
        for name, values in columns.items():
            out[name] = values
        return out
    names = list(X.columns)
    # a column's own values (a NumPy array, or its extension array) copied as X.copy() would
    arrays = [columns[name] if name in columns else column._values.copy() for name, column in X.items()]
    for name, values in columns.items():
        if name not in X.columns:
            names.append(name)
            arrays.append(values)
    return pd.DataFrame._from_arrays(arrays, columns=pd.Index(names, dtype=X.columns.dtype), index=X.index,
                                     verify_integrity=False)


# --------------------------------------------------------------------------- training data

def build_training_data(units: pd.DataFrame | None = None) -> pd.DataFrame:
    """Coded task/safeguard units with their body text, from the gold files.

    Uses :func:`policylens.gold.gold_unit_texts` (cleaned corpus text once
    ``policylens.corpus`` exists, else the raw files). Rows are in document order.
    """
    if units is None:
        from policylens.gold import gold_unit_texts

        units = gold_unit_texts()
    frame = units[units["kind"].isin(CODED_KINDS)].copy()
    frame = frame.sort_values(["doc_id", "seq"], kind="stable") if "seq" in frame else frame
    return frame[list(TRAINING_COLUMNS)].reset_index(drop=True)


def write_training_data(path: Path | str | None = None) -> Path:
    """Regenerate ``data/taxonomy_training.csv`` (run after the corpus stage changes)."""
    path = Path(path) if path is not None else TRAINING_PATH
    build_training_data().to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
    return path


def load_training_data(path: Path | str | None = None) -> pd.DataFrame:
    """The shipped training data (columns :data:`TRAINING_COLUMNS`)."""
    path = Path(path) if path is not None else TRAINING_PATH
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


@lru_cache(maxsize=1)
def default_coder() -> TaskCoder:
    """A :class:`TaskCoder` fitted on the shipped training data (once per process; the fitted
    model is kept in the project cache folder, see :mod:`policylens.taxonomy.modelcache`)."""
    train = load_training_data()
    return TaskCoder().fit_cached(train, train["domain"])
