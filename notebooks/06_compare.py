# %% [markdown]
# # 06 · Compare: cities and years side by side 城市与年份比较
#
# The earlier notebooks built the pieces: cleaned texts (01), units (02), coded tasks (03), targets (04) and topics (05).
# This notebook puts the plans side by side: how alike their priorities are, whether the words tell the same story as
# the codes, how priorities move with time, and a one-line portrait of each plan.

# %%
import numpy as np
import pandas as pd
from IPython.display import Markdown
from scipy.stats import spearmanr

from policylens import compare, config, figures, plots, taxonomy
from policylens.io import read_csv

figures.setup()
documents = read_csv(config.DATA_PROCESSED / "documents.csv")
tasks = read_csv(config.DATA_PROCESSED / "tasks.csv")
targets = read_csv(config.DATA_PROCESSED / "targets.csv")
task_topics = read_csv(config.DATA_PROCESSED / "task_topics.csv")
keyness = read_csv(config.DATA_PROCESSED / "keyness.csv")
units = read_csv(config.DATA_PROCESSED / "units.csv")
offsets = read_csv(config.DATA_PROCESSED / "offset_map.csv")
shares = compare.domain_shares(tasks)
few = plots.too_few_tasks(tasks)

# %%
per_city = documents.groupby("city_zh").size()
Markdown(f"The corpus has {len(documents)} plans from {len(per_city)} places and "
         f"{documents['plan_start_year'].nunique()} different start years; places with more than one plan: "
         f"{int((per_city > 1).sum())}. "
         + ("Where each place has one plan, differences between cities and between years cannot be separated — read "
            "every contrast below as a description of these documents, not as a trend."
            if (per_city > 1).sum() == 0 else
            "Change over time can be read within the places that have several plans; contrasts between places still "
            "mix place and year."))

# %% [markdown]
# ## How alike are the priorities? 重点结构的相似度
#
# Each plan becomes a vector of its task-text shares over the codebook's domains; cosine similarity compares them
# (1 = the same mix of priorities). Plans with fewer than three tasks are left blank.

# %%
profile_sim = compare.cosine_similarity_table(compare.share_matrix(shares, "share_chars"))
assert np.allclose(profile_sim.to_numpy(), profile_sim.to_numpy().T) and (profile_sim.to_numpy() <= 1 + 1e-9).all()
fig = plots.similarity_heatmap(profile_sim, documents, "Similarity of priority profiles 重点结构相似度", flagged=few)
saved = figures.save(fig, "06_profile_similarity")

# %% [markdown]
# ## Do the words agree? 用词相似度
#
# The same comparison from the vocabulary alone: TF-IDF over the policy tokens of all tasks, no codebook involved.

# %%
text_sim = compare.text_similarity(tasks)
fig = plots.similarity_heatmap(text_sim, documents, "Similarity of task vocabulary 任务用词相似度", flagged=few)
saved = figures.save(fig, "06_text_similarity")

# %%
kept = profile_sim.index.difference(few.index)
profile, words = profile_sim.loc[kept, kept], text_sim.loc[kept, kept]
pairs = np.triu_indices(len(profile), 1)
rho = spearmanr(profile.to_numpy()[pairs], words.to_numpy()[pairs]).statistic if len(pairs[0]) > 2 else float("nan")
closest = profile.where(~np.eye(len(profile), dtype=bool)).stack().idxmax()
farthest = profile.where(~np.eye(len(profile), dtype=bool)).mean().idxmin()
top2 = compare.top_priorities(shares, n=2).groupby("doc_id")["label"].apply(" and ".join)
Markdown(f"Rank agreement of the two similarity measures over {len(pairs[0])} pairs of plans: Spearman ρ = {rho:.2f} "
         f"(mean similarity of words {words.to_numpy()[pairs].mean():.2f}, of priorities "
         f"{profile.to_numpy()[pairs].mean():.2f}: each bureau has its own phrasing; a high ρ means the codebook does "
         "not impose a structure the texts do not have).\n\n"
         f"* Most alike priority profiles: `{closest[0]}` and `{closest[1]}` (cosine {profile.loc[closest]:.2f}); "
         + (f"both lead with {top2[closest[0]]}.\n" if top2[closest[0]] == top2[closest[1]] else
            f"they lead with {top2[closest[0]]} and with {top2[closest[1]]}.\n")
         + f"* Least like the others: `{farthest}` (mean cosine {profile.loc[farthest].drop(farthest).mean():.2f}), "
         f"led by {top2[farthest]}.")

