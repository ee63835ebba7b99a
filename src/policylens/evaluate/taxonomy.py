"""Quality of the task taxonomy coder: leave-one-city-out (LOCO) and an external set.

**LOCO**: for each of the five founding plans, the model part of
:class:`TaskCoder` is trained on the other four and the held-out plan is coded;
the cue rules are fixed (hand-written from the codebook), so they are the same
in every fold. Reports accuracy, macro-F1 and Cohen's kappa overall and per
held-out city for the blended coder and for rules-only and model-only
baselines, per-domain precision/recall/F1, a confusion matrix and
secondary-domain agreement.

**External**: ``data/eval/taxonomy_external.csv``, ~240 task items written by
the developers in the style of plans *not* in the corpus (other cities and
years, 十四五 plans, work key points, 双减 / 县中 / 学前 / 数字化 / 产教融合
programmes ...), covering all 18 domains with the codebook's boundary cases and
noisy variants (Traditional characters, full-width forms, no heading, stray web
text). Gold domains were decided from the codebook before coding. They are
synthetic development items, not official gold; the coder is fitted on the
whole founding corpus and codes them as unseen text.

**Blind**: ``data/eval/taxonomy_blind.csv`` (note ``blind-2``), ~170 harder items
written *without looking at the coder's lexicon* and coded by the codebook before the
coder was run: long multi-topic task paragraphs whose primary domain takes most of
the text with distractor cues from other domains, generic headings (实施XX提升行动,
深化综合改革, 强化保障), missing headings, 十四五 plans and 2024-2025 要点 of other
cities, counties and provinces, staff/group vs action cases and statements acting on no
single area. Tranche 1 (137 items) was scored once before any tuning (accuracy 0.971,
macro-F1 0.971, kappa 0.969); it was then used to find general fixes, so tranche 2
(36 items, note ``tranche 2``, written after that tuning) is the fresh check
(0.972 on first run). Both are still developer-written: real plans are harder (a TF-IDF
baseline reaches ~0.45 there against ~0.76 here), so read these as upper bounds.

**Plans**: ``data/eval/taxonomy_plans.csv``, 124 items written in the register of real
education-bureau documents (long formulaic multi-clause paragraphs with slogan headings,
《》 document titles, agencies and 责任单位; provinces, cities and counties 2012-2025; all 18
domains, Traditional / full-width / web-text noise), coded from the codebook by a fresh-eyes
tester *before* reading the coder. First honest run: accuracy 0.935, macro-F1 0.921, kappa 0.931.
Reported separately; included in ``all``.

**Distant**: ``data/eval/taxonomy_distant.csv``, 187 task items written for issue 10 in the register of
plans far from the founding corpus, one class per ``source_style``: county plans, 2005-2012 plans
(两基, 普九, 十一五, 校安工程, 布局调整), Traditional mirror text with scraped annotations, plans of
education-and-sports bureaus (教体局, the ``sport`` domain), one-line pages (markers, breadcrumbs and
footers glued to the item, headings running into the body) and work items under a goal heading. Gold
was coded from the codebook before the set was scored; the first score per class is recorded in
``data/eval/taxonomy_distant.FIRST_SCORES.md`` (tranche 1: 0.863; tranche 2, note ``tranche 2``, written
after the first tuning round: 0.929, 0.905 against one corrected gold; tranche 3, written after all
tuning: 1.000). Reported per class.

Run: ``python -m policylens.evaluate taxonomy [--set loco|external|blind|plans|distant|all] [--errors]``.
"""
from __future__ import annotations

import argparse

import pandas as pd

from policylens import config, thresholds
from policylens.taxonomy import TaskCoder, load_training_data

