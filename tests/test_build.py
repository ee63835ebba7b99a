"""The build: committed outputs reproduced, any scheduler byte-identical, cached, atomic, any corpus size."""
from __future__ import annotations

import csv
import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from policylens import build as build_module
from policylens import config
from policylens.build import build, run_build
from policylens.cache import Cache
from policylens.io import read_csv
from policylens.staging import StagingError, leftovers

SRC = Path(build_module.__file__).resolve().parents[1]


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def assert_same_set(a: Path, b: Path, ignore: set[str] = frozenset()) -> None:
    fa, fb = files_of(a), files_of(b)
    fa, fb = ({k: v for k, v in f.items() if k not in ignore} for f in (fa, fb))
    assert sorted(fa) == sorted(fb)
    for name in fa:
        assert fa[name] == fb[name], f"{name} differs"


def write_manifest(raw: Path, rows: list[dict]) -> None:
    fields = list(rows[0]) if rows else _manifest_rows()[0].keys()
    with open(raw / "manifest.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(fields), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def _manifest_rows() -> list[dict]:
    with open(config.DATA_RAW / "manifest.csv", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def small_corpus(folder: Path, doc_ids: list[str]) -> Path:
    """A raw folder with some founding plans and their manifest rows."""
    folder.mkdir(parents=True, exist_ok=True)
    for doc_id in doc_ids:
        shutil.copy(config.DATA_RAW / f"{doc_id}.txt", folder / f"{doc_id}.txt")
    write_manifest(folder, [r for r in _manifest_rows() if r["doc_id"] in doc_ids])
    return folder


def add_plan(raw: Path, doc_id: str, text: str | bytes) -> None:
    data = text if isinstance(text, bytes) else text.encode("utf-8")
    (raw / f"{doc_id}.txt").write_bytes(data)
    with open(raw / "manifest.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    template = _manifest_rows()[0]
    rows.append({**template, "doc_id": doc_id, "inferred": "", "evidence": "",
                 "sha256": hashlib.sha256(data).hexdigest()})
    write_manifest(raw, rows)


def fake_topics(tasks: pd.DataFrame, n_jobs: int = 1) -> dict[str, pd.DataFrame]:
    """A cheap stand-in for the topic model where the test is about orchestration, not topics."""
    from policylens.schema import tables

    frames = {name: pd.DataFrame(columns=list(tables()[name][1])) for name in build_module.TOPIC_TABLES}
    frames["topic_summary.csv"] = pd.DataFrame({"topic": [0], "label": ["任务"], "n_units": [len(tasks)],
                                                "coherence": [0.5], "stability": [1.0], "stable": [True]},
                                               columns=list(tables()["topic_summary.csv"][1]))
    return frames


# ---------------------------------------------------------------------------------- the founding corpus


@pytest.fixture(scope="module")
def founding(tmp_path_factory):
    """The founding corpus built once, cold, in this process (jobs=1), with its own cache."""
    root = tmp_path_factory.mktemp("founding")
    report = run_build(root / "out", progress=False, jobs=1, cache=Cache(root / "cache"))
    return root, report


def test_rebuild_matches_committed_outputs(founding):
    root, report = founding
    assert report.errors == [] and report.notes == []
    assert report.counts == {"documents": 5, "units": 143, "tasks": 134, "targets": 97}
    # provenance.json follows every edit of a data file: it is checked against the files themselves below
    assert_same_set(root / "out", config.DATA_PROCESSED, ignore={"provenance.json"})
    assert (config.DATA_PROCESSED / "provenance.json").is_file()


def _doc_stage_cache(source: Path, target: Path) -> Cache:
    """A cache holding only the corpus-wide stages: the per-document stages are recomputed."""
    shutil.copytree(source, target)
    for stage in build_module.DOC_STAGES:
        shutil.rmtree(target / stage, ignore_errors=True)
    return Cache(target)


@pytest.mark.parametrize("how", ["jobs2", "dask", "dask-address"])
def test_parallel_and_dask_builds_are_byte_identical(founding, tmp_path, how):
    root, _ = founding
    cache = _doc_stage_cache(root / "cache", tmp_path / "cache")
    if how == "jobs2":
        report = run_build(tmp_path / "out", progress=False, jobs=2, cache=cache)
    elif how == "dask":  # a dask.distributed LocalCluster started by the build (threads in this process: no sockets)
        report = run_build(tmp_path / "out", progress=False, jobs=2, scheduler="dask", dask_processes=False,
                           cache=cache)
    else:  # an existing cluster, reached by its address (--address)
        from dask.distributed import LocalCluster

        with LocalCluster(processes=False, n_workers=1, threads_per_worker=2, dashboard_address=None,
                          silence_logs=50) as cluster:
            report = run_build(tmp_path / "out", progress=False, scheduler="dask", address=cluster.scheduler_address,
                               cache=cache)
    assert report.computed == {stage: 5 for stage in build_module.DOC_STAGES}
    assert_same_set(tmp_path / "out", root / "out")


def test_nothing_changed_means_nothing_recomputed(founding, tmp_path):
    root, _ = founding
    shutil.copytree(root / "cache", tmp_path / "cache")
    report = run_build(tmp_path / "out", progress=False, cache=Cache(tmp_path / "cache"))
    assert report.computed == {}
    assert report.hits == {**{stage: 5 for stage in build_module.DOC_STAGES}, "topics": 1, "keyness": 1}
    assert_same_set(tmp_path / "out", root / "out")


def test_outputs_carry_no_machine_paths():
    for path in config.DATA_PROCESSED.rglob("*"):
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            assert str(config.ROOT) not in text and "/tmp/" not in text, path


def test_provenance_records_rule_files_and_lexicons_without_timestamps(founding):
    import json
    import re

    root, _ = founding
    record = json.loads((root / "out" / "provenance.json").read_text(encoding="utf-8"))
    files = record["data_files"]
    for name in ("cleaning_rules.yaml", "taxonomy.yaml", "target_rules.yaml", "policy_userdict.txt"):
        path = config.PACKAGE_DATA / name
        assert files[name]["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert "version" in files["policy_userdict.txt"]  # the lexicon's own version line
    assert record["stages"] == {"topics": "built", "keyness": "built"}
    assert set(files) == {p.relative_to(config.PACKAGE_DATA).as_posix()
                          for p in config.PACKAGE_DATA.rglob("*") if p.is_file() and "__pycache__" not in p.parts}
    text = json.dumps(record)
    assert str(config.ROOT) not in text
    assert not re.search(r"20\d\d-\d\d-\d\dT|\d\d:\d\d:\d\d", text)


def test_gold_copy_matches_shared_folder():
    """data/external/gold is an unchanged copy of ../shared/gold (when that folder is present)."""
    shared = config.SHARED / "gold"
    if not shared.is_dir():
        pytest.skip("../shared is not beside the repository")
    for name in ("tasks_seeds.csv", "targets_seeds.csv", "README.md"):
        assert (shared / name).read_bytes() == (config.GOLD / name).read_bytes(), name


def test_every_table_matches_its_documented_schema():
    from policylens.schema import tables

    documented = tables()
    produced = sorted(p.name for p in config.DATA_PROCESSED.glob("*.csv"))
    assert produced == sorted(documented)
    for name, (_, columns) in documented.items():
        assert list(read_csv(config.DATA_PROCESSED / name).columns) == list(columns), name


# ---------------------------------------------------------------------------------- the cache


def test_a_changed_rule_file_invalidates_exactly_the_stages_that_read_it(tmp_path, monkeypatch, request):
    """Which files each stage's key covers, from a copy of the package with edited files."""
    from policylens import cache as cache_module

    package = tmp_path / "policylens"
    shutil.copytree(config.PACKAGE_DIR, package, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(config, "PACKAGE_DIR", package)
    monkeypatch.setattr(config, "PACKAGE_DATA", package / "data")
    cache_module.module_closure.cache_clear()
    request.addfinalizer(cache_module.module_closure.cache_clear)
    stages = list(cache_module.STAGE_MODULES)

    def fingerprints():
        cache_module.module_closure.cache_clear()
        sources = cache_module._sources()
        return {s: cache_module.stage_fingerprint(s, sources) for s in stages}

    def changed(before, after):
        return {s for s in stages if before[s] != after[s]}

    base = fingerprints()
    for name, expected, untouched in [  # (edited file, stages whose key must change, stages whose key must not)
        ("data/taxonomy.yaml", {"tasks", "schema"}, {"units", "topics", "keyness"}),  # SCHEMA.md lists the codes
        ("data/cleaning_rules.yaml", {"clean", "tasks"}, {"units", "targets", "topics", "keyness"}),
        ("data/structure_kinds.yaml", {"units"}, {"clean", "tasks", "topics", "keyness"}),
        ("data/target_rules.yaml", {"targets"}, {"clean", "units", "tasks", "topics", "keyness"}),
        ("data/policy_userdict.txt", {"topics", "keyness"}, {"clean", "units", "tasks", "targets"}),
        ("structure.py", {"units"}, {"clean", "topics", "keyness"}),
        ("data/tables.yaml", {"schema"}, {"clean", "units", "topics", "keyness"}),  # the registry: SCHEMA.md
    ]:
        path = package / name
        original = path.read_bytes()
        path.write_bytes(original + b"\n# edited by a test\n")
        moved = changed(base, fingerprints())
        assert expected <= moved and not untouched & moved, (name, moved)
        path.write_bytes(original)
    assert fingerprints() == base
    # a data file no module names counts for every stage
    (package / "data" / "new_lexicon.txt").write_text("# version: 1\n", encoding="utf-8")
    assert changed(base, fingerprints()) == set(stages)


def test_build_recomputes_what_a_changed_stage_feeds(tmp_path, monkeypatch):
    """A changed tasks fingerprint: tasks, targets, tokens, topics and keyness recomputed; clean, units and quantities
    cached."""
    monkeypatch.setattr(build_module, "build_topics", fake_topics)
    raw = small_corpus(tmp_path / "raw", ["baotou-2018", "qingdao-2012"])
    first = run_build(tmp_path / "out", raw, progress=False, jobs=1, cache=Cache(tmp_path / "cache"))
    before = files_of(tmp_path / "out")
    assert first.computed == {"clean": 2, "units": 2, "tasks": 2, "targets": 2, "quantities": 2, "tokens": 2, "topics": 1,
                              "keyness": 1}
    cache = Cache(tmp_path / "cache")
    real = cache.fingerprint
    monkeypatch.setattr(cache, "fingerprint", lambda s: real(s) + ("-taxonomy-edited" if s == "tasks" else ""))
    second = run_build(tmp_path / "out", raw, progress=False, jobs=1, cache=cache)
    assert second.computed == {"tasks": 2, "targets": 2, "tokens": 2, "topics": 1, "keyness": 1}
    assert second.hits["clean"] == 2 and second.hits["units"] == 2 and second.hits["quantities"] == 2
    assert files_of(tmp_path / "out") == before
    # an edited raw file: only that document is recomputed
    path = raw / "qingdao-2012.txt"
    path.write_bytes(path.read_bytes() + "\n（以上内容由教育局发布）\n".encode())
    write_manifest(raw, [{**r, "sha256": hashlib.sha256((raw / f"{r['doc_id']}.txt").read_bytes()).hexdigest()}
                         for r in csv.DictReader(open(raw / "manifest.csv", encoding="utf-8"))])
    third = run_build(tmp_path / "out", raw, progress=False, jobs=1, cache=Cache(tmp_path / "cache"))
    assert third.computed["clean"] == 1 and third.hits["clean"] == 1


def test_a_corrupt_cache_entry_is_a_miss(tmp_path, monkeypatch):
    monkeypatch.setattr(build_module, "build_topics", fake_topics)
    raw = small_corpus(tmp_path / "raw", ["qingdao-2012"])
    run_build(tmp_path / "a", raw, progress=False, jobs=1, cache=Cache(tmp_path / "cache"))
    for entry in (tmp_path / "cache").rglob("*.pkl"):
        entry.write_bytes(b"not a pickle")
    report = run_build(tmp_path / "b", raw, progress=False, jobs=1, cache=Cache(tmp_path / "cache"))
    assert report.computed["clean"] == 1
    assert_same_set(tmp_path / "a", tmp_path / "b")


# ---------------------------------------------------------------------------------- any corpus


def test_structureless_and_broken_plans_are_reported_and_the_rest_builds(tmp_path, monkeypatch):
    """A plan without numbering and an unreadable file give clear errors; every other document still builds."""
    monkeypatch.setattr(build_module, "build_topics", fake_topics)
    raw = small_corpus(tmp_path / "raw", ["baotou-2018", "qingdao-2012"])
    add_plan(raw, "plain-2024", "全市教育工作要以立德树人为根本任务。\n加强教师队伍建设,新建幼儿园5所。\n深化教育综合改革。\n")
    add_plan(raw, "broken-2024", b"\x00\x01\x02\x03" * 100)
    out = tmp_path / "out"
    (out / "clean").mkdir(parents=True)
    (out / "SCHEMA.md").write_text("an older build", encoding="utf-8")
    (out / "clean" / "dropped-2010.txt").write_text("stale", encoding="utf-8")
    report = run_build(out, raw, progress=False, jobs=1, cache=Cache(tmp_path / "cache"))
    errors = report.errors
    assert any("broken-2024.txt" in e and "binary" in e for e in errors), errors
    assert not any("plain-2024.txt" in e for e in errors), "a plan without numbering is built: not an error"
    assert report.warnings == ["raw/plain-2024.txt: no outline numbering found: one unit per paragraph"]
    units = read_csv(out / "units.csv")
    assert set(units["doc_id"]) == {"baotou-2018", "qingdao-2012", "plain-2024"}
    assert not (out / "clean" / "dropped-2010.txt").exists()
    assert build(out, raw, progress=False, jobs=1, cache=Cache(tmp_path / "cache")) == errors  # cached: same


def test_a_stage_that_fails_on_one_document_leaves_only_that_document_out(tmp_path, monkeypatch):
    monkeypatch.setattr(build_module, "build_topics", fake_topics)
    from policylens import plan_stages

    real = plan_stages.plan_targets

    def fragile(plan, tasks, quantities=None):
        if plan.doc_id == "qingdao-2012":
            raise ZeroDivisionError("a bug met by one plan")
        return real(plan, tasks, quantities)

    monkeypatch.setattr(plan_stages, "plan_targets", fragile)
    raw = small_corpus(tmp_path / "raw", ["baotou-2018", "qingdao-2012"])
    report = run_build(tmp_path / "out", raw, progress=False, jobs=1, cache=Cache(tmp_path / "cache"))
    assert report.errors == ["raw/qingdao-2012.txt: targets stage failed: ZeroDivisionError: a bug met by one plan"]
    assert set(read_csv(tmp_path / "out" / "documents.csv")["doc_id"]) == {"baotou-2018"}
    assert set(read_csv(tmp_path / "out" / "targets.csv")["doc_id"]) == {"baotou-2018"}


def test_an_empty_corpus_builds_every_table_and_says_why_topics_were_skipped(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    write_manifest(raw, [])
    report = run_build(tmp_path / "out", raw, progress=False, cache=Cache(tmp_path / "cache"))
    assert report.errors == []
    assert report.counts == {"documents": 0, "units": 0, "tasks": 0, "targets": 0}
    assert any(n.startswith("topics skipped: no task") for n in report.notes), report.notes
    assert any(n.startswith("keyness skipped") for n in report.notes), report.notes
    from policylens.schema import tables

    for name, (_, columns) in tables().items():
        frame = read_csv(tmp_path / "out" / name)
        assert list(frame.columns) == list(columns) and frame.empty, name


def test_a_one_plan_corpus_builds_and_says_why_keyness_was_skipped(tmp_path, monkeypatch):
    def too_few(tasks, n_jobs=1):
        raise build_module.TopicsSkipped(f"{len(tasks)} task unit(s) are too few for a topic model")

    monkeypatch.setattr(build_module, "build_topics", too_few)
    raw = small_corpus(tmp_path / "raw", ["qingdao-2012"])
    report = run_build(tmp_path / "out", raw, progress=False, cache=Cache(tmp_path / "cache"))
    assert report.errors == [] and report.counts["documents"] == 1 and report.counts["tasks"] == 11
    assert "topics skipped: 11 task unit(s) are too few for a topic model (its tables are written empty)" \
        in report.notes
    assert any("keyness" in n and "at least two plans" in n for n in report.notes)
    import json

    stages = json.loads((tmp_path / "out" / "provenance.json").read_text(encoding="utf-8"))["stages"]
    assert stages["topics"].startswith("skipped: 11 task unit(s)")
    assert read_csv(tmp_path / "out" / "topics.csv").empty
    assert len(read_csv(tmp_path / "out" / "tasks.csv")) == 11


def test_every_clean_text_is_flushed_to_disk_before_the_set_is_swapped_in(tmp_path, monkeypatch):
    """The clean texts are fsynced together at the end (not one wait per file), but all before the swap."""
    from policylens import staging

    events: list[str] = []
    real_fsync, real_swap = os.fsync, staging.swap_in
    monkeypatch.setattr(os, "fsync", lambda fd: (events.append(os.readlink(f"/proc/self/fd/{fd}")), real_fsync(fd))[1])
    monkeypatch.setattr(staging, "swap_in", lambda a, b: (events.append("swap"), real_swap(a, b))[1])
    monkeypatch.setattr(build_module, "build_topics", fake_topics)
    raw = small_corpus(tmp_path / "raw", ["qingdao-2012", "baotou-2018"])
    run_build(tmp_path / "out", raw, progress=False, cache=Cache(tmp_path / "cache", enabled=False))
    swap = events.index("swap")
    flushed = {Path(e).name for e in events[:swap] if "/clean/" in e}
    assert flushed == {"qingdao-2012.txt", "baotou-2018.txt"}
    assert (tmp_path / "out" / "clean" / "baotou-2018.txt").read_text(encoding="utf-8").strip()


def test_the_topic_models_own_too_few_condition_is_a_skip_not_a_crash(tmp_path):
    """Whatever the topic model raises for too few tasks becomes a note (real model, one tiny plan)."""
    raw = tmp_path / "raw"
    raw.mkdir()
    write_manifest(raw, [])
    add_plan(raw, "tiny-2024", "一、主要任务\n1.新建幼儿园5所。\n2.改造薄弱学校3所。\n3.加强教师培训。\n")
    report = run_build(tmp_path / "out", raw, progress=False, cache=Cache(tmp_path / "cache"))
    assert report.errors == [] and report.counts["tasks"] == 3
    assert any(n.startswith("topics skipped: ") for n in report.notes), report.notes


# ---------------------------------------------------------------------------------- atomic as a set


def test_a_failing_stage_leaves_the_previous_set_whole(tmp_path, monkeypatch):
    monkeypatch.setattr(build_module, "build_topics", fake_topics)
    raw = small_corpus(tmp_path / "raw", ["qingdao-2012"])
    out = tmp_path / "out"
    run_build(out, raw, progress=False, cache=Cache(tmp_path / "cache"))
    before = files_of(out)
    add_plan(raw, "cangzhou-2023", (config.DATA_RAW / "cangzhou-2023.txt").read_bytes())

    def boom(tasks):
        raise RuntimeError("disk full")

    monkeypatch.setattr(build_module, "build_keyness", boom)
    with pytest.raises(RuntimeError, match="disk full"):
        run_build(out, raw, progress=False, cache=Cache(tmp_path / "cache"))
    assert files_of(out) == before
    assert leftovers(out) == []


@pytest.mark.parametrize("fails", ["writer", "topics"])
def test_tables_written_beside_the_topic_model_fail_or_succeed_as_one_set(tmp_path, monkeypatch, fails):
    """With two jobs a forked child writes the per-document tables while the topics are fitted: a full disk in
    the child is the build's one error, a failing topic stage stops the child; either way the old set stays."""
    import errno

    raw = small_corpus(tmp_path / "raw", ["qingdao-2012", "baotou-2018"])
    out = tmp_path / "out"
    monkeypatch.setattr(build_module, "build_topics", fake_topics)
    run_build(out, raw, progress=False, jobs=2, cache=Cache(tmp_path / "cache", enabled=False))
    before = files_of(out)
    add_plan(raw, "cangzhou-2023", (config.DATA_RAW / "cangzhou-2023.txt").read_bytes())
    real_write = build_module.write_csv

    def full_disk(frame, path, *args, **kwargs):
        if Path(path).name == "units.csv":
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        return real_write(frame, path, *args, **kwargs)

    def slow_failing_topics(tasks, n_jobs=1):
        time.sleep(0.5)
        raise RuntimeError("topic model failed")

    if fails == "writer":
        monkeypatch.setattr(build_module, "write_csv", full_disk)
        expected = (OSError, "No space left on device")
    else:
        monkeypatch.setattr(build_module, "build_topics", slow_failing_topics)
        expected = (RuntimeError, "topic model failed")
    with pytest.raises(expected[0], match=expected[1]):
        run_build(out, raw, progress=False, jobs=2, cache=Cache(tmp_path / "cache", enabled=False))
    assert files_of(out) == before
    assert leftovers(out) == [] and not list(tmp_path.glob(".out.staging-*"))


def test_strict_refuses_a_corpus_with_errors_and_keeps_the_outputs(tmp_path, monkeypatch):
    monkeypatch.setattr(build_module, "build_topics", fake_topics)
    raw = small_corpus(tmp_path / "raw", ["qingdao-2012"])
    out = tmp_path / "out"
    run_build(out, raw, progress=False, cache=Cache(tmp_path / "cache"))
    before = files_of(out)
    add_plan(raw, "broken-2024", b"\x00\x01" * 50)
    with pytest.raises(build_module.BuildFailed, match="--strict"):
        run_build(out, raw, progress=False, strict=True, cache=Cache(tmp_path / "cache"))
    assert files_of(out) == before and leftovers(out) == []


def test_a_folder_that_is_not_a_build_output_is_never_replaced(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    write_manifest(raw, [])
    precious = tmp_path / "Desktop"
    precious.mkdir()
    (precious / "thesis.docx").write_bytes(b"chapter 1")
    with pytest.raises(StagingError, match="not a build output"):
        run_build(precious, raw, progress=False, cache=Cache(tmp_path / "cache"))
    assert (precious / "thesis.docx").read_bytes() == b"chapter 1" and leftovers(precious) == []


def _build_cmd(raw: Path, out: Path, cache: Path) -> list[str]:
    return [sys.executable, "-m", "policylens", "build", "--raw", str(raw), "--out", str(out), "--cache-dir",
            str(cache), "--jobs", "1", "--quiet"]


def test_a_build_killed_at_random_points_never_leaves_a_mixed_set(tmp_path, monkeypatch):
    """SIGKILL a build subprocess at random moments: the output is always the old set or the new one."""
    monkeypatch.setattr(build_module, "build_topics", fake_topics)
    raw = small_corpus(tmp_path / "raw", ["baotou-2018", "qingdao-2012"])
    out, cache = tmp_path / "out", tmp_path / "cache"
    run_build(out, raw, progress=False, cache=Cache(cache))
    old = files_of(out)
    add_plan(raw, "zhuzhou-2017", (config.DATA_RAW / "zhuzhou-2017.txt").read_bytes())
    run_build(tmp_path / "expected", raw, progress=False, cache=Cache(cache))  # topics of the new set cached
    new = files_of(tmp_path / "expected")
    assert old != new
    env = {**os.environ, "PYTHONPATH": str(SRC), "PYTHONHASHSEED": "0"}
    old_copy = tmp_path / "old-set"
    shutil.copytree(out, old_copy)

    def cold_documents():
        for stage in build_module.DOC_STAGES:  # per-document stages recomputed in every run
            shutil.rmtree(cache / stage, ignore_errors=True)

    cold_documents()
    t0 = time.perf_counter()
    subprocess.run(_build_cmd(raw, tmp_path / "timing", cache), env=env, check=True, timeout=300)
    duration = time.perf_counter() - t0
    rng = random.Random(0)
    for _ in range(3):
        cold_documents()
        proc = subprocess.Popen(_build_cmd(raw, out, cache), env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.2, 1.1) * duration)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
        if out.exists():
            got = files_of(out)
            assert got in (old, new), "a killed build left a mixed set"
            if got == new:  # start the next round from the old set again
                shutil.rmtree(out)
                shutil.copytree(old_copy, out)
        else:  # killed between the two renames (no renameat2): the next build puts the old set back
            assert leftovers(out)
    subprocess.run(_build_cmd(raw, out, cache), env=env, check=True, timeout=300)
    assert files_of(out) == new
    assert leftovers(out) == [] and not list(out.rglob(".*"))