# %% [markdown]
# ## Priorities over time 重点领域的时间变化
#
# One point per plan, at its plan year; lines join only plans of the same city, so a line is a city's own series and
# never a trend drawn across different cities.

# %%
fig = plots.shares_over_time(shares, documents, ["party", "governance", "safety", "curriculum"], flagged=few)
saved = figures.save(fig, "06_priorities_over_time")

# %%
series = documents.groupby("city_zh")["plan_start_year"].nunique()
Markdown(f"Places with plans from more than one year: {int((series > 1).sum())} of {len(series)}. "
         + ("With one plan per city, what the panels show is suggestive, not a measured trend: adding plans of the same "
            "cities over several years (`policylens add`, or `data/raw/` + a manifest row) turns it into one."
            if (series > 1).sum() == 0 else "Their lines are the only within-city changes the corpus can show."))

# %% [markdown]
# ## Shares with their uncertainty 占比及其不确定性
#
# A plan has a few dozen tasks at most, so a share of 11% against 7% may be noise. Resampling each plan's tasks with replacement
# (2,000 times, seeded) gives a 95% interval for every share; a difference between two plans is called a difference
# only when the bootstrap interval of the difference excludes zero. Plans with fewer than three tasks are left out.

# %%
intervals = compare.domain_share_intervals(tasks)
fig = plots.share_intervals(intervals, documents, ["party", "governance", "safety", "curriculum"],
                            "Selected priorities per plan 各规划的重点领域", flagged=few)
saved = figures.save(fig, "06_share_intervals")

# %%
differences = compare.pairwise_share_differences(
    tasks, "domain", list(taxonomy.domain_codes()), {c: taxonomy.bilingual_label(c) for c in taxonomy.domain_codes()})
differences = differences[~differences["doc_a"].isin(few.index) & ~differences["doc_b"].isin(few.index)]
supported = differences[differences["differs"]]
print(f"{len(supported)} of {len(differences)} plan-pair × domain differences are supported by the intervals:")
print("\n".join(f"  {r.label}: {r.doc_a} {r.share_a:.0%} vs {r.doc_b} {r.share_b:.0%} "
                f"(difference {r.diff:+.0%}, 95% interval {r.diff_lo:+.0%} to {r.diff_hi:+.0%})"
                for r in supported.itertuples()))
supported[["label", "doc_a", "doc_b", "share_a", "share_b", "diff", "diff_lo", "diff_hi"]]

# %% [markdown]
# Only the differences listed above are findings; every other contrast between two plans' shares is within what
# resampling their tasks produces. Between plans of different cities and years, a supported difference describes
# these two documents, not a trend.
#
# ## Eras 党代会时期
#
# Plans grouped by the party congress in force when they were written (十七大/十八大/十九大/二十大, from the plan year) and
# by plan type. `n_plans` shows how many documents stand behind each row: a row resting on one plan is one document.

# %%
eras = compare.plan_eras(documents)
eras

# %%
by_era = compare.group_by_era(shares, documents, ["domain", "label"], "share_tasks")
top_by_era = by_era.sort_values(["era", "mean"], ascending=[True, False], kind="stable").groupby("era").head(3)
top_by_era = top_by_era.merge(eras[["era"]].drop_duplicates().reset_index(), on="era").sort_values(
    ["index", "mean"], ascending=[True, False])[["era", "label", "n_plans", "plans", "mean", "min", "max"]]
top_by_era

# %%
by_type = compare.group_by_era(shares, documents, ["domain", "label"], "share_tasks", by=("doc_type",))
by_type.sort_values(["doc_type", "mean"], ascending=[True, False]).groupby("doc_type").head(3)[
    ["doc_type", "label", "n_plans", "plans", "mean", "min", "max"]]

