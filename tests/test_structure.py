"""Tests of policylens.structure: outline forms, containers, kinds, anomalies, properties."""
from __future__ import annotations

import warnings

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policylens.evaluate.structure import (
    evaluate,
    evaluate_synthetic,
    load_synthetic,
    load_texts,
    mismatches,
    parse_corpus,
)
from policylens.normalize import normalize
from policylens.structure import UNIT_COLUMNS, StructureWarning, cn_to_int, find_anomalies, parse_outline, parse_plan

# Real lines of the corpus (shortened bodies).
BAOTOU = """2018年,是全面贯彻党的十九大精神开局之年,谋划做好2018年全市教育工作意义重大,影响深远。
  一、总体要求
\xa0 \xa0  以习近平新时代中国特色社会主义思想和党的十九大精神为指导,全面贯彻党的教育方针。
  二、发展目标
  全市学前三年幼儿入园率达到94%,全市公办和普惠性民办幼儿园在园幼儿比例达到82%。
  三、重要任务
  (一)推进全面从严治党,构建教育系统党建工作新格局
\xa0 \xa0  1.强化思想引领。用习近平新时代中国特色社会主义思想武装头脑、指导实践、推动工作。
  2.加强意识形态管控。落实意识形态工作责任制,坚持立德树人根本任务。
  (二)深化教育体制改革创新,为教育事业发展注入活力
  3.强化教育改革市级统筹。实施《包头市教育提升三年行动计划(2018—2020年)》。
  (五)全面落实保障措施,提升基础教育支撑能力
  20.加强教育基础能力建设。做好学校布局规划和重点项目建设工作。推动2018年23个新建、改扩建项目。
"""

CANGZHOU = """三、围绕校企合作、园区建设,在职业教育上实现新突破
(一)深化产教融合、校企合作。深入宣传贯彻《职教法》,坚持服务发展为宗旨。
(二)巩固中等职业教育基础地位。开展中职学校达标指导与验收。
四、围绕内涵发展、争创一流,在高等教育上实现新突破
推动高等教育内涵发展,支持沧州师范学院一流学科和硕士点建设。
五、围绕立德树人、启智润心,在五育并举上实现新突破
(一)加强和改进学校思想政治工作。推动思政课教学方式改革。
"""

ZHUZHOU = """2017年全市教育工作的总体要求:全面贯彻党的十八大以来的各项方针政策和习近平总书记系列重要讲话精神。

一、全面加强党的建设

1.强化理论学习。开展习近平总书记系列重要讲话精神和治国理政新理念新思想新战略重大主题宣传教育。

\xa0\xa0\xa0 2.建好基层组织。全面落实《关于加强中小学校党的建设工作的意见》。

二、着力提高教育质量

3.提高学生品德修养。全面实施《株洲市中小学生德育综合改革行动计划(2016-2018年)》。

15. 特色发展普高教育。建设3-5所高考改革试点校、1-2个高考改革试点县市。
"""

GUANGXI = """在贯彻落实《X教育提升三年行动计划》的基础上,为进一步促进我市教育高质量发展,特制定本计划。

一、总的要求和目标

(一)总的要求:深入学习贯彻习近平新时代中国特色社会主义思想。

(二)总的目标:通过三年时间,深入实施教育攻坚。

二、主要任务

(一)实施中小学校党建提升工程。

1.健全中小学校党建工作管理体制与运行机制。规范党组织隶属关系。

(六)推动高等教育发展。

修编《X市教育园区规划》,教育园区用地扩充到3万亩,为高校落户预留空间。

三、保障措施

(一)高位统筹抓教育。各级党委、人民政府要加强对教育发展的领导。

(二)加大教育投入。全市各级人民政府要严格落实教育投入责任。
"""


def covered_once(text: str, units: pd.DataFrame) -> bool:
    """Every non-whitespace character lies in exactly one unit span."""
    counts = [0] * len(text)
    for start, end in zip(units["start"], units["end"]):
        for i in range(start, end):
            counts[i] += 1
    return all(c == 1 for c, ch in zip(counts, text) if not ch.isspace())


def check_spans(text: str, units: pd.DataFrame) -> None:
    assert list(units.columns) == list(UNIT_COLUMNS)
    assert list(units["seq"]) == list(range(1, len(units) + 1))
    ends = list(units["end"])
    starts = list(units["start"])
    assert all(s <= e for s, e in zip(starts, ends))
    assert all(e <= s for e, s in zip(ends[:-1], starts[1:])), "spans overlap or are out of order"
    assert all(t == text[s:e] for t, s, e in zip(units["text"], starts, ends))
    assert all(b == text[s:e] for b, s, e in zip(units["body"], units["body_start"], ends))
    assert covered_once(text, units)


# --- the corpus -----------------------------------------------------------------------

def test_gold_agreement():
    from policylens.thresholds import maximum, minimum

    table = evaluate()
    print("\n" + table[["doc_id", "gold_units", "agree", "agreement", "extra_task_units"]]
          .to_string(index=False))
    assert (table["agreement"] >= minimum("structure", "gold.agreement")).all()
    assert table["extra_task_units"].sum() <= maximum("structure", "gold.extra_task_units")


def test_corpus_spans_tile_every_plan():
    for doc_id, text in load_texts().items():
        units = parse_plan(text)
        check_spans(text, units)
        assert (units["anomaly"] == "").all(), doc_id


