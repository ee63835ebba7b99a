# %% [markdown]
# # 02 · Structure: from plan text to units of analysis 规划结构
#
# Researchers compare plans task by task, so the unit of analysis must be right. Chinese plans number their outline
# 一、 > (一) > 1. > (1) > ①, but every bureau uses it differently. In the founding corpus alone, one plan numbers its
# tasks across five (一)…(五) groups, another numbers 1–25 straight through its sections, a third uses (一), (二)… for
# tasks and leaves two sections without numbered children, a fourth restarts 1. in every section, and the three-year
# action plan nests tasks three levels deep and closes with safeguards.
#
# `policylens.parse_plan` reads the outline from the marker *types* (not their positions) and gives every unit a path,
# heading, kind and exact offsets into the cleaned text. The kinds come from heading cues kept as data
# (总体要求 → requirement, 发展目标 → goal, 保障措施 → safeguard).

# %%
import pandas as pd
from IPython.display import Markdown, display

from policylens import config, figures, plots
from policylens.evaluate.structure import evaluate_cached
from policylens.io import read_csv

figures.setup()
pd.set_option("display.max_colwidth", 60)
documents = read_csv(config.DATA_PROCESSED / "documents.csv")
units = read_csv(config.DATA_PROCESSED / "units.csv")

# %% [markdown]
# ## What each plan is made of 各规划的结构组成

# %%
counts = pd.crosstab(units["doc_id"], units["kind"]).reindex(index=plots.plan_order(documents),
                                                              columns=list(plots.KIND_LABELS), fill_value=0)
counts["all 合计"] = counts.sum(axis=1)
assert (counts["all 合计"] > 0).all(), "every document has units"
counts

# %%
fig = plots.units_by_kind(units, documents)
saved = figures.save(fig, "02_units_by_kind")

# %%
has = counts[list(plots.KIND_LABELS)] > 0
Markdown("\n".join(f"* **{plots.KIND_LABELS[kind]}**: {int(has[kind].sum())} of {len(has)} plans"
                   + (f" ({', '.join(has.index[has[kind]])})" if 0 < has[kind].sum() <= 3 else "")
                   for kind in plots.KIND_LABELS))

# %% [markdown]
# Which units are tasks and which are safeguards follows the codebook: items that stand under a tasks section
# (e.g. 三、重要任务) are tasks even when their heading says 保障; a plan may open with its general requirement
# (总体要求) instead of a framing preamble.
#
# ## Every character in one unit 单元覆盖全文
#
# Units do not overlap, and what lies between them is only line breaks: nothing of a cleaned plan is lost between units
# (the containers' heading lines, such as 三、重要任务, open the span of their first unit).

# %%
for doc, part in units.sort_values(["doc_id", "start"]).groupby("doc_id"):
    text = (config.DATA_PROCESSED / "clean" / f"{doc}.txt").read_text(encoding="utf-8")
    spans = list(zip(part["start"], part["end"]))
    assert all(0 <= s < e <= len(text) for s, e in spans), doc
    gaps = [text[e:s] for (_, e), (s, _) in zip(spans, spans[1:])] + [text[:spans[0][0]], text[spans[-1][1]:]]
    assert all(not gap.strip() for gap in gaps), f"{doc}: text outside every unit"
print(f"{len(units)} units tile the cleaned text of {units['doc_id'].nunique()} plans.")

# %% [markdown]
# ## A look inside: the outline of one plan 一份规划的大纲
#
# The path keeps the numbers as printed, so a reader can find every unit in the original document. Here, the latest
# plan of the corpus:

# %%
example = plots.plan_order(documents)[-1]
display(Markdown(f"**{plots.plan_labels(documents)[example]}** (`{example}`)"))
units.loc[units["doc_id"] == example, ["seq", "path", "kind", "heading", "start", "end"]].head(16)

# %% [markdown]
# ## How finely each bureau cuts its work 任务颗粒度
#
# The number of tasks alone is misleading when one bureau writes a few short sentences per task and another a dense
# paragraph. Comparisons of priorities in the next notebooks therefore weigh tasks by their text as well as count them.

# %%
fig = plots.task_lengths(units, documents)
saved = figures.save(fig, "02_task_lengths")

# %%
tasks = units[units["kind"] == "task"]
assert (tasks["body"].str.strip() != "").all(), "every task has a text"
granularity = tasks.groupby("doc_id")["body"].agg(tasks="size", median_chars=lambda s: int(s.str.len().median()))
short, long = granularity["median_chars"].idxmin(), granularity["median_chars"].idxmax()
display(Markdown(f"Median task length ranges from {granularity.loc[short, 'median_chars']} characters (`{short}`) "
                 f"to {granularity.loc[long, 'median_chars']} (`{long}`), "
                 f"{granularity.loc[long, 'median_chars'] / granularity.loc[short, 'median_chars']:.1f} times as long."))
granularity

# %% [markdown]
# ## Is the segmentation right? 与人工切分的一致性
#
# The project's reference segmentation of the **founding corpus** (`data/external/gold/tasks_seeds.csv`, coded by hand)
# is the yardstick: a gold unit counts as found when the parser gives it the same path and kind. The test suite holds the
# acceptance threshold; plans added later have no gold units and are not scored here. The evaluation is computed once
# and kept in the project cache (`.cache/`): it is recomputed when the parser, its rules, the corpus or the gold change.

# %%
agreement = evaluate_cached()
agreement

# %%
overall = agreement.set_index("doc_id").loc["ALL"]
print(f"{int(overall['agree'])} of {int(overall['gold_units'])} gold units found with the same path and kind; "
      f"{int(overall['extra_units'])} extra units.")

# %% [markdown]
# Next: `03_taxonomy` codes every task into the common codebook.
