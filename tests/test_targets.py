"""Quantitative-target extraction: number forms, comparators, units, lists,
exclusions, offsets, raw input, robustness, and the gold evaluation.

External set: ``data/eval/targets_external.csv`` holds DEVELOPER-WRITTEN
SYNTHETIC excerpts in the style of plans outside the corpus (other cities,
counties and provinces, 十四五 plans, 2024–2025 要点, action plans on 学前教育普及
普惠, 县域高中振兴, 双减, 教师队伍, 职业教育, 特殊教育, 教育数字化). They are NOT
official gold. Batch ``dev`` (139 excerpts) was written before the extractor
was run on it; batch ``holdout`` (48 excerpts) was written after the first
round of rules and scored before any further change. Expectations follow
``shared/gold/README.md``; decisions added for cases the README does not cover:

- percentage-point changes (较2020年提高5个百分点) are targets with unit 百分点
  (个百分点 is folded to 百分点); the comparator follows the cue words like any
  number, so a bare change is ``=`` and 降低0.5个百分点以上 is ``>=``;
- the baseline of a change (由2020年的82%提高到90%) is not a target;
- N年内 framing another quantity (三年内新增学位1万个) is not a record of its
  own; a standalone deadline (一年内完成加固改造) is ``<=`` N 年;
- 达到58%左右 is ``>=`` (左右 only qualifies the number);
- dimensionless coefficients (差异系数≤0.50) are targets with unit "";
- status-quo and review sentences (2019年全县共有…, 2023年,全市新建… in a 2024
  要点, …以来, 当前…为89.3%) are not targets.

Blind set: ``data/eval/targets_blind.csv`` (batch ``blind-2``, 105 excerpts,
283 records) was written and annotated BEFORE the extractor was run on it;
its first score (P 0.977, R 0.898, F1 0.936) is the honest estimate. Further
decisions recorded there:

- staffing ratios (生师比不高于19:1, 教职工与幼儿比例达到1:7) are targets with
  unit "" and the non-1 side as value; the comparator follows the cue words;
- flattened indicator tables ("学前教育毛入园率(%) 88.6 92 预期性"): the first
  column is the baseline (not a target), later columns are targets, ``=``
  unless a sign (≥60) stands before the value;
- 零发生 / 零报告 / 动态清零 are slogans without a counting word: not targets;
- demand forecasts (预计…入学人数达到4.2万人) are not commitments;
- the unit is the measure word as written (台套, 块, 张, 支, 条, 倍).

Plans set: ``data/eval/targets_plans/`` holds six WHOLE scraped plan documents
(1,400–1,700 characters each: title, 发布时间/来源 chrome, 文号, outline, 发展基础,
主要目标, tasks, 保障措施, footer; full-width punctuation, ％ and digits): a 2021
province 十四五 plan, a 2024 county 要点, a 2022 city 学前教育 action plan, a 2023
city 县域高中 plan, a 2019 city 职业教育 方案 and a 2025 city 教育强市 方案; 154
records, annotated before the extractor was run. First score P 0.961, R 0.968,
F1 0.964. Two of its six failures were annotation slips against the project
conventions above (达到60%左右 and 提高到55% are ``>=``), corrected after the run.
Decisions added there: 突破2000人 is ``>`` (like 超过); 每年举办1届大赛 counts
(unit 届) while 十九届, 第五届 and 2024届 stay out; a bare N年 opening a verb phrase
whose quantity follows (五年招聘特岗教师1.5万名, 三年新建…15所) is the horizon, not
a record; 作为一项重大工程 is an article, not a count.

Issue 11 sets (written by the developers, never copied from web pages; first scores in
``data/eval/targets_FIRST_SCORES.md``): ``targets_notation.csv`` (53 one-sentence cases by notation
class: 一‹multiplier›一, 成, 零点, word bounds, separators and money signs, fractions, 百分点, ‰, approx,
areas and measure words, 分别/均 lists, not-quantities, Traditional) and ``targets_registers.csv``
(progress reports inside plans, news pages, one-line pages, Traditional mirrors, baselines,
forecasts; every quantity with its status). Decisions added there: 近/约 keep ``=`` with approx
true; 均 after a list of indicators is one record per indicator (the spec; x150 and the plans set's
p2 were re-annotated to it); 已有 and population counts are baselines; a progress rate stated with
为, a share of the plan and 创历史新高 are results.
"""
from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policylens.targets import (
    QUANTITY_COLUMNS,
    TARGET_COLUMNS,
    cn_number,
    extract_quantities,
    extract_targets,
    indicator_id_for,
    load_indicators,
    load_national_targets,
    load_rules,
)


def one(text: str, plan_year: int | None = None) -> dict:
    """The single record of ``text`` (fails when there is not exactly one)."""
    frame = extract_targets(text, plan_year)
    assert len(frame) == 1, frame[["quote", "value", "unit", "comparator"]].to_string()
    return frame.iloc[0].to_dict()


def values(text: str) -> list:
    return values_py(text, None)


def values_py(text: str, plan_year: int | None) -> list:
    frame = extract_targets(text, plan_year)
    return [(r.value if not math.isnan(r.value) else (r.value_low, r.value_high), r.unit, r.comparator)
            for r in frame.itertuples()]


# --------------------------------------------------------------------------- schema
def test_schema_and_empty_input():
    frame = extract_targets("")
    assert list(frame.columns) == list(TARGET_COLUMNS)
    assert frame.empty
    frame = extract_targets("全市学前三年幼儿入园率达到94%", 2018)
    assert list(frame.columns) == list(TARGET_COLUMNS)
    assert str(frame["target_year"].dtype) == "Int64"


# --------------------------------------------------------------------------- number forms
@pytest.mark.parametrize("text, value, unit", [
    ("全市学前三年幼儿入园率达到94%", 94.0, "%"),              # corpus 000
    ("新建两所幼儿园", 2.0, "所"),
    ("全市学前教育毛入园率达到百分之九十", 90.0, "%"),
    ("投入资金1.5亿元", 150_000_000.0, "元"),
    ("新增学位2万个", 20_000.0, "个"),                         # corpus 001
    ("资助家庭经济困难学生4万人", 40_000.0, "人"),               # corpus 001
    ("掌握一项艺术技能", 1.0, "项"),                            # corpus 001
    ("每年开展两期以上面向X劳务人员培训", 2.0, "期"),            # corpus 004
    ("一次性奖励3万元", 30_000.0, "元"),                        # corpus 004
    ("计划投入3000万元", 30_000_000.0, "元"),
    ("培训教师1000人次", 1000.0, "人次"),
    ("新建、改扩建义务教育学校9所", 9.0, "所"),                  # corpus 002
    ("校舍面积2万平方米", 20_000.0, "平方米"),                   # corpus 002
    ("为农村中小学教师配备1万台计算机", 10_000.0, "台"),          # corpus 003
    ("新增学位36,000个", 36_000.0, "个"),
    ("培训骨干教师二十五名", 25.0, "名"),
])
def test_number_forms(text, value, unit):
    rec = one(text)
    assert rec["value"] == value and rec["unit"] == unit
    assert text[rec["start"]:rec["end"]] == rec["quote"]


