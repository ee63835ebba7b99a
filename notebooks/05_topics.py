# %% [markdown]
# # 05 · Topics: what the words say 主题聚类
#
# The codebook (notebook 03) answers "how much of each *known* area". Topic clusters ask the texts themselves: which
# themes emerge from the words, and which cities share them? A theme is only worth citing if it holds still — if the
# same tasks form it, with the same words, when a few tasks are left out. So policylens refits the whole model on random
# 90% subsamples and reports, for every topic, how many of its member tasks are found together again (Jaccard with the
# best-matching refit topic, Hennig 2007) and how much of its top-10 term list is found again (AJ@10, Greene et al.
# 2014). Topics that pass both at 0.75 are **stable**; the others stay in the model but are labelled
# "unstable 不稳定", pooled as one "mixed 混合" column in the comparisons, and no statement below rests on them.
#
# Tokens come from jieba with a versioned policy dictionary (`policy_userdict.txt`: 立德树人, 控辍保学, 县管校聘, …)
# and a stopword list of generic policy verbs (`policy_stopwords.txt`: 加强, 推进, 全面, 深入, …).

# %%
import pandas as pd
from IPython.display import Markdown

from policylens import config, figures, plots, taxonomy, tokenize
from policylens.io import read_csv
from policylens.topics import lexicon_version, topic_domain_crosstab, topic_shares

figures.setup()
documents = read_csv(config.DATA_PROCESSED / "documents.csv")
topics = read_csv(config.DATA_PROCESSED / "topics.csv")
selection = read_csv(config.DATA_PROCESSED / "topic_selection.csv")
summary = read_csv(config.DATA_PROCESSED / "topic_summary.csv")
task_topics = read_csv(config.DATA_PROCESSED / "task_topics.csv")
keyness = read_csv(config.DATA_PROCESSED / "keyness.csv")

# %% [markdown]
# ## Tokens 分词
#
# Policy terms stay whole; boilerplate verbs are dropped. An example sentence in the style of a three-year action plan:

# %%
sentence = "严格落实控辍保学“双线四包”工作机制,稳步推进义务教育教师“县管校聘”改革,加快推进集团化办学。"
print(lexicon_version())
print(" | ".join(tokenize(sentence)))
assert {"控辍保学", "县管校聘", "集团化办学"} <= set(tokenize(sentence))

# %% [markdown]
# ## The model and its number of topics 模型与主题数
#
# TF-IDF over the tokens of every task (headings counted twice), then a K-fold ensemble NMF (Belford, Mac Namee &
# Greene 2018): one NMF per fold of the tasks, fitted on the other folds, and the members' topics factorized again into
# the consensus topics. The number of topics comes from a rule fixed in advance (about one topic per seven tasks, within
# 4–16); the table says how often the rule gives the same number on the subsamples.

# %%
selection

# %% [markdown]
# ## The topics, and which of them hold still 主题及其稳定性

# %%
wide = topics.groupby(["topic"])["term"].apply(" ".join).rename("top terms 主要词").reset_index()
wide = summary[["topic", "display_label", "n_units", "coherence", "member_jaccard", "term_agreement", "stable"]].merge(
    wide, on="topic")
wide

# %%
fig = plots.topic_stability(summary)
saved = figures.save(fig, "05_topic_stability")

# %%
stable = summary[summary["stable"]]
share_stable = stable["n_units"].sum() / summary["n_units"].sum()
flagged = task_topics["flagged"].sum()
print(f"{len(stable)} of {len(summary)} topics are stable; they hold {share_stable:.0%} of the tasks:")
print("\n".join(f"  {r.label} ({r.label_en}): {r.n_units} tasks" for r in stable.itertuples()))
print(f"{flagged} of {len(task_topics)} tasks land in their topic in fewer than half the refits (flagged).")
assert stable["n_units"].sum() <= summary["n_units"].sum() <= len(task_topics)

# %% [markdown]
# Only the stable topics above are findings: each is a group of tasks that the plans describe with a vocabulary of their
# own, found again with the same members and terms when a tenth of the tasks is left out. The unstable topics are
# listed for completeness and pooled as "mixed 混合" below.
#
# ## Topics and the codebook 主题与编码手册
#
# Where a stable data-driven cluster and a codebook domain coincide, the codebook is confirmed by the words.

# %%
cross = topic_domain_crosstab(task_topics)
table = cross.pivot_table(index="domain", columns="topic_label", values="n_units", fill_value=0)
columns = [label for label in summary.loc[summary["stable"]].sort_values("topic")["label"] if label in table.columns]
columns += [c for c in table.columns if c not in columns]
table = table.reindex(index=[c for c in taxonomy.domain_codes() if c in table.index], columns=columns)
table = table.rename(index=taxonomy.bilingual_label)
fig = plots.count_heatmap(table, "Stable topics against codebook domains 稳定主题与领域交叉", "topic 主题", "")
saved = figures.save(fig, "05_topics_vs_domains")

# %%
from sklearn.metrics import adjusted_mutual_info_score

coded = task_topics[task_topics["topic"] >= 0]
ami = adjusted_mutual_info_score(coded["domain"], coded["topic"])
print(f"Adjusted mutual information between dominant topic and primary domain: {ami:.2f}")
main_domain = cross[cross["topic"] >= 0].sort_values(["topic", "n_units"], ascending=[True, False]).groupby(
    "topic").head(1)
print("Largest domain of each stable topic:")
print("\n".join(f"  {r.topic_label}: {taxonomy.bilingual_label(r.domain)} ({r.share_of_topic:.0%} of its tasks)"
                for r in main_domain.itertuples()))

# %% [markdown]
# ## Topics by city 各市主题分布
#
# Shares of each plan's tasks by dominant topic (unstable topics pooled as "mixed 混合"). With a few dozen tasks per
# plan these shares are uncertain: notebook 06 gives their bootstrap intervals before any two plans are compared.

# %%
shares = topic_shares(task_topics, by=("doc_id",))
matrix = shares.pivot(index="doc_id", columns="topic_label", values="share")
order = summary.loc[summary["stable"]].sort_values("topic")["label"].tolist()
matrix = matrix[[c for c in order if c in matrix.columns] + [c for c in matrix.columns if c not in order]]
assert ((matrix.sum(axis=1) - 1).abs() < 1e-4).all(), "each plan's topic shares sum to one"
english = dict(zip(summary["label"], summary["label"] + " " + summary["label_en"]))   # bilingual row labels
fig = plots.share_heatmap(matrix, documents, "Share of each plan's tasks by dominant topic 各规划任务的主题占比",
                          english, flagged=plots.too_few_tasks(task_topics))
saved = figures.save(fig, "05_topic_shares")

# %% [markdown]
# ## Distinctive terms per city 各市特色词
#
# Which words does each plan use more than the others? Log-odds ratios with an informative Dirichlet prior (Monroe,
# Colaresi & Quinn 2008) down-weight rare words, so the list is not a list of one-off names.

# %%
top = keyness[keyness["rank"] <= 8]
assert set(keyness["group"]) <= set(documents["doc_id"])
top.groupby("group")["term"].apply(" · ".join).rename("most distinctive terms 特色词").to_frame()

# %% [markdown]
# The distinctive vocabulary locates each plan in its place and time: in the founding corpus, for example,
# Mongolian-medium schooling (蒙语授课) and ocean education (海洋教育) each rank among the top terms of one plan
# (asserted in `tests/test_findings.py`).
#
# Next: `06_compare` puts the cities side by side.
