"""The evaluations the notebooks show are kept in the project cache, keyed by what they read (issue 13)."""
from __future__ import annotations

import pytest

from policylens import cache as cache_module
from policylens import config
from policylens.cache import Cache, folder_state, stage_files


def test_memo_computes_once_and_keys_on_its_inputs(tmp_path):
    cache = Cache(tmp_path / "cache")
    calls: list[str] = []

    def compute(value: str):
        def run():
            calls.append(value)
            return {"figure": value, "全部": [1, 2]}
        return run

    assert cache.memo("eval_structure", compute("a"), "input-a") == {"figure": "a", "全部": [1, 2]}
    assert Cache(tmp_path / "cache").memo("eval_structure", compute("again"), "input-a")["figure"] == "a"
    assert cache.memo("eval_structure", compute("b"), "input-b")["figure"] == "b"
    assert calls == ["a", "b"], "a stored result is read, a new input computes"
    off = Cache(tmp_path / "cache", enabled=False)
    assert off.memo("eval_structure", compute("c"), "input-a")["figure"] == "c" and calls[-1] == "c"


def test_folder_state_follows_file_contents(tmp_path):
    folder = tmp_path / "gold"
    folder.mkdir()
    (folder / "tasks_seeds.csv").write_text("doc,path\n000,一、\n", encoding="utf-8")
    before = folder_state(folder)
    assert folder_state(folder) == before
    (folder / "tasks_seeds.csv").write_text("doc,path\n000,二、\n", encoding="utf-8")
    assert folder_state(folder) != before
    assert folder_state(tmp_path / "absent") == [("", "missing")]


@pytest.mark.parametrize(("stage", "files"), [
    ("eval_structure", {"structure.py", "structure_kinds.yaml", "corpus.py", "cleaning_rules.yaml"}),
    ("eval_taxonomy", {"coder.py", "taxonomy.yaml", "taxonomy_training.csv"}),
    ("eval_targets", {"rules.py", "target_rules.yaml", "corpus.py"}),
])
def test_an_evaluation_key_covers_its_code_and_rules(stage, files):
    got = {p.name for kind in stage_files(stage).values() for p in kind}
    assert files <= got, files - got
    assert f"evaluate/{stage.split('_')[1]}.py" in {p.relative_to(config.PACKAGE_DIR).as_posix()
                                                    for p in stage_files(stage)["code"]}


def test_cached_structure_evaluation_is_the_evaluation(tmp_path, monkeypatch):
    from policylens.evaluate import structure

    monkeypatch.setattr(config, "BUILD_CACHE", tmp_path / "cache")
    plain = structure.evaluate()
    first = structure.evaluate_cached()
    assert list((tmp_path / "cache" / "eval_structure").rglob("*.pkl")), "stored in the cache folder"
    monkeypatch.setattr(structure, "evaluate", lambda raw=False: pytest.fail("recomputed a stored evaluation"))
    second = structure.evaluate_cached()
    assert plain.equals(first) and plain.equals(second)


def test_cached_targets_evaluation_is_the_evaluation(tmp_path, monkeypatch):
    from policylens.evaluate import targets

    monkeypatch.setattr(config, "BUILD_CACHE", tmp_path / "cache")
    plain, first, second = targets.evaluate(), targets.evaluate_cached(), targets.evaluate_cached()
    for got in (first, second):
        assert got["table"].equals(plain["table"])
        assert (got["f1"], got["field_accuracy"], got["overlap_matched"]) == (
            plain["f1"], plain["field_accuracy"], plain["overlap_matched"])


def test_cached_loco_keys_on_modes_and_parameters(tmp_path, monkeypatch):
    """No refit here: the LOCO computation is replaced by a recorder (its figures are tested in test_evaluate)."""
    from policylens.evaluate import taxonomy

    monkeypatch.setattr(config, "BUILD_CACHE", tmp_path / "cache")
    calls = []
    monkeypatch.setattr(taxonomy, "loco_predictions",
                        lambda modes, **params: calls.append((modes, params)) or len(calls))
    assert taxonomy.loco_predictions_cached(modes=("blend",)) == 1
    assert taxonomy.loco_predictions_cached(modes=("blend",)) == 1
    assert taxonomy.loco_predictions_cached(modes=("rules",)) == 2
    assert taxonomy.loco_predictions_cached(modes=("blend",), min_df=2) == 3
    assert calls == [(("blend",), {}), (("rules",), {}), (("blend",), {"min_df": 2})]


def test_the_build_cache_stages_still_exist():
    """The evaluation stages are added to the build's stages, none replaced."""
    for stage in ("clean", "units", "tasks", "targets", "quantities", "tokens", "topics", "keyness", "schema"):
        assert stage in cache_module.STAGE_MODULES


def test_cached_loco_summary_is_the_summary_of_the_cached_predictions(tmp_path, monkeypatch):
    """The reliability table notebook 03 shows: stored, read back without scoring again."""
    import pandas as pd

    from policylens.evaluate import taxonomy

    monkeypatch.setattr(config, "BUILD_CACHE", tmp_path / "cache")
    fake = pd.DataFrame({"doc_id": ["甲", "甲", "乙", "乙"], "gold": ["teachers", "party", "party", "funding"],
                         "pred_blend": ["teachers", "party", "funding", "funding"]})
    monkeypatch.setattr(taxonomy, "loco_predictions", lambda modes, **params: fake)
    expected = taxonomy.summary_table(fake, modes=("blend",))
    assert taxonomy.loco_summary_cached(modes=("blend",)).equals(expected)
    monkeypatch.setattr(taxonomy, "summary_table", lambda *a, **k: pytest.fail("scored a stored summary again"))
    assert taxonomy.loco_summary_cached(modes=("blend",)).equals(expected)
    assert taxonomy.loco_predictions_cached(modes=("blend",)).equals(fake)
