"""The fitted default coder's model, kept in the project cache folder so a build does not refit it.

Fitting the logistic regression of :func:`policylens.taxonomy.default_coder` takes 1.5-2.5 s;
every build and every notebook kernel needs it. The fitted arrays (the TF-IDF vocabulary and
idf weights, the classifier's classes, coefficients and intercepts) are written to
``<root>/.cache/taxonomy-model-<key>.npz`` (``config.CACHE``, gitignored) and read back on the
next start. As with jieba's cache (:mod:`policylens.tokens`):

* the **key** hashes everything the model depends on: the model input texts and labels
  themselves (so the training file, the codebook's heading rule and the text normalization
  are all in it), the coder's parameters, the vectorizer's and classifier's parameters, the
  codebook's domain codes, the source of :mod:`policylens.taxonomy.coder` (the fitting
  procedure), and the versions of Python, NumPy, SciPy and scikit-learn and the machine type;
* the file is **plain arrays** (``numpy.load(allow_pickle=False)``), so a planted file cannot
  run code; it must carry its own key and consistent shapes, else it is ignored;
* it is written **atomically** (:func:`policylens.files.write_bytes_atomic`), and only after
  the arrays, restored into fresh estimators, gave exactly the fitted model's probabilities
  on the training texts;
* a missing, corrupt, foreign or unreadable file, or a read-only folder, means fitting as
  before: the cache can make the start faster, never the results different.
"""
from __future__ import annotations

import hashlib
import io
import json
import platform
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

#: Bump when the layout of the cached arrays changes.
FORMAT = 1
PREFIX = "taxonomy-model-"


def model_key(*parts: Any) -> str:
    """sha256 of the parts (canonical JSON, length-prefixed) and of the library versions."""
    import scipy
    import sklearn

    versions = {"format": FORMAT, "python": sys.version.split()[0], "machine": platform.machine(),
                "numpy": np.__version__, "scipy": scipy.__version__, "scikit-learn": sklearn.__version__}
    h = hashlib.sha256()
    for part in (versions, *parts):
        data = part if isinstance(part, bytes) else json.dumps(part, sort_keys=True, default=str,
                                                               ensure_ascii=False).encode("utf-8")
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


def model_path(folder: Path, key: str) -> Path:
    """Where the model with this key is kept."""
    return Path(folder) / f"{PREFIX}{key[:32]}.npz"


def _arrays(key: str, vectorizer: Any, model: Any) -> dict[str, np.ndarray]:
    terms = vectorizer.get_feature_names_out().astype(str)
    return {"key": np.array(key), "terms": terms, "idf": np.asarray(vectorizer.idf_, dtype=np.float64),
            "classes": np.asarray(model.classes_).astype(str), "coef": np.asarray(model.coef_, dtype=np.float64),
            "intercept": np.asarray(model.intercept_, dtype=np.float64)}


def _restore(arrays: dict[str, np.ndarray], key: str, vectorizer: Any, model: Any) -> bool:
    """Set the fitted attributes of fresh (unfitted) estimators from the arrays; False when they do
    not belong to ``key`` or are inconsistent."""
    try:
        terms, idf, classes = arrays["terms"], arrays["idf"], arrays["classes"]
        coef, intercept = arrays["coef"], arrays["intercept"]
        if str(arrays["key"]) != key:
            return False
    except (KeyError, ValueError, TypeError):
        return False
    n = len(terms)
    rows = 1 if len(classes) == 2 else len(classes)
    if (terms.dtype.kind != "U" or classes.dtype.kind != "U" or idf.dtype != np.float64
            or coef.dtype != np.float64 or intercept.dtype != np.float64
            or idf.shape != (n,) or coef.shape != (rows, n) or intercept.shape != (rows,) or len(classes) < 2
            or len(set(terms.tolist())) != n or not (np.isfinite(idf).all() and np.isfinite(coef).all()
                                                    and np.isfinite(intercept).all())):
        return False
    vectorizer.vocabulary_ = {t: i for i, t in enumerate(terms.tolist())}
    vectorizer.fixed_vocabulary_ = False
    vectorizer.idf_ = idf
    model.classes_ = classes
    model.coef_ = coef
    model.intercept_ = intercept
    model.n_features_in_ = n
    return True


def load(path: Path, key: str, vectorizer: Any, model: Any) -> bool:
    """Restore the cached model for ``key`` into fresh estimators; False (and nothing set) when
    there is no usable file."""
    try:
        with np.load(path, allow_pickle=False) as npz:
            arrays = {name: npz[name] for name in npz.files}
        return _restore(arrays, key, vectorizer, model)
    except Exception:  # missing, truncated, not a zip, bad deflate stream, object arrays...: refit
        return False


def store(path: Path, key: str, vectorizer: Any, model: Any, fresh: Callable[[], tuple[Any, Any]],
          texts: Sequence[str]) -> bool:
    """Write the fitted model for ``key`` if the arrays restore it exactly (same probabilities on
    ``texts``); False when not written (check failed, or the folder is not writable)."""
    from policylens.files import write_bytes_atomic

    arrays = _arrays(key, vectorizer, model)
    vec2, model2 = fresh()
    if not _restore(arrays, key, vec2, model2):
        return False
    expected = model.predict_proba(vectorizer.transform(texts))
    if not np.array_equal(model2.predict_proba(vec2.transform(texts)), expected):
        return False
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    try:
        write_bytes_atomic(buffer.getvalue(), path)
    except OSError:
        return False
    return True
