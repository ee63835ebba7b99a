"""Property-based tests: cleaning never raises and its offset map stays exact."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policylens.corpus import CorpusError, clean, decode_bytes
from policylens.normalize import WIDTH_TABLE

PIECES = st.sampled_from([
    "一、总体要求", "(一)推进义务教育优质均衡发展。", "1．强化思想引领。", "\n", "  ", "\u3000", "\r\n",
    "发布时间:2018-04-08 来源:教育局", "您现在的位置: 首页 > 政策文件", "蒙ICP备05003330号",
    "[打印页面 | 关闭页面]", "沧州市教育机构,", "《方案(20162020)》", "《36岁儿童学习与发展指南》",
    "全市学前三年幼儿入园率达到９４％", "ＡＢＣ", "教育局全年工作打算", "本文来源:https://example.org/x.html",
])
TEXTS = st.one_of(st.text(max_size=300), st.lists(st.one_of(PIECES, st.text(max_size=12)), max_size=40).map("".join))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXTS)
def test_clean_never_raises_and_maps_every_character(raw):
    result = clean(raw)
    assert len(result.offsets) == len(result.text)
    assert all(0 <= o <= len(raw) for o in result.offsets)
    assert all(b >= a for a, b in zip(result.offsets, result.offsets[1:]))
    if not result.traditional_converted:
        for ch, pos in zip(result.text, result.offsets):
            assert ch in "\n -" or raw[pos].translate(WIDTH_TABLE) == ch


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=400))
def test_decoding_random_bytes_gives_text_or_a_clear_error(data):
    try:
        raw = decode_bytes(data, "random.txt")
    except CorpusError as exc:
        assert str(exc).startswith("random.txt")
    else:
        assert raw.text.strip()
