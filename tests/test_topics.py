"""Topic clusters: segmentation, estimator conventions, determinism, stability, keyness.

Fixtures are real sentences and the gold units of the five plans. One model with the
default rule and 10 stability refits is fitted per module; the determinism test uses a
fixed k with two refits to stay fast.
"""
from __future__ import annotations

import marshal
import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from policylens import config, tokens, topic_fits, topics
from policylens.gold import gold_unit_texts
from policylens.topics import TooFewTasksError, TopicModel, keyness, tokenize


@pytest.fixture(scope="module")
def units():
    return gold_unit_texts()


@pytest.fixture(scope="module")
def model(units):
    return TopicModel().fit(units)


# -- segmentation -------------------------------------------------------------

@pytest.mark.parametrize("sentence, term", [
    ("严格落实控辍保学“双线四包”工作机制和“三级联动”防护网", "控辍保学"),
    ("院校生产型协同创新实习实训基地建设,推进中职教育产教融合和现代学徒制试点工作", "产教融合"),
    ("制定普通高中选课指导意见,推行分层选课走班,满足学生多样化需求", "选课走班"),
    ("加快推进中心城区以强校带弱校为基本路径的集团化办学和学区制改革", "集团化办学"),
    ("稳步推进义务教育教师“县管校聘”改革", "县管校聘"),
    ("全市公办和普惠性民办幼儿园在园幼儿比例达到82%", "普惠性民办幼儿园"),
    ("逐步完善轻度残障随班就读、中度残障集中特殊学校、重度残障送教上门", "随班就读"),
    ("继续引进蒙古国教师到我市蒙语授课学校任职", "蒙语授课"),
    ("健全师德师风建设长效机制", "师德师风"),
    ("推进中职教育产教融合和现代学徒制试点工作", "现代学徒制"),
])
def test_domain_terms_stay_whole(sentence, term):
    assert term in tokenize(sentence)


def test_user_dictionary_is_versioned_and_sized():
    raw = topics.USERDICT_PATH.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    assert topics.lexicon_version().count("/") == 1
    terms = topics.user_dictionary()
    assert len(terms) >= 200
    assert all(freq > 0 for freq in terms.values())


def test_stopwords_punctuation_digits_and_single_characters_are_dropped():
    toks = tokenize("严格落实控辍保学“双线四包”工作机制和“三级联动”防护网")
    assert toks == ["控辍保学", "双线", "四包", "三级", "联动", "防护网"]
    # 落实/工作/机制 are stopwords; “ ” 和 are punctuation and single characters
    assert not {"落实", "工作", "机制", "和", "“"} & set(tokenize("加强和完善工作机制,全面推进落实。2018年"))


def test_responsibility_assignments_are_not_tokens():
    text = ("积极探索创建边境职业教育培训中心建设的发展之路。"
            "(责任单位:市教育局、市人社局、市公安局、市发改委、市外事办,X市人民政府)")
    toks = tokenize(text)
    assert "边境" in toks or "职业教育" in toks
    assert not {"公安局", "外事办", "人社局"} & set(toks)
    assert tokenize("理顺隶属关系。〔市委组织部、市教育局党组,各县(市、区)教育局党组〕") == ["理顺", "隶属", "关系"]


def test_traditional_and_full_width_input_tokenize_like_simplified():
    simplified = "推进中职教育产教融合和现代学徒制试点工作，２０１８年"
    traditional = "推進中職教育產教融合和現代學徒制試點工作，２０１８年"
    assert tokenize(traditional) == tokenize(simplified)
    assert "产教融合" in tokenize(traditional)


def test_tokenize_returns_a_fresh_list_from_the_memo():
    first = tokenize("健全师德师风建设长效机制")
    first.append("污染")
    assert tokenize("健全师德师风建设长效机制") == ["师德师风", "长效机制"]


