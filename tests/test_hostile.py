"""Hostile input: fuzzing (no crash, invariants hold) and linear growth on adversarial text, for every public function.

Default run (fast): a seeded sample of random inputs per function and growth from 10k to 100k characters (2k to 20k
for ``extract_targets``, the slowest). ``POLICYLENS_HOSTILE=full`` runs the acceptance sizes of the reliability issue:
10,000 random inputs per function and growth 10k → 100k → 1M characters (each measured as a ratio of times, ≤ 12× for
a 10× longer input; a quadratic function gives ~100×). Measured figures are in the ingest helper's report; rerun with
``POLICYLENS_HOSTILE=full python -m pytest tests/test_hostile.py -s``.
"""
from __future__ import annotations

import os
import random
import warnings

import pandas as pd
import pytest
from timing import cpu_seconds, growth_ratio

from policylens.corpus import clean, clean_text
from policylens.rawfile import CorpusError, decode_bytes
from policylens.structure import parse_plan
from policylens.targets import extract_targets

FULL = os.environ.get("POLICYLENS_HOSTILE") == "full"
full_only = pytest.mark.skipif(not FULL, reason="1M-character and 10,000-input cases: POLICYLENS_HOSTILE=full")

# every Unicode space (Zs), the line/paragraph separators, other str.isspace() characters and zero-width ones
SPACES = ("\u0020\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
          "\u2028\u2029\x85\t\x0b\x0c\x1c\x1d\x1e\x1f\u200b\ufeff\r")
ALPHABET = (list("一二三四五六七八九十、（）()．.。，,；：%％〇０１２３４５６７８９0123456789\n教育发展达到以上不低于万人所名亿元年月日第章节条"
                 "《》—-~XＸ某市县区是计划要点") + list(SPACES) + ["\x00", "\x07", "\U00020000", "é", "😀", "Я", "\ud7ff"])


def _strings(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 40))) for _ in range(n)]


def _count(default: int) -> int:
    return 10_000 if FULL else default


# --------------------------------------------------------------------------
# fuzz


def test_fuzz_clean_text():
    for text in _strings(_count(1000), 1):
        result = clean(text)
        assert result.text == clean_text(text)
        assert len(result.offsets) == len(result.text) and "\n\n" not in result.text
        assert result.text == result.text.strip("\n")
        assert all(0 <= a <= b < len(text) for a, b in zip(result.offsets, result.offsets[1:]))


def test_fuzz_decoding():
    rng = random.Random(2)
    encodings = ["utf-8", "utf-8-sig", "gb18030", "big5", "utf-16", "shift_jis", "euc_kr"]
    for i, text in enumerate(_strings(_count(1000), 2)):
        if i % 2:
            data = bytes(rng.randrange(256) for _ in range(rng.randint(0, 60)))
        else:
            data = text.encode(encodings[i // 2 % len(encodings)], errors="ignore")
        try:
            raw = decode_bytes(data, "fuzz.txt")
        except CorpusError as exc:
            assert str(exc).startswith("fuzz.txt") and "\n" not in str(exc)
            continue
        assert raw.text.strip()
        if i % 2 == 0 and encodings[i // 2 % len(encodings)] == "utf-8":
            expected = text[1:] if text.startswith("\ufeff") else text   # a leading U+FEFF is a BOM in bytes
            assert raw.text == expected and raw.encoding == "utf-8"  # valid UTF-8 is taken as UTF-8


def test_fuzz_parse_plan():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for text in _strings(_count(200), 3):
            units = parse_plan(text)
            assert isinstance(units, pd.DataFrame)
            for row in units.itertuples():
                assert 0 <= row.start <= row.end <= len(text)


def test_fuzz_extract_targets():
    for text in _strings(_count(200), 4):
        found = extract_targets(text)
        for row in found.itertuples():
            assert text[row.start:row.end] == row.quote


# --------------------------------------------------------------------------
# linearity


def _families(n: int) -> dict[str, str]:
    """Adversarial inputs of about n characters."""
    run = "".join(SPACES[i % len(SPACES)] for i in range(n))
    return {
        "mixed-space-run": "教育" + run + "发展达到95%\n",
        **{f"run-U+{ord(ch):04X}": "达到" + ch * n + "95%\n" for ch in ("\u00a0", "\u3000", " ", "\t", "\u2003")},
        "markers": "一、" * (n // 2),
        "paren-markers": "(一)" * (n // 3),
        "digit-run": "达到" + "9" * n + "%",
        "nested-brackets": "(" * (n // 2) + ")" * (n // 2),
        "nested-book-titles": "《" * (n // 2) + "》" * (n // 2),
        "newline-run": "一、" + "\n" * n + "二、",
        "targets": "达到95%，" * (n // 6),
    }


#: Largest time ratio allowed for a 10× longer input (a linear function gives ~10×, a quadratic one ~100×).
BOUND = 12


def _time(fn, text) -> float:
    return cpu_seconds(fn, text, repeat=2 if len(text) > 200_000 else 3)  # one run at 1M is noisy


def _decode_utf8(text: str) -> object:
    return decode_bytes(text.encode("utf-8"))


def _decode_gb18030(text: str) -> object:
    try:
        return decode_bytes(text.encode("gb18030"))
    except CorpusError:
        return None


def _quiet(fn):
    def run(text: str) -> object:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return fn(text)
    return run


FUNCTIONS = {"clean_text": clean_text, "decode_utf8": _decode_utf8, "decode_gb18030": _decode_gb18030,
             "parse_plan": _quiet(parse_plan), "extract_targets": extract_targets}


def _growth(name: str, small: int) -> dict[str, float]:
    fn = FUNCTIONS[name]
    fn("预热 warm-up 一、总体要求\n(一)达到95%。")
    small_set, big_set = _families(small), _families(small * 10)
    ratios = {fam: growth_ratio(lambda fam=fam: _time(fn, big_set[fam]) / _time(fn, small_set[fam]), BOUND)
              for fam in small_set}
    print(f"\n{name} {small:,} → {small * 10:,}: " + ", ".join(f"{k} {v:.1f}×" for k, v in ratios.items()))
    return ratios


@pytest.mark.parametrize("name", ["clean_text", "decode_utf8", "decode_gb18030", "parse_plan"])
def test_linear_10k_to_100k(name):
    ratios = _growth(name, 10_000)
    assert max(ratios.values()) <= BOUND, ratios


def test_linear_extract_targets_small():
    ratios = _growth("extract_targets", 2_000 if not FULL else 10_000)
    assert max(ratios.values()) <= BOUND, ratios


@full_only
@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_linear_100k_to_1m(name):
    ratios = _growth(name, 100_000)
    assert max(ratios.values()) <= BOUND, ratios
