"""Agreement of :func:`policylens.structure.parse_plan` with the gold segmentation.

A gold unit is *found* when the parse has a unit with the same path in the same
document, and *agrees* when that unit also has the same kind. Extra units are
parsed units whose path is not in the gold; extra task units are those of kind
task (the acceptance criterion is none). Heading agreement is reported too.

``--set synthetic`` measures the same figures on the synthetic plans of
``data/eval/structure/`` (one ``*.txt`` per plan, written in outline styles
the founding corpus does not use: 第X章/第X节/第X部分 above 一、, unnumbered
headings, 发文 headers, attachments, ``1 `` and ``一　`` numbering…) against
their hand-made segmentation ``expected.csv`` (file, seq, path, kind, heading).
The synthetic texts are parsed as written (full-width punctuation kept); they
have no start quotes, so ``start_agree`` is not measured there (NaN).

``--set NAME`` (any other name) scores the set in ``data/eval/structure_NAME/``
the same way; when its ``expected.csv`` has a ``class`` column (what kind of page
difficulty the excerpt stands for: one-line pages, Traditional mirrors, mid-outline
excerpts…), the agreement is also printed per class. ``--set pages`` holds outline
excerpts in the register of real pages, parsed as a user has them (no cleaning).

Run as ``policylens evaluate structure [--raw] [--set gold|synthetic|pages]``.
"""
from __future__ import annotations

import argparse
from collections import Counter

import pandas as pd

from policylens import config, thresholds
from policylens.gold import load_gold_units
from policylens.structure import parse_plan

#: Folder of the synthetic plans and their ``expected.csv`` (under the repository root).
SYNTHETIC_DIR = config.EVAL / "structure"

#: Columns of ``expected.csv`` in :data:`SYNTHETIC_DIR`.
EXPECTED_COLUMNS: dict[str, str] = {
    "file": "stem of the plan's .txt file (the doc_id)",
    "seq": "1-based order of the unit",
    "path": "expected outline path ('' for the preamble)",
    "kind": "expected kind",
    "heading": "expected heading",
}

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


def set_folder(name: str):
    """Folder of an evaluation set: ``synthetic`` is ``data/eval/structure``, NAME is
    ``data/eval/structure_NAME``."""
    return SYNTHETIC_DIR if name == "synthetic" else config.EVAL / f"structure_{name}"


def class_agreement(parsed: pd.DataFrame, expected: pd.DataFrame) -> pd.DataFrame:
    """Agreement per ``class`` of the expected units (rows sorted by class, then ``ALL``)."""
    rows = []
    for name, group in expected.groupby("class", sort=True):
        table = agreement(parsed[parsed["doc_id"].isin(set(group["doc_id"]))], group)
        total = table.iloc[-1].to_dict()
        total["doc_id"] = name
        rows.append(total)
    table = pd.DataFrame(rows, columns=list(AGREEMENT_COLUMNS)).rename(columns={"doc_id": "class"})
    return table


def load_synthetic(folder=None) -> tuple[dict[str, str], pd.DataFrame]:
    """Synthetic plan texts by file stem, and their expected units with a ``doc_id`` column."""
    folder = SYNTHETIC_DIR if folder is None else folder
    texts = {p.stem: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))}
    expected = pd.read_csv(folder / "expected.csv", dtype=str, keep_default_na=False,
                           encoding="utf-8")
    expected["seq"] = expected["seq"].astype(int)
    expected.insert(0, "doc_id", expected["file"])
    return texts, expected


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
    has_quotes = "start_quote" in gold.columns
    quotes = gold["start_quote"] if has_quotes else [""] * len(gold)
    for path, kind, heading, quote in zip(gold["path"], gold["kind"], gold["heading"], quotes):
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
            "start_agree": start_agree / n if n and has_quotes else float("nan"),
            "extra_units": extra,
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
        weighted = (table[col] * table["gold_units"]).sum(min_count=1)
        total[col] = float(weighted / max(total["gold_units"], 1))
    return pd.concat([table, pd.DataFrame([total])], ignore_index=True)[list(AGREEMENT_COLUMNS)]


def evaluate(raw: bool = False) -> pd.DataFrame:
    """Agreement table of the corpus against ``load_gold_units()``."""
    return agreement(parse_corpus(load_texts(raw)), load_gold_units())


def evaluate_cached() -> pd.DataFrame:
    """:func:`evaluate` of the cleaned corpus, kept in the project cache (stage ``eval_structure``).

    Recomputed when the parser's code or rules, the raw corpus or the gold data change.
    """
    from policylens.cache import Cache, folder_state

    return Cache().memo("eval_structure", evaluate, folder_state(config.DATA_RAW), folder_state(config.GOLD))


