"""Comparators, list groups, quotes and indicators of the candidates, in place."""
from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import replace

from policylens.outline import iter_line_markers, match_marker
from policylens.targets.numbers import (
    _CLAUSE_BREAKS,
    _CN_DIGIT,
    _LEFT_WINDOW,
    _NUM_RE,
    _RIGHT_WINDOW,
    _Cand,
)
from policylens.targets.rules import (
    Rules,
    indicator_id_for,
)


# --------------------------------------------------------------------------- context
def _clause_start(t: str, pos: int, items: Sequence[int] = ()) -> int:
    """Start of the clause holding ``pos``: after the last break, skipping (...) groups, and never before
    the marker of an outline item that opens inside the line (``items``: sorted starts of such items,
    :func:`policylens.outline.inline_breaks`; an item run into its heading on a page saved as one line)."""
    start = _break_before(t, pos)
    k = bisect.bisect_right(items, pos) - 1
    if k >= 0 and start < items[k] < pos:
        return _after_marker(t, items[k], pos)
    return start


def _break_before(t: str, pos: int) -> int:
    lo = max(0, pos - _LEFT_WINDOW)
    i = pos - 1
    depth = 0
    while i >= lo:
        ch = t[i]
        if ch in ")）":
            depth += 1
        elif ch in "(（":
            if depth == 0:
                return i + 1
            depth -= 1
        elif ch in _CLAUSE_BREAKS and depth == 0:
            return i + 1
        i -= 1
    return lo


_WORDS_RE: dict[int, tuple[tuple, re.Pattern[str]]] = {}


def _words_re(entries: tuple[tuple, ...]) -> re.Pattern[str]:
    """One literal alternation (linear) of the words of ``entries`` (``rules.left``/``rules.right``:
    the word first in each entry): whether any of them occurs. Compiled once per rule table."""
    hit = _WORDS_RE.get(id(entries))
    if hit is None or hit[0] is not entries:
        hit = (entries, re.compile("|".join(re.escape(entry[0]) for entry in entries) or "(?!)"))
        _WORDS_RE[id(entries)] = hit
    return hit[1]


def _right_comparator(t: str, c: _Cand, rules: Rules) -> None:
    pos = c.nend
    c.rend = pos
    if _words_re(rules.right).match(t, pos) is None:
        return                                      # no comparator word starts here (most numbers)
    for word, cmp, units in rules.right:
        if t.startswith(word, pos) and (units is None or c.unit in units):
            c.right_cmp, c.right_word, c.rend = cmp, word, pos + len(word)
            return


def _left_comparator(t: str, lo: int, hi: int, rules: Rules) -> tuple[str | None, int]:
    """Closest comparator word in ``t[lo:hi]``: (comparator, start of word)."""
    if _words_re(rules.left).search(t, lo, hi) is None:
        return None, -1                             # no comparator word in the window
    seg = t[lo:hi]
    present = set(seg)
    best: tuple[int, int, str] | None = None     # (end, length, comparator)
    best_start = -1
    for word, cmp, adjacent in rules.left:
        if word and word[0] not in present:
            continue                                # cannot occur: skip the scan
        k = seg.rfind(word)
        if k < 0:
            continue
        end = k + len(word)
        if adjacent and seg[end:].strip() not in ("", "分别"):
            # 达 / 约 / 逾 count only directly before the number
            continue
        if adjacent and word == "达" and k > 0 and seg[k - 1] in "到下表传通发抵送":
            continue
        key = (end, len(word))
        if best is None or key > best[:2]:
            best, best_start = (end, len(word), cmp), lo + k
    return (best[2], best_start) if best else (None, -1)


def _trailing(t: str, pos: int, stop: int, mask: bytearray | None = None) -> int:
    """End of the noun phrase after a number (before a break, 、, bracket or next number).

    Numerals inside an excluded span (九年一贯制) belong to the noun.
    """
    end = min(len(t), pos + _RIGHT_WINDOW, stop)
    i = pos
    while i < end:
        ch = t[i]
        masked = mask is not None and mask[i]
        if ch in _CLAUSE_BREAKS or ch in "、()（）[]和及与并" or (ch.isdigit() and not masked) or ch in " \t":
            break
        if ch in _CN_DIGIT and i + 1 < len(t) and _NUM_RE.match(t, i) and i > pos and not masked:
            break
        i += 1
    return i


