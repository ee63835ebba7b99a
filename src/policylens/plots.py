"""Figures for the notebooks, with bilingual (English 中文) labels.

Each function takes a tidy table from ``data/processed/`` and returns a
matplotlib Figure; the notebooks show it and save it with
:func:`policylens.figures.save`.
"""
from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from policylens import figures
from policylens import labels as lb
from policylens.taxonomy import MIN_TASKS

DOC_TYPE_COLORS = {"annual_plan": "#4C72B0", "work_key_points": "#55A868", "work_arrangement": "#8172B3",
                   "multi_year_action_plan": "#C44E52", "development_plan": "#CCB974"}
OTHER_COLOR = "#999999"
#: Above this many plans, figures drop per-cell numbers and per-point names (they would collide).
MAX_ANNOTATED_PLANS = 12
RULE_KIND_LABELS = lb.labels("removal")  # policylens.labels: data/labels.yaml


def doc_label(row: pd.Series) -> str:
    """'Baotou 包头市' style label of a document row."""
    return f"{row['city_en']} {row['city_zh']}"


def plan_order(documents: pd.DataFrame) -> list[str]:
    """Document ids ordered by plan year, then id: the one order of plans in every figure."""
    return documents.sort_values(["plan_start_year", "doc_id"], kind="stable")["doc_id"].tolist()


def plan_labels(documents: pd.DataFrame, sep: str = " ") -> dict[str, str]:
    """'Baotou 包头市 2018' per document id; plans that would share a label get their id instead."""
    labels = {r["doc_id"]: f"{str(r['city_en']).split(' (')[0]}{sep}{str(r['city_zh']).split('(')[0]} "
                           f"{r['plan_start_year']}" for _, r in documents.iterrows()}
    counts = pd.Series(list(labels.values())).value_counts()
    return {d: (label if counts[label] == 1 else f"{label} ({d})") for d, label in labels.items()}


def too_few_tasks(tasks: pd.DataFrame, minimum: int = MIN_TASKS) -> pd.Series:
    """Tasks per plan (``doc_id`` index) of the plans :func:`policylens.taxonomy.too_few_tasks` flags.

    Their shares are not shown in figures (a plan with two tasks is not 50% of anything).
    """
    from policylens.taxonomy import too_few_tasks as flags

    flagged = flags(tasks, min_tasks=minimum)
    return tasks.groupby("doc_id").size().reindex(flagged.index[flagged], fill_value=0)


def _plan_height(n: int, per_plan: float = 0.42, extra: float = 1.8) -> float:
    return per_plan * max(n, 1) + extra


