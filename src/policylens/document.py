"""The document model: one plan, read once, traced back to its raw file.

:class:`Plan` holds everything a later stage needs about one document:

* ``plan.raw``: the decoded raw text (any encoding :func:`policylens.corpus.read_raw` reads);
* ``plan.text``: the cleaned text (:func:`policylens.corpus.clean`: page chrome and
  scraping damage removed, widths folded, Traditional converted);
* ONE offset map, ``plan.offsets``: a compact ``numpy.int32`` array giving, for every
  character of ``plan.text``, its index in ``plan.raw`` (4 bytes a character);
* ``plan.units``: the outline units (:func:`policylens.structure.parse_plan`), computed once;
* ``plan.sentences``: the sentences of the cleaned text, with offsets;
* ``plan.meta``: the document's metadata (its manifest row; quanteda's docvars).

``plan.to_raw(start, end)`` maps a span of ``plan.text`` to ``(raw_start, raw_end,
raw_line)``, so any quote a stage finds can be shown in the file the researcher has.

    >>> from policylens import Plan
    >>> plan = Plan.from_file("data/raw/baotou-2018.txt", doc_id="baotou-2018")  # doctest: +SKIP
    >>> plan.units[["path", "kind", "heading"]].head()                          # doctest: +SKIP
"""
from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from policylens.corpus import CleanResult, RawText, RuleHit, clean, read_raw

#: Columns of :attr:`Plan.sentences`.
SENTENCE_COLUMNS: dict[str, str] = {
    "sentence": "1-based order of the sentence in the cleaned text",
    "start": "offset of its first non-space character in the cleaned text",
    "end": "offset just past its closing punctuation (or its last character)",
    "text": "the sentence (cleaned text[start:end])",
}

# A sentence ends at 。！？；(full or half width) or a line break; linear (no nested quantifiers).
_SENTENCE = re.compile(r"[^。！？；!?;\n]*(?:[。！？；!?;]+|\n|\Z)")


