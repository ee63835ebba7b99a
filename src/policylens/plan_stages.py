"""The per-document stages: one Plan's rows of every per-document table.

Each stage reads the :class:`policylens.Plan` built once per document (clean → units →
tasks → targets, quantities). :func:`run_document` is pure — no file access — so the
build runs it in local processes or on Dask workers alike; :func:`assemble` turns its
results into a :class:`DocResult`, the rows one document contributes.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from policylens.corpus import CorpusError
from policylens.document import Plan

TASK_COLUMNS = ("doc_id", "seq", "path", "kind", "heading", "body", "domain", "secondary_domains", "confidence",
                "level", "evidence", "needs_review")

_STR = pd.api.types.pandas_dtype("str")   # pandas' string dtype, looked up once

#: Document types whose targets take their years from the text, never from the plan's start year.
MULTI_YEAR_TYPES = frozenset({"multi_year_action_plan", "development_plan"})


def plan_year_for(meta: dict | pd.Series) -> int | None:
    """The year targets of a one-year plan default to; None for a multi-year plan (years come from its text)."""
    if meta["doc_type"] in MULTI_YEAR_TYPES or int(meta["plan_end_year"]) != int(meta["plan_start_year"]):
        return None
    return int(meta["plan_start_year"])


def document_row(plan: Plan, findings: list) -> dict:
    """The plan's row of ``documents.csv``: manifest metadata and what cleaning did."""
    return {**plan.meta, "encoding": plan.encoding, "raw_chars": len(plan.raw), "clean_chars": len(plan.text),
            "removed_chars": len(plan.raw) - len(plan.text), "traditional_converted": plan.traditional_converted,
            "title_removed": plan.title, "page_date": plan.page_date, "rules_fired": plan.rules_fired,
            "findings": ";".join(f"{f.code}: {f.message}" for f in findings)}


def plan_tasks(plan: Plan) -> pd.DataFrame:
    """The plan's priority units coded into the codebook (``tasks.csv`` rows): task and safeguard units, and
    numbered work items under a goal heading (``policylens.taxonomy.code_units``, column ``priority_unit``)."""
    from policylens.taxonomy.units import code_priority_units

    values = {c: plan.units[c]._values for c in TASK_COLUMNS[1:6]}   # seq, path, kind, heading, body
    keep, coded = code_priority_units([str(k) for k in values["kind"].tolist()], values["heading"].tolist(),
                                      values["body"].tolist(), values["path"].tolist())
    # the frame in one step: the rows and dtypes of code_units(units)[priority_unit] with doc_id first
    arrays = [pd.array([plan.doc_id] * len(keep), dtype=_STR), *(values[c][keep] for c in TASK_COLUMNS[1:6]),
              *(coded[c] for c in TASK_COLUMNS[6:])]
    return pd.DataFrame._from_arrays(arrays, columns=pd.Index(list(TASK_COLUMNS)), index=pd.RangeIndex(len(keep)),
                                     verify_integrity=False)


def plan_targets(plan: Plan, tasks: pd.DataFrame, quantities: pd.DataFrame | None = None) -> pd.DataFrame:
    """The plan's targets with the unit each stands in and that unit's domain (``targets.csv`` rows).

    ``quantities`` (the plan's ``quantities.csv`` rows) saves a second extraction: the targets are its
    rows with status ``target``.
    """
    from policylens.targets import TARGET_COLUMNS, plan_quantities, targets_of

    if quantities is None:
        quantities = plan_quantities(plan, plan_year_for(plan.meta))
    found = targets_of(quantities)
    kinds = dict(zip(plan.units["path"], plan.units["kind"]))
    domains = dict(zip(tasks["path"], tasks["domain"]))
    paths = found["unit_path"].tolist()
    return pd.DataFrame({"doc_id": [plan.doc_id] * len(found), "unit_path": found["unit_path"].array,
                         "unit_kind": [kinds.get(p, "") for p in paths], "domain": [domains.get(p, "") for p in paths],
                         **{c: found[c].array for c in TARGET_COLUMNS}})


def plan_tokens(tasks: pd.DataFrame) -> pd.DataFrame:
    """Policy tokens of each task (``seq`` and :data:`TOKEN_COLUMNS`): segmented once, in the worker that
    coded the plan, and shared by the corpus-wide topic model and keyness."""
    from policylens.tokens import unit_token_parts

    parts = [unit_token_parts(h, b) for h, b in zip(tasks["heading"], tasks["body"])]
    return pd.DataFrame({"seq": tasks["seq"].to_numpy(), "heading_tokens": [" ".join(h) for h, _ in parts],
                         "body_tokens": [" ".join(b) for _, b in parts]})


@dataclass
class DocJob:
    """One document's work: its decoded text and metadata, stage keys, and the stage results already cached."""

    doc_id: str
    raw: Any                      # policylens.corpus.RawText
    meta: dict
    where: str                    # the raw file as messages name it (raw/<doc_id>.txt)
    keys: dict[str, str]
    cached: dict[str, Any] = field(default_factory=dict)