def plan_timeline(documents: pd.DataFrame) -> Figure:
    """Plans on a timeline: one bar per plan over its years, colored by document type."""
    figures.setup()
    docs = documents.set_index("doc_id").loc[plan_order(documents)].reset_index()
    fig, ax = plt.subplots(figsize=(9, 0.45 * len(docs) + 1.8))
    for i, row in docs.iterrows():
        start, end = int(row["plan_start_year"]), int(row["plan_end_year"])
        ax.barh(i, end - start + 1, left=start - 0.5, height=0.55, color=DOC_TYPE_COLORS.get(row["doc_type"], OTHER_COLOR),
                hatch="//" if str(row["inferred"]) else None, edgecolor="white")
        ax.text(end + 0.6, i, f"{row['province_en']} {row['province_zh']}", va="center", fontsize=9)
    labels = plan_labels(documents)
    ax.set_yticks(range(len(docs)), [labels[d] for d in docs["doc_id"]], fontsize=9 if len(docs) <= 15 else 7)
    ax.invert_yaxis()
    lo, hi = int(docs["plan_start_year"].min()), int(docs["plan_end_year"].max())
    ax.set_xlim(lo - 1, hi + 4)
    ax.set_xticks(range(lo, hi + 1, max(1, (hi - lo) // 8 + 1)))
    ax.set_xlabel("Plan years 规划年份")
    ax.set_title(f"The corpus: {len(docs)} plans by city and year 语料：各市教育规划的年份")
    present = list(dict.fromkeys(docs["doc_type"]))
    handles = [Patch(color=DOC_TYPE_COLORS.get(t, OTHER_COLOR), label=lb.labels("doc_type").get(t, t)) for t in
               [t for t in DOC_TYPE_COLORS if t in present] + [t for t in present if t not in DOC_TYPE_COLORS]]
    handles.append(Patch(facecolor="white", edgecolor="grey", hatch="//", label="has inferred fields 含推断字段"))
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=2, fontsize=8, frameon=False)
    fig.tight_layout()
    return fig


def cleaning_removed(documents: pd.DataFrame, report: pd.DataFrame) -> Figure:
    """Characters each document kept and lost to cleaning, by what was removed."""
    figures.setup()
    docs = documents.set_index("doc_id").loc[plan_order(documents)]
    removed = report[report["kind"].isin(["drop_line", "delete"])].copy()
    removed["what"] = [RULE_KIND_LABELS["header-title"] if r == "header-title" else RULE_KIND_LABELS[k]
                       for r, k in zip(removed["rule_id"], removed["kind"])]
    table = removed.pivot_table(index="doc_id", columns="what", values="removed_chars", aggfunc="sum",
                                fill_value=0).reindex(docs.index, fill_value=0)
    accounted = table.sum(axis=1)
    table[RULE_KIND_LABELS["whitespace"]] = (docs["removed_chars"] - accounted).clip(lower=0)
    table = table[[c for c in RULE_KIND_LABELS.values() if c in table.columns]]
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, _plan_height(len(docs), 0.4, 2.0)),
                                      gridspec_kw={"width_ratios": [1, 1.4]})
    names = plan_labels(documents)
    labels = [names[d] for d in table.index]
    left.barh(labels, docs.loc[table.index, "clean_chars"], color="#4C72B0")
    left.set_xlabel("Characters kept 保留字符数")
    left.set_title("Plan text after cleaning 清洗后正文")
    left.invert_yaxis()
    table.index = labels
    table.plot.barh(stacked=True, ax=right, colormap="Set2", width=0.7)
    right.set_xlabel("Characters removed 删除字符数")
    right.set_title("What cleaning removed 清洗删除了什么")
    right.set_yticks([])
    right.invert_yaxis()
    right.legend(fontsize=8, frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2)
    fig.tight_layout()
    return fig


def text_table(frame: pd.DataFrame, name: str):
    """A left-aligned, wrapping view of a table with long text (stable HTML ids for nbval)."""
    from IPython.display import HTML

    styler = (frame.style.hide(axis="index").set_uuid(name)
              .set_properties(**{"text-align": "left", "white-space": "pre-wrap"}))
    return HTML(styler.to_html())


KIND_LABELS = lb.labels("unit_kind")
KIND_COLORS = {"preamble": "#BBBBBB", "requirement": "#8172B2", "goal": "#CCB974", "task": "#4C72B0",
               "safeguard": "#C44E52"}


def units_by_kind(units: pd.DataFrame, documents: pd.DataFrame) -> Figure:
    """How many units of each kind every plan has."""
    figures.setup()
    labels = plan_labels(documents)
    order = [d for d in plan_order(documents) if d in set(units["doc_id"])]
    table = pd.crosstab(units["doc_id"], units["kind"]).reindex(index=order, columns=list(KIND_LABELS), fill_value=0)
    table.index = [labels[d] for d in table.index]
    fig, ax = plt.subplots(figsize=(9, _plan_height(len(table))))
    left = pd.Series(0, index=table.index)
    for kind in KIND_LABELS:
        ax.barh(table.index, table[kind], left=left, color=KIND_COLORS[kind], label=KIND_LABELS[kind])
        left = left + table[kind]
    for i, total in enumerate(left):
        ax.text(total + 0.4, i, str(total), va="center", fontsize=9 if len(table) <= 15 else 7)
    ax.invert_yaxis()
    ax.set_xlabel("Units in the plan's outline 大纲单元数")
    ax.set_title("What each plan is made of 各规划的结构组成")
    ax.legend(fontsize=8, frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=5)
    fig.tight_layout()
    return fig


