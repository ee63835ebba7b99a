"""Every stage's quality figures as one JSON-able summary (``policylens evaluate STAGE --json``).

:func:`summary` runs a stage's evaluation on every set it has and returns plain numbers
(floats to 10 decimals), the thresholds of ``thresholds.yaml`` that apply and whether they
are met. Nothing in it depends on the machine or the time, so the same code and data give the
same JSON: ``reports/quality.json`` is committed, and ``tools/readme_quality.py`` renders the
README's quality table from it.
"""
from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import Any

from policylens import config, thresholds

__all__ = ["STAGES", "summary", "summaries", "dumps", "QUALITY_JSON", "markdown_table", "replace_block",
           "TABLE_BEGIN", "TABLE_END"]

STAGES = ("structure", "taxonomy", "targets", "topics")
#: The committed summary of every stage (read by ``tools/readme_quality.py``).
QUALITY_JSON = config.ROOT / "reports" / "quality.json"


def _num(value: Any) -> Any:
    """A JSON-safe number: ints stay ints, floats rounded to 10 decimals (no double rounding when shown), NaN → None."""
    if value is None:
        return None
    if hasattr(value, "item"):  # numpy scalar
        value = value.item()
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) else round(value, 10)
    return value


def _with_bars(stage: str, set_name: str, figures: dict[str, Any]) -> dict[str, Any]:
    """Figures plus the set's thresholds (``figure: ">= 0.90"``) and ``pass`` (None without thresholds)."""
    bars = thresholds.for_set(stage, set_name)
    out = {k: _num(v) for k, v in figures.items()}
    out["thresholds"] = {name: bar.describe() for name, bar in bars.items()}
    out["pass"] = all(bar.passes(figures[name]) for name, bar in bars.items()) if bars else None
    return out


# --------------------------------------------------------------------------- structure

def structure_sets() -> list[str]:
    """gold, synthetic, then every ``data/eval/structure_NAME/`` with an ``expected.csv``."""
    named = sorted(p.name.removeprefix("structure_") for p in config.EVAL.glob("structure_*")
                   if (p / "expected.csv").is_file())
    return ["gold", "synthetic", *named]


def structure_summary() -> dict[str, Any]:
    """Units with the right path and kind, per set (gold: also the worst founding plan)."""
    from policylens.evaluate import structure as ev

    out: dict[str, Any] = {}
    for name in structure_sets():
        if name == "gold":
            table = ev.evaluate()
        else:
            texts, expected = ev.load_synthetic(ev.set_folder(name))
            table = ev.agreement(ev.parse_corpus(texts), expected)
        total = table.iloc[-1]
        figures = {"documents": len(table) - 1, "units": int(total["gold_units"]), "agree": int(total["agree"]),
                   "agreement": float(total["agreement"]), "heading_agree": float(total["heading_agree"]),
                   "extra_units": int(total["extra_units"]), "extra_task_units": int(total["extra_task_units"])}
        if name == "gold":
            figures["min_plan_agreement"] = float(table["agreement"].iloc[:-1].min())
        out[name] = _with_bars("structure", name, figures)
        if name == "gold":  # the bar holds for every founding plan
            bar = thresholds.threshold("structure", "gold.agreement")
            out[name]["pass"] = bool(out[name]["pass"] and all(bar.passes(v) for v in table["agreement"]))
    return out


# --------------------------------------------------------------------------- taxonomy

def taxonomy_summary() -> dict[str, Any]:
    """Accuracy, macro-F1 and κ of the blended coder (and the model alone) for LOCO and every item set."""
    from policylens.evaluate import taxonomy as ev

    out: dict[str, Any] = {}
    pred = ev.loco_predictions()
    row = ev.summary_table(pred, by_doc=False).iloc[0]
    out["loco"] = _with_bars("taxonomy", "loco", {
        "units": len(pred), "plans": int(pred["doc_id"].nunique()), "accuracy": row["blend_accuracy"],
        "macro_f1": row["blend_macro_f1"], "kappa": row["blend_kappa"], "rules_accuracy": row["rules_accuracy"],
        "model_accuracy": row["model_accuracy"], "model_macro_f1": row["model_macro_f1"]})
    for name, loader in ev.ITEM_SETS.items():
        pred = ev.external_predictions(loader())
        row = ev.summary_table(pred, by_doc=False).iloc[0]
        out[name] = _with_bars("taxonomy", name, {
            "items": len(pred), "domains": int(pred["gold"].nunique()), "accuracy": row["blend_accuracy"],
            "macro_f1": row["blend_macro_f1"], "kappa": row["blend_kappa"], "model_accuracy": row["model_accuracy"]})
    return out


