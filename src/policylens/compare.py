"""Comparisons across cities and years: priority shares, similarity, targets vs national.

Every function takes tidy tables from ``data/processed/`` and returns a tidy
table (or a square matrix for similarities); the notebooks plot them.

``SHARE_COLUMNS``: doc_id, domain, label, tasks, chars, share_tasks, share_chars —
one row per document and domain (domains a plan never codes have zero rows
filled in, so shares compare across plans).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

SHARE_COLUMNS = ("doc_id", "domain", "label", "tasks", "chars", "share_tasks", "share_chars")


def domain_shares(tasks: pd.DataFrame, text_column: str = "body") -> pd.DataFrame:
    """Share of each plan's tasks (and of its task text) coded to each primary domain.

    The Comparative Agendas Project reports the share of coded units per
    category; weighting by characters corrects for bureaus that cut their work
    into many short items (Zhuzhou) versus few long ones (Baotou).
    """
    from policylens.taxonomy import bilingual_label, domain_codes

    frame = tasks.assign(chars=tasks[text_column].fillna("").str.len())
    counts = frame.groupby(["doc_id", "domain"]).agg(tasks=("domain", "size"), chars=("chars", "sum"))
    docs = sorted(frame["doc_id"].unique())
    index = pd.MultiIndex.from_product([docs, list(domain_codes())], names=["doc_id", "domain"])
    counts = counts.reindex(index, fill_value=0).reset_index()
    totals = counts.groupby("doc_id")[["tasks", "chars"]].transform("sum")
    counts["share_tasks"] = counts["tasks"] / totals["tasks"]
    counts["share_chars"] = counts["chars"] / totals["chars"]
    counts["label"] = counts["domain"].map(bilingual_label)
    return counts[list(SHARE_COLUMNS)]


def share_matrix(shares: pd.DataFrame, value: str = "share_chars") -> pd.DataFrame:
    """Documents × domains matrix of one share column (domains in codebook order)."""
    matrix = shares.pivot(index="doc_id", columns="domain", values=value)
    order = list(dict.fromkeys(shares["domain"]))
    return matrix[order]


def cosine_similarity_table(matrix: pd.DataFrame) -> pd.DataFrame:
    """Cosine similarity between the rows of ``matrix`` (a square DataFrame)."""
    values = matrix.to_numpy(dtype=float)
    norms = np.linalg.norm(values, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    unit = values / norms
    return pd.DataFrame(unit @ unit.T, index=matrix.index, columns=matrix.index)


def text_similarity(units: pd.DataFrame, text_column: str = "body") -> pd.DataFrame:
    """Cosine similarity of the plans' task vocabularies (TF-IDF over policy tokens)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    from policylens.topics import tokenize

    docs = units.groupby("doc_id")[text_column].apply(lambda s: "\n".join(s)).sort_index()
    vectorizer = TfidfVectorizer(analyzer=tokenize, sublinear_tf=True)
    matrix = vectorizer.fit_transform(docs.tolist())
    dense = pd.DataFrame(matrix.toarray(), index=docs.index)
    return cosine_similarity_table(dense)


def top_priorities(shares: pd.DataFrame, n: int = 3, value: str = "share_chars") -> pd.DataFrame:
    """The ``n`` domains with the largest share in each plan (doc_id, rank, domain, label, share)."""
    ranked = shares.sort_values(["doc_id", value, "domain"], ascending=[True, False, True], kind="stable")
    ranked = ranked.groupby("doc_id").head(n).copy()
    ranked["rank"] = ranked.groupby("doc_id").cumcount() + 1
    return ranked[["doc_id", "rank", "domain", "label", value]].rename(columns={value: "share"}).reset_index(drop=True)


NATIONAL_COLUMNS = ("doc_id", "indicator_id", "indicator", "city_value", "comparator", "year", "year_inferred",
                    "plan_start_year", "plan_end_year", "national_target", "national_target_year", "national_plan",
                    "national_actual", "national_actual_year", "compared")