# --- outline forms ---------------------------------------------------------------------

def test_baotou_three_levels_with_containers():
    units = parse_plan(BAOTOU)
    check_spans(BAOTOU, units)
    assert list(units["path"]) == ["", "一", "二", "三/(一)/1", "三/(一)/2", "三/(二)/3", "三/(五)/20"]
    assert list(units["kind"]) == ["preamble", "requirement", "goal", "task", "task", "task", "task"]
    first = units.iloc[3]
    # the container headings open the span of their first unit; the body is the unit's own
    assert first["text"].startswith("三、重要任务\n  (一)推进全面从严治党")
    assert first["body"].startswith("强化思想引领。用习近平")
    assert first["heading"] == "强化思想引领"
    assert first["parent_path"] == "三/(一)" and first["section_heading"] == "重要任务"
    assert units.iloc[1]["heading"] == "总体要求"
    assert units.iloc[1]["body"].startswith("以习近平新时代")
    # "(五)全面落实保障措施" stands under 三、重要任务: its items are tasks
    assert units.iloc[-1]["parent_heading"] == "全面落实保障措施,提升基础教育支撑能力"
    outline = parse_outline(BAOTOU)
    assert outline.loc[outline["is_container"], "path"].tolist() == ["三", "三/(一)", "三/(二)", "三/(五)"]


def test_cangzhou_section_without_children_is_a_unit():
    units = parse_plan(CANGZHOU)
    check_spans(CANGZHOU, units)
    assert list(units["path"]) == ["三/(一)", "三/(二)", "四", "五/(一)"]
    four = units.iloc[2]
    assert four["heading"] == "围绕内涵发展、争创一流,在高等教育上实现新突破"
    assert four["body"].startswith("推动高等教育内涵发展")
    assert four["kind"] == "task"


def test_zhuzhou_straight_numbering_spaces_and_requirement_preamble():
    units = parse_plan(ZHUZHOU)
    check_spans(ZHUZHOU, units)
    assert list(units["path"]) == ["", "一/1", "一/2", "二/3", "二/15"]
    assert units.iloc[0]["kind"] == "requirement"
    assert units.iloc[0]["heading"] == "2017年全市教育工作的总体要求"
    assert units.iloc[-1]["heading"] == "特色发展普高教育"         # "15. 特色…"
    assert units.iloc[2]["heading"] == "建好基层组织"              # indented by \xa0
    assert "skipped 二/15: expected 4, got 15" in units.iloc[-1]["anomaly"]


def test_action_plan_requirement_goal_and_safeguards():
    units = parse_plan(GUANGXI)
    check_spans(GUANGXI, units)
    assert list(zip(units["path"], units["kind"])) == [
        ("", "preamble"), ("一/(一)", "requirement"), ("一/(二)", "goal"),
        ("二/(一)/1", "task"), ("二/(六)", "task"), ("三/(一)", "safeguard"), ("三/(二)", "safeguard")]
    six = units[units["path"] == "二/(六)"].iloc[0]
    assert six["heading"] == "推动高等教育发展"
    assert six["body"].startswith("修编《X市教育园区规划》")
    assert units.iloc[1]["heading"] == "总的要求"                 # heading ends at ':'


def test_qingdao_numbering_restarts_per_section():
    text = ("2012年,是国家、省、市中长期教育规划纲要推进实施的关键一年。\n\n"
            "一、统筹抓好整体提升和重点突破,在全面推进教育现代化上努力突破\n\n"
            "1.启动中小学现代化学校建设项目。制定中小学现代化学校建设标准。\n\n"
            "2.加快推进高水平教育设施规划建设工作。制定教育设施专项规划。\n\n"
            "二、统筹抓好促进公平和提高质量工作,在办好人民满意的教育上努力突破\n\n"
            "1.积极推进教育基本公共服务体系建设。推进城乡教育一体化发展项目。\n")
    units = parse_plan(text)
    assert list(units["path"]) == ["", "一/1", "一/2", "二/1"]
    assert (units["anomaly"] == "").all()


LINES = ("三、重要任务\n{p2}推进全面从严治党,构建教育系统党建工作新格局\n"
         "{p3}强化思想引领。用习近平新时代中国特色社会主义思想武装头脑。\n"
         "{p4}坚持读原著、学原文、悟原理。\n{p5}做到学深悟透。\n")


@pytest.mark.parametrize("p2,p3,p4,p5", [
    ("(一)", "1.", "(1)", "①"),
    ("（一）", "1．", "（1）", "①"),
    ("（一）", "1、", "⑴", "①"),
    ("(一)", "１．", "（１）", "①"),
    ("\u3000\u3000(一)", "  1. ", "\u3000(1) ", " ① "),
])
def test_all_marker_forms_full_and_half_width(p2, p3, p4, p5):
    text = LINES.format(p2=p2, p3=p3, p4=p4, p5=p5)
    units = parse_plan(text)
    check_spans(text, units)
    assert list(units["path"]) == ["三/(一)/1/(1)/①"]
    assert list(units["level"]) == [5]
    assert units.iloc[0]["heading"] == "做到学深悟透"
    outline = parse_outline(text)
    assert list(outline["path"]) == ["三", "三/(一)", "三/(一)/1", "三/(一)/1/(1)", "三/(一)/1/(1)/①"]