@pytest.mark.parametrize("text, low, high, unit", [
    ("引领每位学生爱好1-2项艺术项目", 1, 2, "项"),               # corpus 001
    ("建设3—5所高考改革试点校", 3, 5, "所"),
    ("重点建设1—2个自治区级社区教育试验点和示范点", 1, 2, "个"),  # corpus 004
    ("建设2至3个示范区", 2, 3, "个"),
    ("每校配备2～3名心理教师", 2, 3, "名"),
    ("资助1-2万人", 10_000, 20_000, "人"),
    ("建设两三所寄宿制学校", 2, 3, "所"),
])
def test_ranges(text, low, high, unit):
    rec = one(text)
    assert (rec["value_low"], rec["value_high"], rec["unit"], rec["comparator"]) == (low, high, unit, "range")
    assert math.isnan(rec["value"])


def test_cn_number_converts_only_the_token():
    assert cn_number("两") == 2 and cn_number("二十五") == 25 and cn_number("九十五点三") == 95.3
    assert cn_number("一二三") is None          # a digit string, not a quantity
    assert cn_number("一" * 40) is None


# --------------------------------------------------------------------------- comparators
@pytest.mark.parametrize("text, comparator", [
    ("九年义务教育巩固率达到94%", ">="),
    ("社区教育覆盖率达30%", ">="),
    ("增加民办幼儿园园位7000个以上", ">="),
    ("年度法治学习时间应不少于40学时", ">="),
    ("义务教育学校生均公用经费每生每年不低于600元", ">="),
    ("各县(市、区)至少形成一个值得推广的创新教学方法", ">="),
    ("小学班额基本控制在50人以内", "<="),
    ("大班额比例控制在5%以内", "<="),
    ("每班学生数不超过45人", "<="),
    ("两年内建成", "<="),
    ("小学辍学率低于0.5%", "<"),
    ("市级课题立项400余项", ">"),
    ("规划新增学位36000多个", ">"),
    ("培训教师超过500人", ">"),
    ("总用地约717亩", "="),
    ("培训100名心理咨询师", "="),
    ("补充配备专职保安678名", "="),
    ("实现“国检”通过率100%目标", "="),
    ("按照年度公用经费预算总额的5%安排教师培训经费", "="),
    ("教育园区用地扩充到3万亩", "="),
    ("新建改扩建幼儿园30所左右", "="),
])
def test_comparators(text, comparator):
    assert one(text)["comparator"] == comparator


# --------------------------------------------------------------------------- lists
def test_fenbie_list_gives_one_record_per_value_with_its_indicator():
    text = "到X年,全市学前教育三年毛入园率、义务教育巩固率、高中阶段教育毛入学率分别达92%、95.3%、92%以上,全面超过全区平均水平"
    frame = extract_targets(text)
    assert list(frame["value"]) == [92.0, 95.3, 92.0]
    assert set(frame["comparator"]) == {">="}
    assert frame["quote"].nunique() == 1 and "92%以上" in frame["quote"].iloc[0]
    assert list(frame["indicator_id"]) == ["preschool_gross_enrollment_rate", "compulsory_retention_rate",
                                           "senior_secondary_gross_enrollment_rate"]
    assert frame["target_year"].isna().all()      # X年: anonymized


def test_fenbie_list_of_places():
    frame = extract_targets("X县、X市、X区、X区分别新建3所、8所、5所、2所公办幼儿园")
    assert list(frame["value"]) == [3.0, 8.0, 5.0, 2.0]
    assert set(frame["indicator_id"]) == {"new_kindergartens"}


def test_shared_indicator_list_and_range_ceiling():
    frame = extract_targets("小学、初中辍学率分别控制在0.5%和1%以内")
    assert list(zip(frame["value"], frame["comparator"])) == [(0.5, "<="), (1.0, "<=")]
    assert list(frame["indicator_id"]) == ["primary_dropout_rate", "junior_dropout_rate"]
    frame = extract_targets("义务教育辍学率控制在国家规定的小学1%、初中1.5%范围内")
    assert list(frame["indicator_id"]) == ["primary_dropout_rate", "junior_dropout_rate"]
    assert set(frame["comparator"]) == {"<="}


def test_qizhong_sub_allocations_count_as_well_as_total():
    text = "X新区建设25所幼儿园(其中有9所公办幼儿园和13所小区配套幼儿园)"
    assert [v for v, _, _ in values(text)] == [25.0, 9.0, 13.0]
    assert [v for v, _, _ in values("新建10所农村义务教育学校,其中,X县3所、X3所、X区2所,X区2所。")] == [10, 3, 3, 2, 2]


def test_level_word_inherits_measure():
    frame = extract_targets("义务教育阶段新生入学小学班额基本控制在50人以内,初中控制在52人以内。")
    assert list(frame["indicator_id"]) == ["primary_class_size_max", "junior_class_size_max"]


# --------------------------------------------------------------------------- exclusions
@pytest.mark.parametrize("text", [
    "全面落实《包头市人民政府关于加快发展民族教育的若干意见》(包府发〔2017〕43号)",
    "实施《包头市教育提升三年行动计划(2018—2020年)》",
    "举办第五届班主任技能大赛,承办好第16届中小学信息技术与创新实践活动",
    "启动首批家庭教育示范校评选工作,遴选第四批省级劳动与研学实践教育基地",
    "实施“十三五”规划,深入学习贯彻党的十九大精神",
    "全面实施学校体育、艺术“2+1”项目",
    "对基层党支部“三会一课”、“三项制度”等实行全程纪实",
    "深刻领会8个明确和14条基本方略的内在逻辑",
    "加快实施教育提升“七大工程”和“六项举措”",
    "锚定“人民满意、教育强市”一个目标,实现“八个突破”",
    "实现“两个只增不减”,一体推进“三不腐”",
    "深入贯彻《3—6岁儿童学习与发展指南》",
    "推进《36岁儿童学习与发展指南》实验园和实验区试点",
    "健全市、县、校三级教育督导体系,实现四级教育数据信息互联互通",
    "巩固九年义务教育成果,基本普及15年教育",
    "通过三年时间,深入实施教育攻坚",
    "力争5月启动一期项目建设,力争二期项目9月具备开工条件",
    "是全面贯彻党的十九大精神开局之年,是改革开放40周年,是承上启下的关键一年",
    "发布时间:2018-04-08   来源:包头市教育局",
    "蒙ICP备05003330号 蒙公网安备 15020402000154号",
    "发展每一个学生的优势潜能,使每一所普通高中达到办学标准",
    "引导广大教师争做“四有”好老师,开展“一师一优课、一课一名师”活动",
    "当前和今后一个时期,建档立卡户子女一个不能少",
    "探索初高中6年一体化教学模式改革,适度扩大“五年制职业教育”招生计划",
    "在已认定自治区多元普惠幼儿园的基础上",
    "已建成标准化学校120所",
    "全面完成职业教育三年攻坚计划",
    "学习贯彻十三届全国人大一次会议精神,给予一次性奖励",
    "实施市理工职业学校第二期、第三期建设工程,实施市X高中项目二期建设",
    "督政、督学和评估监测三位一体的教育督导体系",
    "本文来源:https://www.2haoxitong.net/k/doc/5a1860a6.html",
    "打造一支高素质教师队伍,创建一批特色学校",
])
def test_not_targets(text):
    frame = extract_targets(text)
    assert frame.empty, frame[["quote", "value", "unit"]].to_string()


