# %% [markdown]
# # 06 · Compare: cities and years side by side 城市与年份比较
#
# The earlier notebooks built the pieces: cleaned texts (01), units (02), coded tasks (03), targets (04) and topics (05).
# This notebook puts the five plans side by side: how alike their priorities are, whether the words tell the same story
# as the codes, how priorities move with time, and a one-line portrait of each plan. With five plans from five cities and
# five different years, differences between cities and between years cannot be separated — read every contrast below as
# a description of these documents, not as a trend.

# %%
import numpy as np
import pandas as pd
from scipy.stats import spearmanr

from policylens import compare, config, figures, plots, taxonomy
from policylens.io import read_csv

figures.setup()
documents = read_csv(config.DATA_PROCESSED / "documents.csv")
tasks = read_csv(config.DATA_PROCESSED / "tasks.csv")
targets = read_csv(config.DATA_PROCESSED / "targets.csv")
task_topics = read_csv(config.DATA_PROCESSED / "task_topics.csv")
keyness = read_csv(config.DATA_PROCESSED / "keyness.csv")
shares = compare.domain_shares(tasks)

# %% [markdown]
# ## How alike are the priorities? 重点结构的相似度
#
# Each plan becomes a vector of its task-text shares over the 18 domains; cosine similarity compares them (1 = the same
# mix of priorities).

# %%
profile_sim = compare.cosine_similarity_table(compare.share_matrix(shares, "share_chars"))
fig = plots.similarity_heatmap(profile_sim, documents, "Similarity of priority profiles 重点结构相似度")
saved = figures.save(fig, "06_profile_similarity")

# %% [markdown]
# ## Do the words agree? 用词相似度
#
# The same comparison from the vocabulary alone: TF-IDF over the policy tokens of all tasks, no codebook involved.

# %%
text_sim = compare.text_similarity(tasks)
fig = plots.similarity_heatmap(text_sim, documents, "Similarity of task vocabulary 任务用词相似度")
saved = figures.save(fig, "06_text_similarity")

# %%
pairs = np.triu_indices(len(profile_sim), 1)
rho = spearmanr(profile_sim.to_numpy()[pairs], text_sim.to_numpy()[pairs]).statistic
closest = profile_sim.where(~np.eye(len(profile_sim), dtype=bool)).stack().idxmax()
farthest = profile_sim.mean().idxmin()
print(f"Rank agreement of the two similarity measures over {len(pairs[0])} pairs: Spearman rho = {rho:.2f}")
print(f"Most alike priority profiles: {closest[0]} and {closest[1]}; least like the others: {farthest}")
assert rho > 0.5 and set(closest) == {"baotou-2018", "zhuzhou-2017"} and farthest == "qingdao-2012"

# %% [markdown]
# The two annual plans of Baotou (2018) and Zhuzhou (2017) have almost the same mix of priorities — governance and
# Party building first, then health, arts and sports — although the cities are in different regions (Inner
# Mongolia and Hunan). Qingdao's 2012 plan is
# the odd one out: no Party-building task, much construction and exchange. Word-level similarity is lower everywhere
# (each bureau has its own phrasing), but it ranks the pairs much as the codes do, so the codebook is not imposing a
# structure the texts do not have.
#
# ## Priorities over time 重点领域的时间变化

# %%
fig = plots.shares_over_time(shares, documents, ["party", "governance", "safety", "curriculum"])
saved = figures.save(fig, "06_priorities_over_time")

# %% [markdown]
# Party building goes from absent (2012) to one of the two largest shares in every later annual plan, in line with the
# emphasis on Party leadership of schools after the 十八大 (the Zhuzhou plan cites the national opinions on Party building
# in primary and secondary schools, 《关于加强中小学校党的建设工作的意见》). With one plan per city this is suggestive, not a measured trend: adding plans of the same cities
# over several years (`data/raw/` + a manifest row) turns it into one.

# %%
party = shares[shares["domain"] == "party"].set_index("doc_id")["share_chars"]
assert party["qingdao-2012"] == 0 and (party.drop("qingdao-2012") > 0.1).all()

# %% [markdown]
# ## Shared themes 共同主题
#
# Which data-driven topics appear in every plan, and which belong to a few? The `stable` column repeats notebook 05's
# verdict: only stable topics are findings; the others are descriptions that may shift with a few tasks more or less.

# %%
from policylens.topics import topic_shares

summary = read_csv(config.DATA_PROCESSED / "topic_summary.csv")
present = topic_shares(task_topics, by=("doc_id",)).assign(present=lambda f: f["n_units"] > 0)
spread = present.groupby(["topic", "topic_label"])["present"].sum().rename("plans 规划数").reset_index()
spread = spread.merge(summary[["topic", "n_units", "stable"]], on="topic").sort_values(
    ["plans 规划数", "n_units"], ascending=False, kind="stable")
spread

# %%
everywhere = spread.loc[spread["plans 规划数"] == len(documents), "topic_label"].tolist()
print("Topics present in all five plans:", "; ".join(everywhere))
assert len(everywhere) >= 2

# %% [markdown]
# ## Each plan in one line 各规划一览
#
# The pieces together: the plan's largest domain, how many tasks and targets it has, its most distinctive words, and
# its consistency findings.

# %%
top_domain = compare.top_priorities(shares, n=1).set_index("doc_id")["label"]
words = keyness[keyness["rank"] <= 4].groupby("group")["term"].apply(" ".join)
portrait = documents.set_index("doc_id")[["city_en", "city_zh", "plan_start_year", "doc_type"]].copy()
portrait["tasks 任务"] = tasks.groupby("doc_id").size()
portrait["targets 指标"] = targets.groupby("doc_id").size()
portrait["largest domain 最大领域"] = top_domain
portrait["distinctive words 特色词"] = words
portrait["findings 问题"] = documents.set_index("doc_id")["findings"].str.split(":").str[0]
portrait

# %% [markdown]
# What a researcher can take from five plans: the annual plans of different cities share a template (governance
# and Party building first, then the levels of schooling, then safeguards of funding, teachers and safety), while a
# multi-year action plan is a capacity plan with many more numbers. Distinctive words locate each plan in its place
# (Mongolian-medium schooling in Baotou, ocean education in Qingdao) and time (二十大 in Cangzhou). To turn these
# descriptions into comparisons of change, add plans of the same cities for several years: drop the files in
# `data/raw/`, add manifest rows, and `make reproduce`.