def evaluate_synthetic(folder=None) -> pd.DataFrame:
    """Agreement table of the synthetic plans against their ``expected.csv``."""
    texts, expected = load_synthetic(folder)
    return agreement(parse_corpus(texts), expected)


def mismatches(parsed: pd.DataFrame, expected: pd.DataFrame) -> pd.DataFrame:
    """Expected units (with ``doc_id``) whose path, kind or heading the parse does not match.

    Columns: doc_id, path, kind, heading (expected), got_kind, got_heading ('' when the
    path was not found).
    """
    rows = []
    for doc_id, group in expected.groupby("doc_id", sort=True):
        doc = parsed[parsed["doc_id"] == doc_id]
        by_path: dict[str, list[tuple[str, str]]] = {}
        for path, kind, heading in zip(doc["path"], doc["kind"], doc["heading"]):
            by_path.setdefault(path, []).append((kind, heading))
        for path, kind, heading in zip(group["path"], group["kind"], group["heading"]):
            got = by_path.get(path)
            got_kind, got_heading = got.pop(0) if got else ("", "")
            if (got_kind, got_heading) != (kind, heading):
                rows.append({"doc_id": doc_id, "path": path, "kind": kind, "heading": heading,
                             "got_kind": got_kind, "got_heading": got_heading})
    return pd.DataFrame(rows, columns=["doc_id", "path", "kind", "heading", "got_kind",
                                       "got_heading"])


def main(argv: list[str] | None = None) -> int:
    """Print the agreement table; exit status 1 when below the bar or with extra task units.

    The bars are the ``structure`` thresholds of ``thresholds.yaml``: ``gold.agreement`` for every
    founding plan (``--set gold``), ``<set>.agreement`` overall for another set (``--set synthetic``,
    ``--set pages``…, which also list the units that do not match); a set without thresholds is
    reported only.
    """
    if argv and "--json" in argv:  # summary as JSON (policylens.evaluate.report)
        from policylens.evaluate import main as evaluate_main

        return evaluate_main(["structure", *argv])
    parser = argparse.ArgumentParser(prog="python -m policylens.evaluate structure",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--raw", action="store_true", help="parse the raw files, not the cleaned corpus")
    parser.add_argument("--set", dest="which", default="gold",
                        help="gold: founding corpus vs gold (default); synthetic: the synthetic "
                             "plans; NAME: the set in data/eval/structure_NAME (e.g. pages)")
    args = parser.parse_args(argv)
    expected = None
    if args.which != "gold":
        folder = set_folder(args.which)
        if not (folder / "expected.csv").is_file():
            parser.error(f"{folder}: no expected.csv (unknown set {args.which!r})")
        texts, expected = load_synthetic(folder)
        parsed = parse_corpus(texts)
        table = agreement(parsed, expected)
        title = f"Structure vs expected units ({args.which} set, {len(texts)} files):"
    else:
        table = evaluate(raw=args.raw)
        title = f"Structure vs gold units ({'raw files' if args.raw else 'corpus texts'}):"
    shown = table.copy()
    for col in ("agreement", "heading_agree", "start_agree"):
        shown[col] = shown[col].map(lambda v: "-" if pd.isna(v) else f"{100 * v:.1f}%")
    print(title)
    print(shown.to_string(index=False))
    if expected is not None and "class" in expected.columns:
        by_class = class_agreement(parsed, expected)
        by_class["agreement"] = by_class["agreement"].map(lambda v: f"{100 * v:.1f}%")
        print("\nBy class:")
        print(by_class[["class", "gold_units", "found", "agree", "agreement", "extra_units",
                        "extra_task_units"]].to_string(index=False))
    if expected is not None:
        wrong = mismatches(parsed, expected)
        if len(wrong):
            print("\nUnits that do not match:")
            print(wrong.to_string(index=False))
        bars = thresholds.for_set("structure", args.which)
        figures = {"agreement": table["agreement"].iloc[-1], "extra_task_units": table["extra_task_units"].sum()}
        ok = all(bar.passes(figures[name]) for name, bar in bars.items())
    else:
        ok = bool(all(thresholds.passes("structure", "gold.agreement", v) for v in table["agreement"])
                  and thresholds.passes("structure", "gold.extra_task_units", table["extra_task_units"].sum()))
    print(f"\nacceptance (thresholds.yaml structure.{args.which}.*): {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1
