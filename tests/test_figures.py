"""Figures render Chinese with the packaged font: no missing-glyph warnings, bilingual labels."""
from __future__ import annotations

import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from policylens import (  # noqa: E402
    config,  # noqa: E402
    figures,
    plots,
)
from policylens.io import read_csv  # noqa: E402


def _draw_without_warnings(fig) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig.canvas.draw()
    plt.close(fig)


def test_font_is_the_packaged_cjk_font():
    family = figures.setup()
    assert family == "Noto Sans CJK SC"
    assert matplotlib.rcParams["font.sans-serif"][0] == family
    assert figures.cjk_font_path().name == figures.FONT_FILE


def test_chinese_text_renders_without_missing_glyphs():
    figures.setup()
    fig, ax = plt.subplots()
    ax.set_title("教师与校长队伍 Teachers & school leaders −5%")
    ax.bar(["包头市", "株洲市", "沧州市"], [1, 2, 3])
    _draw_without_warnings(fig)


@pytest.mark.parametrize("name", ["plan_timeline", "units_by_kind", "task_lengths", "targets_by_kind"])
def test_notebook_figures_render(name):
    documents = read_csv(config.DATA_PROCESSED / "documents.csv")
    table = {"plan_timeline": None, "units_by_kind": "units.csv", "task_lengths": "units.csv",
             "targets_by_kind": "targets.csv"}[name]
    fn = getattr(plots, name)
    fig = fn(documents) if table is None else fn(read_csv(config.DATA_PROCESSED / table), documents)
    labels = [t.get_text() for ax in fig.axes for t in ax.get_yticklabels() + [ax.title, ax.xaxis.label]]
    assert any(any("\u4e00" <= ch <= "\u9fff" for ch in label) for label in labels)
    assert any(any(ch.isascii() and ch.isalpha() for ch in label) for label in labels)
    _draw_without_warnings(fig)


def test_saved_figures_are_deterministic(tmp_path):
    documents = read_csv(config.DATA_PROCESSED / "documents.csv")
    first = figures.save(plots.plan_timeline(documents), "timeline", tmp_path / "a").read_bytes()
    second = figures.save(plots.plan_timeline(documents), "timeline", tmp_path / "b").read_bytes()
    assert first == second
