"""The corpus stage: raw plan files + manifest → cleaned texts you can trace back.

``read_raw`` decodes a file (UTF-8 with or without BOM, GB18030/GBK, UTF-16)
or fails with a :class:`CorpusError` naming the file, the line and the reason.
``clean`` removes web-page chrome, injected spam and documented scraping damage
with the rules in ``data/cleaning_rules.yaml``, folds widths, parentheses and
whitespace, converts Traditional to Simplified when needed, and keeps, for
every character of the cleaned text, its index in the raw text
(:attr:`CleanResult.offsets`). ``load_corpus`` does this for every document of
the manifest.

Tables
------
``DOCUMENT_COLUMNS`` (``data/processed/documents.csv``), one row per document:
manifest metadata, ``raw_chars``, ``clean_chars``, ``removed_chars``,
``encoding``, ``traditional_converted``, ``title_removed``, ``page_date``,
``rules_fired`` (``rule×count`` joined by ``;``), ``findings`` (``code: message``
joined by ``;``).

``CLEANING_COLUMNS`` (``cleaning_report.csv``), one row per document and rule that fired.
``FINDING_COLUMNS`` (``findings.csv``), one row per consistency finding.
"""
from __future__ import annotations

import codecs
import csv
import hashlib
import re
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd
import yaml

from policylens import config
from policylens.normalize import WIDTH_TABLE, is_traditional, to_simplified
from policylens.outline import match_marker

# --------------------------------------------------------------------------
# errors


class CorpusError(ValueError):
    """A problem with one input file, reported as ``file:line: reason``."""

    def __init__(self, path: Path | str, reason: str, line: int | None = None, column: str | None = None):
        self.path, self.reason, self.line, self.column = str(path), reason, line, column
        where = self.path if line is None else f"{self.path}:{line}"
        if column:
            where += f" (column {column})"
        super().__init__(f"{where}: {reason}")


class ManifestError(CorpusError):
    """A problem with a row of ``manifest.csv``."""


# --------------------------------------------------------------------------
# reading raw files


@dataclass(frozen=True)
class RawText:
    """A decoded raw file."""

    path: Path
    text: str
    encoding: str


def _line_of(data: bytes, pos: int) -> int:
    return data.count(b"\n", 0, pos) + 1


def _looks_binary(text: str) -> bool:
    if not text:
        return False
    controls = sum(1 for ch in text if (ord(ch) < 32 and ch not in "\t\n\r\f\v") or ch == "\x7f")
    return "\x00" in text or controls / len(text) > 0.01


_PLAUSIBLE = re.compile(r"[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef\u2010-\u206f\u00b7\u2460-\u24ff"
                        r"\u3400-\u4dbf\x20-\x7e\t\n\r]")


def _plausible(text: str) -> bool:
    """Mostly Chinese, ASCII and punctuation: what a decoded plan looks like."""
    sample = text[:20000]
    return bool(sample) and not _looks_binary(sample) and len(_PLAUSIBLE.findall(sample)) >= 0.85 * len(sample)


