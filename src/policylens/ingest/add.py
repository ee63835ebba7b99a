"""Adding plans to the corpus: duplicates, the copy into ``data/raw/`` and a complete manifest row.

:func:`add_file` extracts the text (:mod:`~policylens.ingest.formats`), infers the
metadata (:mod:`~policylens.ingest.infer`), applies the caller's overrides
(status ``given``), refuses a duplicate of a plan already in the corpus (same
normalized text, or near-identical: MinHash estimate of the Jaccard similarity of
character 5-gram shingles ≥ :data:`NEAR_DUPLICATE`), then copies the original
unchanged into ``data/raw/``, writes the extracted text beside it as
``<doc_id>.txt`` (and ``<doc_id>.map.csv``, the map back to the original, for
PDF and Word files) and appends the manifest row.
"""
from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from policylens import config
from policylens.corpus import clean
from policylens.ingest.formats import SUPPORTED, Extracted, extract
from policylens.ingest.infer import Field, gazetteer, infer_metadata, pinyin, province_of
from policylens.manifest import ADMIN_LEVELS, DOC_TYPES, MANIFEST_COLUMNS, REQUIRED, append_row, check_manifest
from policylens.normalize import to_simplified
from policylens.rawfile import CorpusError, read_bytes, read_raw

#: MinHash Jaccard estimate at or above which two plans are near-duplicates.
NEAR_DUPLICATE = 0.8
_NOT_TEXT = re.compile(r"[\W_]+")


def fingerprint(text: str) -> str:
    """Normalized text for exact-duplicate checks: Simplified, without spaces and punctuation."""
    return _NOT_TEXT.sub("", to_simplified(text))


def minhash(text: str):
    """MinHash (datasketch, 128 permutations, seed 1) of the character 5-grams of the normalized text."""
    from datasketch import MinHash

    norm = fingerprint(text)
    m = MinHash(num_perm=128, seed=1)
    m.update_batch([norm[i:i + 5].encode("utf-8") for i in range(max(1, len(norm) - 4))])
    return m


@dataclass
class Known:
    """Plans already in the corpus (and added in this run), for duplicate checks."""

    prints: dict[str, str] = field(default_factory=dict)
    hashes: dict[str, object] = field(default_factory=dict)

    @classmethod
    def from_raw(cls, raw_dir: Path) -> Known:
        known = cls()
        for path in sorted(raw_dir.glob("*.txt")):
            try:
                known.remember(path.stem, clean(read_raw(path).text).text)
            except CorpusError:
                continue
        return known

    def remember(self, doc_id: str, text: str) -> None:
        self.prints[doc_id] = fingerprint(text)
        self.hashes[doc_id] = minhash(text)

    def duplicate_of(self, text: str) -> tuple[str, str] | None:
        """``(doc_id, why)`` of a plan this text duplicates, or None."""
        norm = fingerprint(text)
        for doc_id, other in self.prints.items():
            if other == norm:
                return doc_id, "the same normalized text"
        mh = minhash(text)
        best = max(((mh.jaccard(h), d) for d, h in self.hashes.items()), default=(0.0, ""))
        if best[0] >= NEAR_DUPLICATE:
            return best[1], f"near-identical text (MinHash Jaccard {best[0]:.2f} ≥ {NEAR_DUPLICATE})"
        return None


def _slug(fields: dict[str, Field]) -> str:
    city = fields.get("county_zh") or fields.get("city_zh")
    start, end = fields.get("plan_start_year"), fields.get("plan_end_year")
    if city is None or start is None:
        return ""
    if city.value.startswith("X"):
        place = "x-" + pinyin(fields["province_zh"].value).lower().replace(" ", "-") if "province_zh" in fields else "x"
    else:
        place = pinyin(city.value).lower()
    years = start.value if end is None or end.value == start.value else f"{start.value}-{end.value}"
    return re.sub(r"[^a-z0-9-]+", "", f"{place}-{years}")


def _place_override(name: str) -> list[Field]:
    """Fields from a --city/--county flag: the gazetteer entry with that (or that short) name."""
    matches = [p for p in gazetteer().values() if p.level != "province" and (p.name == name or p.short == name)]
    if not matches:
        return [Field("city_zh", name, "given", "--city")]
    place = sorted(matches, key=lambda p: (p.level != "prefecture", p.code))[0]
    out = []
    if place.level in ("county", "district"):
        out.append(Field("county_zh", place.name, "given", "flag"))
        place = gazetteer().get(place.code[:4] + "0" * 8) or place
    out.append(Field("city_zh", place.name, "given", "flag"))
    out.append(Field("city_en", pinyin(place.name), "given", "pinyin of the given city"))
    province = province_of(place)
    if province:
        out.append(Field("province_zh", province.name, "given", f"the gazetteer code of {place.name}"))
        out.append(Field("province_en", pinyin(province.name), "given", "English name of the province"))
    return out