MODES = ("blend", "rules", "model")
#: Developer-written synthetic items from plans outside the corpus (see module docstring).
EXTERNAL_PATH = config.EVAL / "taxonomy_external.csv"
EXTERNAL_COLUMNS = ("heading", "text", "domain", "secondary", "source_style", "note")
#: Harder blind items (tranche 1 scored before tuning; tranche 2 a fresh check); see module docstring.
BLIND_PATH = config.EVAL / "taxonomy_blind.csv"
#: Items in the register of real plans, coded before the coder was read (see module docstring).
PLANS_PATH = config.EVAL / "taxonomy_plans.csv"
#: Items in the register of distant plans (county, 2005-2012, mirrors, 教体局, one-line, goal items).
DISTANT_PATH = config.EVAL / "taxonomy_distant.csv"


def load_external(path=None) -> pd.DataFrame:
    """The external development set (columns :data:`EXTERNAL_COLUMNS`)."""
    frame = pd.read_csv(EXTERNAL_PATH if path is None else path, dtype=str, keep_default_na=False,
                        encoding="utf-8")
    missing = [c for c in EXTERNAL_COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"external set lacks columns {missing}")
    return frame


def load_blind(path=None) -> pd.DataFrame:
    """The blind set (same columns as the external set)."""
    return load_external(BLIND_PATH if path is None else path)


def load_plans(path=None) -> pd.DataFrame:
    """The real-plan-register set (same columns as the external set)."""
    return load_external(PLANS_PATH if path is None else path)


def load_distant(path=None) -> pd.DataFrame:
    """The distant-register set (same columns as the external set; class in ``source_style``)."""
    return load_external(DISTANT_PATH if path is None else path)


#: The developer-written item sets, in report order: name → loader.
ITEM_SETS = {"external": load_external, "blind": load_blind, "plans": load_plans, "distant": load_distant}


def external_predictions(external: pd.DataFrame | None = None, train: pd.DataFrame | None = None,
                         modes: tuple[str, ...] = MODES, **params) -> pd.DataFrame:
    """Code the external set with coders fitted on the whole founding corpus.

    Same columns as :func:`loco_predictions` (``doc_id`` is the item's
    ``source_style``, ``path`` its row number) plus ``note``.
    """
    external = load_external() if external is None else external
    train = load_training_data() if train is None else train
    out = pd.DataFrame({"doc_id": external["source_style"], "path": [str(i) for i in range(len(external))],
                        "heading": external["heading"], "gold": external["domain"],
                        "gold_secondary": external["secondary"], "note": external["note"]})
    units = external[["heading", "text"]]
    for mode in modes:
        coded = TaskCoder(mode=mode, **params).fit(train, train["domain"]).transform(units)
        out[f"pred_{mode}"] = coded["domain"].to_numpy()
        if mode == "blend":
            out["secondary_blend"] = coded["secondary_domains"].to_numpy()
            out["confidence_blend"] = coded["confidence"].to_numpy()
            out["evidence_blend"] = coded["evidence"].to_numpy()
            out["level_blend"] = coded["level"].to_numpy()
    return out


def loco_predictions(train: pd.DataFrame | None = None, modes: tuple[str, ...] = MODES,
                     **params) -> pd.DataFrame:
    """LOCO predictions: one row per coded unit with ``gold`` and ``pred_<mode>`` columns.

    Other columns: doc_id, path, heading, gold_secondary, and for the blend
    ``secondary_blend``, ``confidence_blend``, ``evidence_blend``, ``level_blend``.
    """
    train = load_training_data() if train is None else train
    parts = []
    for doc in sorted(train["doc_id"].unique()):
        fit_on, held = train[train["doc_id"] != doc], train[train["doc_id"] == doc]
        out = held[["doc_id", "path", "heading"]].copy()
        out["gold"] = held["domain"]
        out["gold_secondary"] = held["secondary"]
        for mode in modes:
            coded = TaskCoder(mode=mode, **params).fit(fit_on, fit_on["domain"]).transform(held)
            out[f"pred_{mode}"] = coded["domain"]
            if mode == "blend":
                out["secondary_blend"] = coded["secondary_domains"]
                out["confidence_blend"] = coded["confidence"]
                out["evidence_blend"] = coded["evidence"]
                out["level_blend"] = coded["level"]
        parts.append(out)
    return pd.concat(parts).reset_index(drop=True)


