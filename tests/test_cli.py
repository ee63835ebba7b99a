"""The ``policylens`` command line: the targets subcommand on real files and bad input."""
from __future__ import annotations

import io
import json
import re

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


def test_help_lists_the_front_door(capsys):
    import pytest

    with pytest.raises(SystemExit) as exit_info:
        cli.main(["--help"])
    out = capsys.readouterr().out
    assert exit_info.value.code == 0
    for command in ("build", "evaluate", "notebooks", "targets"):
        assert command in out


def test_python_m_modules_delegate_to_the_front_door(monkeypatch):
    from policylens import build
    from policylens.evaluate import __main__ as evaluate_main

    seen = []
    monkeypatch.setattr(cli, "main", lambda argv=None: seen.append(argv) or 0)
    assert build.main(["--quiet"]) == 0
    assert evaluate_main.main(["topics", "--runs", "2"]) == 0
    assert seen == [["build", "--quiet"], ["evaluate", "topics", "--runs", "2"]]


def test_unexpected_errors_are_one_line_and_debug_shows_the_traceback(monkeypatch, tmp_path, capsys):
    import pytest

    def boom(args):
        raise ValueError("no candidate number of topics fits these units")

    def add_boom(subparsers):
        subparsers.add_parser("boom").set_defaults(func=boom)

    monkeypatch.setattr(cli, "SUBCOMMANDS", [*cli.SUBCOMMANDS, add_boom])
    code, _, err = run(["boom"], capsys)
    lines = err.strip().splitlines()
    assert code != 0 and len(lines) == 1
    assert re.match(r"policylens: error: [^ :]+:\d+: ValueError: no candidate number of topics", lines[0]), lines
    assert "Traceback" not in err and str(tmp_path) not in err
    with pytest.raises(ValueError):
        cli.main(["boom", "--debug"])


def test_ctrl_c_prints_one_line_and_exits_130(monkeypatch, capsys):
    def interrupted(args):
        raise KeyboardInterrupt

    def add(subparsers):
        subparsers.add_parser("slow").set_defaults(func=interrupted)

    monkeypatch.setattr(cli, "SUBCOMMANDS", [*cli.SUBCOMMANDS, add])
    code, _, err = run(["slow"], capsys)
    assert code == 130 and err.strip() == "policylens: interrupted"


def test_a_missing_raw_folder_is_one_error_line(tmp_path, capsys):
    code, _, err = run(["build", "--raw", str(tmp_path / "nowhere"), "--out", str(tmp_path / "out"), "--quiet"],
                       capsys)
    lines = err.strip().splitlines()
    assert code != 0 and len(lines) == 1 and lines[0].startswith("policylens: error: ")
    assert "manifest.csv" in lines[0] and "Traceback" not in err


def test_build_twice_with_nothing_changed_runs_no_stage(tmp_path, monkeypatch, capsys):
    import shutil

    from policylens import build as build_module
    from policylens.schema import tables

    def fake_topics(tasks, n_jobs=1):
        return {name: pd.DataFrame(columns=list(tables()[name][1])) for name in build_module.TOPIC_TABLES}

    monkeypatch.setattr(build_module, "build_topics", fake_topics)
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(config.DATA_RAW / "qingdao-2012.txt", raw)
    lines = (config.DATA_RAW / "manifest.csv").read_text(encoding="utf-8").splitlines()
    (raw / "manifest.csv").write_text("\n".join([lines[0], *[x for x in lines if x.startswith("qingdao-2012,")]])
                                      + "\n", encoding="utf-8")
    argv = ["build", "--raw", str(raw), "--out", str(tmp_path / "out"), "--cache-dir", str(tmp_path / "cache")]
    code, out, err = run(argv, capsys)
    assert code == 0 and "built" in out and "nothing changed" not in err and "tasks" in err
    before = (tmp_path / "out" / "tasks.csv").read_bytes()
    code, out, err = run(argv, capsys)
    assert code == 0 and "nothing changed since the last build" in err and "documents 1" in err
    (tmp_path / "out" / "tasks.csv").write_text("edited by hand", encoding="utf-8")  # an output touched: rebuilt
    code, out, err = run(argv, capsys)
    assert code == 0 and "nothing changed" not in err
    assert (tmp_path / "out" / "tasks.csv").read_bytes() == before
    with open(raw / "manifest.csv", "a", encoding="utf-8") as fh:  # an input changed: rebuilt
        fh.write("\n")
    code, out, err = run(argv, capsys)
    assert "nothing changed" not in err


def test_build_options_are_checked(capsys):
    import pytest

    with pytest.raises(SystemExit) as exit_info:
        cli.main(["build", "--jobs", "0"])
    assert exit_info.value.code == 2 and "at least 1" in capsys.readouterr().err


def test_a_full_disk_is_one_error_line_and_the_outputs_stay(tmp_path, monkeypatch, capsys):
    import errno

    from policylens import build as build_module

    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "manifest.csv").write_text((config.DATA_RAW / "manifest.csv").read_text(encoding="utf-8")
                                      .splitlines()[0] + "\n", encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / "SCHEMA.md").write_text("the previous set", encoding="utf-8")

    def full(frame, path, *args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(build_module, "write_csv", full)
    code, _, err = run(["build", "--raw", str(raw), "--out", str(out), "--no-cache", "--quiet"], capsys)
    lines = err.strip().splitlines()
    assert code != 0 and len(lines) == 1 and lines[0].startswith("policylens: error: ")
    assert "No space left on device" in lines[0] and "Traceback" not in err
    assert [p.name for p in out.iterdir()] == ["SCHEMA.md"]
    assert (out / "SCHEMA.md").read_text(encoding="utf-8") == "the previous set"


def test_strict_build_names_every_bad_document(tmp_path, capsys):
    import hashlib

    raw = tmp_path / "raw"
    raw.mkdir()
    header = (config.DATA_RAW / "manifest.csv").read_text(encoding="utf-8").splitlines()[0]
    row = (config.DATA_RAW / "manifest.csv").read_text(encoding="utf-8").splitlines()[1].split(",")
    data = b"\x00\x01" * 50
    (raw / "broken-2024.txt").write_bytes(data)
    fields = header.split(",")
    row[fields.index("doc_id")] = "broken-2024"
    row[fields.index("sha256")] = hashlib.sha256(data).hexdigest()
    (raw / "manifest.csv").write_text(header + "\n" + ",".join(row) + "\n", encoding="utf-8")
    code, _, err = run(["build", "--raw", str(raw), "--out", str(tmp_path / "out"), "--strict", "--quiet",
                        "--no-cache"], capsys)
    lines = err.strip().splitlines()
    assert code == 1 and len(lines) == 2 and "Traceback" not in err
    assert "broken-2024.txt" in lines[0] and "binary" in lines[0]
    assert lines[1] == "policylens: error: 1 document error(s) and --strict: out/ left as it was"
    assert not (tmp_path / "out").exists()
