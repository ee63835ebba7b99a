"""One bilingual label table (English 中文) for every code a figure or table shows.

Labels come from the files that define the codes, read once:

- ``domain`` and ``level``: the codebook, ``data/taxonomy.yaml`` (``en``, ``zh`` of each entry);
- ``indicator``: ``data/indicators.yaml`` (``name_en``, ``name_zh``);
- every other kind (document types, administrative levels, outline unit kinds, target groups,
  cleaning removals, benchmarks): ``data/labels.yaml``, validated by :class:`LabelFile`.

``label("unit_kind", "task")`` gives ``"task 任务"``; ``lang="en"`` or ``"zh"`` gives one language.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

import pandas as pd
from pydantic import field_validator

from policylens import config
from policylens.rulefile import RuleFileError, RuleModel, load_yaml, read_yaml

__all__ = ["Label", "LabelFile", "LABELS_PATH", "kinds", "codes", "label", "labels", "table", "group_of"]

LABELS_PATH = config.PACKAGE_DATA / "labels.yaml"
CODEBOOK_PATH = config.PACKAGE_DATA / "taxonomy.yaml"
INDICATORS_PATH = config.PACKAGE_DATA / "indicators.yaml"

Lang = Literal["both", "en", "zh"]


class Label(RuleModel):
    """One code with its English and Chinese label, what it covers, and (for groups) its members."""

    code: str
    en: str
    zh: str
    note: str = ""
    members: tuple[str, ...] = ()

    def text(self, lang: Lang = "both") -> str:
        """``"en zh"``, ``"en"`` or ``"zh"``."""
        if lang == "en":
            return self.en
        if lang == "zh":
            return self.zh
        return f"{self.en} {self.zh}"


class LabelFile(RuleModel):
    """``labels.yaml``: kind → labels in display order (codes unique within a kind)."""

    version: int
    kinds: dict[str, tuple[Label, ...]]

    @field_validator("kinds")
    @classmethod
    def _unique(cls, kinds: dict[str, tuple[Label, ...]]) -> dict[str, tuple[Label, ...]]:
        for kind, entries in kinds.items():
            seen: set[str] = set()
            for entry in entries:
                if entry.code in seen:
                    raise ValueError(f"{kind}: code {entry.code!r} listed twice")
                seen.add(entry.code)
        return kinds


def _from_list(path: Path, items: object, code_key: str, en_key: str, zh_key: str,
               what: str) -> tuple[Label, ...]:
    """Labels of a list of mappings in another rule file (codebook, indicators)."""
    if not isinstance(items, list):
        raise RuleFileError(path, f"{what}: expected a list")
    out = []
    for i, item in enumerate(items):
        try:
            out.append(Label(code=item[code_key], en=item[en_key], zh=item[zh_key]))
        except (KeyError, TypeError, ValueError) as exc:
            raise RuleFileError(path, f"{what}[{i}]: needs {code_key}, {en_key} and {zh_key} ({exc})") from exc
    return tuple(out)


@lru_cache(maxsize=1)
def _all() -> dict[str, dict[str, Label]]:
    """kind → code → label, from the codebook, the indicator list and ``labels.yaml``."""
    book, _ = read_yaml(CODEBOOK_PATH)
    indicators, _ = read_yaml(INDICATORS_PATH)
    if isinstance(indicators, dict):  # a validated indicator file may wrap the list
        indicators = indicators.get("indicators", indicators)
    found: dict[str, tuple[Label, ...]] = {
        "domain": _from_list(CODEBOOK_PATH, book.get("domains"), "code", "en", "zh", "domains"),
        "level": _from_list(CODEBOOK_PATH, book.get("levels"), "code", "en", "zh", "levels"),
        "indicator": _from_list(INDICATORS_PATH, indicators, "id", "name_en", "name_zh", "indicators"),
    }
    own = load_yaml(LABELS_PATH, LabelFile).kinds
    clash = sorted(set(own) & set(found))
    if clash:
        raise RuleFileError(LABELS_PATH, f"kinds {clash} are defined by the codebook or indicator list")
    found.update(own)
    return {kind: {entry.code: entry for entry in entries} for kind, entries in found.items()}


def kinds() -> tuple[str, ...]:
    """Every label kind."""
    return tuple(_all())


def _kind(kind: str) -> dict[str, Label]:
    table_ = _all()
    if kind not in table_:
        raise KeyError(f"unknown label kind {kind!r} (known: {', '.join(table_)})")
    return table_[kind]


def codes(kind: str) -> tuple[str, ...]:
    """The codes of ``kind`` in display order."""
    return tuple(_kind(kind))


def label(kind: str, code: str, lang: Lang = "both") -> str:
    """The label of ``code``: ``label("domain", "teachers")`` → ``"Teachers & school leaders 教师与校长队伍"``."""
    entries = _kind(kind)
    if code not in entries:
        raise KeyError(f"unknown {kind} code {code!r} (known: {', '.join(entries)})")
    return entries[code].text(lang)


def labels(kind: str, lang: Lang = "both") -> dict[str, str]:
    """``{code: label}`` of ``kind`` in display order."""
    return {code: entry.text(lang) for code, entry in _kind(kind).items()}


def table(kind: str) -> pd.DataFrame:
    """The labels of ``kind`` as a table: code, en, zh, label (both languages)."""
    entries = _kind(kind).values()
    return pd.DataFrame({"code": [e.code for e in entries], "en": [e.en for e in entries],
                         "zh": [e.zh for e in entries], "label": [e.text() for e in entries]})


def group_of(kind: str, value: str, default: str = "other") -> str:
    """The code of ``kind`` whose ``members`` include ``value`` (``default`` when none does)."""
    for code, entry in _kind(kind).items():
        if value in entry.members:
            return code
    return default