def test_restated_heading_gives_one_record():
    text = ("2.X新区新建10所义务教育学校。实施专项规划,规划建设22所中小学。X年动工新建第一批10所学校,两年内建成。\n"
            "1.新建改扩建7所普通高中。X年X市新建1所普通高中。\n")
    assert [v for v, _, _ in values(text)] == [22.0, 10.0, 2.0, 7.0, 1.0]


# --------------------------------------------------------------------------- years
def test_target_year_from_text_or_plan_year():
    assert one("到2020年,高中阶段毛入学率达到95%", 2018)["target_year"] == 2020
    assert one("新增学位5000个", 2017)["target_year"] == 2017
    assert pd.isna(one("X年全市九年义务教育巩固率达到95%以上")["target_year"])
    assert one("推动2018年23个新建、改扩建幼儿园、中小学项目建设")["target_year"] == 2018


# --------------------------------------------------------------------------- other plans
@pytest.mark.parametrize("text, value, unit, comparator, indicator_id", [
    ("普惠性幼儿园覆盖率达到80%以上", 80, "%", ">=", "inclusive_kindergarten_enrollment_share"),
    ("高中阶段毛入学率达到95%", 95, "%", ">=", "senior_secondary_gross_enrollment_rate"),
    ("新增学位5000个", 5000, "个", "=", "new_school_places"),
    ("投入资金3.2亿元", 320_000_000, "元", "=", "education_investment"),
    ("培训教师1000人次", 1000, "人次", "=", "teacher_training"),
    ("每生每年不低于600元的生均公用经费", 600, "元", ">=", None),
    ("大班额比例控制在5%以内", 5, "%", "<=", "large_class_share"),
    ("心理健康教师配备率100%", 100, "%", "=", "mental_health_teacher_rate"),
    ("确保教育支出占一般公共预算支出比例不低于15%", 15, "%", ">=", "education_expenditure_share"),
    ("学生体质健康达标率达到92%以上", 92, "%", ">=", "student_physical_fitness_rate"),
    ("残疾儿童少年义务教育入学率达到93%", 93, "%", ">=", "disabled_children_compulsory_enrollment_rate"),
    ("高等教育毛入学率达到50%", 50, "%", ">=", "higher_education_gross_enrollment_rate"),
    ("每天校园体育活动时间不少于1小时", 1, "小时", ">=", None),
    ("乡村教师服务期不少于3年", 3, "年", ">=", None),
    ("招聘特岗教师500名", 500, "名", "=", "teacher_recruitment"),
])
def test_sentences_from_other_plans(text, value, unit, comparator, indicator_id):
    rec = one(text)
    assert (rec["value"], rec["unit"], rec["comparator"]) == (value, unit, comparator)
    if indicator_id is not None:
        assert rec["indicator_id"] == indicator_id


# --------------------------------------------------------------------------- raw input
def test_full_width_and_traditional_input_offsets_into_the_raw_text():
    text = "全市高中階段教育毛入學率達到９５％以上，新建學校３所，學前三年毛入園率達到９０％。"
    frame = extract_targets(text)
    assert list(frame["value"]) == [95.0, 3.0, 90.0]
    assert list(frame["comparator"]) == [">=", "=", ">="]
    assert frame["indicator_id"].iloc[0] == "senior_secondary_gross_enrollment_rate"
    assert frame["indicator_id"].iloc[2] == "preschool_gross_enrollment_rate"
    for r in frame.itertuples():
        assert text[r.start:r.end] == r.quote
    rec = one("重点支持人口大镇新建１—２所公办幼儿园（其中１所为寄宿制）".split("（")[0])
    assert (rec["value_low"], rec["value_high"]) == (1, 2)


def test_corpus_offsets_and_order():
    from policylens import config

    for path in sorted(config.DATA_RAW.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        frame = extract_targets(text)
        assert list(frame["start"]) == sorted(frame["start"])
        for r in frame.itertuples():
            assert text[r.start:r.end] == r.quote


# --------------------------------------------------------------------------- data files
def test_data_files_are_consistent():
    rules = load_rules()
    assert all(reason for _, reason in rules.exclusions)
    ids = [ind.id for ind in load_indicators()]
    assert len(ids) == len(set(ids)) and 20 <= len(ids) <= 40
    for ind in load_indicators():
        for synonym in ind.synonyms:
            unit = next(iter(sorted(ind.units))) if ind.units else None
            assert indicator_id_for(synonym, unit) is not None, synonym
    national = load_national_targets()
    assert list(national.columns) == ["indicator_id", "year", "value", "kind", "plan", "period_start", "period_end",
                                      "source"]
    assert set(national["indicator_id"]) <= set(ids)
    assert set(national["kind"]) == {"target", "actual"}


# --------------------------------------------------------------------------- robustness
def _consistent(text: str, frame: pd.DataFrame) -> None:
    assert list(frame.columns) == list(TARGET_COLUMNS)
    assert set(frame["status"]) <= {"target"}
    for r in frame.itertuples():
        assert 0 <= r.start <= r.end <= len(text)
        assert text[r.start:r.end] == r.quote
        assert r.comparator in {">=", "<=", "=", "<", ">", "range"}


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=300))
def test_random_unicode_never_raises(text):
    _consistent(text, extract_targets(text))


_PIECES = st.sampled_from(["达到", "以上", "以内", "控制在", "分别", "、", ",", "。", "其中", "余", "多", "约",
                           "所", "个", "名", "人", "%", "％", "万", "亿", "元", "年", "内", "两", "一", "十",
                           "百分之", "九", "(", ")", "（", "）", "《", "》", "“", "”", "-", "—", "至", "第",
                           "1", "2", "9", "0", ".", "１", "學", "率", "X", "\n", " "])


@settings(max_examples=80, deadline=None)
@given(st.lists(_PIECES, max_size=80).map("".join))
def test_plan_like_soup_never_raises(text):
    _consistent(text, extract_targets(text, 2020))


@settings(max_examples=20, deadline=None)
@given(st.integers(min_value=1, max_value=4000), st.sampled_from(["9", "一", "1,000", "(", "《", "“"]))
def test_long_runs_and_nested_brackets(n, piece):
    text = piece * n + "新建5所学校" + ")" * (n % 50) + "9" * n + "%"
    _consistent(text, extract_targets(text))


