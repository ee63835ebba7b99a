# %% [markdown]
# # 04 · Targets: every numeric commitment 量化指标
#
# "学前三年幼儿入园率达到94%", "新建、改扩建义务教育学校9所", "小学班额基本控制在50人以内": the targets are what
# researchers quote and compare most. `policylens.extract_targets` turns each into a normalized record — the exact quote
# and its offsets, what is measured (indicator, and a canonical `indicator_id` when the indicator recurs across plans),
# the number (Chinese numerals and 万/亿 resolved, money in 元), the unit, the comparator (`>=` for 达到/以上/不低于,
# `<=` for 以内/控制在, `>` for 余/多, `=` for a planned quantity, `range` for 1-2所) and the target year. Dates,
# document numbers, ordinals and names with numbers (十三五, 三会一课, "2+1") are not targets.

# %%
import pandas as pd
from IPython.display import Markdown

from policylens import compare, config, figures, plots
from policylens.corpus import DOC_TYPES
from policylens.evaluate.targets import evaluate_cached
from policylens.io import read_csv
from policylens.targets import load_national_targets

figures.setup()
pd.set_option("display.max_colwidth", 50)
documents = read_csv(config.DATA_PROCESSED / "documents.csv")
targets = read_csv(config.DATA_PROCESSED / "targets.csv")

# %% [markdown]
# ## What the plans put numbers on 各规划的量化指标

# %%
per_plan = pd.crosstab(targets["doc_id"], targets["unit_kind"], margins=True, margins_name="all 合计")
per_plan

# %%
for doc, part in targets.groupby("doc_id"):
    text = (config.DATA_PROCESSED / "clean" / f"{doc}.txt").read_text(encoding="utf-8")
    assert all(text[s:e] == q for s, e, q in zip(part["start"], part["end"], part["quote"])), f"{doc}: quote ≠ text"
print(f"All {len(targets)} quotes are the exact text at their offsets in their plan.")

# %%
fig = plots.targets_by_kind(targets, documents)
saved = figures.save(fig, "04_targets_by_kind")

# %%
counts = targets["doc_id"].value_counts().reindex(documents["doc_id"], fill_value=0)
kinds = documents.set_index("doc_id")["doc_type"]
by_type = counts.groupby(kinds.map(lambda t: DOC_TYPES.get(t, t))).mean().sort_values(ascending=False)
rates = targets[targets["unit"] == "%"].groupby("doc_id").size().reindex(counts.index, fill_value=0)
Markdown(f"Targets per plan range from {counts.min()} (`{counts.idxmin()}`) to {counts.max()} (`{counts.idxmax()}`). "
         "On average per document type: " + "; ".join(f"{t} {n:.1f}" for t, n in by_type.items()) + ". "
         f"Rates (%) are {rates.sum()} of the {len(targets)} targets; the rest count schools, places, people, "
         "events and money.")

# %% [markdown]
# ## The records 指标记录
#
# One row per target, in document order, with the outline unit it stands in. The first two records of each plan:

# %%
columns = ["doc_id", "unit_path", "quote", "indicator", "value", "value_low", "value_high", "unit", "comparator",
           "target_year"]
targets.groupby("doc_id").head(2)[columns]

# %% [markdown]
# ## Which policy areas carry the numbers 指标所在领域
#
# Each target inherits the domain of the task it stands in (targets in goal paragraphs have none).

# %%
by_domain = targets[targets["domain"] != ""].groupby("domain").size().sort_values(ascending=False, kind="stable")
by_domain.rename("targets").to_frame().head(8)

# %% [markdown]
# ## City rate targets against national benchmarks 城市目标与全国基准
#
# Each city rate target with a canonical indicator is set beside the national target **in force for the plan's
# period** — the national plan whose period covers the plan's first year, the latest-issued one when two overlap (a plan
# for 2017–2020 is set against the 十三五 targets, which superseded the 2010 纲要's 2020 goals) — and beside the latest
# national actual rate of a year before the plan (what its authors could know). The `compared` column says which years
# are set side by side. For a plan whose years are hidden ("X年"), the year is the inferred end of the plan
# (marked *).

# %%
benchmarks = compare.targets_vs_national(targets, load_national_targets(), documents)
assert set(benchmarks["doc_id"]) <= set(documents["doc_id"]) and benchmarks["city_value"].between(0.0, 100.0).all()
benchmarks[["doc_id", "indicator_id", "city_value", "year", "national_target", "national_plan", "national_actual",
            "national_actual_year"]]

# %%
fig = plots.rates_vs_national(benchmarks, documents)
saved = figures.save(fig, "04_rates_vs_national")

# %% [markdown]
# The comparisons in words, computed from the table above (city target, national target in force, national actual):

# %%
print("\n".join(compare.benchmark_sentences(benchmarks)))

# %% [markdown]
# ## Targets against later results 目标与后续实际
#
# `policylens.extract_quantities` reads every number of a plan with a `status`: `target` (a commitment), `achieved` (a
# reported result: 已, 截至, 上半年, a past year), `baseline` (the status quo: 现有, 目前, 共有, the start of a change) or
# `forecast` (预计 + a demographic subject), and the cue that decided it; `extract_targets` keeps the targets.
# Where a later plan of a place reports a result for an indicator an earlier plan of the same place targeted,
# `targets_vs_results` pairs them (target, year, reported value, year, met or not).

# %%
from policylens.targets import targets_vs_results

quantities = read_csv(config.DATA_PROCESSED / "quantities.csv")  # the build's every quantity with its status
assert quantities["status"].isin(["target", "achieved", "baseline", "forecast"]).all()
assert (quantities["status"] == "target").sum() == len(targets)  # extract_targets keeps exactly the targets
pd.crosstab(quantities["doc_id"], quantities["status"], margins=True, margins_name="all 合计")

# %%
pairs = targets_vs_results(quantities, documents)
if pairs.empty:
    places = documents.groupby("city_zh")["doc_id"].count()
    print(f"No pairs: the corpus holds {len(documents)} plans from {len(places)} places, "
          f"{'one plan per place' if places.max() == 1 else 'but no later plan reports a targeted indicator'}, "
          "so no plan reports a result for an indicator that an earlier plan of the same place targeted.")
pairs

# %% [markdown]
# ## How good is the extraction? 抽取质量
#
# Measured against the hand-annotated gold records of the **founding corpus** (`data/external/gold/targets_seeds.csv`):
# a record matches when its quote overlaps the gold quote and value (or bounds), unit and comparator agree. The test
# suite holds the acceptance thresholds. The evaluation is kept in the project cache (`.cache/`) until the extractor,
# its rules, the corpus or the gold change.

# %%
quality = evaluate_cached()
quality["table"].round(3)

# %%
print(f"F1 {quality['f1']:.3f}; value, unit and comparator right for {quality['field_accuracy']:.1%} of "
      f"{quality['overlap_matched']} matched records.")

# %% [markdown]
# These figures are on the development set the rules were written against. `python -m policylens.evaluate targets`
# also reports a separate set of excerpts in the style of other plans; run `policylens targets your-plan.txt` on a plan
# of your own.
#
# Next: `05_topics` lets the words speak: topic clusters across cities.
