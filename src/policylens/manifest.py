"""``data/raw/manifest.csv``: the documented contract for what the corpus holds.

:data:`MANIFEST_SCHEMA` lists every column with whether it is required, its
allowed values and its meaning (English and 中文); the README's manifest table
is this list. :func:`check_manifest` reads the manifest in any supported
encoding (UTF-8, GBK as Excel on Chinese Windows saves it, UTF-16…) with the
csv module on the whole text (quoted fields may hold line breaks; fields of any
size), and reports *every* problem at once as ``file:line (column X): reason —
fix``: bad values, duplicate ids, checksums, unknown or extra columns, and raw
files that no row describes (orphans).
"""
from __future__ import annotations

import csv
import hashlib
import io
import os
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from policylens import config
from policylens.rawfile import CorpusError, decode_bytes, read_bytes


class ManifestError(CorpusError):
    """A problem with a row (or the header) of ``manifest.csv``."""


@dataclass(frozen=True)
class Column:
    """One manifest column: name, required or not, allowed values and meaning."""

    name: str
    required: bool
    allowed: str
    meaning: str


#: Document types and their labels (figure legends use the labels; notebooks are executed with them).
DOC_TYPES = {"annual_plan": "Annual work plan 年度工作计划 (…工作计划, …工作打算)",
             "work_key_points": "Work key points 工作要点",
             "work_arrangement": "Work arrangement 工作安排",
             "multi_year_action_plan": "Multi-year action plan 多年行动计划 (…三年行动计划)",
             "development_plan": "Development plan 发展规划 (…“十四五”规划)"}
ADMIN_LEVELS = ("province", "prefecture", "county", "district", "town")

MANIFEST_SCHEMA: tuple[Column, ...] = (
    Column("doc_id", True, "lowercase slug `[a-z0-9]+(-[a-z0-9]+)*`, unique",
           "document id; the plan's text is `data/raw/<doc_id>.txt` 文档编号"),
    Column("source_file", False, "any text", "the file's name as it was received 原始文件名"),
    Column("city_zh", True, "any text; `X市(…)` when anonymized", "prefecture-level city 城市 (中文)"),
    Column("city_en", True, "any text", "city in English"),
    Column("county_zh", False, "any text or empty", "county / district / county-level city for a plan below the "
                                                    "prefecture 区县 (中文)"),
    Column("province_zh", True, "any text", "province or autonomous region 省份 (中文)"),
    Column("province_en", True, "any text", "province in English"),
    Column("admin_level", True, " / ".join(ADMIN_LEVELS), "level of the issuing government 行政级别"),
    Column("plan_start_year", True, "4-digit year", "first year the plan covers 规划起始年"),
    Column("plan_end_year", True, "4-digit year ≥ plan_start_year", "last year the plan covers 规划截止年"),
    Column("doc_type", True, " / ".join(DOC_TYPES), "document type 文件类型: annual_plan = …工作计划/工作打算, "
           "work_key_points = …工作要点, work_arrangement = …工作安排, multi_year_action_plan = …(三年)行动计划, "
           "development_plan = …规划"),
    Column("title", True, "any text", "title of the document 标题"),
    Column("issuing_body", False, "any text or empty", "issuing body 发文机关"),
    Column("published_date", False, "YYYY-MM-DD or empty", "publication date 发布日期"),
    Column("source", True, "any text", "where the file came from 来源"),
    Column("anonymized", True, "true / false", "place names replaced by X/某 in the text 是否匿名"),
    Column("sha256", True, "64 hex digits", "SHA-256 of `data/raw/<doc_id>.txt` (`sha256sum`) 校验和"),
    Column("original_file", False, "file name in data/raw/ or empty",
           "the original (.html/.pdf/.docx) the text was extracted from, kept unchanged 原件"),
    Column("original_sha256", False, "64 hex digits or empty", "SHA-256 of `original_file`"),
    Column("inferred", False, "column names joined by `;`", "fields inferred rather than read, until confirmed 推断字段"),
    Column("evidence", False, "text; required when `inferred` is set", "why each inferred field has its value 依据"),
)
MANIFEST_COLUMNS = tuple(c.name for c in MANIFEST_SCHEMA)
REQUIRED = tuple(c.name for c in MANIFEST_SCHEMA if c.required)
_DOC_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_YEAR = re.compile(r"(?:19|20)\d\d")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_HEX = re.compile(r"[0-9a-fA-F]{64}")
#: Files in data/raw/ that are not plans (hidden files such as ``.gitkeep`` are skipped too).
NOT_PLANS = ("manifest.csv", "README.md", "README.txt")


def schema_markdown() -> str:
    """The manifest contract as a Markdown table (README and SCHEMA.md)."""
    rows = ["| column | required | allowed values | meaning |", "|---|---|---|---|"]
    rows += [f"| `{c.name}` | {'yes' if c.required else 'no'} | {c.allowed} | {c.meaning} |" for c in MANIFEST_SCHEMA]
    return "\n".join(rows) + "\n"