def test_huge_numbers_are_not_targets():
    assert extract_targets("新增学位" + "9" * 400 + "个").empty
    text = "1e308所" + "1" * 5000 + "万亿元"
    _consistent(text, extract_targets(text))
    assert 5000 not in set(extract_targets(text)["end"])


# --------------------------------------------------------------------------- gold
def test_gold_evaluation_meets_thresholds():
    from policylens.evaluate.targets import evaluate, report
    from policylens.thresholds import minimum

    figures = evaluate()
    print(report(figures, lists=False))
    assert figures["f1"] >= minimum("targets", "gold.f1")
    assert figures["field_accuracy"] >= minimum("targets", "gold.field_accuracy")


# --------------------------------------------------------------------------- external set
@pytest.mark.parametrize("name", ["external", "blind", "plans", "registers"])
def test_synthetic_set_meets_threshold(name):
    """The external, blind and whole-plan sets each reach their F1 and field-accuracy thresholds."""
    from policylens.evaluate import targets as evaluation
    from policylens.thresholds import minimum

    figures = getattr(evaluation, f"evaluate_{name}")()
    print(evaluation.report(figures, lists=False))
    print(f"{name} set F1 = {figures['f1']:.3f} (P {figures['precision']:.3f}, R {figures['recall']:.3f})")
    assert figures["f1"] >= minimum("targets", f"{name}.f1")
    assert figures["field_accuracy"] >= minimum("targets", f"{name}.field_accuracy")


def test_external_set_is_well_formed():
    from policylens.evaluate.targets import load_external

    texts, years, gold = load_external()
    assert len(texts) >= 120
    assert set(gold["comparator"]) <= {">=", "<=", "=", "<", ">", "range"}
    for row in gold.itertuples():
        assert row.quote in texts[row.doc_id], row.quote
        assert (row.comparator == "range") == (not math.isnan(row.value_low))


# --------------------------------------------------------------------------- general rules
@pytest.mark.parametrize("text, plan_year", [
    ("2019年全县共有幼儿园300所,在园幼儿5万人,专任教师3200名。", None),          # status quo, whole sentence
    ("目前全县共有中小学78所,在校学生6.2万人,教职工4800人。", None),
    ("2023年以来,全市累计投入资金12.6亿元,新建学校21所。", 2024),
    ("过去一年,我县新建幼儿园6所,义务教育巩固率达到98.6%,比上年提高0.4个百分点。", 2024),
    ("全市已建成国家级示范性职业学校6所,省级示范性职业学校15所。", None),
    ("当前,全县学前三年毛入园率为89.3%,义务教育巩固率为96.1%。", None),
    ("2023年全市高考一本上线人数同比增长12.5%,创历史新高。", 2024),
])
def test_past_and_status_quo_sentences_are_skipped(text, plan_year):
    frame = extract_targets(text, plan_year)
    assert frame.empty, frame[["quote", "value", "unit"]].to_string()


def test_earlier_year_sentence_in_an_annual_plan_is_past():
    text = "2023年,全市新建公办幼儿园15所,新增学位6800个,义务教育巩固率达到99.2%。"
    assert extract_targets(text, 2024).empty
    assert len(extract_targets(text, 2023)) == 3          # the plan's own year: targets
    assert len(extract_targets("到2025年,全市新建公办幼儿园15所。", 2024)) == 1


def test_retrospective_heading_and_paragraph():
    text = ("一、2023年工作回顾\n2023年,全市新建改扩建学校25所,新增学位1.8万个。招聘教师860名。\n"
            "二、2024年工作要点\n1.新建改扩建学校30所,新增学位2万个。")
    assert [v for v, _, _ in values_py(text, 2024)] == [30.0, 20000.0]
    text = "2024年,全市教育工作取得新成效。学前教育毛入园率达92.6%,新建幼儿园10所。"
    assert extract_targets(text, 2025).empty


def test_future_cue_overrides_a_past_cue():
    assert [v for v, _, _ in values("全市现有省级示范性高中8所,力争到2025年达到12所。")] == [12.0]
    assert [v for v, _, _ in values("在已建成120所标准化学校的基础上,再新建标准化学校30所。")] == [30.0]
    rec = one("教师每年参加培训不少于72学时,五年内累计不少于360学时。".split(",")[1])
    assert (rec["value"], rec["comparator"]) == (360.0, ">=")


def test_deadline_framing_a_quantity_is_not_its_own_record():
    assert values("力争三年内新增公办幼儿园学位1万个。") == [(10000.0, "个", "=")]
    assert values("对排查出的C级危房,一年内完成加固改造。") == [(1.0, "年", "<=")]
    assert values("作业负担1年内有效减轻、3年内成效显著。") == [(1.0, "年", "<="), (3.0, "年", "<=")]


def test_baseline_of_a_change_is_not_a_target():
    rec = one("普惠性幼儿园覆盖率由2020年的82%提高到2025年的90%以上。")
    assert (rec["value"], rec["comparator"], rec["indicator_id"]) == (90.0, ">=", "inclusive_kindergarten_enrollment_share")
    assert one("学前三年毛入园率从88.5%提高到95%。")["value"] == 95.0


def test_percentage_points():
    rec = one("儿童青少年总体近视率在2023年基础上每年降低0.5个百分点以上。")
    assert (rec["value"], rec["unit"], rec["comparator"], rec["indicator_id"]) == (0.5, "百分点", ">=", "myopia_rate")
    rec = one("高中阶段教育毛入学率较2020年提高5个百分点。")
    assert (rec["value"], rec["unit"], rec["comparator"]) == (5.0, "百分点", "=")
    assert rec["indicator_id"] == "senior_secondary_gross_enrollment_rate"


@pytest.mark.parametrize("text", [
    "建立四项机制,完善三大体系,实施五大行动,抓好六个环节。",
    "统筹推进三个课堂常态化应用,落实五项管理规定。",
    "中考成绩连续五年位居全省前三名。",
    "中小学教师每五年完成培训。",
    "确保提前一年完成目标任务。",
    "力争用2-3年时间,基本消除大班额。",
    "启动新一轮学校章程修订工作。",
])
def test_general_exclusions(text):
    frame = extract_targets(text)
    assert frame.empty, frame[["quote", "value", "unit"]].to_string()


def test_slogan_rule_keeps_countable_objects():
    assert values("让每名学生掌握两项以上运动技能、一项艺术特长。") == [(2.0, "项", ">="), (1.0, "项", "=")]
    assert values("建成“智慧教育示范区”3个。") == [(3.0, "个", "=")]     # digits after a quote: a count


def test_comparator_refinements():
    assert one("高等教育毛入学率达到58%左右")["comparator"] == ">="      # 左右 is weak
    assert one("新增学位6000个左右")["comparator"] == "="
    assert one("新改扩建公办幼儿园200所以上")["comparator"] == ">="       # 所以上 is not 所以
    assert values("资助学生3.5万人次、资助金额8000万元以上") == [(35000.0, "人次", "="), (80_000_000.0, "元", ">=")]
    assert one("学前教育毛入园率≥95%")["comparator"] == ">="
    assert one("每天提供不少于2个小时的课后服务")["unit"] == "小时"
    assert one("组织食品安全专项检查不少于2轮")["unit"] == "轮"