def test_a_planted_jieba_cache_in_tmpdir_changes_nothing(tmp_path):
    """Issue 15 item 6: jieba never reads $TMPDIR/jieba.cache; its cache is keyed by the dictionary hash."""
    sentence = "稳步推进义务教育教师“县管校聘”改革,推进中职教育产教融合和现代学徒制试点工作"
    bogus = {"县": 1, "管": 1, "推": 1, "推进": 0, "义务教育": 0}
    for name in ("jieba.cache", tokens.jieba_cache_name()):
        with open(tmp_path / name, "wb") as fh:
            marshal.dump((bogus, 5), fh)
    code = ("import json,sys; from policylens.tokens import tokenize, segment; "
            f"print(json.dumps([tokenize({sentence!r}), segment({sentence!r})]))")
    env = {**os.environ, "TMPDIR": str(tmp_path), "TEMP": str(tmp_path), "TMP": str(tmp_path),
           "PYTHONPATH": str(config.PACKAGE_DIR.parent)}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    import json

    assert json.loads(out.stdout) == [tokenize(sentence), tokens.segment(sentence)]
    assert tokens.jieba_cache_name().startswith("jieba-") and tokens.CACHE_DIR == config.CACHE


# -- estimator conventions ------------------------------------------------------

def test_estimator_conventions(units):
    est = TopicModel(n_topics=6, max_topics=12)
    params = est.get_params()
    assert params["n_topics"] == 6 and params["max_topics"] == 12
    assert clone(est).get_params() == params
    with pytest.raises(NotFittedError):
        est.transform(units)


def test_fixed_k_fits_exactly_k_topics(units):
    fitted = TopicModel(n_topics=6, stability_runs=1).fit(units)
    assert fitted.n_topics_ == 6 and len(fitted.labels_) == 6
    assert fitted.topics_["topic"].nunique() == 6 and len(fitted.topic_summary_) == 6


def test_the_rule_chooses_k_and_reports_its_reproduction(model):
    assert topics.choose_n_topics(134) == 16 and topics.choose_n_topics(121) == 16
    assert topics.choose_n_topics(20) == 4 and topics.choose_n_topics(70) == 10
    assert model.n_topics_ == topics.choose_n_topics(model.n_fit_units_)
    sel = model.selection_
    assert list(sel.columns) == list(topics.SELECTION_COLUMNS) and len(sel) == 1
    assert sel["n_topics"].iloc[0] == model.n_topics_ and sel["reproduced"].iloc[0] == 1.0


def test_fitted_attributes_and_transform(model, units):
    assert list(model.topics_.columns) == list(topics.TOPIC_TERM_COLUMNS)
    assert len(model.labels_) == model.n_topics_
    assert model.n_fit_units_ == int(units["kind"].isin(["task", "safeguard"]).sum())
    out = model.transform(units)
    assert list(out.columns[: len(units.columns)]) == list(units.columns)
    assert out["topic"].between(0, model.n_topics_ - 1).all()
    assert out["topic_weight"].between(0, 1).all()
    assert (out["topic_label"] == [model.labels_[t] for t in out["topic"]]).all()
    assert (out["topic_stable"] == [bool(model.stable_[t]) for t in out["topic"]]).all()
    # the special-education tasks (baotou, guangxi) share a topic
    special = out[out["heading"].str.contains("特殊教育") & (out["kind"] == "task")]
    assert special["topic_label"].str.contains("特殊教育|随班就读").sum() >= 2


def test_too_few_tasks_raise_one_clear_error(units):
    tiny = units[units["kind"] == "task"].head(5)
    with pytest.raises(TooFewTasksError, match="too few"):
        TopicModel().fit(tiny)
    with pytest.raises(TooFewTasksError):
        TopicModel(n_topics=3).fit(pd.DataFrame({"heading": ["", ""], "text": ["推进改革", "落实工作"]}))
    assert issubclass(TooFewTasksError, ValueError)


def test_labels_are_bilingual_and_unstable_topics_say_so(model):
    summary = model.topic_summary_
    assert list(summary.columns) == list(topics.SUMMARY_COLUMNS)
    assert summary["label_en"].str.contains("[A-Za-z]").all()
    unstable = summary[~summary["stable"]]
    assert unstable["display_label"].str.startswith(topics.UNSTABLE_LABEL).all()
    assert not summary.loc[summary["stable"], "display_label"].str.contains("不稳定").any()
    assert (summary["stable"] == ((summary["member_jaccard"] >= 0.75) & (summary["term_agreement"] >= 0.75))).all()


def test_glossary_is_validated_data():
    gloss = topics.glossary()
    assert len(gloss) >= 100 and gloss["学前教育"] == "preschool education"
    assert topics.english_label(["学前教育", "不在词表"]) == "preschool education · 不在词表"


