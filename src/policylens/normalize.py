"""Character-level text normalization that never loses offsets.

Every stage that accepts text from outside the corpus (targets, taxonomy,
topics) normalizes it with :func:`normalize`, which returns the normalized
string together with a map from each normalized character back to its index in
the input. Operations are 1:1 character rewrites, so the map is exact:

* full-width ASCII forms (digits, Latin letters, ``％（）［］～``…) → ASCII;
* the ideographic space and other Unicode spaces → ``" "``;
* Traditional characters → Simplified (OpenCC ``t2s`` dictionaries), only when
  the text is detected as Traditional, so Simplified text is never touched.

Chinese punctuation (，。、：；“”《》—) is kept as is.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

# Full-width punctuation folded to ASCII; Chinese sentence punctuation is kept.
_FOLD_PUNCT = {"（": "(", "）": ")", "［": "[", "］": "]", "％": "%", "～": "~",
               "＋": "+", "－": "-", "／": "/", "．": ".", "＜": "<", "＞": ">",
               "＝": "=", "＃": "#", "＆": "&", "＊": "*", "＠": "@", "｜": "|"}
# every Unicode space separator (Zs) but the ASCII space: a scraped page pads with any of them
_SPACES = "\u3000\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f"


def _build_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for code in range(0xFF10, 0xFF1A):          # ０-９
        table[code] = chr(code - 0xFEE0)
    for code in list(range(0xFF21, 0xFF3B)) + list(range(0xFF41, 0xFF5B)):  # Ａ-Ｚ ａ-ｚ
        table[code] = chr(code - 0xFEE0)
    for src, dst in _FOLD_PUNCT.items():
        table[ord(src)] = dst
    for ch in _SPACES:
        table[ord(ch)] = " "
    for ch in "\u200b\u200c\u200d\ufeff":       # zero-width: become spaces, folded later
        table[ord(ch)] = " "
    return table


WIDTH_TABLE = _build_table()
_NON_CJK_RUN = re.compile(r"[^\u4e00-\u9fff]+")   # counting runs, not characters: no string per character
_FOLDED = re.compile("[" + "".join(re.escape(chr(code)) for code in sorted(WIDTH_TABLE)) + "]")
_CJK_FIRST, _CJK_LAST = 0x4E00, 0x9FFF
_LONG = 4096          # characters from which CJK characters are counted with numpy


@lru_cache(maxsize=1)
def _t2s():
    from opencc import OpenCC  # imported lazily: loading the dictionaries takes ~0.3 s

    return OpenCC("t2s")


@lru_cache(maxsize=1)
def _t2s_keys() -> frozenset[str]:
    """Every entry (phrase or character) of the ``t2s`` dictionaries, read from OpenCC's own files."""
    import json
    from importlib.resources import files

    package = files("opencc")

    def dictionary_files(node: object) -> list[str]:
        if isinstance(node, dict):
            return ([node["file"]] if "file" in node else []) + [f for v in node.values() for f in dictionary_files(v)]
        return [f for v in node for f in dictionary_files(v)] if isinstance(node, list) else []

    config = json.loads(package.joinpath("config", "t2s.json").read_text(encoding="utf-8"))
    keys: set[str] = set()
    for name in sorted(set(dictionary_files(config["conversion_chain"]))):
        keys.update(line.split("\t", 1)[0] for line in
                    package.joinpath("dictionary", name).read_text(encoding="utf-8").splitlines())
    return frozenset(keys - {""})


@lru_cache(maxsize=1)
def _t2s_alone() -> dict[str, str]:
    """What ``t2s`` makes of each character on its own, for the CJK block and every character of a
    dictionary entry (any other character it leaves as is): one OpenCC call, a character per line
    (OpenCC never matches across a line end); 0.1 s once."""
    block = {chr(code) for code in range(_CJK_FIRST, _CJK_LAST + 1)}
    chars = sorted((block | {ch for key in _t2s_keys() for ch in key}) - {"\n"})
    converted = _t2s().convert("\n".join(chars)).split("\n")
    if len(converted) != len(chars):  # pragma: no cover - a dictionary that joins across lines
        converted = [_t2s().convert(ch) for ch in chars]
    return dict(zip(chars, converted))


def _t2s_char(ch: str) -> str:
    """``ch`` in Simplified when ``t2s`` turns it into one character, else ``ch``."""
    out = _t2s_alone().get(ch, ch)
    return out if len(out) == 1 else ch


