"""What a number reports rather than commits to: frames, baselines of a change, the past, the status quo, forecasts."""
from __future__ import annotations

import bisect
import re

from policylens.targets.numbers import (
    _CLAUSE_BREAKS,
    _SENTENCE_WINDOW,
    _Cand,
)
from policylens.targets.rules import (
    Rules,
)


def _same_clause(a: _Cand, b: _Cand) -> bool:
    """``b`` (after ``a``) stands in ``a``'s clause."""
    return b.clause_start <= a.nstart


def _drop_frames_and_baselines(t: str, cands: list[_Cand], rules: Rules) -> list[_Cand]:
    """Drop numbers that frame or start another target in their clause.

    - a deadline (N年内, 3个月内) followed by a quantity in the same clause is
      the time frame of that quantity (三年内新增学位1万个 → one record); a
      deadline standing alone (两年内建成) stays a target;
    - the baseline of a change (由2020年的82%提高到90%, 从88.5%提高到95%) is
      the status quo, not a target.
    """
    keep = []
    for k, c in enumerate(cands):
        nxt = cands[k + 1] if k + 1 < len(cands) else None
        if nxt is not None and _same_clause(c, nxt):
            if c.right_word in rules.frame_words and nxt.right_word not in rules.frame_words:
                continue                             # (1年内有效减轻、3年内成效显著: two deadlines)
            left = t[c.clause_start:c.nstart]
            if _is_horizon(t, c, nxt, left, rules):
                continue                             # 五年招聘特岗教师1.5万名: the years frame the count
            if (rules.baseline_from and any(ch in left for ch in rules.baseline_from)
                    and rules.baseline_to_re.match(t, c.rend, nxt.nstart)):
                continue
        keep.append(c)
    return keep


def _is_horizon(t: str, c: _Cand, nxt: _Cand, left: str, rules: Rules) -> bool:
    """A bare duration that opens a verb phrase whose quantity follows in the clause.

    三年新建、改扩建幼儿园15所, 五年招聘特岗教师1.5万名: the years are the plan
    horizon of the count, not a target (see ``horizon`` in target_rules.yaml).
    A duration with a comparator (不少于3年, 两年内) or a suffix (3年以上) stays.
    """
    if c.unit not in rules.horizon_units or c.value is None or c.right_word or c.approx:
        return False
    if nxt.nstart - c.nend > rules.horizon_gap or c.nend >= len(t):
        return False
    follow = t[c.nend]
    if not ("\u4e00" <= follow <= "\u9fff") or follow in rules.horizon_not_after:
        return False
    if any(ch in _CLAUSE_BREAKS for ch in t[c.nend:nxt.nstart]):
        return False
    stripped = left.rstrip()
    return not any(stripped.endswith(word) for word, _cmp, _adj in rules.left)


def _sentence_start(t: str, pos: int, stops: str = "。!?！？;；\n") -> int:
    lo = max(0, pos - _SENTENCE_WINDOW)
    for j in range(pos - 1, lo - 1, -1):
        if t[j] in stops:
            return j + 1
    return lo


def _retrospective_regions(t: str, rules: Rules) -> list[tuple[int, int]]:
    """Spans under a retrospective heading (2023年工作回顾, 发展基础, “十三五”成就 …).

    A region runs from the end of a short heading line that names a review
    to the next heading of the same or a higher level, or to the next short
    line that announces goals or tasks (目标, 任务, 要点 …).
    """
    regions: list[tuple[int, int]] = []
    open_at: int | None = None
    open_style = ""
    pos = 0
    for line in t.splitlines(keepends=True):
        stripped = line.strip()
        is_heading = 0 < len(stripped) <= 30 and "。" not in stripped
        style = ""
        if is_heading:
            if re.match(r"[一二三四五六七八九十]{1,3}、", stripped):
                style = "dun"
            elif re.match(r"[(（][一二三四五六七八九十]{1,3}[)）]", stripped):
                style = "paren"
        if open_at is not None and is_heading:
            ends = bool(rules.section_end_re.search(stripped)) or style == "dun" or (
                style == "paren" and open_style in ("paren", ""))
            if ends:
                regions.append((open_at, pos))
                open_at = None
        if open_at is None and is_heading and rules.retrospective_heading_re.search(stripped):
            open_at, open_style = pos + len(line), style
        pos += len(line)
    if open_at is not None:
        regions.append((open_at, len(t)))
    return regions