@dataclass
class DocOutput:
    """What a worker sends back: the stage results it computed and the seconds each took."""

    doc_id: str
    computed: dict[str, Any]
    seconds: dict[str, float]
    failure: str = ""             # "stage: Error: message" when a stage raised on this document


def run_document(job: DocJob) -> DocOutput:
    """Run the per-document stages a job still needs (pure: no file access, so it runs on any worker).

    A stage that raises on this document does not stop the build: the output carries the failure
    (stage, error type and message) and the document is left out with one error line.
    """
    current = ["clean"]
    try:
        return _run_document(job, current)
    except Exception as exc:  # one document's failure is reported, the rest of the corpus builds
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        return DocOutput(job.doc_id, {}, {}, f"{current[0]} stage failed: {type(exc).__name__}: {message}")


def _run_document(job: DocJob, current: list[str]) -> DocOutput:
    from policylens.corpus import find_inconsistencies
    from policylens.targets import plan_quantities

    computed: dict[str, Any] = {}
    seconds: dict[str, float] = {}

    def stage(name, compute):
        if name in job.cached:
            return job.cached[name]
        current[0] = name
        t0 = time.perf_counter()
        computed[name] = compute()
        seconds[name] = time.perf_counter() - t0
        return computed[name]

    def clean_stage():
        plan = Plan.from_raw(job.raw, **job.meta)
        if not plan.text.strip():
            return {"error": str(CorpusError(job.raw.path, "nothing left after cleaning: "
                                                           "the file holds only web-page chrome"))}
        found = find_inconsistencies(job.doc_id, plan.text, str(job.meta.get("published_date") or ""),
                                     int(job.meta["plan_start_year"]), plan.page_date)
        return {"plan": plan, "document": document_row(plan, found),
                "findings": [(f.doc_id, f.code, f.message) for f in found]}

    cleaned = stage("clean", clean_stage)
    if "error" in cleaned:
        return DocOutput(job.doc_id, computed, seconds)
    plan: Plan = cleaned["plan"]
    units, notes = stage("units", lambda: (plan.units, plan.structure_notes))
    plan.set_units(units, notes)
    if units.empty:
        return DocOutput(job.doc_id, computed, seconds)
    tasks = stage("tasks", lambda: plan_tasks(plan))
    quantities = stage("quantities", lambda: plan_quantities(plan, plan_year_for(plan.meta)))
    stage("targets", lambda: plan_targets(plan, tasks, quantities))  # the quantities' targets
    stage("tokens", lambda: plan_tokens(tasks))
    return DocOutput(job.doc_id, computed, seconds)


@dataclass
class DocResult:
    """The rows one document contributes to the corpus tables (or the errors that kept it out)."""

    doc_id: str
    document: dict | None = None
    cleaning: list[tuple] = field(default_factory=list)
    findings: list[tuple] = field(default_factory=list)
    offsets: pd.DataFrame | None = None   # runs of the offset map (compact: numpy columns)
    units: pd.DataFrame | None = None
    tasks: pd.DataFrame | None = None
    targets: pd.DataFrame | None = None
    quantities: pd.DataFrame | None = None
    tokens: pd.DataFrame | None = None
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def assemble(job: DocJob, results: dict[str, Any]) -> tuple[DocResult, str]:
    """A document's rows from its stage results; also returns its cleaned text."""
    out = DocResult(job.doc_id)
    cleaned = results["clean"]
    if "error" in cleaned:
        out.errors.append(cleaned["error"])
        return out, ""
    plan: Plan = cleaned["plan"]
    out.document = cleaned["document"]
    out.findings = cleaned["findings"]
    out.cleaning = [(job.doc_id, h.rule_id, h.kind, h.count, h.removed_chars, h.example, h.reason) for h in plan.hits]
    runs = np.array(plan.offset_runs(), dtype=np.int64).reshape(-1, 3)
    out.offsets = pd.DataFrame({"doc_id": [job.doc_id] * len(runs), "clean_start": runs[:, 0],
                                "raw_start": runs[:, 1], "length": runs[:, 2]})
    units, notes = results["units"]
    out.warnings += [f"{job.where}: {note}" for note in notes]  # built, but worth a look (e.g. no numbering)
    if units.empty:
        out.errors.append(f"{job.where}: no units found (empty after cleaning)")
        return out, plan.text
    out.units = units.copy()
    out.units.insert(0, "doc_id", job.doc_id)
    out.tasks, out.targets, out.quantities = results["tasks"], results["targets"], results["quantities"]
    out.tokens = results["tokens"]
    return out, plan.text


def process_document(meta: dict, raw_dir: Path) -> DocResult:
    """Read one plan and run every per-document stage on it (no cache); a bad file gives its error."""
    from policylens.corpus import read_raw

    doc_id = str(meta["doc_id"])
    try:
        raw = read_raw(Path(raw_dir) / f"{doc_id}.txt")
    except CorpusError as exc:
        return DocResult(doc_id, errors=[str(exc)])
    job = DocJob(doc_id, raw, dict(meta), f"{Path(raw_dir).name}/{doc_id}.txt", {})
    return assemble(job, run_document(job).computed)[0]


