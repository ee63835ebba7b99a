"""Rebuild ``data/processed/`` from ``data/raw/``: ``python -m policylens.build``.

Every stage reads the previous stage's tables and writes its own, atomically
and deterministically (sorted rows, no timestamps, no absolute paths). A
document that cannot be read or parsed is reported with file, line and reason
and left out; the rest of the corpus still builds (exit status 1 then).
"""
from __future__ import annotations

import argparse
import bisect
import sys
import warnings
from pathlib import Path

import pandas as pd

from policylens import config
from policylens.corpus import Corpus, build_corpus
from policylens.io import write_bytes_atomic, write_csv
from policylens.schema import markdown


def offset_runs(doc_id: str, offsets: list[int]) -> list[tuple[str, int, int, int]]:
    """Compress a cleaned→raw offset map into runs ``(doc_id, clean_start, raw_start, length)``."""
    runs: list[tuple[str, int, int, int]] = []
    start = 0
    for i in range(1, len(offsets) + 1):
        if i == len(offsets) or offsets[i] != offsets[i - 1] + 1:
            runs.append((doc_id, start, offsets[start], i - start))
            start = i
    return runs


def write_corpus(corpus: Corpus, out: Path) -> None:
    """documents.csv, cleaning_report.csv, findings.csv, offset_map.csv and clean/<doc_id>.txt."""
    write_csv(corpus.documents.sort_values("doc_id"), out / "documents.csv")
    write_csv(corpus.cleaning_report(), out / "cleaning_report.csv")
    write_csv(corpus.findings_table().sort_values(["doc_id", "code"], kind="stable"), out / "findings.csv")
    runs = [run for doc_id in sorted(corpus.results) for run in offset_runs(doc_id, corpus.results[doc_id].offsets)]
    write_csv(pd.DataFrame(runs, columns=["doc_id", "clean_start", "raw_start", "length"]), out / "offset_map.csv")
    for doc_id, result in sorted(corpus.results.items()):
        write_bytes_atomic(result.text.encode("utf-8") + b"\n", out / "clean" / f"{doc_id}.txt")
    for stale in (out / "clean").glob("*.txt"):  # a document dropped from the manifest leaves no old text behind
        if stale.stem not in corpus.results:
            stale.unlink()


def build_units(corpus: Corpus, progress: bool = False) -> tuple[pd.DataFrame, list[str]]:
    """``units.csv``: every document's outline units (doc_id + ``structure.UNIT_COLUMNS``)."""
    from policylens.structure import UNIT_COLUMNS, StructureWarning, parse_plan

    frames, errors = [], []
    doc_ids = sorted(corpus.results)
    if progress:
        from tqdm.auto import tqdm

        doc_ids = tqdm(doc_ids, desc="structure: parsing 结构", unit="doc")
    for doc_id in doc_ids:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", StructureWarning)
            units = parse_plan(corpus.results[doc_id].text)
        for w in caught:
            errors.append(f"{config.DATA_RAW.name}/{doc_id}.txt: {w.message}")
        if units.empty:
            errors.append(f"{config.DATA_RAW.name}/{doc_id}.txt: no units found (empty after cleaning)")
            continue
        units.insert(0, "doc_id", doc_id)
        frames.append(units)
    columns = ["doc_id", *UNIT_COLUMNS]
    return (pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns))[columns], errors


def plan_year_for(row: pd.Series) -> int | None:
    """The year targets of a one-year plan default to; None for a multi-year plan (years come from its text)."""
    return None if row["doc_type"] == "multi_year_action_plan" else int(row["plan_start_year"])


def unit_path_at(units: pd.DataFrame, positions: pd.Series) -> list[str]:
    """Path of the unit whose span holds each offset ('' when none does)."""
    starts, paths = units["start"].tolist(), units["path"].tolist()
    out = []
    for pos in positions:
        i = bisect.bisect_right(starts, int(pos)) - 1
        out.append(paths[i] if i >= 0 and int(pos) < int(units["end"].iloc[i]) else "")
    return out


TASK_COLUMNS = ("doc_id", "seq", "path", "kind", "heading", "body", "domain", "secondary_domains", "confidence",
                "level", "evidence")


