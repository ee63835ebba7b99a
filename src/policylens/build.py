"""Rebuild ``data/processed/`` from ``data/raw/``: ``policylens build``.

Every document is read once as a :class:`policylens.Plan`; the per-document
stages (clean, units, tasks, quantities and targets, the tasks' tokens) read it, in parallel processes
(``--jobs``, default: the machine's cores) or on a Dask cluster
(``--scheduler dask [--address tcp://…]``); the corpus-wide stages (topics,
keyness) run once after. Each stage's result is kept in a content-hash cache
(:mod:`policylens.cache`), so an unchanged document is never recomputed and a
changed rule file recomputes exactly the stages that read it.

The output set is atomic: every table is written into a staging folder beside
``data/processed`` and swapped in only when every stage succeeded, so an
interrupted or failed build leaves the previous set whole. ``provenance.json``
records the hashes of the rule files and lexicons the set was built from (no
timestamps). Outputs are deterministic (sorted rows, no absolute paths) and
byte-identical whatever the scheduler or the number of jobs.

A document that cannot be read or parsed is reported with file, line and reason
and left out; the rest of the corpus still builds (exit status 1; with
``--strict`` nothing is replaced). A corpus too small for a topic model builds
every other table and says why topics were skipped.
"""
from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from policylens import config
from policylens.cache import MISSING, Cache, digest, file_hash, library_versions
from policylens.corpus import CLEANING_COLUMNS, DOCUMENT_COLUMNS, FINDING_COLUMNS, CorpusError
from policylens.forked import Forked
from policylens.io import write_bytes_atomic, write_csv
from policylens.plan_stages import (  # noqa: F401 (re-exported: the build's per-document API)
    MULTI_YEAR_TYPES,
    TASK_COLUMNS,
    DocJob,
    DocOutput,
    DocResult,
    assemble,
    document_row,
    plan_targets,
    plan_tasks,
    plan_year_for,
    process_document,
    run_document,
)
from policylens.staging import staged_output
from policylens.tokens import TOKEN_COLUMNS

OFFSET_COLUMNS = ("doc_id", "clean_start", "raw_start", "length")
TASK_TOPIC_COLUMNS = ("doc_id", "seq", "path", "kind", "heading", "domain", "topic", "topic_weight", "topic_label",
                      "topic_stable", "landing", "flagged")
DOC_STAGES = ("clean", "units", "tasks", "targets", "quantities", "tokens")
CORPUS_STAGES = ("topics", "keyness")
TOPIC_TABLES = ("topics.csv", "topic_selection.csv", "topic_summary.csv", "task_topics.csv")
PROVENANCE = "provenance.json"


# --------------------------------------------------------------------------
# schedulers: the per-document jobs run here, in order of completion


def _init_worker() -> None:
    """One BLAS thread per worker process (jobs × BLAS threads would oversubscribe the cores)."""
    try:
        from threadpoolctl import threadpool_limits

        threadpool_limits(1)
    except ImportError:  # pragma: no cover - threadpoolctl comes with scikit-learn
        pass


def _warm_up(stages: set[str]) -> None:
    """Load the rule files and models the needed stages use, once, before worker processes fork."""
    from policylens.corpus import default_rules

    default_rules()
    if "units" in stages:
        from policylens.structure import parse_plan

        parse_plan("一、总体要求\n全面加强党的领导。\n")
    if "tasks" in stages:
        from policylens.taxonomy import default_coder

        default_coder()
    if "targets" in stages:
        from policylens.targets import extract_targets

        extract_targets("学前三年毛入园率达到95%。")
    if "tokens" in stages:
        from policylens.tokens import tokenize

        tokenize("全面加强党的领导")


def run_local(jobs: Iterable[DocJob], n_jobs: int) -> Iterator[DocOutput]:
    """Run the jobs in this process (``n_jobs`` <= 1) or in a pool of ``n_jobs`` processes."""
    jobs = list(jobs)
    if n_jobs <= 1 or len(jobs) <= 1:
        for job in jobs:
            yield run_document(job)
        return
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    with ProcessPoolExecutor(max_workers=n_jobs, mp_context=context, initializer=_init_worker) as pool:
        pending: set = set()
        queue = iter(jobs)
        window = 4 * n_jobs  # bounded: texts are sent as workers free up, not all at once
        for job in queue:
            pending.add(pool.submit(run_document, job))
            if len(pending) >= window:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                yield from (f.result() for f in done)
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            yield from (f.result() for f in done)