def national_target_in_force(national: pd.DataFrame, indicator_id: str, plan_year: int, target_year: int):
    """The national target row in force for a plan written in ``plan_year`` (None when there is none).

    In force = a national plan whose period (``period_start``..``period_end``) contains the plan
    year; when several do (the 2010 纲要 and the 十三五 both run to 2020), the latest-issued plan
    (largest ``period_start``) wins, since it supersedes the older one. Without one, the first
    national target at or after the city's ``target_year``.
    """
    goal = national[(national["indicator_id"] == indicator_id) & (national["kind"] == "target")]
    if goal.empty:
        return None
    inside = goal[(goal["period_start"] <= plan_year) & (goal["period_end"] >= plan_year)]
    if len(inside):
        return inside.sort_values(["period_start", "year"], ascending=[False, True]).iloc[0]
    later = goal[goal["year"] >= target_year].sort_values("year")
    return later.iloc[0] if len(later) else goal.sort_values("year").iloc[-1]


def national_actual_before(national: pd.DataFrame, indicator_id: str, plan_year: int):
    """The latest national actual rate reported for a year before the plan year (what the plan could know).

    Falls back to the earliest later actual when none precedes it; None when there is none.
    """
    actual = national[(national["indicator_id"] == indicator_id) & (national["kind"] == "actual")]
    before = actual[actual["year"] < plan_year].sort_values("year")
    if len(before):
        return before.iloc[-1]
    return actual.sort_values("year").iloc[0] if len(actual) else None


def targets_vs_national(targets: pd.DataFrame, national: pd.DataFrame, documents: pd.DataFrame) -> pd.DataFrame:
    """City rate targets beside the national target in force for the plan's period and the national actual.

    One row per city rate target (``%``) whose ``indicator_id`` the national table also has: the
    city's value and target year, the national target of the national plan in force in the city
    plan's first year (:func:`national_target_in_force`: a 2017-2020 plan is set against the
    十三五, not the 2010 纲要), and the latest national actual of a year before the plan
    (:func:`national_actual_before`). ``compared`` says in words which years are set side by side.
    """
    city = targets[targets["indicator_id"].fillna("").ne("") & targets["unit"].eq("%")].copy()
    meta = documents.set_index("doc_id")
    year = city["target_year"].astype("Float64")
    fallback = city["doc_id"].map(meta["plan_end_year"]).astype("Float64")
    city["year"] = year.fillna(fallback).astype(int)
    national = national.assign(plan=national["plan"].fillna(""))
    rows = []
    for _, t in city.iterrows():
        start = int(meta.at[t["doc_id"], "plan_start_year"])
        end = int(meta.at[t["doc_id"], "plan_end_year"])
        goal = national_target_in_force(national, t["indicator_id"], start, int(t["year"]))
        act = national_actual_before(national, t["indicator_id"], start)
        if goal is None and act is None:
            continue
        words = f"city target for {int(t['year'])}" + (" (year inferred from the plan period)"
                                                      if pd.isna(t["target_year"]) else "")
        if goal is not None:
            words += f" vs national {goal['plan']} target for {int(goal['year'])}"
        if act is not None:
            words += f"; national actual of {int(act['year'])}"
        rows.append({
            "doc_id": t["doc_id"], "indicator_id": t["indicator_id"], "indicator": t["indicator"],
            "city_value": t["value"], "comparator": t["comparator"], "year": int(t["year"]),
            "year_inferred": pd.isna(t["target_year"]), "plan_start_year": start, "plan_end_year": end,
            "national_target": None if goal is None else goal["value"],
            "national_target_year": None if goal is None else int(goal["year"]),
            "national_plan": "" if goal is None else goal["plan"],
            "national_actual": None if act is None else act["value"],
            "national_actual_year": None if act is None else int(act["year"]),
            "compared": words,
        })
    out = pd.DataFrame(rows, columns=list(NATIONAL_COLUMNS))
    for column in ("national_target_year", "national_actual_year"):
        out[column] = out[column].astype("Int64")
    return out.sort_values(["indicator_id", "doc_id"], kind="stable", ignore_index=True)


# ---------------------------------------------------------------------------
# Shares with their uncertainty
# ---------------------------------------------------------------------------

INTERVAL_COLUMNS = ("doc_id", "category", "label", "n_tasks", "count", "share", "lo", "hi")
DIFFERENCE_COLUMNS = ("category", "label", "doc_a", "doc_b", "share_a", "share_b", "lo_a", "hi_a", "lo_b", "hi_b",
                      "diff", "diff_lo", "diff_hi", "intervals_overlap", "differs")


