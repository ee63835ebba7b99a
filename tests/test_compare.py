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


def test_targets_against_the_national_plan_in_force():
    """A 2017-2020 plan is set against the 十三五 targets (85% preschool), not the 2010 纲要's 70%."""
    targets = read_csv(config.DATA_PROCESSED / "targets.csv")
    documents = read_csv(config.DATA_PROCESSED / "documents.csv")
    table = compare.targets_vs_national(targets, load_national_targets(), documents)
    assert list(table.columns) == list(compare.NATIONAL_COLUMNS)
    baotou = table[(table["doc_id"] == "baotou-2018") & (table["indicator_id"] == "preschool_gross_enrollment_rate")]
    row = baotou.iloc[0]
    assert row["city_value"] == 94 and row["national_target"] == 85 and row["national_plan"].startswith("十三五")
    assert row["national_actual"] == 79.6 and row["national_actual_year"] == 2017 and not row["year_inferred"]
    assert row["compared"] == ("city target for 2018 vs national 十三五 2016—2020 target for 2020; "
                               "national actual of 2017")
    guangxi = table[table["doc_id"] == "x-guangxi-2018-2020"]
    assert guangxi["year_inferred"].all() and (guangxi["year"] == 2020).all()
    assert guangxi["compared"].str.contains("year inferred").all()


def test_national_table_names_the_plan_and_period_of_every_target():
    national = load_national_targets()
    goals = national[national["kind"] == "target"]
    assert goals["plan"].notna().all() and (goals["period_start"] <= goals["year"]).all()
    assert (goals["year"] <= goals["period_end"]).all()
    assert national[national["kind"] == "actual"]["plan"].isna().all()
    pre = goals[goals["indicator_id"] == "preschool_gross_enrollment_rate"]
    assert compare.national_target_in_force(national, "preschool_gross_enrollment_rate", 2012, 2012)["value"] == 70
    assert compare.national_target_in_force(national, "preschool_gross_enrollment_rate", 2017, 2020)["value"] == 85
    assert compare.national_target_in_force(national, "preschool_gross_enrollment_rate", 2023, 2023)["value"] == 90
    assert set(pre["value"]) == {70, 85, 90}


# -- shares with their uncertainty ---------------------------------------------------------

def test_share_intervals_are_seeded_and_contain_the_share(tasks):
    first = compare.domain_share_intervals(tasks, n_boot=500, seed=3)
    again = compare.domain_share_intervals(tasks, n_boot=500, seed=3)
    assert first.to_csv(index=False) == again.to_csv(index=False)
    assert list(first.columns) == list(compare.INTERVAL_COLUMNS)
    assert ((first["lo"] <= first["share"] + 1e-9) & (first["share"] <= first["hi"] + 1e-9)).all()
    assert np.allclose(first.groupby("doc_id")["share"].sum(), 1.0, atol=1e-5)
    assert first["label"].str.contains("教师与校长队伍").any()


def test_a_difference_is_only_called_when_the_interval_excludes_zero():
    # 20 tasks each: 10/20 vs 1/20 differ; 4/20 vs 3/20 do not
    a = ["x"] * 10 + ["y"] * 4 + ["z"] * 6
    b = ["x"] * 1 + ["y"] * 3 + ["z"] * 16
    frame = pd.DataFrame({"doc_id": ["a"] * 20 + ["b"] * 20, "domain": a + b})
    table = compare.share_differences(frame, "a", "b", n_boot=1000).set_index("category")
    assert list(table.reset_index().columns) == list(compare.DIFFERENCE_COLUMNS)
    assert table.loc["x", "differs"] and not table.loc["y", "differs"] and table.loc["y", "intervals_overlap"]
    assert table.loc["x", "diff"] == pytest.approx(0.45)
    assert compare.shares_differ(frame, "a", "b", "x") and not compare.shares_differ(frame, "a", "b", "y")


def test_real_plans_domain_differences(tasks):
    table = compare.domain_share_differences(tasks, "baotou-2018", "zhuzhou-2017", n_boot=500)
    assert len(table) == len(compare.domain_shares(tasks)["domain"].unique())
    assert ((table["diff_lo"] <= table["diff"] + 1e-9) & (table["diff"] <= table["diff_hi"] + 1e-9)).all()


# -- task alignment ------------------------------------------------------------------------

