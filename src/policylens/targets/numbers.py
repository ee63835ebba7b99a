"""Number candidates: numerals, counting words, ranges, ratios, coefficients, and the exclusion masks."""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

from policylens import outline, regexscan
from policylens.numerals import arabic_value, fraction_value
from policylens.numerals import cn_number as _cn_number
from policylens.targets.rules import (
    Rules,
)

_CN_DIGIT = "零〇一二两三四五六七八九"
_CN_ALL = _CN_DIGIT + "十百千万亿"
_MAX_DIGITS = 12          # longer digit runs are codes, not quantities
_LEFT_WINDOW = 64         # how far back a clause may reach
_RIGHT_WINDOW = 18        # how far the trailing noun may reach
_SENTENCE_WINDOW = 200    # how far back a year mention may stand

_CN_FRAC = r"(?:[零〇一二两三四五六七八九十百]+(?:点[零〇一二三四五六七八九]+)?)"
_NUM_RE = re.compile(
    r"百分之(?P<pct>\d+(?:\.\d+)?|" + _CN_FRAC + ")"
    r"|千分之(?P<pml>\d+(?:\.\d+)?|" + _CN_FRAC + ")"
    # 三分之一, 3分之2: a share (fraction → %), the quote keeps the words
    r"|(?P<fden>[一二两三四五六七八九十]{1,3}|\d{1,3})分之(?P<fnum>\d{1,3}(?:\.\d+)?|[一二两三四五六七八九十]{1,3})"
    # 2,350.5 (thousands separators with decimals), 1.5, 2万
    # 1/3: a share only after a share word (checked in _candidates); dates (3/15) have none
    r"|(?<![\d/.])(?P<anum>\d{1,2})/(?P<aden>\d{1,2})(?![\d/])"
    r"|(?P<ara>\d{1,3}(?:,\d{3})+(?:\.\d+)?(?!\d)|\d+(?:\.\d+)?)(?P<mult>万亿|千万|百万|亿|万|千|百(?!分))?"
    # 零点八 starts with 零; any other Chinese numeral with a non-zero digit or 十
    r"|(?P<cn>零点[零〇一二三四五六七八九]+"
    r"|[〇一二两三四五六七八九十][零〇一二两三四五六七八九十百千万亿]*(?:点[零〇一二三四五六七八九]+)?)"
)
_NUM_GROUPS = ("pct", "pml", "fden", "fnum", "anum", "aden", "ara", "mult", "cn")
_NUM_SCAN = regexscan.span_scanner(_NUM_RE)   # same matches, found without a try at every character
_NUM_SCAN_BMP = regexscan.bmp_scanner(_NUM_SCAN)
_SHARE_WORDS = re.compile(r"占|比例|比重|达到|达|超过|不低于|不少于|至少|约|近")
_CLAUSE_BREAKS = set(",;。:!?，；：！？\n\r")
_YEAR_RE = re.compile(r"(?<!\d)((?:19|20)\d{2})(?:\s*[-—–~至到]\s*((?:19|20)\d{2}))?\s*年(?!级)")
_YEAR_SCAN = regexscan.span_scanner(_YEAR_RE)
# approximate pairs: 两三所, 三五个
# right comparators that may follow a unit whose next character would otherwise
# make it another word (200所以上: 所以 is "therefore" only without 上)
_BOUND_WORDS = ("以上", "以下", "以内", "及以上")
_CN_PAIRS = {"一两": (1, 2), "两三": (2, 3), "二三": (2, 3), "三四": (3, 4), "三五": (3, 5),
             "四五": (4, 5), "五六": (5, 6), "六七": (6, 7), "七八": (7, 8), "八九": (8, 9)}


# --------------------------------------------------------------------------- numbers
def cn_number(token: str) -> float | None:
    """Value of one Chinese-numeral token (see :func:`policylens.numerals.cn_number`)."""
    return _cn_number(token)


@dataclass
class _Num:
    start: int
    end: int                 # end of the numeral (incl. multiplier)
    value: float | None
    pair: tuple[float, float] | None = None
    percent: str | None = None   # "%" / "‰" for 百分之 / 千分之
    is_cn: bool = False
    text: str = ""
    mult: str = ""