def test_headings_end_at_colon_full_stop_or_line_break():
    text = "一、工作目标：全面提升。\n二、主要任务\n(一)推进改革:深化评价。\n(二)加强队伍建设。培养名师。\n"
    units = parse_plan(text)
    assert list(units["heading"]) == ["工作目标", "推进改革", "加强队伍建设"]


def test_long_heading_is_first_20_characters():
    text = "1.加强学校体卫艺和国防教育工作全面推进“学校体育两节双提高工程”(每天一节体育课,每周一节特色课)。落实。\n"
    assert parse_plan(text).iloc[0]["heading"] == "加强学校体卫艺和国防教育工作全面推进“学"


def test_false_markers_do_not_open_units():
    text = ("一、主要任务\n"
            "1.推进改革。到2018年完成1.建设任务,落实(1)项制度和①号文件。\n"
            "2018年全市新建学校20所。\n"
            "2.0版教育信息化行动计划全面实施。\n"
            "1.5亿元用于改扩建,(2018—2020年)规划同步推进。\n"
            "一、二年级全面实施课后服务。\n"
            "2.加强队伍。培训教师3000名。\n")
    units = parse_plan(text)
    check_spans(text, units)
    assert list(units["path"]) == ["一/1", "一/2"]
    assert "2.0版" in units.iloc[0]["body"] and "一、二年级" in units.iloc[0]["body"]


# --- outline styles of plans outside the corpus (data/eval/structure/) ----------------

def test_synthetic_agreement():
    from policylens.thresholds import maximum, minimum

    table = evaluate_synthetic()
    total = table.iloc[-1]
    print(f"\nsynthetic set: {int(total['agree'])}/{int(total['gold_units'])} units agree "
          f"({100 * total['agreement']:.1f}%), heading {100 * total['heading_agree']:.1f}%, "
          f"extra task units {int(total['extra_task_units'])}")
    assert total["agreement"] >= minimum("structure", "synthetic.agreement")
    assert table["extra_task_units"].sum() <= maximum("structure", "synthetic.extra_task_units")


def test_synthetic_set_parses_the_same_after_normalization():
    texts, expected = load_synthetic()
    normalized = {doc: normalize(text).text for doc, text in texts.items()}
    for text in normalized.values():
        check_spans(text, parse_plan(text))
    wrong = mismatches(parse_corpus(normalized), expected)
    # headings keep their punctuation, so only path and kind are compared here
    assert wrong[wrong["got_kind"] != wrong["kind"]].empty, wrong


def synthetic(name: str) -> str:
    texts, _ = load_synthetic()
    return texts[name]


def test_chapters_above_sections_with_framing_chapter():
    text = synthetic("01_chapters_14th_fyp")
    units = parse_plan(text)
    check_spans(text, units)
    assert list(units["path"][:4]) == ["", "第一章/一", "第一章/二", "第二章/一"]
    # 第一章 发展基础与面临形势 is framing text: kind preamble, not a task
    assert list(units["kind"][:7]) == ["preamble", "preamble", "preamble", "requirement",
                                       "requirement", "goal", "task"]
    assert units.iloc[1]["section_heading"] == "发展基础与面临形势"
    assert units.iloc[1]["text"].startswith("第一章\u3000发展基础与面临形势\n一、")
    assert units.iloc[6]["path"] == "第三章/一/(一)" and units.iloc[6]["level"] == 3
    assert set(units.loc[units["path"].str.startswith("第五章"), "kind"]) == {"safeguard"}
    outline = parse_outline(text)
    assert outline.loc[outline["number"] == "第一章", "rank"].tolist() == [-1]
    assert (units["anomaly"] == "").all()


def test_chapter_sections_and_parts():
    units = parse_plan(synthetic("02_chapters_and_sections"))
    assert list(units["path"][:4]) == ["", "第一章/第一节", "第一章/第二节", "第二章/第一节/(一)"]
    assert units.iloc[2]["kind"] == "goal" and units.iloc[2]["heading"] == "发展目标"
    assert units[units["path"] == "第二章/第三节"].iloc[0]["heading"] == "加快发展职业教育"
    assert units.iloc[-1]["kind"] == "safeguard"                   # 第三章 实施保障
    units = parse_plan(synthetic("03_parts"))
    principles = units[units["path"].str.startswith("第一部分/二/")]
    assert list(principles["kind"]) == ["requirement"] * 3       # under 二、基本原则
    assert units[units["path"] == "第二部分/三"].iloc[0]["kind"] == "task"
    assert list(units["kind"][-2:]) == ["safeguard", "safeguard"]  # 第三部分 组织实施


def test_chapter_marker_needs_a_heading_line():
    text = ("一、主要任务\n1.依法治教。\n第一章第三条规定，学校应当依法办学。\n"
            "第二节课后开展体育活动。\n2.加强督导。\n")
    units = parse_plan(text)
    assert list(units["path"]) == ["一/1", "一/2"]
    text = "第一部分\n总体要求\n一、指导思想\n坚持立德树人。\n第二部分\n主要任务\n一、发展学前教育\n新建幼儿园5所。\n"
    outline = parse_outline(text)
    assert outline.loc[outline["rank"] == -2, "heading"].tolist() == ["总体要求", "主要任务"]
    assert list(parse_plan(text)["kind"]) == ["requirement", "task"]


