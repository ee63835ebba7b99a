"""Tests of policylens.normalize: the fast paths give OpenCC's answer, never a different one."""
from __future__ import annotations

import random
import re

import pytest

from policylens import normalize as nz


def _opencc(text: str) -> str:
    """``to_simplified`` without its fast path: OpenCC on the whole text, char by char when lengths differ."""
    converted = nz._t2s().convert(text)
    return converted if len(converted) == len(text) else "".join(map(_alone, text))


def _alone(ch: str) -> str:
    """``ch`` converted by OpenCC on its own (the reference for the table of ``_t2s_char``)."""
    out = nz._t2s().convert(ch)
    return out if len(out) == 1 else ch


def _counts(text: str) -> tuple[int, int]:
    cjk = re.findall(r"[\u4e00-\u9fff]", text)
    return len(cjk), sum(map(str.__ne__, map(_alone, cjk), cjk))


@pytest.mark.parametrize("text", [
    "全面加强党的建设，推进学前教育普及普惠发展",        # Simplified: returned as is
    "學前教育毛入園率達到90%以上",                     # Traditional characters
    "反覆研究，沈默不語",                              # phrases of characters t2s keeps alone (覆, 沈)
    "一目瞭然的𠀀字和教育",                             # a character beyond the BMP: the slow path
    "",
])
def test_to_simplified_gives_opencc_s_answer(text):
    assert nz.to_simplified(text) == _opencc(text)


def test_fast_paths_agree_with_opencc_on_random_text():
    rng = random.Random(7)
    alphabet = ([chr(c) for c in range(0x3400, 0xA000, 3)] + [chr(c) for c in range(0x20000, 0x20100)]
                + list("，。、 \n12ab覆沈瞭藉"))
    phrases = nz._convertible()[2].pattern.replace("\\", "").split("|")
    for i in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        if i % 2:
            text += rng.choice(phrases) + text[:5]
        assert nz.to_simplified(text) == _opencc(text), text
        assert nz._cjk_counts(text) == _counts(text), text


def test_simplified_unit_text_is_not_detected_as_traditional():
    text = "（三）推进义务教育优质均衡发展。新建、改扩建中小学校12所，新增学位8000个。"
    result = nz.normalize(text)
    assert result.text == "(三)推进义务教育优质均衡发展。新建、改扩建中小学校12所，新增学位8000个。"  # （）folded
    assert not result.converted_traditional


def test_the_table_of_single_characters_is_opencc_on_each_character():
    """``_t2s_char`` reads one table built by one OpenCC call: it must agree with OpenCC character by character."""
    block = [chr(code) for code in range(nz._CJK_FIRST, nz._CJK_LAST + 1)]
    extra = sorted({ch for key in nz._t2s_keys() for ch in key} - set(block))
    assert [nz._t2s_char(ch) for ch in block + extra] == [_alone(ch) for ch in block + extra]


def test_long_text_counts_agree_with_counting_every_character():
    """A long text's CJK characters are counted from a histogram and a per-character table of what
    t2s changes: the counts of looking at every character."""
    rng = random.Random(11)
    alphabet = [chr(c) for c in range(0x4E00, 0xA000, 7)] + list("學園達語覆沈，。 12ab") + [chr(0x20000)]
    for _ in range(3):
        text = "".join(rng.choice(alphabet) for _ in range(nz._LONG + rng.randint(0, 3000)))
        assert nz._cjk_counts(text) == _counts(text)