def _parse_num(m: re.Match[str], rules: Rules) -> _Num:
    pct, pml, fden, fnum, anum, aden, ara, mult, cn = m.group(*_NUM_GROUPS)
    start, end = m.span()
    if pct is not None or pml is not None:
        tok = pct if pct is not None else pml
        whole = ("百", 100.0) if pct is not None else ("千", 1000.0)  # 百分之百: all of it (百 alone is no number)
        val = float(tok) if tok[0].isdigit() else whole[1] if tok == whole[0] else cn_number(tok)
        return _Num(start, end, val, percent="%" if pct is not None else "‰", text=m.group())
    if aden is not None:
        share = fraction_value(aden, anum)
        return _Num(start, end, share[0] if share else None, percent="%", text=m.group(), mult="/")
    if fden is not None:
        share = fraction_value(fden, fnum)
        return _Num(start, end, share[0] if share else None, percent="%", text=m.group())
    if ara is not None:
        val = arabic_value(ara)
        if val is not None:
            val *= rules.multipliers.get(mult or "", 1.0)
        return _Num(start, end, val, text=m.group(), mult=mult or "")
    tok = cn
    if tok in _CN_PAIRS:
        lo, hi = _CN_PAIRS[tok]
        return _Num(start, end, None, pair=(float(lo), float(hi)), is_cn=True, text=tok)
    mult = next((ch for ch in reversed(tok) if ch in "万亿千"), "")
    return _Num(start, end, cn_number(tok), is_cn=True, text=tok, mult=mult)


# --------------------------------------------------------------------------- masks


_OPEN_BRACKET = re.compile("[(（]")


def _outline_markers(t: str):
    """Outline markers of ``t`` by the one outline grammar (:mod:`policylens.outline`)."""
    yield from outline.iter_line_markers(t)
    for bracket in _OPEN_BRACKET.finditer(t):  # (一) and (3) are section numbers wherever they stand
        marker = outline.match_marker(t, bracket.start())
        if marker is not None and marker.type in ("cnp", "nump"):
            yield marker

def _build_mask(t: str, rules: Rules) -> tuple[bytearray, bytearray]:
    """Characters excluded by rules (mask) and characters inside quotes/titles (quoted)."""
    n = len(t)
    mask = bytearray(n)
    wide = regexscan.beyond_bmp(t)
    for exact, bmp, literals in rules.exclusion_scans:  # the exclusions' spans (see policylens.regexscan)
        if not all(any(lit in t for lit in group) for group in literals):
            continue                                  # a word every match needs is not in the text
        scanner = exact if wide else bmp
        for m in scanner.finditer(t):
            start, end = m.span()
            if end > start:
                mask[start:end] = b"\x01" * (end - start)
    for marker in _outline_markers(t):  # section numbers (一、 1. (一) (3)) are not quantities
        mask[marker.start:marker.end] = b"\x01" * (marker.end - marker.start)
    quoted = bytearray(n)
    for open_, close in rules.quote_pairs:
        if open_ == close:
            body = "[^" + re.escape(open_) + r"\n]{1," + str(min(rules.max_quote, 20)) + "}"
        else:
            body = "[^" + re.escape(open_ + close) + r"\n。]{1," + str(rules.max_quote) + "}"
        for m in re.finditer(re.escape(open_) + body + re.escape(close), t):
            quoted[m.start():m.end()] = b"\x01" * (m.end() - m.start())
    return mask, quoted


# --------------------------------------------------------------------------- candidates
@dataclass
class _Cand:
    nstart: int              # first character of the number
    nend: int                # after number + unit (+ approx suffix)
    value: float | None
    low: float | None
    high: float | None
    unit: str
    approx: str | None       # comparator from 余/多
    right_cmp: str | None = None
    right_word: str = ""
    rend: int = 0            # after the right comparator word
    left_cmp: str | None = None
    comparator: str = "="
    clause_start: int = 0
    qstart: int = 0
    qend: int = 0
    indicator: str = ""
    label: str = ""
    group: int = -1
    pos: int = 0             # position inside its list
    status: str = "target"   # target | achieved | baseline | forecast
    cue: str = ""            # the words that decided the status


def _match_unit(t: str, pos: int, rules: Rules, cn: bool = False) -> tuple[str, str, int] | None:
    """(unit as written, canonical unit, end) of the counting word at ``pos``.

    ``cn``: the number is a Chinese numeral; ``digits_only`` units (一支队伍,
    一条主线) are then idioms, not counts.
    """
    if not rules.unit_re.match(t, pos):
        return None
    for unit, canonical, _kind, not_before, digits_only in rules.units_by_first.get(t[pos], ()):
        if digits_only and cn:
            continue
        if t.startswith(unit, pos):
            after = pos + len(unit)
            if after < len(t) and t[after] in not_before and not t.startswith(_BOUND_WORDS, after):
                continue
            return unit, canonical, after
    return None