def test_shares_and_crosstab_pool_unstable_topics(model, units):
    out = model.transform(units)
    reps = model.representative_units(units, n=3)
    assert reps.groupby("topic").size().max() <= 3
    assert set(reps["kind"]) <= {"task", "safeguard"}
    shares = topics.topic_shares(out)
    assert shares.groupby("doc_id")["share"].sum().tolist() == pytest.approx([1.0] * 5, abs=1e-5)
    n_stable = int(model.stable_.sum())
    assert shares["topic"].nunique() == n_stable + (1 if (~model.stable_).any() else 0)
    mixed = shares[shares["topic"] == topics.MIXED_TOPIC]
    assert (mixed["topic_label"] == topics.MIXED_LABEL).all()
    unpooled = topics.topic_shares(out, pool_unstable=False)
    assert len(unpooled) == 5 * model.n_topics_
    cross = topics.topic_domain_crosstab(out)
    assert list(cross.columns) == list(topics.CROSSTAB_COLUMNS)
    assert cross["n_units"].sum() == int((units["domain"] != "").sum())
    assert set(cross["topic"]) <= set(np.flatnonzero(model.stable_)) | {topics.MIXED_TOPIC}
    assert topics.topic_domain_crosstab(out.drop(columns="domain")).empty


def test_determinism_byte_for_byte(units):
    first = TopicModel(n_topics=8, stability_runs=2).fit(units)
    second = TopicModel(n_topics=8, stability_runs=2).fit(units)
    assert first.topics_.to_csv(index=False) == second.topics_.to_csv(index=False)
    assert first.transform(units).to_csv(index=False) == second.transform(units).to_csv(index=False)
    assert first.topic_summary_.to_csv(index=False) == second.topic_summary_.to_csv(index=False)
    assert first.unit_stability_.to_csv(index=False) == second.unit_stability_.to_csv(index=False)


def test_parallel_refits_give_the_same_model(units):
    one = TopicModel(n_topics=6, stability_runs=2).fit(units)
    two = TopicModel(n_topics=6, stability_runs=2, n_jobs=2).fit(units)
    assert one.topic_summary_.to_csv(index=False) == two.topic_summary_.to_csv(index=False)
    assert one.unit_stability_.to_csv(index=False) == two.unit_stability_.to_csv(index=False)


def test_a_member_fit_is_scikit_learns_nmf_to_the_bit(units):
    """Members are fitted on a matrix whose transpose is built once: the same topics as a plain NMF."""
    from sklearn.decomposition import NMF

    model = TopicModel(n_topics=6)
    _, X = model._vectorize(model.documents(units))
    for seed in (0, 7):
        plain = NMF(n_components=6, init="random", solver="cd", max_iter=400, tol=1e-3, random_state=seed).fit(X)
        assert np.array_equal(topic_fits.member_components(X, 6, seed, 400, 1e-3), plain.components_)


def test_a_sample_bounds_the_fits_and_every_unit_still_gets_a_topic(units):
    """Above ``sample_size`` units the ensembles see a fixed sample only; every unit is weighted by the topics."""
    fit_units = units[units["kind"].isin(topics.FIT_KINDS)]
    sampled = TopicModel(n_topics=6, stability_runs=2, sample_size=80).fit(units)
    assert sampled.n_fit_units_ == len(fit_units) > 80
    assert len(sampled.assignments_) == len(fit_units) and (sampled.assignments_ >= 0).mean() > 0.9
    assert (sampled.refits_["n_units"] == 72).all()          # 90 % of the sample
    again = TopicModel(n_topics=6, stability_runs=2, sample_size=80, n_jobs=2).fit(units)
    assert sampled.topics_.to_csv(index=False) == again.topics_.to_csv(index=False)
    assert sampled.unit_stability_.to_csv(index=False) == again.unit_stability_.to_csv(index=False)
    whole = TopicModel(n_topics=6, stability_runs=2, sample_size=None).fit(units)
    assert whole.topics_.to_csv(index=False) != sampled.topics_.to_csv(index=False)