def _clean_indicator(phrase: str, rules: Rules) -> str:
    phrase = phrase.strip(" \t,、:;“”\"《》「」()（）")
    for _ in range(6):
        before = phrase
        for p in rules.strip_prefixes:
            phrase = p.sub("", phrase, count=1)
        for p in rules.strip_suffixes:
            phrase = p.sub("", phrase, count=1)
        phrase = phrase.strip(" \t,、:;")
        if phrase == before:
            break
    phrase = phrase.replace("“", "").replace("”", "")
    return phrase[-40:]


def _is_level_only(phrase: str, rules: Rules) -> str | None:
    for w in rules.level_words:
        if phrase == w:
            return w
    return None


_LEAD_VERB = re.compile(r"^.{0,4}?(?:新建、改扩建|新建\(改扩建\)|新建改扩建|新改扩建|改扩建|新建|扩建|招聘|招录|补充|培训|新增|建设|投入|安排)")


def _carried_indicator_id(t: str, c: _Cand, p: _Cand, p_id: str | None) -> str | None:
    """Canonical id of a list continuation (…学校100所、乡镇公办中心幼儿园60所; 小学800元、初中1000元).

    The previous record must stand close by in the same sentence: a short label
    (初中, 累计新增) takes the previous id when the units agree; a longer one is
    read with the previous record's leading verb (新建改扩建 + 乡镇公办中心幼儿园).
    """
    if p_id is None or not c.indicator or c.nstart - p.nend > 40:
        return None
    if any(ch in "。!?！？\n" for ch in t[p.nend:c.nstart]):
        return None
    if len(c.indicator) <= 4 and c.unit == p.unit:
        return p_id
    m = _LEAD_VERB.match(p.indicator or "")
    if m and not _LEAD_VERB.match(c.indicator):
        return indicator_id_for(m.group() + c.indicator, c.unit) if c.unit == p.unit else None
    return None


