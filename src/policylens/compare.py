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


def targets_vs_national(targets: pd.DataFrame, national: pd.DataFrame, documents: pd.DataFrame) -> pd.DataFrame:
    """City rate targets beside the national target and actual rate for the same indicator.

    One row per city target with a canonical ``indicator_id`` that the national
    table also has: the city's value and year, the national target (nearest
    target year at or after the city's year) and the national actual rate of
    the nearest year.
    """
    city = targets[targets["indicator_id"].fillna("").ne("") & targets["unit"].eq("%")].copy()
    year = city["target_year"].astype("Float64")
    fallback = city["doc_id"].map(documents.set_index("doc_id")["plan_end_year"]).astype("Float64")
    city["year"] = year.fillna(fallback).astype(int)
    rows = []
    for _, t in city.iterrows():
        nat = national[national["indicator_id"] == t["indicator_id"]]
        goal = nat[nat["kind"] == "target"]
        actual = nat[nat["kind"] == "actual"]
        later = goal[goal["year"] >= t["year"]].sort_values("year")
        goal_row = later.iloc[0] if len(later) else (goal.sort_values("year").iloc[-1] if len(goal) else None)
        act_row = actual.iloc[(actual["year"] - t["year"]).abs().argsort()].iloc[0] if len(actual) else None
        if goal_row is None and act_row is None:
            continue
        rows.append({
            "doc_id": t["doc_id"], "indicator_id": t["indicator_id"], "indicator": t["indicator"],
            "city_value": t["value"], "comparator": t["comparator"], "year": int(t["year"]),
            "year_inferred": pd.isna(t["target_year"]),
            "national_target": None if goal_row is None else goal_row["value"],
            "national_target_year": None if goal_row is None else int(goal_row["year"]),
            "national_actual": None if act_row is None else act_row["value"],
            "national_actual_year": None if act_row is None else int(act_row["year"]),
        })
    columns = ["doc_id", "indicator_id", "indicator", "city_value", "comparator", "year", "year_inferred",
               "national_target", "national_target_year", "national_actual", "national_actual_year"]
    return pd.DataFrame(rows, columns=columns).sort_values(["indicator_id", "doc_id"], kind="stable",
                                                            ignore_index=True)