def task_lengths(units: pd.DataFrame, documents: pd.DataFrame) -> Figure:
    """Length of each task's text per plan: how finely each bureau cuts its work."""
    figures.setup()
    labels = plan_labels(documents)
    tasks = units[units["kind"].isin(["task", "safeguard"])].copy()
    tasks["plan"] = tasks["doc_id"].map(labels)
    tasks["chars"] = tasks["body"].str.len()
    order = [labels[d] for d in plan_order(documents) if d in set(tasks["doc_id"])]
    fig, ax = plt.subplots(figsize=(9, _plan_height(len(order))))
    groups = [tasks.loc[tasks["plan"] == p, "chars"].to_numpy() for p in order]
    ax.boxplot(groups, positions=range(len(order)), orientation="horizontal", widths=0.6, showfliers=False,
               patch_artist=True, boxprops={"facecolor": "#DDE6F2", "edgecolor": "#888888"},
               medianprops={"color": "#333333"}, whiskerprops={"color": "#888888"}, capprops={"color": "#888888"})
    ax.set_yticks(range(len(order)), order)
    ax.invert_yaxis()
    rng = np.random.default_rng(0)  # seeded jitter: the figure is byte-identical on every run
    positions = tasks["plan"].map({p: i for i, p in enumerate(order)})
    ax.scatter(tasks["chars"], positions + rng.uniform(-0.2, 0.2, len(tasks)), s=12, color="#4C72B0", zorder=3)
    ax.set_xlabel("Characters per task 每项任务的字数")
    ax.set_ylabel("")
    ax.set_title("How long a task is, plan by plan 各规划任务条目的长度")
    fig.tight_layout()
    return fig


#: Target groups (data/labels.yaml ``target_group``): code → label, ``other`` last.
UNIT_GROUPS = lb.labels("target_group")


def targets_by_kind(targets: pd.DataFrame, documents: pd.DataFrame) -> Figure:
    """How many quantitative targets each plan sets, by what they count."""
    figures.setup()
    labels = plan_labels(documents)
    frame = targets.assign(group=[UNIT_GROUPS[lb.group_of("target_group", u)] for u in targets["unit"]])
    order = list(UNIT_GROUPS.values())
    table = pd.crosstab(frame["doc_id"], frame["group"]).reindex(index=plan_order(documents), columns=order,
                                                                 fill_value=0)
    table.index = [labels[d] for d in table.index]
    fig, ax = plt.subplots(figsize=(9, _plan_height(len(table))))
    table.plot.barh(stacked=True, ax=ax, colormap="tab20c", width=0.7)
    ax.invert_yaxis()
    ax.set_xlabel("Quantitative targets 量化指标数")
    ax.set_title("What the plans put numbers on 各规划的量化指标")
    ax.legend(fontsize=8, frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=3)
    fig.tight_layout()
    return fig


#: The rate indicators compared with national benchmarks, labelled from indicators.yaml.
INDICATOR_LABELS = {code: lb.label("indicator", code) for code in (
    "preschool_gross_enrollment_rate", "compulsory_retention_rate", "senior_secondary_gross_enrollment_rate",
    "higher_education_gross_enrollment_rate")}


def rates_vs_national(table: pd.DataFrame, documents: pd.DataFrame) -> Figure:
    """City rate targets beside the national target and the national actual rate, one panel per indicator."""
    figures.setup()
    short = {r["doc_id"]: f"{str(r['city_en']).split(' (')[0]} {str(r['city_zh']).split('(')[0]}"
             for _, r in documents.iterrows()}
    rows = table[table["indicator_id"].isin(INDICATOR_LABELS)]
    indicators = [i for i in INDICATOR_LABELS if i in set(rows["indicator_id"])]
    heights = [max(1, (rows["indicator_id"] == i).sum()) for i in indicators]
    fig, axes = plt.subplots(len(indicators), 1, figsize=(9, 0.5 * sum(heights) + 1.2 * len(indicators) + 0.6),
                             sharex=True, gridspec_kw={"height_ratios": heights}, squeeze=False)
    seen: set[str] = set()

    def mark(ax, x, y, label, **kw):
        ax.scatter(x, y, label=None if label in seen else label, **kw)
        seen.add(label)

    for ax, indicator in zip(axes[:, 0], indicators):
        part = rows[rows["indicator_id"] == indicator].reset_index(drop=True)
        for i, r in part.iterrows():
            mark(ax, r["city_value"], i, lb.label("benchmark", "city_target"), color="#C44E52", s=60, zorder=3)
            ax.annotate(f"{r['city_value']:g}% ({r['comparator']})", (r["city_value"], i), xytext=(6, 4),
                        textcoords="offset points", fontsize=8)
            if pd.notna(r["national_target"]):
                mark(ax, r["national_target"], i, lb.label("benchmark", "national_target"), marker="|", s=300,
                     color="#4C72B0", zorder=2)
            if pd.notna(r["national_actual"]):
                mark(ax, r["national_actual"], i, lb.label("benchmark", "national_actual"), marker="x", s=50,
                     color="#555555", zorder=2)
        ticks = [f"{short[r['doc_id']]} {r['year']}{'*' if r['year_inferred'] else ''}" for _, r in part.iterrows()]
        ax.set_yticks(range(len(part)), ticks, fontsize=9)
        ax.set_ylim(-0.6, len(part) - 0.4)
        ax.invert_yaxis()
        ax.set_title(INDICATOR_LABELS[indicator], fontsize=10, loc="left")
    axes[-1, 0].set_xlabel("Rate 比率 (%)   * year inferred 年份为推断")
    fig.suptitle("City rate targets against national benchmarks 城市目标与全国基准")
    fig.legend(fontsize=8, frameon=False, loc="lower center", ncol=3, bbox_to_anchor=(0.5, -0.04))
    fig.tight_layout()
    return fig