def test_coefficients_without_a_counting_word():
    frame = extract_targets("县域内义务教育学校校际差异系数小学不高于0.50、初中不高于0.45。")
    assert list(zip(frame["value"], frame["unit"], frame["comparator"])) == [(0.5, "", "<="), (0.45, "", "<=")]
    assert extract_targets("推进教育信息化2.0行动计划").empty


@pytest.mark.parametrize("text, indicator_id", [
    ("课后服务覆盖率达到100%", "after_school_service_coverage"),
    ("数字校园建设覆盖率达到90%", "digital_campus_coverage"),
    ("财政性教育经费占地区生产总值比例不低于4%", "education_expenditure_gdp_share"),
    ("学生体质健康优良率达到55%以上", "student_physical_fitness_good_rate"),
    ("每天校内体育活动时间不少于1小时", "daily_physical_activity_time"),
    ("超大班额比例控制在1%以内", "oversized_class_share"),
    ("每生每年补助1000元", "per_student_funding"),
    ("新建改扩建中小学幼儿园32所", "new_schools"),
    ("建设100所“美丽校园”", None),
    ("学前教育阶段残疾儿童入园率达到80%", None),
    ("年内完成300名乡村教师全员轮训", "teacher_training"),
])
def test_canonical_indicators_of_other_plans(text, indicator_id):
    assert one(text)["indicator_id"] == indicator_id


def test_list_continuations_carry_the_indicator():
    frame = extract_targets("年内新建改扩建农村寄宿制学校100所、乡镇公办中心幼儿园60所。")
    assert list(frame["indicator_id"]) == ["new_schools", "new_kindergartens"]
    frame = extract_targets("到2022年,学前三年毛入园率达到90%;到2025年,达到92%以上。")
    assert list(frame["indicator_id"]) == ["preschool_gross_enrollment_rate"] * 2


# --------------------------------------------------------------------------- blind set
def test_blind_set_is_well_formed():
    from policylens.evaluate.targets import BLIND_SET, load_external

    texts, years, gold = load_external(BLIND_SET)
    assert len(texts) >= 100 and len(gold) >= 250
    assert set(gold["comparator"]) <= {">=", "<=", "=", "<", ">", "range"}
    for row in gold.itertuples():
        assert row.quote in texts[row.doc_id], row.quote
        assert (row.comparator == "range") == (not math.isnan(row.value_low))


def test_flattened_indicator_table_rows():
    text = "指标 2020年 2025年 属性 学前教育毛入园率(%) 88.6 92 预期性 高等教育毛入学率(%) 55 ≥60 预期性"
    frame = extract_targets(text)
    assert list(zip(frame["value"], frame["unit"], frame["comparator"])) == [(92.0, "%", "="), (60.0, "%", ">=")]
    assert list(frame["target_year"]) == [2025, 2025]          # the column header
    assert frame["indicator_id"].iloc[0] == "preschool_gross_enrollment_rate"
    assert values("在校生规模(万人) 1.2 1.5 约束性") == [(15000.0, "人", "=")]
    assert values("毛入园率(%) 95 预期性") == [(95.0, "%", "=")]      # one column with an attribute word
    assert extract_targets("毛入园率(%) 95").empty                  # a lone bracketed number is not a table
    assert values("毛入园率(%) 90 95%") == [(95.0, "%", "=")]        # an ordinary candidate, read once
    for r in extract_targets("學前教育毛入園率（％） ８８ ９２ 預期性").itertuples():
        assert r.value == 92.0


def test_staffing_ratios():
    assert values("小学生师比不高于19:1,初中生师比不高于13.5:1。") == [(19.0, "", "<="), (13.5, "", "<=")]
    assert values("保教人员与幼儿比例不低于1:9") == [(9.0, "", ">=")]
    assert extract_targets("篮球比赛成绩3:1,上午8:30开会。").empty          # no ratio word: a score, a clock


def test_measure_words_as_written_and_idioms():
    assert values("配备计算机2000台套") == [(2000.0, "台套", "=")]
    assert values("新建塑胶运动场15块,新增寄宿床位1200张") == [(15.0, "块", "="), (1200.0, "张", "=")]
    assert values("培育教学创新团队30支,打造研学线路30条") == [(30.0, "支", "="), (30.0, "条", "=")]
    assert values("城乡生均公用经费差距控制在1.2倍以内") == [(1.2, "倍", "<=")]
    assert extract_targets("打造一支高素质教师队伍,坚持一条主线,一张蓝图绘到底。").empty


def test_cumulative_horizon_and_current_plan_period():
    assert values("三年累计投入资金不少于50亿元,新增学位3万个。") == [(5e9, "元", ">="), (30000.0, "个", "=")]
    assert values("“十四五”期间,累计新增公办幼儿园学位2万个。") == [(20000.0, "个", "=")]
    assert extract_targets("“十三五”期间,全市累计新增学位5万个。").empty
    assert extract_targets("近三年累计投入资金12亿元。").empty


def test_one_x_one_y_and_service_slogans():
    assert extract_targets("对适龄残疾儿童少年实行一人一案,推进义务教育入学一件事一次办。").empty
    assert values("建设一所一流大学") == [(1.0, "所", "=")]                # 一流 is not a slogan partner


def test_conditional_cue_and_forecast():
    assert values("对获评省级以上教学成果奖的团队给予每项5万元奖励") == [(50000.0, "元", "=")]
    assert extract_targets("预计2025年全市小学入学人数达到4.2万人。").empty
    assert values("预计投入资金5亿元") == [(5e8, "元", "=")]                # a planned amount stays


def test_class_size_and_place_indicators_with_level_words_after_the_measure():
    frame = extract_targets("城区学校班额小学不超过45人、初中不超过50人。")
    assert list(frame["indicator_id"]) == ["primary_class_size_max", "junior_class_size_max"]
    assert one("小学每班不超过45人")["indicator_id"] == "primary_class_size_max"
    assert indicator_id_for("普通高中学位", "个") == "new_school_places"
    assert indicator_id_for("硕士学位", "个") is None


# --------------------------------------------------------------------------- plans set
def test_plans_set_is_well_formed():
    from policylens.evaluate.targets import load_plans

    texts, years, gold = load_plans()
    assert len(texts) == 6 and len(gold) >= 150
    assert all(len(t) >= 1400 for t in texts.values())
    assert set(gold["comparator"]) <= {">=", "<=", "=", "<", ">", "range"}
    for row in gold.itertuples():
        assert texts[row.doc_id].count(row.quote) == 1, row.quote
        assert (row.comparator == "range") == (not math.isnan(row.value_low))


def test_tupo_is_more_than():
    assert values("普通高考本科上线人数突破2000人") == [(2000.0, "人", ">")]
    assert extract_targets("在党建统领上实现新突破。").empty