def _annotate(t: str, cands: list[_Cand], rules: Rules, mask: bytearray, items: Sequence[int] = ()) -> None:
    """Comparators, list groups, quotes and indicators, in place (``items``: as for :func:`_clause_start`)."""
    for c in cands:
        _right_comparator(t, c, rules)
        c.clause_start = _clause_start(t, c.nstart, items)
    # groups: neighbours in one clause joined by 、 + a short label
    gid = 0
    for k, c in enumerate(cands):
        if k > 0:
            p = cands[k - 1]
            between = t[p.rend:c.nstart]
            joined = between.startswith("、") or (between[:1] in ("和", "及", "与") and len(between) <= 3)
            if (c.clause_start <= p.nstart and joined and len(between) <= 7
                    and not any(ch in _CLAUSE_BREAKS for ch in between)):
                c.group, c.pos = p.group, p.pos + 1
                continue
        c.group, c.pos = gid, 0
        gid += 1
    groups: dict[int, list[_Cand]] = {}
    for c in cands:
        groups.setdefault(c.group, []).append(c)
    ordered = list(groups.values())
    prev_ind = ""
    prev_end = -1
    for g, members in enumerate(ordered):
        first, last = members[0], members[-1]
        # left context of the first member: from the clause start or the previous target
        lo = first.clause_start
        if g > 0 and lo < ordered[g - 1][-1].rend <= first.nstart:
            prev_end = ordered[g - 1][-1].qend
            lo = prev_end if ordered[g - 1][-1].rend <= prev_end <= first.nstart else ordered[g - 1][-1].rend
            while lo < first.nstart and t[lo] in "、,和及与并 ":
                lo += 1
        lo = _after_marker(t, lo, first.nstart)      # never start a quote on a section number
        left = t[lo:first.nstart]
        cmp_, cmp_at = _left_comparator(t, lo, first.nstart, rules)
        fenbie = "分别" in left
        base_left = t[lo:cmp_at] if cmp_ is not None else left
        if fenbie:
            base_left = base_left[:base_left.rfind("分别")] if "分别" in base_left else base_left
        verb_part = ""
        if fenbie:
            after = left[left.rfind("分别") + 2:]
            verb_part = after
            if cmp_ is not None:
                verb_part = ""
        group_right = last.right_cmp
        tail_end = _trailing(t, last.rend, len(t), mask)
        if g + 1 < len(ordered):
            tail_end = min(tail_end, max(last.rend, ordered[g + 1][0].nstart))
        if g + 1 < len(ordered) and tail_end == ordered[g + 1][0].nstart > last.rend:
            tail_end = last.rend                     # 三年内新增公办学位1万个: the noun leads the next number
        tail = t[last.rend:tail_end]
        items = [x for x in base_left.split("、")] if fenbie else []
        for k, c in enumerate(members):
            # comparator
            own_left = None
            if k > 0:
                own_left, _ = _left_comparator(t, members[k - 1].rend, c.nstart, rules)
            if c.low is not None:
                c.comparator = "range"
            elif c.approx:
                c.comparator = c.approx
            elif c.right_cmp and not (c.right_word in rules.weak_right and (own_left or cmp_)):
                c.comparator = c.right_cmp          # 达到58%左右: 左右 only qualifies the number
            elif own_left:
                c.comparator = own_left
            elif cmp_:
                c.comparator = cmp_
            elif group_right and c.unit == last.unit:
                c.comparator = group_right          # 3.5万人次、…8000万元以上: 以上 belongs to 元 only
            else:
                c.comparator = "="
            # quote
            if fenbie:
                c.qstart = lo
                c.qend = max(tail_end, last.rend)
            else:
                c.qstart = lo if k == 0 else members[k - 1].rend + 1
                if k == len(members) - 1:
                    c.qend = max(tail_end, c.rend)
                else:
                    own_tail = _trailing(t, c.rend, members[k + 1].nstart, mask)
                    c.qend = max(c.rend, own_tail)
            while c.qstart < c.nstart and t[c.qstart] in " \t、,":
                c.qstart += 1
            # indicator
            label = "" if k == 0 else t[members[k - 1].rend + 1:c.nstart]
            if k == 0 and cmp_ is not None and not fenbie:
                label = t[cmp_at:first.nstart]
                for word, _cmp, _adj in rules.left:
                    if label.startswith(word):
                        label = label[len(word):]
                        break
                label = label.rsplit("的", 1)[-1] if "的" in label else ""
            c.label = label.strip()
            own_noun = tail if (fenbie or k == len(members) - 1) else t[c.rend:c.qend]
            c.indicator = _indicator(t, c, members, k, base_left, verb_part, own_noun, items, fenbie, rules)
        # level-word inheritance (…小学班额…50人以内,初中…52人以内)
        for c in members:
            if not c.indicator and prev_ind and prev_end >= 0 and c.nstart - prev_end <= 40:
                c.indicator = prev_ind                  # 到2022年…达到90%;到2025年,达到92%以上
            prev_end = c.qend
            lvl = _is_level_only(c.indicator, rules)
            if lvl and prev_ind:
                for w in rules.level_words:
                    if w in prev_ind and w != lvl:
                        c.indicator = prev_ind.replace(w, lvl, 1)
                        break
            if c.indicator:
                prev_ind = c.indicator


