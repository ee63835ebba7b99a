"""``python -m policylens.evaluate targets``: target extraction against the gold records.

A predicted record matches a gold record when their quotes overlap in the
document and value (or both range bounds), unit and comparator agree; matching
is one-to-one (maximum bipartite matching). Prints precision, recall and F1 per
document and overall, the share of overlap-matched records whose value, unit
and comparator are all right (field accuracy), target-year agreement, and the
list of misses and false alarms.

Documents are the cleaned texts of :func:`policylens.corpus.load_corpus` when
that stage is available, else the raw files; gold quotes occur verbatim in
both. ``plan_year`` is the manifest's ``plan_start_year`` for annual plans and
work key points, None for multi-year plans.
"""
from __future__ import annotations

import argparse
import csv
import math
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

import pandas as pd

from policylens import config
from policylens.gold import load_gold_targets
from policylens.targets import extract_targets

ANNUAL_TYPES = frozenset({"annual_plan", "work_key_points"})


def plan_years(manifest: Any = None) -> dict[str, int | None]:
    """doc_id → plan year for annual plans / work key points, None otherwise."""
    out: dict[str, int | None] = {}
    with open(manifest or config.MANIFEST, encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            year = row.get("plan_start_year", "").strip()
            annual = row.get("doc_type", "").strip() in ANNUAL_TYPES
            out[row["doc_id"]] = int(year) if annual and year.isdigit() else None
    return out


def documents() -> tuple[dict[str, str], str]:
    """(doc_id → text, source): cleaned corpus when available, else raw files."""
    try:
        from policylens.corpus import load_corpus  # noqa: WPS433 (optional stage)

        corpus = load_corpus()
        return dict(zip(corpus["doc_id"], corpus["text"])), "cleaned corpus"
    except ImportError:
        pass
    except Exception as exc:  # the corpus stage exists but cannot build: say so, use raw
        print(f"note: cleaned corpus unavailable ({type(exc).__name__}: {exc}); using raw files")
    texts = {p.stem: p.read_text(encoding="utf-8-sig") for p in sorted(config.DATA_RAW.glob("*.txt"))}
    return texts, "raw files"


def _close(a: Any, b: Any) -> bool:
    a_nan = a is None or (isinstance(a, float) and math.isnan(a))
    b_nan = b is None or (isinstance(b, float) and math.isnan(b))
    if a_nan or b_nan:
        return a_nan and b_nan
    return abs(float(a) - float(b)) <= 1e-6 * max(1.0, abs(float(a)))


def fields_agree(pred: dict[str, Any], gold: dict[str, Any]) -> bool:
    """Value (or bounds), unit and comparator all agree."""
    return (_close(pred["value"], gold["value"]) and _close(pred["value_low"], gold["value_low"])
            and _close(pred["value_high"], gold["value_high"])
            and pred["unit"] == gold["unit"] and pred["comparator"] == gold["comparator"])


def _max_matching(n_left: int, edges: dict[int, list[int]], taken_right: Iterable[int] = ()) -> dict[int, int]:
    """Maximum bipartite matching (Kuhn's augmenting paths): left index → right index."""
    owner: dict[int, int] = {}
    blocked = set(taken_right)

    def augment(u: int, seen: set[int]) -> bool:
        for v in edges.get(u, []):
            if v in seen or v in blocked:
                continue
            seen.add(v)
            if v not in owner or augment(owner[v], seen):
                owner[v] = u
                return True
        return False

    for u in range(n_left):
        augment(u, set())
    return {u: v for v, u in owner.items()}


@dataclass
class DocResult:
    """Matching outcome of one document."""

    doc_id: str
    n_gold: int
    n_pred: int
    tp: int
    overlap_matched: int
    year_right: int
    misses: list[dict[str, Any]] = field(default_factory=list)
    false_alarms: list[dict[str, Any]] = field(default_factory=list)
    wrong_fields: list[tuple[dict[str, Any], dict[str, Any]]] = field(default_factory=list)


def match_document(doc_id: str, text: str, gold: pd.DataFrame, pred: pd.DataFrame) -> DocResult:
    """One-to-one matching of predicted and gold records of one document."""
    golds = []
    for row in gold.to_dict(orient="records"):
        start = text.find(row["quote"])
        row["start"], row["end"] = (start, start + len(row["quote"])) if start >= 0 else (-1, -1)
        golds.append(row)
    preds = pred.to_dict(orient="records")

    def overlaps(p: dict[str, Any], g: dict[str, Any]) -> bool:
        return g["start"] >= 0 and p["start"] < g["end"] and g["start"] < p["end"]

    full = {i: [j for j, g in enumerate(golds) if overlaps(p, g) and fields_agree(p, g)] for i, p in enumerate(preds)}
    matched = _max_matching(len(preds), full)
    rest = {i: [j for j, g in enumerate(golds) if overlaps(p, g)] for i, p in enumerate(preds) if i not in matched}
    loose = _max_matching(len(preds), rest, taken_right=matched.values())
    year_right = 0
    for i, j in matched.items():
        gy, py = golds[j]["target_year"], preds[i]["target_year"]
        if (pd.isna(gy) and pd.isna(py)) or (not pd.isna(gy) and not pd.isna(py) and int(gy) == int(py)):
            year_right += 1
    used_gold = set(matched.values()) | set(loose.values())
    used_pred = set(matched) | set(loose)
    return DocResult(
        doc_id=doc_id, n_gold=len(golds), n_pred=len(preds), tp=len(matched),
        overlap_matched=len(matched) + len(loose), year_right=year_right,
        misses=[g for j, g in enumerate(golds) if j not in set(matched.values())],
        false_alarms=[p for i, p in enumerate(preds) if i not in matched],
        wrong_fields=[(preds[i], golds[j]) for i, j in loose.items()],
    )


def _prf(tp: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    p = tp / n_pred if n_pred else 1.0
    r = tp / n_gold if n_gold else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def evaluate(extract: Callable[[str, int | None], pd.DataFrame] = extract_targets,
             texts: dict[str, str] | None = None) -> dict[str, Any]:
    """Run the extractor on every gold document; return per-document and overall figures."""
    if texts is None:
        texts, source = documents()
    else:
        source = "given texts"
    gold = load_gold_targets()
    years = plan_years()
    results = []
    for doc_id in sorted(gold["doc_id"].unique()):
        pred = extract(texts[doc_id], years.get(doc_id))
        results.append(match_document(doc_id, texts[doc_id], gold[gold["doc_id"] == doc_id], pred))
    rows = []
    for r in results:
        p, rec, f = _prf(r.tp, r.n_pred, r.n_gold)
        rows.append({"doc_id": r.doc_id, "gold": r.n_gold, "pred": r.n_pred, "tp": r.tp,
                     "precision": p, "recall": rec, "f1": f})
    tp = sum(r.tp for r in results)
    n_pred = sum(r.n_pred for r in results)
    n_gold = sum(r.n_gold for r in results)
    p, rec, f = _prf(tp, n_pred, n_gold)
    rows.append({"doc_id": "overall", "gold": n_gold, "pred": n_pred, "tp": tp,
                 "precision": p, "recall": rec, "f1": f})
    overlap = sum(r.overlap_matched for r in results)
    return {
        "source": source,
        "table": pd.DataFrame(rows),
        "precision": p, "recall": rec, "f1": f,
        "field_accuracy": tp / overlap if overlap else 1.0,
        "overlap_matched": overlap,
        "year_accuracy": sum(r.year_right for r in results) / tp if tp else 1.0,
        "results": results,
    }


def _fmt(rec: dict[str, Any]) -> str:
    if not pd.isna(rec.get("value_low")):
        num = f"{rec['value_low']:g}-{rec['value_high']:g}"
    else:
        num = f"{rec['value']:g}" if not pd.isna(rec.get("value")) else "?"
    return f"{rec['comparator']} {num} {rec['unit']}  «{rec['quote']}»"


def report(figures: dict[str, Any], lists: bool = True) -> str:
    """Human-readable report of :func:`evaluate`'s figures."""
    lines = [f"targets: evaluated on {figures['source']}", ""]
    table = figures["table"].copy()
    for col in ("precision", "recall", "f1"):
        table[col] = table[col].map(lambda v: f"{v:.3f}")
    lines.append(table.to_string(index=False))
    lines += ["",
              f"field accuracy (value, unit and comparator right among overlap-matched): "
              f"{figures['field_accuracy']:.3f} of {figures['overlap_matched']}",
              f"target_year right among matched: {figures['year_accuracy']:.3f}"]
    if lists:
        for r in figures["results"]:
            if not (r.misses or r.false_alarms or r.wrong_fields):
                continue
            lines.append(f"\n[{r.doc_id}]")
            for g in r.misses:
                lines.append(f"  miss         {_fmt(g)}")
            for p in r.false_alarms:
                lines.append(f"  false alarm  {_fmt(p)}")
            for p, g in r.wrong_fields:
                lines.append(f"  wrong fields {_fmt(p)}  (gold: {_fmt(g)})")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Print the figures; with ``--min-f1`` return 1 when F1 falls below it."""
    parser = argparse.ArgumentParser(prog="python -m policylens.evaluate targets", description=__doc__.split("\n")[0])
    parser.add_argument("--quiet", action="store_true", help="figures only, no lists of misses and false alarms")
    parser.add_argument("--min-f1", type=float, default=None, help="exit 1 when overall F1 is below this")
    args = parser.parse_args(argv)
    figures = evaluate()
    print(report(figures, lists=not args.quiet))
    if args.min_f1 is not None and figures["f1"] < args.min_f1:
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