def run_dask(jobs: Iterable[DocJob], n_jobs: int, address: str | None = None,
             processes: bool = True) -> Iterator[DocOutput]:
    """Run the jobs as ``dask.distributed`` futures: on the cluster at ``address``, else on a LocalCluster.

    The LocalCluster is bound to 127.0.0.1, has no dashboard, and is started and
    stopped here (``processes=False``: threads in this process, no sockets).
    """
    from dask.distributed import Client, LocalCluster, as_completed

    jobs = list(jobs)
    if not jobs:
        return
    cluster = None
    if address:
        client = Client(address, timeout="30s")
    else:
        if processes:  # worker processes talking TCP on loopback only
            kwargs = {"n_workers": max(n_jobs, 1), "threads_per_worker": 1, "host": "127.0.0.1"}
        else:  # threads of this process over the in-process transport
            kwargs = {"n_workers": 1, "threads_per_worker": max(n_jobs, 1)}
        cluster = LocalCluster(processes=processes, dashboard_address=None, silence_logs=50, **kwargs)
        client = Client(cluster)
    try:
        futures = client.map(run_document, jobs, key=[f"policylens-{j.keys['clean']}-{j.doc_id}" for j in jobs])
        for future in as_completed(futures):
            yield future.result()
            future.release()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


# --------------------------------------------------------------------------
# corpus-wide stages


def _concat(frames: list[pd.DataFrame | None], columns: list[str]) -> pd.DataFrame:
    frames = [f for f in frames if f is not None and not f.empty]
    return (pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns))[columns]


def corpus_tables(results: list[DocResult]) -> dict[str, pd.DataFrame]:
    """documents, cleaning_report, findings, offset_map, units, tasks and targets from per-document results."""
    from policylens.structure import UNIT_COLUMNS
    from policylens.targets import QUANTITY_COLUMNS, TARGET_COLUMNS

    ok = sorted((r for r in results if r.document is not None), key=lambda r: r.doc_id)
    documents = pd.DataFrame([r.document for r in ok], columns=list(DOCUMENT_COLUMNS))
    findings = pd.DataFrame([f for r in ok for f in r.findings], columns=list(FINDING_COLUMNS))
    targets = _concat([r.targets for r in ok], ["doc_id", "unit_path", "unit_kind", "domain", *TARGET_COLUMNS])
    targets["target_year"] = targets["target_year"].astype("Int64")
    quantities = _concat([r.quantities for r in ok], ["doc_id", "unit_path", *QUANTITY_COLUMNS])
    quantities["target_year"] = quantities["target_year"].astype("Int64")
    return {
        "documents.csv": documents,
        "cleaning_report.csv": pd.DataFrame([c for r in ok for c in r.cleaning], columns=list(CLEANING_COLUMNS)),
        "findings.csv": findings.sort_values(["doc_id", "code"], kind="stable"),
        "offset_map.csv": _concat([r.offsets for r in ok], list(OFFSET_COLUMNS)),
        "units.csv": _concat([r.units for r in ok], ["doc_id", *UNIT_COLUMNS]),
        "tasks.csv": _concat([r.tasks for r in ok], list(TASK_COLUMNS)),
        "targets.csv": targets,
        "quantities.csv": quantities,
    }


def with_tokens(tasks: pd.DataFrame, results: list[DocResult]) -> pd.DataFrame:
    """``tasks.csv`` rows with each task's tokens (:data:`TOKEN_COLUMNS`, from the per-document tokens stage)."""
    ok = sorted((r for r in results if r.document is not None), key=lambda r: r.doc_id)  # as corpus_tables
    tokens = _concat([r.tokens for r in ok], ["seq", *TOKEN_COLUMNS])
    if len(tokens) != len(tasks) or not np.array_equal(tokens["seq"].to_numpy(), tasks["seq"].to_numpy()):
        raise RuntimeError("task tokens out of step with tasks.csv (a stale cache entry?): rebuild with --no-cache")
    return tasks.assign(**{c: tokens[c].to_numpy() for c in TOKEN_COLUMNS})