def _flag_label(label: str, n: int, sep: str = " ") -> str:
    return f"{label}{sep}(n={n}: too few tasks{sep}任务过少)"


def share_heatmap(matrix: pd.DataFrame, documents: pd.DataFrame, title: str, row_labels: dict[str, str] | None = None,
                  fmt: str = ".0%", flagged: pd.Series | None = None) -> Figure:
    """Heatmap of a documents × categories share matrix, plans in year order.

    ``flagged`` (tasks per plan, from :func:`too_few_tasks`) lists plans whose
    shares rest on too few tasks: their cells stay blank and their label says
    why. Up to eight plans are columns (categories as rows); more plans are
    rows, so the figure grows downwards instead of crowding one axis.
    """
    import seaborn as sns

    figures.setup()
    flagged = flagged if flagged is not None else pd.Series(dtype=int)
    few_plans = len(matrix) <= 8
    names = plan_labels(documents, sep="\n" if few_plans else " ")
    data = matrix.reindex([d for d in plan_order(documents) if d in matrix.index]).astype(float)
    data.loc[data.index.isin(flagged.index)] = np.nan
    data.index = [_flag_label(names.get(d, d), int(flagged[d]), "\n" if few_plans else " ")
                  if d in flagged.index else names.get(d, d)
                  for d in data.index]
    if row_labels:
        data.columns = [row_labels.get(c, c) for c in data.columns]
    if few_plans:
        data = data.T
        size = (2.2 + 1.5 * data.shape[1], 0.38 * data.shape[0] + 1.6)
    else:
        size = (3.5 + 0.62 * data.shape[1], 0.36 * data.shape[0] + 2.6)
    fig, ax = plt.subplots(figsize=size)
    sns.heatmap(data, annot=True, fmt=fmt, cmap="Blues", cbar=False, linewidths=0.5, ax=ax,
                annot_kws={"fontsize": 8 if few_plans else 7})
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.set_title(title)
    if few_plans:
        ax.tick_params(axis="x", labelrotation=0, labelsize=8)
    else:
        ax.tick_params(axis="x", labelsize=8)
        plt.setp(ax.get_xticklabels(), rotation=55, ha="right", rotation_mode="anchor")
        ax.tick_params(axis="y", labelsize=8)
    fig.tight_layout()
    return fig


def count_heatmap(table: pd.DataFrame, title: str, xlabel: str, ylabel: str) -> Figure:
    """Heatmap of a crosstab of counts (zeros left blank)."""
    import seaborn as sns

    figures.setup()
    fig, ax = plt.subplots(figsize=(1.1 * table.shape[1] + 3.5, 0.38 * table.shape[0] + 1.8))
    annot = table.astype(int).astype(str).where(table > 0, "")
    sns.heatmap(table, annot=annot, fmt="", cmap="Greens", cbar=False, linewidths=0.5, ax=ax,
                annot_kws={"fontsize": 8})
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.tick_params(axis="x", labelrotation=30, labelsize=8)
    fig.tight_layout()
    return fig