def loco_predictions_cached(modes: tuple[str, ...] = MODES, **params) -> pd.DataFrame:
    """:func:`loco_predictions` on the shipped training data, kept in the project cache (stage
    ``eval_taxonomy``).

    Recomputed when the coder's code, codebook or training data (package files), the modes,
    the parameters or the library versions change.
    """
    from policylens.cache import Cache

    return Cache().memo("eval_taxonomy", lambda: loco_predictions(modes=modes, **params),
                        "loco", list(modes), params)


def loco_summary_cached(modes: tuple[str, ...] = MODES, **params) -> pd.DataFrame:
    """:func:`summary_table` of :func:`loco_predictions_cached`, itself kept in the project cache
    (reading it needs neither a refit nor scikit-learn's metrics)."""
    from policylens.cache import Cache

    return Cache().memo("eval_taxonomy", lambda: summary_table(loco_predictions_cached(modes, **params), modes),
                        "loco summary", list(modes), params)


def scores(gold: pd.Series, pred: pd.Series) -> dict[str, float]:
    """Accuracy, macro-F1 (over labels in gold or predictions) and Cohen's kappa."""
    from sklearn.metrics import accuracy_score, cohen_kappa_score, f1_score  # 2 s to import: only when scoring

    return {"n": len(gold), "accuracy": accuracy_score(gold, pred),
            "macro_f1": f1_score(gold, pred, average="macro", zero_division=0),
            "kappa": cohen_kappa_score(gold, pred)}


def summary_table(pred: pd.DataFrame, modes: tuple[str, ...] = MODES, by_doc: bool = True) -> pd.DataFrame:
    """Rows: overall and (``by_doc``) each held-out city; columns: metric per mode."""
    rows = []
    groups = [("ALL", pred)] + ([(doc, g) for doc, g in pred.groupby("doc_id", sort=True)] if by_doc else [])
    for name, g in groups:
        row: dict[str, object] = {"held_out": name, "n": len(g)}
        for mode in modes:
            s = scores(g["gold"], g[f"pred_{mode}"])
            for key in ("accuracy", "macro_f1", "kappa"):
                row[f"{mode}_{key}"] = round(s[key], 3)
        rows.append(row)
    return pd.DataFrame(rows)


def per_domain_table(pred: pd.DataFrame, mode: str = "blend") -> pd.DataFrame:
    """Precision, recall, F1 and support per domain (gold labels and predicted labels)."""
    from sklearn.metrics import precision_recall_fscore_support

    labels = sorted(set(pred["gold"]) | set(pred[f"pred_{mode}"]))
    p, r, f, s = precision_recall_fscore_support(pred["gold"], pred[f"pred_{mode}"], labels=labels,
                                                 zero_division=0)
    return pd.DataFrame({"domain": labels, "precision": p.round(3), "recall": r.round(3),
                         "f1": f.round(3), "support": s})


def confusion_table(pred: pd.DataFrame, mode: str = "blend") -> pd.DataFrame:
    """Confusion matrix: gold domains in rows, predicted in columns."""
    labels = sorted(set(pred["gold"]) | set(pred[f"pred_{mode}"]))
    table = pd.crosstab(pd.Categorical(pred["gold"], labels), pd.Categorical(pred[f"pred_{mode}"], labels),
                        rownames=["gold"], colnames=["pred"], dropna=False)
    return table


def secondary_agreement(pred: pd.DataFrame) -> dict[str, float]:
    """Micro precision/recall/F1 of secondary domains (blend) against the gold ``secondary``."""
    tp = fp = fn = 0
    for gold, got in zip(pred["gold_secondary"], pred["secondary_blend"]):
        g = set(filter(None, str(gold).split(";")))
        s = set(filter(None, str(got).split(";")))
        tp, fp, fn = tp + len(g & s), fp + len(s - g), fn + len(g - s)
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}