class TopicsSkipped(Exception):
    """The corpus is too small for a topic model (the message says why)."""


def _blas_one_thread():
    """BLAS pinned to one thread (faster for these small NMF fits on a busy machine, and the same bits anywhere)."""
    try:
        from threadpoolctl import threadpool_limits

        return threadpool_limits(1, user_api="blas")
    except ImportError:  # pragma: no cover
        from contextlib import nullcontext

        return nullcontext()


def build_topics(tasks: pd.DataFrame, n_jobs: int = 1) -> dict[str, pd.DataFrame]:
    """``topics.csv``, ``topic_selection.csv``, ``topic_summary.csv`` and ``task_topics.csv`` from the tasks.

    The reference fit and the stability refits run in ``n_jobs`` processes (same results for any number).
    Raises :class:`TopicsSkipped` when the tasks are too few to fit a topic model.
    """
    from policylens import topics

    if tasks.empty:
        raise TopicsSkipped("no task or safeguard units to fit topics on")
    too_few = tuple(t for t in (getattr(topics, "TooFewTasksError", None),) if t) or (ValueError,)
    units = tasks.assign(text=tasks["body"])
    model = topics.TopicModel(random_state=config.SEED, n_jobs=n_jobs)
    with _blas_one_thread():
        try:
            task_topics = model.fit_transform(units)
        except too_few as exc:
            raise TopicsSkipped(f"{len(tasks)} task unit(s) are too few for a topic model ({exc})") from exc
    fitted = model._fit_units(task_topics).index
    stability = model.unit_stability_.set_index(fitted)
    task_topics["landing"] = stability["landing"].reindex(task_topics.index)
    task_topics["flagged"] = stability["flagged"].reindex(task_topics.index).fillna(False).astype(bool)
    return {
        "topics.csv": model.topics_,
        "topic_selection.csv": model.selection_,
        "topic_summary.csv": model.topic_summary_,
        "task_topics.csv": task_topics[list(TASK_TOPIC_COLUMNS)],
    }


def build_keyness(tasks: pd.DataFrame) -> pd.DataFrame:
    """``keyness.csv``: distinctive terms of each plan against the rest (needs two plans with tasks)."""
    from policylens.topics import keyness, unit_token_lists

    if tasks["doc_id"].nunique() < 2:
        raise TopicsSkipped("keyness compares a plan with the others: it needs at least two plans with tasks")
    units = tasks.assign(text=tasks["body"])
    return keyness(units, by="doc_id", tokens=unit_token_lists(units))


def _empty_table(name: str) -> pd.DataFrame:
    """A header-only table (for a stage that was skipped), columns from the schema."""
    from policylens.schema import tables

    return pd.DataFrame(columns=list(tables()[name][1]))


# --------------------------------------------------------------------------
# provenance


