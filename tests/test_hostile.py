"""Hostile input: fuzzing (no crash, invariants hold) and linear growth on adversarial text, for every public function.

The acceptance sizes of the reliability issue run in the default suite:

* **fuzz**: 10,000 seeded random inputs per public text-taking function (``clean``/``clean_text``,
  ``normalize``, ``decode_bytes``, ``parse_plan``, ``Plan.from_text`` with its units and sentences,
  ``extract_targets``, ``extract_quantities``, ``tokenize``, ``code_tasks`` — fed in frames of many
  rows, every row one input — and ``read_manifest`` on fuzzed manifest bytes): no exception other
  than the documented one-line :class:`CorpusError`, and the invariants of each output hold;
* **linearity**: every function on every adversarial family (runs of every Unicode space, repeated
  markers, digit runs, nested brackets, newline runs, dense targets) at 100k and 1M characters: the
  ratio of CPU times is at most 12 (a linear function gives ~10×, a quadratic one ~100×); each family
  is re-measured up to five times (``tests/timing.py``) before it fails.

Print the measured ratios with ``python -m pytest tests/test_hostile.py -s``.
"""
from __future__ import annotations

import random
import warnings

import pandas as pd
import pytest
from timing import cpu_seconds, growth_ratio

from policylens import tokens
from policylens.corpus import clean, clean_text
from policylens.document import Plan
from policylens.manifest import MANIFEST_COLUMNS, read_manifest
from policylens.normalize import normalize
from policylens.rawfile import CorpusError, decode_bytes
from policylens.structure import parse_plan
from policylens.targets import extract_quantities, extract_targets
from policylens.taxonomy import code_tasks, domain_codes
from policylens.tokens import tokenize

#: Random inputs per public function (the acceptance figure).
FUZZ_INPUTS = 10_000

# every Unicode space (Zs), the line/paragraph separators, other str.isspace() characters and zero-width ones
SPACES = ("\u0020\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
          "\u2028\u2029\x85\t\x0b\x0c\x1c\x1d\x1e\x1f\u200b\ufeff\r")
ALPHABET = (list("一二三四五六七八九十、（）()．.。，,；：%％〇０１２３４５６７８９0123456789\n教育发展达到以上不低于万人所名亿元年月日第章节条"
                 "《》—-~XＸ某市县区是计划要点") + list(SPACES) + ["\x00", "\x07", "\U00020000", "é", "😀", "Я", "\ud7ff"])


def _strings(n: int, seed: int) -> tuple[str, ...]:
    rng = random.Random(seed)
    return tuple("".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 40))) for _ in range(n))


def _inside(text: str, start: int, end: int) -> bool:
    return 0 <= start <= end <= len(text)


# --------------------------------------------------------------------------
# fuzz


def test_fuzz_clean_text():
    for text in _strings(FUZZ_INPUTS, 1):
        result = clean(text)
        assert result.text == clean_text(text)
        assert len(result.offsets) == len(result.text) and "\n\n" not in result.text
        assert result.text == result.text.strip("\n")
        assert all(0 <= a <= b < len(text) for a, b in zip(result.offsets, result.offsets[1:]))


def test_fuzz_normalize():
    for text in _strings(FUZZ_INPUTS, 5):
        norm = normalize(text)
        assert len(norm.text) == len(text) == len(norm.offsets) == norm.source_length   # 1:1 rewrites
        assert list(norm.offsets) == list(range(len(text)))


def test_fuzz_decoding():
    rng = random.Random(2)
    encodings = ["utf-8", "utf-8-sig", "gb18030", "big5", "utf-16", "shift_jis", "euc_kr"]
    for i, text in enumerate(_strings(FUZZ_INPUTS, 2)):
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


def _check_units(units: pd.DataFrame, text: str) -> None:
    """Every unit's span inside the text, its text and body the spans they claim, in document order."""
    assert units["seq"].tolist() == list(range(1, len(units) + 1))
    previous_end = 0
    for start, body_start, end, unit_text, body in zip(*(units[c].tolist() for c in
                                                        ("start", "body_start", "end", "text", "body"))):
        assert _inside(text, start, end) and start <= body_start <= end
        assert unit_text == text[start:end] and body == text[body_start:end]
        assert start >= previous_end            # units tile the text: no overlap
        previous_end = end


def test_fuzz_parse_plan():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for text in _strings(FUZZ_INPUTS, 3):
            units = parse_plan(text)
            assert isinstance(units, pd.DataFrame)
            _check_units(units, text)


def test_fuzz_plan_from_text():
    for text in _strings(FUZZ_INPUTS, 6):
        plan = Plan.from_text(text, doc_id="fuzz")
        assert len(plan.offsets) == len(plan.text) and plan.raw == text
        offsets = plan.offsets.tolist()
        assert offsets == sorted(offsets) and all(0 <= a < len(text) for a in offsets[:1] + offsets[-1:])
        _check_units(plan.units, plan.text)
        sentences = plan.sentences
        for start, end, sentence in zip(*(sentences[c].tolist() for c in ("start", "end", "text"))):
            assert _inside(plan.text, start, end) and sentence == plan.text[start:end]
        raw_start, raw_end, line = plan.to_raw(0, len(plan.text))
        assert _inside(text, raw_start, raw_end) and line >= 1