def test_editions_count_but_congress_and_cohort_ordinals_do_not():
    assert values("每年举办1届全市职业院校技能大赛") == [(1.0, "届", "=")]
    assert values("举办两届运动会") == [(2.0, "届", "=")]
    assert extract_targets("学习党的十九届五中全会精神,召开十三届全国人大,承办第十五届运动会。").empty
    assert values("2024届毕业生就业率达到95%") == [(95.0, "%", ">=")]


def test_bare_years_opening_a_counted_verb_phrase_are_the_horizon():
    assert values("五年招聘特岗教师1.5万名") == [(15000.0, "名", "=")]
    assert values("三年新建、改扩建幼儿园15所") == [(15.0, "所", "=")]
    assert values("两年内建成") == [(2.0, "年", "<=")]                    # a deadline alone stays
    assert values("具有3年以上企业工作经历,招聘200名") == [(3.0, "年", ">="), (200.0, "名", "=")]
    assert values("服务期不少于5年,补助2万元") == [(5.0, "年", ">="), (20000.0, "元", "=")]


def test_indefinite_article_is_not_a_count():
    assert extract_targets("把县中发展提升作为一项重大民生工程,这是一个系统工程。").empty
    assert values("掌握一项艺术技能") == [(1.0, "项", "=")]


def test_cumulative_total_after_a_future_cue_earlier_in_the_sentence():
    assert values("到2027年,毛入园率达到99%;累计新增市级以上名师名校长200名。") == [
        (99.0, "%", ">="), (200.0, "名", "=")]
    assert extract_targets("2020年以来累计投入12亿元;累计新建学校30所。").empty


# --------------------------------------------------------------------------- issue 11: notation
@pytest.mark.parametrize("text, value, unit, comparator", [
    ("到2025年新建幼儿园一百一十五所", 115, "所", "="),          # 一‹multiplier›一 is a number, not a slogan
    ("全年培训骨干教师一千一百名", 1100, "名", "="),
    ("公办园在园幼儿占比达到八成", 80, "%", ">="),               # 成 is a tenth
    ("小学辍学率控制在百分之零点五以内", 0.5, "%", "<="),         # 零点 …
    ("近视率每年降低零点八个百分点", 0.8, "百分点", "="),
    ("高中阶段教育毛入学率大于等于95%", 95, "%", ">="),
    ("城区小学班额小于等于45人", 45, "人", "<="),
    ("每个教学班学生最多45人", 45, "人", "<="),
    ("每年新建普惠性幼儿园二十所或者以上", 20, "所", ">="),
    ("每年培训乡村校长三百名或者更多", 300, "名", ">="),
    ("投入改造资金2,350.5万元", 23_505_000, "元", "="),
    ("对每名寄宿生补助￥500", 500, "元", "="),
    ("为每名学生每天补助营养餐8人民币", 8, "元", "="),
    ("骨干教师占专任教师的三分之一以上", 33.33, "%", ">="),
    ("新建教学楼建筑面积3.2万㎡", 32_000, "平方米", "="),
    ("初中年辍学率控制在3‰以内", 3, "‰", "<="),
    ("骨干教师占比达到1/3", 33.33, "%", ">="),                   # an Arabic fraction after a share word
    ("培训校长2百名", 200, "名", "="),
    ("覆盖率提高到九成五", 95, "%", ">="),
    ("比例提高5百分点", 5, "百分点", "="),                      # 百 before 分 is no multiplier
])
def test_notation_of_issue_11(text, value, unit, comparator):
    rec = one(text)
    assert (rec["value"], rec["unit"], rec["comparator"]) == (pytest.approx(value), unit, comparator)


def test_between_is_one_range_and_shared_value_lists_give_one_record_per_indicator():
    rec = one("小学生均公用经费保持在800元与1000元之间")
    assert (rec["value_low"], rec["value_high"], rec["comparator"]) == (800, 1000, "range")
    assert len(extract_targets("新建小学5所与初中3所")) == 2           # 与 without 之间: two counts
    frame = extract_targets("小学、初中适龄儿童入学率均达到100%")
    assert list(frame["indicator"]) == ["小学适龄儿童入学率", "初中适龄儿童入学率"]
    assert len(extract_targets("全市建成优质均衡县(市、区)5个")) == 1   # 均衡 is no 均
    frame = extract_targets("小学、初中、高中教师培训学时分别不少于72、90、120学时")
    assert list(frame["value"]) == [72, 90, 120] and set(frame["unit"]) == {"学时"}


def test_approx_flag_keeps_the_comparator():
    rows = {r.quote: (r.comparator, r.approx) for r in extract_targets(
        "初中毕业率达96%左右,总投资近2亿元,新增学位2000余个,培训教师1万多人次,新建学校5所。").itertuples()}
    assert rows["初中毕业率达96%左右"] == (">=", True)
    assert [v for k, v in rows.items() if "2亿" in k] == [("=", True)]
    assert [v for k, v in rows.items() if "2000余个" in k] == [(">", True)]
    assert [v for k, v in rows.items() if "5所" in k] == [("=", False)]


@pytest.mark.parametrize("text", [
    "经过短短三年多的努力,全市办学条件明显改善。", "这一做法已经延续了十几年。", "鼓励更多学生进入全省前5000名。",
    "办好第五届中小学生运动会。", "关爱15周岁以下留守儿童。", "举办(繁体:辦)好人民满意的教育。", "落实“十百千万”人才培养工程。",
])
def test_spans_ranks_ages_and_annotations_are_not_quantities(text):
    assert extract_quantities(text).empty


# --------------------------------------------------------------------------- issue 11: status
def test_quantities_carry_a_status_and_its_cue():
    text = ("2023年,全市新建幼儿园12所。目前,全市共有幼儿园326所。预计2025年全区小学入学人数达到1.2万人。"
            "2024年,计划新建幼儿园10所,学前教育毛入园率由90%提高到94%。")
    frame = extract_quantities(text, 2024)
    assert list(frame.columns) == list(QUANTITY_COLUMNS)
    got = {(r.value, r.status, r.cue) for r in frame.itertuples()}
    assert (12, "achieved", "2023年") in got
    assert (326, "baseline", "共有") in got
    assert (12_000, "forecast", "预计") in got
    assert (10, "target", "") in got and (94, "target", "") in got
    assert (90, "baseline", "由") in got
    targets = extract_targets(text, 2024)
    assert set(targets["value"]) == {10, 94} and set(targets["status"]) == {"target"}


def test_reported_numbers_in_news_and_progress_registers_are_not_targets():
    text = ("要点提出,今年将新建、改扩建中小学8所。据介绍,今年上半年已建成3所,项目开工率为96.5%,完成投资2180万元,"
            "占计划的64.2%。辖区适龄儿童近6200人,现有学位5000个。")
    assert list(extract_targets(text, 2024)["value"]) == [8]
    status = dict(zip(extract_quantities(text, 2024)["value"], extract_quantities(text, 2024)["status"]))
    assert status[3] == status[96.5] == status[21_800_000] == status[64.2] == "achieved"
    assert status[6200] == status[5000] == "baseline"


