"""The model's TF-IDF rows for a whole batch: character 1-2-gram counts in NumPy, weighting by scikit-learn.

:class:`TfidfVectorizer` counts n-grams with a Python loop over every n-gram of every text,
about a third of the coder's time per unit. :class:`CharGramCounter` counts the same
n-grams of a whole batch at once: the texts' code points in one array, each unigram and each
bigram within a text as one integer key, looked up in a hash table of the keys of the
fitted vocabulary. The count matrix is the one the vectorizer builds (same rows, sorted columns,
float counts), weighted and normalized with the vectorizer's own idf and scikit-learn's
row normalization, so the rows are identical (the tests compare them value for value);
:func:`class_proba` is the classifier's ``predict_proba`` on them without its input checks.
Only the configuration the coder uses is supported (``analyzer="char"``, ``ngram_range=(1, 2)``,
default preprocessing, counts not binary); :func:`tfidf_rows` falls back to the vectorizer
otherwise.
"""
from __future__ import annotations

import re
from typing import Any

import numpy as np
import scipy.sparse as sp

_WHITE_SPACES = re.compile(r"\s\s+")     # the vectorizer's own whitespace folding for char n-grams
_SHIFT = 21                               # code points are < 2**21: a bigram key is c1 << 21 | c2
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)   # 2**64 / golden ratio, odd


def _supported(vectorizer: Any) -> bool:
    return (vectorizer.analyzer == "char" and tuple(vectorizer.ngram_range) == (1, 2)
            and vectorizer.preprocessor is None and not vectorizer.strip_accents and vectorizer.input == "content"
            and not vectorizer.binary and vectorizer.dtype == np.float64 and hasattr(vectorizer, "vocabulary_"))


class CharGramCounter:
    """Character 1-2-gram counts of a batch of texts over a fitted vectorizer's vocabulary."""

    def __init__(self, vocabulary: dict[str, int]):
        keys = np.empty(len(vocabulary), dtype=np.int64)
        cols = np.empty(len(vocabulary), dtype=np.int64)
        for i, (term, col) in enumerate(vocabulary.items()):
            if len(term) == 1:
                keys[i] = ord(term)
            elif len(term) == 2:
                keys[i] = (ord(term[0]) << _SHIFT) | ord(term[1])
            else:
                raise ValueError(f"not a character 1-2-gram vocabulary: {term!r}")
            cols[i] = col
        self.n_features = len(vocabulary)
        # an open-addressing hash table of the keys (at most a quarter full, linear probing):
        # one probe finds most keys, where a binary search takes ~14 steps
        bits = max(int(4 * len(keys)).bit_length(), 4)
        self._mask, self._shift = (1 << bits) - 1, np.uint64(64 - bits)
        table_keys, table_cols = [-1] * (1 << bits), [0] * (1 << bits)
        for key, col, slot in zip(keys.tolist(), cols.tolist(), self._slots(keys).tolist()):
            while table_keys[slot] != -1:
                slot = (slot + 1) & self._mask
            table_keys[slot], table_cols[slot] = key, col
        self._table_keys = np.array(table_keys, dtype=np.int64)
        self._table_cols = np.array(table_cols, dtype=np.int64)

    def _slots(self, keys: np.ndarray) -> np.ndarray:
        """Home slot of each key (Fibonacci hashing: the top bits of key × 2⁶⁴/φ)."""
        return ((keys.astype(np.uint64) * _GOLDEN) >> self._shift).astype(np.intp)

    def columns(self, keys: np.ndarray) -> np.ndarray:
        """The vocabulary column of each n-gram key, -1 for a key not in the vocabulary."""
        cols = np.full(len(keys), -1, dtype=np.int64)
        todo = np.arange(len(keys))
        slot = self._slots(keys)
        while len(todo):
            held = self._table_keys[slot]
            hit = held == keys[todo]
            cols[todo[hit]] = self._table_cols[slot[hit]]
            probe = ~hit & (held != -1)            # another key here: try the next slot
            todo, slot = todo[probe], (slot[probe] + 1) & self._mask
        return cols

    def counts(self, texts: list[str], lowercase: bool = True) -> sp.csr_array:
        """The count matrix (rows = texts, float64, sorted column indices)."""
        docs = [_WHITE_SPACES.sub(" ", t.lower() if lowercase else t) for t in texts]
        lengths = np.fromiter(map(len, docs), dtype=np.int64, count=len(docs))
        points = np.frombuffer("".join(docs).encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
        doc_of = np.repeat(np.arange(len(docs), dtype=np.int64), lengths)
        inside = doc_of[:-1] == doc_of[1:]               # bigrams never span two texts
        keys = np.concatenate([points, (points[:-1][inside] << _SHIFT) | points[1:][inside]])
        rows = np.concatenate([doc_of, doc_of[:-1][inside]])
        cols = self.columns(keys)
        found = cols >= 0
        # one (row, column) cell per distinct key: sorted by row, then column, with its count
        cells, counts = np.unique(rows[found] * self.n_features + cols[found], return_counts=True)
        index = np.int32 if max(len(cells), self.n_features) < np.iinfo(np.int32).max else np.int64
        indptr = np.zeros(len(docs) + 1, dtype=index)
        np.cumsum(np.bincount(cells // max(self.n_features, 1), minlength=len(docs)), out=indptr[1:])
        return sp.csr_array((counts.astype(np.float64), (cells % max(self.n_features, 1)).astype(index), indptr),
                            shape=(len(docs), self.n_features))


def tfidf_rows(vectorizer: Any, texts: list[str], counter: CharGramCounter | None) -> Any:
    """``vectorizer.transform(texts)``, counted by ``counter`` when the vectorizer's setup allows it.

    The weighting is the vectorizer's (:meth:`TfidfTransformer.transform`: sublinear tf,
    times idf, rows scaled to unit length) without re-checking its own count matrix, which
    costs more than the arithmetic for a plan's few dozen units.
    """
    if counter is None or not texts or not _supported(vectorizer):
        return vectorizer.transform(texts)
    from sklearn.preprocessing import normalize
    from sklearn.utils.sparsefuncs_fast import inplace_csr_row_normalize_l2

    matrix = counter.counts(texts, vectorizer.lowercase)
    data = matrix.data
    if vectorizer.sublinear_tf:
        np.log(data, data)
        data += 1.0
    if vectorizer.use_idf:
        data *= vectorizer.idf_[matrix.indices]
    if vectorizer.norm == "l2":
        inplace_csr_row_normalize_l2(matrix)    # what normalize does after re-checking the matrix
    elif vectorizer.norm is not None:
        matrix = normalize(matrix, norm=vectorizer.norm, copy=False)
    return matrix


def class_proba(model: Any, features: Any) -> np.ndarray:
    """``model.predict_proba(features)`` of a fitted multinomial logistic regression, without
    re-validating the TF-IDF rows: the softmax of ``features @ coef_.T + intercept_`` with
    scikit-learn's own helpers (two classes: the model's own method)."""
    if len(model.classes_) <= 2:
        return model.predict_proba(features)
    from sklearn.utils.extmath import safe_sparse_dot, softmax

    return softmax(safe_sparse_dot(features, model.coef_.T, dense_output=True) + model.intercept_, copy=False)


def counter_for(vectorizer: Any) -> CharGramCounter | None:
    """A :class:`CharGramCounter` for a fitted vectorizer, or None when its setup is not supported."""
    if not _supported(vectorizer):
        return None
    try:
        return CharGramCounter(vectorizer.vocabulary_)
    except ValueError:
        return None
