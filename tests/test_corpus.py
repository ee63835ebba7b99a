"""The corpus stage: decoding, manifest validation, cleaning and the offset map."""
from __future__ import annotations

import csv
import hashlib
import re
import shutil
from pathlib import Path

import pytest

from policylens import config
from policylens.corpus import (
    CorpusError,
    ManifestError,
    build_corpus,
    clean,
    clean_text,
    find_inconsistencies,
    load_corpus,
    load_rules,
    read_manifest,
    read_raw,
)
from policylens.rulefile import RuleFileError

SAMPLE = "（一）推进全面从严治党，构建教育系统党建工作新格局\n1．强化思想引领。全市学前三年幼儿入园率达到９４％。"
CHROME = re.compile(r"您现在的位置|发布时间|发布日期|来源:|ICP备|公网安备|网站标识码|友情链接|设为首页|总访问量|"
                    r"打印页面|关闭页面|本文来源|本文内容由互联网用户|如若转载|点击下载文档|推荐度|文档为doc格式|"
                    r"字体\[|今天是|https?://")


@pytest.fixture(scope="module")
def corpus():
    return load_corpus()


# --- decoding ---------------------------------------------------------------

@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16", "utf-16-le", "utf-16-be"])
def test_each_encoding_decodes_to_the_same_text(tmp_path, encoding):
    path = tmp_path / f"plan-{encoding}.txt"
    path.write_bytes(SAMPLE.encode(encoding))
    raw = read_raw(path)
    assert raw.text == SAMPLE
    assert clean_text(raw.text).startswith("(一)推进全面从严治党")


def test_empty_file_is_a_clear_error(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    with pytest.raises(CorpusError, match=r"empty\.txt: empty file"):
        read_raw(path)
    path.write_bytes(b"  \n\n ")
    with pytest.raises(CorpusError, match="only whitespace"):
        read_raw(path)


def test_binary_file_is_a_clear_error(tmp_path):
    path = tmp_path / "scan.txt"
    path.write_bytes(bytes(range(256)) * 8)
    with pytest.raises(CorpusError, match=r"scan\.txt(:\d+)?: binary file"):
        read_raw(path)


def test_unknown_encoding_names_file_and_line(tmp_path):
    path = tmp_path / "latin.txt"
    path.write_bytes("第一行\n第二行\n".encode() + b"\xff\xfe\xfd\x80\x81 caf\xe9\n")
    with pytest.raises(CorpusError, match=r"latin\.txt:3: unknown encoding"):
        read_raw(path)


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CorpusError, match="cannot read file"):
        read_raw(tmp_path / "nope.txt")


# --- manifest -----------------------------------------------------------------

def _copy_corpus(tmp_path: Path) -> Path:
    raw = tmp_path / "raw"
    shutil.copytree(config.DATA_RAW, raw)
    return raw


def _edit_manifest(raw: Path, row: int, column: str, value: str) -> None:
    path = raw / "manifest.csv"
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    rows[row][column] = value
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def test_manifest_is_valid_and_complete():
    manifest = read_manifest()
    assert sorted(manifest["doc_id"]) == ["baotou-2018", "cangzhou-2023", "qingdao-2012", "x-guangxi-2018-2020",
                                          "zhuzhou-2017"]
    inferred = manifest.set_index("doc_id")["inferred"]
    assert "city_zh" in inferred["qingdao-2012"] and "plan_start_year" in inferred["x-guangxi-2018-2020"]
    assert inferred["baotou-2018"] == ""


@pytest.mark.parametrize("column, value, message", [
    ("sha256", "0" * 64, r"row 2 \(zhuzhou-2017\).*checksum mismatch"),
    ("doc_type", "five_year_plan", r"column doc_type.*unknown value 'five_year_plan'"),
    ("doc_id", "no-such-file", r"column doc_id.*raw file no-such-file\.txt in raw/: .*not found"),
    ("plan_start_year", "20x3", r"column plan_start_year.*not a year"),
    ("anonymized", "maybe", r"column anonymized.*unknown value"),
    ("city_en", "", r"column city_en.*missing value"),
    ("inferred", "weather", r"column inferred.*unknown field"),
    ("published_date", "2023/01/01", r"column published_date"),
])
def test_each_manifest_error_names_row_and_column(tmp_path, column, value, message):
    raw = _copy_corpus(tmp_path)
    _edit_manifest(raw, 1, column, value)
    with pytest.raises(ManifestError, match=message) as info:
        read_manifest(raw / "manifest.csv")
    assert info.value.line == 3 and info.value.column == column