def test_earlier_five_year_plan_period_is_reviewed():
    text = "“十三五”期间,全区新建学校21所。“十四五”期间,全区将新建学校15所。"
    assert list(extract_targets(text)["value"]) == [15]


class _PlanLike:
    """A stand-in with the Plan interface (text, units, meta): extract_targets uses duck typing."""

    def __init__(self, text: str, units: pd.DataFrame, meta: dict):
        self.text, self.units, self.meta = text, units, meta


def test_plan_input_reads_review_sections_from_units_and_gives_unit_paths():
    text = "一、发展基础\n新建幼儿园12所。\n二、主要目标\n新建幼儿园10所。\n"
    a, b = text.index("一"), text.index("二")
    units = pd.DataFrame({"path": ["一", "二"], "kind": ["preamble", "goal"], "start": [a, b],
                          "end": [b, len(text)], "heading": ["发展基础", "主要目标"]})
    plan = _PlanLike(text, units, {"doc_type": "annual_plan", "plan_start_year": "2024"})
    frame = extract_targets(plan)
    assert list(frame.columns) == ["unit_path", *TARGET_COLUMNS]
    assert list(frame["value"]) == [10] and list(frame["unit_path"]) == ["二"]
    assert list(frame["target_year"]) == [2024]                  # from the plan's metadata
    quantities = extract_quantities(plan)
    assert list(quantities["status"]) == ["baseline", "target"] and list(quantities["unit_path"]) == ["一", "二"]


def test_plan_input_with_a_real_plan():
    from policylens import Plan

    plan = Plan.from_text("一、工作回顾\n2023年全市新建幼儿园12所。\n二、工作目标\n全市新建幼儿园10所。\n",
                          doc_type="annual_plan", plan_start_year="2024")
    frame = extract_targets(plan)
    assert list(frame["value"]) == [10] and list(frame["unit_path"]) == ["二"]


def test_notation_suite_and_quantities_meet_thresholds():
    from policylens.evaluate import targets as evaluation

    notation = evaluation.evaluate_notation()
    print(evaluation.report(notation, lists=False))
    assert evaluation.acceptance("notation", notation)[0]
    quantities = evaluation.evaluate_quantities()
    assert evaluation.acceptance("quantities", quantities)[0]


# --------------------------------------------------------------------------- issue 15: linear on any string
_SPACES = [" ", "\t", "\u00a0", "\u1680", "\u2000", "\u2003", "\u2009", "\u200a", "\u200b", "\u202f",
           "\u205f", "\u3000", "\ufeff", "\n", "\r\n", "\x0b", "\x0c", "\x85", "\u2028", "\u2029"]
