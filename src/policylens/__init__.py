"""policylens: comparative analytics of Chinese city education plans.

Every document is read once as a :class:`Plan` (``document``: raw and cleaned
text, one offset map, outline units, sentences, metadata). The pipeline, one
module per stage: ``corpus`` (clean texts) → ``structure`` (outline units) →
``taxonomy`` (coded tasks) and ``targets`` (quantitative targets) → ``topics``
(topic clusters). The public entry points are importable
from the package; they load lazily so ``import policylens`` stays fast.
"""
from __future__ import annotations

import importlib

__version__ = "0.1.0"

_EXPORTS = {
    "clean_text": "policylens.corpus",
    "clean": "policylens.corpus",
    "load_corpus": "policylens.corpus",
    "read_raw": "policylens.corpus",
    "CorpusError": "policylens.corpus",
    "normalize": "policylens.normalize",
    "Plan": "policylens.document",
    "parse_plan": "policylens.structure",
    "code_tasks": "policylens.taxonomy",
    "extract_targets": "policylens.targets",
    "extract_quantities": "policylens.targets",
    "tokenize": "policylens.topics",
    "TopicModel": "policylens.topics",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'policylens' has no attribute {name!r}")
