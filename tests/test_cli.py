"""The ``policylens`` command line: the targets subcommand on real files and bad input."""
from __future__ import annotations

import io
import json

import pandas as pd

from policylens import cli, config

SENTENCE = "全市学前三年幼儿入园率达到94%，九年义务教育巩固率达到94%，新建两所幼儿园。"


def run(argv, capsys):
    code = cli.main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_targets_csv_on_a_corpus_file(capsys):
    path = config.DATA_RAW / "baotou-2018.txt"
    code, out, _ = run(["targets", str(path), "--plan-year", "2018"], capsys)
    assert code == 0
    frame = pd.read_csv(io.StringIO(out))
    assert len(frame) >= 10
    assert set(frame["target_year"]) == {2018}
    text = path.read_text(encoding="utf-8")
    for r in frame.itertuples():
        assert text[r.start:r.end] == r.quote


def test_targets_json_and_encodings(tmp_path, capsys):
    for encoding in ("utf-8", "utf-8-sig", "gb18030"):
        path = tmp_path / f"plan-{encoding}.txt"
        path.write_bytes(SENTENCE.encode(encoding))
        code, out, _ = run(["targets", str(path), "--format", "json"], capsys)
        assert code == 0
        records = json.loads(out)
        assert [r["value"] for r in records] == [94.0, 94.0, 2.0]
        assert records[0]["target_year"] is None and records[0]["value_low"] is None


def test_unreadable_files_give_a_clear_error(tmp_path, capsys):
    missing = tmp_path / "missing.txt"
    code, _, err = run(["targets", str(missing)], capsys)
    assert code == 2 and "missing.txt" in err
    bad = tmp_path / "bad.txt"
    bad.write_bytes("第一行\n".encode() + b"\x81\x30\xff\xfe caf\xe9" * 10)
    code, _, err = run(["targets", str(bad)], capsys)
    assert code == 2 and "bad.txt:2" in err and "GB18030" in err
    binary = tmp_path / "scan.txt"
    binary.write_bytes(bytes(range(256)) * 4)
    code, _, err = run(["targets", str(binary)], capsys)
    assert code == 2 and "scan.txt" in err and "binary file" in err


def test_no_subcommand_prints_usage(capsys):
    code, _, err = run([], capsys)
    assert code == 2 and "targets" in err
