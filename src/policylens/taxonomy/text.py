"""Text preparation for coding: input frames, normalization, noise removal, outline numbers and headings."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from policylens.normalize import normalize
from policylens.outline import strip_marker

_CJK = re.compile(r"[\u4e00-\u9fff]")
_URL = re.compile(r"(?:https?://|www\.)\S+")
_TAG = re.compile(r"<[^>]{0,200}>")
_LETTERS = "a-zāáǎàēéěèīíǐìōóǒòūúǔùüǖǘǚǜ"
_PINYIN = re.compile(f"[{_LETTERS}]+(?:\\s+[{_LETTERS}]+)*")
_CJK_GAP = re.compile(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])")
_SPACES = re.compile(r"\s+")
#: A character any of the noise patterns above needs (URL and pinyin letters, ``<``, white space):
#: a text without one is left as it is by all of them.
_NOISE_CHAR = re.compile(f"[{_LETTERS}<\\s]")

#: Unit kinds the coder is trained on and priority comparisons count.
CODED_KINDS = ("task", "safeguard")


def _column(frame: pd.DataFrame, name: str) -> list[Any]:
    return list(frame[name]) if name in frame.columns else [""] * len(frame)


def _as_frame(X: Any) -> pd.DataFrame:
    """A units frame from a frame or a :class:`policylens.Plan` (anything with a ``units`` frame)."""
    if not isinstance(X, pd.DataFrame) and isinstance(getattr(X, "units", None), pd.DataFrame):
        X = X.units
    if not isinstance(X, pd.DataFrame):
        raise TypeError("code_tasks/TaskCoder expects a Plan or a pandas DataFrame with 'heading' and "
                        "'text' (or 'body') columns")
    if not {"heading", "text", "body"} & set(X.columns):
        raise ValueError("units need a 'heading' and a 'text' or 'body' column")
    return X


def _text_column(frame: pd.DataFrame) -> list[Any]:
    """The unit text: ``text`` when present (scraped items), else ``body`` (``Plan.units``)."""
    return _column(frame, "text" if "text" in frame.columns or "body" not in frame.columns else "body")


def _clean(value: Any) -> str:
    """Normalize (width, Traditional) and drop markup, URLs and stray pinyin / Latin noise."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    text = normalize(str(value)).text
    if _NOISE_CHAR.search(text) is None:
        return text
    text = _TAG.sub(" ", _URL.sub(" ", text))
    text = _PINYIN.sub(" ", text)
    text = _CJK_GAP.sub("", text)
    return _SPACES.sub(" ", text).strip()


def _strip_number(text: str) -> str:
    """Drop leading outline markers (the one grammar in :mod:`policylens.outline`)."""
    return strip_marker(text.lstrip())


@lru_cache(maxsize=8)
def _first_clause(max_chars: int) -> re.Pattern[str]:
    """A text's first clause of at most ``max_chars`` characters, up to 。/：/；."""
    return re.compile(r"([^。：:；;]{1," + str(max_chars) + r"})[。：:；;]")


def split_heading(heading: Any, text: Any, max_derived: int = 40) -> tuple[str, str]:
    """Normalized ``(heading, body)``: the heading given, or the text before the first 。/：.

    A derived heading must be short (at most ``max_derived`` characters, the codebook's
    ``scoring.max_derived_heading``): a long first sentence of an item without a title
    is body text, not a title, and must not get the heading's weight.
    """
    head, body = _strip_number(_clean(heading)), _strip_number(_clean(text))
    if not head:
        m = _first_clause(max(int(max_derived), 1)).match(body)
        if m:
            head = m.group(1)
    head = head.strip(" 。：:；;")
    if head and body.startswith(head):
        body = body[len(head):].lstrip(" 。：:；;,，")
    return head, body


