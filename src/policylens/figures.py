"""Figures that render Chinese: one place that configures matplotlib.

The CJK font is Noto Sans CJK SC as shipped by the PyPI package ``mplfonts``,
so figures look the same on every machine set up by the README, with no
system font. :func:`setup` registers the font file with matplotlib's font
manager and names its family first in ``font.sans-serif`` (``mplfonts``'s own
``use_font()`` alone left glyphs missing here).
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import matplotlib
from matplotlib import font_manager

from policylens import config

FONT_FILE = "NotoSansCJKsc-Regular.otf"


@lru_cache(maxsize=1)
def cjk_font_path() -> Path:
    """Path of the packaged CJK font (raises if ``mplfonts`` lacks it)."""
    import mplfonts

    path = Path(mplfonts.__file__).parent / "fonts" / FONT_FILE
    if not path.exists():
        raise FileNotFoundError(f"{path}: the CJK font that mplfonts should ship is missing; "
                                f"reinstall with `make venv`")
    return path


@lru_cache(maxsize=1)
def setup() -> str:
    """Register the CJK font and set deterministic, readable defaults; return the family."""
    path = cjk_font_path()
    font_manager.fontManager.addfont(str(path))
    family = font_manager.FontProperties(fname=str(path)).get_name()
    matplotlib.rcParams.update({
        "font.family": "sans-serif",
        "font.sans-serif": [family, "DejaVu Sans"],
        "axes.unicode_minus": False,      # the CJK font has no U+2212 minus sign
        "figure.dpi": 100,
        "savefig.dpi": 150,
        "savefig.bbox": "tight",
        "figure.figsize": (8, 4.5),
        "axes.spines.top": False,
        "axes.spines.right": False,
        "svg.hashsalt": "policylens",
        "pdf.compression": 6,
    })
    return family


def has_data(fig) -> bool:
    """Whether any axes of ``fig`` shows data (lines, bars, points, images or a heatmap)."""
    return any(ax.has_data() for ax in fig.axes)


def save(fig, name: str, figures_dir: Path | None = None) -> Path:
    """Save ``fig`` as ``reports/figures/<name>.png`` without volatile metadata; an empty figure is refused."""
    setup()
    if not has_data(fig):
        raise ValueError(f"{name}: the figure shows no data (is its table empty?)")
    out_dir = Path(figures_dir or config.FIGURES)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{name}.png"
    tmp = path.with_suffix(".png.tmp")
    fig.savefig(tmp, format="png", metadata={"Software": None})
    tmp.replace(path)
    return path
