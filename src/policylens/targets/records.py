"""Records: candidates and table values to typed rows (:data:`TARGET_COLUMNS`)."""
from __future__ import annotations

import bisect
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from policylens import regexscan
from policylens.normalize import normalize
from policylens.outline import inline_breaks
from policylens.targets.annotate import (
    _annotate,
    _carried_indicator_id,
    _clause_start,
    _drop_restated_headings,
    _expand_shared_lists,
    _right_comparator,
)
from policylens.targets.numbers import (
    _SENTENCE_WINDOW,
    _YEAR_RE,
    _YEAR_SCAN,
    _build_mask,
    _Cand,
    _candidates,
)
from policylens.targets.past import (
    _classify_past,
    _drop_frames_and_baselines,
    plan_regions,
)
from policylens.targets.rules import (
    Rules,
    indicator_id_for,
    load_rules,
)
from policylens.targets.tables import (
    _table_rows,
)

#: Output schema: column name → meaning. One row per target, in text order.
TARGET_COLUMNS: dict[str, str] = {
    "quote": "exact substring of the input text that states the target (text[start:end])",
    "start": "character offset of the quote in the input text",
    "end": "end offset (exclusive) of the quote in the input text",
    "indicator": "what is measured, in the plan's words (e.g. 学前三年幼儿入园率, 新建公办幼儿园)",
    "indicator_id": "canonical indicator id from data/indicators.yaml, or None",
    "value": "normalized number (万/亿 multiplied out, money in 元); NaN for a range",
    "value_low": "lower bound of a range (1-2所), else NaN",
    "value_high": "upper bound of a range, else NaN",
    "unit": "counting word: %, 所, 个, 名, 人, 元, 台, 平方米, 亩, 学时, 项, 次, 场, 期, 年, 节, 家 …",
    "comparator": "one of >=, <=, =, <, >, range",
    "target_year": "year the target is for (from the text, else plan_year), or <NA>",
    "status": "target (a commitment); extract_quantities also gives achieved, baseline and forecast",
    "approx": "True when the number is approximate (约, 近, 左右, 余, 多, 几)",
}

#: :func:`extract_quantities` columns: the target columns, the unit path (plan input) and the deciding cue.
QUANTITY_COLUMNS: dict[str, str] = {
    **TARGET_COLUMNS,
    "status": "target (a commitment: 达到, 力争, 新建 …, a bare planned quantity), achieved (a reported "
              "result: 已, 建成了, 截至, 上半年, a past year), baseline (the status quo: 现有, 目前, 共有, the "
              "start of a change) or forecast (预计 + a demographic subject)",
    "cue": "the words that decided a status other than target ('' for a target)",
}


_SENTENCE_STOPS = "。!?！？\n"


def _sentence_year(t: str, pos: int, years: list[tuple[int, int, int]], quoted: bytearray) -> int | None:
    """Last year mentioned in the sentence before ``pos`` (outside titles/brackets)."""
    lo = max(pos - _SENTENCE_WINDOW, 0)
    stop = max(t.rfind(ch, lo, pos) for ch in _SENTENCE_STOPS)  # the sentence's start within the window
    if stop >= 0:
        lo = stop + 1
    k = bisect.bisect_left(years, (lo, -1, -1))
    found = None
    while k < len(years) and years[k][0] < pos:
        ystart, yend, year = years[k]
        inside_brackets = any(quoted[ystart:yend]) or (
            ystart > 0 and t[max(0, ystart - 1)] in "(（" )
        if not inside_brackets:
            found = year
        k += 1
    return found


# --------------------------------------------------------------------------- main
_INT_COLUMNS = frozenset({"start", "end"})
_FLOAT_COLUMNS = frozenset({"value", "value_low", "value_high"})


def _typed(rows: list[dict[str, Any]], unit_paths: list[str] | None, doc_id: str | None = None) -> pd.DataFrame:
    """The rows as a typed frame (column by column: a frame per plan is built in every build, so no ``astype``).

    With ``doc_id``: ``quantities.csv`` rows, doc_id and unit_path ('' without paths) first, built in one go.
    """
    if not rows:  # most short texts state no quantity: a copy of the one empty frame
        found = _empty_typed(unit_paths is not None).copy()
        if doc_id is None:
            return found
        if "unit_path" not in found.columns:
            found.insert(0, "unit_path", "")
        found.insert(0, "doc_id", doc_id)
        return found[["doc_id", "unit_path", *QUANTITY_COLUMNS]].reset_index(drop=True)
    return _build_typed(rows, unit_paths, doc_id)


@lru_cache(maxsize=2)
def _empty_typed(with_paths: bool) -> pd.DataFrame:
    return _build_typed([], [] if with_paths else None)