def apply_overrides(fields: dict[str, Field], overrides: dict[str, str]) -> dict[str, Field]:
    """Flags win over inference (status ``given``); validates allowed values."""
    fields = dict(fields)
    for key, value in overrides.items():
        if value in (None, ""):
            continue
        value = str(value)
        if key in ("city", "county"):
            for f in _place_override(value):
                fields[f.name] = f
        elif key == "year":
            m = re.fullmatch(r"((?:19|20)\d\d)(?:\s*[-–—]\s*((?:19|20)\d\d))?", value.strip())
            if not m:
                raise ValueError(f"--year {value!r}: write a year (2018) or a period (2018-2020)")
            fields["plan_start_year"] = Field("plan_start_year", m.group(1), "given", "--year")
            fields["plan_end_year"] = Field("plan_end_year", m.group(2) or m.group(1), "given", "--year")
        elif key == "doc_type":
            if value not in DOC_TYPES:
                raise ValueError(f"--doc-type {value!r}: use one of {', '.join(DOC_TYPES)}")
            fields["doc_type"] = Field("doc_type", value, "given", "--doc-type")
        elif key == "admin_level":
            if value not in ADMIN_LEVELS:
                raise ValueError(f"--admin-level {value!r}: use one of {', '.join(ADMIN_LEVELS)}")
            fields["admin_level"] = Field("admin_level", value, "given", "--admin-level")
        else:
            fields[key] = Field(key, value, "given", f"--{key.replace('_', '-')}")
    return fields


def row_for(fields: dict[str, Field], doc_id: str, source: str, sha: str, original: tuple[str, str] | None) -> dict:
    """The manifest row of an added plan."""
    row = {c: fields[c].value for c in MANIFEST_COLUMNS if c in fields}
    row.update(doc_id=doc_id, sha256=sha, source=row.get("source") or source)
    if original:
        row["original_file"], row["original_sha256"] = original
    inferred = [c for c in MANIFEST_COLUMNS if c in fields and fields[c].status == "inferred"]
    row["inferred"] = ";".join(inferred)
    row["evidence"] = "; ".join(f"{c}: {fields[c].evidence}" for c in inferred)
    return row


@dataclass
class Added:
    """What ``add`` did with one file."""

    path: Path
    doc_id: str = ""
    fields: dict[str, Field] = field(default_factory=dict)
    error: str = ""
    duplicate: str = ""


def add_file(path: Path, *, raw_dir: Path | None = None, manifest: Path | None = None,
             overrides: dict[str, str] | None = None, known: Known | None = None, dry_run: bool = False) -> Added:
    """Add one plan file (see the module docstring); errors are returned, not raised."""
    raw_dir = Path(raw_dir or config.DATA_RAW)
    manifest = Path(manifest or raw_dir / "manifest.csv")
    result = Added(Path(path))
    try:
        data = read_bytes(path)
        extracted: Extracted = extract(path, data)
        cleaned = clean(extracted.text).text
        if not cleaned.strip():
            raise CorpusError(path, "nothing left after cleaning: the file holds only web-page chrome")
        fields = infer_metadata(extracted.text, cleaned, title_hint=extracted.title, date_hint=extracted.date,
                                filename=Path(path).name)
        fields = apply_overrides(fields, overrides or {})
    except (CorpusError, ValueError) as exc:
        result.error = str(exc) if isinstance(exc, CorpusError) else f"{path}: {exc}"
        return result
    result.fields = fields
    known = known if known is not None else Known.from_raw(raw_dir)
    dup = known.duplicate_of(cleaned)
    if dup:
        result.duplicate = f"{path}: duplicate of {dup[0]} ({dup[1]}): not added"
        return result
    doc_id = (overrides or {}).get("doc_id") or _slug(fields)
    missing = [c for c in REQUIRED if c not in ("doc_id", "sha256", "source") and c not in fields]
    if missing or not doc_id:
        flags = {"city_zh": "--city", "city_en": "--city", "province_zh": "--city", "province_en": "--city",
                 "plan_start_year": "--year", "plan_end_year": "--year", "doc_type": "--doc-type",
                 "admin_level": "--admin-level", "title": "--title"}
        need = sorted({flags.get(c, f"--{c.replace('_', '-')}") for c in missing or ["city_zh"]})
        result.error = f"{path}: could not infer {', '.join(missing) or 'a doc_id'} from the text — give {' '.join(need)}"
        return result
    base, n = doc_id, 2
    taken = {p.stem for p in raw_dir.glob("*.txt")} | set(known.prints)
    while doc_id in taken:
        doc_id, n = f"{base}-{n}", n + 1
    result.doc_id = doc_id
    known.remember(doc_id, cleaned)
    if dry_run:
        return result
    suffix = Path(path).suffix.lower()
    if extracted.kind == "txt":
        text_bytes, original = data, None
    else:
        text_bytes = extracted.text.encode("utf-8")
        original = (f"{doc_id}{suffix}", hashlib.sha256(data).hexdigest())
        (raw_dir / original[0]).write_bytes(data)
        if extracted.spans:
            buf = io.StringIO()
            writer = csv.writer(buf, lineterminator="\n")
            writer.writerow(["text_start", "length", "locator"])
            writer.writerows(extracted.spans)
            (raw_dir / f"{doc_id}.map.csv").write_text(buf.getvalue(), encoding="utf-8")
    (raw_dir / f"{doc_id}.txt").write_bytes(text_bytes)
    source = f"added with policylens add from {Path(path).name} ({SUPPORTED[suffix]})"
    append_row(row_for(fields, doc_id, source, hashlib.sha256(text_bytes).hexdigest(), original), manifest)
    return result


def expand(paths: list[str | Path]) -> list[Path]:
    """Files named, and the files inside folders named (sorted; hidden files skipped; unsupported ones are
    kept so that ``add`` reports them)."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out += sorted(f for f in p.rglob("*") if f.is_file() and not any(part.startswith(".") for part in
                                                                              f.relative_to(p).parts))
        else:
            out.append(p)
    return out


def check(manifest: Path | None = None, raw_dir: Path | None = None) -> list[str]:
    """Every manifest and raw-folder problem as one line each (``policylens check``)."""
    _, problems = check_manifest(manifest, raw_dir)
    return [str(p) for p in problems]

