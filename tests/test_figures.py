"""Figures render Chinese with the packaged font: no missing-glyph warnings, bilingual labels."""
from __future__ import annotations

import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
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


# --- a corpus of 30 plans: figures stay readable -------------------------------------------------------------


def _thirty_plans():
    """The founding tables copied six times under new ids (same cities, so each city has six plans)."""
    tables = {name: read_csv(config.DATA_PROCESSED / f"{name}.csv")
              for name in ("documents", "units", "tasks", "targets", "cleaning_report")}
    copies = {name: [] for name in tables}
    for k in range(6):
        for name, frame in tables.items():
            part = frame.copy()
            part["doc_id"] = part["doc_id"] + f"-v{k}"
            if name == "documents":
                part["plan_start_year"] = part["plan_start_year"] + k
                part["plan_end_year"] = part["plan_end_year"] + k
            copies[name].append(part)
    return {name: pd.concat(parts, ignore_index=True) for name, parts in copies.items()}


def _overlapping(texts) -> list[tuple[str, str]]:
    boxes = [(t.get_text(), t.get_window_extent()) for t in texts if t.get_visible() and t.get_text()]
    return [(a, b) for i, (a, box) in enumerate(boxes) for b, other in boxes[i + 1:] if box.overlaps(other)]


def _check_readable(fig) -> None:
    fig.canvas.draw()
    for ax in fig.axes:
        assert not _overlapping(ax.get_yticklabels()), "y labels collide"
        assert not _overlapping(ax.get_xticklabels()), "x labels collide"
        assert not _overlapping(ax.texts), "annotations collide"
    assert figures.has_data(fig)
    _draw_without_warnings(fig)


@pytest.fixture(scope="module")
def thirty():
    return _thirty_plans()


@pytest.mark.parametrize("name", ["plan_timeline", "cleaning_removed", "units_by_kind", "task_lengths",
                                  "targets_by_kind", "domain_shares", "similarity", "shares_over_time"])
def test_figures_are_readable_with_thirty_plans(thirty, name):
    from policylens import compare

    documents = thirty["documents"]
    assert len(documents) == 30
    shares = compare.domain_shares(thirty["tasks"])
    fig = {
        "plan_timeline": lambda: plots.plan_timeline(documents),
        "cleaning_removed": lambda: plots.cleaning_removed(documents, thirty["cleaning_report"]),
        "units_by_kind": lambda: plots.units_by_kind(thirty["units"], documents),
        "task_lengths": lambda: plots.task_lengths(thirty["units"], documents),
        "targets_by_kind": lambda: plots.targets_by_kind(thirty["targets"], documents),
        "domain_shares": lambda: plots.share_heatmap(compare.share_matrix(shares), documents, "shares 占比"),
        "similarity": lambda: plots.similarity_heatmap(
            compare.cosine_similarity_table(compare.share_matrix(shares)), documents, "similarity 相似度"),
        "shares_over_time": lambda: plots.shares_over_time(shares, documents, ["party", "safety"]),
    }[name]()
    _check_readable(fig)


def test_lines_join_plans_of_one_city_only(thirty):
    from policylens import compare

    documents = thirty["documents"].copy()
    documents.loc[documents["doc_id"].str.startswith("qingdao"), "city_zh"] += documents["doc_id"].str[-2:]
    fig = plots.shares_over_time(compare.domain_shares(thirty["tasks"]), documents, ["party"])
    several = (documents.groupby("city_zh").size() > 1).sum()
    assert len(fig.axes[0].lines) == several == 4    # the six Qingdao plans are now six cities: no line
    for line in fig.axes[0].lines:                   # each line is one city's own series, in year order
        assert list(line.get_xdata()) == sorted(line.get_xdata())
    plt.close(fig)


def test_a_plan_with_too_few_tasks_is_flagged_not_shown_as_a_full_share():
    from policylens import compare

    documents = read_csv(config.DATA_PROCESSED / "documents.csv")
    tasks = read_csv(config.DATA_PROCESSED / "tasks.csv")
    short = documents["doc_id"].iloc[0]
    tasks = pd.concat([tasks[tasks["doc_id"] != short], tasks[tasks["doc_id"] == short].head(2)])
    few = plots.too_few_tasks(tasks)
    assert few.to_dict() == {short: 2}
    shares = compare.domain_shares(tasks)
    fig = plots.share_heatmap(compare.share_matrix(shares), documents, "shares 占比", flagged=few)
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_xticklabels()]
    fig.canvas.draw()
    assert not _overlapping(ax.get_xticklabels()), "the flagged plan's label collides with its neighbours"
    flagged = [i for i, label in enumerate(labels) if "too few tasks" in label and "任务过少" in label]
    assert len(flagged) == 1
    annotated = {round(t.get_position()[0] - 0.5) for t in ax.texts if t.get_text()}
    assert flagged[0] not in annotated, "no shares are printed for the flagged plan"
    plt.close(fig)


def test_an_empty_figure_is_not_saved(tmp_path):
    fig, _ = plt.subplots()
    with pytest.raises(ValueError, match="no data"):
        figures.save(fig, "empty", tmp_path)
    plt.close(fig)
