"""Chinese and Arabic numerals, read one token at a time (数字读法), in front of cn2an.

One place where the project turns numeral text into numbers, used by ``structure``
(outline numbers 一、, (十二), 第三章) and ``targets`` (quantities):

- :func:`cn_number` reads a Chinese-numeral token (两 → 2, 一百一十五 → 115,
  一千一百 → 1100, 零点八 → 0.8, 九十五点三 → 95.3) through cn2an's strict mode
  after folding 两 → 二 and 〇 → 零; slogans and digit strings that are no
  number (十百千万, 一二三, 十四五) give None instead of a guess;
- :func:`cn_to_int` is the integer reading used for outline numbers;
- :func:`five_year_plan` recognizes plan names (十四五 → 14th plan, 2021–2025);
- :func:`fraction_value` reads 三分之一 / 百分之九十 / 千分之五 as a share, and
  :func:`tenths_value` reads 八成 as 80 %;
- :func:`arabic_value` reads digits with thousands separators and decimals
  (2,350.5) and an optional multiplier (万, 亿, 千万).

Everything here is a pure function of its token: no sentence is ever converted
(cn2an's ``transform`` would rewrite 九年义务教育 as 9年义务教育).
"""
from __future__ import annotations

import re
from functools import lru_cache

__all__ = [
    "CN_DIGITS", "CN_NUMERAL_CHARS", "MULTIPLIERS", "arabic_value", "cn_number", "cn_to_int",
    "five_year_plan", "fraction_value", "tenths_value", "number_value",
]

#: Chinese digit characters (零 and 〇 included; 两 is 2).
CN_DIGITS = "零〇一二两三四五六七八九"
#: Every character of a Chinese numeral token (digits and the unit characters).
CN_NUMERAL_CHARS = CN_DIGITS + "十百千万亿"
#: Multipliers written after a number (2万个, 1.5亿元, 3千名), longest first.
MULTIPLIERS: dict[str, float] = {"万亿": 1e12, "千万": 1e7, "百万": 1e6, "亿": 1e8, "万": 1e4, "千": 1e3}

_MAX_CN = 12            # a longer Chinese-numeral run is no quantity
_MAX_DIGITS = 12        # a longer digit run is a code (phone, licence), not a quantity
_FOLD = str.maketrans({"两": "二", "〇": "零"})
_DIGIT_VALUE = {ch: i for i, ch in enumerate("零一二三四五六七八九")}
_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
_BIG_UNITS = {"万": 10_000, "亿": 100_000_000}
_ARABIC = re.compile(r"(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?")
_FIVE_YEAR = re.compile(r"(?:十[一二三四五六七八九]|[一二三四五六七八九])五")


def _well_formed(folded: str) -> bool:
    """A Chinese numeral in the grammar [digit] unit [digit] unit … (units decreasing within a 万-section).

    Rejects slogans and digit strings: 十百千万 (units without digits between), 一二三
    (digits without units), 十四五 (a five-year-plan name), 三万万 (a section repeated).
    The placeholder 零 (一百零五) is allowed between a unit and a digit.
    """
    last_small = 10_000          # the previous small unit within the current 万/亿 section
    last_big = 10 ** 13
    prev = ""                    # "d" digit, "s" small unit, "b" big unit, "z" placeholder zero, "" start
    for ch in folded:
        if ch == "零":
            if prev not in ("s", "b"):
                return False                          # 零 only as a placeholder after a unit
            prev = "z"
        elif ch in _DIGIT_VALUE:
            if prev == "d":
                return False                          # 一二: a digit string
            prev = "d"
        elif ch in _SMALL_UNITS:
            unit = _SMALL_UNITS[ch]
            if prev in ("s", "z") or unit >= last_small or (prev in ("", "b") and ch != "十"):
                return False                          # 十百, 十十, 百: no number
            last_small, prev = unit, "s"
        elif ch in _BIG_UNITS:
            unit = _BIG_UNITS[ch]
            if prev in ("", "z", "b") or unit >= last_big:
                return False                          # 万, 三万万, 万亿 without digits
            last_big, last_small, prev = unit, 10_000, "b"
        else:
            return False
    return prev not in ("z", "")


