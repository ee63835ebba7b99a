"""Rebuild ``data/processed/`` from ``data/raw/``: ``policylens build``.

Every document is read once as a :class:`policylens.Plan` and the per-document
stages (cleaning, outline units, coded tasks, targets) read it; the
corpus-wide stages (topics, keyness) run once after. Outputs are deterministic
(sorted rows, no timestamps, no absolute paths). A document that cannot be read
or parsed is reported with file, line and reason and left out; the rest of the
corpus still builds (exit status 1 then).
"""
from __future__ import annotations

import sys
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from policylens import config
from policylens.corpus import CLEANING_COLUMNS, DOCUMENT_COLUMNS, FINDING_COLUMNS, CorpusError, find_inconsistencies
from policylens.document import Plan
from policylens.io import write_bytes_atomic, write_csv
from policylens.schema import markdown

OFFSET_COLUMNS = ("doc_id", "clean_start", "raw_start", "length")
TASK_COLUMNS = ("doc_id", "seq", "path", "kind", "heading", "body", "domain", "secondary_domains", "confidence",
                "level", "evidence")
TASK_TOPIC_COLUMNS = ("doc_id", "seq", "path", "kind", "heading", "domain", "topic", "topic_weight", "topic_label",
                      "topic_stable", "landing", "flagged")


def offset_runs(doc_id: str, offsets) -> list[tuple[str, int, int, int]]:
    """Compress a cleaned→raw offset map into runs ``(doc_id, clean_start, raw_start, length)``."""
    offsets = np.asarray(offsets, dtype=np.int64)
    if not len(offsets):
        return []
    breaks = np.flatnonzero(np.diff(offsets) != 1) + 1
    starts = np.concatenate(([0], breaks))
    lengths = np.diff(np.concatenate((starts, [len(offsets)])))
    return [(doc_id, int(s), int(offsets[s]), int(k)) for s, k in zip(starts, lengths)]


# --------------------------------------------------------------------------
# per-document stages: each reads the Plan


def plan_year_for(meta: dict | pd.Series) -> int | None:
    """The year targets of a one-year plan default to; None for a multi-year plan (years come from its text)."""
    return None if meta["doc_type"] == "multi_year_action_plan" else int(meta["plan_start_year"])


def document_row(plan: Plan, findings: list) -> dict:
    """The plan's row of ``documents.csv``: manifest metadata and what cleaning did."""
    return {**plan.meta, "encoding": plan.encoding, "raw_chars": len(plan.raw), "clean_chars": len(plan.text),
            "removed_chars": len(plan.raw) - len(plan.text), "traditional_converted": plan.traditional_converted,
            "title_removed": plan.title, "page_date": plan.page_date, "rules_fired": plan.rules_fired,
            "findings": ";".join(f"{f.code}: {f.message}" for f in findings)}


def plan_tasks(plan: Plan) -> pd.DataFrame:
    """The plan's task and safeguard units coded into the codebook (``tasks.csv`` rows)."""
    from policylens.taxonomy import code_tasks

    units = plan.units
    coded = units[units["kind"].isin(["task", "safeguard"])]
    coded = coded[["seq", "path", "kind", "heading", "body"]].assign(text=coded["body"])
    coded.insert(0, "doc_id", plan.doc_id)
    coded = code_tasks(coded)
    return coded[list(TASK_COLUMNS)].reset_index(drop=True)


