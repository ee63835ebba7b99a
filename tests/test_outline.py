"""Tests of policylens.outline: the one outline-marker grammar."""
from __future__ import annotations

import re
import time

import pytest
from timing import cpu_seconds, growth_ratio

from policylens.outline import (
    MARKER,
    RANK,
    inline_breaks,
    is_heading_line,
    iter_line_markers,
    match_marker,
    prepare,
    strip_marker,
)


@pytest.mark.parametrize("line,kind,number,value", [
    ("第一部分 总体要求", "part", "第一部分", 1),
    ("第二篇　发展环境", "part", "第二篇", 2),
    ("第十二章 保障措施", "chap", "第十二章", 12),
    ("第三节 推进改革", "sect", "第三节", 3),
    ("一、指导思想", "sec", "一", 1),
    ("二 、主要任务", "sec", "二", 2),
    ("十一．加强党建", "sec", "十一", 11),
    ("一　总体要求", "secsp", "一", 1),
    ("(一)推进改革", "cnp", "(一)", 1),
    ("（五）、加强队伍建设", "cnp", "(五)", 5),
    ("（ 三 ）提升质量", "cnp", "(三)", 3),
    ("1.强化学习", "num", "1", 1),
    ("１．强化学习", "num", "1", 1),
    ("12、建好组织", "num", "12", 12),
    ("3 .落实经费", "num", "3", 3),
    ("5 深化改革", "numsp", "5", 5),
    ("⒈强化学习", "dstop", "1", 1),
    ("(1)读原著", "nump", "(1)", 1),
    ("（２）学原文", "nump", "(2)", 2),
    ("1)悟原理", "numr", "(1)", 1),
    ("3）、做实事", "numr", "(3)", 3),
    ("⑷做到学深悟透", "pdig", "(4)", 4),
    ("③完成改造", "circ", "③", 3),
    ("\u3000\u3000(二)巩固基础", "cnp", "(二)", 2),
])
def test_every_marker_form(line, kind, number, value):
    marker = match_marker(line)
    assert marker is not None
    assert (marker.type, marker.number, marker.value) == (kind, number, value)
    assert marker.rank == RANK[kind]
    assert line[marker.start:marker.end] == marker.text


@pytest.mark.parametrize("line", [
    "2018年全市新建学校20所。",
    "2011年每个街道建成1所社区学校。",
    "12至45周岁人口受教育年限达到10.5年。",
    "12 至45周岁人口",
    "巩固率：95%",
    "2.0版教育信息化行动计划",
    "1.5亿元用于改扩建",
    "一、二年级全面实施课后服务。",
    "一 、二年级",
    "10 个乡镇建成中心校",
    "2021 年完成",
    "一是扩大普惠资源",
    "第一，推进改革",
    "(2018—2020年)规划",
])
def test_not_markers(line):
    assert match_marker(line) is None


def test_ranks_order_the_levels():
    order = ["第一部分", "第一章", "第一节", "一、", "(一)", "1.", "(1)", "①"]
    ranks = [match_marker(m + " 标题").rank for m in order]
    assert ranks == sorted(ranks) and len(set(ranks)) == len(ranks)
    assert match_marker("⑴x").rank == match_marker("(1)x").rank == match_marker("1)x").rank
    assert match_marker("⒈x").rank == match_marker("1.x").rank


def test_chapter_markers_count_only_on_heading_lines():
    assert is_heading_line("第一章 发展基础")
    assert not is_heading_line("第一章第三条规定，学校应当开展教育活动。")
    assert not is_heading_line("第二节课后开展体育活动")
    assert is_heading_line("1.强化学习。用习近平新时代中国特色社会主义思想武装头脑。")
    assert not is_heading_line("全面落实立德树人根本任务")


def test_iter_line_markers_finds_line_starts_only():
    text = "一、总体要求\n坚持1.改革。\n（一）推进改革\n第一章第三条规定，学校应当开展教育活动。\n2.加强队伍\n"
    assert [m.number for m in iter_line_markers(text)] == ["一", "(一)", "2"]


def test_strip_marker():
    assert strip_marker("（三）1. 加强队伍建设") == "加强队伍建设"
    assert strip_marker("一、二年级课后服务") == "一、二年级课后服务"
    assert strip_marker("加强队伍建设") == "加强队伍建设"


def _scan(text: str) -> None:
    """Try MARKER at the start and at every 97th position of ``text``."""
    MARKER.match(text)
    for pos in range(0, len(text), 97):
        MARKER.match(text, pos, min(len(text), pos + 200))


@pytest.mark.parametrize("unit", [" ", "一", "(", "1", "\u3000"])
def test_marker_pattern_is_linear_on_long_runs(unit):
    big, small = unit * 200_000 + "x", unit * 20_000 + "x"
    ratio = growth_ratio(lambda: cpu_seconds(_scan, big) / cpu_seconds(_scan, small), 15)
    assert ratio <= 15, (unit, ratio)  # x10 input: linear is ~x10, quadratic ~x100
    assert isinstance(MARKER, re.Pattern)


