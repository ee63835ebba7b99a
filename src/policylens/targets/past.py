"""What a number reports rather than commits to: frames, baselines of a change, the past, the status quo, forecasts."""
from __future__ import annotations

import bisect
import re
from functools import lru_cache

from policylens.numerals import five_year_plan
from policylens.outline import RANK, match_marker, strip_marker
from policylens.targets.numbers import (
    _CLAUSE_BREAKS,
    _SENTENCE_WINDOW,
    _Cand,
)
from policylens.targets.rules import (
    Rules,
)

_OPENING_END = re.compile("[。!?！？]")      # the end of a paragraph's opening sentence


def _same_clause(a: _Cand, b: _Cand) -> bool:
    """``b`` (after ``a``) stands in ``a``'s clause."""
    return b.clause_start <= a.nstart


def _drop_frames_and_baselines(t: str, cands: list[_Cand], rules: Rules) -> list[_Cand]:
    """Drop numbers that frame or start another target in their clause.

    - a deadline (N年内, 3个月内) followed by a quantity in the same clause is
      the time frame of that quantity (三年内新增学位1万个 → one record); a
      deadline standing alone (两年内建成) stays a target;
    - the baseline of a change (由2020年的82%提高到90%, 从88.5%提高到95%) is
      the status quo, not a target: it stays with status ``baseline``.
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
                c.status = "baseline"                # 由85%提高到91.5%: the start of the change
                c.cue = next(ch for ch in reversed(left) if ch in rules.baseline_from)
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
    """Just after the last of ``stops`` within :data:`_SENTENCE_WINDOW` before ``pos`` (else the window start)."""
    lo = max(0, pos - _SENTENCE_WINDOW)
    return max(lo, max(t.rfind(ch, lo, pos) for ch in stops) + 1)


def _review_cue(heading: str, rules: Rules) -> str:
    """The review-of-the-past cue of a heading line, from the one framing/review vocabulary
    (``review`` in structure_kinds.yaml), else ''. Framing sections that look ahead
    (面临形势, 发展环境) are not reviews: only cues matching ``past.retrospective_heading`` count."""
    from policylens.structure import kind_rules  # noqa: PLC0415 (structure is heavy; load on use)

    body = strip_marker(heading)
    if len(body) > rules.review_max_chars or "。" in body:
        return ""
    for cue in kind_rules().review.cues:
        if cue in body and rules.retrospective_heading_re.search(cue):
            return cue
    return ""


def _retrospective_regions(t: str, rules: Rules) -> list[tuple[int, int, str]]:
    """Spans under a review heading (2023年工作回顾, 发展基础, “十三五”成就 …): (start, end, cue).

    A region runs from the end of a short heading line that names a review to the
    next heading of the same or a higher outline level (:mod:`policylens.outline`
    ranks; an unnumbered review heading is closed by a 一、 or (一) heading), or to
    the next short line that announces goals or tasks (``past.section_end``).
    """
    regions: list[tuple[int, int, str]] = []
    open_at: int | None = None
    open_rank, open_cue = RANK["cnp"], ""
    pos = 0
    for line in t.splitlines(keepends=True):
        stripped = line.strip()
        is_heading = 0 < len(stripped) <= rules.review_max_chars and "。" not in stripped
        marker = match_marker(stripped) if is_heading else None
        if open_at is not None and is_heading:
            if rules.section_end_re.search(stripped) or (marker is not None and marker.rank <= open_rank):
                regions.append((open_at, pos, open_cue))
                open_at = None
        if open_at is None and is_heading:
            cue = _review_cue(stripped, rules)
            if cue:
                open_at, open_cue = pos + len(line), cue
                open_rank = marker.rank if marker is not None else RANK["cnp"]
        pos += len(line)
    if open_at is not None:
        regions.append((open_at, len(t), open_cue))
    return regions


def plan_regions(units, rules: Rules) -> list[tuple[int, int, str]]:
    """Review and framing spans of a plan's outline units: (start, end, cue), in text order.

    A unit of kind ``preamble`` below the top (a numbered 发展基础 / 工作回顾 / 面临形势
    section and the units under it; the structure stage decides with the one review
    vocabulary) reports the past or the status quo. The cue is the review word of its
    top-level section heading.
    """
    if units is None or not {"kind", "start", "end", "path"}.issubset(getattr(units, "columns", ())):
        return []
    from policylens.structure import kind_rules  # noqa: PLC0415

    cues = kind_rules().review.cues
    headings = {str(p): str(h) for p, h in zip(units["path"], units.get("heading", units["path"]))}
    spans = []
    for path, kind, start, end in zip(units["path"], units["kind"], units["start"], units["end"]):
        path = str(path or "")
        if kind != "preamble" or not path:
            continue
        top = headings.get(path.split("/")[0], "")
        cue = next((c for c in cues if c in top), "") or "review section"
        spans.append((int(start), int(end), cue))
    spans.sort()
    merged: list[tuple[int, int, str]] = []
    for s0, e0, c0 in spans:
        if merged and s0 <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e0), merged[-1][2])
        else:
            merged.append((s0, e0, c0))
    return merged


def status_of(cue: str, rules: Rules, default: str = "achieved") -> str:
    """Status a cue gives (``status_cues`` in target_rules.yaml: 现有 → baseline, 预计 → forecast …)."""
    for word, status in rules.status_cues:
        if word in cue:
            return status
    return default


def _set(c: _Cand, cue: str, rules: Rules, default: str = "achieved") -> None:
    c.status, c.cue = status_of(cue, rules, default), cue


def _classify_past(t: str, cands: list[_Cand], rules: Rules, years: list[tuple[int, int, int]],
                   plan_year: int | None, quoted: bytearray,
                   regions: list[tuple[int, int, str]] | None = None) -> None:
    """Give every number that reports the past, the status quo or a forecast its status and cue.

    - everything in a review-of-the-past section (2023年工作回顾, 发展基础; ``regions``,
      from the plan's outline units when given);
    - clause cues (已认定…, 现有…, 共有…); 累计 only when no future cue or
      commitment word (到2025年累计…, 累计不少于…) stands with it;
    - a demand forecast (预计…入学人数达到…);
    - sentence cues (…以来, 过去一年, 目前, 当前, 同比, 上半年 …) before the
      number, unless a future cue (力争, 到2025年, 计划, 年内 …) or 基础上
      follows the cue;
    - a sentence about an earlier year than the plan's (2023年,全市新建… in a
      2024 要点) or an earlier five-year plan than one the text names
      (“十三五”期间… in a 十四五 plan), unless a future cue follows;
    - a paragraph that opens with a review, until a future cue;
    - a population count standing as the subject's size (辖区适龄儿童近6200人).
    Numbers already given a status (the baseline of a change) keep it.
    """
    if regions is None:
        regions = _retrospective_regions(t, rules)
    latest_plan = max((n for n in _five_year_plans(t)), default=0)
    ahead_year = _ahead_year(t, years, rules) if plan_year is None else None
    r = 0
    for c in cands:
        if c.status != "target":
            continue
        while r < len(regions) and regions[r][1] <= c.nstart:
            r += 1
        if r < len(regions) and regions[r][0] <= c.nstart < regions[r][1]:
            _set(c, regions[r][2], rules)
            continue
        clause = t[c.clause_start:c.nstart]
        hit = None if _any_cue(rules.achieved).search(clause) is None else next(
            (cue for cue in rules.achieved if _last_cue(clause, cue, rules.conditional_before) >= 0), None)
        if hit is not None:
            _set(c, hit, rules)
            continue
        s_lo = _sentence_start(t, c.nstart)
        sent = t[s_lo:c.nstart]
        cue = _forecast(sent, rules)
        if cue:
            c.status, c.cue = "forecast", cue
            continue
        # the future cue of 累计 may stand earlier in the full sentence, before a ;
        # (到2027年,…达到90%;累计新增名师200名)
        hit = next((cue for cue in rules.achieved_unless_future if cue in sent), None)
        if hit and not (rules.future_re.search(t, _sentence_start(t, c.nstart, stops="。!?！？\n"), c.nstart)
                        or re.search(r"不少于|不低于|至少", clause)):
            _set(c, hit, rules)
            continue
        cue = _retrospective_sentence(sent, rules)
        if cue:
            _set(c, cue, rules)
            continue
        cue = _earlier_year_sentence(t, s_lo, c.nstart, years, plan_year, quoted, rules) if plan_year else ""
        if not cue and plan_year is None and ahead_year and rules.resultative_re.search(clause):
            cue = _earlier_year_sentence(t, s_lo, c.nstart, years, ahead_year, quoted, rules)
        cue = cue or _earlier_plan_sentence(sent, latest_plan, plan_year, rules)
        if cue:
            _set(c, cue, rules)
            continue
        cue = _retrospective_paragraph(t, s_lo, c.nstart, years, plan_year, quoted, rules)
        if cue:
            _set(c, cue, rules)
            continue
        cue = _progress(t, c, s_lo, sent, rules)
        if cue:
            _set(c, cue, rules)
            continue
        m = rules.population_re.search(clause) if c.unit in rules.population_units else None
        if m and not c.right_word:
            c.status, c.cue = "baseline", m.group().strip()


_FIVE_YEAR = re.compile(r"(?:十[一二三四五六七八九]|[六七八九])五")


def _ahead_year(t: str, years: list[tuple[int, int, int]], rules: Rules) -> int | None:
    """Without a plan year: the latest year the text looks ahead to (到2025年, 2020年将, 2024年计划),
    the reference for reports with a resultative verb about earlier years (2019年建成4所)."""
    best = None
    for start, end, year in years:
        if t.startswith(("到", "至"), max(0, start - 1)) or rules.future_re.match(t, end, min(len(t), end + 6)) \
                or rules.future_re.match(t, min(len(t), end + 1), min(len(t), end + 6)):
            best = year if best is None else max(best, year)
    return best


def _progress(t: str, c: _Cand, s_lo: int, sent: str, rules: Rules) -> str:
    """A progress report: a progress rate 为 before the number in its clause (开工率为96.5%), or a
    share of the plan or a record after it in the sentence (完成投资2180万元,占计划的64.2%;
    上线率达41.5%,创历史新高); never when a future cue stands earlier in the sentence."""
    m = rules.progress_before_re.search(t, c.clause_start, c.nstart)
    if m is None:
        end = t.find("。", c.nend, c.nend + 60)
        m = rules.progress_after_re.search(t, c.nend, end if end >= 0 else min(len(t), c.nend + 60))
    if m is None or rules.future_re.search(sent):
        return ""
    return m.group()


def _five_year_plans(t: str):
    """Numbers of the five-year plans a text names (十三五 → 13)."""
    for m in _FIVE_YEAR.finditer(t):
        plan = five_year_plan(m.group())
        if plan:
            yield plan[0]


def _earlier_plan_sentence(sent: str, latest_plan: int, plan_year: int | None, rules: Rules) -> str:
    """The sentence reviews an earlier five-year plan's period (“十三五”期间/以来, in a text that
    names the 十四五 or whose plan year is after that period), and no future cue follows."""
    for m in _FIVE_YEAR.finditer(sent):
        plan = five_year_plan(m.group())
        if plan is None:
            continue
        earlier = plan[0] < latest_plan or (plan_year is not None and plan[2] < plan_year)
        tail = sent[m.end():m.end() + 8]
        if earlier and re.match(r"[”\"」]?(?:期间|以来|时期|末|规划期)", tail):
            after = sent[m.end():]
            if not (rules.future_re.search(after) or any(w in after for w in rules.reset_cues)):
                return m.group() + re.match(r"[”\"」]?(期间|以来|时期|末|规划期)", tail).group(1)
    return ""


def _retrospective_paragraph(t: str, s_lo: int, pos: int, years: list[tuple[int, int, int]],
                             plan_year: int | None, quoted: bytearray, rules: Rules) -> str:
    """The paragraph opens with a review (2024年,全市教育工作取得新成效。…) and no
    future cue stands between that opening sentence and ``pos``."""
    lo = max(0, pos - 2 * _SENTENCE_WINDOW)
    nl = t.rfind("\n", lo, pos)
    p_lo = nl + 1 if nl >= 0 else lo
    if p_lo >= s_lo:
        return ""                                     # the number stands in the opening sentence
    stop = _OPENING_END.search(t, p_lo, s_lo)
    first_end = stop.end() if stop else s_lo
    opening = t[p_lo:first_end]
    m = rules.retrospective_opener_re.search(opening)
    past = m.group() if m else (
        _earlier_year_sentence(t, p_lo, first_end, years, plan_year, quoted, rules) if plan_year is not None else "")
    if not past:
        return ""
    after = t[first_end:pos]
    return "" if (rules.future_re.search(after) or any(w in after for w in rules.reset_cues)) else past


def _last_cue(text: str, cue: str, conditional: str) -> int:
    """Last position of ``cue`` in ``text`` not directly after a conditional
    character (对获评…的团队给予奖励: 获评 states a condition), or -1."""
    k = text.rfind(cue)
    while k > 0 and conditional and text[k - 1] in conditional:
        k = text.rfind(cue, 0, k)
    return k


def _forecast(sent: str, rules: Rules) -> str:
    """The cue of a demand forecast (预计2025年小学入学人数达到4.2万人), else ''."""
    last = None
    for m in rules.forecast_cue_re.finditer(sent):
        last = m
    return last.group() if last is not None and rules.forecast_subject_re.search(sent, last.end()) else ""


@lru_cache(maxsize=8)
def _any_cue(cues: tuple[str, ...]) -> re.Pattern[str]:
    """One alternation of ``cues``: whether any occurs at all (a plain literal alternation: linear)."""
    return re.compile("|".join(re.escape(cue) for cue in cues) or "(?!)")


def _retrospective_sentence(sent: str, rules: Rules) -> str:
    """The last past or status-quo cue of the sentence before the number, unless a future cue follows it."""
    if _any_cue(rules.retrospective).search(sent) is None:
        return ""                                   # no cue at all (most sentences): skip the per-cue scans
    best, word = -1, ""
    for cue in rules.retrospective:
        k = _last_cue(sent, cue, rules.conditional_before)
        if k >= 0 and k + len(cue) > best:
            best, word = k + len(cue), cue
    if best < 0:
        return ""
    after = sent[best:]
    return "" if (rules.future_re.search(after) or any(w in after for w in rules.reset_cues)) else word


def _earlier_year_sentence(t: str, lo: int, hi: int, years: list[tuple[int, int, int]], plan_year: int,
                           quoted: bytearray, rules: Rules) -> str:
    """The sentence is anchored on a year before the plan year (2023年,全市… in a 2024 plan)."""
    k = bisect.bisect_left(years, (lo, -1, -1))
    anchor, anchor_year = -1, 0
    while k < len(years) and years[k][0] < hi:
        ystart, yend, year = years[k]
        k += 1
        if any(quoted[ystart:yend]) or (ystart > 0 and t[ystart - 1] in "(（〔[到至较比由从在和与、—-"):
            continue
        if t.startswith(("基础", "的基础", "水平", "的水平", "为基", "底前", "前"), yend):
            continue
        if year < plan_year:
            anchor, anchor_year = yend, year
        elif year >= plan_year:
            anchor = -1
    if anchor < 0:
        return ""
    after = t[anchor:hi]
    if rules.future_re.search(after) or any(w in after for w in rules.reset_cues):
        return ""
    return f"{anchor_year}年"