def plan_targets(plan: Plan, tasks: pd.DataFrame) -> pd.DataFrame:
    """The plan's targets with the unit each stands in and that unit's domain (``targets.csv`` rows)."""
    from policylens.targets import TARGET_COLUMNS, extract_targets

    found = extract_targets(plan, plan_year_for(plan.meta))  # a Plan: review sections and unit paths from its units
    units = plan.units.sort_values("start", kind="stable")
    if "unit_path" not in found.columns:  # older extract_targets: find the unit by offset
        starts, ends = units["start"].to_numpy(), units["end"].to_numpy()
        pos = found["start"].to_numpy(dtype=np.int64)
        i = np.searchsorted(starts, pos, side="right") - 1
        inside = (i >= 0) & (pos < ends[np.clip(i, 0, None)]) if len(starts) else np.zeros(len(pos), bool)
        paths = units["path"].to_numpy()
        found.insert(0, "unit_path", [paths[j] if ok else "" for j, ok in zip(i, inside)])
    kinds = dict(zip(units["path"], units["kind"]))
    domains = dict(zip(tasks["path"], tasks["domain"]))
    found = found.drop(columns=[c for c in ("unit_kind", "domain") if c in found.columns])
    found.insert(1, "unit_kind", found["unit_path"].map(kinds).fillna(""))
    found.insert(2, "domain", [domains.get(p, "") for p in found["unit_path"]])
    found.insert(0, "doc_id", plan.doc_id)
    columns = ["doc_id", "unit_path", "unit_kind", "domain", *TARGET_COLUMNS]
    return found[columns].reset_index(drop=True)


@dataclass
class DocResult:
    """Everything the per-document stages produce for one plan (or the error that stopped it)."""

    doc_id: str
    document: dict | None = None
    cleaning: list[tuple] = field(default_factory=list)
    findings: list[tuple] = field(default_factory=list)
    offsets: list[tuple] = field(default_factory=list)
    text: str = ""
    units: pd.DataFrame | None = None
    tasks: pd.DataFrame | None = None
    targets: pd.DataFrame | None = None
    errors: list[str] = field(default_factory=list)


def process_document(meta: dict, raw_dir: Path) -> DocResult:
    """Read one plan and run every per-document stage on it; a bad file gives a result with its error."""
    doc_id = str(meta["doc_id"])
    out = DocResult(doc_id)
    try:
        plan = Plan.from_file(Path(raw_dir) / f"{doc_id}.txt", **meta)
        if not plan.text.strip():
            raise CorpusError(plan.path, "nothing left after cleaning: the file holds only web-page chrome")
    except CorpusError as exc:
        out.errors.append(str(exc))
        return out
    found = find_inconsistencies(doc_id, plan.text, str(meta.get("published_date") or ""),
                                 int(meta["plan_start_year"]), plan.page_date)
    out.document = document_row(plan, found)
    out.cleaning = [(doc_id, h.rule_id, h.kind, h.count, h.removed_chars, h.example, h.reason) for h in plan.hits]
    out.findings = [(f.doc_id, f.code, f.message) for f in found]
    out.offsets = [(doc_id, *run) for run in plan.offset_runs()]
    out.text = plan.text
    where = f"{Path(raw_dir).name}/{doc_id}.txt"
    out.errors += [f"{where}: {note}" for note in plan.structure_notes]
    if plan.units.empty:
        out.errors.append(f"{where}: no units found (empty after cleaning)")
        return out
    units = plan.units.copy()
    units.insert(0, "doc_id", doc_id)
    out.units = units
    out.tasks = plan_tasks(plan)
    out.targets = plan_targets(plan, out.tasks)
    return out


# --------------------------------------------------------------------------
# corpus-wide tables


def _concat(frames: list[pd.DataFrame | None], columns: list[str]) -> pd.DataFrame:
    frames = [f for f in frames if f is not None and not f.empty]
    return (pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns))[columns]