def _print_report(pred: pd.DataFrame, summary: pd.DataFrame, errors: bool) -> None:
    for mode in MODES:
        cols = ["held_out", "n"] + [f"{mode}_{k}" for k in ("accuracy", "macro_f1", "kappa")]
        print(f"== {mode} ==")
        print(summary[cols].rename(columns=lambda c, m=mode: c.replace(f"{m}_", "")).to_string(index=False))
        print()
    decided = pred["evidence_blend"].str.split(":").str[0].value_counts().sort_index()
    print("blend decisions by: " + ", ".join(f"{k} {v}" for k, v in decided.items()))
    print("\n== per-domain (blend) ==")
    print(per_domain_table(pred).to_string(index=False))
    print("\n== confusion matrix (blend; rows gold, columns predicted) ==")
    print(confusion_table(pred).to_string())
    sec = secondary_agreement(pred)
    print(f"\nsecondary domains (blend, micro): precision {sec['precision']:.3f}, "
          f"recall {sec['recall']:.3f}, F1 {sec['f1']:.3f}")
    print("level facet (blend): " + ", ".join(f"{k} {v}" for k, v in
                                               pred["level_blend"].value_counts().sort_index().items()))
    if errors:
        print("\n== errors (blend) ==")
        for _, r in pred[pred["gold"] != pred["pred_blend"]].iterrows():
            print(f"{r.doc_id} {r.path} {r.heading}: gold {r.gold}, got {r.pred_blend} | {r.evidence_blend}")


_NOISY = "traditional|full-width|no heading|web text"


def _noise_splits(pred: pd.DataFrame) -> tuple[tuple[str, pd.DataFrame], ...]:
    """Noisy variants (Traditional, full-width, no heading, web text) against clean items."""
    noisy = pred["note"].str.contains(_NOISY, regex=True)
    return ("noisy variants", pred[noisy]), ("clean items", pred[~noisy])


def _tranche_splits(pred: pd.DataFrame) -> tuple[tuple[str, pd.DataFrame], ...]:
    """The blind set's tranche scored before tuning against the fresh check written after it."""
    fresh = pred["note"].str.contains("tranche 2", regex=False)
    return (("tranche 1 (scored once before tuning: 0.971)", pred[~fresh]),
            ("tranche 2 (fresh check after tuning)", pred[fresh]))


def _class_splits(pred: pd.DataFrame) -> tuple[tuple[str, pd.DataFrame], ...]:
    """One split per register class (the item's ``source_style``)."""
    return tuple((f"class {name}", g) for name, g in pred.groupby("doc_id", sort=True))