def similarity_heatmap(similarity: pd.DataFrame, documents: pd.DataFrame, title: str,
                       flagged: pd.Series | None = None) -> Figure:
    """Plans × plans similarity matrix (cosine), plans in year order, labelled bilingually.

    Plans in ``flagged`` (too few tasks) are left blank; beyond
    ``MAX_ANNOTATED_PLANS`` plans the cells carry colour only, no numbers.
    """
    import seaborn as sns

    figures.setup()
    n = len(similarity)
    names = plan_labels(documents, sep="\n" if n <= 8 else " ")
    order = [d for d in plan_order(documents) if d in similarity.index]
    data = similarity.loc[order, order].astype(float)
    if flagged is not None and len(flagged):
        data.loc[data.index.isin(flagged.index)] = np.nan
        data.loc[:, data.columns.isin(flagged.index)] = np.nan
    data = data.rename(index=names, columns=names)
    side = max(6.4, 0.42 * n + 3.0)
    fig, ax = plt.subplots(figsize=(side, side * 0.82))
    sns.heatmap(data, annot=n <= MAX_ANNOTATED_PLANS, fmt=".2f", cmap="Purples", vmin=0, vmax=1, square=True,
                cbar=n > MAX_ANNOTATED_PLANS, linewidths=0.5, ax=ax, annot_kws={"fontsize": 9})
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.tick_params(axis="both", labelsize=8 if n <= 15 else 7)
    if n > 8:
        plt.setp(ax.get_xticklabels(), rotation=90)
    else:
        ax.tick_params(axis="x", labelrotation=0)
    ax.set_title(title, fontsize=11)
    fig.tight_layout()
    return fig


def shares_over_time(shares: pd.DataFrame, documents: pd.DataFrame, domains: list[str],
                     flagged: pd.Series | None = None) -> Figure:
    """Share of task text in selected domains against plan year, one panel per domain.

    Each point is one plan. Lines join only plans of the same city (a city's
    own series); plans of different cities are never joined as if they were a
    trend. Plans in ``flagged`` (too few tasks) are left out and counted in the title.
    """
    figures.setup()
    docs = documents.set_index("doc_id")
    flagged = flagged if flagged is not None else pd.Series(dtype=int)
    keep = [d for d in plan_order(documents) if d in set(shares["doc_id"]) and d not in flagged.index]
    years = docs.loc[keep, "plan_start_year"].astype(int)
    offsets = years.groupby(years).cumcount() - (years.groupby(years).transform("size") - 1) / 2
    x = years + 0.15 * offsets   # plans of the same year side by side, not on top of each other
    city = docs.loc[keep, "city_zh"]
    names = {d: f"{str(docs.loc[d, 'city_en']).split(' (')[0]} {str(docs.loc[d, 'city_zh']).split('(')[0]}"
             for d in keep}
    ncols = min(2, len(domains))
    nrows = -(-len(domains) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(5.2 * ncols, 3.0 * nrows + 0.9), sharex=True, sharey=True,
                             squeeze=False)
    series = [c for c, n in city.value_counts().sort_index().items() if n > 1]
    palette = plt.get_cmap("tab10")
    colors = {c: palette(i) if len(series) <= 10 else "#888888" for i, c in enumerate(series)}
    for ax, domain in zip(axes.ravel(), domains):
        values = 100 * shares[shares["domain"] == domain].set_index("doc_id").reindex(keep)["share_chars"]
        for name in series:
            ids = years[city.index[city == name]].sort_values(kind="stable").index
            first = docs.loc[ids[0]]
            ax.plot(x[ids], values[ids], color=colors[name], linewidth=1.2, zorder=1, marker="o", markersize=5,
                    label=f"{str(first['city_en']).split(' (')[0]} {str(name).split('(')[0]}")
        single = [d for d in keep if city[d] not in colors]
        ax.scatter(x[single], values[single], s=28, color="#4C72B0", zorder=2)
        if len(keep) <= 8:
            for d in keep:
                ax.annotate(names[d], (x[d], values[d]), xytext=(4, 3), textcoords="offset points", fontsize=7)
        ax.set_title(lb.label("domain", domain), fontsize=10, loc="left")
    if len(keep) <= 8 and len(keep):   # room on the right for the names of the latest plans
        axes[0, 0].set_xlim(x.min() - 0.8, x.max() + 2.5)
    for ax in axes.ravel()[len(domains):]:
        ax.set_visible(False)
    for ax in axes[-1]:
        ax.set_xlabel("Plan year 规划年份")
    for ax in axes[:, 0]:
        ax.set_ylabel("Share of task text (%)\n任务文本占比")
    if series and len(series) <= 10:
        handles, labels = axes[0, 0].get_legend_handles_labels()
        fig.legend(handles, labels, fontsize=8, frameon=False, loc="upper center", ncol=min(5, len(series)),
                   bbox_to_anchor=(0.5, 0.0))
    note = f"; {len(flagged)} plan(s) with < {MIN_TASKS} tasks left out 任务过少的规划未列入" if len(flagged) else ""
    fig.suptitle("Selected priorities by plan year; lines join plans of one city only "
                 f"按规划年份的重点领域（连线仅连接同一城市的规划）{note}", fontsize=10)
    fig.tight_layout()
    return fig


