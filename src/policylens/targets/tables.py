"""Flattened indicator tables (学前教育毛入园率(%) 88.6 92 预期性): targets in columns."""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from policylens.targets.numbers import (
    _Cand,
)
from policylens.targets.past import (
    _retrospective_regions,
)
from policylens.targets.rules import (
    Rules,
)


@dataclass
class _TableValue:
    qstart: int
    qend: int
    vstart: int
    value: float
    unit: str
    comparator: str
    indicator: str
    status: str = "target"
    cue: str = ""


_TABLE_VALUE = re.compile(r"([≥≤><]?)[ \t]{0,2}(\d+(?:\.\d+)?)")
_SIGN = {"≥": ">=", "≤": "<=", ">": ">", "<": "<", "": "="}


def _table_rows(t: str, rules: Rules, mask: bytearray, quoted: bytearray, cands: list[_Cand],
                regions: list[tuple[int, int, str]] | None = None) -> list[_TableValue]:
    """Values of flattened indicator tables (学前教育毛入园率(%) 88.6 92 预期性).

    See ``table_row`` in ``data/target_rules.yaml``: the first of several
    columns is the baseline (status ``baseline``), the others are targets; a lone
    value needs an attribute word (预期性/约束性). Values in a review section are
    ``achieved``. Numbers already read as candidates are skipped.
    """
    out: list[_TableValue] = []
    starts = sorted(c.nstart for c in cands)
    for m in rules.table_re.finditer(t):
        v_end = m.end("values")
        if not m.group("status") and v_end < len(t) and t[v_end] not in rules.table_end_chars:
            continue                                  # (%) 90 95% …: an ordinary candidate
        lab = m.start()
        lo = max(0, lab - rules.table_max_label)
        while lab > lo and t[lab - 1] not in rules.table_label_stops:
            lab -= 1
        label = t[lab:m.start()].strip()
        if len(label) < 2 or any(ch.isdigit() for ch in label[-1:]) or any(quoted[lab:v_end]):
            continue
        vals = [(m.start("values") + v.start(2), m.start("values") + v.end(2), v.group(1), float(v.group(2)))
                for v in _TABLE_VALUE.finditer(m.group("values"))]
        if len(vals) == 1 and not m.group("status"):
            continue
        unit = m.group("unit")
        mult = 1.0
        for word, factor in rules.multipliers.items():
            if unit.startswith(word) and len(unit) > len(word):
                mult, unit = factor, unit[len(word):]
                break
        if regions is None:
            regions = _retrospective_regions(t, rules)
        for j, (v_start, v_stop, sign, value) in enumerate(vals):
            if any(mask[v_start:v_stop]) or (unit == "年" and value >= 1000):
                continue
            k = bisect.bisect_left(starts, v_start)
            if k < len(starts) and starts[k] < v_stop:
                continue
            status, cue = "target", ""
            review = next((r for r in regions if r[0] <= v_start < r[1]), None)
            if review is not None:
                status, cue = "achieved", review[2]
            elif j == 0 and len(vals) > 1:
                status, cue = "baseline", "first table column"
            q_start = lab if status == "target" or j == 0 else v_start
            out.append(_TableValue(q_start, v_stop, v_start, value * mult, unit, _SIGN.get(sign, "="), label,
                                   status, cue))
    return out