def _bootstrap_counts(codes: np.ndarray, n_categories: int, n_boot: int, rng: np.random.Generator) -> np.ndarray:
    """Category counts of ``n_boot`` resamples (with replacement) of ``codes``: array n_boot × n_categories."""
    draws = codes[rng.integers(0, len(codes), size=(n_boot, len(codes)))]
    offsets = (np.arange(n_boot) * n_categories)[:, None]
    return np.bincount((draws + offsets).ravel(), minlength=n_boot * n_categories).reshape(n_boot, n_categories)


def _share_draws(frame: pd.DataFrame, column: str, categories: list, n_boot: int, seed: int
                 ) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Per plan: observed shares and bootstrap share draws (n_boot × categories), one seeded stream per plan."""
    index = {c: i for i, c in enumerate(categories)}
    out = {}
    for number, (doc_id, part) in enumerate(sorted(frame.groupby("doc_id"), key=lambda kv: str(kv[0]))):
        codes = part[column].map(index).to_numpy()
        codes = codes[~pd.isna(codes)].astype(int)
        if len(codes) == 0:
            continue
        rng = np.random.default_rng([seed, number])
        observed = np.bincount(codes, minlength=len(categories)) / len(codes)
        out[doc_id] = (observed, _bootstrap_counts(codes, len(categories), n_boot, rng) / len(codes), len(codes))
    return out


def share_intervals(frame: pd.DataFrame, column: str = "domain", categories: list | None = None,
                    labels: dict | None = None, n_boot: int = 2000, level: float = 0.95,
                    seed: int = 0) -> pd.DataFrame:
    """Share of each plan's tasks per category with a percentile bootstrap interval over the plan's tasks.

    ``frame`` has one row per task with ``doc_id`` and ``column``; resampling the plan's tasks
    with replacement (``n_boot`` times, seeded per plan) gives the interval at ``level``. Every
    category appears for every plan (zero counts kept). Columns: ``INTERVAL_COLUMNS``.
    """
    categories = list(categories) if categories is not None else sorted(frame[column].dropna().unique())
    labels = labels or {}
    tail = (1 - level) / 2
    rows = []
    for doc_id, (observed, draws, n) in _share_draws(frame, column, categories, n_boot, seed).items():
        lo, hi = np.quantile(draws, [tail, 1 - tail], axis=0)
        for i, cat in enumerate(categories):
            rows.append({"doc_id": doc_id, "category": cat, "label": labels.get(cat, str(cat)), "n_tasks": n,
                         "count": int(round(observed[i] * n)), "share": round(float(observed[i]), 6),
                         "lo": round(float(lo[i]), 6), "hi": round(float(hi[i]), 6)})
    return pd.DataFrame(rows, columns=list(INTERVAL_COLUMNS))


def domain_share_intervals(tasks: pd.DataFrame, n_boot: int = 2000, level: float = 0.95, seed: int = 0) -> pd.DataFrame:
    """:func:`share_intervals` of the primary codebook domains (bilingual labels), tasks counted."""
    from policylens.taxonomy import bilingual_label, domain_codes

    codes = list(domain_codes())
    return share_intervals(tasks, "domain", codes, {c: bilingual_label(c) for c in codes}, n_boot, level, seed)


def topic_share_intervals(task_topics: pd.DataFrame, n_boot: int = 2000, level: float = 0.95,
                          seed: int = 0) -> pd.DataFrame:
    """:func:`share_intervals` of dominant topics, unstable topics pooled as ``mixed 混合``."""
    from policylens.topics import _pooled

    frame = _pooled(task_topics, True)
    frame = frame[frame["topic"].astype(int) != -1]
    labels = dict(zip(frame["topic"].astype(int), frame["topic_label"]))
    return share_intervals(frame.assign(topic=frame["topic"].astype(int)), "topic", sorted(labels), labels,
                           n_boot, level, seed)


def share_differences(frame: pd.DataFrame, doc_a: str, doc_b: str, column: str = "domain",
                      categories: list | None = None, labels: dict | None = None, n_boot: int = 2000,
                      level: float = 0.95, seed: int = 0) -> pd.DataFrame:
    """Whether two plans' shares differ, per category: both intervals and the bootstrap difference.

    ``differs`` is True only when the percentile interval of ``share_a - share_b`` (independent
    resamples of each plan's tasks) excludes 0; ``intervals_overlap`` reports the cruder check.
    A difference that is not ``differs`` is not a finding. Columns: ``DIFFERENCE_COLUMNS``.
    """
    categories = list(categories) if categories is not None else sorted(frame[column].dropna().unique())
    labels = labels or {}
    draws = _share_draws(frame[frame["doc_id"].isin([doc_a, doc_b])], column, categories, n_boot, seed)
    if doc_a not in draws or doc_b not in draws:
        raise KeyError(f"no tasks for {doc_a if doc_a not in draws else doc_b}")
    tail = (1 - level) / 2
    (obs_a, d_a, _), (obs_b, d_b, _) = draws[doc_a], draws[doc_b]
    ci_a, ci_b = np.quantile(d_a, [tail, 1 - tail], axis=0), np.quantile(d_b, [tail, 1 - tail], axis=0)
    ci_d = np.quantile(d_a - d_b, [tail, 1 - tail], axis=0)
    rows = []
    for i, cat in enumerate(categories):
        overlap = not (ci_a[0, i] > ci_b[1, i] or ci_b[0, i] > ci_a[1, i])
        rows.append({"category": cat, "label": labels.get(cat, str(cat)), "doc_a": doc_a, "doc_b": doc_b,
                     "share_a": round(float(obs_a[i]), 6), "share_b": round(float(obs_b[i]), 6),
                     "lo_a": round(float(ci_a[0, i]), 6), "hi_a": round(float(ci_a[1, i]), 6),
                     "lo_b": round(float(ci_b[0, i]), 6), "hi_b": round(float(ci_b[1, i]), 6),
                     "diff": round(float(obs_a[i] - obs_b[i]), 6), "diff_lo": round(float(ci_d[0, i]), 6),
                     "diff_hi": round(float(ci_d[1, i]), 6), "intervals_overlap": bool(overlap),
                     "differs": bool(ci_d[0, i] > 0 or ci_d[1, i] < 0)})
    return pd.DataFrame(rows, columns=list(DIFFERENCE_COLUMNS))


def domain_share_differences(tasks: pd.DataFrame, doc_a: str, doc_b: str, n_boot: int = 2000, level: float = 0.95,
                             seed: int = 0) -> pd.DataFrame:
    """:func:`share_differences` of two plans over the primary codebook domains (bilingual labels)."""
    from policylens.taxonomy import bilingual_label, domain_codes

    codes = list(domain_codes())
    return share_differences(tasks, doc_a, doc_b, "domain", codes, {c: bilingual_label(c) for c in codes},
                             n_boot, level, seed)


def shares_differ(frame: pd.DataFrame, doc_a: str, doc_b: str, category, column: str = "domain",
                  n_boot: int = 2000, level: float = 0.95, seed: int = 0) -> bool:
    """True when the bootstrap interval of the two plans' share difference for ``category`` excludes 0."""
    cats = sorted(set(frame[column].dropna().unique()) | {category})
    table = share_differences(frame, doc_a, doc_b, column, cats, None, n_boot, level, seed)
    return bool(table.loc[table["category"] == category, "differs"].iloc[0])


# ---------------------------------------------------------------------------
# Task-level alignment across plans
# ---------------------------------------------------------------------------

ALIGN_THRESHOLD = 0.09
"""Cosine of character 2-3-gram TF-IDF above which two tasks are counted as the same commitment
(calibrated on ``data/eval/task_pairs.csv``; ``python -m policylens.evaluate alignment`` reports it)."""
ALIGN_COLUMNS = ("doc_id", "seq", "path", "heading", "other_doc_id", "other_seq", "other_path", "other_heading",
                 "similarity", "match")
RECURRING_COLUMNS = ("commitment", "n_docs", "n_tasks", "doc_id", "seq", "path", "heading", "quote",
                     "start", "end", "raw_start", "raw_end")


def _task_texts(tasks: pd.DataFrame, text_column: str) -> list[str]:
    from policylens.normalize import normalize
    from policylens.tokens import _RESPONSIBILITY

    return [_RESPONSIBILITY.sub(" ", normalize(str(t or "")).text) for t in tasks[text_column].fillna("")]


def task_similarity(tasks: pd.DataFrame, text_column: str = "body") -> np.ndarray:
    """Cosine similarity of every pair of tasks: TF-IDF of character 2- and 3-grams (sublinear tf).

    Characters need no segmentation, so the measure does not inherit jieba's errors; the
    responsibility lists ``(责任单位:…)`` are dropped first (agencies are not commitments).
    """
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = _task_texts(tasks, text_column)
    if not texts:
        return np.zeros((0, 0))
    matrix = TfidfVectorizer(analyzer="char", ngram_range=(2, 3), sublinear_tf=True, min_df=1).fit_transform(texts)
    return np.asarray((matrix @ matrix.T).todense())


def align_tasks(tasks: pd.DataFrame, text_column: str = "body", threshold: float = ALIGN_THRESHOLD) -> pd.DataFrame:
    """For each task, its closest counterpart in each other plan, with the similarity and whether it matches.

    ``tasks`` has doc_id, seq, path, heading and ``text_column`` (``tasks.csv``). One row per
    (task, other plan); ``match`` is ``similarity >= threshold``. Sorted by doc_id, seq, other_doc_id.
    """
    frame = tasks.reset_index(drop=True)
    sim = task_similarity(frame, text_column)
    docs = frame["doc_id"].astype(str).to_numpy()
    rows = []
    for other in sorted(set(docs)):
        cols = np.flatnonzero(docs == other)
        if not len(cols):
            continue
        best = cols[np.argmax(sim[:, cols], axis=1)]
        for i in np.flatnonzero(docs != other):
            j = best[i]
            rows.append({"doc_id": docs[i], "seq": frame.at[i, "seq"], "path": frame.at[i, "path"],
                         "heading": frame.at[i, "heading"], "other_doc_id": other, "other_seq": frame.at[j, "seq"],
                         "other_path": frame.at[j, "path"], "other_heading": frame.at[j, "heading"],
                         "similarity": round(float(sim[i, j]), 4),
                         "match": bool(round(float(sim[i, j]), 4) >= threshold)})
    out = pd.DataFrame(rows, columns=list(ALIGN_COLUMNS))
    return out.sort_values(["doc_id", "seq", "other_doc_id"], kind="stable", ignore_index=True)


def clean_to_raw(offset_map: pd.DataFrame, doc_id: str, positions) -> np.ndarray:
    """Raw-file offsets of cleaned-text positions, from ``offset_map.csv`` runs (-1 where unmapped)."""
    runs = offset_map[offset_map["doc_id"] == doc_id].sort_values("clean_start")
    starts = runs["clean_start"].to_numpy(dtype=np.int64)
    pos = np.asarray(positions, dtype=np.int64)
    if not len(starts):
        return np.full(pos.shape, -1)
    i = np.searchsorted(starts, pos, side="right") - 1
    ok = (i >= 0) & (pos < starts[np.maximum(i, 0)] + runs["length"].to_numpy()[np.maximum(i, 0)])
    raw = runs["raw_start"].to_numpy(dtype=np.int64)[np.maximum(i, 0)] + pos - starts[np.maximum(i, 0)]
    return np.where(ok, raw, -1)


def recurring_commitments(tasks: pd.DataFrame, text_column: str = "body", threshold: float = ALIGN_THRESHOLD,
                          min_docs: int = 3, units: pd.DataFrame | None = None,
                          offset_map: pd.DataFrame | None = None, quote_chars: int = 80) -> pd.DataFrame:
    """Task clusters spanning at least ``min_docs`` plans, with their sources.

    Two tasks of different plans are linked when each is the other's closest task in that plan
    and their similarity reaches ``threshold``; a commitment is a connected group of linked tasks.
    With ``units`` (``units.csv``) each task gets its span ``start``/``end`` in the cleaned text
    (from the unit's ``body_start``: its own heading and body)
    and, with ``offset_map`` (``offset_map.csv``), ``raw_start``/``raw_end`` in the raw file
    (-1 when unknown). Columns: ``RECURRING_COLUMNS``; commitments numbered by size, then first task.
    """
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    frame = tasks.reset_index(drop=True)
    sim = task_similarity(frame, text_column)
    docs = frame["doc_id"].astype(str).to_numpy()
    n = len(frame)
    best = {}
    for other in sorted(set(docs)):
        cols = np.flatnonzero(docs == other)
        best[other] = cols[np.argmax(sim[:, cols], axis=1)] if len(cols) else None
    edges = []
    for other, chosen in best.items():
        for i in np.flatnonzero(docs != other):
            j = int(chosen[i])
            if sim[i, j] >= threshold and int(best[docs[i]][j]) == i:
                edges.append((i, j))
    if edges:
        a, b = zip(*edges)
        graph = coo_matrix((np.ones(len(edges)), (a, b)), shape=(n, n))
        _, labels = connected_components(graph, directed=False)
    else:
        labels = np.arange(n)
    frame["_group"] = labels
    spans = frame.groupby("_group")["doc_id"].nunique()
    keep = spans[spans >= min_docs].index
    part = frame[frame["_group"].isin(keep)].copy()
    part["start"] = part["end"] = part["raw_start"] = part["raw_end"] = -1
    if units is not None and len(part):
        begin = "body_start" if "body_start" in units.columns else "start"  # a unit's start may hold its parent's heading
        spans_tbl = units.set_index(["doc_id", "path"])[[begin, "end"]]
        found = spans_tbl.reindex(list(zip(part["doc_id"], part["path"])))
        part["start"] = found[begin].fillna(-1).astype(int).to_numpy()
        part["end"] = found["end"].fillna(-1).astype(int).to_numpy()
        if offset_map is not None:
            for doc_id, idx in part.groupby("doc_id").groups.items():
                rows = part.loc[idx]
                part.loc[idx, "raw_start"] = np.where(rows["start"] >= 0,
                                                      clean_to_raw(offset_map, doc_id, rows["start"]), -1)
                last = clean_to_raw(offset_map, doc_id, np.maximum(rows["end"] - 1, 0))
                part.loc[idx, "raw_end"] = np.where((rows["end"] > 0) & (last >= 0), last + 1, -1)
    part["quote"] = [str(t or "")[:quote_chars] for t in part[text_column]]
    sizes = part.groupby("_group").agg(n_docs=("doc_id", "nunique"), n_tasks=("doc_id", "size"))
    first = {g: int(idx.min()) for g, idx in part.groupby("_group").groups.items()}
    ranked = sorted(keep, key=lambda g: (-sizes.at[g, "n_docs"], -sizes.at[g, "n_tasks"], first[g]))
    number = {g: i + 1 for i, g in enumerate(ranked)}
    part["commitment"] = part["_group"].map(number)
    part["n_docs"] = part["_group"].map(sizes["n_docs"])
    part["n_tasks"] = part["_group"].map(sizes["n_tasks"])
    out = part.sort_values(["commitment", "doc_id", "seq"], kind="stable", ignore_index=True)
    return out[list(RECURRING_COLUMNS)]


# ---------------------------------------------------------------------------
# Eras: party congresses and plan types
# ---------------------------------------------------------------------------

ERA_COLUMNS = ("doc_id", "plan_start_year", "plan_end_year", "doc_type", "era", "era_en")


def party_congresses() -> pd.DataFrame:
    """The party congresses of ``data/party_congresses.csv`` (name, opened, number, name_en), oldest first."""
    from policylens import config

    return pd.read_csv(config.PACKAGE_DATA / "party_congresses.csv", encoding="utf-8").sort_values("opened")


def congress_era(year: int) -> tuple[str, str]:
    """The party-congress era a plan written for ``year`` belongs to: the last congress opened before that year.

    A plan for 2012 was written in the 十七大 era (the 十八大 opened in November 2012); a plan for
    2018 in the 十九大 era. Returns (Chinese name, English name); ("", "") before the first listed congress.
    """
    era = ("", "")
    for row in party_congresses().itertuples():
        if int(str(row.opened)[:4]) < int(year):
            era = (row.name, row.name_en)
    return era


def plan_eras(documents: pd.DataFrame) -> pd.DataFrame:
    """One row per plan with its party-congress era (from ``plan_start_year``) and plan type."""
    out = documents[["doc_id", "plan_start_year", "plan_end_year", "doc_type"]].copy()
    eras = [congress_era(int(y)) for y in out["plan_start_year"]]
    out["era"] = [zh for zh, _ in eras]
    out["era_en"] = [en for _, en in eras]
    return out.sort_values(["plan_start_year", "doc_id"], ignore_index=True)[list(ERA_COLUMNS)]


def group_by_era(table: pd.DataFrame, documents: pd.DataFrame, keys: list[str], value: str | None = None,
                 by: tuple[str, ...] = ("era",)) -> pd.DataFrame:
    """A per-plan table grouped by era and/or plan type, with the number of plans behind each row.

    ``table`` has ``doc_id``; ``by`` are columns of :func:`plan_eras` (``era``, ``era_en``,
    ``doc_type``). Per group and ``keys``: ``n_plans`` (plans in the group), ``plans`` (their ids),
    ``n_rows`` (rows of ``table``) and, with ``value``, its mean, min and max over the group's rows.
    A row resting on one plan (``n_plans == 1``) is one document, not a pattern.
    """
    by = list(by)
    eras = plan_eras(documents)
    frame = table.merge(eras[["doc_id", *[c for c in ("era", "era_en", "doc_type") if c in by]]], on="doc_id")
    plans = eras.groupby(by)["doc_id"].agg(lambda s: ";".join(sorted(s))).rename("plans")
    n_plans = eras.groupby(by)["doc_id"].nunique().rename("n_plans")
    agg = {"n_rows": ("doc_id", "size")}
    if value is not None:
        agg.update({"mean": (value, "mean"), "min": (value, "min"), "max": (value, "max")})
    out = frame.groupby(by + keys, sort=True).agg(**agg).reset_index()
    out = out.merge(n_plans.reset_index(), on=by).merge(plans.reset_index(), on=by)
    if value is not None:
        out[["mean", "min", "max"]] = out[["mean", "min", "max"]].round(6)
    columns = by + keys + ["n_plans", "plans", "n_rows"] + (["mean", "min", "max"] if value is not None else [])
    order = by + keys
    if "era" in by:  # eras in historical order, not in character order
        number = dict(zip(party_congresses()["name"], party_congresses()["number"]))
        out["_era"] = out["era"].map(number)
        order = ["_era" if c == "era" else c for c in order]
    return out.sort_values(order, kind="stable", ignore_index=True)[columns]


def benchmark_sentences(benchmarks: pd.DataFrame) -> list[str]:
    """One plain sentence per row of :func:`targets_vs_national`, naming the years set side by side.

    The notebooks print these instead of typing figures into prose, so the text follows the data.
    """
    out = []
    for r in benchmarks.itertuples():
        line = f"{r.doc_id} · {r.indicator_id}: city target {r.city_value:g}% ({r.comparator}) for {r.year}"
        if r.year_inferred:
            line += " (year inferred)"
        if pd.notna(r.national_target):
            gap = float(r.city_value) - float(r.national_target)
            relation = "at" if abs(gap) < 1e-9 else ("above" if gap > 0 else "below")
            line += (f" vs national {r.national_plan} target {r.national_target:g}% for {r.national_target_year}: "
                     f"{relation} it" + ("" if relation == "at" else f" by {abs(gap):.1f} points"))
        if pd.notna(r.national_actual):
            line += f"; national actual {r.national_actual:g}% in {r.national_actual_year}"
        out.append(line + ".")
    return out


def pairwise_share_differences(frame: pd.DataFrame, column: str = "domain", categories: list | None = None,
                               labels: dict | None = None, n_boot: int = 2000, level: float = 0.95,
                               seed: int = 0) -> pd.DataFrame:
    """:func:`share_differences` for every pair of plans (doc_a < doc_b), stacked; same columns."""
    docs = sorted(frame["doc_id"].astype(str).unique())
    categories = list(categories) if categories is not None else sorted(frame[column].dropna().unique())
    parts = [share_differences(frame, a, b, column, categories, labels, n_boot, level, seed)
             for i, a in enumerate(docs) for b in docs[i + 1:]]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=list(DIFFERENCE_COLUMNS))