def test_notice_header_stays_in_the_preamble():
    text = synthetic("04_notice_header_cnp_only")
    units = parse_plan(text)
    check_spans(text, units)
    preamble = units.iloc[0]
    assert preamble["path"] == "" and preamble["kind"] == "requirement"   # 总体思路
    assert preamble["heading"] == "2022年全市教育工作的总体思路是"
    for line in ("关于印发", "各县（市、区）教育局", "认真贯彻执行", "2022年2月18日"):
        assert line in preamble["text"]
    # (一)… directly, without 一、; 一是…二是… inside a paragraph are not units
    assert list(units["path"][1:]) == [f"({n})" for n in "一二三四五六七八"]
    assert "二是加强基层组织建设" in units.iloc[1]["body"]


def test_unnumbered_bold_headings_become_sections():
    text = synthetic("05_bare_headings_items")
    units = parse_plan(text)
    check_spans(text, units)
    assert list(units["path"]) == ["", "h1", "h2/1", "h2/2", "h2/3", "h2/4", "h3/1", "h3/2", "h3/3"]
    assert units.iloc[1]["kind"] == "goal" and units.iloc[1]["body"].startswith("到2023年底")
    assert units.iloc[2]["section_heading"] == "重点任务" and units.iloc[2]["marker"] == "1．"
    assert list(units["kind"][-3:]) == ["safeguard"] * 3
    assert (units["anomaly"] == "").all()                  # numbering restarts per heading
    units = parse_plan(synthetic("11_bare_headings_cnp"))
    assert list(units["path"][:3]) == ["", "h1", "h2/(一)"]
    assert units.iloc[1]["kind"] == "requirement"


def test_bare_headings_need_a_series_and_no_numbered_sections():
    # a title, a signature and a date are not headings; one short line alone is not either
    text = ("XX县教育工作要点\n重点任务\n1.加强党建。学习。\n2.发展学前。新建。\n"
            "XX县教育局\n2021年3月1日\n")
    assert list(parse_plan(text)["path"]) == ["", "1", "2"]
    # with 一、 sections, short lines are never headings
    text = "一、主要任务\n学前教育\n1.新建幼儿园。\n义务教育\n2.优化布局。\n"
    assert list(parse_plan(text)["path"]) == ["一/1", "一/2"]


def test_deep_units_down_to_circled_numbers():
    text = synthetic("06_deep_levels_straight")
    units = parse_plan(text)
    check_spans(text, units)
    circled = units[units["level"] == 4]
    assert list(circled["path"]) == ["二/3/(2)/①", "二/3/(2)/②", "二/3/(2)/③"]
    assert circled.iloc[0]["heading"] == "完成农村中小学校舍改造12万平方米"   # no trailing ；
    assert circled.iloc[0]["parent_heading"] == "实施薄弱学校改造工程，重点做好以下工作"
    # 三、统筹加强教育保障，在优化教育发展环境上…: a task section, not framing text
    assert set(units.loc[units["path"].str.startswith("三"), "kind"]) == {"task"}
    units = parse_plan(synthetic("12_five_levels_principles"))
    assert units.iloc[5]["path"] == "四/(一)/1/(1)/①" and units.iloc[5]["level"] == 5
    assert units.iloc[5]["heading"] == "2023年新建公办幼儿园10所"


def test_numbers_followed_by_a_space_and_list_marks():
    text = synthetic("07_number_spacing_variants")
    units = parse_plan(text)
    check_spans(text, units)
    assert list(units["path"]) == ["", "一"] + [f"二/{n}" for n in range(1, 8)] + ["三/1", "三/2"]
    assert list(units["marker"][1:10]) == ["一", "1、", "2、", "3.", "4．", "5", "6", "7 .", "1."]
    assert units.iloc[1]["kind"] == "requirement" and units.iloc[1]["heading"] == "总体要求"
    assert units.iloc[7]["heading"] == "加强教师队伍建设"              # "6　加强…"
    # "10 个乡镇…" at a line start is a quantity, not item 10
    assert "10 个乡镇中心幼儿园" in units.iloc[4]["body"]
    assert list(units["kind"][-2:]) == ["safeguard", "safeguard"]
    text = "一、主要任务\n1.新建学校。全县\n2021 年完成\n3 所学校建设。\n2.招聘教师。\n"
    assert list(parse_plan(text)["path"]) == ["一/1", "一/2"]


def test_attachments_end_the_outline():
    text = synthetic("08_safeguards_attachment_table")
    units = parse_plan(text)
    check_spans(text, units)
    assert list(units["kind"][:4]) == ["preamble", "requirement", "requirement", "goal"]
    assert list(units["path"][-3:]) == ["五/(一)", "五/(二)", "五/(三)"]
    last = units.iloc[-1]
    # the task division table (numbered rows) stays in the last unit, opening no unit
    assert last["kind"] == "safeguard" and last["text"].endswith("市市场监管局")
    assert "附件：XX市“双减”工作重点任务分工表" in last["text"]
    units = parse_plan(synthetic("10_points_signature_attachments"))
    assert list(units["path"]) == ["", "一/1", "一/2", "二/3", "二/4", "三/5"]
    assert units.iloc[-1]["text"].endswith("2020年3月10日")