def provenance(documents: pd.DataFrame, manifest: Path, notes: dict[str, str]) -> str:
    """``provenance.json``: what the set was built from — rule files and lexicons (hashes, versions), no timestamps."""
    import json
    import re

    from policylens import __version__

    files = {}
    for path in sorted(p for p in config.PACKAGE_DATA.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        head = path.read_bytes()[:2048].decode("utf-8", errors="replace")
        version = re.search(r"(?m)^#?\s*version:\s*['\"]?([^\s'\"#]+)", head)
        entry = {"sha256": file_hash(path)}
        if version:
            entry["version"] = version.group(1)
        files[path.relative_to(config.PACKAGE_DATA).as_posix()] = entry
    record = {
        "generator": f"policylens {__version__} (policylens build)",
        "data_files": files,
        "libraries": {k: v for k, v in library_versions() if k != "python"},
        "manifest_sha256": file_hash(manifest) if manifest.is_file() else "",
        "documents": {str(d): str(s) for d, s in zip(documents["doc_id"], documents["sha256"])},
        "stages": notes,
    }
    return json.dumps(record, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


# --------------------------------------------------------------------------
# the build


@dataclass
class BuildReport:
    """What a build did: errors (documents left out), warnings (built, worth a look), notes (skipped stages), counts, seconds per stage, peak memory, cache hits."""

    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    computed: dict[str, int] = field(default_factory=dict)
    hits: dict[str, int] = field(default_factory=dict)
    wall: dict[str, float] = field(default_factory=dict)
    peak_mib: dict[str, float] = field(default_factory=dict)
    replaced: bool = False

    def summary(self) -> str:
        """The summary table printed at the end of ``policylens build``."""
        lines = ["", "build summary 构建摘要",
                 "  " + "  ".join(f"{k} {v}" for k, v in self.counts.items()),
                 f"  {'stage':<10}{'computed':>9}{'cached':>8}{'seconds':>9}"]
        for stage in (*DOC_STAGES, *CORPUS_STAGES):
            lines.append(f"  {stage:<10}{self.computed.get(stage, 0):>9}{self.hits.get(stage, 0):>8}"
                         f"{self.seconds.get(stage, 0.0):>9.2f}")
        lines.append("  wall: " + ", ".join(f"{k} {v:.2f} s" for k, v in self.wall.items()))
        lines.append("  peak memory: " + ", ".join(f"{k} {v:.0f} MiB" for k, v in self.peak_mib.items()))
        lines += [f"  note: {n}" for n in self.notes]
        return "\n".join(lines)


def _write_staged(path: Path, data: bytes) -> None:
    """Write a file inside the private staging folder: the folder is swapped in whole, so no per-file rename,
    and the file is flushed to disk with the others by :func:`_fsync_all` before the swap."""
    from policylens.io import file_mode

    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, file_mode())
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)


def _write_tables(tables: dict[str, pd.DataFrame], names: list[str], folder: Path) -> None:
    """Write the named tables into ``folder`` (validated against their schema by :func:`policylens.io.write_csv`)."""
    for name in names:
        write_csv(tables[name], folder / name)


def _fsync_all(paths: list[Path]) -> None:
    """Flush written files to disk before the staging folder is swapped in: once, at the end and from a few
    threads, not one ``fsync`` after each file (1,000 plans: ~2 s of waits in the build loop), and after the
    last worker process was forked."""
    if not paths:
        return
    from concurrent.futures import ThreadPoolExecutor

    def flush(path: Path) -> None:
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(flush, paths))


def _peak_mib() -> dict[str, float]:
    import resource

    scale = 1 / 1024 if sys.platform != "darwin" else 1 / 1024 / 1024
    out = {"this process": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale}
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * scale
    if children:
        out["largest worker"] = children
    return out


def _jobs(meta: pd.DataFrame, raw_dir: Path, cache: Cache, report: BuildReport) -> Iterator[DocJob]:
    """Read each document (one error line when unreadable), key its stages, and look its results up."""
    from policylens.corpus import read_raw

    for row in meta.to_dict("records"):
        doc_id = str(row["doc_id"])
        try:
            raw = read_raw(raw_dir / f"{doc_id}.txt")
        except CorpusError as exc:
            report.errors.append(str(exc))
            continue
        where = f"{raw_dir.name}/{doc_id}.txt"
        keys = {"clean": cache.key("clean", digest(raw.text.encode("utf-8")), raw.encoding, str(raw.path), row)}
        keys["units"] = cache.key("units", keys["clean"])
        keys["tasks"] = cache.key("tasks", keys["units"])
        keys["quantities"] = cache.key("quantities", keys["units"])
        keys["targets"] = cache.key("targets", keys["tasks"], keys["quantities"])
        keys["tokens"] = cache.key("tokens", keys["tasks"])
        cached = {}
        for stage in DOC_STAGES:
            payload = cache.get(stage, keys[stage])
            if payload is not MISSING:
                cached[stage] = payload
        yield DocJob(doc_id, raw, row, where, keys, cached)