def corpus_tables(results: list[DocResult]) -> dict[str, pd.DataFrame]:
    """documents, cleaning_report, findings, offset_map, units, tasks and targets from per-document results."""
    from policylens.structure import UNIT_COLUMNS
    from policylens.targets import TARGET_COLUMNS

    ok = sorted((r for r in results if r.document is not None), key=lambda r: r.doc_id)
    documents = pd.DataFrame([r.document for r in ok], columns=list(DOCUMENT_COLUMNS))
    findings = pd.DataFrame([f for r in ok for f in r.findings], columns=list(FINDING_COLUMNS))
    targets = _concat([r.targets for r in ok], ["doc_id", "unit_path", "unit_kind", "domain", *TARGET_COLUMNS])
    targets["target_year"] = targets["target_year"].astype("Int64")
    return {
        "documents.csv": documents,
        "cleaning_report.csv": pd.DataFrame([c for r in ok for c in r.cleaning], columns=list(CLEANING_COLUMNS)),
        "findings.csv": findings.sort_values(["doc_id", "code"], kind="stable"),
        "offset_map.csv": pd.DataFrame([o for r in ok for o in r.offsets], columns=list(OFFSET_COLUMNS)),
        "units.csv": _concat([r.units for r in ok], ["doc_id", *UNIT_COLUMNS]),
        "tasks.csv": _concat([r.tasks for r in ok], list(TASK_COLUMNS)),
        "targets.csv": targets,
    }


def build_topics(tasks: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """``topics.csv``, ``topic_selection.csv``, ``topic_summary.csv``, ``task_topics.csv`` and ``keyness.csv``.

    The task texts are tokenized once (the topic model, its stability refits and keyness share the
    tokens). Raises :class:`policylens.topics.TooFewTasksError` when the corpus is too small for topics.
    """
    from policylens.tokens import unit_tokens
    from policylens.topics import TopicModel, keyness

    units = tasks.assign(text=tasks["body"])
    model = TopicModel(random_state=config.SEED)
    task_topics = model.fit_transform(units)
    fitted = model._fit_units(task_topics).index
    stability = model.unit_stability_.set_index(fitted)
    task_topics["landing"] = stability["landing"].reindex(task_topics.index)
    task_topics["flagged"] = stability["flagged"].reindex(task_topics.index).fillna(False).astype(bool)
    tokens = [unit_tokens(h, t) for h, t in zip(units["heading"], units["text"])]
    return {
        "topics.csv": model.topics_,
        "topic_selection.csv": model.selection_,
        "topic_summary.csv": model.topic_summary_,
        "task_topics.csv": task_topics[list(TASK_TOPIC_COLUMNS)],
        "keyness.csv": keyness(units, by="doc_id", tokens=tokens),
    }


def build(out: Path | None = None, raw_dir: Path | None = None, progress: bool = True) -> list[str]:
    """Run every stage into ``out`` (default ``data/processed``); return the error messages."""
    from policylens.corpus import read_manifest

    out = Path(out or config.DATA_PROCESSED)
    raw_dir = Path(raw_dir or config.DATA_RAW)
    out.mkdir(parents=True, exist_ok=True)
    manifest_errors: list[CorpusError] = []
    meta = read_manifest(raw_dir / "manifest.csv", raw_dir, errors=manifest_errors)
    rows = meta.to_dict("records")
    if progress:
        from tqdm.auto import tqdm

        rows = tqdm(rows, desc="documents 文档", unit="doc")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        results = [process_document(row, raw_dir) for row in rows]
    errors = [str(e) for e in manifest_errors] + [e for r in results for e in r.errors]
    tables = corpus_tables(results)
    for name, table in tables.items():
        write_csv(table, out / name)
    kept = {r.doc_id for r in results if r.document is not None}
    for r in results:
        if r.document is not None:
            write_bytes_atomic(r.text.encode("utf-8") + b"\n", out / "clean" / f"{r.doc_id}.txt")
    for stale in (out / "clean").glob("*.txt"):  # a document dropped from the manifest leaves no old text behind
        if stale.stem not in kept:
            stale.unlink()
    if progress:
        print("topics: fitting and choosing the number of topics 主题模型 …", file=sys.stderr)
    for name, table in build_topics(tables["tasks.csv"]).items():
        write_csv(table, out / name)
    write_bytes_atomic(markdown().encode("utf-8"), out / "SCHEMA.md")
    return errors


def main(argv: list[str] | None = None) -> int:
    """``python -m policylens.build`` = ``policylens build``."""
    from policylens.cli import main as cli_main

    return cli_main(["build", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    raise SystemExit(main())