@dataclass(eq=False)
class Plan:
    """One plan: raw text, cleaned text, offset map, outline units, sentences and metadata."""

    raw: str
    text: str
    offsets: np.ndarray
    meta: dict[str, Any] = field(default_factory=dict)
    hits: list[RuleHit] = field(default_factory=list)
    title: str = ""
    page_date: str = ""
    traditional_converted: bool = False
    encoding: str = "utf-8"
    path: Path | None = None

    # -- constructors --------------------------------------------------------
    @classmethod
    def from_clean_result(cls, result: CleanResult, *, encoding: str = "utf-8", path: Path | str | None = None,
                          **metadata: Any) -> Plan:
        """A plan from a :class:`policylens.corpus.CleanResult` (its offset list becomes an int32 array)."""
        offsets = np.asarray(result.offsets, dtype=np.int32)
        return cls(result.raw, result.text, offsets, dict(metadata), list(result.hits), result.title,
                   result.page_date, result.traditional_converted, encoding,
                   Path(path) if path is not None else None)

    @classmethod
    def from_text(cls, text: str, **metadata: Any) -> Plan:
        """Clean ``text`` (raw scraped text is fine) and wrap it with ``metadata`` (e.g. ``doc_id=…``)."""
        return cls.from_clean_result(clean("" if text is None else str(text)), **metadata)

    @classmethod
    def from_file(cls, path: Path | str, **metadata: Any) -> Plan:
        """Read ``path`` in any supported encoding, clean it, and wrap it with ``metadata``.

        ``doc_id`` defaults to the file name without its suffix. Raises
        :class:`policylens.corpus.CorpusError` (``file:line: reason``) for an unreadable file.
        """
        return cls.from_raw(read_raw(path), **metadata)

    @classmethod
    def from_raw(cls, raw: RawText, **metadata: Any) -> Plan:
        """Clean a decoded file (:func:`policylens.corpus.read_raw`'s result) and wrap it with ``metadata``."""
        metadata.setdefault("doc_id", Path(raw.path).stem)
        return cls.from_clean_result(clean(raw.text), encoding=raw.encoding, path=raw.path, **metadata)

    def __getstate__(self) -> dict[str, Any]:
        """Pickle the fields only: units, sentences and line starts are recomputed (or set) on demand."""
        return {k: v for k, v in self.__dict__.items() if not k.startswith("_") and k != "sentences"}

    # -- views -------------------------------------------------------------
    @property
    def doc_id(self) -> str:
        """The document id (``meta['doc_id']``, '' when unset)."""
        return str(self.meta.get("doc_id", ""))

    @cached_property
    def _line_starts(self) -> np.ndarray:
        """Raw offsets where each raw line starts (line ``i + 1`` starts at ``[i]``)."""
        breaks = [m.end() for m in re.finditer("\n", self.raw)]
        return np.asarray([0, *breaks], dtype=np.int64)

    @cached_property
    def _units_and_notes(self) -> tuple[pd.DataFrame, tuple[str, ...]]:
        from policylens.structure import StructureWarning, parse_plan

        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", StructureWarning)
            units = parse_plan(self.text)
        notes = tuple(str(w.message) for w in caught if issubclass(w.category, StructureWarning))
        return units, notes

    @property
    def units(self) -> pd.DataFrame:
        """Outline units of the cleaned text (:data:`policylens.structure.UNIT_COLUMNS`), parsed once."""
        return self._units_and_notes[0]

    @property
    def structure_notes(self) -> tuple[str, ...]:
        """Messages of the structure stage about this plan (e.g. 'no outline numbering found…')."""
        return self._units_and_notes[1]

    def set_units(self, units: pd.DataFrame, notes: tuple[str, ...] = ()) -> None:
        """Use units parsed earlier from this same text (e.g. the build's cache) instead of parsing again."""
        self.__dict__["_units_and_notes"] = (units, tuple(notes))

    @cached_property
    def sentences(self) -> pd.DataFrame:
        """Sentences of the cleaned text (:data:`SENTENCE_COLUMNS`), split at 。！？； and line breaks."""
        starts: list[int] = []
        ends: list[int] = []
        for m in _SENTENCE.finditer(self.text):
            start, end = m.start(), m.end()
            while start < end and self.text[start].isspace():
                start += 1
            while end > start and self.text[end - 1].isspace():
                end -= 1
            if end > start:
                starts.append(start)
                ends.append(end)
        texts = [self.text[a:b] for a, b in zip(starts, ends)]
        # typed arrays straight into the frame (a constructor + astype cost ~3 ms on a short text);
        # the text column is pandas' str dtype, object when there is no sentence
        arrays = [np.arange(1, len(starts) + 1, dtype=np.int64), np.array(starts, dtype=np.int64),
                  np.array(ends, dtype=np.int64),
                  pd.array(texts, dtype="str") if texts else np.empty(0, dtype=object)]
        return pd.DataFrame._from_arrays(arrays, columns=pd.Index(list(SENTENCE_COLUMNS)),
                                         index=pd.RangeIndex(len(texts)), verify_integrity=False)

    # -- tracing back ----------------------------------------------------------
    def raw_offset(self, pos: int) -> int:
        """Raw offset of cleaned character ``pos`` (``len(raw)`` past the end)."""
        return int(self.offsets[pos]) if 0 <= pos < len(self.offsets) else len(self.raw)

    def raw_line(self, raw_pos: int) -> int:
        """1-based line of the raw file holding raw offset ``raw_pos``."""
        return int(np.searchsorted(self._line_starts, raw_pos, side="right"))

    def to_raw(self, start: int, end: int) -> tuple[int, int, int]:
        """Map cleaned ``[start, end)`` to ``(raw_start, raw_end, raw_line)``.

        ``raw[raw_start:raw_end]`` covers every raw character the span came from
        (cleaning may have dropped characters in between); ``raw_line`` is the
        1-based raw line of the span's first character.
        """
        if not 0 <= start <= end <= len(self.text):
            raise IndexError(f"span [{start}, {end}) is outside the cleaned text (length {len(self.text)})")
        raw_start = self.raw_offset(start)
        raw_end = raw_start if start == end else int(self.offsets[end - 1]) + 1
        return raw_start, raw_end, self.raw_line(raw_start)

    def offset_runs(self) -> list[tuple[int, int, int]]:
        """The offset map as runs ``(clean_start, raw_start, length)`` of consecutive characters."""
        n = len(self.offsets)
        if n == 0:
            return []
        breaks = np.flatnonzero(np.diff(self.offsets) != 1) + 1
        starts = np.concatenate(([0], breaks))
        lengths = np.diff(np.concatenate((starts, [n])))
        return [(int(s), int(self.offsets[s]), int(k)) for s, k in zip(starts, lengths)]

    @property
    def rules_fired(self) -> str:
        """Cleaning rules that fired, as ``rule×count`` joined by ``;``."""
        return ";".join(f"{h.rule_id}×{h.count}" for h in self.hits)

    def __repr__(self) -> str:
        return (f"Plan(doc_id={self.doc_id!r}, raw_chars={len(self.raw)}, clean_chars={len(self.text)}, "
                f"units={len(self.units) if '_units_and_notes' in self.__dict__ else '…'})")
