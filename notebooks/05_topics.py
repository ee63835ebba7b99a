# %% [markdown]
# # 05 · Topics: what the words say 主题聚类
#
# The codebook (notebook 03) answers "how much of each *known* area". Topic clusters ask the texts themselves: which
# themes emerge from the words, and which cities share them? They are only worth reporting if they hold still — a
# cluster that moves when a few tasks are left out is not a finding — so policylens measures **stability** (the mean
# best-match Jaccard of the top-10 terms between fits on different random 90% subsamples, with different seeds) beside
# **coherence** (NPMI of the top terms over the corpus), and says which topics pass.
#
# Tokens come from jieba with a versioned policy dictionary (`policy_userdict.txt`: 立德树人, 控辍保学, 县管校聘, …)
# and a stopword list of generic policy verbs (`policy_stopwords.txt`: 加强, 推进, 全面, 深入, …).

# %%
import pandas as pd

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
# Policy terms stay whole; boilerplate verbs are dropped. A sentence from the Guangxi action plan:

# %%
sentence = "严格落实控辍保学“双线四包”工作机制,稳步推进义务教育教师“县管校聘”改革,加快推进集团化办学。"
print(lexicon_version())
print(" | ".join(tokenize(sentence)))
assert {"控辍保学", "县管校聘", "集团化办学"} <= set(tokenize(sentence))

# %% [markdown]
# ## How many topics? 主题数
#
# TF-IDF over the tokens of every task (headings counted twice), factorized with NMF (deterministic `nndsvd`
# initialization). For each candidate k, ten fits on different 90% subsamples give the stability; the rule picks the
# largest k whose stability reaches 0.80, or — when none does — the most stable k, tie-broken by coherence.

# %%
fig = plots.topic_selection(selection)
saved = figures.save(fig, "05_topic_selection")
selection

# %%
chosen = selection[selection["chosen"]].iloc[0]
print(f"Chosen k = {int(chosen['n_topics'])}: stability {chosen['stability']:.2f}, coherence {chosen['coherence']:.2f}; "
      f"no k reaches the 0.80 bar: {not selection['stable'].any()}")

# %% [markdown]
# **No number of topics reaches the 0.80 stability bar on this corpus.** With 134 task units spread over some 17
# policy areas, leaving out 13 tasks reshuffles the top-10 term lists of most clusters. Even with the assignment of tasks
# to topics held fixed, re-estimating the term lists on the subsamples agrees only about 0.75 (`python -m
# policylens.evaluate topics` prints this diagnostic). So the model as a whole is **not** a finding yet; what we can
# report is which individual topics hold still.
#
# ## The topics, and which of them hold still 主题及其稳定性

# %%
wide = topics.groupby(["topic", "label"])["term"].apply(" ".join).rename("top terms 主要词").reset_index()
wide = wide.merge(summary[["topic", "n_units", "coherence", "stability", "stable"]], on="topic")
wide

# %%
stable = summary[summary["stable"]]
print(f"{len(stable)} of {len(summary)} topics are stable (>= 0.80): " + "; ".join(stable["label"]))
assert len(stable) >= 1

# %% [markdown]
# The stable topics are the ones with a vocabulary of their own — teacher development (教师·培养·培训) and
# private schooling (民办教育·社会力量) — where a bureau cannot describe the work without the field's own words. Broad
# themes such as student activities or vocational cooperation mix with their neighbours from one subsample to the next.
#
# ## Topics and the codebook 主题与编码手册
#
# Where the data-driven clusters and the codebook agree, the codebook is confirmed by the words; where a topic spreads over
# several domains, the plans talk about those areas together.

# %%
cross = topic_domain_crosstab(task_topics)
table = cross.pivot_table(index="domain", columns="topic_label", values="n_units", fill_value=0)
table = table.reindex(index=[c for c in taxonomy.domain_codes() if c in table.index],
                      columns=[label for label in summary.sort_values("topic")["label"] if label in table.columns])
table = table.rename(index=taxonomy.bilingual_label)
fig = plots.count_heatmap(table, "Topics against codebook domains 主题与领域交叉", "topic 主题", "")
saved = figures.save(fig, "05_topics_vs_domains")

# %%
from sklearn.metrics import adjusted_mutual_info_score

coded = task_topics[task_topics["topic"] >= 0]
ami = adjusted_mutual_info_score(coded["domain"], coded["topic"])
print(f"Adjusted mutual information between dominant topic and primary domain: {ami:.2f}")
assert 0.3 < ami < 0.9

# %% [markdown]
# Most topics map onto one domain (preschool, teachers, private schooling, special education, Party building).
# The disagreements are informative: the vocational-education topic also takes in the international and regional
# exchange tasks — in these plans, opening up is largely vocational cooperation (German dual-system exchanges in
# Qingdao, cross-border labour training in Guangxi) — and the construction topic joins new compulsory schools with
# general school building.

# %%
voc = cross[cross["topic_label"].str.startswith("职业教育")].set_index("domain")["n_units"]
assert voc.get("opening", 0) >= 3 and voc.idxmax() == "vocational"

# %% [markdown]
# ## Topics by city 各市主题分布

# %%
shares = topic_shares(task_topics, by=("doc_id",))
matrix = shares.pivot(index="doc_id", columns="topic_label", values="share")
matrix = matrix[summary.sort_values("topic")["label"]]
fig = plots.share_heatmap(matrix, documents, "Share of each plan's tasks by dominant topic 各规划任务的主题占比")
saved = figures.save(fig, "05_topic_shares")

# %% [markdown]
# ## Distinctive terms per city 各市特色词
#
# Which words does each plan use more than the others? Log-odds ratios with an informative Dirichlet prior (Monroe,
# Colaresi & Quinn 2008) down-weight rare words, so the list is not a list of one-off names.

# %%
top = keyness[keyness["rank"] <= 8]
top.groupby("group")["term"].apply(" · ".join).rename("most distinctive terms 特色词").to_frame()

# %%
ranks = keyness.set_index(["group", "term"])["rank"]
assert ranks[("baotou-2018", "蒙语授课")] <= 10 and ranks[("qingdao-2012", "海洋教育")] <= 5

# %% [markdown]
# Baotou's Mongolian-medium schooling (蒙语授课, 民族教育), Qingdao's ocean education (海洋教育), the Guangxi plan's
# autonomous-region framing and new public kindergartens (自治区, 公办幼儿园, 多元普惠), Cangzhou's post-二十大 language of
# clean government and teaching research (二十大, 廉政, 教科研): the distinctive vocabulary locates each plan in its place
# and time.
#
# Next: `06_compare` puts the cities side by side.