def test_attachment_notice_before_the_plan_does_not_end_it():
    text = ("XX市教育局关于印发2021年工作要点的通知\n各学校：\n现将要点印发给你们。\n"
            "附件：XX市2021年教育工作要点\n附件\nXX市2021年教育工作要点\n"
            "一、加强党建\n1.强化理论武装。\n二、保障措施\n2.加强领导。\n")
    units = parse_plan(text)
    assert list(zip(units["path"], units["kind"])) == [
        ("", "preamble"), ("一/1", "task"), ("二/2", "safeguard")]


def test_inline_lists_are_not_units():
    text = synthetic("09_inline_lists")
    units = parse_plan(text)
    check_spans(text, units)
    assert list(units["path"]) == ["", "一/(一)", "一/(二)", "二/(一)", "二/(二)", "二/(三)",
                                   "三/(一)", "三/(二)", "四"]
    assert "一是扩大普惠资源" in units.iloc[3]["body"]       # line-initial 一是 stays body
    assert "第三，落实“双减”政策" in units.iloc[4]["body"]   # line-initial 第三，too
    assert units.iloc[-1]["kind"] == "safeguard"             # 四、工作要求


# --- anomalies, degenerate input ---------------------------------------------------------

def test_anomalies_are_reported_not_raised():
    text = ("一、主要任务\n1.甲项工作。\n2.乙项工作。\n4.丁项工作。\n4.丁项重复。\n"
            "二、保障措施\n①丙项工作。\n三、其他\n(一)戊项。\n")
    units = parse_plan(text)
    check_spans(text, units)
    assert list(units["path"]) == ["一/1", "一/2", "一/4", "一/4", "二/①", "三/(一)"]
    assert "skipped 一/4: expected 3, got 4" in units.iloc[2]["anomaly"]
    assert "repeated 一/4: expected 5, got 4" in units.iloc[3]["anomaly"]
    assert "level_jump 二/①" in units.iloc[4]["anomaly"]
    assert units.iloc[4]["kind"] == "safeguard"
    assert len(find_anomalies(text)) == 4


def test_container_anomaly_travels_with_its_first_unit():
    text = "一、甲\n1.子项。\n三、丙\n1.子项。\n"
    units = parse_plan(text)
    assert "skipped 三: expected 2, got 3" in units.iloc[1]["anomaly"]


def test_no_numbering_gives_paragraph_units_and_a_warning():
    text = "全市教育工作以立德树人为根本任务。\n\n加强教师队伍建设,提升教育质量。\n"
    with pytest.warns(StructureWarning):
        units = parse_plan(text)
    check_spans(text, units)
    assert list(units["path"]) == ["p1", "p2"]
    assert (units["kind"] == "task").all()


@pytest.mark.parametrize("text", ["", "   \n\u3000\n", None])
def test_empty_input_gives_empty_frame(text):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        units = parse_plan(text)
    assert units.empty and list(units.columns) == list(UNIT_COLUMNS)


def test_cn_numerals():
    assert [cn_to_int(s) for s in ("一", "十", "十二", "二十", "二十三", "一百零五", "一一", "十十")] == [
        1, 10, 12, 20, 23, 105, None, None]


# --- properties ------------------------------------------------------------------------

CJK = "教育学校推进加强工作建设全面质量改革城乡课程师生提升优化制度完善落实实施水平服务"
CN = "一二三四五六七八九十"
WS = st.sampled_from(["", "  ", "\u3000\u3000", "\xa0 \xa0 ", "\t"])
GAP = st.sampled_from([" ", "", "\u3000"])
BREAK = st.sampled_from(["\n", "\n\n", "\r\n", "\n \n"])
title = st.text(alphabet=CJK + ",、“”", min_size=1, max_size=30).map(lambda s: "推" + s)
noise = st.sampled_from(["2018年", "2.0", "1.5亿元", "(1)", "1.", "①", "(一)", "3、", "二、", "(2018—2020年)"])
line_start_noise = st.sampled_from(["2018年", "2.0版", "1.5亿元", "(2018—2020年)", "一、二年级", "十三五"])


@st.composite
def body_line(draw) -> str:
    """A body line with number-like noise inside its sentences (落实(1)项, 到2018年…).

    The noise follows a character of the sentence, never a sentence end: after 。 a
    marker that continues the numbering is a lost line break (see test_lost_line_breaks).
    """
    parts = [draw(st.one_of(st.just(""), line_start_noise)), draw(title)]
    for _ in range(draw(st.integers(0, 3))):
        parts += [draw(noise), draw(st.text(alphabet=CJK + ",。", min_size=1, max_size=15)) + "育"]
    return draw(WS) + "".join(parts)


def cn(n: int) -> str:
    return CN[n - 1] if n <= 10 else "十" + CN[n - 11]


