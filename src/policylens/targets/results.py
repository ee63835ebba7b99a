"""Targets against results: what an earlier plan of a place committed to, and what a later one reports.

:func:`plan_quantities` gives the rows of ``quantities.csv`` for one plan (every quantity with its
status, unit path and deciding cue); :func:`targets_vs_results` pairs, for one place and one
canonical indicator, a ``target`` of an earlier plan with an ``achieved`` (or ``baseline``) value a
later plan of the same place reports for a year at or after the target year — or, when the target
has no year, for a year after the earlier plan started — and says whether the target was met.
"""
from __future__ import annotations

from typing import Any

import pandas as pd

from policylens.targets.records import _extract

#: Columns of :func:`targets_vs_results`.
RESULT_COLUMNS: dict[str, str] = {
    "place": "the place both plans belong to (city_zh of documents.csv)",
    "indicator_id": "canonical indicator (data/indicators.yaml)",
    "unit": "unit of both values",
    "target_doc": "the plan that set the target",
    "target_comparator": "comparator of the target (>=, <=, =, <, >, range)",
    "target_value": "target value (lower bound for a range)",
    "target_year": "year the target was for (<NA> when the plan gives none)",
    "target_quote": "the target's words",
    "reported_doc": "the later plan that reports the result",
    "reported_value": "the reported value",
    "reported_year": "year the result is for (<NA> when not stated)",
    "reported_status": "achieved (a reported result) or baseline (the status quo the later plan starts from)",
    "reported_quote": "the result's words",
    "met": "True when the reported value satisfies the target's comparator, False when not",
}


def plan_quantities(plan: Any, plan_year: int | None = None) -> pd.DataFrame:
    """``quantities.csv`` rows of one plan: doc_id, unit_path, then :data:`QUANTITY_COLUMNS`.

    ``plan`` is a :class:`policylens.Plan` (or any object with ``.text``, ``.units``, ``.meta``);
    ``plan_year`` as for :func:`policylens.targets.extract_targets`.
    """
    meta = getattr(plan, "meta", None) or {}
    return _extract(plan, plan_year, doc_id=str(meta.get("doc_id", "")))  # the columns in one frame


def _met(comparator: str, target: float, low: float, high: float, reported: float) -> bool:
    if comparator == "range":
        return bool(low <= reported <= high)
    if comparator in ("<=", "<"):
        return bool(reported <= target if comparator == "<=" else reported < target)
    if comparator == ">":
        return bool(reported > target)
    return bool(reported >= target)          # >= and a planned quantity (=) are met when reached


def targets_vs_results(quantities: pd.DataFrame, documents: pd.DataFrame, place: str = "city_zh") -> pd.DataFrame:
    """Pair each target of a plan with a result a later plan of the same place reports (columns :data:`RESULT_COLUMNS`).

    ``quantities`` has doc_id, indicator_id, status, value, value_low, value_high, unit,
    comparator, target_year and quote (``quantities.csv``, or ``extract_quantities`` output
    with a doc_id column); ``documents`` has doc_id, ``place`` and plan_start_year. Only
    rows with a canonical ``indicator_id`` and the same unit are paired; the later plan
    must start after the earlier one, and the reported year must be at or after the
    target year (when both are known). Of several reports the latest year is kept.
    An empty frame means the corpus holds no such pair.
    """
    columns = list(RESULT_COLUMNS)
    need = {"doc_id", "indicator_id", "status", "value", "unit", "comparator", "target_year", "quote"}
    if quantities.empty or not need.issubset(quantities.columns):
        return pd.DataFrame(columns=columns)
    docs = documents.set_index("doc_id")
    q = quantities[quantities["indicator_id"].fillna("").astype(str).ne("")].copy()
    q = q[q["doc_id"].isin(docs.index)]
    q["place"] = q["doc_id"].map(docs[place])
    q["start_year"] = q["doc_id"].map(docs["plan_start_year"]).astype(int)
    targets = q[q["status"] == "target"]
    reports = q[q["status"].isin(["achieved", "baseline"]) & q["value"].notna()]
    rows = []
    for t in targets.itertuples(index=False):
        later = reports[(reports["place"] == t.place) & (reports["indicator_id"] == t.indicator_id)
                        & (reports["unit"] == t.unit) & (reports["start_year"] > t.start_year)]
        if not pd.isna(t.target_year):
            later = later[later["target_year"].isna() | (later["target_year"] >= t.target_year)]
        if later.empty:
            continue
        r = later.sort_values(["target_year", "start_year"], na_position="first", kind="stable").iloc[-1]
        low = t.value_low if "value_low" in targets.columns else float("nan")
        high = t.value_high if "value_high" in targets.columns else float("nan")
        target_value = t.value if t.comparator != "range" else low
        rows.append({
            "place": t.place, "indicator_id": t.indicator_id, "unit": t.unit, "target_doc": t.doc_id,
            "target_comparator": t.comparator, "target_value": target_value, "target_year": t.target_year,
            "target_quote": t.quote, "reported_doc": r["doc_id"], "reported_value": r["value"],
            "reported_year": r["target_year"], "reported_status": r["status"], "reported_quote": r["quote"],
            "met": _met(t.comparator, target_value, low, high, float(r["value"])),
        })
    frame = pd.DataFrame(rows, columns=columns)
    for col in ("target_year", "reported_year"):
        frame[col] = pd.array(frame[col], dtype="Int64")
    return frame.sort_values(["place", "indicator_id", "target_doc"], kind="stable").reset_index(drop=True)
