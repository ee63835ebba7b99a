"""Common task taxonomy: code every unit of every plan into one set of policy domains.

The codebook (``data/taxonomy.yaml``, prose in ``data/external/taxonomy.md``) defines
19 bilingual domains with weighted cue terms, boundary rules and a second facet,
the education ``level``; it is validated by pydantic models at load
(:mod:`policylens.taxonomy.codebook`). :class:`TaskCoder` combines

* transparent **cue rules** (:mod:`policylens.taxonomy.rules`): cue weights summed per domain,
  a cue in the heading counting ``heading_weight`` times a body cue, plus the codebook's
  recurring decisions as rule logic (building for one level → that level with
  ``infrastructure`` secondary; higher vocational colleges → ``vocational``; staff
  development for one level → ``teachers``; 双减 in-school vs training-sector side;
  admission/exam systems → ``governance``; school sport → ``whole_person``; the heading
  breaks near-ties);
* a **model**: character n-gram TF-IDF + logistic regression trained on the coded
  founding corpus (``data/taxonomy_training.csv``).

The rules decide alone when they are clear (enough cue weight and a clear margin);
otherwise the rule shares and the model probabilities are blended. With no cue
at all and a model guess barely above chance the task is ``other``; ``other`` also
scores by rule when the codebook gives it positive cues (the bureau's duties outside
education: 驻村, 文明城市 ...), but is never a secondary domain. (On items
where the rules are not clear, the rules' top domain was right far more often
than the model's -- 0.88 vs 0.41 on the external development set -- so the
model stays a tie-breaker rather than getting more say.) The ``evidence`` column
says which decided and on what; ``needs_review`` marks codes below the calibrated
confidence threshold ``scoring.review_below``.

Entry points (:mod:`policylens.taxonomy.units`): :func:`code_tasks` (a default coder
fitted on the shipped training data, its model kept in the project cache folder:
:mod:`policylens.taxonomy.modelcache`), :func:`code_units` (every unit of a plan,
with ``priority_unit``), :func:`too_few_tasks`, :func:`review_share`, :func:`review_list`.
Output columns are documented in :data:`TAXONOMY_COLUMNS`.
"""
from __future__ import annotations

import importlib
from typing import Any

# The codebook is light and its function ``codebook`` must shadow the submodule of the same name.
from policylens.taxonomy.codebook import (
    CODEBOOK_PATH,
    OTHER,
    Codebook,
    CodebookError,
    CodebookFile,
    Domain,
    Level,
    bilingual_label,
    codebook,
    domain_codes,
    levels_table,
    load_codebook,
    parse_codebook,
)

# The coder needs scikit-learn (about two seconds to import): its names load on first use, so
# ``from policylens.taxonomy import bilingual_label`` (figures, comparisons) stays fast.
_LAZY = {
    **dict.fromkeys(("TAXONOMY_COLUMNS", "TRAINING_COLUMNS", "TRAINING_PATH", "TaskCoder",
                     "build_training_data", "default_coder", "load_training_data", "write_training_data"),
                    "policylens.taxonomy.coder"),
    **dict.fromkeys(("CueMatcher", "CueRules", "RuleResult"), "policylens.taxonomy.rules"),
    **dict.fromkeys(("CODED_KINDS", "split_heading"), "policylens.taxonomy.text"),
    **dict.fromkeys(("MIN_TASKS", "PRIORITY_COLUMN", "code_tasks", "code_units", "is_work_item", "review_list",
                     "review_share", "too_few_tasks"), "policylens.taxonomy.units"),
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'policylens.taxonomy' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


__all__ = [
    "CODEBOOK_PATH", "CODED_KINDS", "MIN_TASKS", "OTHER", "PRIORITY_COLUMN", "TAXONOMY_COLUMNS",
    "TRAINING_COLUMNS", "TRAINING_PATH", "Codebook", "CodebookError", "CodebookFile", "CueMatcher", "CueRules", "Domain",
    "Level", "RuleResult", "TaskCoder", "bilingual_label", "build_training_data", "code_tasks", "code_units",
    "codebook", "default_coder", "domain_codes", "is_work_item", "levels_table", "load_codebook",
    "load_training_data", "parse_codebook", "review_list", "review_share", "split_heading", "too_few_tasks",
    "write_training_data",
]