def file_sha256(path: Path) -> str:
    """SHA-256 of a regular file (CorpusError for folders, FIFOs, unreadable files…)."""
    return hashlib.sha256(read_bytes(path)).hexdigest()


def _row_problems(row: dict[str, str], line: int, path: Path, raw_dir: Path) -> list[ManifestError]:
    problems: list[ManifestError] = []

    def fail(column: str, reason: str) -> None:
        problems.append(ManifestError(path, f"row {row.get('#', '?')} ({row.get('doc_id') or '?'}): {reason}",
                                      line=line, column=column))

    for col in REQUIRED:
        if not (row.get(col) or "").strip():
            fail(col, "missing value — fill it in (see the manifest table in the README)")
    doc_id = (row.get("doc_id") or "").strip()
    if doc_id and not _DOC_ID.fullmatch(doc_id):
        fail("doc_id", f"{doc_id!r} is not a lowercase slug like 'baotou-2018' — use a-z, 0-9 and '-'")
    if row.get("doc_type") and row["doc_type"] not in DOC_TYPES:
        fail("doc_type", f"unknown value {row['doc_type']!r} — use one of {', '.join(DOC_TYPES)}")
    if row.get("admin_level") and row["admin_level"] not in ADMIN_LEVELS:
        fail("admin_level", f"unknown value {row['admin_level']!r} — use one of {', '.join(ADMIN_LEVELS)}")
    if row.get("anonymized") and row["anonymized"] not in ("true", "false"):
        fail("anonymized", f"unknown value {row['anonymized']!r} — use true or false")
    years: dict[str, int] = {}
    for col in ("plan_start_year", "plan_end_year"):
        if row.get(col):
            if _YEAR.fullmatch(row[col]):
                years[col] = int(row[col])
            else:
                fail(col, f"{row[col]!r} is not a year — write four digits, e.g. 2018")
    if len(years) == 2 and years["plan_end_year"] < years["plan_start_year"]:
        fail("plan_end_year", "ends before it starts — swap plan_start_year and plan_end_year")
    if row.get("published_date") and not _DATE.fullmatch(row["published_date"]):
        fail("published_date", f"{row['published_date']!r} is not YYYY-MM-DD — e.g. 2018-04-08, or leave it empty")
    inferred = [f for f in (row.get("inferred") or "").split(";") if f]
    unknown = [f for f in inferred if f not in MANIFEST_COLUMNS]
    if unknown:
        fail("inferred", f"unknown field(s) {unknown} — list manifest column names joined by ';'")
    if inferred and not (row.get("evidence") or "").strip():
        fail("evidence", "inferred fields need their evidence — say why each inferred value holds")
    for col in ("sha256", "original_sha256"):
        if row.get(col) and not _HEX.fullmatch(row[col].strip()):
            fail(col, f"{row[col][:20]!r} is not 64 hex digits — run `sha256sum` on the file")
    if doc_id and _DOC_ID.fullmatch(doc_id):
        checks = [("sha256", raw_dir / f"{doc_id}.txt")]
        if row.get("original_file"):
            checks.append(("original_sha256", raw_dir / row["original_file"]))
        for col, file in checks:
            try:
                digest = file_sha256(file)
            except CorpusError as exc:
                fail("doc_id" if col == "sha256" else "original_file",
                     f"raw file {file.name} in {raw_dir.name}/: {exc.reason} — `policylens add` the plan"
                     if "not found" in exc.reason else f"raw file {file.name}: {exc.reason}")
                continue
            given = (row.get(col) or "").strip().lower()
            if given and _HEX.fullmatch(given) and digest != given:
                fail(col, f"checksum mismatch for {file.name}: manifest {given[:12]}…, file {digest[:12]}… — "
                          f"if the file is right, write {digest}")
    return problems


def _decode_manifest(path: Path) -> str:
    try:
        return decode_bytes(read_bytes(path), path).text
    except CorpusError as exc:
        raise ManifestError(path, f"cannot read manifest: {exc.reason}", line=exc.line) from exc


def _records(text: str) -> list[tuple[int, list[str]]]:
    """``(first line, fields)`` of every CSV record; quoted fields may span lines and be of any size."""
    old = csv.field_size_limit()
    csv.field_size_limit(max(old, 1 << 30))
    try:
        reader = csv.reader(io.StringIO(text, newline=""), strict=False)
        out, last = [], 0
        for fields in reader:
            out.append((last + 1, fields))
            last = reader.line_num
        return out
    finally:
        csv.field_size_limit(old)


