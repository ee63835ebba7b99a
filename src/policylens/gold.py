"""Gold data of the founding corpus (hand-coded units and targets).

The gold files live in ``data/external/gold/`` (copied unchanged from
``../shared/gold``). Their ``doc`` column is the corpus file's three-digit
prefix; :func:`doc_ids` maps it to the manifest's ``doc_id``.
"""
from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

from policylens import config


def doc_ids(manifest: Path | None = None) -> dict[str, str]:
    """Map gold ``doc`` prefixes (``"000"``) to manifest ``doc_id``s (``"baotou-2018"``)."""
    with open(manifest or config.MANIFEST, encoding="utf-8-sig", newline="") as fh:
        return {row["source_file"][:3]: row["doc_id"] for row in csv.DictReader(fh)}


def _read(name: str, gold_dir: Path | None) -> pd.DataFrame:
    path = (gold_dir or config.GOLD) / name
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    frame.insert(0, "doc_id", frame["doc"].map(doc_ids()))
    return frame


def load_gold_units(gold_dir: Path | None = None) -> pd.DataFrame:
    """``tasks_seeds.csv``: one row per reference unit, with ``doc_id`` added.

    Columns: doc_id, doc, seq (int), path, kind, heading, start_quote, domain,
    secondary, rationale.
    """
    frame = _read("tasks_seeds.csv", gold_dir)
    frame["seq"] = frame["seq"].astype(int)
    return frame


def load_gold_targets(gold_dir: Path | None = None) -> pd.DataFrame:
    """``targets_seeds.csv``: one row per gold target record, with ``doc_id`` added.

    Numeric columns (value, value_low, value_high, target_year) are floats/ints or NaN/None.
    """
    frame = _read("targets_seeds.csv", gold_dir)
    for col in ("value", "value_low", "value_high"):
        frame[col] = pd.to_numeric(frame[col].replace("", None), errors="coerce")
    frame["target_year"] = pd.to_numeric(frame["target_year"].replace("", None), errors="coerce").astype("Int64")
    return frame


def _texts() -> dict[str, str]:
    """Cleaned texts when the corpus stage is available, else the raw files."""
    try:
        from policylens.corpus import load_corpus  # noqa: WPS433 (optional until it lands)

        corpus = load_corpus()
        return dict(zip(corpus["doc_id"], corpus["text"]))
    except ImportError:
        return {p.stem: p.read_text(encoding="utf-8") for p in sorted(config.DATA_RAW.glob("*.txt"))}


def gold_unit_texts(texts: dict[str, str] | None = None) -> pd.DataFrame:
    """Gold units with their body text located in the documents.

    Each unit starts where its ``start_quote`` is found (searching forward in
    document order) and ends where the next unit's number or heading begins.
    Adds columns ``start``, ``end`` and ``text`` to :func:`load_gold_units`.
    """
    texts = _texts() if texts is None else texts
    units = load_gold_units().copy()
    starts: list[int] = []
    for doc_id, group in units.groupby("doc_id", sort=False):
        text = texts[doc_id]
        pos = 0
        for quote in group["start_quote"]:
            found = text.find(quote, pos)
            if found < 0:
                raise ValueError(f"{doc_id}: start_quote {quote!r} not found after offset {pos}")
            starts.append(found)
            pos = found + 1
    units["start"] = starts
    ends: list[int] = []
    for doc_id, group in units.groupby("doc_id", sort=False):
        text = texts[doc_id]
        group_starts = list(group["start"]) + [len(text)]
        for i, start in enumerate(group_starts[:-1]):
            end = group_starts[i + 1]
            # back off over the next unit's outline number and line break
            line_start = text.rfind("\n", start, end)
            end = line_start if line_start > start else end
            ends.append(end)
    units["end"] = ends
    units["text"] = [texts[d][s:e].strip() for d, s, e in zip(units["doc_id"], units["start"], units["end"])]
    return units