def test_align_tasks_gives_each_task_its_counterpart_in_every_other_plan(tasks):
    table = compare.align_tasks(tasks)
    assert list(table.columns) == list(compare.ALIGN_COLUMNS)
    n_docs = tasks["doc_id"].nunique()
    assert len(table) == len(tasks) * (n_docs - 1)
    assert (table["doc_id"] != table["other_doc_id"]).all()
    assert (table["match"] == (table["similarity"] >= compare.ALIGN_THRESHOLD)).all()
    special = table[(table["doc_id"] == "baotou-2018") & table["heading"].str.contains("特殊教育")
                    & (table["other_doc_id"] == "zhuzhou-2017")].iloc[0]
    assert "特殊教育" in special["other_heading"] and special["match"]


def test_recurring_commitments_carry_their_sources(tasks):
    units = read_csv(config.DATA_PROCESSED / "units.csv")
    offsets = read_csv(config.DATA_PROCESSED / "offset_map.csv")
    table = compare.recurring_commitments(tasks, units=units, offset_map=offsets)
    assert list(table.columns) == list(compare.RECURRING_COLUMNS)
    assert len(table) and (table.groupby("commitment")["doc_id"].nunique() >= 3).all()
    raw = {p.stem: p.read_text(encoding="utf-8") for p in config.DATA_RAW.glob("*.txt")}
    clean = {p.stem: p.read_text(encoding="utf-8") for p in (config.DATA_PROCESSED / "clean").glob("*.txt")}
    for row in table.itertuples():
        assert row.start >= 0 and clean[row.doc_id][row.start:row.end].startswith(row.heading[:4])
        assert row.raw_start >= 0 and row.heading[:4] in raw[row.doc_id][row.raw_start:row.raw_end]


def test_alignment_threshold_scores_on_the_labelled_pairs(tasks):
    from policylens.evaluate.alignment import PAIRS, pair_scores, precision_recall

    pairs = read_csv(PAIRS)
    assert len(pairs) >= 60 and set(pairs["same"].astype(int)) == {0, 1} and pairs["reason"].str.len().gt(5).all()
    scores = pair_scores(tasks, pairs)
    assert not np.isnan(scores).any()
    precision, recall, _ = precision_recall(scores, pairs["same"].astype(int).to_numpy(), compare.ALIGN_THRESHOLD)
    print(f"\nalignment threshold {compare.ALIGN_THRESHOLD}: precision {precision:.3f}, recall {recall:.3f}")
    assert precision >= 0.8 and recall >= 0.85


# -- eras ----------------------------------------------------------------------------------

def test_plan_eras_follow_the_party_congresses():
    assert compare.congress_era(2012) == ("十七大", "17th Party Congress")
    assert compare.congress_era(2017)[0] == "十八大" and compare.congress_era(2018)[0] == "十九大"
    assert compare.congress_era(2023)[0] == "二十大" and compare.congress_era(2005) == ("", "")
    documents = read_csv(config.DATA_PROCESSED / "documents.csv")
    eras = compare.plan_eras(documents).set_index("doc_id")["era"]
    assert eras["qingdao-2012"] == "十七大" and eras["x-guangxi-2018-2020"] == "十九大"


def test_grouping_by_era_counts_the_plans_behind_each_row(tasks):
    documents = read_csv(config.DATA_PROCESSED / "documents.csv")
    shares = compare.domain_shares(tasks)
    table = compare.group_by_era(shares, documents, ["domain"], "share_tasks")
    assert list(table["era"].drop_duplicates()) == ["十七大", "十八大", "十九大", "二十大"]
    n_plans = table.drop_duplicates("era").set_index("era")["n_plans"]
    assert n_plans.to_dict() == {"十七大": 1, "十八大": 1, "十九大": 2, "二十大": 1}
    by_type = compare.group_by_era(shares, documents, ["domain"], "share_tasks", by=("doc_type",))
    assert by_type.drop_duplicates("doc_type")["n_plans"].sum() == 5


def test_pairwise_differences_and_benchmark_sentences(tasks):
    table = compare.pairwise_share_differences(tasks, "domain", ["party", "governance"], n_boot=300)
    n_docs = tasks["doc_id"].nunique()
    assert len(table) == 2 * n_docs * (n_docs - 1) // 2 and (table["doc_a"] < table["doc_b"]).all()
    targets = read_csv(config.DATA_PROCESSED / "targets.csv")
    documents = read_csv(config.DATA_PROCESSED / "documents.csv")
    bench = compare.targets_vs_national(targets, load_national_targets(), documents)
    lines = compare.benchmark_sentences(bench)
    assert len(lines) == len(bench)
    assert any("national 十三五 2016—2020 target 85% for 2020: above it by 9.0 points; national actual 79.6% in 2017"
               in line for line in lines)
