"""Unit kinds: the cue file ``data/structure_kinds.yaml`` and the rules that read it.

:func:`unit_kind` decides the kind of an outline unit (preamble, requirement, goal,
task, safeguard) from its headings, the top-level section first; :func:`review_heading`
is the one vocabulary of framing and review-of-the-past sections (read by targets);
:func:`run_in_title` finds the title of a heading that runs into its body. Used by
:mod:`policylens.structure`, which re-exports the public names.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from policylens import config
from policylens.normalize import to_simplified
from policylens.outline import strip_marker
from policylens.rulefile import RuleModel, load_yaml

__all__ = ["KindCues", "kind_rules", "kind_cues", "review_heading", "unit_kind", "cue_kind",
           "cue_title", "run_in_title", "SHORT_HEADING"]

#: Length of the title taken from a long heading without punctuation.
SHORT_HEADING = 20

_KIND = Literal["preamble", "requirement", "goal", "task", "safeguard"]


class _BareHeadingRules(RuleModel):
    min_chars: int
    max_chars: int
    min_count: int
    forbidden: list[str]
    not_endings: list[str]


class _ReviewRules(RuleModel):
    max_chars: int
    cues: list[str]


class KindCues(RuleModel):
    """Model of ``data/structure_kinds.yaml`` (see the comments in the file)."""

    section: dict[Literal["safeguard", "task"], list[str]]
    safeguard_heading: list[str]
    safeguard_heading_unless: list[str]
    review: _ReviewRules
    heading: dict[Literal["requirement", "goal"], list[str]]
    heading_exact: dict[Literal["requirement", "goal"], list[str]]
    default: _KIND
    attachment: list[str]
    bare_heading: _BareHeadingRules


@lru_cache(maxsize=1)
def kind_rules() -> KindCues:
    """The validated cue file ``data/structure_kinds.yaml`` (errors as ``file:line: reason``)."""
    return load_yaml(config.PACKAGE_DATA / "structure_kinds.yaml", KindCues)


@lru_cache(maxsize=1)
def kind_cues() -> dict:
    """The heading cues of ``data/structure_kinds.yaml`` as plain data."""
    return kind_rules().model_dump()


def review_heading(heading: str) -> bool:
    """True when ``heading`` names a framing or review-of-the-past section (发展基础, 工作回顾…).

    The one vocabulary (``review`` in ``structure_kinds.yaml``) behind kind ``preamble``
    of numbered sections; a cue counts only in a heading of at most ``review.max_chars``
    characters (after its outline marker).
    """
    review = kind_rules().review
    heading = strip_marker(heading.strip())
    return len(heading) <= review.max_chars and _matchers().review.search(heading) is not None


def cue_kind(heading: str, table: dict[str, list[str]]) -> str | None:
    """Kind whose cue occurs earliest in ``heading`` (None when no cue occurs)."""
    best: tuple[int, str] | None = None
    for kind, cues in table.items():
        for cue in cues:
            pos = heading.find(cue)
            if pos >= 0 and (best is None or pos < best[0]):
                best = (pos, kind)
    return best[1] if best else None


def _any_of(words: list[str]) -> re.Pattern[str]:
    """A pattern found in a text exactly when one of ``words`` occurs in it."""
    return re.compile("|".join(map(re.escape, words))) if words else re.compile("(?!)")


class _TablePattern:
    """:func:`cue_kind` of one cue table in one regex search: the alternation of its cues, kind by
    kind in table order, finds the earliest cue, and at that position the first kind in table
    order with a cue there (the one :func:`cue_kind` keeps)."""

    def __init__(self, table: dict[str, list[str]]):
        self.kinds = [kind for kind, cues in table.items() if cues]
        self.pattern = re.compile("|".join(f"(?P<k{i}>" + "|".join(map(re.escape, table[kind])) + ")"
                                           for i, kind in enumerate(self.kinds))) if self.kinds else None

    def kind(self, heading: str) -> str | None:
        found = self.pattern.search(heading) if self.pattern is not None else None
        return None if found is None else self.kinds[int(found.lastgroup[1:])]


@dataclass(frozen=True)
class _Matchers:
    section: _TablePattern
    heading: _TablePattern
    exact: dict[str, str]
    review: re.Pattern[str]
    guards: re.Pattern[str]
    unless: re.Pattern[str]


@lru_cache(maxsize=1)
def _matchers() -> _Matchers:
    """The cue file's tables as patterns and lookups, built once (:func:`unit_kind` runs per unit)."""
    cues = kind_cues()
    return _Matchers(_TablePattern(cues["section"]), _TablePattern(cues["heading"]),
                     {cue: kind for kind, words in cues["heading_exact"].items() for cue in words},
                     _any_of(cues["review"]["cues"]), _any_of(cues["safeguard_heading"]),
                     _any_of(cues["safeguard_heading_unless"]))