def _unit_after(t: str, pos: int, rules: Rules, cn: bool = False) -> tuple[str | None, float, str | None, int]:
    """Approx suffix, extra multiplier and unit after a numeral: (approx, mult, unit, end)."""
    n = len(t)
    approx = None
    mult = 1.0
    if pos < n and t[pos] in rules.approx:
        approx, pos = rules.approx[t[pos]], pos + 1
        for word, factor in sorted(rules.multipliers.items(), key=lambda kv: -len(kv[0])):
            if t.startswith(word, pos):
                mult, pos = factor, pos + len(word)
                break
    if pos < n and t[pos] == " ":
        pos += 1
    hit = _match_unit(t, pos, rules, cn)
    if hit is None:
        return approx, mult, None, pos
    return approx, mult * rules.unit_factors.get(hit[0], 1.0), hit[1], hit[2]


def _candidates(t: str, rules: Rules, mask: bytearray, quoted: bytearray) -> list[_Cand]:
    """Numbers followed by a counting word (ranges joined), minus exclusions."""
    wide = regexscan.beyond_bmp(t)
    nums = [_parse_num(m, rules) for m in regexscan.finditer(_NUM_RE, _NUM_SCAN if wide else _NUM_SCAN_BMP, t)]
    out: list[_Cand] = []
    n = len(t)
    ratios = _ratios(t, rules, quoted)
    chained = _list_units(t, nums, rules)
    skip_next = False
    for i, num in enumerate(nums):
        if skip_next:
            skip_next = False
            continue
        if num.start in ratios:
            r_end, r_value = ratios[num.start]
            out.append(_Cand(num.start, r_end, r_value, None, None, "", None))
            skip_next = i + 1 < len(nums) and nums[i + 1].start < r_end
            continue
        if num.mult == "/" and not _SHARE_WORDS.search(t, max(0, num.start - 4), num.start):
            continue                                # 3/15 is a date or a code unless a share word precedes
        if num.percent:
            unit, end, approx, mult = num.percent, num.end, None, 1.0
            if end < n and t[end] in rules.approx:
                approx, end = rules.approx[t[end]], end + 1
        else:
            approx, mult, unit, end = _unit_after(t, num.end, rules, num.is_cn)
            if unit == "%" and t.startswith("成", end - 1):
                if num.value is None or num.value > 10:
                    continue                        # 成 is a tenth only for one to ten (八成 = 80 %)
                digit = _cn_number(t[end]) if end < n and t[end] in "一二三四五六七八九" else None
                if digit is not None and (end + 1 >= n or (t[end + 1] not in _CN_ALL
                                                           and not rules.unit_re.match(t, end + 1))):
                    num = replace(num, value=num.value + digit / 10)   # 九成五 = 95 %
                    end += 1
            if unit is None and i in chained:
                unit, mult = chained[i]             # 分别不少于72、90、120学时: the unit ends the list
            elif unit is None and num.start > 0 and t[num.start - 1] in "¥￥":
                unit = "元"                         # ￥500
        value = num.value * mult if num.value is not None else None
        low = high = None
        if num.pair is not None:
            low, high = num.pair
        # range: lo[unit] sep hi unit (1-2所, 3—5个, 5%-10%, 1-2万人)
        sep = end if unit else num.end
        nxt = nums[i + 1] if i + 1 < len(nums) else None
        between = sep < n and (t[sep] in rules.range_seps or t[sep] in rules.between_words)
        if (nxt is not None and num.value is not None and between
                and (nxt.start == sep + 1 or (nxt.start == sep + 2 and t[sep + 1] == " "))
                and nxt.value is not None):
            if nxt.percent:
                n_approx, n_mult, n_unit, n_end = None, 1.0, nxt.percent, nxt.end
            else:
                n_approx, n_mult, n_unit, n_end = _unit_after(t, nxt.end, rules, nxt.is_cn)
            if t[sep] in rules.between_words and not t.startswith("之间", n_end):
                n_unit = None                       # 800元与1000元之间 is one range; 5所与3所 are two counts
            if n_unit and (unit is None or unit == n_unit):
                lo_v = num.value * (mult if unit else 1.0)
                hi_v = nxt.value * n_mult
                if not unit and nxt.mult and not num.mult:
                    lo_v *= rules.multipliers.get(nxt.mult, 1.0)   # 1-2万人: 万 applies to both
                if lo_v < hi_v:
                    skip_next = True
                    low, high, value, unit, end, approx = lo_v, hi_v, None, n_unit, n_end, n_approx
        if unit is None and num.value is not None and not num.is_cn and not num.percent \
                and _is_coefficient(t, num, rules):
            unit, end = "", num.end                 # 差异系数不高于0.50: a dimensionless target
        if unit is None or (value is None and low is None):
            continue
        if not _keep(t, num, end, unit, value, low, high, rules, mask, quoted):
            continue
        out.append(_Cand(num.start, end, value if low is None else None, low, high, unit, approx))
    return out


