"""policylens.Plan: one document read once, the same units as the build, spans traced to the raw file."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from policylens import Plan, config
from policylens.io import read_csv
from policylens.normalize import WIDTH_TABLE

FOUNDING = sorted(p.stem for p in config.DATA_RAW.glob("*.txt"))


@pytest.fixture(scope="module")
def built_units() -> pd.DataFrame:
    return read_csv(config.DATA_PROCESSED / "units.csv")


@pytest.mark.parametrize("doc_id", FOUNDING)
def test_plan_units_are_the_builds_units(doc_id, built_units):
    plan = Plan.from_file(config.DATA_RAW / f"{doc_id}.txt")
    assert plan.doc_id == doc_id and plan.meta == {"doc_id": doc_id}
    expected = built_units[built_units["doc_id"] == doc_id].drop(columns="doc_id").reset_index(drop=True)
    got = plan.units.reset_index(drop=True)
    assert list(got.columns) == list(expected.columns)
    for column in expected.columns:
        assert got[column].astype(str).tolist() == expected[column].astype(str).tolist(), column
    assert plan.text + "\n" == (config.DATA_PROCESSED / "clean" / f"{doc_id}.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("doc_id", FOUNDING)
def test_spans_of_the_cleaned_text_map_to_the_same_raw_characters(doc_id, built_units):
    plan = Plan.from_file(config.DATA_RAW / f"{doc_id}.txt")
    assert plan.offsets.dtype == np.int32 and len(plan.offsets) == len(plan.text)
    inserted = {"-"} if any(h.kind == "replace" for h in plan.hits) else set()  # '\1-\2' repairs
    units = built_units[built_units["doc_id"] == doc_id]
    for unit in units.itertuples():
        raw_start, raw_end, line = plan.to_raw(unit.start, unit.end)
        assert plan.raw.count("\n", 0, raw_start) + 1 == line
        raw_span = plan.raw[raw_start:raw_end].translate(WIDTH_TABLE)
        # every cleaned character comes from that raw span, in order (cleaning only folds, drops or joins)
        for i in range(unit.start, unit.end):
            source = plan.raw[plan.offsets[i]].translate(WIDTH_TABLE)
            assert raw_start <= plan.offsets[i] < raw_end
            assert source == plan.text[i] or plan.text[i] in " \n" or plan.text[i] in inserted, (doc_id, i)
        assert raw_span.startswith(plan.text[unit.start])
    # the compact map is the build's offset_map.csv
    runs = read_csv(config.DATA_PROCESSED / "offset_map.csv")
    runs = runs[runs["doc_id"] == doc_id]
    assert plan.offset_runs() == list(zip(runs["clean_start"], runs["raw_start"], runs["length"]))


def test_from_text_cleans_raw_scraped_text_and_keeps_metadata():
    raw = ("首页 > 新闻中心\n\n"
           "某市2024年教育工作要点\n"
           "一、总体要求\n"
           "坚持立德树人，办好人民满意的教育。\n"
           "二、重点任务\n"
           "（一）新建幼儿园５所，学前三年毛入园率达到９５％。\n"
           "（二）推进义务教育优质均衡发展！\n")
    plan = Plan.from_text(raw, doc_id="x-2024", city_zh="某市", plan_start_year=2024)
    assert plan.meta == {"doc_id": "x-2024", "city_zh": "某市", "plan_start_year": 2024}
    assert "５" not in plan.text and "新建幼儿园5所" in plan.text
    assert plan.units["path"].tolist()[-2:] == ["二/(一)", "二/(二)"]
    start = plan.text.index("新建幼儿园5所")
    raw_start, raw_end, line = plan.to_raw(start, start + len("新建幼儿园5所"))
    assert raw[raw_start:raw_end] == "新建幼儿园５所"
    assert line == 7  # the blank line after the breadcrumb counts
    sentences = plan.sentences
    assert list(sentences.columns) == ["sentence", "start", "end", "text"]
    assert "坚持立德树人，办好人民满意的教育。" in sentences["text"].tolist()
    for s in sentences.itertuples():
        assert plan.text[s.start:s.end] == s.text


def test_empty_spans_and_bad_spans():
    plan = Plan.from_text("一、总体要求\n全面加强党的领导。\n")
    assert plan.to_raw(0, 0)[0] == plan.to_raw(0, 1)[0]
    end = len(plan.text)
    assert plan.to_raw(end, end) == (len(plan.raw), len(plan.raw), plan.raw.count("\n") + 1)
    with pytest.raises(IndexError):
        plan.to_raw(3, end + 1)


def test_from_file_reads_other_encodings(tmp_path):
    text = "一、发展目标\n学前三年毛入园率达到92%。\n二、保障措施\n加强组织领导。\n"
    for encoding in ("utf-8-sig", "gb18030", "utf-16"):
        path = tmp_path / f"plan-{encoding}.txt"
        path.write_bytes(text.encode(encoding))
        plan = Plan.from_file(path, doc_type="annual_plan")
        assert plan.doc_id == f"plan-{encoding}" and plan.meta["doc_type"] == "annual_plan"
        assert plan.units["path"].tolist() == ["一", "二"]
        assert plan.text.startswith("一、发展目标")


def test_unreadable_file_raises_a_corpus_error(tmp_path):
    from policylens.corpus import CorpusError

    path = tmp_path / "scan.txt"
    path.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(CorpusError, match="scan.txt"):
        Plan.from_file(path)