def build_tasks(units: pd.DataFrame) -> pd.DataFrame:
    """``tasks.csv``: task and safeguard units coded into the codebook (domain, level, evidence)."""
    from policylens.taxonomy import code_tasks

    coded = units[units["kind"].isin(["task", "safeguard"])]
    coded = code_tasks(coded[["doc_id", "seq", "path", "kind", "heading", "body"]].assign(text=coded["body"]))
    return coded[list(TASK_COLUMNS)].reset_index(drop=True)


TASK_TOPIC_COLUMNS = ("doc_id", "seq", "path", "kind", "heading", "domain", "topic", "topic_weight", "topic_label")


def build_topics(tasks: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """``topics.csv``, ``topic_selection.csv``, ``task_topics.csv`` and ``keyness.csv`` from the coded tasks."""
    from policylens.topics import TopicModel, keyness

    units = tasks.assign(text=tasks["body"])
    model = TopicModel(random_state=config.SEED)
    task_topics = model.fit_transform(units)
    return {
        "topics.csv": model.topics_,
        "topic_selection.csv": model.selection_,
        "topic_summary.csv": model.topic_summary_,
        "task_topics.csv": task_topics[list(TASK_TOPIC_COLUMNS)],
        "keyness.csv": keyness(units, by="doc_id"),
    }


def build_targets(corpus: Corpus, units: pd.DataFrame, tasks: pd.DataFrame) -> pd.DataFrame:
    """``targets.csv``: every target of every plan, with the unit it stands in and that unit's domain.

    Columns: doc_id, unit_path, unit_kind, domain, then ``targets.TARGET_COLUMNS``.
    """
    from policylens.targets import TARGET_COLUMNS, extract_targets

    frames = []
    meta = corpus.documents.set_index("doc_id")
    domains = dict(zip(zip(tasks["doc_id"], tasks["path"]), tasks["domain"]))
    for doc_id in sorted(corpus.results):
        found = extract_targets(corpus.results[doc_id].text, plan_year_for(meta.loc[doc_id]))
        doc_units = units[units["doc_id"] == doc_id].sort_values("start")
        found.insert(0, "unit_path", unit_path_at(doc_units, found["start"]))
        kinds = dict(zip(doc_units["path"], doc_units["kind"]))
        found.insert(1, "unit_kind", found["unit_path"].map(kinds).fillna(""))
        found.insert(2, "domain", [domains.get((doc_id, p), "") for p in found["unit_path"]])
        found.insert(0, "doc_id", doc_id)
        frames.append(found)
    columns = ["doc_id", "unit_path", "unit_kind", "domain", *TARGET_COLUMNS]
    frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)
    frame["target_year"] = frame["target_year"].astype("Int64")
    return frame[columns]


def build(out: Path | None = None, raw_dir: Path | None = None, progress: bool = True) -> list[str]:
    """Run every stage into ``out`` (default ``data/processed``); return the error messages."""
    out = Path(out or config.DATA_PROCESSED)
    raw_dir = Path(raw_dir or config.DATA_RAW)
    out.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        corpus = build_corpus(raw_dir / "manifest.csv", raw_dir, progress=progress)
    write_corpus(corpus, out)
    errors = [str(e) for e in corpus.errors]
    units, unit_errors = build_units(corpus, progress)
    errors += unit_errors
    write_csv(units, out / "units.csv")
    tasks = build_tasks(units)
    write_csv(tasks, out / "tasks.csv")
    write_csv(build_targets(corpus, units, tasks), out / "targets.csv")
    if progress:
        print("topics: fitting and choosing the number of topics 主题模型 …", file=sys.stderr)
    for name, table in build_topics(tasks).items():
        write_csv(table, out / name)
    write_bytes_atomic(markdown().encode("utf-8"), out / "SCHEMA.md")
    return errors


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m policylens.build", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=None, help="output folder (default: data/processed)")
    parser.add_argument("--raw", type=Path, default=None, help="raw folder with manifest.csv (default: data/raw)")
    parser.add_argument("--quiet", action="store_true", help="no progress bars")
    args = parser.parse_args(argv)
    errors = build(args.out, args.raw, progress=not args.quiet)
    for message in errors:
        print(f"error: {message}", file=sys.stderr)
    print(f"built {Path(args.out or 'data/processed')} ({len(errors)} error(s))")
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
