"""The whole journey of a new user: add plans as received (web page, PDF, Word, Traditional mirror, GBK text), build.

In a temporary copy of the project's raw data, ``policylens add`` (run as a command, with ``POLICYLENS_ROOT``
pointing at the copy) takes fixtures the test writes itself; the build then runs without error, the new plans are in
the tables, and each plan's units and targets are those the same plan gives from clean text. A scanned PDF and an
unsupported format are clear errors.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import ingest_fixtures as fx
import pandas as pd
import pytest

from policylens import config
from policylens.build import build, process_document
from policylens.io import read_csv, write_csv

FIXTURES = {  # doc_id → (file name, plan, writer)
    "fucheng-2021": ("fucheng.html", "fucheng", lambda p, t: p.write_text(fx.page(t), encoding="utf-8")),
    "liling-2022": ("liling.pdf", "liling", lambda p, t: fx.pdf(t, p)),
    "jiaxing-2020": ("jiaxing.docx", "jiaxing", lambda p, t: fx.docx(t, p)),
    "zhuhai-2019": ("zhuhai-mirror.html", "zhuhai",
                    lambda p, t: p.write_text(fx.page(fx.traditional(t), agency="珠海市教育局"), encoding="utf-8")),
    "linyi-2024": ("linyi.txt", "linyi", lambda p, t: p.write_bytes(t.encode("gbk"))),
}
UNIT_KEYS = ["path", "kind"]
TARGET_KEYS = ["unit_path", "unit_kind", "indicator_id", "value", "value_low", "value_high", "unit", "comparator",
               "target_year"]


def _cli(args: list[str], root: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "POLICYLENS_ROOT": str(root), "PYTHONPATH": str(config.PACKAGE_DIR.parent)}
    return subprocess.run([sys.executable, "-m", "policylens", *args], env=env, capture_output=True, text=True,
                          timeout=300, check=False)


def _cell(value: object) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value) or value == "":
        return ""
    try:
        return f"{float(value):g}"  # 3, 3.0 and "3" are one number
    except (TypeError, ValueError):
        return str(value)


def _text(frame: pd.DataFrame) -> pd.DataFrame:
    """Cells as text, numbers in one form, empty for missing (a table's column types depend on all its plans)."""
    return frame.astype(object).map(_cell)


@pytest.fixture(scope="module")
def journey(tmp_path_factory):
    root = tmp_path_factory.mktemp("project")
    shutil.copytree(config.DATA_RAW, root / "data" / "raw")
    (root / "pyproject.toml").write_text("", encoding="utf-8")
    inbox = tmp_path_factory.mktemp("inbox")
    for name, plan, write in FIXTURES.values():
        write(inbox / name, fx.PLANS[plan])
    added = _cli(["add", str(inbox)], root)
    fx.scanned_pdf(inbox.parent / "scan.pdf")
    (inbox.parent / "table.xlsx").write_bytes(b"PK\x03\x04")
    refused = _cli(["add", str(inbox.parent / "scan.pdf"), str(inbox.parent / "table.xlsx")], root)
    errors = build(root / "data" / "processed", root / "data" / "raw", progress=False)
    return root, added, refused, errors


def test_add_and_build_without_error(journey):
    root, added, _, errors = journey
    assert added.returncode == 0, added.stderr
    for doc_id in FIXTURES:
        assert f"as {doc_id} " in added.stdout
    assert errors == []
    documents = read_csv(root / "data" / "processed" / "documents.csv")
    assert set(FIXTURES) <= set(documents["doc_id"]) and len(documents) == 10
    units = read_csv(root / "data" / "processed" / "units.csv")
    targets = read_csv(root / "data" / "processed" / "targets.csv")
    assert set(FIXTURES) <= set(units["doc_id"]) and set(FIXTURES) <= set(targets["doc_id"])
    assert _cli(["check"], root).returncode == 0


def test_corpus_notebook_runs_on_the_new_corpus(journey, monkeypatch):
    """Notebook 01 executes on the ten-plan corpus and shows the new plans (the others: ``make reproduce``)."""
    from policylens.notebooks import execute

    root, *_ = journey
    (root / "notebooks").mkdir(exist_ok=True)
    shutil.copy(config.NOTEBOOKS / "01_corpus_overview.py", root / "notebooks")
    shutil.copy(config.NOTEBOOKS / "jupytext.toml", root / "notebooks")
    monkeypatch.setenv("POLICYLENS_ROOT", str(root))
    notebook = execute(root / "notebooks" / "01_corpus_overview.py", timeout=300, cache=root / ".cache")
    text = notebook.read_text(encoding="utf-8")
    assert '"output_type": "error"' not in text
    assert "10 plans" in text and "醴陵" in text


def test_scanned_pdf_and_unsupported_format_are_clear_errors(journey):
    _, _, refused, _ = journey
    assert refused.returncode == 1
    lines = refused.stderr.strip().splitlines()
    assert len(lines) == 2
    assert "scan.pdf: scanned PDF without a text layer" in lines[0]
    assert "table.xlsx: unsupported format .xlsx; supported: .txt, .html, .htm, .pdf, .docx" in lines[1]


def test_each_fixture_gives_what_its_clean_text_gives(journey, tmp_path):
    root, *_ = journey
    processed = root / "data" / "processed"
    units = read_csv(processed / "units.csv")
    targets = read_csv(processed / "targets.csv")
    manifest = pd.read_csv(root / "data" / "raw" / "manifest.csv", dtype=str, keep_default_na=False)
    for doc_id, (_, plan, _) in FIXTURES.items():
        meta = manifest.set_index("doc_id").loc[doc_id].to_dict()
        meta.update(doc_id=doc_id, plan_start_year=int(meta["plan_start_year"]),
                    plan_end_year=int(meta["plan_end_year"]))
        (tmp_path / f"{doc_id}.txt").write_text(fx.PLANS[plan], encoding="utf-8")
        expected = process_document(meta, tmp_path)
        assert not expected.errors, expected.errors
        write_csv(expected.units, tmp_path / "units.csv")        # the same writer and reader as the build's tables
        write_csv(expected.targets, tmp_path / "targets.csv")
        want_units = read_csv(tmp_path / "units.csv")[UNIT_KEYS]
        want = read_csv(tmp_path / "targets.csv")[TARGET_KEYS]
        got_units = units[units["doc_id"] == doc_id][UNIT_KEYS].reset_index(drop=True)
        pd.testing.assert_frame_equal(got_units, want_units, obj=f"{doc_id} units")
        got = targets[targets["doc_id"] == doc_id][TARGET_KEYS].reset_index(drop=True)
        assert len(want) > 0, doc_id
        pd.testing.assert_frame_equal(_text(got), _text(want), obj=f"{doc_id} targets")