def _complete(job: DocJob) -> bool:
    cleaned = job.cached.get("clean")
    if cleaned is None:
        return False
    if "error" in cleaned:
        return True
    units = job.cached.get("units")
    return units is not None and (units[0].empty or all(s in job.cached for s in DOC_STAGES[2:]))


def run_build(out: Path | None = None, raw_dir: Path | None = None, *, progress: bool = True,
              jobs: int | None = None, strict: bool = False, scheduler: str = "local", address: str | None = None,
              cache: Cache | None = None, use_cache: bool = True, dask_processes: bool = True) -> BuildReport:
    """Build every table into ``out`` (default ``data/processed``) atomically; return the :class:`BuildReport`."""
    from policylens.corpus import read_manifest

    t_start = time.perf_counter()
    out = Path(out or config.DATA_PROCESSED)
    raw_dir = Path(raw_dir or config.DATA_RAW)
    cache = cache or Cache(enabled=use_cache)
    n_jobs = max(1, jobs if jobs is not None else (os.cpu_count() or 1))
    report = BuildReport()
    manifest_errors: list[CorpusError] = []
    meta = read_manifest(raw_dir / "manifest.csv", raw_dir, errors=manifest_errors)
    report.errors += [str(e) for e in manifest_errors]

    with staged_output(out) as staging:
        # -- per-document stages -------------------------------------------------
        t0 = time.perf_counter()
        all_jobs = list(_jobs(meta, raw_dir, cache, report))
        todo = [j for j in all_jobs if not _complete(j)]
        needed = {s for j in todo for s in DOC_STAGES if s not in j.cached}
        if todo and scheduler == "local" and n_jobs > 1 and len(todo) > 1:
            _warm_up(needed)
        by_id = {j.doc_id: j for j in all_jobs}
        order = [j.doc_id for j in all_jobs]
        done: dict[str, DocResult] = {}
        have: dict[str, set[str]] = {}
        written: list[Path] = []

        def finish(job: DocJob) -> None:
            """Assemble a finished document's rows, write its clean text, and let go of its texts."""
            result, text = assemble(job, job.cached)
            if result.document is not None:
                written.append(staging / "clean" / f"{job.doc_id}.txt")
                _write_staged(written[-1], text.encode("utf-8") + b"\n")
            done[job.doc_id] = result
            have[job.doc_id] = set(job.cached)
            job.cached, job.raw = {}, None

        for job in all_jobs:
            if _complete(job):
                finish(job)
        outputs: Iterable[DocOutput]
        if scheduler == "dask":
            outputs = run_dask(todo, n_jobs, address, processes=dask_processes)
        else:
            outputs = run_local(todo, n_jobs)
        bar = None
        if progress and todo:
            from tqdm.auto import tqdm

            bar = tqdm(total=len(todo), desc="documents: clean·units·tasks·targets 文档", unit="doc",
                       file=sys.stderr)
        for output in outputs:
            job = by_id[output.doc_id]
            if output.failure:
                done[job.doc_id] = DocResult(job.doc_id, errors=[f"{job.where}: {output.failure}"])
                have[job.doc_id] = set()
                job.cached, job.raw = {}, None
                if bar is not None:
                    bar.update(1)
                continue
            for stage, payload in output.computed.items():
                cache.put(stage, job.keys[stage], payload)
                job.cached[stage] = payload
                report.computed[stage] = report.computed.get(stage, 0) + 1
                report.seconds[stage] = report.seconds.get(stage, 0.0) + output.seconds[stage]
            finish(job)
            if bar is not None:
                bar.update(1)
        if bar is not None:
            bar.close()
        results = [done[doc_id] for doc_id in order]
        for result in results:
            report.errors += result.errors
            report.warnings += result.warnings
        for stage in DOC_STAGES:
            report.hits[stage] = sum(1 for d in order if stage in have[d]) - report.computed.get(stage, 0)
        report.wall["documents"] = time.perf_counter() - t0
        if strict and report.errors:
            raise BuildFailed(f"{len(report.errors)} document error(s) and --strict: {out.name}/ left as it was",
                              report.errors)

        # -- corpus tables ---------------------------------------------------------
        tables = corpus_tables(results)
        tasks = with_tokens(tables["tasks.csv"], results)
        results.clear()  # the per-document frames now live in the corpus tables: let them go
        done.clear()
        task_keys = sorted((j.doc_id, j.keys["tasks"]) for j in all_jobs if "tasks" in have[j.doc_id])
        notes: dict[str, str] = {}
        stages = (("topics", lambda t: build_topics(t, n_jobs=n_jobs), TOPIC_TABLES),
                  ("keyness", build_keyness, ("keyness.csv",)))
        keys = {stage: cache.key(stage, task_keys) for stage, _, _ in stages}
        payloads = {stage: cache.get(stage, keys[stage]) for stage, _, _ in stages}
        document_tables = sorted(tables)  # every table but those of the corpus stages
        # with cores to spare, a forked child writes these while the topic model runs
        overlap = n_jobs > 1 and payloads["topics"] is MISSING
        with Forked(_write_tables, tables, document_tables, staging) if overlap else nullcontext() as writer:
            for stage, compute, names in stages:
                t0 = time.perf_counter()
                payload = payloads.pop(stage)
                if payload is MISSING:
                    if progress:
                        print(f"{stage} 主题模型 …" if stage == "topics" else f"{stage} 关键词 …", file=sys.stderr)
                    try:
                        payload = compute(tasks)
                    except TopicsSkipped as exc:
                        payload = {"skipped": str(exc)}
                    cache.put(stage, keys[stage], payload)
                    report.computed[stage] = 1
                    report.seconds[stage] = time.perf_counter() - t0
                else:
                    report.hits[stage] = 1
                if isinstance(payload, pd.DataFrame):
                    payload = {"keyness.csv": payload}
                if "skipped" in payload:
                    notes[stage] = f"skipped: {payload['skipped']}"
                    report.notes.append(f"{stage} skipped: {payload['skipped']} (its tables are written empty)")
                    payload = {name: _empty_table(name) for name in names}
                else:
                    notes[stage] = "built"
                tables.update(payload)
                report.wall[stage] = time.perf_counter() - t0

            # -- write the set -------------------------------------------------------
            t0 = time.perf_counter()
            if writer is not None:
                writer.result()  # its error (a full disk…) is raised here, and nothing is swapped in
            _write_tables(tables, [name for name in sorted(tables) if writer is None or name not in document_tables],
                          staging)
        schema_key = cache.key("schema")
        schema_md = cache.get("schema", schema_key)
        if schema_md is MISSING:
            from policylens.schema import markdown

            schema_md = markdown()
            cache.put("schema", schema_key, schema_md)
        write_bytes_atomic(schema_md.encode("utf-8"), staging / "SCHEMA.md")
        write_bytes_atomic(provenance(tables["documents.csv"], raw_dir / "manifest.csv", notes).encode("utf-8"),
                           staging / PROVENANCE)
        _fsync_all(written)
        report.wall["write"] = time.perf_counter() - t0
    report.replaced = True
    report.counts = {"documents": len(tables["documents.csv"]), "units": len(tables["units.csv"]),
                     "tasks": len(tables["tasks.csv"]), "targets": len(tables["targets.csv"])}
    report.wall["total"] = time.perf_counter() - t_start
    report.peak_mib = _peak_mib()
    return report


class BuildFailed(Exception):
    """The build stopped before replacing the outputs (the previous set is left whole); ``errors`` says why."""

    def __init__(self, message: str, errors: list[str] | None = None):
        super().__init__(message)
        self.errors = list(errors or [])


def build(out: Path | None = None, raw_dir: Path | None = None, progress: bool = True, **options: Any) -> list[str]:
    """Run every stage into ``out`` (default ``data/processed``); return the error messages.

    ``options`` are those of :func:`run_build` (``jobs``, ``scheduler``, ``address``, ``use_cache``…).
    """
    return run_build(out, raw_dir, progress=progress, **options).errors


def main(argv: list[str] | None = None) -> int:
    """``python -m policylens.build`` = ``policylens build``."""
    from policylens.cli import main as cli_main

    return cli_main(["build", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    raise SystemExit(main())