def test_duplicate_doc_id_is_an_error(tmp_path):
    raw = _copy_corpus(tmp_path)
    _edit_manifest(raw, 1, "doc_id", "baotou-2018")
    with pytest.raises(ManifestError, match=r"manifest\.csv:3.*duplicate doc_id 'baotou-2018' \(first on line 2\)"):
        read_manifest(raw / "manifest.csv")


def test_bad_document_does_not_stop_the_rest(tmp_path):
    raw = _copy_corpus(tmp_path)
    (raw / "qingdao-2012.txt").write_bytes(b"\x00\x01\x02binary" * 50)
    _edit_manifest(raw, 3, "sha256", hashlib.sha256((raw / "qingdao-2012.txt").read_bytes()).hexdigest())
    _edit_manifest(raw, 0, "sha256", "f" * 64)
    with pytest.warns(UserWarning):
        result = build_corpus(raw / "manifest.csv", raw)
    assert sorted(result.results) == ["cangzhou-2023", "x-guangxi-2018-2020", "zhuzhou-2017"]
    messages = " ".join(str(e) for e in result.errors)
    assert "qingdao-2012.txt" in messages and "binary file" in messages and "baotou-2018" in messages


# --- cleaning on the real files -----------------------------------------------------

def test_no_chrome_and_no_spam_left(corpus):
    for doc_id, text in zip(corpus["doc_id"], corpus["text"]):
        assert not CHROME.search(text), (doc_id, CHROME.search(text))
        assert "沧州市教育机构" not in text
        assert text == text.strip() and "\n\n" not in text and "  " not in text


def test_every_numbered_item_is_kept(corpus):
    """Every outline marker at a line start in the raw file survives cleaning."""
    marker = re.compile(r"^\s*([一二三四五六七八九十]+、|[(（][一二三四五六七八九十]+[)）]|\d+[.．])", re.M)
    for doc_id, text in zip(corpus["doc_id"], corpus["text"]):
        raw = read_raw(config.DATA_RAW / f"{doc_id}.txt").text.translate(str.maketrans("（）．", "().", ""))
        raw_markers = [m.group(1) for m in marker.finditer(raw)]
        clean_markers = [m.group(1) for m in marker.finditer(text)]
        assert clean_markers == raw_markers and raw_markers, doc_id


def test_known_numbers_of_items(corpus):
    text = corpus.set_index("doc_id")["text"]
    assert "27.强化教育督导评估和质量监测" in text["baotou-2018"]
    assert "25.强化教育综合保障" in text["zhuzhou-2017"]
    assert "(九)全力维护教育系统稳定" in text["cangzhou-2023"]
    assert "(五)营造良好氛围" in text["x-guangxi-2018-2020"]


def test_documented_corrections(corpus):
    text = corpus.set_index("doc_id")["text"]["zhuzhou-2017"]
    assert "《株洲市教育综合改革方案(2016-2020)》" in text
    assert "《3-6岁儿童学习与发展指南》" in text
    assert "举办10次研修活动," in corpus.set_index("doc_id")["text"]["cangzhou-2023"]


def test_titles_move_to_the_report(corpus):
    docs = corpus.set_index("doc_id")
    assert docs.loc["baotou-2018", "title_removed"] == "2018年全市教育工作计划"
    assert docs.loc["baotou-2018", "text"].startswith("2018年,是全面贯彻党的十九大精神开局之年")
    assert docs.loc["cangzhou-2023", "title_removed"] == ""
    assert docs.loc["zhuzhou-2017", "text"].startswith("2017年全市教育工作的总体要求:")


