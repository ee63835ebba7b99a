"""Cross-city comparisons on the real corpus tables."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from policylens import compare, config
from policylens.io import read_csv
from policylens.targets import load_national_targets


@pytest.fixture(scope="module")
def tasks():
    return read_csv(config.DATA_PROCESSED / "tasks.csv")


def test_domain_shares_sum_to_one_per_plan(tasks):
    shares = compare.domain_shares(tasks)
    assert list(shares.columns) == list(compare.SHARE_COLUMNS)
    totals = shares.groupby("doc_id")[["share_tasks", "share_chars"]].sum()
    assert np.allclose(totals.to_numpy(), 1.0)
    assert shares.groupby("doc_id")["tasks"].sum().to_dict() == tasks.groupby("doc_id").size().to_dict()
    assert shares["label"].str.contains("教师与校长队伍").any()


def test_share_weighting_by_text_differs_from_counting(tasks):
    shares = compare.domain_shares(tasks).set_index(["doc_id", "domain"])
    assert not np.allclose(shares["share_tasks"], shares["share_chars"])


def test_top_priorities_are_ranked(tasks):
    top = compare.top_priorities(compare.domain_shares(tasks), n=3)
    assert top.groupby("doc_id")["rank"].apply(list).tolist() == [[1, 2, 3]] * tasks["doc_id"].nunique()
    assert (top.groupby("doc_id")["share"].apply(lambda s: s.is_monotonic_decreasing)).all()


def test_cosine_similarity_is_symmetric_with_unit_diagonal():
    matrix = pd.DataFrame([[1, 0, 1], [2, 0, 2], [0, 1, 0]], index=["a", "b", "c"])
    sim = compare.cosine_similarity_table(matrix)
    assert np.allclose(np.diag(sim), 1.0) and np.allclose(sim, sim.T)
    assert sim.loc["a", "b"] == pytest.approx(1.0) and sim.loc["a", "c"] == pytest.approx(0.0)


def test_text_similarity_of_real_plans(tasks):
    sim = compare.text_similarity(tasks)
    assert sim.shape == (5, 5) and np.allclose(np.diag(sim), 1.0)
    off = [sim.iloc[i, j] for i in range(5) for j in range(5) if i != j]
    assert all(0 < v < 1 for v in off)


def test_targets_against_national_benchmarks():
    targets = read_csv(config.DATA_PROCESSED / "targets.csv")
    documents = read_csv(config.DATA_PROCESSED / "documents.csv")
    table = compare.targets_vs_national(targets, load_national_targets(), documents)
    baotou = table[(table["doc_id"] == "baotou-2018") & (table["indicator_id"] == "preschool_gross_enrollment_rate")]
    assert baotou.iloc[0]["city_value"] == 94 and baotou.iloc[0]["national_target"] == 70
    assert baotou.iloc[0]["national_actual_year"] == 2019 and not baotou.iloc[0]["year_inferred"]
    guangxi = table[table["doc_id"] == "x-guangxi-2018-2020"]
    assert guangxi["year_inferred"].all() and (guangxi["year"] == 2020).all()