def unit_kind(headings: list[str], sections: int = 1) -> str:
    """Kind of a unit from its headings, top-level section first, its own last.

    The first ``sections`` headings are section headings (parts, chapters, 节, 一、
    sections and unnumbered headings; the top-level item when there is none): their
    ``section``, ``review`` and ``safeguard_heading`` cues decide first, outermost
    first; then the ``heading_exact`` and ``heading`` cues of every heading, the
    unit's own first.
    """
    cues = kind_cues()
    if not headings:
        return cues["default"]
    match = _matchers()
    # cues are Simplified: a Traditional word in a Simplified page (目標) reads the same
    headings = [to_simplified(h) for h in headings]
    for heading in headings[:max(sections, 1)]:
        by_section = match.section.kind(heading)
        if by_section:
            return by_section
        if review_heading(heading):
            return "preamble"
        if match.guards.search(heading) and not match.unless.search(heading):
            return "safeguard"
    exact = match.exact
    for heading in reversed(headings):
        whole = heading.strip().rstrip("。.:：;；").strip()
        if whole in exact:
            return exact[whole]
        by_heading = match.heading.kind(heading)
        if by_heading:
            return by_heading
    return cues["default"]



def cue_title(head: str) -> str:
    """The kind cue (4+ characters) a long heading opens with when its body runs on after it
    with no punctuation (``总体要求坚持以科学发展观为统领…``); '' otherwise."""
    for word in _long_cue_words().get(head[:1], ()):
        if len(head) > len(word) and head.startswith(word) and head[len(word)] not in "和与及、暨，,":
            return word
    return ""


_YEAR_AT = re.compile("(?:19|20)[0-9]{2}年")


@lru_cache(maxsize=1)
def _cue_words() -> tuple[str, ...]:
    """Every kind cue of the cue file, longest first (see :func:`_run_in_title`)."""
    cues = kind_cues()
    words = {w for table in (cues["section"], cues["heading"], cues["heading_exact"])
             for ws in table.values() for w in ws}
    words.update(cues["safeguard_heading"], cues["review"]["cues"])
    return tuple(sorted(words, key=lambda w: (-len(w), w)))


@lru_cache(maxsize=1)
def _long_cue_words() -> dict[str, tuple[str, ...]]:
    """The kind cues of 4+ characters by their first character, longest first (:func:`cue_title`)."""
    out: dict[str, list[str]] = {}
    for word in _cue_words():
        if len(word) >= 4:
            out.setdefault(word[0], []).append(word)
    return {first: tuple(words) for first, words in out.items()}


def run_in_title(head: str) -> str:
    """The title of a heading that runs into its body with no punctuation between.

    ``指导思想2019年我县…`` → ``指导思想`` (a kind cue opens it), ``加强教师队伍建设2020年全镇…``
    → ``加强教师队伍建设`` (a year opens the body), ``提升教育质量，开齐开足…`` → the
    clause before the first ``，``; otherwise the first :data:`SHORT_HEADING` characters.
    """
    cue = cue_title(head) if len(head) > 4 else ""
    if cue:
        return cue
    year = _YEAR_AT.search(head, 4, SHORT_HEADING + 4)
    if year is not None:
        return head[:year.start()]
    comma = head.find("，", 4, SHORT_HEADING + 1)
    if comma > 0:
        return head[:comma]
    return head[:SHORT_HEADING]
