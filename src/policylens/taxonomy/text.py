"""Text preparation for coding: normalization, noise removal, outline numbers and headings."""
from __future__ import annotations

import re
from typing import Any

import numpy as np

from policylens.normalize import normalize
from policylens.outline import strip_marker

_CJK = re.compile(r"[\u4e00-\u9fff]")
_URL = re.compile(r"(?:https?://|www\.)\S+")
_TAG = re.compile(r"<[^>]{0,200}>")
_PINYIN = re.compile(r"[a-zāáǎàēéěèīíǐìōóǒòūúǔùüǖǘǚǜ]+(?:\s+[a-zāáǎàēéěèīíǐìōóǒòūúǔùüǖǘǚǜ]+)*")
_CJK_GAP = re.compile(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])")


def _clean(value: Any) -> str:
    """Normalize (width, Traditional) and drop markup, URLs and stray pinyin / Latin noise."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    text = normalize(str(value)).text
    text = _TAG.sub(" ", _URL.sub(" ", text))
    text = _PINYIN.sub(" ", text)
    text = _CJK_GAP.sub("", text)
    return re.sub(r"\s+", " ", text).strip()


def _strip_number(text: str) -> str:
    """Drop leading outline markers (the one grammar in :mod:`policylens.outline`)."""
    return strip_marker(text.lstrip())


def split_heading(heading: Any, text: Any, max_derived: int = 40) -> tuple[str, str]:
    """Normalized ``(heading, body)``: the heading given, or the text before the first 。/：.

    A derived heading must be short (at most ``max_derived`` characters, the codebook's
    ``scoring.max_derived_heading``): a long first sentence of an item without a title
    is body text, not a title, and must not get the heading's weight.
    """
    head, body = _strip_number(_clean(heading)), _strip_number(_clean(text))
    if not head:
        m = re.match(r"([^。：:；;]{1," + str(max(int(max_derived), 1)) + r"})[。：:；;]", body)
        if m:
            head = m.group(1)
    head = head.strip(" 。：:；;")
    if head and body.startswith(head):
        body = body[len(head):].lstrip(" 。：:；;,，")
    return head, body