def test_full_width_and_traditional_are_normalized():
    raw = "發布時間:2020-02-05\n教育提升三年行動計劃\n（一）學前教育三年毛入園率達到９２％以上，義務教育鞏固率達到９５．３％。\n"
    result = clean(raw)
    assert result.text == "(一)学前教育三年毛入园率达到92%以上,义务教育巩固率达到95.3%。".replace(",", "，")
    assert result.traditional_converted and result.title == "教育提升三年行动计划"


# --- offset map ---------------------------------------------------------------------

def test_offset_map_traces_slices_back_to_raw(corpus):
    from policylens.corpus import load_clean_results

    for doc_id, result in load_clean_results().items():
        assert len(result.offsets) == len(result.text)
        assert all(b >= a for a, b in zip(result.offsets, result.offsets[1:]))  # inserted hyphens share a position
        for start in range(0, len(result.text) - 30, 53):
            piece = result.text[start:start + 30]
            if "\n" in piece or any(c in piece for c in "()%-") or not piece.strip():
                continue
            a, b = result.to_raw(start, start + 30)
            assert result.raw[a:b] == piece, (doc_id, start)


def test_offset_map_through_replacements():
    raw = "  来源:某网站\n《株洲市教育综合改革方案（20162020）》全面启动。\n"
    result = clean(raw)
    start = result.text.index("2016-2020")
    a, b = result.to_raw(start, start + len("2016-2020"))
    assert result.raw[a:b] == "20162020"
    assert result.raw_line(start) == 2


def test_quote_traces_to_raw_line(corpus):
    from policylens.corpus import load_clean_results

    result = load_clean_results()["baotou-2018"]
    quote = "全市学前三年幼儿入园率达到94%"
    start = result.text.index(quote)
    a, b = result.to_raw(start, start + len(quote))
    assert result.raw[a:b] == quote
    assert result.raw.splitlines()[result.raw_line(start) - 1].strip().startswith("全市学前三年幼儿入园率")


# --- findings and rules -------------------------------------------------------------

def test_consistency_findings(corpus):
    findings = corpus.set_index("doc_id")["findings"]
    assert "congress-after-date" in findings["zhuzhou-2017"] and "十九大" in findings["zhuzhou-2017"]
    assert "page-date-vs-plan-year" in findings["qingdao-2012"] and "2012" in findings["qingdao-2012"]
    assert findings["baotou-2018"] == ""


def test_findings_are_flagged_not_fixed():
    text = "2017年全市教育工作的总体要求:深入学习贯彻党的十九大精神。"
    found = find_inconsistencies("x", text, "2017-02-22", 2017)
    assert [f.code for f in found] == ["congress-after-date"]
    assert find_inconsistencies("x", text, "2018-01-05", 2017) == []


def test_rules_are_data_with_reasons():
    rules = load_rules()
    assert len({r.id for r in rules}) == len(rules) >= 15
    assert all(r.reason for r in rules)


def test_bad_rule_file_is_a_clear_error(tmp_path):
    path = tmp_path / "rules.yaml"
    path.write_text("version: 1\nrules:\n  - id: x\n    kind: sparkle\n    pattern: 'a'\n    reason: r\n", encoding="utf-8")
    with pytest.raises(RuleFileError, match=r"rules\.yaml:4: rules\.0\.kind: Input should be 'drop_line'"):
        load_rules(path)


def test_gated_drop_line_rules_clean_exactly_as_the_bare_rules():
    """The gate (the rule's own pattern, searched first) only skips rules that cannot match."""
    import dataclasses

    from policylens.corpus import default_rules

    rules = default_rules()
    ungated = tuple(dataclasses.replace(r, gate=None) for r in rules)
    assert any(r.gate is not None for r in rules)
    chrome = "设为首页 | 加入收藏 | 联系我们\n主办单位：某市教育局\n一、总体要求\n全面加强党的领导。\n"
    texts = [chrome, "一、总体要求\n全面加强党的领导。\n", *(p.read_text(encoding="utf-8")
                                                       for p in sorted(config.DATA_RAW.glob("*.txt")))]
    for text in texts:
        assert clean(text, rules) == clean(text, ungated)
    assert "设为首页" not in clean(chrome, rules).text and "主办单位" not in clean(chrome, rules).text


