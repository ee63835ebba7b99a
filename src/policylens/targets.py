"""Quantitative targets: every numeric commitment of a plan as a normalized record.

``extract_targets(text, plan_year)`` finds numbers followed by a counting word
(94%, 9所, 2万个, 1.5亿元, 一项, 两期), resolves Chinese numerals and multipliers,
reads the comparator (达到 → ``>=``, 以内 → ``<=``, 余/多 → ``>``, ranges …), the
indicator the number measures and the target year, and drops numbers that are
not commitments (dates, document and section numbers, ordinals, slogans, plan
periods, scope terms, past achievements).

What counts is data, not code: counting words, comparator words, exclusion
patterns and protected terms live in ``data/target_rules.yaml`` (each with a
reason); canonical indicators in ``data/indicators.yaml``.

The input may be raw scraped text: it is normalized internally with
:func:`policylens.normalize.normalize` (a 1:1 character map), and offsets are
mapped back, so ``text[start:end] == quote`` always holds for the text as
given. Every step is a bounded look-around of a regex hit, so the run time is
linear in the length of the text.

Columns (see :data:`TARGET_COLUMNS`): quote, start, end, indicator,
indicator_id, value, value_low, value_high, unit, comparator, target_year.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from policylens import config
from policylens.normalize import normalize
from policylens.numerals import cn_number as _cn_number

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

RULES_PATH = config.PACKAGE_DATA / "target_rules.yaml"
INDICATORS_PATH = config.PACKAGE_DATA / "indicators.yaml"

_CN_DIGIT = "零〇一二两三四五六七八九"
_CN_ALL = _CN_DIGIT + "十百千万亿"
_MAX_DIGITS = 12          # longer digit runs are codes, not quantities
_LEFT_WINDOW = 64         # how far back a clause may reach
_RIGHT_WINDOW = 18        # how far the trailing noun may reach
_SENTENCE_WINDOW = 200    # how far back a year mention may stand

_NUM_RE = re.compile(
    r"百分之(?P<pct>\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百]+(?:点[零〇一二三四五六七八九]+)?)"
    r"|千分之(?P<pml>\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百]+(?:点[零〇一二三四五六七八九]+)?)"
    r"|(?P<ara>\d+(?:,\d{3})+(?!\d)|\d+(?:\.\d+)?)(?P<mult>万亿|千万|百万|亿|万|千)?"
    r"|(?P<cn>[〇一二两三四五六七八九十][零〇一二两三四五六七八九十百千万亿]*(?:点[零〇一二三四五六七八九]+)?)"
)
_CLAUSE_BREAKS = set(",;。:!?，；：！？\n\r")
_HEADING_RE = re.compile(
    r"(?m)^[ \t]*(?:\d{1,3}\s*[.、．](?!\d)|[(（][一二三四五六七八九十\d]{1,3}[)）]|[一二三四五六七八九十]{1,3}、)"
)
_SECTION_AT = re.compile(r"[ \t]*(?:\d{1,3}\s*[.、．](?!\d)|[(（][一二三四五六七八九十\d]{1,3}[)）]|[一二三四五六七八九十]{1,3}、)?[ \t]*")
_YEAR_RE = re.compile(r"(?<!\d)((?:19|20)\d{2})(?:\s*[-—–~至到]\s*((?:19|20)\d{2}))?\s*年(?!级)")
# approximate pairs: 两三所, 三五个
# right comparators that may follow a unit whose next character would otherwise
# make it another word (200所以上: 所以 is "therefore" only without 上)
_BOUND_WORDS = ("以上", "以下", "以内", "及以上")
_CN_PAIRS = {"一两": (1, 2), "两三": (2, 3), "二三": (2, 3), "三四": (3, 4), "三五": (3, 5),
             "四五": (4, 5), "五六": (5, 6), "六七": (6, 7), "七八": (7, 8), "八九": (8, 9)}


# --------------------------------------------------------------------------- rules
@dataclass(frozen=True)
class Rules:
    """Compiled target rules (see ``data/target_rules.yaml``)."""

    units: tuple[tuple[str, str, str, str, bool], ...]   # (unit, canonical, kind, not_before, digits_only), longest first
    multipliers: dict[str, float]
    left: tuple[tuple[str, str, bool], ...]          # (word, comparator, adjacent)
    right: tuple[tuple[str, str, frozenset[str] | None], ...]
    approx: dict[str, str]
    range_seps: str
    exclusions: tuple[tuple[re.Pattern[str], str], ...]
    quote_pairs: tuple[tuple[str, str], ...]
    max_quote: int
    word_internal_yi: str
    achieved: tuple[str, ...]
    strip_prefixes: tuple[re.Pattern[str], ...]
    strip_suffixes: tuple[re.Pattern[str], ...]
    allocation_verbs: tuple[str, ...]
    level_words: tuple[str, ...]
    achieved_unless_future: tuple[str, ...] = ()
    retrospective: tuple[str, ...] = ()
    future_re: re.Pattern[str] = field(repr=False, default=re.compile(r"(?!)"))
    reset_cues: tuple[str, ...] = ()
    retrospective_heading_re: re.Pattern[str] = field(repr=False, default=re.compile(r"(?!)"))
    section_end_re: re.Pattern[str] = field(repr=False, default=re.compile(r"(?!)"))
    retrospective_opener_re: re.Pattern[str] = field(repr=False, default=re.compile(r"(?!)"))
    baseline_from: str = ""
    baseline_to_re: re.Pattern[str] = field(repr=False, default=re.compile(r"(?!)"))
    coefficient_re: re.Pattern[str] = field(repr=False, default=re.compile(r"(?!)"))
    weak_right: frozenset[str] = frozenset()
    frame_words: frozenset[str] = frozenset()
    unit_re: re.Pattern[str] = field(repr=False, default=re.compile(""))
    conditional_before: str = ""
    forecast_cue_re: re.Pattern[str] = field(repr=False, default=re.compile(r"(?!)"))
    forecast_subject_re: re.Pattern[str] = field(repr=False, default=re.compile(r"(?!)"))
    ratio_re: re.Pattern[str] = field(repr=False, default=re.compile(r"(?!)"))
    ratio_cue_re: re.Pattern[str] = field(repr=False, default=re.compile(r"(?!)"))
    ratio_window: int = 14
    table_re: re.Pattern[str] = field(repr=False, default=re.compile(r"(?!)"))
    table_end_chars: str = ""
    table_label_stops: str = ""
    table_max_label: int = 40
    horizon_units: frozenset[str] = frozenset()
    horizon_gap: int = 20
    horizon_not_after: str = ""


@lru_cache(maxsize=4)
def load_rules(path: Path | None = None) -> Rules:
    """Load and compile ``target_rules.yaml`` (clear error naming a bad pattern)."""
    raw = yaml.safe_load(Path(path or RULES_PATH).read_text(encoding="utf-8"))
    units = []
    for item in raw["units"]:
        units.append((str(item["unit"]), str(item.get("canonical", item["unit"])),
                      str(item.get("kind", "count")), str(item.get("not_before", "")),
                      bool(item.get("digits_only", False))))
    units.sort(key=lambda u: -len(u[0]))
    exclusions = []
    for item in raw.get("exclusions", []):
        try:
            exclusions.append((re.compile(item["pattern"]), str(item["reason"])))
        except re.error as exc:  # a broken rule must be named, not swallowed
            raise ValueError(f"target_rules.yaml: bad exclusion pattern {item['pattern']!r}: {exc}") from exc
    comps = raw["comparators"]
    left = tuple(sorted(((c["word"], c["comparator"], bool(c.get("adjacent", False))) for c in comps["left"]),
                        key=lambda c: -len(c[0])))
    right = tuple(sorted(((c["word"], c["comparator"], frozenset(c["units"]) if c.get("units") else None)
                          for c in comps["right"]), key=lambda c: -len(c[0])))
    past = raw.get("past", {})
    opener = past.get("retrospective_opener", "(?!)")

    def _compile(key: str, pattern: str) -> re.Pattern[str]:
        try:
            return re.compile(pattern)
        except re.error as exc:
            raise ValueError(f"target_rules.yaml: bad pattern {key} {pattern!r}: {exc}") from exc
    strip = raw.get("indicator_strip", {})
    unit_re = re.compile("|".join(re.escape(u[0]) for u in units))
    forecast = raw.get("forecast", {})
    ratio = raw.get("ratio", {})
    table = raw.get("table_row", {})
    return Rules(
        units=tuple(units),
        multipliers={k: float(v) for k, v in raw["multipliers"].items()},
        left=left, right=right,
        approx=dict(comps.get("approx_suffix", {})),
        range_seps=str(raw.get("range_separators", "-—–~至到")),
        exclusions=tuple(exclusions),
        quote_pairs=tuple((p[0], p[1]) for p in raw.get("quote_pairs", [])),
        max_quote=int(raw.get("max_quote_chars", 40)),
        word_internal_yi=str(raw.get("word_internal_yi", "")),
        achieved=tuple(sorted(raw.get("achieved_cues", []), key=len, reverse=True)),
        strip_prefixes=tuple(re.compile(p) for p in strip.get("prefixes", [])),
        strip_suffixes=tuple(re.compile(p) for p in strip.get("suffixes", [])),
        allocation_verbs=tuple(strip.get("allocation_verbs", [])),
        level_words=tuple(sorted(raw.get("level_words", []), key=len, reverse=True)),
        achieved_unless_future=tuple(past.get("achieved_unless_future", [])),
        retrospective=tuple(sorted(past.get("retrospective_cues", []), key=len, reverse=True)),
        future_re=_compile("past.future_cues", past.get("future_cues", "(?!)")),
        reset_cues=tuple(past.get("reset_cues", [])),
        retrospective_heading_re=_compile("past.retrospective_heading", past.get("retrospective_heading", "(?!)")),
        section_end_re=_compile("past.section_end", past.get("section_end", "(?!)")),
        retrospective_opener_re=_compile("past.retrospective_opener", opener),
        baseline_from=str(raw.get("baseline", {}).get("from", "")),
        baseline_to_re=_compile("baseline.to", raw.get("baseline", {}).get("to", "(?!)")),
        coefficient_re=_compile("coefficient_words", raw.get("coefficient_words", "(?!)")),
        weak_right=frozenset(c["word"] for c in comps["right"] if c.get("weak")),
        frame_words=frozenset(c["word"] for c in comps["right"] if c.get("frame")),
        unit_re=unit_re,
        conditional_before=str(past.get("conditional_before", "")),
        forecast_cue_re=_compile("forecast.cue", forecast.get("cue", "(?!)")),
        forecast_subject_re=_compile("forecast.subject", forecast.get("subject", "(?!)")),
        ratio_re=_compile("ratio.pattern", ratio.get("pattern", "(?!)")),
        ratio_cue_re=_compile("ratio.cue", ratio.get("cue", "(?!)")),
        ratio_window=int(ratio.get("window", 14)),
        table_re=_compile("table_row.pattern", table.get("pattern", "(?!)")),
        table_end_chars=str(table.get("end_chars", "")),
        table_label_stops=str(table.get("label_stops", "")),
        table_max_label=int(table.get("max_label", 40)),
        horizon_units=frozenset(raw.get("horizon", {}).get("units", [])),
        horizon_gap=int(raw.get("horizon", {}).get("max_gap", 20)),
        horizon_not_after=str(raw.get("horizon", {}).get("not_after", "")),
    )


@dataclass(frozen=True)
class Indicator:
    """One canonical indicator of ``data/indicators.yaml``."""

    id: str
    name_en: str
    name_zh: str
    patterns: tuple[re.Pattern[str], ...]
    units: frozenset[str] | None
    synonyms: tuple[str, ...] = ()


@lru_cache(maxsize=4)
def load_indicators(path: Path | None = None) -> tuple[Indicator, ...]:
    """Load the canonical indicators, in matching order."""
    raw = yaml.safe_load(Path(path or INDICATORS_PATH).read_text(encoding="utf-8"))
    out = []
    for item in raw:
        out.append(Indicator(
            id=str(item["id"]), name_en=str(item.get("name_en", "")), name_zh=str(item.get("name_zh", "")),
            patterns=tuple(re.compile(p) for p in item.get("patterns", [])),
            units=frozenset(item["units"]) if item.get("units") else None,
            synonyms=tuple(item.get("synonyms", [])),
        ))
    return tuple(out)


def indicator_id_for(indicator: str | None, unit: str | None = None) -> str | None:
    """Canonical id of an indicator phrase (first matching entry), or None."""
    if not indicator:
        return None
    for ind in load_indicators():
        if ind.units is not None and unit is not None and unit not in ind.units:
            continue
        if any(p.search(indicator) for p in ind.patterns):
            return ind.id
    return None


def load_national_targets() -> pd.DataFrame:
    """National targets and actual rates (indicator_id, year, value, kind, source)."""
    return pd.read_csv(config.PACKAGE_DATA / "national_targets.csv", encoding="utf-8")


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
    if m.group("pct") is not None or m.group("pml") is not None:
        tok = m.group("pct") if m.group("pct") is not None else m.group("pml")
        val = float(tok) if tok[0].isdigit() else cn_number(tok)
        return _Num(m.start(), m.end(), val, percent="%" if m.group("pct") is not None else "‰", text=m.group())
    if m.group("ara") is not None:
        digits = m.group("ara").replace(",", "")
        if len(digits.replace(".", "")) > _MAX_DIGITS:
            return _Num(m.start(), m.end(), None, text=m.group())
        val = float(digits) * rules.multipliers.get(m.group("mult") or "", 1.0)
        return _Num(m.start(), m.end(), val, text=m.group(), mult=m.group("mult") or "")
    tok = m.group("cn")
    if tok in _CN_PAIRS:
        lo, hi = _CN_PAIRS[tok]
        return _Num(m.start(), m.end(), None, pair=(float(lo), float(hi)), is_cn=True, text=tok)
    mult = next((ch for ch in reversed(tok) if ch in "万亿千"), "")
    return _Num(m.start(), m.end(), cn_number(tok), is_cn=True, text=tok, mult=mult)


# --------------------------------------------------------------------------- masks
def _build_mask(t: str, rules: Rules) -> tuple[bytearray, bytearray]:
    """Characters excluded by rules (mask) and characters inside quotes/titles (quoted)."""
    n = len(t)
    mask = bytearray(n)
    for pattern, _reason in rules.exclusions:
        for m in pattern.finditer(t):
            if m.end() > m.start():
                mask[m.start():m.end()] = b"\x01" * (m.end() - m.start())
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


def _match_unit(t: str, pos: int, rules: Rules, cn: bool = False) -> tuple[str, str, int] | None:
    """(unit as written, canonical unit, end) of the counting word at ``pos``.

    ``cn``: the number is a Chinese numeral; ``digits_only`` units (一支队伍,
    一条主线) are then idioms, not counts.
    """
    m = rules.unit_re.match(t, pos)
    if not m:
        return None
    for unit, canonical, _kind, not_before, digits_only in rules.units:
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
    return approx, mult, hit[1], hit[2]


def _candidates(t: str, rules: Rules, mask: bytearray, quoted: bytearray) -> list[_Cand]:
    """Numbers followed by a counting word (ranges joined), minus exclusions."""
    nums = [_parse_num(m, rules) for m in _NUM_RE.finditer(t)]
    out: list[_Cand] = []
    n = len(t)
    ratios = _ratios(t, rules, quoted)
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
        if num.percent:
            unit, end, approx, mult = num.percent, num.end, None, 1.0
            if end < n and t[end] in rules.approx:
                approx, end = rules.approx[t[end]], end + 1
        else:
            approx, mult, unit, end = _unit_after(t, num.end, rules, num.is_cn)
        value = num.value * mult if num.value is not None else None
        low = high = None
        if num.pair is not None:
            low, high = num.pair
        # range: lo[unit] sep hi unit (1-2所, 3—5个, 5%-10%, 1-2万人)
        sep = end if unit else num.end
        nxt = nums[i + 1] if i + 1 < len(nums) else None
        if (nxt is not None and num.value is not None and sep < n and t[sep] in rules.range_seps
                and (nxt.start == sep + 1 or (nxt.start == sep + 2 and t[sep + 1] == " "))
                and nxt.value is not None):
            if nxt.percent:
                n_approx, n_mult, n_unit, n_end = None, 1.0, nxt.percent, nxt.end
            else:
                n_approx, n_mult, n_unit, n_end = _unit_after(t, nxt.end, rules, nxt.is_cn)
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


def _ratios(t: str, rules: Rules, quoted: bytearray) -> dict[int, tuple[int, float]]:
    """Staffing ratios (生师比不高于19:1, 比例达到1:7): start → (end, value).

    One side must be 1; the value is the other side. A ratio word (``ratio.cue``:
    生师比, 比例 …) must stand shortly before in the same clause, which keeps
    clock times (8:30) and scores (比赛3:1) out.
    """
    out: dict[int, tuple[int, float]] = {}
    for m in rules.ratio_re.finditer(t):
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


# --------------------------------------------------------------------------- context
def _clause_start(t: str, pos: int) -> int:
    """Start of the clause holding ``pos``: after the last break, skipping (...) groups."""
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


def _right_comparator(t: str, c: _Cand, rules: Rules) -> None:
    pos = c.nend
    c.rend = pos
    for word, cmp, units in rules.right:
        if t.startswith(word, pos) and (units is None or c.unit in units):
            c.right_cmp, c.right_word, c.rend = cmp, word, pos + len(word)
            return


def _left_comparator(t: str, lo: int, hi: int, rules: Rules) -> tuple[str | None, int]:
    """Closest comparator word in ``t[lo:hi]``: (comparator, start of word)."""
    seg = t[lo:hi]
    best: tuple[int, int, str] | None = None     # (end, length, comparator)
    best_start = -1
    for word, cmp, adjacent in rules.left:
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


@dataclass
class _TableValue:
    qstart: int
    qend: int
    vstart: int
    value: float
    unit: str
    comparator: str
    indicator: str


_TABLE_VALUE = re.compile(r"([≥≤><]?)[ \t]*(\d+(?:\.\d+)?)")
_SIGN = {"≥": ">=", "≤": "<=", ">": ">", "<": "<", "": "="}


def _table_rows(t: str, rules: Rules, mask: bytearray, quoted: bytearray, cands: list[_Cand]) -> list[_TableValue]:
    """Targets of flattened indicator tables (学前教育毛入园率(%) 88.6 92 预期性).

    See ``table_row`` in ``data/target_rules.yaml``: the first of several
    columns is the baseline, the others are targets; a lone value needs an
    attribute word (预期性/约束性). Numbers already read as candidates are skipped.
    """
    out: list[_TableValue] = []
    starts = sorted(c.nstart for c in cands)
    regions = None
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
        for v_start, v_stop, sign, value in (vals[1:] if len(vals) > 1 else vals):
            if any(mask[v_start:v_stop]) or (unit == "年" and value >= 1000):
                continue
            k = bisect.bisect_left(starts, v_start)
            if k < len(starts) and starts[k] < v_stop:
                continue
            if any(r0 <= v_start < r1 for r0, r1 in regions):
                continue
            out.append(_TableValue(lab, v_stop, v_start, value * mult, unit, _SIGN.get(sign, "="), label))
    return out


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


def _annotate(t: str, cands: list[_Cand], rules: Rules, mask: bytearray) -> None:
    """Comparators, list groups, quotes and indicators, in place."""
    for c in cands:
        _right_comparator(t, c, rules)
        c.clause_start = _clause_start(t, c.nstart)
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
        m_head = _SECTION_AT.match(t, lo)
        if m_head and m_head.end() <= first.nstart:
            lo = m_head.end()                        # never start a quote on a section number
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


def _drop_restated_headings(t: str, cands: list[_Cand]) -> list[_Cand]:
    """A numbered heading whose number its body restates yields one record (from the body)."""
    drop = set()
    starts = [c.nstart for c in cands]
    for m in _HEADING_RE.finditer(t):
        h_start = m.end()
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