def _list_units(t: str, nums: list[_Num], rules: Rules) -> dict[int, tuple[str, float]]:
    """Bare numbers of a 分别 list that take the unit of its last member: index → (unit, multiplier).

    小学、初中、高中分别不少于72、90、120学时: 72 and 90 are 学时 too. The list must be
    joined by 、 alone, and 分别 must stand shortly before its first member.
    """
    out: dict[int, tuple[str, float]] = {}
    i = 0
    while i < len(nums):
        j = i
        while (j + 1 < len(nums) and nums[j].end < len(t) and t[nums[j].end] == "、"
               and nums[j + 1].start == nums[j].end + 1 and not nums[j].percent and j - i < 8):
            j += 1
        if j > i and "分别" in t[max(0, nums[i].start - 12):nums[i].start]:
            _approx, mult, unit, _end = _unit_after(t, nums[j].end, rules, nums[j].is_cn)
            if nums[j].percent:
                unit, mult = nums[j].percent, 1.0
            if unit is not None:
                for k in range(i, j):
                    if _unit_after(t, nums[k].end, rules, nums[k].is_cn)[2] is None:
                        out[k] = (unit, mult)
        i = j + 1
    return out


def _ratios(t: str, rules: Rules, quoted: bytearray) -> dict[int, tuple[int, float]]:
    """Staffing ratios (生师比不高于19:1, 比例达到1:7): start → (end, value).

    One side must be 1; the value is the other side. A ratio word (``ratio.cue``:
    生师比, 比例 …) must stand shortly before in the same clause, which keeps
    clock times (8:30) and scores (比赛3:1) out.
    """
    out: dict[int, tuple[int, float]] = {}
    scanner = rules.ratio_scan if regexscan.beyond_bmp(t) else rules.ratio_scan_bmp
    for m in regexscan.finditer(rules.ratio_re, scanner, t):
        a, b = float(m.group(1)), float(m.group(2))
        if a != 1 and b != 1:
            continue
        if any(quoted[m.start():m.end()]):
            continue
        lo = max(0, m.start() - rules.ratio_window)
        before = t[lo:m.start()]
        cut = max(before.rfind(ch) for ch in _CLAUSE_BREAKS)
        if not rules.ratio_cue_re.search(before[cut + 1:]):
            continue
        out[m.start()] = (m.end(), b if a == 1 else a)
    return out


def _is_coefficient(t: str, num: _Num, rules: Rules) -> bool:
    """A bare number right after a comparator in a sentence about a coefficient (差异系数≤0.50)."""
    lo = max(0, num.start - 40)
    for j in range(num.start - 1, lo - 1, -1):
        if t[j] in "。!?！？\n":
            lo = j + 1
            break
    before = t[lo:num.start].rstrip()
    if not rules.coefficient_re.search(before):
        return False
    nxt = t[num.end:num.end + 1]
    if nxt and nxt not in "、,;。!?:)）和及 \t\n\r":
        return False                                 # 0.5级, 2.0版: a word follows, not a coefficient
    return any(before.endswith(word) for word, _cmp, _adj in rules.left)


def _keep(t: str, num: _Num, end: int, unit: str, value: float | None, low: float | None,
          high: float | None, rules: Rules, mask: bytearray, quoted: bytearray) -> bool:
    """Exclusion checks on one candidate."""
    s = num.start
    if any(mask[s:end]) or any(quoted[s:end]):
        return False
    prev = t[s - 1] if s > 0 else ""
    if prev == "第" or (prev and prev in "”」』" and num.is_cn):
        return False                                # “…”一个目标 labels a slogan; “示范区”3个 is a count
    if prev == "." or prev.isdigit():
        return False
    if prev and prev in rules.range_seps and s > 1 and t[s - 2].isdigit():
        return False                                # 1-2-3-4所: a code or date chain, not a range
    if num.is_cn and num.text[0] == "一" and prev and prev in rules.word_internal_yi:
        return False
    if num.is_cn and prev and prev in _CN_ALL:
        return False
    vals = [v for v in (value, low, high) if v is not None]
    if not vals or any(v != v or v in (float("inf"), float("-inf")) for v in vals):
        return False
    if unit == "年" and any(v >= 1000 for v in vals):
        return False
    return True