def _indicator(t: str, c: _Cand, members: list[_Cand], k: int, base_left: str, verb_part: str,
               noun: str, items: list[str], fenbie: bool, rules: Rules) -> str:
    noun = noun.lstrip("的").strip("“”\"")
    # strip right-comparator leftovers and approximations from the noun
    noun = re.sub(r"^(?:以上|以内|以下|左右|之内|范围内|内)的?", "", noun)
    if fenbie and len(items) == len(members):
        item = _clean_indicator(items[k], rules)
        last = _clean_indicator(items[-1], rules)
        shared = re.search(r"(?:率|比例|比重|占比|额|数|量|面积|时间|时长|经费|标准)$", last)
        label_len = len(_clean_indicator(items[0], rules)) if len(items) > 1 else 0
        if (shared and k < len(items) - 1 and not re.search(r"(?:率|比例|比重|占比|额)$", item)
                and 0 < label_len < len(last)):
            return item + last[label_len:]           # 小学、初中辍学率 → 小学辍学率, 初中辍学率
        if re.search(r"(?:率|比例|比重|占比|额|数|量|面积|时间|时长|经费|标准)$", item):
            return item
        base = _clean_indicator(verb_part + noun, rules) or _clean_indicator(base_left, rules)
        return f"{base}({item})" if item else base
    base = _clean_indicator(base_left, rules)
    if c.unit in ("%", "‰") and base.endswith("的") is False and base_left.rstrip().endswith("的") and noun:
        for verb in rules.allocation_verbs:
            if noun.startswith(verb):
                basis = re.split(r"按照|按", base_left)[-1]
                return f"{noun[len(verb):]}占{_clean_indicator(basis, rules)}比例"
    if k > 0 and c.label:
        label = _clean_indicator(c.label, rules)
        if label and base.endswith(("率", "比例", "比重", "额")) and len(label) <= 4:
            return f"{label}{base}"
        if label:
            return label + (noun if not label.endswith(noun) else "")
    if k == 0 and c.label and base.endswith(("率", "比例", "比重", "额")) and len(c.label) <= 4:
        return f"{c.label}{base}"
    if c.unit in ("%", "‰", "百分点"):
        return base or _clean_indicator(noun, rules)
    phrase = base + noun if noun and not base.endswith(noun) else base
    return _clean_indicator(phrase, rules) or _clean_indicator(noun, rules)


def _drop_restated_headings(t: str, cands: list[_Cand]) -> list[_Cand]:
    """A numbered heading whose number its body restates yields one record (from the body)."""
    drop = set()
    starts = [c.nstart for c in cands]
    for m in iter_line_markers(t):
        h_start = m.end
        stop = min(len(t), h_start + 60)
        dot = t.find("。", h_start, stop)
        nl = t.find("\n", h_start, stop)
        if dot < 0 or (0 <= nl < dot):
            continue
        para_end = t.find("\n", dot)
        para_end = len(t) if para_end < 0 else para_end
        i = bisect.bisect_left(starts, h_start)
        head, body = [], []
        for c in cands[i:]:
            if c.nstart < dot:
                head.append(c)
            elif c.nstart < para_end:
                body.append(c)
            else:
                break
        for h in head:
            if any(b.unit == h.unit and b.value == h.value and b.low == h.low and b.high == h.high for b in body):
                drop.add(id(h))
    return [c for c in cands if id(c) not in drop]


# 均 (all of them) directly before the verb or comparator of the number; not 年均/平均/人均/生均 or 均衡
_SHARED = re.compile(r"(?<![年平人生户])均(?![衡匀等])[^、()（）均]{0,5}$")


def _after_marker(t: str, lo: int, hi: int) -> int:
    """``lo`` moved past blanks and an outline marker (one grammar: :mod:`policylens.outline`) before ``hi``."""
    k = lo
    while k < hi and k - lo < 8 and t[k] in " \t":
        k += 1
    marker = match_marker(t, k, hi)
    if marker is not None and marker.end <= hi:
        k = marker.end
        while k < hi and k - marker.end < 8 and t[k] in " \t":
            k += 1
    return k if k <= hi else lo


def _expand_shared_lists(t: str, cands: list[_Cand]) -> list[_Cand]:
    """One record per indicator of a list that shares one value (均):
    小学、初中适龄儿童入学率均达到100% → 小学适龄儿童入学率 and 初中适龄儿童入学率.

    The list is the indicator phrase split at 、; its last item carries the measure,
    which the earlier (shorter) items share after their own level word.
    """
    out: list[_Cand] = []
    for c in cands:
        items = [x for x in (c.indicator or "").split("、") if x]
        cue = t[max(c.clause_start, c.nstart - 8):c.nstart]
        if (len(items) < 2 or len(items) > 8 or not _SHARED.search(cue)
                or any(ch in item for item in items for ch in "()（）")):
            out.append(c)
            continue
        head = len(items[0])
        suffix = items[-1][head:] if len(items[-1]) > head else ""
        for k, item in enumerate(items):
            out.append(replace(c, indicator=item if k == len(items) - 1 or item.endswith(suffix) else item + suffix))
    return out