def test_inline_breaks_and_prepare_are_linear_on_hostile_lines():
    prepare("辦(bàn)")                                   # load the OpenCC dictionaries once
    for unit in ("。二、", "(一)", "1.", "推(", "辦(bàn", "【", "第一章", "一、"):
        times = []
        for n in (2_000, 8_000):
            text = "一、" + unit * n + "3、"
            best = float("inf")
            for _ in range(2):                                  # best of two: the machine is shared
                begin = time.process_time()
                prepared = prepare(text)
                best = min(best, time.process_time() - begin)
            times.append(best)
            assert len(prepared.offsets) == len(prepared.text)
        assert times[1] < 10 * times[0] + 0.1, (unit, times)     # x4 input: linear is ~x4


def test_prepare_deletes_annotations_and_maps_back():
    text = "推動(tuī dòng)全縣教育，辦(ban4)好學校（繁體字：辦），办(繁:辦)好(繁荣发展)。"
    prepared = prepare(text)
    assert prepared.text == "推动全县教育，办好学校，办好(繁荣发展)。"
    assert all(0 <= o < len(text) for o in prepared.offsets)
    assert text[prepared.offsets[prepared.text.index("全")]] == "全"


def test_lost_line_breaks_are_restored_only_for_continuing_numbers():
    assert inline_breaks("一、总体要求。二、主要任务。四、保障措施") == [7]          # 四 does not continue 二
    assert inline_breaks("(一)推进改革。落实(1)项制度，(2)项办法。\n") == []
    text = "三、重点工作（一）加强党建。（二）推进改革。"
    assert [text[i] for i in inline_breaks(text)] == ["（", "（"]


def test_annotation_pattern_finds_what_the_look_behind_first_pattern_found():
    """_ANNOTATION opens every alternative with the bracket (so a search skips to brackets) and
    checks the CJK character behind it: the same matches as the pattern written look-behind first."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from policylens.outline import _ANNOTATION, _TONED

    written = re.compile(
        f"(?<=[\u4e00-\u9fff])[(（](?=[a-z ]{{0,30}}[{_TONED}])[a-z{_TONED} ]{{1,40}}[)）]"
        f"|(?<=[\u4e00-\u9fff])[(（][a-z]{{1,6}}[1-5][)）]"
        "|[(（]繁(?:[体體]字?[:：]?|[:：])[^()（）\n]{1,6}[)）]")
    piece = st.sampled_from(["动", "辦", "(", "（", ")", "）", "dòng", "dong4", "ban", " ", "繁", "体", "體", "字", ":",
                             "：", "a", "ǎ", "3", "\n", "x1", "一"])

    @settings(max_examples=600, deadline=None, derandomize=True)
    @given(st.lists(piece, max_size=14))
    def check(pieces):
        text = "".join(pieces)
        assert [m.span() for m in _ANNOTATION.finditer(text)] == [m.span() for m in written.finditer(text)]

    check()
    assert _ANNOTATION.search("推动(dòng)改革").group() == "(dòng)"
    assert _ANNOTATION.search("a(dòng)") is None


def test_inline_start_pattern_finds_what_the_plain_alternation_found():
    """_INLINE_START opens with the class of first characters (a fast search) and names the
    alternative by a look-behind: the same matches as the alternation as first written."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from policylens.outline import _INLINE_START

    written = re.compile(
        "第[一二三四五六七八九十百零〇两]{1,4}[章节篇部]"
        "|[(（][ \u3000]*[一二三四五六七八九十百零〇两0-9０-９]"
        "|[一二三四五六七八九十百零〇两]{1,4}[ \u3000]*[、.．]"
        "|[0-9０-９]{1,3}[ \u3000]*[.．、)）]"
        "|[\u2460-\u249b]")
    piece = st.sampled_from(list("第一二十百〇两章节部(（)）、.．0１29 \u3000①⒈⑴⒛统是。a") + ["2018年", "三、", "(一)", "10."])

    @settings(max_examples=800, deadline=None, derandomize=True)
    @given(st.lists(piece, max_size=16), st.integers(0, 4), st.integers(0, 6))
    def check(pieces, start, cut):
        text = "".join(pieces)
        end = max(len(text) - cut, 0)
        expected = [m.span() for m in written.finditer(text, start, end)]
        assert [m.span() for m in _INLINE_START.finditer(text, start, end)] == expected

    check()


def test_a_first_marker_after_a_title_and_its_date_stamp_opens_the_outline():
    """A page saved as one line: breadcrumb, title and publication stamp, then 一、 — page noise before the first
    marker, as a title alone would be."""
    line = ("首页 > 教育资讯 > 规划计划 广丰县教育局2006年工作要点 发布时间:2006-03-10 一、全面普及九年义务教育 "
            "1.小学适龄儿童入学率达到99.5%以上。2.完成中小学危房改造3.2万平方米。二、积极发展职业教育 3.职业高中招生1500人。")
    got = [line[i:i + 2] for i in inline_breaks(line)]
    assert got == ["一、", "1.", "2.", "二、", "3."]
    # a date that is not a stamp after a title is no page noise
    assert inline_breaks("2006年3月10日召开会议研究 一、全面普及九年义务教育 1.小学适龄儿童入学率达到99.5%以上。") == []