def decode_bytes(data: bytes, path: Path | str = "<bytes>") -> RawText:
    """Decode the bytes of a plan file or raise :class:`CorpusError`.

    BOMs decide first (UTF-8, UTF-16 LE/BE); otherwise strict UTF-8, strict
    GB18030 (a superset of GBK/GB2312) and BOM-less UTF-16 are tried, and the
    first whose result looks like text (mostly CJK, ASCII and punctuation) wins.
    """
    if not data.strip():
        raise CorpusError(path, "empty file" if not data else "file contains only whitespace")
    if data.startswith(codecs.BOM_UTF8):
        candidates = ["utf-8-sig"]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ["utf-16"]
    else:
        candidates = ["utf-8", "gb18030", "utf-16-le", "utf-16-be"]
        if len(data) % 2 == 0 and data[1::2].count(0) > 0.3 * len(data) / 2:
            candidates = ["utf-16-le", "utf-16-be", "utf-8", "gb18030"]
        elif len(data) % 2 == 0 and data[0::2].count(0) > 0.3 * len(data) / 2:
            candidates = ["utf-16-be", "utf-16-le", "utf-8", "gb18030"]
    utf8_error: UnicodeDecodeError | None = None
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            if encoding.startswith("utf-8"):
                utf8_error = exc
            continue
        if encoding in ("utf-8-sig", "utf-16") and not _looks_binary(text) or _plausible(text):
            if not text.strip():
                raise CorpusError(path, "file contains only whitespace")
            return RawText(Path(path), text, "utf-8" if encoding == "utf-8-sig" else encoding)
    controls = sum(1 for b in data[:20000] if b < 9 or 13 < b < 32)
    if b"\x00" in data or controls > 0.01 * min(len(data), 20000):
        pos = min((data.find(bytes([b])) for b in range(9) if bytes([b]) in data), default=0)
        raise CorpusError(path, "binary file, not text (control bytes such as NUL; not UTF-8, GB18030 or UTF-16)",
                          line=_line_of(data, pos))
    pos = utf8_error.start if utf8_error else 0
    raise CorpusError(path, f"unknown encoding: not valid UTF-8, GB18030/GBK or UTF-16 "
                            f"(undecodable byte 0x{data[pos]:02x} at byte {pos})", line=_line_of(data, pos))