# %%
rated = targets[targets["indicator_id"].fillna("") != ""]
compare.group_by_era(rated, documents, ["indicator_id"], by=("era", "doc_type"))

# %% [markdown]
# ## Commitments that recur across cities 跨城市的共同任务
#
# Task by task: for every task, its closest counterpart in each other plan (cosine of character 2–3-gram TF-IDF;
# counted as the same commitment above a threshold calibrated on 60 labelled pairs, `python -m policylens.evaluate
# alignment`). Tasks that are each other's closest counterparts form a commitment; those found in three or more plans
# are listed with their sources (document, outline path, offsets into the cleaned text and into the raw file).

# %%
alignment = compare.align_tasks(tasks)
recurring = compare.recurring_commitments(tasks, units=units, offset_map=offsets)
print(f"{alignment['match'].mean():.0%} of task × other-plan pairs have a counterpart above the threshold "
      f"{compare.ALIGN_THRESHOLD}; {recurring['commitment'].nunique()} commitments recur in three or more plans.")
recurring[["commitment", "n_docs", "doc_id", "path", "heading", "start", "end", "raw_start", "raw_end"]]

# %%
side_by_side = recurring.pivot_table(index="commitment", columns="doc_id", values="quote",
                                     aggfunc=lambda q: " / ".join(q)).fillna("")
plots.text_table(side_by_side.reset_index(), "06_recurring_commitments")

# %% [markdown]
# ## Shared themes 共同主题
#
# Which stable topics appear in every plan, and which belong to a few? Unstable topics are pooled as "mixed 混合"
# (notebook 05): they may shift with a few tasks more or less, so nothing is read from them.

# %%
from policylens.topics import MIXED_TOPIC, topic_shares

summary = read_csv(config.DATA_PROCESSED / "topic_summary.csv")
present = topic_shares(task_topics, by=("doc_id",)).assign(present=lambda f: f["n_units"] > 0)
spread = present.groupby(["topic", "topic_label"])["present"].sum().rename("plans 规划数").reset_index()
spread = spread.merge(summary[["topic", "n_units", "stable"]], on="topic", how="left").sort_values(
    ["plans 规划数", "n_units"], ascending=False, kind="stable")
spread

# %%
everywhere = spread.loc[(spread["plans 规划数"] == len(documents)) & (spread["topic"] != MIXED_TOPIC), "topic_label"]
Markdown(f"Stable topics present in all {len(documents)} plans: " + ("; ".join(everywhere) or "none") + ".")

# %% [markdown]
# ## Each plan in one line 各规划一览
#
# The pieces together: the plan's largest domain, how many tasks and targets it has, its most distinctive words, and
# its consistency findings.

# %%
top_domain = compare.top_priorities(shares, n=1).set_index("doc_id")["label"]
top_domain[top_domain.index.isin(few.index)] = "(too few tasks 任务过少)"
words = keyness[keyness["rank"] <= 4].groupby("group")["term"].apply(" ".join)
portrait = documents.set_index("doc_id").loc[plots.plan_order(documents),
                                             ["city_en", "city_zh", "plan_start_year", "doc_type"]].copy()
portrait["tasks 任务"] = tasks.groupby("doc_id").size()
portrait["targets 指标"] = targets.groupby("doc_id").size().reindex(portrait.index, fill_value=0)
portrait["largest domain 最大领域"] = top_domain
portrait["distinctive words 特色词"] = words
portrait["findings 问题"] = documents.set_index("doc_id")["findings"].str.split(":").str[0]
portrait

# %% [markdown]
# What a researcher could take from the **founding corpus** (five plans, checked in `tests/test_findings.py`): the annual
# plans of different cities share a template (governance and Party building first, then the levels of schooling, then
# safeguards of funding, teachers and safety), while a multi-year action plan is a capacity plan with many more numbers.
# To turn such descriptions into comparisons of change, add plans of the same cities for several years and
# `make reproduce`: every table, figure and computed sentence above follows the corpus.