MARKERS = {
    2: lambda n, d: (draw_choice(d, ["({})", "（{}）"]).format(cn(n)), f"({cn(n)})"),
    3: lambda n, d: (draw_choice(d, ["{}.", "{}．", "{}、"]).format(
        draw_choice(d, [str(n), str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９"))])),
        str(n)),
    4: lambda n, d: (draw_choice(d, ["({})", "（{}）"]).format(n), f"({n})"),
    5: lambda n, d: (chr(0x2460 + n - 1), chr(0x2460 + n - 1)),
}


def draw_choice(draw, options):
    return draw(st.sampled_from(options))


@st.composite
def item(draw, marker: str, path: str, child_ranks: list[int], counters: dict,
         restart: bool, lines: list[str], leaves: list[tuple[str, str]]) -> None:
    """Append one outline item (and its children) to ``lines``; record the expected leaves."""
    head = draw(title)
    ending = draw(st.sampled_from(["。", ":", "：", "\n"]))
    children = draw(st.integers(0, 3)) if child_ranks else 0
    line = draw(WS) + marker + draw(GAP) + head + ending
    if ending != "\n" or not children:
        line += draw(st.text(alphabet=CJK + ",。", min_size=1, max_size=20))
    lines.append(line)
    for _ in range(draw(st.integers(0, 1))):
        lines.append(draw(body_line()))
    if not children:
        leaves.append((path, head))
        return
    rank = child_ranks[0]
    if restart or rank not in counters:
        counters[rank] = 0
    emitted = 0
    for _ in range(children):
        if rank == 5 and counters[rank] == 20:  # circled numbers end at ⑳; ⑴ is another marker
            break
        counters[rank] += 1
        emitted += 1
        printed, component = MARKERS[rank](counters[rank], draw)
        draw(item(printed, f"{path}/{component}", child_ranks[1:], counters, restart, lines, leaves))
    if not emitted:
        leaves.append((path, head))


@st.composite
def outline_doc(draw) -> tuple[str, list[tuple[str, str]]]:
    lines: list[str] = []
    if draw(st.booleans()):
        lines.append(draw(body_line()))
    ranks = sorted(draw(st.sets(st.sampled_from([2, 3, 4, 5]), max_size=2)))
    restart = draw(st.booleans())
    counters: dict = {}
    leaves: list[tuple[str, str]] = []
    for n in range(1, draw(st.integers(1, 4)) + 1):
        marker = cn(n) + draw(st.sampled_from(["、", "．"]))
        draw(item(marker, cn(n), ranks, counters, restart, lines, leaves))
    breaks = [draw(BREAK) for _ in lines]
    return "".join(line + br for line, br in zip(lines, breaks)), leaves


@settings(max_examples=100, deadline=None)
@given(outline_doc())
def test_generated_outlines_are_recovered(doc):
    text, leaves = doc
    units = parse_plan(text)
    check_spans(text, units)
    numbered = units[units["path"] != ""]
    assert list(numbered["path"]) == [path for path, _ in leaves]
    assert list(numbered["heading"]) == [head for _, head in leaves]
    assert (numbered["kind"] == "task").all()
    assert (numbered["anomaly"] == "").all()


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=CJK[:8] + CN[:4] + "、.．()（）12０①⑴ \u3000\n\r。:", max_size=300))
def test_arbitrary_text_never_raises_and_tiles(text):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", StructureWarning)
        units = parse_plan(text)
    check_spans(text, units)
    parse_outline(text)


def test_review_heading_is_the_one_framing_vocabulary():
    from policylens.structure import review_heading

    assert review_heading("发展基础") and review_heading("一、2023年工作回顾")
    assert review_heading("第一章 “十三五”发展成就")
    assert not review_heading("三、统筹加强教育保障，在优化教育发展环境上实现新突破")
    assert not review_heading("主要任务")
    text = "第一章 发展基础\n一、主要成就\n全市新建学校20所。\n第二章 主要任务\n一、推进改革\n深化改革。\n"
    units = parse_plan(text)
    assert list(zip(units["path"], units["kind"])) == [("第一章/一", "preamble"), ("第二章/一", "task")]


# --- text as users have it (issue 10) -------------------------------------------------

ONE_LINE = ("XX县2019年教育工作要点 全县教育工作坚持立德树人根本任务。一、指导思想2019年我县教育工作要"
            "深入贯彻全国教育大会精神。二、工作目标全县学前三年毛入园率达到88%。三、重点工作（一）加强党的"
            "建设。落实主体责任。（二）推进学前教育发展。新建公办幼儿园2所。四、保障措施（一）加强组织领导。"
            "成立领导小组。（二）强化经费保障。落实生均公用经费。")


def test_whole_page_on_one_line():
    units = parse_plan(ONE_LINE)
    check_spans(ONE_LINE, units)
    assert list(zip(units["path"], units["kind"])) == [
        ("", "preamble"), ("一", "requirement"), ("二", "goal"), ("三/(一)", "task"),
        ("三/(二)", "task"), ("四/(一)", "safeguard"), ("四/(二)", "safeguard")]
    first = units[units["path"] == "三/(一)"].iloc[0]
    assert first["text"].startswith("三、重点工作（一）加强党的建设")   # offsets into the text as given
    assert first["marker"] == "（一）" and first["heading"] == "加强党的建设"


def test_traditional_mirror_with_annotations_keeps_offsets_into_the_given_text():
    text = ("一、總體要求\n推動(tuī dòng)全縣教育事業優質均衡發展。\n二、工作目標\n學前三年毛入園率達到９０％。\n"
            "三、主要任務\n（一）辦(繁体:辦)好每一所學校。實施薄弱學校改造工程。\n四、組織實施\n（一）加強領導。成立領導小組。\n")
    units = parse_plan(text)
    check_spans(text, units)
    assert list(zip(units["path"], units["kind"])) == [
        ("一", "requirement"), ("二", "goal"), ("三/(一)", "task"), ("四/(一)", "safeguard")]
    assert list(units["heading"]) == ["总体要求", "工作目标", "办好每一所学校", "加强领导"]
    assert units.iloc[2]["text"].startswith("三、主要任務\n（一）辦(繁体:辦)好")


def test_items_glued_after_full_stops_and_headings_sharing_a_line():
    text = ("二、主要工作\n1.开齐开足体育课。每周不少于3课时。2.开展阳光体育运动。每天锻炼1小时。\n"
            "三、完善投入机制，加大经费保障3、落实生均公用经费。按时足额拨付。\n4、实施学生资助政策。应助尽助。\n")
    units = parse_plan(text)
    check_spans(text, units)
    assert list(zip(units["path"], units["kind"])) == [
        ("二/1", "task"), ("二/2", "task"), ("三/3", "safeguard"), ("三/4", "safeguard")]


def test_mid_outline_excerpts_and_noise_before_the_first_marker():
    units = parse_plan("【首页|政务公开|部门文件】3、加强学校安全工作。开展隐患排查。\n4、加强组织领导。明确责任人。\n")
    assert list(zip(units["path"], units["kind"])) == [("", "preamble"), ("3", "task"), ("4", "safeguard")]
    units = parse_plan("XX镇中心学校2016年工作计划3、狠抓教学常规管理。开齐课程。\n4、营造良好宣传氛围。宣传办学成果。\n")
    assert list(units["path"]) == ["", "3", "4"] and units.iloc[-1]["kind"] == "safeguard"
    units = parse_plan("(3)加强师德师风建设。建立师德档案。\n4.深化教学改革\n(1)推进课堂教学改革。推广新模式。\n")
    assert list(units["path"]) == ["(3)", "4/(1)"]


def test_year_age_and_label_lines_are_not_markers_but_a_year_may_start_a_heading():
    text = ("一、2020年重点工作\n（一）完成控辍保学任务。无失学辍学学生。\n2011年以来，累计投入1.2亿元。\n"
            "12至15周岁少年入学率达到97%以上。\n巩固率：小学100%。\n（二）推进城区学校建设。新建小学1所。\n")
    units = parse_plan(text)
    check_spans(text, units)
    assert list(units["path"]) == ["一/(一)", "一/(二)"]
    assert "2011年以来" in units.iloc[0]["body"]


@pytest.mark.parametrize("heading,kind", [
    ("原则", "requirement"), ("基本原则", "requirement"), ("工作原则", "requirement"),
    ("工作思路", "requirement"), ("总体思路", "requirement"), ("目的", "goal"), ("工作目的", "goal"),
    ("目標", "goal"), ("工作目标：", "goal"), ("组织领导", "safeguard"), ("经费保障", "safeguard"),
    ("加大经费投入", "safeguard"), ("强化督导考核", "safeguard"), ("营造良好宣传氛围", "safeguard"),
    ("维护教育系统安全稳定", "safeguard"), ("优化教育法制环境", "safeguard"),
    ("坚持底线思维，维护校园安全稳定", "task"), ("坚持就近入学原则", "task"),
])
def test_kinds_beyond_the_founding_vocabulary(heading, kind):
    text = f"一、{heading}\n内容。\n"
    assert parse_plan(text).iloc[0]["kind"] == kind


def test_goal_section_with_work_items_and_visible_task_section_keep_their_kinds():
    text = ("一、工作思路\n坚持立德树人。\n二、工作目标\n1.提升办学条件。完成运动场改造。\n2.提高教育质量。进入全县前五名。\n"
            "三、主要工作\n1.加强督导考核。实行年度考核。\n四、组织领导\n成立领导小组。\n")
    units = parse_plan(text)
    assert list(zip(units["path"], units["kind"])) == [
        ("一", "requirement"), ("二/1", "goal"), ("二/2", "goal"), ("三/1", "task"), ("四", "safeguard")]


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="一二三四五六七八九十、。．.（）()1234567890①⑴⒈【】|计划 \n教育推進(bàn)", max_size=200))
def test_any_text_parses_without_raising(text):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", StructureWarning)
        units = parse_plan(text)
    assert list(units.columns) == list(UNIT_COLUMNS)
    assert all(t == text[s:e] for t, s, e in zip(units["text"], units["start"], units["end"]))
    ends, starts = list(units["end"]), list(units["start"])
    assert all(e <= s for e, s in zip(ends[:-1], starts[1:]))