def read_raw(path: Path | str) -> RawText:
    """Read and decode one raw plan file (see :func:`decode_bytes`)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CorpusError(path, f"cannot read file: {exc.strerror or exc}") from exc
    return decode_bytes(data, path)


# --------------------------------------------------------------------------
# text with an offset map


class TrackedText:
    """A string whose every character remembers its index in the raw text."""

    def __init__(self, text: str, origin: list[int] | None = None):
        self.text = text
        self.origin = list(range(len(text))) if origin is None else origin

    def translate(self, table: dict[int, str]) -> int:
        """1:1 character rewrite; returns how many characters changed."""
        new = self.text.translate(table)
        changed = sum(1 for a, b in zip(self.text, new) if a != b)
        self.text = new
        return changed

    def sub(self, pattern: re.Pattern[str], repl: str | Callable[[re.Match[str]], list[tuple[str, int]]] = "",
            ) -> list[str]:
        """Replace matches, keeping origins; returns the matched strings.

        ``repl`` is a literal (each new character takes the origin of the
        match start) or a function returning ``(chars, origin)`` pieces.
        """
        pieces: list[str] = []
        origin: list[int] = []
        matched: list[str] = []
        last = 0
        for m in pattern.finditer(self.text):
            if m.end() == m.start() and not repl:
                continue
            pieces.append(self.text[last:m.start()])
            origin.extend(self.origin[last:m.start()])
            if callable(repl):
                for chars, pos in repl(m):
                    pieces.append(chars)
                    origin.extend([pos] * len(chars))
            elif repl:
                at = self.origin[m.start()] if m.start() < len(self.origin) else (self.origin[-1] + 1 if self.origin else 0)
                pieces.append(repl)
                origin.extend([at] * len(repl))
            matched.append(m.group(0))
            last = m.end()
        if matched:
            pieces.append(self.text[last:])
            origin.extend(self.origin[last:])
            self.text = "".join(pieces)
            self.origin = origin
        return matched


def _template_pieces(template: str, origin: list[int]) -> Callable[[re.Match[str]], list[tuple[str, int]]]:
    """A ``sub`` callback for ``\\1``-style templates: group text keeps its origin.

    ``origin`` is the map of the text being matched; a literal character of the
    template takes the position just after the group before it (or the match start).
    """
    parts = re.split(r"\\(\d)", template)

    def build(m: re.Match[str]) -> list[tuple[str, int]]:
        out: list[tuple[str, int]] = []
        anchor = origin[m.start()]
        for i, part in enumerate(parts):
            if i % 2 == 0:
                if part:
                    out.append((part, anchor))
                continue
            start = m.start(int(part))
            for k, ch in enumerate(m.group(int(part))):
                out.append((ch, origin[start + k]))
                anchor = origin[start + k] + 1
        return out

    return build


# --------------------------------------------------------------------------
# rules


@dataclass(frozen=True)
class Rule:
    """One cleaning rule from ``cleaning_rules.yaml``."""

    id: str
    kind: str
    pattern: re.Pattern[str]
    reason: str
    replacement: str = ""


RULE_KINDS = ("drop_line", "delete", "replace")


def load_rules(path: Path | None = None) -> tuple[Rule, ...]:
    """Load and validate the cleaning rules (clear error naming the rule)."""
    path = path or config.PACKAGE_DATA / "cleaning_rules.yaml"
    try:
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise CorpusError(path, f"invalid YAML: {getattr(exc, 'problem', exc)}",
                          line=mark.line + 1 if mark else None) from exc
    rules: list[Rule] = []
    seen: set[str] = set()
    for i, entry in enumerate(spec.get("rules", []), start=1):
        rid = entry.get("id") or f"#{i}"
        for key in ("id", "kind", "pattern", "reason"):
            if not entry.get(key):
                raise CorpusError(path, f"rule {rid}: missing '{key}'")
        if rid in seen:
            raise CorpusError(path, f"rule {rid}: duplicate id")
        if entry["kind"] not in RULE_KINDS:
            raise CorpusError(path, f"rule {rid}: unknown kind {entry['kind']!r} (expected one of {RULE_KINDS})")
        if entry["kind"] == "replace" and "replacement" not in entry:
            raise CorpusError(path, f"rule {rid}: a replace rule needs 'replacement'")
        try:
            flags = re.MULTILINE if entry["kind"] == "drop_line" else 0
            pattern = re.compile(entry["pattern"], flags)
        except re.error as exc:
            raise CorpusError(path, f"rule {rid}: bad pattern: {exc}") from exc
        seen.add(rid)
        rules.append(Rule(rid, entry["kind"], pattern, entry["reason"], entry.get("replacement", "")))
    return tuple(rules)


@lru_cache(maxsize=1)
def default_rules() -> tuple[Rule, ...]:
    return load_rules()


# --------------------------------------------------------------------------
# cleaning


@dataclass(frozen=True)
class RuleHit:
    """A rule that fired on a document."""

    rule_id: str
    kind: str
    count: int
    removed_chars: int
    example: str
    reason: str


@dataclass
class CleanResult:
    """Cleaned text, its map back to the raw text, and what cleaning did."""

    text: str
    offsets: list[int]
    raw: str
    hits: list[RuleHit] = field(default_factory=list)
    title: str = ""
    page_date: str = ""
    traditional_converted: bool = False

    def to_raw(self, start: int, end: int) -> tuple[int, int]:
        """Raw ``[start, end)`` covering cleaned ``[start, end)``."""
        if start >= end:
            pos = self.offsets[start] if start < len(self.offsets) else len(self.raw)
            return pos, pos
        return self.offsets[start], self.offsets[end - 1] + 1

    def raw_line(self, pos: int) -> int:
        """1-based line of the raw file holding cleaned character ``pos``."""
        raw_pos = self.offsets[pos] if pos < len(self.offsets) else len(self.raw)
        return self.raw.count("\n", 0, raw_pos) + 1

    @property
    def rules_fired(self) -> str:
        return ";".join(f"{h.rule_id}×{h.count}" for h in self.hits)


_SENTENCE = re.compile(r"[。，,；;：:！!？?]")
_DATE = re.compile(r"((?:19|20)\d\d)[-/.年](\d{1,2})[-/.月](\d{1,2})")
_WS_EDGE = re.compile(r"[ \t\f\v]+(?=\n)|(?<=\n)[ \t\f\v]+|\A[ \t\f\v]+|[ \t\f\v]+\Z")
_WS_RUN = re.compile(r"[ \t\f\v]{2,}")
_NEWLINES = re.compile(r"\n{2,}")
_EDGE_NEWLINES = re.compile(r"\A\n+|\n+\Z")
_CR = re.compile(r"\r\n?")


def _record(hits: list[RuleHit], rid: str, kind: str, matched: list[str], reason: str, removed: int | None = None):
    if matched:
        removed_chars = sum(len(m) for m in matched) if removed is None else removed
        example = matched[0].strip()[:60]
        hits.append(RuleHit(rid, kind, len(matched), removed_chars, example, reason))


def clean(raw: str, rules: Iterable[Rule] | None = None) -> CleanResult:
    """Clean one raw plan text; see the module docstring for the steps."""
    rules = default_rules() if rules is None else tuple(rules)
    tracked = TrackedText(raw)
    hits: list[RuleHit] = []
    # "\r\n" → "\n" keeping the "\r"'s origin is harmless: both are line ends
    tracked.sub(_CR, "\n")
    page_date = ""
    header = raw[:600]
    for line in header.splitlines():
        if re.search(r"(发布时间|发布日期|时间|日期)\s*[:：]", line) and (m := _DATE.search(line.translate(WIDTH_TABLE))):
            page_date = f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
            break
    changed = tracked.translate(WIDTH_TABLE)
    if changed:
        hits.append(RuleHit("fold-width", "normalize", changed, 0, "", "full-width digits, letters and （） folded to ASCII"))
    converted = is_traditional(tracked.text)
    if converted:
        before = tracked.text
        tracked.text = to_simplified(tracked.text)
        n = sum(1 for a, b in zip(before, tracked.text) if a != b)
        hits.append(RuleHit("traditional-to-simplified", "normalize", n, 0, "",
                            "page served in Traditional characters; converted with OpenCC t2s"))
    for rule in rules:
        if rule.kind == "drop_line":
            line_pattern = re.compile(r"^[^\n]*?(?:" + rule.pattern.pattern + r")[^\n]*(?:\n|\Z)", re.MULTILINE)
            _record(hits, rule.id, rule.kind, tracked.sub(line_pattern), rule.reason)
        elif rule.kind == "delete":
            _record(hits, rule.id, rule.kind, tracked.sub(rule.pattern), rule.reason)
        else:
            matched = tracked.sub(rule.pattern, _template_pieces(rule.replacement, tracked.origin))
            _record(hits, rule.id, rule.kind, matched, rule.reason, removed=0)
    # whitespace: strip line edges, fold runs, drop blank lines
    tracked.sub(_WS_EDGE)
    tracked.sub(_WS_RUN, " ")
    tracked.sub(_NEWLINES, "\n")
    tracked.sub(_EDGE_NEWLINES)
    title = _remove_title(tracked, hits)
    tracked.sub(_EDGE_NEWLINES)
    return CleanResult(tracked.text, tracked.origin, raw, hits, title, page_date, converted)


def _remove_title(tracked: TrackedText, hits: list[RuleHit]) -> str:
    """Drop the page-title lines above the plan body; return the title.

    The header zone is the run of leading lines before the first numbered
    heading, long line (> 40 characters) or line with sentence punctuation.
    Its lines are the page title (sometimes repeated); the manifest keeps it.
    """
    lines = tracked.text.split("\n")
    n_title = 0
    for line in lines[:4]:
        if match_marker(line) or len(line) > 40 or _SENTENCE.search(line):
            break
        n_title += 1
    if n_title == 0 or n_title == len(lines):
        return ""
    cut = sum(len(line) + 1 for line in lines[:n_title])
    removed = tracked.text[:cut]
    tracked.text, tracked.origin = tracked.text[cut:], tracked.origin[cut:]
    title_lines = [line for line in removed.split("\n") if line]
    hits.append(RuleHit("header-title", "drop_line", len(title_lines), len(removed), title_lines[0][:60],
                        "page title above the body; kept in the manifest's title column"))
    return title_lines[0]


def clean_text(raw: str) -> str:
    """Cleaned plain text of a raw plan (the full result is :func:`clean`)."""
    return clean(raw).text


# --------------------------------------------------------------------------
# manifest

MANIFEST_COLUMNS = ("doc_id", "source_file", "city_zh", "city_en", "province_zh", "province_en", "admin_level",
                    "plan_start_year", "plan_end_year", "doc_type", "title", "issuing_body", "published_date",
                    "source", "anonymized", "sha256", "inferred", "evidence")
DOC_TYPES = {"annual_plan": "Annual work plan 年度工作计划",
             "work_key_points": "Work key points 工作要点",
             "multi_year_action_plan": "Multi-year action plan 多年行动计划"}
ADMIN_LEVELS = ("province", "prefecture", "county")
_REQUIRED = ("doc_id", "city_zh", "city_en", "province_zh", "province_en", "admin_level", "plan_start_year",
             "plan_end_year", "doc_type", "title", "source", "anonymized", "sha256")
_DOC_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def _check_row(row: dict[str, str], line: int, path: Path, raw_dir: Path) -> dict[str, object]:
    def fail(column: str, reason: str) -> ManifestError:
        return ManifestError(path, f"row {line - 1} ({row.get('doc_id') or '?'}): {reason}", line=line, column=column)

    for col in _REQUIRED:
        if not (row.get(col) or "").strip():
            raise fail(col, "missing value")
    doc_id = row["doc_id"]
    if not _DOC_ID.match(doc_id):
        raise fail("doc_id", f"{doc_id!r} is not a lowercase slug like 'baotou-2018'")
    if row["doc_type"] not in DOC_TYPES:
        raise fail("doc_type", f"unknown value {row['doc_type']!r} (expected one of {sorted(DOC_TYPES)})")
    if row["admin_level"] not in ADMIN_LEVELS:
        raise fail("admin_level", f"unknown value {row['admin_level']!r} (expected one of {list(ADMIN_LEVELS)})")
    if row["anonymized"] not in ("true", "false"):
        raise fail("anonymized", f"unknown value {row['anonymized']!r} (expected true or false)")
    years = {}
    for col in ("plan_start_year", "plan_end_year"):
        if not re.fullmatch(r"(19|20)\d\d", row[col]):
            raise fail(col, f"{row[col]!r} is not a year")
        years[col] = int(row[col])
    if years["plan_end_year"] < years["plan_start_year"]:
        raise fail("plan_end_year", "ends before it starts")
    if row.get("published_date") and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", row["published_date"]):
        raise fail("published_date", f"{row['published_date']!r} is not YYYY-MM-DD")
    inferred = [f for f in (row.get("inferred") or "").split(";") if f]
    unknown = [f for f in inferred if f not in MANIFEST_COLUMNS]
    if unknown:
        raise fail("inferred", f"unknown field(s) {unknown}")
    if inferred and not (row.get("evidence") or "").strip():
        raise fail("evidence", "inferred fields need their evidence")
    file = raw_dir / f"{doc_id}.txt"
    if not file.exists():
        raise fail("doc_id", f"raw file {file.name} not found in {raw_dir.name}/")
    digest = hashlib.sha256(file.read_bytes()).hexdigest()
    if digest != row["sha256"].strip().lower():
        raise fail("sha256", f"checksum mismatch for {file.name}: manifest {row['sha256'][:12]}…, file {digest[:12]}…")
    return {**row, **years, "anonymized": row["anonymized"] == "true", "inferred": ";".join(inferred)}


def read_manifest(path: Path | None = None, raw_dir: Path | None = None,
                  errors: list[CorpusError] | None = None) -> pd.DataFrame:
    """Read and validate the manifest.

    With ``errors=None`` the first bad row raises :class:`ManifestError`;
    with a list, bad rows are skipped and their errors appended, so the rest
    of the corpus still builds.
    """
    path = Path(path or config.MANIFEST)
    raw_dir = Path(raw_dir or path.parent)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ManifestError(path, f"cannot read manifest: {exc}") from exc
    reader = csv.DictReader(text.splitlines())
    missing = [c for c in _REQUIRED if c not in (reader.fieldnames or [])]
    if missing:
        raise ManifestError(path, f"header lacks column(s) {missing}", line=1)
    rows: list[dict[str, object]] = []
    seen: dict[str, int] = {}
    for line, row in enumerate(reader, start=2):
        try:
            if row.get("doc_id") in seen:
                raise ManifestError(path, f"row {line - 1}: duplicate doc_id {row['doc_id']!r} "
                                          f"(first on line {seen[row['doc_id']]})", line=line, column="doc_id")
            checked = _check_row(row, line, path, raw_dir)
        except CorpusError as exc:
            if errors is None:
                raise
            errors.append(exc)
            continue
        seen[str(row["doc_id"])] = line
        rows.append(checked)
    frame = pd.DataFrame(rows, columns=[c for c in MANIFEST_COLUMNS if c in (reader.fieldnames or [])])
    return frame.sort_values("doc_id", kind="stable").reset_index(drop=True)


# --------------------------------------------------------------------------
# consistency findings


@dataclass(frozen=True)
class Finding:
    """Something a careful researcher wants flagged, not fixed."""

    doc_id: str
    code: str
    message: str


@lru_cache(maxsize=1)
def _congresses() -> tuple[tuple[str, str], ...]:
    with open(config.PACKAGE_DATA / "party_congresses.csv", encoding="utf-8") as fh:
        return tuple((r["name"], r["opened"]) for r in csv.DictReader(fh))


_STATED_YEAR = re.compile(r"((?:19|20)\d\d)年\s*[,，]?\s*(?:是|为|全市|我市|是全面)")


def find_inconsistencies(doc_id: str, text: str, published_date: str, plan_start_year: int | None,
                         page_date: str = "") -> list[Finding]:
    """Party-congress references later than the page date; plan year ≠ page year."""
    out: list[Finding] = []
    dated = published_date or page_date
    for name, opened in _congresses():
        if dated and dated < opened:
            pos = text.find(name)
            if pos >= 0:
                out.append(Finding(doc_id, "congress-after-date",
                                   f"mentions 党的{name} (opened {opened}) but the page is dated {dated}"))
    stated = _STATED_YEAR.search(text[:300])
    if stated:
        year = int(stated.group(1))
        if plan_start_year and year != plan_start_year:
            out.append(Finding(doc_id, "plan-year-mismatch",
                               f"the text's plan year is {year}, the manifest says {plan_start_year}"))
        if dated and abs(int(dated[:4]) - year) > 1:
            out.append(Finding(doc_id, "page-date-vs-plan-year",
                               f"the page is dated {dated} but the text says its plan year is {year}"))
    if page_date and published_date and page_date != published_date:
        out.append(Finding(doc_id, "page-date-vs-manifest",
                           f"the page header says {page_date}, the manifest {published_date}"))
    return out


# --------------------------------------------------------------------------
# the corpus table

DOCUMENT_COLUMNS = ("doc_id", "city_zh", "city_en", "province_zh", "province_en", "admin_level", "plan_start_year",
                    "plan_end_year", "doc_type", "title", "issuing_body", "published_date", "page_date", "source",
                    "anonymized", "inferred", "evidence", "encoding", "raw_chars", "clean_chars", "removed_chars",
                    "traditional_converted", "title_removed", "rules_fired", "findings", "sha256")
CLEANING_COLUMNS = ("doc_id", "rule_id", "kind", "count", "removed_chars", "example", "reason")
FINDING_COLUMNS = ("doc_id", "code", "message")


@dataclass
class Corpus:
    """Documents, their cleaning results, findings and per-file errors."""

    documents: pd.DataFrame
    results: dict[str, CleanResult]
    findings: list[Finding]
    errors: list[CorpusError]

    def cleaning_report(self) -> pd.DataFrame:
        rows = [(doc_id, h.rule_id, h.kind, h.count, h.removed_chars, h.example, h.reason)
                for doc_id, res in sorted(self.results.items()) for h in res.hits]
        return pd.DataFrame(rows, columns=list(CLEANING_COLUMNS))

    def findings_table(self) -> pd.DataFrame:
        return pd.DataFrame([(f.doc_id, f.code, f.message) for f in self.findings], columns=list(FINDING_COLUMNS))


def build_corpus(manifest: Path | None = None, raw_dir: Path | None = None, progress: bool = False) -> Corpus:
    """Read, validate and clean every document; bad files are reported, not fatal."""
    errors: list[CorpusError] = []
    meta = read_manifest(manifest, raw_dir, errors=errors)
    raw_dir = Path(raw_dir or Path(manifest or config.MANIFEST).parent)
    rows, results, findings = [], {}, []
    iterator = meta.to_dict("records")
    if progress:
        from tqdm.auto import tqdm

        iterator = tqdm(iterator, desc="corpus: cleaning 清洗", unit="doc")
    for row in iterator:
        doc_id = str(row["doc_id"])
        try:
            raw = read_raw(raw_dir / f"{doc_id}.txt")
            result = clean(raw.text)
            if not result.text.strip():
                raise CorpusError(raw.path, "nothing left after cleaning: the file holds only web-page chrome")
        except CorpusError as exc:
            errors.append(exc)
            continue
        found = find_inconsistencies(doc_id, result.text, str(row.get("published_date") or ""),
                                     int(row["plan_start_year"]), result.page_date)
        findings.extend(found)
        results[doc_id] = result
        rows.append({**row, "encoding": raw.encoding, "raw_chars": len(raw.text), "clean_chars": len(result.text),
                     "removed_chars": len(raw.text) - len(result.text),
                     "traditional_converted": result.traditional_converted, "title_removed": result.title,
                     "page_date": result.page_date, "rules_fired": result.rules_fired,
                     "findings": ";".join(f"{f.code}: {f.message}" for f in found)})
    for exc in errors:
        warnings.warn(str(exc), stacklevel=2)
    documents = pd.DataFrame(rows, columns=list(DOCUMENT_COLUMNS))
    return Corpus(documents, results, findings, errors)


@lru_cache(maxsize=4)
def _cached_corpus(manifest: str, raw_dir: str, stamp: tuple) -> Corpus:
    return build_corpus(Path(manifest), Path(raw_dir))


def load_corpus(manifest: Path | None = None, raw_dir: Path | None = None) -> pd.DataFrame:
    """Documents table plus a ``text`` column with the cleaned text.

    Cached per process (keyed on the raw files' modification times).
    """
    manifest = Path(manifest or config.MANIFEST)
    raw_dir = Path(raw_dir or manifest.parent)
    stamp = tuple(sorted((p.name, p.stat().st_mtime_ns) for p in raw_dir.glob("*") if p.is_file()))
    corpus = _cached_corpus(str(manifest), str(raw_dir), stamp)
    frame = corpus.documents.copy()
    frame["text"] = [corpus.results[d].text for d in frame["doc_id"]]
    return frame


def load_clean_results(manifest: Path | None = None, raw_dir: Path | None = None) -> dict[str, CleanResult]:
    """Per-document :class:`CleanResult` (for tracing quotes back to raw lines)."""
    manifest = Path(manifest or config.MANIFEST)
    raw_dir = Path(raw_dir or manifest.parent)
    stamp = tuple(sorted((p.name, p.stat().st_mtime_ns) for p in raw_dir.glob("*") if p.is_file()))
    return _cached_corpus(str(manifest), str(raw_dir), stamp).results
