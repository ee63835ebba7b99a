# %% [markdown]
# # 01 · The corpus: five city education plans 语料概览
#
# policylens compares what Chinese city education bureaus (教育局) commit to in their plans. This first notebook introduces the
# **founding corpus**: five plans scraped from public web pages — annual work plans (年度工作计划), work key points (工作要点)
# and a three-year action plan (三年行动计划) — and shows what the cleaning stage did to them before any analysis.
#
# Everything here is read from `data/processed/`, which `make reproduce` rebuilds from `data/raw/` (the raw files, unchanged,
# plus `manifest.csv`).

# %%
import pandas as pd
from IPython.display import display

from policylens import config, figures, plots
from policylens.io import read_csv

figures.setup()
pd.set_option("display.max_colwidth", 90)
documents = read_csv(config.DATA_PROCESSED / "documents.csv")
report = read_csv(config.DATA_PROCESSED / "cleaning_report.csv")
findings = read_csv(config.DATA_PROCESSED / "findings.csv")

# %% [markdown]
# ## The plans 规划文本
#
# Four cities are named; the fifth is anonymized ("X市") by the page that published it. Each row is one document; the
# manifest records city, province, plan years, document type and where the page came from.

# %%
overview = documents[["doc_id", "city_en", "city_zh", "province_en", "plan_start_year", "plan_end_year",
                      "doc_type", "title", "published_date"]].rename(columns={
    "doc_id": "document", "city_en": "city", "city_zh": "城市", "province_en": "province",
    "plan_start_year": "from 起", "plan_end_year": "to 止", "doc_type": "type 类型", "title": "title 标题",
    "published_date": "published 发布"})
overview

# %%
fig = plots.plan_timeline(documents)
saved = figures.save(fig, "01_plan_timeline")

# %% [markdown]
# The plans span a decade, from Qingdao's 2012 work plan (written under the 十七大 line, before the 十八大) to
# Cangzhou's 2023 key points (the first year after the 二十大). The three-year action plan is the only multi-year document;
# its bar is hatched because its years, like its city, are **inferred**.
#
# ## What is inferred, and on what evidence 推断字段及依据
#
# Nothing inferred is recorded as certain. The manifest lists, per document, which fields are inferred and the evidence
# read from the text.

# %%
inferred = documents.loc[documents["inferred"] != "", ["doc_id", "inferred", "evidence"]]
display(plots.text_table(inferred, "inferred"))
assert set(inferred["doc_id"]) == {"cangzhou-2023", "qingdao-2012", "x-guangxi-2018-2020"}

# %% [markdown]
# ## What cleaning removed 清洗删除了什么
#
# The scraped pages carry site navigation, bylines, ICP/公安备案 licence numbers, visit counters, download prompts and
# disclaimers, and one mirror injected the phrase "沧州市教育机构" into sentences. The rules that remove them are data
# (`src/policylens/data/cleaning_rules.yaml`, each with its reason), and every character of the cleaned text keeps its
# position in the raw file (`data/processed/offset_map.csv`), so any quote can be traced back to its source line.

# %%
sizes = documents[["doc_id", "raw_chars", "clean_chars", "removed_chars"]].copy()
sizes["removed %"] = (100 * sizes["removed_chars"] / sizes["raw_chars"]).round(1)
sizes

# %%
fig = plots.cleaning_removed(documents, report)
saved = figures.save(fig, "01_cleaning_removed")

# %%
removed = report[report["kind"].isin(["drop_line", "delete", "replace"])]
removed[["doc_id", "rule_id", "count", "example"]]

# %% [markdown]
# Two corrections repair documented scraping damage in the Zhuzhou page, where hyphens were lost:
# 《…(20162020)》 is 2016-2020 and 《36岁儿童学习与发展指南》 is the 3-6岁 guide. Both are rules, not edits to the raw file.
#
# ## Consistency findings: flagged, not fixed 一致性问题（只标记，不修改）
#
# Some facts contradict each other. A careful researcher wants to see them rather than have them silently resolved:

# %%
findings

# %%
assert set(findings["code"]) == {"congress-after-date", "page-date-vs-plan-year"}
zhuzhou = documents.set_index("doc_id").loc["zhuzhou-2017"]
print(f"Zhuzhou page date: {zhuzhou['published_date']}; the text cites 党的十九大 (opened 2017-10-18).")

# %% [markdown]
# * **Zhuzhou 2017**: the page is dated 2017-02-22, yet the text asks to study the spirit of the 十九大, which opened in
#   October 2017. Either the page date is wrong or the text was revised after publication; the plan year (2017) is not in doubt.
# * **Qingdao 2012**: the mirror page is dated 2022-07-03, but the first paragraph says "2012年,是…关键一年" and the text
#   looks forward to the 十八大 (2012). We take 2012 as the plan year and record the page date as the scraper's.
#
# Next: `02_structure` splits each cleaned plan into its outline of requirements, goals, tasks and safeguards.
