"""Agreement of :func:`policylens.structure.parse_plan` with the gold segmentation.

A gold unit is *found* when the parse has a unit with the same path in the same
document, and *agrees* when that unit also has the same kind. Extra units are
parsed units whose path is not in the gold; extra task units are those of kind
task (the acceptance criterion is none). Heading agreement is reported too.

Run as ``python -m policylens.evaluate structure [--raw]``.
"""
from __future__ import annotations

import argparse
from collections import Counter

import pandas as pd

from policylens import config
from policylens.gold import load_gold_units
from policylens.structure import parse_plan

#: Columns of :func:`agreement` (one row per document, then an ``ALL`` row).
AGREEMENT_COLUMNS: dict[str, str] = {
    "doc_id": "manifest doc_id, or ALL",
    "gold_units": "number of gold units",
    "parsed_units": "number of parsed units",
    "found": "gold units with a parsed unit of the same path",
    "agree": "gold units with a parsed unit of the same path and kind",
    "agreement": "agree / gold_units",
    "heading_agree": "share of gold units whose matched unit has the same heading",
    "start_agree": "share of gold units whose matched unit's body starts with the gold start_quote",
    "extra_units": "parsed units whose path is not in the gold",
    "extra_task_units": "extra units of kind task",
    "anomalies": "parsed units with an outline finding",
}


def load_texts(raw: bool = False) -> dict[str, str]:
    """Plan texts by doc_id: cleaned (``policylens.corpus``) when available, else raw files."""
    if not raw:
        try:
            from policylens.corpus import load_corpus
        except ImportError:
            pass
        else:
            corpus = load_corpus()
            return dict(zip(corpus["doc_id"], corpus["text"]))
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(config.DATA_RAW.glob("*.txt"))}


def parse_corpus(texts: dict[str, str]) -> pd.DataFrame:
    """``parse_plan`` of every document, with a leading ``doc_id`` column."""
    frames = []
    for doc_id in sorted(texts):
        units = parse_plan(texts[doc_id])
        units.insert(0, "doc_id", doc_id)
        frames.append(units)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _doc_row(doc_id: str, gold: pd.DataFrame, parsed: pd.DataFrame) -> dict:
    by_path: dict[str, list[tuple[str, str]]] = {}
    for path, kind, heading, body in zip(parsed["path"], parsed["kind"], parsed["heading"],
                                         parsed["body"]):
        by_path.setdefault(path, []).append((kind, heading, body))
    found = agree = heading_agree = start_agree = 0
    for path, kind, heading, quote in zip(gold["path"], gold["kind"], gold["heading"],
                                          gold["start_quote"]):
        candidates = by_path.get(path)
        if not candidates:
            continue
        got_kind, got_heading, got_body = candidates.pop(0)
        found += 1
        agree += got_kind == kind
        heading_agree += got_heading == heading
        start_agree += got_body.startswith(quote)
    gold_paths = Counter(gold["path"])
    extra = extra_task = 0
    for path, kind in zip(parsed["path"], parsed["kind"]):
        if gold_paths[path] > 0:
            gold_paths[path] -= 1
        else:
            extra += 1
            extra_task += kind == "task"
    n = len(gold)
    return {"doc_id": doc_id, "gold_units": n, "parsed_units": len(parsed), "found": found,
            "agree": agree, "agreement": agree / n if n else float("nan"),
            "heading_agree": heading_agree / n if n else float("nan"),
            "start_agree": start_agree / n if n else float("nan"), "extra_units": extra,
            "extra_task_units": extra_task, "anomalies": int((parsed["anomaly"] != "").sum())}


def agreement(parsed: pd.DataFrame, gold: pd.DataFrame) -> pd.DataFrame:
    """Per-document and overall agreement of parsed units (with ``doc_id``) with gold units."""
    rows = []
    for doc_id in sorted(set(gold["doc_id"])):
        rows.append(_doc_row(doc_id, gold[gold["doc_id"] == doc_id],
                             parsed[parsed["doc_id"] == doc_id]))
    table = pd.DataFrame(rows, columns=list(AGREEMENT_COLUMNS))
    total = {c: int(table[c].sum()) for c in AGREEMENT_COLUMNS
             if c not in {"doc_id", "agreement", "heading_agree", "start_agree"}}
    total["doc_id"] = "ALL"
    total["agreement"] = total["agree"] / total["gold_units"] if total["gold_units"] else float("nan")
    for col in ("heading_agree", "start_agree"):
        total[col] = float((table[col] * table["gold_units"]).sum() / max(total["gold_units"], 1))
    return pd.concat([table, pd.DataFrame([total])], ignore_index=True)[list(AGREEMENT_COLUMNS)]


def evaluate(raw: bool = False) -> pd.DataFrame:
    """Agreement table of the corpus against ``load_gold_units()``."""
    return agreement(parse_corpus(load_texts(raw)), load_gold_units())


def main(argv: list[str] | None = None) -> int:
    """Print the agreement table; exit status 1 when below 98 % or with extra task units."""
    parser = argparse.ArgumentParser(prog="python -m policylens.evaluate structure",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--raw", action="store_true", help="parse the raw files, not the cleaned corpus")
    args = parser.parse_args(argv)
    table = evaluate(raw=args.raw)
    shown = table.copy()
    for col in ("agreement", "heading_agree", "start_agree"):
        shown[col] = shown[col].map(lambda v: f"{100 * v:.1f}%")
    print(f"Structure vs gold units ({'raw files' if args.raw else 'corpus texts'}):")
    print(shown.to_string(index=False))
    ok = bool((table["agreement"] >= 0.98).all() and table["extra_task_units"].sum() == 0)
    return 0 if ok else 1