def test_one_line_chapter_pages_and_titles_glued_before_the_first_marker():
    text = ("第三章 主要任务 第一节 推进学前教育普惠发展一、扩大普惠性资源。新建幼儿园30所。二、提升保教质量。"
            "创建示范园5所。第二节 推进义务教育优质均衡发展一、优化学校布局。新建中小学12所。")
    units = parse_plan(text)
    check_spans(text, units)
    assert list(units["path"]) == ["第三章/第一节/一", "第三章/第一节/二", "第三章/第二节/一"]
    text = "首页 > 政务公开 > XX区教育局2022年工作要点一、指导思想坚持立德树人。二、目标任务入园率达到85%。"
    assert list(parse_plan(text)["path"]) == ["", "一", "二"]
    text = "XX县学前教育第三期行动计划（2017-2020年）3、扩大学前教育资源。办好公办园。\n4、提高保教质量。\n"
    assert list(parse_plan(text)["path"]) == ["", "3", "4"]
    # a word ending in 一 is no marker: 统一、规范 stays in the heading's body
    text = "(一)推进统一、规范管理。落实制度。\n(二)加强队伍建设。\n"
    assert list(parse_plan(text)["path"]) == ["(一)", "(二)"]


@pytest.mark.parametrize("name,min_units", [("pages", 120), ("pages2", 60), ("pages3", 40)])
def test_page_register_sets(name, min_units):
    from policylens.evaluate.structure import set_folder

    texts, expected = load_synthetic(set_folder(name))
    table = evaluate_synthetic(set_folder(name))
    total = table.iloc[-1]
    print(f"\n{name}: {int(total['agree'])}/{int(total['gold_units'])} units agree")
    assert total["agreement"] >= 0.9 and table["extra_task_units"].sum() == 0
    assert len(expected) >= min_units and len(texts) >= 7


