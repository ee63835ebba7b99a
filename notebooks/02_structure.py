# %% [markdown]
# # 02 · Structure: from plan text to units of analysis 规划结构
#
# Researchers compare plans task by task, so the unit of analysis must be right. Chinese plans number their outline
# 一、 > (一) > 1. > (1) > ①, but every bureau uses it differently: Baotou numbers its 27 tasks across five (一)…(五)
# groups; Zhuzhou numbers 1–25 straight through five sections; Cangzhou's tasks are (一), (二)… and two of its sections
# have no numbered children; Qingdao restarts 1. in every section; the three-year action plan nests tasks three levels
# deep and closes with safeguards.
#
# `policylens.parse_plan` reads the outline from the marker *types* (not their positions) and gives every unit a path,
# heading, kind and exact offsets into the cleaned text. The kinds come from heading cues kept as data
# (总体要求 → requirement, 发展目标 → goal, 保障措施 → safeguard).

# %%
import pandas as pd

from policylens import config, figures, plots
from policylens.evaluate.structure import evaluate
from policylens.io import read_csv

figures.setup()
pd.set_option("display.max_colwidth", 60)
documents = read_csv(config.DATA_PROCESSED / "documents.csv")
units = read_csv(config.DATA_PROCESSED / "units.csv")

# %% [markdown]
# ## What each plan is made of 各规划的结构组成

# %%
counts = pd.crosstab(units["doc_id"], units["kind"]).reindex(columns=list(plots.KIND_LABELS), fill_value=0)
counts["all 合计"] = counts.sum(axis=1)
counts

# %%
fig = plots.units_by_kind(units, documents)
saved = figures.save(fig, "02_units_by_kind")

# %% [markdown]
# Only the three-year action plan has safeguard units (三、保障措施); Baotou's "(五)全面落实保障措施" items stand
# under its 三、重要任务 and are tasks, as the codebook decides. Zhuzhou opens with its general requirement
# (2017年全市教育工作的总体要求:…) instead of a framing preamble.
#
# ## A look inside: the outline of one plan 以沧州为例
#
# The path keeps the numbers as printed, so a reader can find every unit in the original document. Cangzhou's
# sections 四 and 七 have no numbered children; their bodies are units of their own.

# %%
units.loc[units["doc_id"] == "cangzhou-2023", ["seq", "path", "kind", "heading", "start", "end"]].head(16)

# %% [markdown]
# ## How finely each bureau cuts its work 任务颗粒度
#
# The number of tasks alone is misleading: a Zhuzhou task is a few short sentences (about 110 characters), a Baotou
# task a dense paragraph more than twice as long. Comparisons of priorities in the next notebooks therefore weigh tasks
# by their text as well as count them.

# %%
fig = plots.task_lengths(units, documents)
saved = figures.save(fig, "02_task_lengths")

# %%
tasks = units[units["kind"] == "task"]
granularity = tasks.groupby("doc_id")["body"].agg(tasks="size", median_chars=lambda s: int(s.str.len().median()))
assert granularity.loc["zhuzhou-2017", "median_chars"] * 2 < granularity.loc["baotou-2018", "median_chars"]
granularity

# %% [markdown]
# ## Is the segmentation right? 与人工切分的一致性
#
# The project's reference segmentation (`data/external/gold/tasks_seeds.csv`, 143 units coded by hand) is the yardstick:
# a gold unit counts as found when the parser gives it the same path and kind.

# %%
agreement = evaluate()
agreement

# %%
overall = agreement.set_index("doc_id").loc["ALL"]
assert overall["agree"] == overall["gold_units"] and overall["extra_task_units"] == 0
print(f"{overall['agree']} of {overall['gold_units']} gold units found with the same path and kind; "
      f"{overall['extra_units']} extra units.")

# %% [markdown]
# Every character of a cleaned plan belongs to exactly one unit (or to the preamble): the containers' heading lines
# (三、重要任务, (一)推进全面从严治党…) open the span of their first unit, so nothing is lost between units.
#
# Next: `03_taxonomy` codes every task into the common codebook.