# --------------------------------------------------------------------------- targets

def targets_summary() -> dict[str, Any]:
    """Precision, recall, F1, field and year accuracy of the extractor on every set."""
    from policylens.evaluate import targets as ev

    out: dict[str, Any] = {}
    for name, run in ev.SETS.items():
        figures = run()
        results, overall = figures["results"], figures["table"].iloc[-1]  # the table ends with the overall row
        keep = {"gold": int(overall["gold"]), "predicted": int(overall["pred"]), "precision": figures["precision"],
                "recall": figures["recall"], "f1": figures["f1"], "field_accuracy": figures["field_accuracy"],
                "year_accuracy": figures["year_accuracy"]}
        if results:  # per-document matching (the quantities set counts quantities only)
            keep["documents"] = len(results)
        for extra in ("exact", "indicator_id_accuracy"):
            if extra in figures:
                keep[extra] = figures[extra]
        out[name] = _with_bars("targets", name, keep)
    return out


# --------------------------------------------------------------------------- topics

#: Refits of the topic model for the stability figures (as ``policylens evaluate topics`` by default).
REFITS = 30


def topics_summary() -> dict[str, Any]:
    """The topic model on the build's task units, through public :class:`TopicModel` attributes only."""
    from policylens.evaluate.topics import default_units
    from policylens.topics import TopicModel

    model = TopicModel(random_state=config.SEED, stability_runs=REFITS).fit(default_units())
    refits = model.refits_
    figures = {"units": int(model.n_fit_units_), "k": int(model.n_topics_),
               "k_reproduced": float(model.selection_["reproduced"].iloc[0]),
               "stable_topics": int(model.stable_.sum()), "stable_share": float(model.stable_share_),
               "ami": float(refits["ami"].mean()), "ari": float(refits["ari"].mean()),
               "coherence": float(model.coherence_),
               "flagged_share": float(model.unit_stability_["flagged"].mean())}
    bars = {name: bar for name, bar in thresholds.load().topics.items()
            if "." not in name and name in figures}
    out = {k: _num(v) for k, v in figures.items()}
    out["refits"] = int(len(refits))
    out["thresholds"] = {name: bar.describe() for name, bar in bars.items()}
    out["pass"] = all(bar.passes(figures[name]) for name, bar in bars.items())
    return {"build": out}


SUMMARIES: dict[str, Callable[[], dict[str, Any]]] = {
    "structure": structure_summary, "taxonomy": taxonomy_summary,
    "targets": targets_summary, "topics": topics_summary}


def summary(stage: str) -> dict[str, Any]:
    """The JSON-able summary of one stage: ``{set: {figure: value, …, "thresholds": …, "pass": …}}``."""
    if stage not in SUMMARIES:
        raise KeyError(f"unknown stage {stage!r} (known: {', '.join(SUMMARIES)})")
    return SUMMARIES[stage]()


def summaries(stages: tuple[str, ...] = STAGES) -> dict[str, Any]:
    """Summaries of several stages, keyed by stage."""
    return {stage: summary(stage) for stage in stages}


def dumps(data: dict[str, Any]) -> str:
    """Deterministic JSON text (sorted keys, UTF-8 characters kept, final newline)."""
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


# --------------------------------------------------------------------------- README table