def test_headings_that_run_into_their_body():
    text = ("一、总体要求坚持以科学发展观为统领，巩固提高“两基”成果。二、工作目标全县学前三年毛入园率达到88%，"
            "九年义务教育巩固率达到95%，高中阶段毛入学率达到90%以上，残疾儿童入学率达到95%。\n")
    units = parse_plan(text)
    assert list(units["heading"]) == ["总体要求", "工作目标"]
    assert list(units["kind"]) == ["requirement", "goal"]
    assert parse_plan("一、总体要求和目标\n内容。\n").iloc[0]["heading"] == "总体要求和目标"


def test_first_marker_glued_to_any_short_noise_when_the_next_line_continues():
    text = "XX教育信息网 首页3、加强学校安全工作。开展隐患排查。\n4、推进教育信息化。建设智慧课堂。\n"
    assert list(parse_plan(text)["path"]) == ["", "3", "4"]
    text = "XX教育信息网 首页3、加强学校安全工作。开展隐患排查。\n(二)推进教育信息化。\n"
    assert list(parse_plan(text)["path"]) == ["", "(二)"]


def test_a_line_starting_with_a_number_is_no_bare_heading():
    text = ("XX镇教育工作计划\n工作目标\n1.提升质量。全面提升。\n2011年每个街道建成学校\n2.加强队伍。培训教师。\n"
            "保障措施\n1.加强领导。成立小组。\n")
    units = parse_plan(text)
    assert list(units["path"]) == ["", "h1/1", "h1/2", "h2/1"]
    assert "2011年每个街道" in units.iloc[1]["body"]


def _unit_kind_reference(headings: list[str], sections: int = 1) -> str:
    """unit_kind as first written: every cue looked up with str.find / in, heading by heading."""
    from policylens.normalize import to_simplified
    from policylens.outline import strip_marker
    from policylens.unit_kinds import cue_kind, kind_cues

    cues = kind_cues()
    if not headings:
        return cues["default"]
    headings = [to_simplified(h) for h in headings]
    for heading in headings[:max(sections, 1)]:
        by_section = cue_kind(heading, cues["section"])
        if by_section:
            return by_section
        bare = strip_marker(heading.strip())
        if len(bare) <= cues["review"]["max_chars"] and any(c in bare for c in cues["review"]["cues"]):
            return "preamble"
        if any(c in heading for c in cues["safeguard_heading"]) and not any(
                w in heading for w in cues["safeguard_heading_unless"]):
            return "safeguard"
    exact = {cue: kind for kind, words in cues["heading_exact"].items() for cue in words}
    for heading in reversed(headings):
        whole = heading.strip().rstrip("。.:：;；").strip()
        if whole in exact:
            return exact[whole]
        by_heading = cue_kind(heading, cues["heading"])
        if by_heading:
            return by_heading
    return cues["default"]


def _cue_title_reference(head: str) -> str:
    from policylens.unit_kinds import _cue_words

    for word in _cue_words():
        if len(word) >= 4 and len(head) > len(word) and head.startswith(word) and head[len(word)] not in "和与及、暨，,":
            return word
    return ""


def test_unit_kind_and_cue_title_patterns_match_the_cue_by_cue_lookups():
    """unit_kind reads each cue table with one regex and cue_title only the cues of the heading's first
    character: the kinds and titles of looking up every cue."""
    from policylens.unit_kinds import _cue_words, cue_title, kind_cues, unit_kind

    cues = kind_cues()
    words = sorted(set(_cue_words()) | {w for ws in cues["heading_exact"].values() for w in ws})
    piece = st.one_of(st.sampled_from(words), st.sampled_from([w[:2] for w in words] + list("和与、，一二（）1.目標 ")))
    heading = st.lists(piece, max_size=5).map("".join)

    @settings(max_examples=500, deadline=None, derandomize=True)
    @given(st.lists(heading, max_size=4), st.integers(0, 3))
    def check(headings, sections):
        assert unit_kind(headings, sections) == _unit_kind_reference(headings, sections)
        for head in headings:
            assert cue_title(head) == _cue_title_reference(head)

    check()