def test_fuzz_extract_targets():
    for text in _strings(FUZZ_INPUTS, 4):
        found = extract_targets(text)
        for start, end, quote, status in zip(*(found[c].tolist() for c in ("start", "end", "quote", "status"))):
            assert _inside(text, start, end) and text[start:end] == quote and status == "target"


def test_fuzz_extract_quantities():
    statuses = {"target", "achieved", "baseline", "forecast"}
    for text in _strings(FUZZ_INPUTS, 7):
        found = extract_quantities(text)
        for start, end, quote, status in zip(*(found[c].tolist() for c in ("start", "end", "quote", "status"))):
            assert _inside(text, start, end) and text[start:end] == quote and status in statuses


def test_fuzz_tokenize():
    for text in _strings(FUZZ_INPUTS, 8):
        normalized = normalize(text).text
        for token in tokenize(text):
            assert token and token in normalized


def test_fuzz_code_tasks():
    """Inputs go in frames of 1,000 rows (one input a row), every row coded once."""
    domains = set(domain_codes())
    texts = _strings(FUZZ_INPUTS, 9)
    for first in range(0, len(texts), 1000):
        batch = list(texts[first:first + 1000])
        index = pd.RangeIndex(first, first + len(batch))
        frame = pd.DataFrame({"heading": [t[:12] for t in batch], "text": batch}, index=index)
        coded = code_tasks(frame)
        assert list(coded.index) == list(index) and list(coded["text"]) == batch
        assert set(coded["domain"]) <= domains
        assert coded["confidence"].between(0, 1).all()


_HEADER = ",".join(MANIFEST_COLUMNS)


def test_fuzz_read_manifest(tmp_path):
    """Fuzzed manifest bytes: rows read or problems reported as one line naming the manifest, never a crash."""
    rng = random.Random(10)
    path = tmp_path / "manifest.csv"
    pieces = [",", '"', "\n", "\r\n", "\u2028", "baotou-2018", "2018", "2018-04-08", "true", "city",
              "work_plan", "包头市", "abc", "\x00", "\ufeff"]
    for i, text in enumerate(_strings(FUZZ_INPUTS, 10)):
        body = "".join(rng.choice(pieces) if rng.random() < 0.5 else ch for ch in text)
        data = (_HEADER + "\n" + body if i % 3 else text).encode(("utf-8", "gb18030", "utf-16")[i % 3],
                                                                  errors="ignore")
        path.write_bytes(data)
        errors: list[CorpusError] = []
        try:
            frame = read_manifest(path, tmp_path, errors=errors)
        except CorpusError as exc:
            assert str(exc).startswith(str(path)) and "\n" not in str(exc)
            continue
        assert isinstance(frame, pd.DataFrame)
        for exc in errors:
            assert str(exc).startswith(str(tmp_path)) and "\n" not in str(exc)


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
SMALL, BIG = 100_000, 1_000_000
#: Measurements per family before it fails: a loaded machine can push a linear function past 12× a few
#: times in a row; a quadratic one (~100×) fails every try.
TRIES = 5


def _decode_utf8(text: str) -> object:
    return decode_bytes(text.encode("utf-8"))


def _decode_gb18030(text: str) -> object:
    try:
        return decode_bytes(text.encode("gb18030"))
    except CorpusError:
        return None


def _parse_plan(text: str) -> object:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return parse_plan(text)


def _plan(text: str) -> object:
    """The document model's own work: cleaning, the offset map and the sentences (units: ``parse_plan``)."""
    return Plan.from_text(text).sentences


def _tokenize(text: str) -> object:
    tokens._tokens.cache_clear()            # memoised per text: time the work, not the cache
    return tokenize(text)


def _code_tasks(text: str) -> object:
    return code_tasks(pd.DataFrame({"heading": [text[:40]], "text": [text]}))


FUNCTIONS = {"clean_text": clean_text, "normalize": normalize, "decode_bytes(utf-8)": _decode_utf8,
             "decode_bytes(gb18030)": _decode_gb18030, "parse_plan": _parse_plan, "Plan.from_text": _plan,
             "extract_targets": extract_targets, "extract_quantities": extract_quantities,
             "tokenize": _tokenize, "code_tasks": _code_tasks}


@pytest.fixture(scope="module")
def families() -> tuple[dict[str, str], dict[str, str]]:
    return _families(SMALL), _families(BIG)


@pytest.mark.parametrize("name", list(FUNCTIONS))
def test_linear_100k_to_1m(name, families):
    fn = FUNCTIONS[name]
    fn("预热 warm-up 一、总体要求\n(一)达到95%。")
    small_set, big_set = families

    def ratio(family: str) -> float:
        """Best of 3 at 100k; at 1M one run, a second when the first took under 2 s (cheap: less noise)."""
        small = cpu_seconds(fn, small_set[family], repeat=3)
        big = cpu_seconds(fn, big_set[family], repeat=1)
        if big < 2.0:
            big = min(big, cpu_seconds(fn, big_set[family], repeat=1))
        return big / small

    ratios = {family: growth_ratio(lambda family=family: ratio(family), BOUND, tries=TRIES) for family in small_set}
    print(f"\n{name} {SMALL:,} → {BIG:,}: " + ", ".join(f"{k} {v:.1f}×" for k, v in ratios.items()))
    assert max(ratios.values()) <= BOUND, ratios