def orphan_files(raw_dir: Path, known: set[str]) -> list[ManifestError]:
    """Entries of ``raw_dir`` that no manifest row describes (never opened)."""
    out = []
    try:
        entries = sorted(os.scandir(raw_dir), key=lambda e: e.name)
    except OSError:
        return out
    for entry in entries:
        if entry.name.startswith(".") or entry.name in NOT_PLANS or entry.name in known:
            continue
        what = "folder" if entry.is_dir(follow_symlinks=False) else "file"
        out.append(ManifestError(raw_dir / entry.name, f"{what} in {raw_dir.name}/ without a manifest row — "
                                                       f"`policylens add` it, or move it out of {raw_dir.name}/"))
    return out


def check_manifest(path: Path | None = None, raw_dir: Path | None = None,
                   orphans: bool = True) -> tuple[pd.DataFrame, list[ManifestError]]:
    """Valid rows (sorted by doc_id) and every problem of the manifest and the raw folder."""
    path = Path(path or config.MANIFEST)
    raw_dir = Path(raw_dir or path.parent)
    records = _records(_decode_manifest(path))
    if not records:
        raise ManifestError(path, "empty manifest — the first line must name the columns", line=1)
    header = [h.strip() for h in records[0][1]]
    problems: list[ManifestError] = []
    for name in header:
        if name not in MANIFEST_COLUMNS:
            problems.append(ManifestError(path, f"unknown column {name!r} — remove it or use one of "
                                                f"{', '.join(MANIFEST_COLUMNS)}", line=1, column=name))
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise ManifestError(path, f"header lacks column(s) {missing} — add them (see the manifest table in the "
                                  "README)", line=1)
    rows: list[dict[str, object]] = []
    seen: dict[str, int] = {}
    known: set[str] = set()
    for number, (line, fields) in enumerate(records[1:], start=1):
        if not any(f.strip() for f in fields):
            continue
        row = dict(zip(header, fields))
        row["#"] = str(number)
        errs: list[ManifestError] = []
        if len(fields) != len(header):
            how = "extra" if len(fields) > len(header) else "missing"
            errs.append(ManifestError(path, f"row {number} ({row.get('doc_id') or '?'}): {len(fields)} fields for "
                                            f"{len(header)} columns ({how}) — quote values that contain commas",
                                      line=line))
        doc_id = (row.get("doc_id") or "").strip()
        if doc_id in seen:
            errs.append(ManifestError(path, f"row {number}: duplicate doc_id {doc_id!r} (first on line "
                                            f"{seen[doc_id]}) — give each plan its own id", line=line,
                                      column="doc_id"))
        errs += _row_problems(row, line, path, raw_dir)
        if doc_id:
            known.update({f"{doc_id}.txt", f"{doc_id}.map.csv", str(row.get("original_file") or "")})
        problems += errs
        if errs:
            continue
        seen[doc_id] = line
        inferred = ";".join(f for f in str(row.get("inferred") or "").split(";") if f)
        rows.append({**{c: row.get(c, "") for c in MANIFEST_COLUMNS if c in header},
                     "plan_start_year": int(row["plan_start_year"]), "plan_end_year": int(row["plan_end_year"]),
                     "anonymized": row["anonymized"] == "true", "inferred": inferred})
    if orphans:
        problems += orphan_files(raw_dir, known)
    frame = pd.DataFrame(rows, columns=[c for c in MANIFEST_COLUMNS if c in header])
    return frame.sort_values("doc_id", kind="stable").reset_index(drop=True), problems


def read_manifest(path: Path | None = None, raw_dir: Path | None = None,
                  errors: list[CorpusError] | None = None) -> pd.DataFrame:
    """Read and validate the manifest.

    With ``errors=None`` the first problem raises :class:`ManifestError`; with
    a list, every problem is appended (bad rows left out, orphan raw files
    reported) and the valid rows are returned, so the rest of the corpus builds.
    """
    frame, problems = check_manifest(path, raw_dir, orphans=errors is not None)
    if errors is None and problems:
        raise problems[0]
    if errors is not None:
        errors.extend(problems)
    return frame


def append_row(row: dict[str, str], path: Path | None = None) -> None:
    """Append a complete row, widening the header (and rewriting as UTF-8) when a column is new."""
    path = Path(path or config.MANIFEST)
    if path.exists():
        records = _records(_decode_manifest(path))
        header = [h.strip() for h in records[0][1]] if records else []
        body = [dict(zip(header, f)) for _, f in records[1:]]
    else:
        header, body = [], []
    needed = [c for c in MANIFEST_COLUMNS if c not in header and (row.get(c) or c in REQUIRED)]
    if needed or not header:
        header = header + needed if header else list(MANIFEST_COLUMNS)
    body.append({c: row.get(c, "") for c in header})
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=header, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(body)
    from policylens.files import write_bytes_atomic

    write_bytes_atomic(buf.getvalue().encode("utf-8"), path)
