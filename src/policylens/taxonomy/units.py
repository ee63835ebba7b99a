"""Coding a plan's units: every unit gets a domain; tasks, work items, review flags and thin plans.

* :func:`code_tasks` codes task-like units (a frame or a :class:`policylens.Plan`).
* :func:`code_units` codes *every* unit of a plan (goals, requirements and preambles too) and
  marks with ``priority_unit`` the units that priority comparisons count: task and safeguard
  units, and numbered work items under a goal heading (:func:`is_work_item`).
* :func:`too_few_tasks` flags plans with fewer than three coded tasks (their shares are not
  comparable: one coded paragraph would show as a 100% share).
* :func:`review_share` reports the share of codes a person should check (``needs_review``).
"""
from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

from policylens.taxonomy.codebook import codebook
from policylens.taxonomy.text import CODED_KINDS, _as_frame, _clean, _column, _strip_number, _text_column

#: Column :func:`code_units` adds besides the :data:`TAXONOMY_COLUMNS`.
PRIORITY_COLUMN = ("priority_unit", "True when the unit counts in priority comparisons: a task or safeguard "
                   "unit, or a numbered work item (verb first, no number) under a goal heading")
#: A plan needs at least this many coded tasks for its domain shares to be shown.
MIN_TASKS = 3

_DIGIT = re.compile(r"[0-9%％０-９]|[一二三四五六七八九十百千万两]+(?:个|所|万|亿|名|人|项|%|成)")


def code_tasks(units: Any) -> pd.DataFrame:
    """Code units: add ``domain``, ``secondary_domains``, ``confidence``, ``evidence``, ``level``, ``needs_review``.

    ``units`` is a :class:`policylens.Plan` (its ``units``) or any frame with ``heading`` and
    ``text`` or ``body`` columns (from the structure stage, or scraped from another plan);
    text is normalized internally. Other columns and the index pass through unchanged. It
    codes every row it is given: select the task units first, or use :func:`code_units`.
    """
    from policylens.taxonomy.coder import default_coder  # scikit-learn loads when coding starts

    return default_coder().transform(units)


def is_work_item(heading: Any, text: Any, path: Any = None) -> bool:
    """Whether a goal-section unit is a numbered work item: opens with a work verb, states no number.

    Goal sections of county work plans often list work items (``推进城乡义务教育一体化发展``)
    instead of targets; those are coded like tasks. A numbered item has a path below a
    section (``二/3``); a unit stating a number (``入园率达到90%``) is a target, not a work item.
    """
    if path is not None and str(path) and "/" not in str(path):
        return False
    rules = codebook().rules
    verbs, adverbs = tuple(rules["work_item_verbs"]), tuple(rules["work_item_adverbs"])
    head = _strip_number(_clean(heading))
    body = _strip_number(_clean(text))
    first = head or body
    for _ in range(2):              # 进一步全面提升… : up to two adverbs before the verb
        adverb = next((a for a in adverbs if first.startswith(a)), "")
        first = first[len(adverb):]
    if not first.startswith(verbs):
        return False
    return _DIGIT.search(body or head) is None


def code_units(units: Any) -> pd.DataFrame:
    """Every unit coded (all kinds), plus ``priority_unit`` (what priority comparisons count).

    Requirements, goals and preambles get a domain too, so a plan whose work items sit under
    a goal heading is not reduced to its one coded paragraph. Rows and columns pass through.
    """
    frame = _as_frame(units)
    coded = code_tasks(frame)
    n = len(frame)
    kinds = frame["kind"].astype(str).tolist() if "kind" in frame.columns else ["task"] * n
    paths = list(frame["path"]) if "path" in frame.columns else [None] * n
    priority = priority_units(kinds, _column(frame, "heading"), _text_column(frame), paths)
    coded[PRIORITY_COLUMN[0]] = pd.Series(priority, index=frame.index, dtype=bool)
    return coded


def priority_units(kinds: list[str], headings: list[Any], texts: list[Any], paths: list[Any]) -> list[bool]:
    """Per unit, whether priority comparisons count it (``priority_unit`` of :func:`code_units`)."""
    return [kind in CODED_KINDS or (kind == "goal" and is_work_item(h, t, p))
            for kind, h, t, p in zip(kinds, headings, texts, paths)]


def code_priority_units(kinds: list[str], headings: list[Any], texts: list[Any],
                        paths: list[Any]) -> tuple[np.ndarray, dict[str, Any]]:
    """The positions of the priority units (:func:`priority_units`) and their coded
    :data:`TAXONOMY_COLUMNS` (:meth:`TaskCoder.code`): the priority rows of :func:`code_units`
    without coding the other units (a unit's code does not depend on the others)."""
    from policylens.taxonomy.coder import default_coder

    keep = np.flatnonzero(np.array(priority_units(kinds, headings, texts, paths), dtype=bool))
    return keep, default_coder().code([headings[i] for i in keep], [texts[i] for i in keep])


def _priority_rows(tasks: pd.DataFrame) -> pd.DataFrame:
    if "priority_unit" in tasks.columns:
        return tasks[tasks["priority_unit"].astype(bool)]
    if "kind" in tasks.columns:
        return tasks[tasks["kind"].isin(CODED_KINDS)]
    return tasks


def too_few_tasks(tasks: pd.DataFrame, min_tasks: int = MIN_TASKS) -> pd.Series:
    """Per plan (``doc_id``), True when it has fewer than ``min_tasks`` coded task units.

    Counts ``priority_unit`` rows when present (else task/safeguard kinds) with a domain
    other than ``other``. Index: doc_id (sorted; ``""`` for a frame without ``doc_id``).
    """
    rows = _priority_rows(tasks)
    if "domain" in rows.columns:
        rows = rows[rows["domain"].fillna("").ne("") & rows["domain"].ne("other")]
    docs = tasks["doc_id"] if "doc_id" in tasks.columns else pd.Series("", index=tasks.index)
    keys = rows["doc_id"] if "doc_id" in rows.columns else pd.Series("", index=rows.index)
    counts = keys.value_counts().reindex(sorted(set(docs)), fill_value=0)
    out = counts < min_tasks
    out.index.name, out.name = "doc_id", "too_few_tasks"
    return out


def review_share(tasks: pd.DataFrame, by: str | None = None) -> float | pd.Series:
    """Share of coded units flagged ``needs_review`` (overall, or per value of column ``by``)."""
    flags = tasks["needs_review"].astype(bool)
    if by is None:
        return float(flags.mean()) if len(flags) else 0.0
    return flags.groupby(tasks[by]).mean().rename("review_share")


def review_list(tasks: pd.DataFrame) -> pd.DataFrame:
    """The codes a person should check, least confident first (ties in input order)."""
    flagged = tasks[tasks["needs_review"].astype(bool)]
    return flagged.sort_values("confidence", kind="stable")
