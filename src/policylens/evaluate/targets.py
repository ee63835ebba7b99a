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

``--set external`` scores the developer-written excerpts of plans that are NOT
in the corpus (``data/eval/targets_external.csv``: other cities, counties and
provinces, 十四五 plans, 2024–2025 要点, action plans), with the same matching;
each excerpt is one document. ``--set plans`` scores whole scraped plan
documents (``data/eval/targets_plans/``: title, chrome, outline, long
paragraphs), annotated before the extractor was run on them. By default all sets are printed, the founding
gold first. The external set is synthetic, not official gold: it measures
generalization, it does not replace the gold.
"""
from __future__ import annotations

import argparse
import csv
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from policylens import config, thresholds
from policylens.gold import load_gold_targets
from policylens.targets import extract_targets

ANNUAL_TYPES = frozenset({"annual_plan", "work_key_points"})
#: Developer-written excerpts of plans outside the corpus (one row per expected record).
EXTERNAL_SET = config.EVAL / "targets_external.csv"
#: Harder excerpts annotated before the extractor was run on them (batch blind-2).
BLIND_SET = config.EVAL / "targets_blind.csv"
#: Notation suite: one short plan sentence per case, by notation class (written by the developers).
NOTATION_SET = config.EVAL / "targets_notation.csv"
#: Registers that mix commitments with reports: progress reports inside plans, news pages,
#: one-line pages, Traditional mirrors; every quantity with its status.
REGISTERS_SET = config.EVAL / "targets_registers.csv"
#: Whole plan documents as a web scrape gives them (title, chrome, outline, 保障措施),
#: annotated before the extractor was run on them: ``*.txt``, ``manifest.csv``, ``expected.csv``.
PLANS_DIR = config.EVAL / "targets_plans"


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


def _row(label: str, results: list[DocResult]) -> dict[str, Any]:
    """One table row: counts and precision/recall/F1 summed over ``results``."""
    tp = sum(r.tp for r in results)
    n_pred = sum(r.n_pred for r in results)
    n_gold = sum(r.n_gold for r in results)
    p, rec, f = _prf(tp, n_pred, n_gold)
    return {"doc_id": label, "gold": n_gold, "pred": n_pred, "tp": tp, "precision": p, "recall": rec, "f1": f}


def _run(extract: Callable[[str, int | None], pd.DataFrame], texts: dict[str, str],
         years: dict[str, int | None], gold: pd.DataFrame, doc_ids: Iterable[str]) -> list[DocResult]:
    """Extract and match every document."""
    return [match_document(d, texts[d], gold[gold["doc_id"] == d], extract(texts[d], years.get(d)))
            for d in doc_ids]


def _figures(source: str, results: list[DocResult], rows: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    """The figures dict shared by every set: table, overall P/R/F1, field and year accuracy."""
    overall = _row("overall", results)
    tp = overall["tp"]
    overlap = sum(r.overlap_matched for r in results)
    return {
        "source": source,
        "table": pd.DataFrame(rows),
        "precision": overall["precision"], "recall": overall["recall"], "f1": overall["f1"],
        "field_accuracy": tp / overlap if overlap else 1.0,
        "overlap_matched": overlap,
        "year_accuracy": sum(r.year_right for r in results) / tp if tp else 1.0,
        **extra,
        "results": results,
    }


def evaluate(extract: Callable[[str, int | None], pd.DataFrame] = extract_targets,
             texts: dict[str, str] | None = None) -> dict[str, Any]:
    """Run the extractor on every gold document; return per-document and overall figures."""
    if texts is None:
        texts, source = documents()
    else:
        source = "given texts"
    gold = load_gold_targets()
    results = _run(extract, texts, plan_years(), gold, sorted(gold["doc_id"].unique()))
    rows = [_row(r.doc_id, [r]) for r in results] + [_row("overall", results)]
    return _figures(source, results, rows)


def evaluate_cached() -> dict[str, Any]:
    """:func:`evaluate` of the corpus with the shipped extractor, kept in the project cache (stage
    ``eval_targets``).

    Recomputed when the extractor's code or rules, the raw corpus or the gold data change.
    """
    from policylens.cache import Cache, folder_state

    return Cache().memo("eval_targets", evaluate, folder_state(config.DATA_RAW), folder_state(config.GOLD))


def load_external(path: Any = None) -> tuple[dict[str, str], dict[str, int | None], pd.DataFrame]:
    """The external set: (excerpt_id → text, excerpt_id → plan_year, expected records).

    An excerpt whose single row has an empty ``quote`` expects no record.
    """
    frame = pd.read_csv(path or EXTERNAL_SET, dtype=str, keep_default_na=False, encoding="utf-8")
    texts: dict[str, str] = {}
    years: dict[str, int | None] = {}
    for row in frame.itertuples():
        texts.setdefault(row.excerpt_id, row.text)
        years.setdefault(row.excerpt_id, int(row.plan_year) if row.plan_year.strip() else None)
    keep = frame["quote"] != ""
    if "status" in frame.columns:                 # sets with every quantity: targets are the target rows
        keep &= frame["status"].isin(("", "target"))
    gold = frame[keep].copy()
    gold.insert(0, "doc_id", gold["excerpt_id"])
    for col in ("value", "value_low", "value_high"):
        gold[col] = pd.to_numeric(gold[col].replace("", None), errors="coerce")
    gold["target_year"] = pd.to_numeric(gold["target_year"].replace("", None), errors="coerce").astype("Int64")
    return texts, years, gold


def evaluate_external(extract: Callable[[str, int | None], pd.DataFrame] = extract_targets,
                      path: Any = None) -> dict[str, Any]:
    """Run the extractor on every excerpt of the external set; figures as :func:`evaluate`.

    Adds ``indicator_id_accuracy``: among matched records whose expectation
    names a canonical indicator, the share given that id.
    """
    texts, years, gold = load_external(path)
    results = []
    id_total = id_right = 0
    for doc_id in sorted(texts):
        pred = extract(texts[doc_id], years[doc_id])
        expected = gold[gold["doc_id"] == doc_id]
        res = match_document(doc_id, texts[doc_id], expected, pred)
        results.append(res)
        # indicator ids of full matches (re-run the matching to know the pairs)
        exp_rows = expected.to_dict(orient="records")
        for g in exp_rows:
            start = texts[doc_id].find(g["quote"])
            g["start"], g["end"] = start, start + len(g["quote"])
        preds = pred.to_dict(orient="records")
        edges = {i: [j for j, g in enumerate(exp_rows)
                     if p["start"] < g["end"] and g["start"] < p["end"] and fields_agree(p, g)]
                 for i, p in enumerate(preds)}
        for i, j in _max_matching(len(preds), edges).items():
            if exp_rows[j]["indicator_id"]:
                id_total += 1
                id_right += preds[i]["indicator_id"] == exp_rows[j]["indicator_id"]
    meta = (pd.read_csv(path or EXTERNAL_SET, dtype=str, keep_default_na=False, encoding="utf-8")
            .drop_duplicates("excerpt_id").set_index("excerpt_id"))
    rows = []
    for style in sorted(set(meta["source_style"])):
        rows.append(_row(style, [r for r in results if meta.loc[r.doc_id, "source_style"] == style]))
    if "batch" in meta.columns:
        for batch in sorted(set(meta["batch"])):
            part = [r for r in results if meta.loc[r.doc_id, "batch"] == batch]
            rows.append(_row(f"batch {batch} ({len(part)} excerpts)", part))
    rows.append(_row(f"overall ({len(texts)} excerpts)", results))
    source = (f"{'external' if path is None else 'excerpt'} set "
              f"{EXTERNAL_SET.name if path is None else getattr(path, 'name', path)} (synthetic, by source style)")
    return _figures(source, results, rows, indicator_id_accuracy=id_right / id_total if id_total else 1.0,
                    indicator_id_total=id_total, texts=texts)


def evaluate_blind(extract: Callable[[str, int | None], pd.DataFrame] = extract_targets) -> dict[str, Any]:
    """The blind set (``data/eval/targets_blind.csv``), figures as :func:`evaluate_external`."""
    return evaluate_external(extract, path=BLIND_SET)


def evaluate_notation(extract: Callable[[str, int | None], pd.DataFrame] = extract_targets,
                      path: Any = None) -> dict[str, Any]:
    """The notation suite: figures as :func:`evaluate_external` plus the share of cases read exactly.

    A case is exact when every expected record is matched (value, unit, comparator) and
    nothing else is extracted; ``exact_by_class`` gives the share per notation class.
    """
    figures = evaluate_external(extract, path=path or NOTATION_SET)
    meta = (pd.read_csv(path or NOTATION_SET, dtype=str, keep_default_na=False, encoding="utf-8")
            .drop_duplicates("excerpt_id").set_index("excerpt_id"))
    by_class: dict[str, list[bool]] = {}
    for r in figures["results"]:
        exact = r.tp == r.n_gold == r.n_pred
        by_class.setdefault(meta.loc[r.doc_id, "source_style"], []).append(exact)
    flags = [x for v in by_class.values() for x in v]
    figures["exact"] = sum(flags) / len(flags) if flags else 1.0
    figures["exact_by_class"] = {k: sum(v) / len(v) for k, v in sorted(by_class.items())}
    return figures


def evaluate_registers(extract: Callable[[str, int | None], pd.DataFrame] = extract_targets) -> dict[str, Any]:
    """The registers set (target rows only), figures as :func:`evaluate_external`."""
    return evaluate_external(extract, path=REGISTERS_SET)


def evaluate_quantities(path: Any = None) -> dict[str, Any]:
    """Every quantity of the registers set with its status (:func:`policylens.targets.extract_quantities`).

    A predicted quantity matches an expected one when the quotes overlap and value, unit,
    comparator AND status agree; ``status_accuracy`` is the share of overlap-and-field
    matches whose status is right, ``by_status`` the P/R/F1 of each status.
    """
    from policylens.targets import extract_quantities

    frame = pd.read_csv(path or REGISTERS_SET, dtype=str, keep_default_na=False, encoding="utf-8")
    texts = dict(zip(frame["excerpt_id"], frame["text"]))
    years = {k: (int(v) if v.strip() else None) for k, v in zip(frame["excerpt_id"], frame["plan_year"])}
    gold = frame[frame["quote"] != ""].copy()
    for col in ("value", "value_low", "value_high"):
        gold[col] = pd.to_numeric(gold[col].replace("", None), errors="coerce")
    counts: dict[str, list[int]] = {}
    batch_of = dict(zip(frame["excerpt_id"], frame["batch"])) if "batch" in frame.columns else {}
    batches: dict[str, list[int]] = {}
    tp = n_pred = n_gold = field_pairs = status_right = 0
    results: list[DocResult] = []
    misses: list[tuple[str, dict[str, Any]]] = []
    alarms: list[tuple[str, dict[str, Any]]] = []
    for doc in sorted(texts):
        text = texts[doc]
        golds = gold[gold["excerpt_id"] == doc].to_dict(orient="records")
        for g in golds:
            g["start"] = text.find(g["quote"])
            g["end"] = g["start"] + len(g["quote"])
        preds = extract_quantities(text, years[doc]).to_dict(orient="records")

        def fits(p: dict[str, Any], g: dict[str, Any]) -> bool:
            return p["start"] < g["end"] and g["start"] < p["end"] and fields_agree(p, g)

        loose = _max_matching(len(preds), {i: [j for j, g in enumerate(golds) if fits(p, g)]
                                           for i, p in enumerate(preds)})
        field_pairs += len(loose)
        status_right += sum(preds[i]["status"] == golds[j]["status"] for i, j in loose.items())
        full = _max_matching(len(preds), {i: [j for j, g in enumerate(golds) if fits(p, g) and p["status"] == g["status"]]
                                          for i, p in enumerate(preds)})
        tp += len(full)
        n_pred += len(preds)
        n_gold += len(golds)
        results.append(DocResult(doc, len(golds), len(preds), len(full), len(loose), 0))
        b = batches.setdefault(f"batch {batch_of.get(doc, '')}", [0, 0, 0])
        b[0], b[1], b[2] = b[0] + len(full), b[1] + len(preds), b[2] + len(golds)
        for status in ("target", "achieved", "baseline", "forecast"):
            c = counts.setdefault(status, [0, 0, 0])
            c[0] += sum(1 for i in full if preds[i]["status"] == status)
            c[1] += sum(1 for p in preds if p["status"] == status)
            c[2] += sum(1 for g in golds if g["status"] == status)
        misses += [(doc, g) for j, g in enumerate(golds) if j not in set(full.values())]
        alarms += [(doc, p) for i, p in enumerate(preds) if i not in full]
    rows = [{"doc_id": f"status {k}" if k in counts else k, "gold": v[2], "pred": v[1], "tp": v[0], **dict(zip(
        ("precision", "recall", "f1"), _prf(v[0], v[1], v[2])))} for k, v in [*counts.items(), *sorted(batches.items())]]
    p, r, f = _prf(tp, n_pred, n_gold)
    rows.append({"doc_id": f"overall ({len(texts)} excerpts)", "gold": n_gold, "pred": n_pred, "tp": tp,
                 "precision": p, "recall": r, "f1": f})
    return {"source": f"registers set {REGISTERS_SET.name}: every quantity with its status (extract_quantities)",
            "table": pd.DataFrame(rows), "precision": p, "recall": r, "f1": f,
            "field_accuracy": status_right / field_pairs if field_pairs else 1.0, "overlap_matched": field_pairs,
            "year_accuracy": float("nan"), "results": results, "quantity_misses": misses, "quantity_alarms": alarms}


def load_plans(directory: Any = None) -> tuple[dict[str, str], dict[str, int | None], pd.DataFrame]:
    """The plans set: (file → normalized text, file → plan_year, expected records).

    Texts are raw scrapes (full-width punctuation and digits); they and the
    expected quotes are normalized with :func:`policylens.normalize.normalize`,
    as any text from outside the corpus is.
    """
    from policylens.normalize import normalize

    folder = PLANS_DIR if directory is None else directory
    manifest = pd.read_csv(folder / "manifest.csv", dtype=str, keep_default_na=False, encoding="utf-8")
    texts: dict[str, str] = {}
    years: dict[str, int | None] = {}
    for row in manifest.itertuples():
        texts[row.file] = normalize((folder / f"{row.file}.txt").read_text(encoding="utf-8-sig")).text
        years[row.file] = int(row.plan_year) if row.plan_year.strip() else None
    gold = pd.read_csv(folder / "expected.csv", dtype=str, keep_default_na=False, encoding="utf-8")
    gold.insert(0, "doc_id", gold["file"])
    gold["quote"] = [normalize(q).text for q in gold["quote"]]
    for col in ("value", "value_low", "value_high"):
        gold[col] = pd.to_numeric(gold[col].replace("", None), errors="coerce")
    gold["target_year"] = pd.to_numeric(gold["target_year"].replace("", None), errors="coerce").astype("Int64")
    return texts, years, gold


def evaluate_plans(extract: Callable[[str, int | None], pd.DataFrame] = extract_targets,
                   directory: Any = None) -> dict[str, Any]:
    """Run the extractor on every whole plan document of the plans set; figures as :func:`evaluate`."""
    texts, years, gold = load_plans(directory)
    results = _run(extract, texts, years, gold, sorted(texts))
    rows = [_row(r.doc_id, [r]) for r in results] + [_row(f"overall ({len(texts)} documents)", results)]
    return _figures("plans set targets_plans/ (whole scraped plan documents, annotated blind)", results, rows)


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
    if "exact" in figures:
        lines.append(f"cases read exactly: {figures['exact']:.3f} ("
                     + ", ".join(f"{k} {v:.2f}" for k, v in figures["exact_by_class"].items()) + ")")
    if "quantity_misses" in figures:
        lines[-2] = (f"status right among quantities matched on quote, value, unit and comparator: "
                     f"{figures['field_accuracy']:.3f} of {figures['overlap_matched']}")
        lines.pop()
        if lists:
            for doc, g in figures["quantity_misses"]:
                lines.append(f"  [{doc}] miss         {g['status']:<8} {_fmt(g)}")
            for doc, p in figures["quantity_alarms"]:
                lines.append(f"  [{doc}] false alarm  {p['status']:<8} {_fmt(p)}  (cue: {p['cue']})")
    if "indicator_id_accuracy" in figures:
        lines.append(f"indicator_id right among matched with a canonical expectation: "
                     f"{figures['indicator_id_accuracy']:.3f} of {figures['indicator_id_total']}")
    if lists:
        for r in figures["results"]:
            if not (r.misses or r.false_alarms or r.wrong_fields):
                continue
            head = f"\n[{r.doc_id}]"
            if "texts" in figures:
                head += f" {figures['texts'][r.doc_id][:70]}"
            lines.append(head)
            for g in r.misses:
                lines.append(f"  miss         {_fmt(g)}")
            for p in r.false_alarms:
                lines.append(f"  false alarm  {_fmt(p)}")
            for p, g in r.wrong_fields:
                lines.append(f"  wrong fields {_fmt(p)}  (gold: {_fmt(g)})")
    return "\n".join(lines)


#: Evaluation sets in report order: name → function returning the figures.
SETS: dict[str, Callable[[], dict[str, Any]]] = {
    "gold": evaluate, "external": evaluate_external, "blind": evaluate_blind, "plans": evaluate_plans,
    "notation": evaluate_notation, "registers": evaluate_registers, "quantities": evaluate_quantities}


def acceptance(name: str, figures: dict[str, Any]) -> tuple[bool, str]:
    """Whether a set's figures meet its ``targets`` thresholds (``<set>.<figure>``), and the PASS/FAIL line."""
    bars = thresholds.for_set("targets", name)
    if not bars:
        return True, f"{name}: no acceptance threshold in thresholds.yaml (reported only)"
    ok = all(bar.passes(figures[figure]) for figure, bar in bars.items())
    shown = ", ".join(f"{figure} {bar.describe()}" for figure, bar in bars.items())
    return ok, f"{name} acceptance ({shown}): {'PASS' if ok else 'FAIL'}"


