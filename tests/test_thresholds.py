"""Acceptance thresholds live in one validated file (src/policylens/data/thresholds.yaml)."""
from __future__ import annotations

import pytest

from policylens import thresholds
from policylens.rulefile import RuleFileError


def test_every_stage_has_thresholds_with_a_reason():
    data = thresholds.load()
    for stage in thresholds.STAGES:
        entries = getattr(data, stage)
        assert entries, stage
        assert all(t.reason and t.scope for t in entries.values())


def test_lookup():
    assert thresholds.minimum("topics", "ami") == thresholds.threshold("topics", "ami").min
    assert thresholds.maximum("structure", "gold.extra_task_units") == 0
    assert thresholds.passes("targets", "gold.f1", 1.0)
    assert not thresholds.passes("targets", "gold.f1", float("nan"))
    assert not thresholds.passes("structure", "gold.extra_task_units", 1)
    assert thresholds.threshold("topics", "ami").describe() == ">= 0.75"


def test_code_constants_are_the_files_thresholds():
    """Constants that stages keep for speed must equal the file (until they read it)."""
    from policylens import topics

    assert topics.STABLE_LEVEL == thresholds.minimum("topics", "topic.member_jaccard")
    assert topics.STABLE_LEVEL == thresholds.minimum("topics", "topic.term_agreement")


@pytest.mark.parametrize("stage, name, match", [
    ("nonesuch", "f1", "unknown stage"),
    ("targets", "gold.recall", "no threshold targets.gold.recall"),
])
def test_unknown_threshold_is_a_clear_error(stage, name, match):
    with pytest.raises(KeyError, match=match):
        thresholds.threshold(stage, name)


def test_min_and_max_are_not_confused():
    with pytest.raises(KeyError, match="upper bar"):
        thresholds.minimum("structure", "gold.extra_task_units")
    with pytest.raises(KeyError, match="lower bar"):
        thresholds.maximum("targets", "gold.f1")


VALID = {"structure": "{}", "taxonomy": "{}", "targets": "{}"}


@pytest.mark.parametrize("topics, match, line", [
    ("  stability: {min: 0.8, max: 0.9, scope: k, reason: r}", "exactly one of min and max", 6),
    ("  stability: {scope: k, reason: r}", "exactly one of min and max", 6),
    ("  stability: {min: 0.8, scope: k, reason: r, note: x}", "note", 6),
    ("  stability: {min: high, scope: k, reason: r}", "min", 6),
    ("  stability: {min: 0.8, scope: k}", "reason", 6),
    ("  stabilité: {min: 0.8, scope: k, reason: r}", "ascii", 5),
])
def test_a_bad_threshold_file_names_file_and_line(tmp_path, topics, match, line):
    path = tmp_path / "thresholds.yaml"
    head = "version: 1\n" + "".join(f"{k}: {v}\n" for k, v in VALID.items())
    path.write_text(head + "topics:\n" + topics + "\n", encoding="utf-8")
    with pytest.raises(RuleFileError, match=match) as err:
        thresholds.load(path)
    assert str(err.value).startswith(f"{path}:{line}:")


def test_evaluation_code_holds_no_threshold_literal():
    """No comparison with, or option default of, a bare 0 < x < 1 number in the evaluation commands."""
    import ast

    from policylens import config

    for path in sorted((config.PACKAGE_DIR / "evaluate").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            numbers = []
            if isinstance(node, ast.Compare):
                numbers = [node.left, *node.comparators]
            elif isinstance(node, ast.keyword) and node.arg == "default":
                numbers = [node.value]
            for n in numbers:
                if isinstance(n, ast.Constant) and isinstance(n.value, float) and 0 < n.value < 1:
                    raise AssertionError(f"{path.name}:{n.lineno}: threshold literal {n.value}; "
                                         f"read it from thresholds.yaml")