def _build_typed(rows: list[dict[str, Any]], unit_paths: list[str] | None, doc_id: str | None = None) -> pd.DataFrame:
    data: dict[str, Any] = {}
    if doc_id is not None:  # lists: pandas infers the str dtype, as when the column is inserted
        data["doc_id"] = [doc_id] * len(rows)
        data["unit_path"] = unit_paths if unit_paths is not None else [""] * len(rows)
    elif unit_paths is not None:
        data["unit_path"] = unit_paths
    for name in QUANTITY_COLUMNS:
        values = [r[name] for r in rows]
        if name in _INT_COLUMNS:
            data[name] = np.array(values, dtype=np.int64)
        elif name in _FLOAT_COLUMNS:
            data[name] = np.array(values, dtype=np.float64)  # None → NaN
        elif name == "approx":
            data[name] = np.array(values, dtype=bool)
        elif name == "target_year":
            data[name] = pd.array(values, dtype="Int64")
        else:
            data[name] = pd.Index(values, dtype=object)  # object, not inferred str (cheaper than a Series)
    return pd.DataFrame(data)


def _plan_input(text_or_plan: Any, plan_year: int | None) -> tuple[str, int | None, Any]:
    """(text, plan year, outline units or None) of a string or a Plan-like object.

    A Plan-like object has ``.text`` and optionally ``.units`` (columns path, kind, start,
    end) and ``.meta`` (its manifest row: ``doc_type`` and ``plan_start_year`` give the
    year of a one-year plan when ``plan_year`` is not given).
    """
    if isinstance(text_or_plan, str):
        return text_or_plan, plan_year, None
    if text_or_plan is None:
        return "", plan_year, None
    text = getattr(text_or_plan, "text", None)
    if not isinstance(text, str):
        return str(text_or_plan), plan_year, None
    meta = getattr(text_or_plan, "meta", None) or {}
    if plan_year is None and meta.get("doc_type") not in (None, "", "multi_year_action_plan"):
        year = str(meta.get("plan_start_year", "")).strip()
        plan_year = int(year) if year.isdigit() else None
    try:
        units = getattr(text_or_plan, "units", None)
    except Exception:  # a Plan whose outline cannot be parsed still has targets
        units = None
    return text, plan_year, units


def _unit_paths(units: Any, starts: list[int]) -> list[str]:
    """Outline path of the unit each offset stands in (the innermost unit starting before it)."""
    if units is None or not {"path", "start", "end"}.issubset(getattr(units, "columns", ())) or len(units) == 0:
        return [""] * len(starts)
    u_starts = [int(x) for x in units["start"].tolist()]
    ordered = units
    if any(b < a for a, b in zip(u_starts, u_starts[1:])):  # an outline's units are in order: no sort then
        ordered = units.sort_values("start", kind="stable")
        u_starts = [int(x) for x in ordered["start"].tolist()]
    u_ends = [int(x) for x in ordered["end"].tolist()]
    paths = [str(p) for p in ordered["path"].tolist()]
    out = []
    for pos in starts:
        i = bisect.bisect_right(u_starts, pos) - 1
        out.append(paths[i] if i >= 0 and pos < u_ends[i] else "")
    return out


def _approx(t: str, c: _Cand, rules: Rules) -> bool:
    """约/近 directly before the number, 余/多/几 after it, or 左右 after the unit."""
    before = t[max(0, c.nstart - 2):c.nstart]
    return bool(c.approx) or c.right_word in rules.approx_after or before.endswith(rules.approx_before)


def _rows(text: str, norm: Any, t: str, cands: list[_Cand], table: list, years: list, quoted: bytearray,
          plan_year: int | None, rules: Rules) -> list[dict[str, Any]]:
    rows = []
    for tr in table:
        s, e = norm.to_source(tr.qstart, tr.qend)
        year = _sentence_year(t, tr.vstart, years, quoted)
        year = plan_year if year is None else year
        rows.append({
            "quote": text[s:e], "start": s, "end": e, "indicator": tr.indicator or None,
            "indicator_id": indicator_id_for(tr.indicator, tr.unit),
            "value": tr.value, "value_low": None, "value_high": None,
            "unit": tr.unit, "comparator": tr.comparator,
            "target_year": int(year) if year is not None else None,
            "status": tr.status, "approx": False, "cue": tr.cue,
        })
    prev: tuple[_Cand, str | None] | None = None
    for c in cands:
        s, e = norm.to_source(c.qstart, c.qend)
        year = _sentence_year(t, c.nstart, years, quoted)
        if year is None:
            year = plan_year
        ind_id = indicator_id_for(c.indicator, c.unit)
        if ind_id is None and prev is not None:
            ind_id = _carried_indicator_id(t, c, prev[0], prev[1])
        prev = (c, ind_id)
        rows.append({
            "quote": text[s:e], "start": s, "end": e,
            "indicator": c.indicator or None,
            "indicator_id": ind_id,
            "value": c.value, "value_low": c.low, "value_high": c.high,
            "unit": c.unit, "comparator": c.comparator,
            "target_year": int(year) if year is not None else None,
            "status": c.status, "approx": _approx(t, c, rules), "cue": c.cue,
        })
    return rows