def main(argv: list[str] | None = None) -> int:
    """Print the figures; return 1 when a set misses its thresholds (or F1 is below ``--min-f1``)."""
    if argv and "--json" in argv:  # summary as JSON (policylens.evaluate.report)
        from policylens.evaluate import main as evaluate_main

        return evaluate_main(["targets", *argv])
    parser = argparse.ArgumentParser(prog="python -m policylens.evaluate targets", description=__doc__.split("\n")[0])
    parser.add_argument("--quiet", action="store_true", help="figures only, no lists of misses and false alarms")
    parser.add_argument("--min-f1", type=float, default=None,
                        help="exit 1 when the overall F1 of any evaluated set is below this")
    parser.add_argument("--set", choices=("gold", "external", "blind", "plans", "notation", "registers", "quantities",
                                              "all"),
                        default="all",
                        help="founding-corpus gold, the external excerpts, the blind excerpts, the whole plan "
                             "documents, the notation suite, the registers set (targets), the registers set "
                             "(every quantity with its status), or all (default)")
    args = parser.parse_args(argv)
    failed = False
    runs = [name for name in SETS if args.set in (name, "all")]
    for k, name in enumerate(runs):
        figures = SETS[name]()
        if k:
            print("\n" + "=" * 72 + "\n")
        print(report(figures, lists=not args.quiet))
        ok, line = acceptance(name, figures)
        print("\n" + line)
        if not ok or (args.min_f1 is not None and figures["f1"] < args.min_f1):
            failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