ONE_LINE_PAGE = ("首页 > 信息公开 > 计划总结 【打印本页】 【关闭窗口】 汝城县教育局2010年工作要点 2010年全县教育工作要以"
                 "办人民满意教育为目标，推动城乡教育均衡发展。一、抓好义务教育均衡 1．完成农村学校寄宿制改造项目6个，"
                 "初中巩固率达到96%。 2．落实“两免一补”政策，资助家庭经济困难寄宿生3000人。 二、发展学前教育 "
                 "3．新建公办幼儿园2所，学前三年入园率达到60%。 访问量：1024")


def test_a_page_saved_as_one_line_keeps_its_plan_and_loses_only_the_chrome():
    """A drop_line rule drops a chrome-sized line; on a long line of the plan's own text (a full stop in it)
    only the match goes, so a page scraped as one line is not emptied by its print button."""
    result = clean(ONE_LINE_PAGE)
    for kept in ("汝城县教育局2010年工作要点", "初中巩固率达到96%", "学前三年入园率达到60%"):
        assert kept in result.text
    for chrome in ("打印本页", "关闭窗口", "访问量"):
        assert chrome not in result.text
    hits = {h.rule_id: h for h in result.hits}
    assert hits["footer-print-close"].count == 2 and hits["footer-counter"].count == 1
    # the same chrome on lines of its own still takes the whole line
    page = "【打印本页】 【关闭窗口】\n一、总体要求\n全面加强党的领导。\n总访问量：1024 今日访问：12\n"
    assert clean(page).text == "一、总体要求\n全面加强党的领导。"


def test_a_long_chrome_line_without_a_full_stop_is_still_dropped():
    footer = ("主办单位：某市教育局 承办单位：某市教育信息中心 " * 9) + "ICP备12345678号"
    assert len(footer) > 200
    assert clean("一、总体要求\n全面加强党的领导。\n" + footer + "\n").text == "一、总体要求\n全面加强党的领导。"


def test_buttons_glued_to_the_last_paragraph_go_and_the_paragraph_stays():
    """footer-print-close is a token rule: its match is the button itself, so a paragraph ending in
    【打印本页】【关闭窗口】 keeps its text, while a line of buttons alone still goes whole."""
    page = ("三、改善办学条件\n投入资金80万元，完成村小厕所改造5所，为全镇学校配备电子白板30套。【打印本页】【关闭窗口】\n"
            "【打印】 【关闭】\n")
    result = clean(page)
    assert result.text == "三、改善办学条件\n投入资金80万元，完成村小厕所改造5所，为全镇学校配备电子白板30套。"
    assert {h.rule_id: h.count for h in result.hits}["footer-print-close"] == 3


def test_token_belongs_to_drop_line_rules(tmp_path):
    path = tmp_path / "rules.yaml"
    path.write_text("version: 1\nrules:\n  - id: spam\n    kind: delete\n    pattern: '广告'\n    token: true\n"
                    "    reason: 'spam'\n", encoding="utf-8")
    with pytest.raises(RuleFileError, match="token"):
        load_rules(path)


def test_a_short_traditional_page_on_one_line_keeps_its_sections():
    """Under 200 characters, but outline items run into the line (after the title and its publication stamp)
    and full stops: the plan, not chrome; the Traditional mirror's 列印/視窗 buttons go."""
    page = ("您現在的位置：首頁 > 教育資訊 > 規劃計劃 廣豐縣教育局2006年工作要點 發佈時間：2006-03-10 一、全面普及九年義務教育 "
            "1.小學適齡兒童入學率達到99.5%以上。2.完成中小學危房改造3.2萬平方米。二、積極發展職業教育 3.職業高中招生1500人。"
            "【列印本頁】【關閉視窗】")
    result = clean(page)
    assert len(page) < 200 and result.traditional_converted
    assert "小学适龄儿童入学率达到99.5%以上" in result.text and "职业高中招生1500人" in result.text
    assert "列印" not in result.text and "视窗" not in result.text and "您现在的位置" not in result.text