@lru_cache(maxsize=1)
def _convertible() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """What OpenCC ``t2s`` can rewrite: any character it changes on its own, or one of the few phrases
    (反覆, 沈默…) made only of characters it keeps. A text with neither comes back from OpenCC unchanged,
    so it is not converted."""
    keys, alone = _t2s_keys(), _t2s_alone()
    changed = {ch for key in keys for ch in key if alone.get(ch, ch) != ch}
    phrases = sorted((k for k in keys if len(k) > 1 and not changed.intersection(k) and _t2s().convert(k) != k),
                     key=lambda k: (-len(k), k))
    # each such phrase holds a character that is an entry of its own (瞭, 覆, 沈): a cheap first test
    triggers = {ch for k in phrases for ch in (set(k) & keys or set(k))}
    # characters beyond the BMP make a class slow (a list, not a bitmap): any of them takes the slow path
    bmp = sorted(ch for ch in changed if ord(ch) <= 0xFFFF)
    return (re.compile("[" + "".join(re.escape(ch) for ch in bmp) + "\U00010000-\U0010FFFF]"),
            re.compile("[" + "".join(re.escape(ch) for ch in sorted(triggers)) + "]"),
            re.compile("|".join(map(re.escape, phrases))))


@lru_cache(maxsize=1)
def _changes() -> np.ndarray:
    """Per character of the CJK block, whether ``t2s`` rewrites it (about 3,500 of 20,992)."""
    return np.array([_t2s_char(chr(code)) != chr(code) for code in range(_CJK_FIRST, _CJK_LAST + 1)])


@lru_cache(maxsize=1)
def _changing() -> re.Pattern[str]:
    """One character class of the CJK characters ``t2s`` rewrites, so a short text's Traditional
    characters are counted in one regex scan."""
    return re.compile("[" + "".join(chr(_CJK_FIRST + int(i)) for i in np.flatnonzero(_changes())) + "]")


def _cjk_counts(text: str) -> tuple[int, int]:
    """(CJK characters, CJK characters that OpenCC would change into Simplified) of ``text``.

    A long text is counted per distinct character from a histogram of its code points (numpy),
    never by listing every character: a million one-character strings cost more than the rest
    of normalizing.
    """
    if len(text) < _LONG:
        return len(text) - sum(map(len, _NON_CJK_RUN.findall(text))), len(_changing().findall(text))
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    cjk_codes = codes[(codes >= _CJK_FIRST) & (codes <= _CJK_LAST)] - _CJK_FIRST
    counts = np.bincount(cjk_codes, minlength=_CJK_LAST - _CJK_FIRST + 1)
    return len(cjk_codes), int(counts[_changes()].sum())


def changed_chars(before: str, after: str) -> int:
    """How many positions differ between two strings (pairwise up to the shorter one's length).

    Long strings of the same length (a 1:1 rewrite) are compared as code-point arrays (numpy)
    instead of character by character.
    """
    if len(before) < _LONG or len(before) != len(after):
        return sum(map(str.__ne__, before, after))
    old = np.frombuffer(before.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    new = np.frombuffer(after.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    return int(np.count_nonzero(old != new))


def traditional_share(text: str) -> float:
    """Share of CJK characters that OpenCC would change into Simplified."""
    cjk, changed = _cjk_counts(text)
    return changed / cjk if cjk else 0.0


def is_traditional(text: str, threshold: float = 0.04, min_changed: int = 2) -> bool:
    """True when the text reads as Traditional Chinese.

    Simplified text has almost no characters that ``t2s`` rewrites; a
    Traditional page has 10–30 % of them. A short snippet needs at least
    ``min_changed`` such characters.
    """
    cjk, changed = _cjk_counts(text)
    if not cjk:
        return False
    return changed >= min_changed and changed / cjk >= threshold or (
        changed >= 1 and cjk <= 8 and changed / cjk >= 0.25)


def to_simplified(text: str) -> str:
    """Convert Traditional to Simplified keeping the length (phrase-level when it can)."""
    changed, trigger, phrase = _convertible()
    if not changed.search(text) and not (trigger.search(text) and phrase.search(text)):
        return text  # nothing OpenCC would rewrite
    converted = _t2s().convert(text)
    if len(converted) == len(text):
        return converted
    return "".join(_t2s_char(ch) for ch in text)


@dataclass(frozen=True)
class Normalized:
    """Normalized text and, for every character of it, its index in the input."""

    text: str
    offsets: Sequence[int]
    source_length: int
    converted_traditional: bool = False

    def to_source(self, start: int, end: int) -> tuple[int, int]:
        """Map a ``[start, end)`` span of the normalized text to the input."""
        if start >= end:
            pos = self.offsets[start] if start < len(self.offsets) else self.source_length
            return pos, pos
        return self.offsets[start], self.offsets[end - 1] + 1


def normalize(text: str, *, simplify: bool | None = None) -> Normalized:
    """Fold widths and spaces and (when Traditional) convert to Simplified.

    All rewrites are one character to one character, so ``offsets`` is the
    identity map here (a ``range``: no list of a million ints for a 1M-character text);
    it is returned so callers can compose further edits.
    ``simplify=None`` detects Traditional text; ``True``/``False`` force it.
    """
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    folded = text.translate(WIDTH_TABLE) if _FOLDED.search(text) else text  # translate costs ~0.15 µs a character
    convert = is_traditional(folded) if simplify is None else simplify
    if convert:
        folded = to_simplified(folded)
    return Normalized(folded, range(len(folded)), len(text), convert)


def normalize_text(text: str) -> str:
    """Plain-string form of :func:`normalize`."""
    return normalize(text).text