def topic_stability(summary: pd.DataFrame, level: float | None = None) -> Figure:
    """Each topic's member Jaccard against its AJ@10 over the refits, with the stability bars (size = tasks).

    ``level`` defaults to the topic stability threshold of ``thresholds.yaml``.
    """
    from policylens.thresholds import minimum

    level = minimum("topics", "topic.member_jaccard") if level is None else level
    figures.setup()
    fig, ax = plt.subplots(figsize=(8.5, 5.5))
    colors = np.where(summary["stable"].astype(bool), "#4C72B0", "#C44E52")
    ax.scatter(summary["member_jaccard"], summary["term_agreement"], s=25 * summary["n_units"], c=colors, alpha=0.6)
    for _, r in summary.iterrows():
        text = r["label"] if bool(r["stable"]) else f"{r['label']} (unstable 不稳定)"
        ax.annotate(text, (r["member_jaccard"], r["term_agreement"]), fontsize=7, xytext=(4, 3),
                    textcoords="offset points")
    ax.axvline(level, color="#555555", linestyle="--", linewidth=1)
    ax.axhline(level, color="#555555", linestyle="--", linewidth=1)
    ax.set_xlabel("Member tasks found again 成员任务重现 (Jaccard, Hennig 2007)")
    ax.set_ylabel("Top terms found again 主题词重现 (AJ@10, Greene et al. 2014)")
    ax.set_xlim(0.4, 1.02)
    ax.set_ylim(0.4, 1.02)
    ax.legend(handles=[Patch(color="#4C72B0", label="stable 稳定"), Patch(color="#C44E52", label="unstable 不稳定")],
              fontsize=8, frameon=False, loc="lower right")
    ax.set_title("Which topics hold still over refits on 90% subsamples 主题稳定性")
    fig.tight_layout()
    return fig


def share_intervals(intervals: pd.DataFrame, documents: pd.DataFrame, categories: list, title: str,
                    flagged: pd.Series | None = None) -> Figure:
    """Shares with bootstrap intervals: one panel per category, one row per plan (``compare.share_intervals``).

    Plans in ``flagged`` (too few tasks, from :func:`too_few_tasks`) keep their row, labelled, with no interval.
    """
    figures.setup()
    flagged = flagged if flagged is not None else pd.Series(dtype=int)
    short = {d: _flag_label(label, int(flagged[d])) if d in flagged.index else label
             for d, label in plan_labels(documents).items()}
    order = plan_order(documents)
    intervals = intervals[~intervals["doc_id"].isin(flagged.index)]
    fig, axes = plt.subplots(1, len(categories), figsize=(3.2 * len(categories) + 1.5, 0.45 * len(order) + 1.6),
                             sharey=True, squeeze=False)
    for ax, category in zip(axes[0], categories):
        part = intervals[intervals["category"] == category].set_index("doc_id").reindex(order)
        y = np.arange(len(order))
        ax.errorbar(100 * part["share"], y, xerr=[100 * (part["share"] - part["lo"]), 100 * (part["hi"] - part["share"])],
                    fmt="o", color="#4C72B0", ecolor="#999999", capsize=3)
        name = str(part["label"].dropna().iloc[0]) if part["label"].notna().any() else str(category)
        ax.set_title("\n".join(textwrap.wrap(name, 30)), fontsize=9)   # long bilingual names must not collide
        ax.set_xlim(left=0)
        ax.set_xlabel("share of tasks 任务占比 (%)", fontsize=8)
        ax.set_yticks(y, [short.get(d, d) for d in order], fontsize=8)
    axes[0, 0].invert_yaxis()
    fig.suptitle(title + "\n(95% bootstrap intervals over each plan's tasks 自助法置信区间)", fontsize=10)
    fig.tight_layout()
    return fig
