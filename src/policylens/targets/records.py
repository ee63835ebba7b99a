"""Records: candidates and table values to typed rows (:data:`TARGET_COLUMNS`)."""
from __future__ import annotations

import bisect
from typing import Any

import pandas as pd

from policylens.normalize import normalize
from policylens.targets.annotate import (
    _annotate,
    _carried_indicator_id,
    _clause_start,
    _drop_restated_headings,
    _right_comparator,
)
from policylens.targets.numbers import (
    _SENTENCE_WINDOW,
    _YEAR_RE,
    _build_mask,
    _Cand,
    _candidates,
)
from policylens.targets.past import (
    _drop_frames_and_baselines,
    _drop_past,
)
from policylens.targets.rules import (
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
}


def _sentence_year(t: str, pos: int, years: list[tuple[int, int, int]], quoted: bytearray) -> int | None:
    """Last year mentioned in the sentence before ``pos`` (outside titles/brackets)."""
    lo = pos - _SENTENCE_WINDOW
    for j in range(pos - 1, max(-1, lo - 1), -1):
        if t[j] in "。!?！？\n":
            lo = j + 1
            break
    lo = max(lo, 0)
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
def _empty() -> pd.DataFrame:
    frame = pd.DataFrame({c: pd.Series(dtype=object) for c in TARGET_COLUMNS})
    return _typed(frame)


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame[list(TARGET_COLUMNS)]
    frame = frame.astype({"start": "int64", "end": "int64", "value": "float64",
                          "value_low": "float64", "value_high": "float64"})
    frame["target_year"] = pd.array(frame["target_year"], dtype="Int64")
    return frame.reset_index(drop=True)


def extract_targets(text: str, plan_year: int | None = None) -> pd.DataFrame:
    """Every quantitative target of ``text`` as one row (columns: :data:`TARGET_COLUMNS`).

    ``plan_year`` is the year of an annual plan; it is the target year of every
    target whose sentence names no year. Offsets index ``text`` as given.
    Never raises on string input; linear in ``len(text)``.
    """
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    if not text:
        return _empty()
    rules = load_rules()
    norm = normalize(text)
    t = norm.text
    mask, quoted = _build_mask(t, rules)
    cands = _candidates(t, rules, mask, quoted)
    years = [(m.start(), m.end(), int(m.group(2) or m.group(1))) for m in _YEAR_RE.finditer(t)]
    table = _table_rows(t, rules, mask, quoted, cands)
    if not cands and not table:
        return _empty()
    for c in cands:
        _right_comparator(t, c, rules)
        c.clause_start = _clause_start(t, c.nstart)
    cands = _drop_frames_and_baselines(t, cands, rules)
    cands = _drop_past(t, cands, rules, years, plan_year, quoted)
    if not cands and not table:
        return _empty()
    if cands:
        _annotate(t, cands, rules, mask)
        cands = _drop_restated_headings(t, cands)
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
        })
    rows.sort(key=lambda r: r["start"])          # stable: list members keep their order
    frame = pd.DataFrame(rows, columns=list(TARGET_COLUMNS))
    return _typed(frame)


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
            else:
                rec[key] = val
        out.append(rec)
    return out
