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

import csv
import re
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Literal

import pandas as pd
from pydantic import Field, model_validator

from policylens import config
from policylens.manifest import (  # noqa: F401 (re-exported: the corpus stage's public names)
    ADMIN_LEVELS,
    DOC_TYPES,
    MANIFEST_COLUMNS,
    ManifestError,
    check_manifest,
    read_manifest,
)
from policylens.normalize import WIDTH_TABLE, changed_chars, is_traditional, to_simplified
from policylens.outline import inline_breaks, match_marker
from policylens.rawfile import CorpusError, RawText, decode_bytes, read_raw  # noqa: F401 (re-exported)
from policylens.rulefile import RuleModel, compile_linear, load_yaml

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
        changed = changed_chars(self.text, new)
        self.text = new
        return changed

    def strip_newlines(self) -> None:
        """Drop leading and trailing newlines (plain string methods: linear)."""
        start = len(self.text) - len(self.text.lstrip("\n"))
        end = len(self.text.rstrip("\n"))
        if start or end < len(self.text):
            self.text, self.origin = self.text[start:end], self.origin[start:end]

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


def _drop_chrome(rule: Rule, origin: list[int], removed: list[str]) -> Callable[[re.Match[str]], list[tuple[str, int]]]:
    """A drop_line rule's replacement of a line it matched: nothing when the line is chrome-sized (for a token
    rule: when no full stop is left without its matches), else the line without the rule's matches (each kept
    character with its origin); what goes is added to ``removed``."""
    def repl(m: re.Match[str]) -> list[tuple[str, int]]:
        line = m.group(0)
        chrome = ("。" not in rule.inline.sub("", line)) if rule.token else _chrome_sized(line.rstrip("\n"))
        if chrome:
            removed.append(line)
            return []
        kept, last = [], 0
        for hit in rule.inline.finditer(line):
            if hit.end() > hit.start():
                removed.append(hit.group(0))
                kept.extend(range(last, hit.start()))
                last = hit.end()
        kept.extend(range(last, len(line)))
        return [(line[i], origin[m.start() + i]) for i in kept]

    return repl


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
    gate: re.Pattern[str] | None = None   # a cheaper search that must hit for ``pattern`` to match anywhere
    inline: re.Pattern[str] | None = None  # drop_line: the bare match, deleted from a line that holds the plan too
    token: bool = False                    # drop_line: the match is the chrome itself (a button), see _drop_chrome


# A line longer than this, with a full stop, is the plan's own text even when chrome is glued to it.
DROP_LINE_MAX = 200


def _chrome_sized(line: str) -> bool:
    """Whether a line holding chrome is chrome and nothing else: no full stop, or at most
    :data:`DROP_LINE_MAX` characters without outline items run into it (a page saved as one line,
    ``…工作要点 一、… 1.…。 二、…。【打印本页】``, is the plan with its chrome glued on)."""
    if "。" not in line:
        return True
    return len(line) <= DROP_LINE_MAX and not inline_breaks(line)


RULE_KINDS = ("drop_line", "delete", "replace")


class _RuleSpec(RuleModel):
    id: str = Field(min_length=1)
    kind: Literal["drop_line", "delete", "replace"]
    pattern: str = Field(min_length=1)
    reason: str = Field(min_length=1)
    replacement: str | None = None
    token: bool = False

    @model_validator(mode="after")
    def _replacement_iff_replace(self) -> _RuleSpec:
        if (self.kind == "replace") != (self.replacement is not None):
            raise ValueError("a replace rule needs 'replacement'; other kinds take none")
        if self.token and self.kind != "drop_line":
            raise ValueError("'token' belongs to drop_line rules")
        return self


class _RuleFile(RuleModel):
    version: int
    rules: list[_RuleSpec]

    @model_validator(mode="after")
    def _unique_ids(self) -> _RuleFile:
        ids = [r.id for r in self.rules]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"duplicate rule id(s) {dupes}")
        return self


def load_rules(path: Path | None = None) -> tuple[Rule, ...]:
    """Load and validate the cleaning rules (``file:line: reason`` errors; patterns must be linear)."""
    from policylens.rulefile import RuleFileError

    path = path or config.PACKAGE_DATA / "cleaning_rules.yaml"
    spec = load_yaml(path, _RuleFile)
    rules: list[Rule] = []
    for entry in spec.rules:
        try:
            if entry.kind == "drop_line":  # the line holding a match: wrapped once here, linear per line
                bare = compile_linear(entry.pattern, f"rule {entry.id}", re.MULTILINE)
                # a pattern anchored at the line start needs no lazy scan along the line; one that is not
                # tries every position of every line, so the bare pattern (which the engine scans for by its
                # first characters) is searched first: most pages have none of the chrome it names
                anchored = entry.pattern.startswith("^")
                prefix = r"^(?:" + entry.pattern[1:] if anchored else r"^[^\n]*?(?:" + entry.pattern
                pattern = re.compile(prefix + r")[^\n]*(?:\n|\Z)", re.MULTILINE)
                gate, inline = (None if anchored else bare), bare
            else:
                pattern, gate, inline = compile_linear(entry.pattern, f"rule {entry.id}"), None, None
        except ValueError as exc:
            raise RuleFileError(path, str(exc)) from exc
        rules.append(Rule(entry.id, entry.kind, pattern, entry.reason, entry.replacement or "", gate, inline,
                          entry.token))
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
# Whitespace in one linear pass: each maximal run is matched once (no lookahead from every
# position of the run, which was quadratic); the callback drops it at a line edge, folds it to one space inside.
_WS = re.compile(r"[ \t\f\v]+")
_NEWLINES = re.compile(r"\n{2,}")
_CR = re.compile(r"\r\n?")


def _fold_space(tracked: TrackedText) -> Callable[[re.Match[str]], list[tuple[str, int]]]:
    """``sub`` callback: a run of spaces at a line edge goes, inside a line it becomes one space."""
    text, origin = tracked.text, tracked.origin

    def fold(m: re.Match[str]) -> list[tuple[str, int]]:
        start, end = m.span()
        if start == 0 or end == len(text) or text[start - 1] == "\n" or text[end] == "\n":
            return []
        return [(text[start] if end - start == 1 else " ", origin[start])]

    return fold


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
        n = changed_chars(before, tracked.text)
        hits.append(RuleHit("traditional-to-simplified", "normalize", n, 0, "",
                            "page served in Traditional characters; converted with OpenCC t2s"))
    for rule in rules:
        if rule.gate is not None and not rule.gate.search(tracked.text):
            continue
        if rule.kind == "drop_line":
            removed: list[str] = []
            tracked.sub(rule.pattern, _drop_chrome(rule, tracked.origin, removed))
            _record(hits, rule.id, rule.kind, removed, rule.reason)
        elif rule.kind == "delete":
            _record(hits, rule.id, rule.kind, tracked.sub(rule.pattern), rule.reason)
        else:
            matched = tracked.sub(rule.pattern, _template_pieces(rule.replacement, tracked.origin))
            _record(hits, rule.id, rule.kind, matched, rule.reason, removed=0)
    # whitespace: strip line edges, fold runs, drop blank lines
    tracked.sub(_WS, _fold_space(tracked))
    tracked.sub(_NEWLINES, "\n")
    tracked.strip_newlines()
    title = _remove_title(tracked, hits)
    tracked.strip_newlines()
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