def _extract(text_or_plan: Any, plan_year: int | None, doc_id: str | None = None) -> pd.DataFrame:
    """Every quantity of a text or plan, typed (with ``doc_id``: as ``quantities.csv`` rows)."""
    text, plan_year, units = _plan_input(text_or_plan, plan_year)
    rows: list[dict[str, Any]] = []
    if text:
        rows = _quantities(text, plan_year, units)
    rows.sort(key=lambda r: r["start"])          # stable: list members keep their order
    paths = _unit_paths(units, [int(r["start"]) for r in rows]) if units is not None else None
    return _typed(rows, paths, doc_id)


def _quantities(text: str, plan_year: int | None, units: Any) -> list[dict[str, Any]]:
    rules = load_rules()
    norm = normalize(text)
    t = norm.text
    mask, quoted = _build_mask(t, rules)
    cands = _candidates(t, rules, mask, quoted)
    years = [(m.start(), m.end(), int(m.group(2) or m.group(1))) for m in regexscan.finditer(_YEAR_RE, _YEAR_SCAN, t)]
    regions = plan_regions(units, rules) if units is not None else None
    table = _table_rows(t, rules, mask, quoted, cands, regions)
    if not cands and not table:
        return []
    items = inline_breaks(t)  # items run into the line before them: a clause never reaches across one
    for c in cands:
        _right_comparator(t, c, rules)
        c.clause_start = _clause_start(t, c.nstart, items)
    cands = _drop_frames_and_baselines(t, cands, rules)
    _classify_past(t, cands, rules, years, plan_year, quoted, regions)
    groups = [[c for c in cands if c.status == "target"], [c for c in cands if c.status != "target"]]
    kept: list[_Cand] = []
    for group in groups:
        if group:
            _annotate(t, group, rules, mask, items)
            kept += _expand_shared_lists(t, _drop_restated_headings(t, group))
    return _rows(text, norm, t, kept, table, years, quoted, plan_year, rules)


def extract_targets(text_or_plan: Any, plan_year: int | None = None) -> pd.DataFrame:
    """Every quantitative target of a text or plan as one row (columns: :data:`TARGET_COLUMNS`).

    ``text_or_plan`` is a string or a Plan-like object (``.text``, ``.units``, ``.meta``, e.g.
    :class:`policylens.Plan`): for a plan, review-of-the-past sections come from its outline
    units' ``kind`` and every row gets the ``unit_path`` it stands in (first column).
    ``plan_year`` is the year of an annual plan; it is the target year of every target whose
    sentence names no year. Offsets index the text as given. Only commitments
    (``status == "target"``) are returned; see :func:`extract_quantities` for every number.
    Never raises on string input; linear in the length of the text.
    """
    return targets_of(extract_quantities(text_or_plan, plan_year))


def targets_of(quantities: pd.DataFrame) -> pd.DataFrame:
    """The targets among :func:`extract_quantities` rows, as :func:`extract_targets` gives them.

    Targets and other quantities are found in one pass (each status group annotated on its
    own), so a build that writes both tables extracts once and takes the targets from here.
    """
    lead = [c for c in ("doc_id", "unit_path") if c in quantities.columns]
    found = quantities[quantities["status"] == "target"]
    return found[lead + list(TARGET_COLUMNS)].reset_index(drop=True)


def extract_quantities(text_or_plan: Any, plan_year: int | None = None) -> pd.DataFrame:
    """Every quantity of a text or plan with its ``status`` and deciding ``cue`` (:data:`QUANTITY_COLUMNS`).

    Targets (commitments) are the rows :func:`extract_targets` returns; the others report a
    result (``achieved``), the status quo (``baseline``) or an expectation (``forecast``), so
    that results can be set against earlier targets. Durations and spans, ages, ranks,
    years and annotations are not quantities. Never raises on string input; linear.
    """
    return _extract(text_or_plan, plan_year)


def records(text: str, plan_year: int | None = None) -> list[dict[str, Any]]:
    """:func:`extract_targets` as plain dicts (JSON-friendly: NaN/NA → None)."""
    out = []
    for row in extract_targets(text, plan_year).to_dict(orient="records"):
        rec: dict[str, Any] = {}
        for key, val in row.items():
            if val is None or val is pd.NA or (isinstance(val, float) and val != val):
                rec[key] = None
            elif key in ("start", "end", "target_year"):
                rec[key] = int(val)
            elif key in ("value", "value_low", "value_high"):
                rec[key] = float(val)
            elif key == "approx":
                rec[key] = bool(val)
            else:
                rec[key] = val
        out.append(rec)
    return out
