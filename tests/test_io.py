"""Writing and reading tables: umask permissions, fsync before rename, typed reads, spreadsheet export."""
from __future__ import annotations

import os
import stat

import pandas as pd
import pytest

from policylens import config, io
from policylens.schema import SchemaError


@pytest.fixture
def umask():
    """Set a umask for one test and restore the previous one."""
    old = os.umask(0o022)
    os.umask(old)
    yield lambda mask: os.umask(mask)
    os.umask(old)


@pytest.mark.parametrize("mask, mode", [(0o022, 0o644), (0o027, 0o640), (0o002, 0o664), (0o077, 0o600)])
def test_written_files_follow_the_umask(tmp_path, umask, mask, mode):
    umask(mask)
    path = io.write_bytes_atomic("包头市\n".encode(), tmp_path / "a.txt")
    assert stat.S_IMODE(path.stat().st_mode) == mode
    csv = io.write_csv(pd.DataFrame({"城市": ["包头市"]}), tmp_path / "b.csv")
    assert stat.S_IMODE(csv.stat().st_mode) == mode


def test_data_is_flushed_to_disk_before_the_rename(tmp_path, monkeypatch):
    calls: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace
    monkeypatch.setattr(os, "fsync", lambda fd: (calls.append("fsync"), real_fsync(fd))[1])
    monkeypatch.setattr(os, "replace", lambda a, b: (calls.append("replace"), real_replace(a, b))[1])
    io.write_bytes_atomic(b"data", tmp_path / "x.bin")
    assert calls.index("fsync") < calls.index("replace")
    assert (tmp_path / "x.bin").read_bytes() == b"data"


def test_a_failed_write_leaves_no_temporary_file_and_the_old_file_intact(tmp_path, monkeypatch):
    target = tmp_path / "t.csv"
    target.write_text("old\n", encoding="utf-8")

    def boom(*_):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError, match="disk full"):
        io.write_bytes_atomic(b"new", target)
    assert target.read_text(encoding="utf-8") == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["t.csv"]


# --------------------------------------------------------------------------- typed reads

def test_read_table_types_come_from_the_registry():
    targets = io.read_table("targets")
    assert str(targets["target_year"].dtype) == "Int64"
    assert targets["start"].dtype == "int64" and targets["value"].dtype == "float64"
    assert (targets["indicator_id"] == "").any()  # empty text is "", not NaN
    documents = io.read_table("documents")
    assert documents["anonymized"].dtype == bool and str(documents["plan_start_year"].dtype) == "Int64"
    assert io.read_table("topic_summary")["stable"].dtype == bool


def test_read_csv_of_a_registered_file_is_read_table():
    pd.testing.assert_frame_equal(io.read_csv(config.DATA_PROCESSED / "units.csv"), io.read_table("units"))


def test_read_csv_guesses_nothing_from_column_names(tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("plan_year,name\n,包头\n2018,\n", encoding="utf-8")
    frame = io.read_csv(path)
    assert frame["plan_year"].dtype == "float64" and frame["name"].tolist() == ["包头", ""]


def test_a_stale_header_is_one_clear_line(tmp_path):
    (tmp_path / "findings.csv").write_text("doc_id,message\nbaotou-2018,年份不符\n", encoding="utf-8")
    with pytest.raises(SchemaError, match=r"findings\.csv:1: header does not match .*missing \['code'\]"):
        io.read_table("findings", tmp_path)


def test_a_cell_of_the_wrong_type_is_refused(tmp_path):
    (tmp_path / "offset_map.csv").write_text("doc_id,clean_start,raw_start,length\nbaotou-2018,0,八十,111\n",
                                             encoding="utf-8")
    with pytest.raises(SchemaError, match="offset_map.csv:2: column raw_start: .八十. is not of type int"):
        io.read_table("offset_map", tmp_path)


def test_write_table_refuses_a_frame_that_breaks_the_registry(tmp_path):
    frame = pd.DataFrame({"doc_id": ["baotou-2018"], "code": ["typo-code"], "message": ["年份不符"]})
    with pytest.raises(SchemaError, match=r"findings\.csv:2: column code: 'typo-code' is not an allowed value"):
        io.write_table(frame, "findings", tmp_path)
    with pytest.raises(SchemaError, match="not registered"):  # write_csv checks a registered file name too
        io.write_csv(frame.assign(extra=1), tmp_path / "findings.csv")
    assert not (tmp_path / "findings.csv").exists()
    good = frame.assign(code="plan-year-mismatch")
    path = io.write_table(good, "findings", tmp_path)
    pd.testing.assert_frame_equal(io.read_table("findings", tmp_path), good)
    assert path.read_bytes() == "doc_id,code,message\nbaotou-2018,plan-year-mismatch,年份不符\n".encode()


# --------------------------------------------------------------------------- spreadsheet-safe export

FORMULAS = pd.DataFrame({
    "text": ["=HYPERLINK(\"http://x\")", "+86 0472", "-2%", "@SUM(A1)", "\t=1", "新增学位3万个", "a=b"],
    "value": [-1.5, 2.0, -3.0, 4.0, 5.0, 6.0, 7.0],
})


def test_spreadsheet_safe_prefixes_formula_cells_only():
    safe = io.spreadsheet_safe(FORMULAS)
    assert safe["text"].tolist() == ["'=HYPERLINK(\"http://x\")", "'+86 0472", "'-2%", "'@SUM(A1)", "'\t=1",
                                     "新增学位3万个", "a=b"]
    assert safe["value"].tolist() == FORMULAS["value"].tolist()  # numbers stay numbers
    assert FORMULAS["text"].iloc[0].startswith("=")  # the input is not modified


def test_export_table_writes_a_bom_and_safe_cells(tmp_path):
    path = io.export_table(FORMULAS, tmp_path / "export.csv")
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    back = pd.read_csv(path, encoding="utf-8-sig", keep_default_na=False)
    assert back["text"].tolist()[:4] == ["'=HYPERLINK(\"http://x\")", "'+86 0472", "'-2%", "'@SUM(A1)"]


def test_export_of_a_registered_table_keeps_every_row(tmp_path):
    path = io.export_table("targets", tmp_path / "targets.csv")
    back = pd.read_csv(path, encoding="utf-8-sig", keep_default_na=False, dtype=str)
    assert len(back) == len(io.read_table("targets"))


def test_canonical_csvs_keep_text_exactly(tmp_path):
    """The canonical writer never alters text: a quote stays text[start:end] even when it starts like a formula."""
    text = "-全市学前三年毛入园率达到94%"
    frame = pd.DataFrame({"quote": [text[0:17]], "start": [0], "end": [17]})
    back = io.read_csv(io.write_csv(frame, tmp_path / "q.csv"))
    assert back["quote"].iloc[0] == text[back["start"].iloc[0]:back["end"].iloc[0]]


def test_exports_never_go_into_data_processed():
    with pytest.raises(ValueError, match="do not go into data/processed"):
        io.export_table(FORMULAS, config.DATA_PROCESSED / "targets.csv")