_FAMILIES = {
    **{f"space U+{ord(c[0]):04X}": (lambda n, c=c: "(%)" + c * n + "达到5所") for c in _SPACES},
    "digit run": lambda n: "9" * n + "所",
    "digits and spaces": lambda n: "1 " * (n // 2) + "所",
    "Chinese numerals": lambda n: "一二三四五六七八九十" * (n // 10) + "所",
    "repeated markers": lambda n: "一、(一)1.①第一章\n" * (n // 13),
    "nested brackets": lambda n: "(《“" * (n // 3) + "5所" + ")" * (n // 6),
    "repeated targets": lambda n: "达到5%、" * (n // 5),
    "thousands separators": lambda n: "1," * (n // 2) + "000元",
}


def _seconds(func, text: str, repeat: int) -> float:
    import time

    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        func(text)
        best = min(best, time.perf_counter() - t0)
    return best


# extract_quantities runs every step extract_targets runs (and annotates the other statuses too):
# every family for it, a sample for extract_targets.
_CASES = [("quantities", f) for f in sorted(_FAMILIES)] + [
    ("targets", f) for f in ("space U+3000", "digit run", "repeated markers", "nested brackets")]


@pytest.mark.parametrize("which, family", _CASES)
def test_linear_on_adversarial_inputs(which, family):
    """Growth from 10k to 100k characters stays near 10x (a ratio, not an absolute time;
    ``benchmarks/bench_targets.py`` measures 100k to 1M)."""
    func = extract_quantities if which == "quantities" else extract_targets
    make = _FAMILIES[family]
    small, big = make(10_000), make(100_000)
    _consistent(small, extract_targets(small))
    ratio = _seconds(func, big, 1) / max(_seconds(func, small, 3), 1e-3)
    assert ratio <= 25, f"{family}: 10x the input took {ratio:.1f}x the time"


@settings(max_examples=60, deadline=None)
@given(st.lists(_PIECES, max_size=80).map("".join))
def test_quantities_never_raise(text):
    frame = extract_quantities(text, 2020)
    assert set(frame["status"]) <= {"target", "achieved", "baseline", "forecast"}
    for r in frame.itertuples():
        assert text[r.start:r.end] == r.quote


# --------------------------------------------------------------------------- targets against results
def test_targets_against_later_results_of_the_same_place():
    from policylens.targets import RESULT_COLUMNS, plan_quantities, targets_vs_results

    plans = {
        "a-2018": ("到2020年,全市学前三年毛入园率达到90%,小学辍学率控制在0.5%以内。", 2018),
        "a-2021": ("2020年,全市学前三年毛入园率为88.5%,小学辍学率为0.3%。到2025年,学前三年毛入园率达到95%。", 2021),
        "b-2021": ("2020年,全市学前三年毛入园率为93%。", 2021),
    }
    frames = [plan_quantities(_PlanLike(text, pd.DataFrame(), {"doc_id": d}), year) for d, (text, year) in plans.items()]
    quantities = pd.concat(frames, ignore_index=True)
    documents = pd.DataFrame({"doc_id": list(plans), "city_zh": ["甲市", "甲市", "乙市"],
                              "plan_start_year": [2018, 2021, 2021]})
    pairs = targets_vs_results(quantities, documents)
    assert list(pairs.columns) == list(RESULT_COLUMNS)
    got = {(r.indicator_id, r.target_value, r.reported_value, r.met) for r in pairs.itertuples()}
    assert got == {("preschool_gross_enrollment_rate", 90, 88.5, False), ("primary_dropout_rate", 0.5, 0.3, True)}
    assert set(pairs["reported_doc"]) == {"a-2021"}                # never another place's report
    assert targets_vs_results(quantities.iloc[0:0], documents).empty


@pytest.mark.parametrize("text, statuses", [
    ("项目开工率为96.5%。", ["achieved"]),                             # a progress rate stated with 为
    ("确保项目开工率达到100%。", ["target"]),
    ("完成投资2180万元,占计划的64.2%。", ["achieved", "achieved"]),      # set against the plan
    ("该校高考本科上线率达41.5%,创历史新高。", ["achieved"]),
    ("力争完成投资5000万元,占总投资的60%。", ["target", "target"]),
    ("2019年建成4所,2020年将再建成6所。", ["achieved", "target"]),      # no plan year: the year looked ahead to
    ("2018年新建5所,2019年新建8所,到2020年累计建成20所。", ["target", "target", "target"]),
])
def test_progress_reports_without_a_plan_year(text, statuses):
    assert list(extract_quantities(text)["status"]) == statuses


@pytest.mark.parametrize("text", [
    "该市投入资金1.2亿元,新建学校3所,有效缓解了入学难。",          # an effect already felt: a report
    "经过努力,全县义务教育巩固率达到98.6%,提前完成目标。",
])
def test_reports_of_effects_are_not_targets(text):
    assert extract_targets(text).empty and not extract_quantities(text).empty


def _plan_quantities_by_columns(plan, year):
    """plan_quantities as it was written: extract_quantities, then doc_id and unit_path inserted."""
    found = extract_quantities(plan, year)
    if "unit_path" not in found.columns:
        found.insert(0, "unit_path", "")
    meta = getattr(plan, "meta", None) or {}
    found.insert(0, "doc_id", str(meta.get("doc_id", "")))
    from policylens.targets import QUANTITY_COLUMNS
    return found[["doc_id", "unit_path", *QUANTITY_COLUMNS]].reset_index(drop=True)


@pytest.mark.parametrize("source", ["plan", "no quantity", "string", "empty", "none", "plan-like"])
def test_plan_quantities_frame_is_built_as_inserted(source):
    """plan_quantities builds its frame in one go: the same columns, dtypes and values."""
    from policylens import Plan
    from policylens.targets import plan_quantities

    text = "一、目标\n到2025年,全市新建幼儿园3所,学前三年毛入园率达到95%以上。2020年已建成2所。\n二、措施\n加强管理。"
    plan = {
        "plan": Plan.from_text(text, doc_id="p1"),
        "no quantity": Plan.from_text("一、总体要求\n加强管理。", doc_id="p2"),
        "string": text,
        "empty": "",
        "none": None,
        "plan-like": _PlanLike(text, pd.DataFrame(), {"doc_id": "p3"}),
    }[source]
    got = plan_quantities(plan, 2021)
    pd.testing.assert_frame_equal(got, _plan_quantities_by_columns(plan, 2021))
    assert list(got.dtypes.astype(str)) == list(_plan_quantities_by_columns(plan, 2021).dtypes.astype(str))


def test_units_by_first_character_match_as_the_whole_list():
    """_match_unit looks only at the units that start with the character at the position: same answer as all units."""
    from policylens import config
    from policylens.targets.numbers import _BOUND_WORDS, _match_unit

    rules = load_rules()

    def by_list(t, pos, cn):
        if not rules.unit_re.match(t, pos):
            return None
        for unit, canonical, _kind, not_before, digits_only in rules.units:
            if digits_only and cn or not t.startswith(unit, pos):
                continue
            after = pos + len(unit)
            if after < len(t) and t[after] in not_before and not t.startswith(_BOUND_WORDS, after):
                continue
            return unit, canonical, after
        return None

    units = [u[0] for u in rules.units]
    text = "".join(u + tail for u in units for tail in ("", "以上", "所以", "学", "级", "。"))
    for path in sorted(config.DATA_RAW.glob("*.txt")):
        text += path.read_text(encoding="utf-8")
    for pos in range(len(text)):
        for cn in (False, True):
            assert _match_unit(text, pos, rules, cn) == by_list(text, pos, cn), (pos, text[pos:pos + 6])


def test_quantity_column_dtypes():
    """Text columns stay object (not pandas' inferred str), numbers typed; doc_id and unit_path as inserted."""
    from policylens.targets import plan_quantities

    text = "到2025年,新建幼儿园3所,学前三年毛入园率达到95%以上。"
    expected = {"quote": "object", "start": "int64", "end": "int64", "indicator": "object", "indicator_id": "object",
                "value": "float64", "value_low": "float64", "value_high": "float64", "unit": "object",
                "comparator": "object", "target_year": "Int64", "status": "object", "approx": "bool", "cue": "object"}
    for found in (extract_quantities(text), extract_quantities("")):
        assert dict(found.dtypes.astype(str)) == expected
    rows = plan_quantities(text)
    assert len(rows) == 2
    assert dict(rows.dtypes.astype(str)) == {"doc_id": str(pd.Series(["x"]).dtype),
                                             "unit_path": str(pd.Series(["x"]).dtype), **expected}


def test_unit_paths_of_units_in_any_order():
    """Units in text order are used as they are; units out of order are sorted first: the same paths."""
    import sys

    records_module = sys.modules["policylens.targets.records"]
    units = pd.DataFrame({"path": ["一", "一/(一)", "二", "三"], "start": [0, 5, 20, 40], "end": [20, 12, 40, 60]})
    starts = [0, 6, 13, 25, 59, 60, 70]
    expected = ["一", "一/(一)", "", "二", "三", "", ""]   # the innermost unit starting before, or none
    assert records_module._unit_paths(units, starts) == expected
    shuffled = units.iloc[[2, 0, 3, 1]]
    assert records_module._unit_paths(shuffled, starts) == expected


def test_an_indicator_stops_at_an_item_run_into_its_heading():
    """On a page saved as one line a heading runs into its first item (``二、发展学前教育 2.新建…``): the
    item's marker bounds the clause, as a line start would."""
    from policylens import Plan

    text = ("嘉禾县教育局2011年工作要点 一、推进义务教育均衡 1.完成薄弱学校改造项目8个，初中巩固率达到95%。 "
            "二、发展学前教育 2.新建公办幼儿园4所，学前三年入园率达到62%。 三、加强教师队伍 3.培训农村教师1500人次。")
    got = extract_targets(Plan.from_text(text))
    assert got["indicator"].tolist() == ["薄弱学校改造项目", "初中巩固率", "新建公办幼儿园", "学前三年入园率",
                                         "培训农村教师"]
    assert got["value"].tolist() == [8, 95, 4, 62, 1500]


@pytest.mark.parametrize("sentence, value", [("全镇适龄儿童入学率保持百分之百。", 100.0),
                                             ("残疾儿童入学率达到百分之百。", 100.0),
                                             ("巩固率达到百分之九十九点五。", 99.5)])
def test_baifenzhibai_is_all_of_it(sentence, value):
    """百分之百 (百 alone is no number) is 100 %."""
    got = extract_targets(sentence)
    assert got["value"].tolist() == [value] and got["unit"].tolist() == ["%"]


def test_enumeration_words_are_not_part_of_the_indicator():
    """一是…；二是…；三是… enumerate measures: the words are stripped like a leading verb."""
    got = extract_targets("推进城乡一体化。一是完成“强镇筑基”项目学校5所；二是新建学生宿舍3栋；三是义务教育巩固率保持在99%以上。")
    assert got["indicator"].tolist() == ["强镇筑基项目学校", "新建学生宿舍", "义务教育巩固率"]
    assert got["value"].tolist() == [5, 3, 99]
