"""Rewritten scans of rule-file patterns give the spans of the patterns as written (policylens.regexscan)."""
from __future__ import annotations

import csv
import dataclasses
import random
import re
from functools import lru_cache

import pytest

from policylens import config, regexscan
from policylens.normalize import normalize
from policylens.regexscan import required_literals, span_scanner
from policylens.targets.rules import load_rules

try:
    from re import _parser as sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover
    import sre_parse  # type: ignore[no-redef]


def _spans(pattern: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    return [m.span() for m in pattern.finditer(text)]


@lru_cache(maxsize=1)
def _texts() -> tuple[str, ...]:
    """Plans of the founding corpus, the whole plans and the excerpts of the evaluation sets (normalized)."""
    texts = [p.read_text(encoding="utf-8") for p in sorted(config.DATA_RAW.glob("*.txt"))]
    texts += [p.read_text(encoding="utf-8") for p in sorted((config.EVAL / "targets_plans").glob("*.txt"))]
    for name in ("targets_external.csv", "targets_blind.csv"):
        path = config.EVAL / name
        if path.exists():
            with path.open(encoding="utf-8") as fh:
                texts += sorted({row["text"] for row in csv.DictReader(fh)})
    return tuple(normalize(t).text for t in texts)


def _fuzz(pattern: re.Pattern[str], n: int = 400, seed: int = 0) -> list[str]:
    """Random strings of the pattern's own words and characters, digit runs, numerals, spaces and punctuation."""
    runs = re.findall(r"[^\x00-\x7f]+", pattern.pattern)
    tokens = sorted(set(runs) | {ch for run in runs for ch in run})
    tokens += [*"0123456789", "12", "2020", "1998", "010", "-", "/", ".", ":", "(", ")", " ", "  ", "\n",
               *"一二两三四五十百年月个,。、x", "ICP", "www.", "a.html", "2025年", "—", "1:7", "∶", "1.5"]
    rng = random.Random(seed)
    return ["".join(rng.choice(tokens) for _ in range(rng.randint(0, 16))) for _ in range(n)]


def _exclusions() -> list[re.Pattern[str]]:
    return [pattern for pattern, _reason in load_rules().exclusions]


_ASTRAL = ("𝟑年级", "第𝟐届", "𝟏𝟗𝟗𝟖年", "三𝟘岁", "𝟐:𝟑𝟎", "\U00020000一年")   # decimal digits beyond the BMP


@pytest.mark.parametrize("index", range(len(_exclusions())))
def test_exclusion_scanner_gives_the_same_spans(index):
    pattern = _exclusions()[index]
    scanner = span_scanner(pattern)
    bmp = regexscan.bmp_scanner(scanner)
    for text in (*_texts(), *_fuzz(pattern, seed=index)):
        assert not regexscan.beyond_bmp(text)
        assert _spans(scanner, text) == _spans(pattern, text), (pattern.pattern, scanner.pattern, text[:80])
        assert _spans(bmp, text) == _spans(pattern, text), (pattern.pattern, text[:80])
    for text in _ASTRAL:
        assert regexscan.beyond_bmp(text)
        assert _spans(scanner, text) == _spans(pattern, text), (pattern.pattern, scanner.pattern, text)


def test_bmp_digits_are_what_backslash_d_matches_in_the_bmp():
    bmp = re.compile("[" + regexscan._bmp_decimals() + "]")
    digit = re.compile(r"\d")
    assert all(bool(bmp.match(chr(c))) == bool(digit.match(chr(c))) for c in range(0x10000))
    assert regexscan.bmp_scanner(re.compile(r"[一二]x")).pattern == "[一二]x"      # no \d: as it is
    assert not regexscan.beyond_bmp("教育 a\ud800b\uffff") and regexscan.beyond_bmp("x\U00010000")


def test_build_mask_as_the_rules_are_written():
    """_build_mask with the scanners, the required words and the BMP sets masks what the patterns as written mask."""
    from policylens.targets import numbers

    rules = load_rules()

    def by_patterns(t):
        mask = bytearray(len(t))
        for pattern, _reason in rules.exclusions:
            for m in pattern.finditer(t):
                mask[m.start():m.end()] = b"\x01" * (m.end() - m.start())
        for marker in numbers._outline_markers(t):
            mask[marker.start:marker.end] = b"\x01" * (marker.end - marker.start)
        return mask

    for text in (*_texts(), *_ASTRAL, "".join(_ASTRAL) + _texts()[0]):
        assert numbers._build_mask(text, rules)[0] == by_patterns(text), text[:80]


@pytest.mark.parametrize("index", range(len(_exclusions())))
def test_a_text_with_a_match_has_every_required_group(index):
    pattern = _exclusions()[index]
    groups = required_literals(pattern)
    for text in (*_texts(), *_fuzz(pattern, seed=index)):
        if pattern.search(text):
            assert all(any(lit in text for lit in group) for group in groups), (pattern.pattern, groups, text[:80])


def test_rules_scan_each_exclusion():
    rules = load_rules()
    assert len(rules.exclusion_scans) == len(rules.exclusions)
    for (scanner, bmp, _literals), (pattern, _reason) in zip(rules.exclusion_scans, rules.exclusions):
        for scan in (scanner, bmp):
            first = sre_parse.parse(scan.pattern).data[0][0]
            assert first in (sre_parse.LITERAL, sre_parse.IN), pattern.pattern  # the engine skips to a first character
    other = dataclasses.replace(rules, exclusions=((re.compile(r"(?<!x)年级"), "a test rule"),))
    assert [scanner.pattern for scanner, _, _ in other.exclusion_scans] == [span_scanner(other.exclusions[0][0]).pattern]


@pytest.mark.parametrize("pattern, texts", [
    (r"(?<![ab])c{1,3}d?", ["c", "acccd", "bcc", "xcccccd", "cd\nc"]),
    (r"(?<!\n)x", ["\nx", "x\nx", "xx"]),                          # the moved lookbehind also sees a newline
    (r"(?<=a)(?:b|bc)c?", ["abc", "abcc", "bc", "ab"]),            # alternatives keep their order
    (r"(?:x{1,2}|[yz])+?w", ["xxyw", "zw", "xw xxxw"]),
    (r"a?b", ["ab", "b", "aab", "a"]),                              # an optional first item: take it first
    (r"a??b", ["ab", "b", "aab"]),                                  # lazy: skip it first
    (r"(?:\d\s*-\s*)?\d+岁", ["3-6岁", "3 - 6 岁", "6岁", "-6岁"]),
    (r"(?P<a>\d)(?P<b>x)|(?<!y)z", ["1x", "yz z", "zz"]),
    (r"(?<!x)a{0}b", ["b", "xb", "ab"]),
    (r"(?<!x)(?:ab|a)+?c{0,2}", ["abab", "aac", "xab", "abcccab"]),
])
def test_shapes(pattern, texts):
    compiled = re.compile(pattern)
    scanner = span_scanner(compiled)
    assert scanner is not compiled
    for text in texts:
        assert _spans(scanner, text) == _spans(compiled, text), (pattern, scanner.pattern, text)


@pytest.mark.parametrize("pattern", [
    r"(?=a)ab",          # a leading lookahead cannot move
    r"a*",               # may match empty
    r"(?i)(?<!x)abc",    # flags
    r"^(?<!x)\d",        # an anchor
    r"(a)(?<!x)\1",      # a back reference
])
def test_unhandled_shapes_stay_as_written(pattern):
    compiled = re.compile(pattern)
    assert span_scanner(compiled) is compiled


def test_required_literals_shapes():
    assert required_literals(re.compile(r"(?<!\d)\d{1,2}个明确|(?<!\d)\d{1,2}条基本方略")) == (("个明确", "条基本方略"),)
    assert required_literals(re.compile(r"\d+(?:年|个月)")) == (("个月", "年"),)
    assert required_literals(re.compile(r"\d年(?=累计|合计)")) == (("年",), ("合计", "累计"))   # a lookahead's words too
    assert required_literals(re.compile(r"年级|\d年")) == (("年",),)        # 年级 implies 年
    assert required_literals(re.compile(r"\d+(?!年)")) == ()
    assert required_literals(re.compile(r"a?b?")) == ()
    assert regexscan.scan(re.compile(r"每\s*\d+年(?=累计)"))[2] == ()         # the engine looks for 每 itself
    assert regexscan.scan(re.compile(r"(?<!\d)\d+年(?=累计)"))[2] == (("年",), ("累计",))


def _scanned_patterns() -> list[re.Pattern[str]]:
    from policylens.targets import numbers

    return [numbers._NUM_RE, numbers._YEAR_RE, load_rules().ratio_re]


@pytest.mark.parametrize("index", range(3))
def test_finditer_gives_the_same_matches(index):
    pattern = _scanned_patterns()[index]
    scanner = span_scanner(pattern)
    assert scanner is not pattern
    bmp = regexscan.bmp_scanner(scanner)
    for text in (*_texts(), *_fuzz(pattern, n=2000, seed=index), *_ASTRAL):
        expected = [(m.span(), m.groups()) for m in pattern.finditer(text)]
        assert [(m.span(), m.groups()) for m in regexscan.finditer(pattern, scanner, text)] == expected, text[:80]
        if not regexscan.beyond_bmp(text):
            assert [(m.span(), m.groups()) for m in regexscan.finditer(pattern, bmp, text)] == expected, text[:80]
