# %% [markdown]
# # 03 · Taxonomy: what the plans work on 任务分类
#
# "What share of Baotou's plan is about teachers, versus Cangzhou's?" needs every task of every plan coded into one
# common set of policy domains. policylens uses a bilingual codebook of 18 domains
# (`src/policylens/data/taxonomy.yaml`, from the project's `taxonomy.md`) and codes each task and safeguard unit with
# `policylens.code_tasks`: transparent, weighted cue rules (a cue in the heading counts three times a cue in the body)
# decide when they are clear, a character n-gram logistic regression trained on the hand-coded founding corpus helps
# when they are not, and every code carries its **evidence** so a reader can audit it. Like the Comparative Agendas
# Project, we then report the share of coded units per domain — and, because bureaus cut their work into items of very
# different lengths (notebook 02), also the share of task *text*.

# %%
import pandas as pd
from IPython.display import display

from policylens import compare, config, figures, plots, taxonomy
from policylens.evaluate.taxonomy import loco_predictions, summary_table
from policylens.io import read_csv

figures.setup()
pd.set_option("display.max_colwidth", 80)
documents = read_csv(config.DATA_PROCESSED / "documents.csv")
tasks = read_csv(config.DATA_PROCESSED / "tasks.csv")

# %% [markdown]
# ## The codebook 编码手册

# %%
codebook = pd.DataFrame([(d.code, d.en, d.zh) for d in taxonomy.codebook().domains],
                        columns=["code", "English", "中文"]).set_index("code")
codebook

# %% [markdown]
# ## Who codes what, and why: evidence 编码依据
#
# Each coded task says which cues (or which model features) decided. Three examples from three cities:

# %%
examples = tasks.set_index(["doc_id", "path"]).loc[[("baotou-2018", "三/(五)/22"), ("cangzhou-2023", "二/(三)"),
                                                   ("x-guangxi-2018-2020", "二/(二)/1")]]
display(plots.text_table(examples.reset_index()[["doc_id", "heading", "domain", "secondary_domains", "level",
                                                 "evidence"]], "evidence"))

# %% [markdown]
# ## Priorities by city 各市重点领域
#
# Shares of each plan's task text by primary domain. Rows are domains (English 中文), columns plans.

# %%
shares = compare.domain_shares(tasks)
matrix = compare.share_matrix(shares, "share_chars")
labels = {code: taxonomy.bilingual_label(code) for code in matrix.columns}
fig = plots.share_heatmap(matrix, documents, "Share of task text by domain 各领域任务文本占比", labels)
saved = figures.save(fig, "03_domain_shares")

# %%
top = compare.top_priorities(shares, n=3)
top.assign(share_pct=(100 * top["share"]).round(1)).drop(columns="share").set_index(["doc_id", "rank"])

# %% [markdown]
# Read across the columns of the heatmap:
#
# * **Governance** (reform, evaluation, supervision, rule of law) and **Party building** are the two largest shares in
#   the annual plans of Baotou, Zhuzhou and Cangzhou — the politics and management of the system come first.
# * **Qingdao 2012**, written before the 十八大, has no Party-building task at all; its weight is on building schools,
#   preschool expansion and campus safety.
# * The **Guangxi three-year action plan** puts teachers first and spreads evenly over the levels (preschool,
#   compulsory, senior secondary, vocational) — what a capacity-building plan is for.
# * **Cangzhou 2023** gives curriculum and campus safety and epidemic control a larger share than the older plans: the
#   years of 双减 and of COVID-19.

# %%
m = matrix
assert m.loc["qingdao-2012", "party"] == 0
for doc in ("baotou-2018", "zhuzhou-2017", "cangzhou-2023"):
    assert set(m.loc[doc].nlargest(2).index) == {"governance", "party"}, doc
assert m.loc["x-guangxi-2018-2020"].idxmax() == "teachers"
assert m.loc["cangzhou-2023", "safety"] > m.loc[["baotou-2018", "zhuzhou-2017"], "safety"].max()

# %% [markdown]
#
#
# ## Counting tasks or counting text? 按条数还是按篇幅
#
# The two weightings agree on the big picture; where they differ, it is because one long task carries much text.

# %%
both = shares.assign(tasks_pct=(100 * shares["share_tasks"]).round(1), text_pct=(100 * shares["share_chars"]).round(1))
gap = both.assign(gap=(both["text_pct"] - both["tasks_pct"]).abs()).sort_values("gap", ascending=False)
gap[["doc_id", "label", "tasks", "tasks_pct", "text_pct"]].head(8)

# %% [markdown]
# ## A second facet: education level 学段
#
# Each task also gets a level (ISCED-aligned: preschool 0, compulsory 1–2, senior secondary 3, vocational, higher 5–8,
# lifelong, special), so that, for example, teacher policy can be read by level. Most teacher tasks are system-wide.

# %%
level_table = taxonomy.levels_table()
levels = dict(zip(level_table["code"], level_table["en"] + " " + level_table["zh"]))
cross = pd.crosstab(tasks["domain"], tasks["level"])
cross = cross.reindex(index=[c for c in taxonomy.domain_codes() if c in cross.index],
                      columns=[c for c in level_table["code"] if c in cross.columns])
cross = cross.rename(index=taxonomy.bilingual_label, columns=levels)
fig = plots.count_heatmap(cross, "Tasks by domain and level 各领域任务的学段分布", "level 学段", "")
saved = figures.save(fig, "03_domain_by_level")

# %% [markdown]
# ## How far can we trust the codes? 可靠性
#
# The honest estimate of how the coder does on a *new* city is leave-one-city-out cross-validation: the model is trained
# on four plans and codes the fifth (the cue rules are fixed and general). The human benchmark is modest: coders of the
# large coding projects agree far less than this on fine schemes.

# %%
predictions = loco_predictions()
reliability = summary_table(predictions)
reliability

# %%
overall = reliability.set_index("held_out").loc["ALL"]
assert overall["blend_accuracy"] >= 0.85 and overall["blend_macro_f1"] >= 0.80
print(f"Leave-one-city-out: accuracy {overall['blend_accuracy']:.3f}, macro-F1 {overall['blend_macro_f1']:.3f}, "
      f"Cohen's kappa {overall['blend_kappa']:.3f} over {int(overall['n'])} tasks.")

# %% [markdown]
# Run `python -m policylens.evaluate taxonomy` for per-domain precision/recall, the confusion matrix and every error
# with its evidence.
#
# Next: `04_targets` extracts every quantitative commitment.
