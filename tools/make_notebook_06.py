"""Write notebooks/06_compare.ipynb (sources only; `make notebooks` executes it)."""
import nbformat as nbf

md, code = nbf.v4.new_markdown_cell, nbf.v4.new_code_cell
cells = [
md("""# 06 · Compare: cities and years side by side 城市与年份比较

The earlier notebooks built the pieces: cleaned texts (01), units (02), coded tasks (03), targets (04) and topics (05).
This notebook puts the five plans side by side: how alike their priorities are, whether the words tell the same story
as the codes, how priorities move with time, and a one-line portrait of each plan. With five plans from five cities and
five different years, differences between cities and between years cannot be separated — read every contrast below as
a description of these documents, not as a trend."""),
code("""import numpy as np
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
shares = compare.domain_shares(tasks)"""),
md("""## How alike are the priorities? 重点结构的相似度

Each plan becomes a vector of its task-text shares over the 18 domains; cosine similarity compares them (1 = the same
mix of priorities)."""),
code("""profile_sim = compare.cosine_similarity_table(compare.share_matrix(shares, "share_chars"))
fig = plots.similarity_heatmap(profile_sim, documents, "Similarity of priority profiles 重点结构相似度")
saved = figures.save(fig, "06_profile_similarity")"""),
md("""## Do the words agree? 用词相似度

The same comparison from the vocabulary alone: TF-IDF over the policy tokens of all tasks, no codebook involved."""),
code("""text_sim = compare.text_similarity(tasks)
fig = plots.similarity_heatmap(text_sim, documents, "Similarity of task vocabulary 任务用词相似度")
saved = figures.save(fig, "06_text_similarity")"""),
code("""pairs = np.triu_indices(len(profile_sim), 1)
rho = spearmanr(profile_sim.to_numpy()[pairs], text_sim.to_numpy()[pairs]).statistic
closest = profile_sim.where(~np.eye(len(profile_sim), dtype=bool)).stack().idxmax()
farthest = profile_sim.mean().idxmin()
print(f"Rank agreement of the two similarity measures over {len(pairs[0])} pairs: Spearman rho = {rho:.2f}")
print(f"Most alike priority profiles: {closest[0]} and {closest[1]}; least like the others: {farthest}")
assert rho > 0.5 and set(closest) == {"baotou-2018", "zhuzhou-2017"} and farthest == "qingdao-2012\""""),
md("""The two annual plans of Baotou (2018) and Zhuzhou (2017) have almost the same mix of priorities — governance and
Party building first, then health, arts and sports — although the cities are 1,500 km apart. Qingdao's 2012 plan is
the odd one out: no Party-building task, much construction and exchange. Word-level similarity is lower everywhere
(each bureau has its own phrasing), but it ranks the pairs much as the codes do, so the codebook is not imposing a
structure the texts do not have.

## Priorities over time 重点领域的时间变化"""),
code("""fig = plots.shares_over_time(shares, documents, ["party", "governance", "safety", "curriculum"])
saved = figures.save(fig, "06_priorities_over_time")"""),
md("""Party building goes from absent (2012) to one of the two largest shares in every later annual plan, in line with the
emphasis on Party leadership of schools after the 十八大 and the 2016–2018 guidelines on Party building in primary
and secondary schools. With one plan per city this is suggestive, not a measured trend: adding plans of the same cities
over several years (`data/raw/` + a manifest row) turns it into one."""),
code("""party = shares[shares["domain"] == "party"].set_index("doc_id")["share_chars"]
assert party["qingdao-2012"] == 0 and (party.drop("qingdao-2012") > 0.1).all()"""),
]