@lru_cache(maxsize=8192)
def cn_number(token: str) -> float | None:
    """Value of one Chinese-numeral token, or None when it is no number.

    两 → 2, 二十五 → 25, 一百一十五 → 115, 一千一百 → 1100, 一万二 → 12000,
    零点八 → 0.8, 九十五点三 → 95.3. Slogans and digit strings (十百千万, 一二三,
    三五, 十四五) give None.
    """
    if not token or len(token) > _MAX_CN:
        return None
    folded = token.translate(_FOLD)
    whole, dot, frac = folded.partition("点")
    if dot:
        if not frac or any(ch not in _DIGIT_VALUE for ch in frac):
            return None
        if whole != "零" and not _well_formed(whole):
            return None
    elif folded == "零":
        return 0.0
    elif not _well_formed(folded):
        return None
    try:
        import cn2an  # noqa: PLC0415 (import cost paid only when Chinese numerals occur)

        value = float(cn2an.cn2an(folded, "strict"))
    except (ValueError, KeyError, TypeError, IndexError):
        return _fallback(folded)
    return value


def _fallback(folded: str) -> float | None:
    """Read a well-formed folded numeral without cn2an (forms cn2an's strict mode refuses: 一万二)."""
    whole, _, frac = folded.partition("点")
    total, section, digit = 0, 0, None
    last_small_unit = None
    for ch in whole:
        if ch == "零":
            digit = None
            last_small_unit = None
        elif ch in _DIGIT_VALUE:
            digit = _DIGIT_VALUE[ch]
        elif ch in _SMALL_UNITS:
            section += (1 if digit is None else digit) * _SMALL_UNITS[ch]
            digit, last_small_unit = None, _SMALL_UNITS[ch]
        else:  # 万 / 亿
            section += digit or 0
            total = (total + section) * _BIG_UNITS[ch]
            section, digit, last_small_unit = 0, None, None
    if digit is not None:
        # 一万二 = 12000, 三千五 = 3500: a trailing digit is one step below the last unit
        step = (last_small_unit // 10) if last_small_unit else 1
        if last_small_unit is None and total and not section:
            step = 1000 if "亿" not in whole[-2:] else 10_000_000
        section += digit * max(step, 1)
    value = float(total + section)
    if frac:
        value += float("0." + "".join(str(_DIGIT_VALUE[ch]) for ch in frac))
    return value


def cn_to_int(numeral: str) -> int | None:
    """Positive integer value of a Chinese numeral (outline numbers: 十二 → 12), else None."""
    if "点" in numeral:
        return None
    value = cn_number(numeral)
    if value is None or value <= 0 or value != int(value):
        return None
    return int(value)


def five_year_plan(token: str) -> tuple[int, int, int] | None:
    """(plan number, first year, last year) of a five-year-plan name: 十四五 → (14, 2021, 2025).

    Plans 1–2 ran 1953–1962; after the 1963–1965 adjustment years plan N (N ≥ 3)
    covers 1966 + 5(N-3) … +4. Only plans 6 and later are recognized (names like
    五五 are too ambiguous), and 十五 alone is the number 15, not the 10th plan.
    """
    token = token.strip("“”\"「」")
    if not _FIVE_YEAR.fullmatch(token):
        return None
    number = cn_to_int(token[:-1])
    if number is None or number < 6:
        return None
    first = 1966 + 5 * (number - 3)
    return number, first, first + 4


def arabic_value(digits: str, multiplier: str = "") -> float | None:
    """Value of an Arabic number with optional thousands separators, decimals and a multiplier.

    ``2,350.5`` + ``万`` → 23505000.0; a run longer than 12 digits is a code (None).
    """
    m = _ARABIC.fullmatch(digits)
    if m is None:
        return None
    whole = m.group(1).replace(",", "")
    if len(whole) + len(m.group(2) or "") > _MAX_DIGITS:
        return None
    value = float(whole + ("." + m.group(2) if m.group(2) else ""))
    if multiplier:
        if multiplier not in MULTIPLIERS:
            return None
        value *= MULTIPLIERS[multiplier]
    return value


def number_value(token: str) -> float | None:
    """Value of an Arabic or Chinese numeral token (``95.3``, ``九十五点三``), else None."""
    if token and (token[0].isdigit()):
        return arabic_value(token)
    return cn_number(token)


def fraction_value(denominator: str, numerator: str) -> tuple[float, str] | None:
    """A fraction read as a share: (value, unit).

    百分之九十 → (90, "%"), 千分之五 → (5, "‰"), 三分之一 → (33.33, "%") (rounded to
    two decimals; the quote keeps the words). None when either side is no number
    or the fraction is not a share (numerator over denominator).
    """
    num = number_value(numerator)
    if num is None:
        return None
    if denominator == "百":
        return num, "%"
    if denominator == "千":
        return num, "‰"
    den = number_value(denominator)
    if den is None or den <= 0 or num > den:
        return None
    return round(num / den * 100, 2), "%"


def tenths_value(token: str) -> float | None:
    """A share written in tenths (成): 八成 → 80.0, 九成五 read by the caller as 九成 + 五."""
    value = number_value(token)
    if value is None or not 0 < value <= 10:
        return None
    return value * 10
