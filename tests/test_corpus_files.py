"""Hostile raw folders, encodings and manifests: one clear error per problem, the rest builds."""
from __future__ import annotations

import csv
import hashlib
import io
import os
import shutil
import socket
from pathlib import Path

import pytest

from policylens import config
from policylens.corpus import build_corpus
from policylens.manifest import MANIFEST_SCHEMA, check_manifest, schema_markdown
from policylens.rawfile import MAX_RAW_BYTES, CorpusError, decode_bytes, read_raw

PLAN = ("2019年全区教育工作要点\n一、总体要求\n（一）推进义务教育优质均衡发展，全区学前三年毛入园率达到９５％。\n"
        "（二）加强教师队伍建设，新招聘教师１２０名。\n")


def _copy(tmp_path: Path) -> Path:
    raw = tmp_path / "raw"
    shutil.copytree(config.DATA_RAW, raw)
    return raw


# --- file kinds -----------------------------------------------------------------

def _plant(raw: Path, kind: str) -> Path:
    """Replace qingdao-2012.txt by a hostile kind of file."""
    target = raw / "qingdao-2012.txt"
    target.unlink()
    if kind == "folder":
        target.mkdir()
    elif kind == "fifo":
        os.mkfifo(target)
    elif kind == "socket":
        sock = socket.socket(socket.AF_UNIX)
        sock.bind(str(target))
        sock.close()
    elif kind == "dangling":
        target.symlink_to(raw / "nowhere.txt")
    elif kind == "loop":
        target.symlink_to(target)
    elif kind == "too-big":
        with open(target, "wb") as fh:
            fh.truncate(MAX_RAW_BYTES + 1)
    elif kind == "unreadable":
        target.write_text(PLAN, encoding="utf-8")
        target.chmod(0)
    return target


KINDS = {"folder": "is a folder", "fifo": r"named pipe \(FIFO\).*not opened", "socket": "is a socket",
         "dangling": "dangling symbolic link", "loop": "symbolic link loop", "too-big": "over the .*-byte limit",
         "unreadable": "permission denied"}


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_file_kind_is_one_clear_error_and_the_rest_builds(tmp_path, kind):
    raw = _copy(tmp_path)
    target = _plant(raw, kind)
    if kind == "unreadable" and os.access(target, os.R_OK):
        pytest.skip("running as root: permissions do not stop reading")
    with pytest.raises(CorpusError, match=rf"qingdao-2012\.txt: .*{KINDS[kind]}"):
        read_raw(target)
    with pytest.warns(UserWarning):
        corpus = build_corpus(raw / "manifest.csv", raw)
    assert sorted(corpus.results) == ["baotou-2018", "cangzhou-2023", "x-guangxi-2018-2020", "zhuzhou-2017"]
    messages = [str(e) for e in corpus.errors]
    assert any("qingdao-2012.txt" in m for m in messages), messages
    assert all("\n" not in m for m in messages)


def test_orphans_and_stray_folders_are_reported(tmp_path):
    raw = _copy(tmp_path)
    (raw / "stray.txt").write_text(PLAN, encoding="utf-8")
    (raw / "drafts").mkdir()
    (raw / ".gitkeep").write_text("")
    os.mkfifo(raw / "pipe.txt")
    with pytest.warns(UserWarning):
        corpus = build_corpus(raw / "manifest.csv", raw)
    assert len(corpus.results) == 5
    messages = sorted(str(e) for e in corpus.errors)
    assert len(messages) == 3 and all("without a manifest row" in m for m in messages)
    assert any("drafts: folder" in m for m in messages) and any("stray.txt: file" in m for m in messages)


# --- decoding -------------------------------------------------------------------

def test_valid_utf8_with_heavy_nbsp_is_utf8():
    text = ("\u00a0" * 8 + "（一）推进教育发展。\n") * 50
    assert decode_bytes(text.encode("utf-8")).encoding == "utf-8"


@pytest.mark.parametrize("extra", ["Привет, мир. " * 40, "🎓📚✅" * 60, "𠀀𠀁𠀂𡀀" * 60])
def test_valid_utf8_with_many_non_cjk_characters_is_utf8(extra):
    text = PLAN + extra
    raw = decode_bytes(text.encode("utf-8"))
    assert raw.text == text and raw.encoding == "utf-8"


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "gb2312", "big5", "utf-16-le", "utf-16-be", "utf-32"])
def test_chinese_encodings_decode_right(encoding):
    text = PLAN.replace("９５％", "95%").replace("１２０", "120") * 3
    if encoding == "big5":
        from opencc import OpenCC

        text = OpenCC("s2t").convert(text)
    raw = decode_bytes(text.encode(encoding))
    assert raw.text == text


@pytest.mark.parametrize("encoding, text, named", [
    ("shift_jis", "日本の教育政策は、文部科学省が発表した計画に基づいて推進される。すべての生徒に機会を。\n" * 10, "Shift-JIS"),
    ("euc_jp", "日本の教育政策は、文部科学省が発表した計画に基づいて推進される。すべての生徒に機会を。\n" * 10, "EUC-JP"),
    ("euc_kr", "대한민국의 교육 정책은 교육부가 발표한 계획에 따라 추진된다. 모든 학생에게 기회를.\n" * 10, "EUC-KR"),
])
def test_japanese_and_korean_are_refused_with_the_encoding_named(encoding, text, named):
    with pytest.raises(CorpusError, match=rf"plan\.txt:1: text in {named}.*not Chinese"):
        decode_bytes(text.encode(encoding), "plan.txt")