#: What each set is, for the README table (sets not listed are shown by name).
SET_NOTES: dict[tuple[str, str], str] = {
    ("structure", "gold"): "founding plans vs hand-segmented gold",
    ("structure", "synthetic"): "synthetic plans in other outline styles",
    ("structure", "pages"): "outline excerpts in the register of real pages",
    ("structure", "pages2"): "a second batch of page excerpts (scored before tuning on it)",
    ("structure", "pages3"): "a third batch of page excerpts",
    ("taxonomy", "loco"): "founding tasks, leave-one-city-out",
    ("taxonomy", "external"): "developer-written items of other plans",
    ("taxonomy", "blind"): "harder items written blind to the lexicon",
    ("taxonomy", "plans"): "items in the register of real plans",
    ("taxonomy", "distant"): "county, 2005-2012, mirror and one-line pages",
    ("targets", "gold"): "founding plans vs gold records",
    ("targets", "external"): "excerpts of other plans",
    ("targets", "blind"): "excerpts annotated before the extractor ran",
    ("targets", "plans"): "whole scraped-style plan documents",
    ("targets", "notation"): "one sentence per notation class",
    ("targets", "registers"): "reports mixed with commitments (target rows)",
    ("targets", "quantities"): "every quantity of the registers set, with its status",
    ("topics", "build"): "the build's task units, 30 refits on 90% subsamples",
}
#: Set order within a stage (others follow alphabetically).
SET_ORDER = ("gold", "loco", "synthetic", "external", "blind", "plans", "pages", "distant", "notation", "registers")
TABLE_BEGIN = "<!-- quality-table:begin (generated by tools/readme_quality.py from reports/quality.json; do not edit) -->"
TABLE_END = "<!-- quality-table:end -->"


def _figures_text(stage: str, f: dict[str, Any]) -> str:
    """The figures of one set in words."""
    if stage == "structure":
        text = (f"{f['agree']}/{f['units']} units with the right path and kind ({100 * f['agreement']:.1f}%) "
                f"in {f['documents']} documents; extra task units {f['extra_task_units']}")
        if "min_plan_agreement" in f:
            text += f"; worst plan {100 * f['min_plan_agreement']:.1f}%"
        return text
    if stage == "taxonomy":
        n = f"{f['units']} units, {f['plans']} plans" if "units" in f else f"{f['items']} items"
        return (f"accuracy {f['accuracy']:.3f}, macro-F1 {f['macro_f1']:.3f}, κ {f['kappa']:.3f} "
                f"(model alone {f['model_accuracy']:.3f}); {n}")
    if stage == "targets":
        where = f" in {f['documents']} documents" if "documents" in f else ""
        right = "value, unit and comparator" if "documents" in f else "status"
        text = (f"P {f['precision']:.3f}, R {f['recall']:.3f}, F1 {f['f1']:.3f}; {right} right "
                f"{f['field_accuracy']:.3f}; {f['gold']} expected{' records' if where else ' quantities'}{where}")
        if "exact" in f:
            text += f"; cases read exactly {f['exact']:.3f}"
        return text
    if stage == "topics":
        return (f"k = {f['k']} ({f['units']} tasks); {f['stable_topics']} stable topics holding "
                f"{100 * f['stable_share']:.1f}% of the tasks; AMI {f['ami']:.3f}; NPMI@10 {f['coherence']:.3f}; "
                f"{100 * f['flagged_share']:.1f}% of tasks flagged")
    return ", ".join(f"{k} {v}" for k, v in f.items() if k not in ("thresholds", "pass"))


def _order(names: list[str]) -> list[str]:
    return sorted(names, key=lambda n: (SET_ORDER.index(n) if n in SET_ORDER else len(SET_ORDER), n))


def markdown_table(data: dict[str, Any]) -> str:
    """The README quality table of a :func:`summaries` result (Markdown, deterministic)."""
    lines = ["| stage | set | command | figures | acceptance |", "|---|---|---|---|---|"]
    for stage in [s for s in STAGES if s in data]:
        for name in _order(list(data[stage])):
            f = data[stage][name]
            note = SET_NOTES.get((stage, name), name)
            command = (f"`policylens evaluate {stage}`" if stage == "topics"
                       else f"`policylens evaluate {stage} --set {name}`")
            bars = ", ".join(f"{k} {v}" for k, v in f["thresholds"].items())
            verdict = "reported only" if f["pass"] is None else ("**met**" if f["pass"] else "**not met**")
            accept = f"{verdict} ({bars})" if bars else verdict
            lines.append(f"| {stage} | {name}: {note} | {command} | {_figures_text(stage, f)} | "
                         f"{accept.replace('|', '/')} |")
    return "\n".join(lines) + "\n"


def replace_block(text: str, table: str) -> str:
    """``text`` (the README) with the block between the table markers replaced by ``table``."""
    start, end = text.find(TABLE_BEGIN), text.find(TABLE_END)
    if start < 0 or end < start:
        raise ValueError(f"README: the markers {TABLE_BEGIN!r} … {TABLE_END!r} are missing")
    return text[:start] + TABLE_BEGIN + "\n" + table + text[end:]