def test_max_terms_bounds_the_vocabulary_and_leaves_a_smaller_one_alone(units):
    """The vocabulary cap bounds each fit's cost on a large sample; the founding vocabulary is below it."""
    capped = TopicModel(n_topics=6, stability_runs=1, max_terms=150).fit(units)
    assert len(capped.vectorizer_.vocabulary_) == 150
    free = TopicModel(n_topics=6, stability_runs=1, max_terms=None).fit(units)
    default = TopicModel(n_topics=6, stability_runs=1).fit(units)
    assert len(free.vectorizer_.vocabulary_) < TopicModel().max_terms
    assert default.topics_.to_csv(index=False) == free.topics_.to_csv(index=False)
    assert capped.topics_.to_csv(index=False) != free.topics_.to_csv(index=False)


def test_pre_tokenized_units_give_the_model_of_the_texts(units):
    """The build's task tokens (space-joined heading and body tokens) fit the same model as the texts."""
    from policylens.tokens import TOKEN_COLUMNS, unit_token_parts

    parts = [unit_token_parts(h, t) for h, t in zip(units["heading"], units["text"])]
    tokenized = units.assign(**{TOKEN_COLUMNS[0]: [" ".join(h) for h, _ in parts],
                                TOKEN_COLUMNS[1]: [" ".join(b) for _, b in parts]})
    assert topics.unit_token_lists(tokenized, 2) == topics.unit_token_lists(units, 2)
    one = TopicModel(n_topics=6, stability_runs=1).fit(units)
    two = TopicModel(n_topics=6, stability_runs=1).fit(tokenized)
    assert one.topics_.to_csv(index=False) == two.topics_.to_csv(index=False)


# -- quality --------------------------------------------------------------------

def test_metrics_on_known_cases():
    from policylens import topic_metrics as tm

    docs = [["a", "b"], ["a", "b"], ["c", "d"], ["c", "d"]]
    assert topics.npmi_coherence([["a", "b"], ["a", "c"]], docs).tolist() == pytest.approx([1.0, -1.0])
    same = [["a", "b"], ["c", "d"]]
    assert topics.stability([same, same[::-1], same]) == pytest.approx(1.0)
    assert topics.topic_similarity([["a", "b"]], [["a", "c"]]) == pytest.approx(1 / 3)
    # AJ@2 of (a, b) vs (b, a): depth 1 → 0, depth 2 → 1
    assert tm.average_jaccard(["a", "b"], ["b", "a"], depth=2) == pytest.approx(0.5)
    # Hennig: cluster 0 = {0,1,2} best matches refit cluster 1 = {0,1} → 2/3; cluster 1 = {3} → 1/2
    ref, refit = np.array([0, 0, 0, 1]), np.array([1, 1, 0, 0])
    assert tm.member_jaccard(ref, refit, 2, 2).tolist() == pytest.approx([2 / 3, 1 / 2])


def test_stability_criterion_on_the_corpus(model):
    """Issue 14's criterion (10 refits here; ``python -m policylens.evaluate topics`` runs 30)."""
    from policylens.thresholds import minimum

    print("\n" + model.topic_summary_.drop(columns="display_label").to_string(index=False))
    print(f"stable share {model.stable_share_:.3f}, AMI {model.refits_['ami'].mean():.3f}, "
          f"ARI {model.refits_['ari'].mean():.3f}, NPMI {model.coherence_:.3f}")
    assert model.refits_["ami"].mean() >= minimum("topics", "ami")
    assert model.coherence_ >= minimum("topics", "coherence")
    assert model.stable_share_ >= minimum("topics", "stable_share_10_refits")
    flagged = model.unit_stability_
    assert list(flagged.columns) == list(topics.UNIT_STABILITY_COLUMNS)
    assert (flagged["flagged"] == ~(flagged["landing"] >= 0.5)).all()
    assert flagged["flagged"].mean() < 0.25


def test_keyness_finds_a_citys_own_terms(units):
    table = keyness(units)
    assert list(table.columns) == list(topics.KEYNESS_COLUMNS)
    baotou = table[table["group"] == "baotou-2018"].set_index("term")
    assert baotou.loc["蒙语授课", "rank"] <= 10
    qingdao = table[table["group"] == "qingdao-2012"].set_index("term")
    assert qingdao.loc["海洋教育", "rank"] <= 5
    shared = keyness(units, tokens=[tokenize(t) for t in units["text"]])
    assert shared.to_csv(index=False) == table.to_csv(index=False)
