"""`policylens evaluate --json` and the README quality table generated from reports/quality.json."""
from __future__ import annotations

import json

import pytest

from policylens import config, evaluate
from policylens.evaluate import report


def committed() -> dict:
    return json.loads(report.QUALITY_JSON.read_text(encoding="utf-8"))


def test_quality_json_is_written_deterministically():
    text = report.QUALITY_JSON.read_text(encoding="utf-8")
    assert report.dumps(json.loads(text)) == text
    assert str(config.ROOT) not in text and "/tmp/" not in text


def test_readme_table_is_generated_from_the_committed_json():
    readme = (config.ROOT / "README.md").read_text(encoding="utf-8")
    assert report.replace_block(readme, report.markdown_table(committed())) == readme, (
        "README quality table is out of date: run `python tools/readme_quality.py`")


def test_every_set_carries_its_thresholds_and_verdict():
    for stage, sets in committed().items():
        assert stage in report.STAGES
        for name, figures in sets.items():
            assert set(figures["thresholds"]) <= set(figures), (stage, name)
            assert figures["pass"] in (True, False, None)


def test_evaluate_main_prints_json_and_exits_0_whatever_the_figures(capsys):
    assert evaluate.main(["structure", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["gold"]["units"] == committed()["structure"]["gold"]["units"]


def test_strict_exit_status_follows_the_thresholds(capsys, monkeypatch):
    fake = {"gold": {"agreement": 0.5, "thresholds": {"agreement": ">= 0.98"}, "pass": False}}
    monkeypatch.setitem(report.SUMMARIES, "structure", lambda: fake)
    assert evaluate.main(["structure", "--json"]) == 0
    assert evaluate.main(["structure", "--json", "--strict"]) == 1
    capsys.readouterr()


@pytest.mark.parametrize("argv, code", [(["nonesuch"], 2), ([], 2), (["--help"], 0)])
def test_usage(argv, code, capsys):
    assert evaluate.main(argv) == code
    assert "usage: policylens evaluate" in "".join(capsys.readouterr())


def test_table_names_bars_and_misses():
    data = {"targets": {"gold": {"documents": 5, "gold": 97, "predicted": 97, "precision": 0.9, "recall": 0.8,
                                 "f1": 0.847, "field_accuracy": 1.0, "year_accuracy": 1.0,
                                 "thresholds": {"f1": ">= 0.95"}, "pass": False}}}
    table = report.markdown_table(data)
    assert "| targets | gold: founding plans vs gold records | `policylens evaluate targets --set gold` |" in table
    assert "F1 0.847" in table and "**not met** (f1 >= 0.95)" in table