def _drop_past(t: str, cands: list[_Cand], rules: Rules, years: list[tuple[int, int, int]],
               plan_year: int | None, quoted: bytearray) -> list[_Cand]:
    """Drop numbers that report the past or the status quo, not a commitment.

    - clause cues (已认定…, 现有…, 共有…); 累计 only when no future cue or
      commitment word (到2025年累计…, 累计不少于…) stands with it;
    - sentence cues (…以来, 过去一年, 目前, 当前, 同比, 比上年 …) before the
      number, unless a future cue (力争, 到2025年, 计划, 年内 …) or 基础上
      follows the cue;
    - a sentence about an earlier year than the plan's (2023年,全市新建… in a
      2024 要点), unless a future cue follows the year;
    - everything under a retrospective heading (2023年工作回顾, 发展基础).
    """
    regions = _retrospective_regions(t, rules)
    keep = []
    r = 0
    for c in cands:
        while r < len(regions) and regions[r][1] <= c.nstart:
            r += 1
        if r < len(regions) and regions[r][0] <= c.nstart < regions[r][1]:
            continue
        clause = t[c.clause_start:c.nstart]
        if any(_last_cue(clause, cue, rules.conditional_before) >= 0 for cue in rules.achieved):
            continue
        s_lo = _sentence_start(t, c.nstart)
        sent = t[s_lo:c.nstart]
        if _forecast(sent, rules):
            continue
        # the future cue of 累计 may stand earlier in the full sentence, before a ;
        # (到2027年,…达到90%;累计新增名师200名)
        if any(cue in sent for cue in rules.achieved_unless_future) and not (
                rules.future_re.search(t, _sentence_start(t, c.nstart, stops="。!?！？\n"), c.nstart)
                or re.search(r"不少于|不低于|至少", clause)):
            continue
        if _retrospective_sentence(sent, rules):
            continue
        if plan_year is not None and _earlier_year_sentence(t, s_lo, c.nstart, years, plan_year, quoted, rules):
            continue
        if _retrospective_paragraph(t, s_lo, c.nstart, years, plan_year, quoted, rules):
            continue
        keep.append(c)
    return keep


def _retrospective_paragraph(t: str, s_lo: int, pos: int, years: list[tuple[int, int, int]],
                             plan_year: int | None, quoted: bytearray, rules: Rules) -> bool:
    """The paragraph opens with a review (2024年,全市教育工作取得新成效。…) and no
    future cue stands between that opening sentence and ``pos``."""
    lo = max(0, pos - 2 * _SENTENCE_WINDOW)
    nl = t.rfind("\n", lo, pos)
    p_lo = nl + 1 if nl >= 0 else lo
    if p_lo >= s_lo:
        return False                                  # the number stands in the opening sentence
    first_end = s_lo
    for j in range(p_lo, s_lo):
        if t[j] in "。!?！？":
            first_end = j + 1
            break
    opening = t[p_lo:first_end]
    past = bool(rules.retrospective_opener_re.search(opening)) or (
        plan_year is not None and _earlier_year_sentence(t, p_lo, first_end, years, plan_year, quoted, rules))
    if not past:
        return False
    after = t[first_end:pos]
    return not (rules.future_re.search(after) or any(w in after for w in rules.reset_cues))


def _last_cue(text: str, cue: str, conditional: str) -> int:
    """Last position of ``cue`` in ``text`` not directly after a conditional
    character (对获评…的团队给予奖励: 获评 states a condition), or -1."""
    k = text.rfind(cue)
    while k > 0 and conditional and text[k - 1] in conditional:
        k = text.rfind(cue, 0, k)
    return k


def _forecast(sent: str, rules: Rules) -> bool:
    """A demand forecast (预计2025年小学入学人数达到4.2万人), not a commitment."""
    last = None
    for m in rules.forecast_cue_re.finditer(sent):
        last = m
    return last is not None and bool(rules.forecast_subject_re.search(sent, last.end()))


def _retrospective_sentence(sent: str, rules: Rules) -> bool:
    best = -1
    for cue in rules.retrospective:
        k = _last_cue(sent, cue, rules.conditional_before)
        if k >= 0:
            best = max(best, k + len(cue))
    if best < 0:
        return False
    after = sent[best:]
    return not (rules.future_re.search(after) or any(w in after for w in rules.reset_cues))


def _earlier_year_sentence(t: str, lo: int, hi: int, years: list[tuple[int, int, int]], plan_year: int,
                           quoted: bytearray, rules: Rules) -> bool:
    """The sentence is anchored on a year before the plan year (2023年,全市… in a 2024 plan)."""
    k = bisect.bisect_left(years, (lo, -1, -1))
    anchor = -1
    while k < len(years) and years[k][0] < hi:
        ystart, yend, year = years[k]
        k += 1
        if any(quoted[ystart:yend]) or (ystart > 0 and t[ystart - 1] in "(（〔[到至较比由从在和与、—-"):
            continue
        if t.startswith(("基础", "的基础", "水平", "的水平", "为基", "底前", "前"), yend):
            continue
        if year < plan_year:
            anchor = yend
        elif year >= plan_year:
            anchor = -1
    if anchor < 0:
        return False
    after = t[anchor:hi]
    return not (rules.future_re.search(after) or any(w in after for w in rules.reset_cues))
