# %% [markdown]
# # 01 · The corpus: city education plans 语料概览
#
# policylens compares what Chinese city education bureaus (教育局) commit to in their plans. This first notebook introduces
# the corpus in `data/processed/` — in the repository as shipped, the **founding corpus** of five plans scraped from public
# web pages (annual work plans 年度工作计划, work key points 工作要点 and a three-year action plan 三年行动计划) — and shows
# what the cleaning stage did to the texts before any analysis. Every figure and every number in the prose below is
# computed from the tables, so the notebook describes whatever corpus `data/raw/` holds.
#
# Everything here is read from `data/processed/`, which `make reproduce` rebuilds from `data/raw/` (the raw files, unchanged,
# plus `manifest.csv`).

# %%
import pandas as pd
from IPython.display import Markdown, display

from policylens import config, figures, plots
from policylens.corpus import DOC_TYPES
from policylens.io import read_csv

figures.setup()
pd.set_option("display.max_colwidth", 90)
documents = read_csv(config.DATA_PROCESSED / "documents.csv")
report = read_csv(config.DATA_PROCESSED / "cleaning_report.csv")
findings = read_csv(config.DATA_PROCESSED / "findings.csv")

# %% [markdown]
# ## The plans 规划文本
#
# Each row is one document; the manifest records city, province, plan years, document type and where the page came from.

# %%
named = int((~documents["anonymized"]).sum())
types = documents["doc_type"].map(lambda t: DOC_TYPES.get(t, t)).value_counts()
Markdown(f"The corpus holds **{len(documents)} plans** from {documents['city_zh'].nunique()} places in "
         f"{documents['province_zh'].nunique()} provinces; {named} name their city and "
         f"{len(documents) - named} anonymized by the page that published them (\"X市\"). By type: "
         + "; ".join(f"{label} ×{n}" for label, n in types.items()) + ".")

# %%
overview = documents[["doc_id", "city_en", "city_zh", "province_en", "plan_start_year", "plan_end_year",
                      "doc_type", "title", "published_date"]].rename(columns={
    "doc_id": "document", "city_en": "city", "city_zh": "城市", "province_en": "province",
    "plan_start_year": "from 起", "plan_end_year": "to 止", "doc_type": "type 类型", "title": "title 标题",
    "published_date": "published 发布"})
assert overview["document"].is_unique and (documents["plan_start_year"] <= documents["plan_end_year"]).all()
overview

# %%
fig = plots.plan_timeline(documents)
saved = figures.save(fig, "01_plan_timeline")

# %%
first = documents.loc[documents["plan_start_year"].idxmin()]
last = documents.loc[documents["plan_end_year"].idxmax()]
multi = documents[documents["plan_end_year"] > documents["plan_start_year"]]
Markdown(f"The plans span {int(first['plan_start_year'])}–{int(last['plan_end_year'])}, from {first['city_en']}'s "
         f"{first['title'] or first['doc_type']} to {last['city_en']}'s {last['title'] or last['doc_type']}. "
         f"Documents covering more than one year: {len(multi)} of {len(documents)}. A hatched bar marks a plan with "
         f"**inferred** fields ({int((documents['inferred'] != '').sum())} plans).")

# %% [markdown]
# ## What is inferred, and on what evidence 推断字段及依据
#
# Nothing inferred is recorded as certain. The manifest lists, per document, which fields are inferred and the evidence
# read from the text.

# %%
inferred = documents.loc[documents["inferred"] != "", ["doc_id", "inferred", "evidence"]]
display(plots.text_table(inferred, "inferred"))
assert (inferred["evidence"] != "").all(), "every inferred field needs its evidence"

# %% [markdown]
# ## What cleaning removed 清洗删除了什么
#
# Scraped pages carry site navigation, bylines, ICP/公安备案 licence numbers, visit counters, download prompts and
# disclaimers (in the founding corpus, one mirror even injected the phrase "沧州市教育机构" into sentences). The rules that
# remove them are data (`src/policylens/data/cleaning_rules.yaml`, each with its reason), and every character of the
# cleaned text keeps its position in the raw file (`data/processed/offset_map.csv`), so any quote can be traced back to
# its source line.

# %%
sizes = documents[["doc_id", "raw_chars", "clean_chars", "removed_chars"]].copy()
sizes["removed %"] = (100 * sizes["removed_chars"] / sizes["raw_chars"]).round(1)
assert (sizes["raw_chars"] == sizes["clean_chars"] + sizes["removed_chars"]).all()
sizes

# %%
fig = plots.cleaning_removed(documents, report)
saved = figures.save(fig, "01_cleaning_removed")

# %%
removed = report[report["kind"].isin(["drop_line", "delete", "replace"])]
assert set(report["doc_id"]) <= set(documents["doc_id"])
removed[["doc_id", "rule_id", "count", "example"]]

# %%
repairs = report[report["kind"] == "replace"]
Markdown("Corrections that repair documented scraping damage (rules, not edits to the raw file):\n\n"
         + ("\n".join(f"* `{r['doc_id']}` · {r['rule_id']} ×{r['count']}: {r['reason']}" for _, r in repairs.iterrows())
            or "* none in this corpus"))

# %% [markdown]
# ## Consistency findings: flagged, not fixed 一致性问题（只标记，不修改）
#
# Some facts contradict each other. A careful researcher wants to see them rather than have them silently resolved:

# %%
findings

# %%
assert set(findings["doc_id"]) <= set(documents["doc_id"])
flagged = set(documents.loc[documents["findings"] != "", "doc_id"])
assert flagged == set(findings["doc_id"]), "documents.csv and findings.csv list the same documents"
Markdown("\n".join(f"* **{r['doc_id']}** ({r['code']}): {r['message']}." for _, r in findings.iterrows())
         or "No consistency findings in this corpus.")

# %% [markdown]
# A finding is a question for the reader, not a correction: in the founding corpus, for example, a page date that
# precedes a congress the text cites means either the date is wrong or the text was revised after publication, and the
# plan year is taken from the text, the page date recorded as the scraper's.
#
# Next: `02_structure` splits each cleaned plan into its outline of requirements, goals, tasks and safeguards.