def test_error_position_counts_the_bom():
    data = b"\xef\xbb\xbf" + "第一行\n第二行\n".encode() + b"\xff\xfe bad\n"
    with pytest.raises(CorpusError, match=r"x\.txt:3: invalid UTF-8 after its byte-order mark \(byte 0xff at byte 23\)"):
        decode_bytes(data, "x.txt")
    assert data[23] == 0xFF


# --- manifest -------------------------------------------------------------------

def _rows(raw: Path) -> tuple[list[str], list[dict[str, str]]]:
    with open(raw / "manifest.csv", encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


def _write(raw: Path, header: list[str], rows: list[dict[str, str]], encoding: str = "utf-8") -> None:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=header, lineterminator="\r\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    (raw / "manifest.csv").write_bytes(buf.getvalue().encode(encoding))


def test_manifest_saved_as_gbk_by_excel_reads(tmp_path):
    raw = _copy(tmp_path)
    header, rows = _rows(raw)
    _write(raw, header, rows, "gbk")
    frame, problems = check_manifest(raw / "manifest.csv", raw)
    assert problems == [] and len(frame) == 5 and "包头市" in set(frame["city_zh"])


def test_every_manifest_problem_at_once_with_right_lines(tmp_path):
    raw = _copy(tmp_path)
    header, rows = _rows(raw)
    rows[0]["evidence"] = "line one\nline two\nline three"   # a quoted multi-line field: later lines shift
    rows[0]["inferred"] = "title"
    rows[1]["doc_type"] = "five_year_plan"
    rows[1]["admin_level"] = "village"
    rows[3]["sha256"] = "0" * 64
    rows[4]["source"] = "x" * (200 * 1024)                  # a field over 128 KB
    _write(raw, [*header, "notes"], rows)
    (raw / "stray.docx").write_bytes(b"PK\x03\x04")
    frame, problems = check_manifest(raw / "manifest.csv", raw)
    found = {(p.line, p.column) for p in problems}
    assert (1, "notes") in found                            # extra column named
    assert (5, "doc_type") in found and (5, "admin_level") in found
    assert (7, "sha256") in found                           # line 7: the first row spans lines 2-4
    assert any("stray.docx" in str(p) and "without a manifest row" in str(p) for p in problems)
    assert sorted(frame["doc_id"]) == ["baotou-2018", "cangzhou-2023", "x-guangxi-2018-2020"]
    assert all("—" in p.reason for p in problems)           # every problem says the fix


def test_extra_fields_in_a_row_are_reported(tmp_path):
    raw = _copy(tmp_path)
    text = (raw / "manifest.csv").read_text(encoding="utf-8").splitlines()
    text[2] += ",surplus"
    (raw / "manifest.csv").write_text("\n".join(text) + "\n", encoding="utf-8")
    _, problems = check_manifest(raw / "manifest.csv", raw)
    assert [(p.line, "extra" in p.reason) for p in problems] == [(3, True)]


def test_manifest_contract_is_documented():
    table = schema_markdown()
    for column in MANIFEST_SCHEMA:
        assert f"`{column.name}`" in table
    readme = (config.ROOT / "README.md").read_text(encoding="utf-8")
    assert table in readme, "README's manifest table is schema_markdown() (regenerate it)"


def test_checksum_of_a_folder_is_an_error_not_a_crash(tmp_path):
    raw = _copy(tmp_path)
    (raw / "zhuzhou-2017.txt").unlink()
    (raw / "zhuzhou-2017.txt").mkdir()
    _, problems = check_manifest(raw / "manifest.csv", raw)
    assert any(p.column == "doc_id" and "is a folder" in p.reason for p in problems)


def test_manifest_codes_have_labels():
    from policylens import labels
    from policylens.manifest import ADMIN_LEVELS, DOC_TYPES

    assert set(labels.codes("doc_type")) == set(DOC_TYPES)
    assert set(labels.codes("admin_level")) == set(ADMIN_LEVELS)


def test_a_saved_web_page_named_txt_is_refused_and_the_rest_builds(tmp_path):
    raw = _copy(tmp_path)
    page = "<!DOCTYPE html>\n<html><head><title>计划</title></head>\n<body><div>" + PLAN + "</div></body></html>\n"
    (raw / "baotou-2018.txt").write_text(page, encoding="utf-8")
    with pytest.raises(CorpusError, match=r"baotou-2018\.txt:1: a saved web page .*policylens add"):
        read_raw(raw / "baotou-2018.txt")
    header, rows = _rows(raw)
    rows[0]["sha256"] = hashlib.sha256((raw / "baotou-2018.txt").read_bytes()).hexdigest()
    _write(raw, header, rows)
    with pytest.warns(UserWarning):
        corpus = build_corpus(raw / "manifest.csv", raw)
    assert "baotou-2018" not in corpus.results and len(corpus.results) == 4
    assert [e.reason[:20] for e in corpus.errors] == ["a saved web page (HT"]