def main(argv: list[str] | None = None) -> int:
    """Print the LOCO and/or external report; exit 1 when an acceptance threshold is missed."""
    if argv and "--json" in argv:  # summary as JSON (policylens.evaluate.report)
        from policylens.evaluate import main as evaluate_main

        return evaluate_main(["taxonomy", *argv])
    parser = argparse.ArgumentParser(prog="python -m policylens.evaluate taxonomy", description=__doc__.split("\n")[0])
    parser.add_argument("--set", choices=("loco", "external", "blind", "plans", "distant", "all"), default="all",
                        help="which evaluation to run (default: LOCO, then the external and blind sets)")
    parser.add_argument("--errors", action="store_true", help="list every misclassified unit with its evidence")
    bar = lambda name: thresholds.minimum("taxonomy", name)  # noqa: E731 (defaults from thresholds.yaml)
    parser.add_argument("--min-accuracy", type=float, default=bar("loco.accuracy"))
    parser.add_argument("--min-macro-f1", type=float, default=bar("loco.macro_f1"))
    parser.add_argument("--min-external-accuracy", type=float, default=bar("external.accuracy"))
    parser.add_argument("--min-blind-accuracy", type=float, default=bar("blind.accuracy"))
    parser.add_argument("--min-plans-accuracy", type=float, default=bar("plans.accuracy"))
    parser.add_argument("--min-distant-accuracy", type=float, default=bar("distant.accuracy"))
    args = parser.parse_args(argv)
    pd.set_option("display.width", 200)
    pd.set_option("display.max_columns", 30)
    ok = True

    if args.set in ("loco", "all"):
        pred = loco_predictions()
        summary = summary_table(pred)
        print("Task taxonomy: leave-one-city-out cross-validation "
              f"({len(pred)} coded units, {pred['doc_id'].nunique()} plans)")
        print("blend = rules decide when clear, else rules+model; rules = cue rules only; "
              "model = TF-IDF + logistic regression only\n")
        _print_report(pred, summary, args.errors)
        overall = summary.iloc[0]
        passed = overall["blend_accuracy"] >= args.min_accuracy and overall["blend_macro_f1"] >= args.min_macro_f1
        print(f"\nLOCO acceptance (accuracy >= {args.min_accuracy}, macro-F1 >= {args.min_macro_f1}): "
              f"{'PASS' if passed else 'FAIL'}")
        ok = ok and passed

    source = EXTERNAL_PATH.relative_to(config.ROOT) if EXTERNAL_PATH.is_relative_to(config.ROOT) else EXTERNAL_PATH.name
    synthetic_sets = (  # name, loader, threshold, splits, title ({n} items, {k} domains), source
        ("external", load_external, args.min_external_accuracy, _noise_splits,
         "Task taxonomy: external development set ({n} developer-written synthetic items "
         "from plans outside the corpus, {k} domains; not official gold)", source),
        ("blind", load_blind, args.min_blind_accuracy, _tranche_splits,
         "Task taxonomy: blind set ({n} harder developer-written items, {k} "
         "domains; gold coded from the codebook before the coder was run; reported separately)", BLIND_PATH.name),
        ("plans", load_plans, args.min_plans_accuracy, _noise_splits,
         "Task taxonomy: plans set ({n} items in the register of real plans, "
         "{k} domains; coded from the codebook before the coder was read; first honest run 0.935)", PLANS_PATH.name),
        ("distant", load_distant, args.min_distant_accuracy, _class_splits,
         "Task taxonomy: distant set ({n} items in the register of county, 2005-2012, mirror, "
         "education-and-sports-bureau, one-line and goal-item pages, {k} domains; reported per class)",
         DISTANT_PATH.name),
    )
    for name, loader, threshold, splits, title, origin in synthetic_sets:
        if args.set not in (name, "all"):
            continue
        pred = external_predictions(loader())
        summary = summary_table(pred, by_doc=False)
        if args.set == "all":
            print("\n" + "=" * 78 + "\n")
        print(title.format(n=len(pred), k=pred["gold"].nunique()))
        print(f"source: {origin}; coder fitted on the whole founding corpus\n")
        _print_report(pred, summary, args.errors)
        for label, part in splits(pred):
            if len(part):
                s = scores(part["gold"], part["pred_blend"])
                extra = f", macro-F1 {s['macro_f1']:.3f}, kappa {s['kappa']:.3f}" if splits is _tranche_splits else ""
                print(f"{label}: n {s['n']}, accuracy {s['accuracy']:.3f}{extra}")
        overall = summary.iloc[0]
        bars = thresholds.for_set("taxonomy", name)  # accuracy (overridable by --min-NAME-accuracy), macro_f1
        passed = bool(overall["blend_accuracy"] >= threshold)
        shown = [f"accuracy >= {threshold}"]
        if "macro_f1" in bars:
            passed = passed and bars["macro_f1"].passes(overall["blend_macro_f1"])
            shown.append(f"macro-F1 {bars['macro_f1'].describe()}")
        print(f"\n{name} acceptance ({', '.join(shown)}): {'PASS' if passed else 'FAIL'}")
        ok = ok and passed
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
