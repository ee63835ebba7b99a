"""Common task taxonomy: code every task of every plan into one set of policy domains.

The codebook (``data/taxonomy.yaml``, prose in ``shared/spec/taxonomy.md``) defines
18 bilingual domains with weighted cue terms, boundary rules and a second facet,
the education ``level``. :class:`TaskCoder` combines

* transparent **cue rules**: cue weights summed per domain, a cue in the heading
  counting ``heading_weight`` times a body cue, plus the codebook's recurring
  decisions as rule logic (building for one level → that level with
  ``infrastructure`` secondary; higher vocational colleges → ``vocational``;
  staff development for one level → ``teachers``; 双减 in-school vs training-sector
  side; admission/exam systems → ``governance``; the heading breaks near-ties);
* a **model**: character n-gram TF-IDF + logistic regression trained on the coded
  founding corpus (``data/taxonomy_training.csv``).

The rules decide alone when they are clear (enough cue weight and a clear margin);
otherwise the rule shares and the model probabilities are blended. With no cue
at all and a model guess barely above chance the task is ``other``; ``other`` also
scores by rule when the codebook gives it positive cues (the bureau's duties outside
education: 驻村, 文明城市 ...), but is never a secondary domain. (On items
where the rules are not clear, the rules' top domain was right far more often
than the model's -- 0.88 vs 0.41 on the external development set -- so the
model stays a tie-breaker rather than getting more say.) The
``evidence`` column says which decided and on what. :func:`code_tasks` is the
one-call entry point (a default coder fitted on the shipped training data,
cached). Output columns are documented in :data:`TAXONOMY_COLUMNS`.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml
from sklearn.base import BaseEstimator, ClassifierMixin, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from policylens import config
from policylens.normalize import normalize
from policylens.outline import strip_marker

CODEBOOK_PATH = config.PACKAGE_DATA / "taxonomy.yaml"
TRAINING_PATH = config.PACKAGE_DATA / "taxonomy_training.csv"

#: Columns :func:`code_tasks` adds to its input (all other columns pass through).
TAXONOMY_COLUMNS: dict[str, str] = {
    "domain": "primary domain code (see taxonomy.yaml); `other` when nothing can be coded",
    "secondary_domains": "further domain codes, `;`-joined, strongest first; empty when none",
    "confidence": "0-1: blended probability of the primary domain (low for `other`/empty text)",
    "evidence": "human-readable reason: `rules:`, `blend:`, `model:` or `empty:` followed by the "
                "cues (heading/body, ×count), boundary rules fired and model features that decided",
    "level": "education-level facet: preschool, compulsory, senior_secondary, vocational, higher, "
             "lifelong, special or cross_level",
}
#: Columns of the shipped training data (:func:`build_training_data`).
TRAINING_COLUMNS: tuple[str, ...] = ("doc_id", "path", "kind", "heading", "text", "domain", "secondary")
CODED_KINDS = ("task", "safeguard")
OTHER = "other"


# --------------------------------------------------------------------------- codebook

class CodebookError(ValueError):
    """The codebook YAML is malformed; the message names the offending entry."""


class _UniqueKeyLoader(yaml.SafeLoader):
    """YAML loader that rejects duplicate mapping keys (PyYAML silently keeps the last)."""


def _construct_unique_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    mapping: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in mapping:
            raise CodebookError(f"duplicate key {key!r} in the codebook (line {key_node.start_mark.line + 1})")
        mapping[key] = loader.construct_object(value_node, deep=deep)
    return mapping


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_unique_mapping)


@dataclass(frozen=True)
class Domain:
    """One codebook domain."""

    code: str
    en: str
    zh: str
    definition: str
    boundary: tuple[str, ...]


@dataclass(frozen=True)
class Level:
    """One value of the education-level facet (with its ISCED alignment)."""

    code: str
    en: str
    zh: str
    isced: str


@dataclass(frozen=True)
class Codebook:
    """The validated codebook: domains, cue weights, levels, scoring and rule parameters."""

    domains: tuple[Domain, ...]
    cues: dict[str, dict[str, float]]          # term -> {domain: weight}
    levels: tuple[Level, ...]
    level_cues: dict[str, dict[str, float]]    # term -> {level: weight}
    scoring: dict[str, float]
    rules: dict[str, Any] = field(default_factory=dict)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(d.code for d in self.domains)

    def domain(self, code: str) -> Domain:
        for d in self.domains:
            if d.code == code:
                return d
        raise KeyError(f"unknown domain code {code!r}")


_SCORING_KEYS = ("heading_weight", "body_cap", "prior", "clear_min_score", "clear_ratio", "rules_weight",
                 "secondary_ratio", "secondary_min", "max_secondary", "other_max_proba")
#: Optional scoring parameters and their defaults (older codebooks without them behave as before).
_OPTIONAL_SCORING = {"other_max_score": 0.0, "max_derived_heading": 40.0}


def _weight(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise CodebookError(f"{where}: weight must be a non-negative number, got {value!r}")
    return float(value)


def _text_field(entry: dict, key: str, where: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        raise CodebookError(f"{where}: missing or empty field {key!r}")
    return value.strip()


def parse_codebook(data: Any) -> Codebook:
    """Validate a parsed codebook mapping; raise :class:`CodebookError` naming the bad entry."""
    if not isinstance(data, dict):
        raise CodebookError("codebook: top level must be a mapping")
    raw_domains = data.get("domains")
    if not isinstance(raw_domains, list) or not raw_domains:
        raise CodebookError("codebook: 'domains' must be a non-empty list")
    domains: list[Domain] = []
    cues: dict[str, dict[str, float]] = {}
    owner: dict[str, str] = {}
    for i, entry in enumerate(raw_domains):
        if not isinstance(entry, dict):
            raise CodebookError(f"domains[{i}]: must be a mapping")
        code = entry.get("code")
        where = f"domain {code!r}" if code else f"domains[{i}]"
        if not isinstance(code, str) or not re.fullmatch(r"[a-z][a-z_]*", code):
            raise CodebookError(f"{where}: code must be a lower-case identifier")
        if any(d.code == code for d in domains):
            raise CodebookError(f"domain {code!r}: duplicate code")
        boundary = entry.get("boundary") or []
        if not isinstance(boundary, list) or not all(isinstance(b, str) for b in boundary):
            raise CodebookError(f"{where}: boundary must be a list of strings")
        domains.append(Domain(code, _text_field(entry, "en", where), _text_field(entry, "zh", where),
                              _text_field(entry, "definition", where), tuple(boundary)))
        raw_cues = entry.get("cues") or {}
        if not isinstance(raw_cues, dict):
            raise CodebookError(f"{where}: cues must be a mapping term -> weight")
        for term, w in raw_cues.items():
            term = str(term)
            if not term.strip():
                raise CodebookError(f"{where}: empty cue term")
            if term in owner:
                raise CodebookError(
                    f"cue {term!r} is assigned to both {owner[term]!r} and {code!r}; assign it once or "
                    f"move it to shared_cues with explicit per-domain weights")
            owner[term] = code
            cues[term] = {code: _weight(w, f"{where} cue {term!r}")}
    codes = {d.code for d in domains}
    if OTHER not in codes:
        raise CodebookError(f"codebook: the fallback domain {OTHER!r} is missing")
    shared = data.get("shared_cues") or {}
    if not isinstance(shared, dict):
        raise CodebookError("shared_cues: must be a mapping term -> {domain: weight}")
    for term, weights in shared.items():
        term = str(term)
        where = f"shared cue {term!r}"
        if term in owner:
            raise CodebookError(f"{where} is also listed under domain {owner[term]!r}; list it once")
        if not isinstance(weights, dict) or not weights:
            raise CodebookError(f"{where}: needs explicit per-domain weights {{domain: weight}}")
        for dom in weights:
            if dom not in codes:
                raise CodebookError(f"{where}: unknown domain {dom!r}")
        cues[term] = {dom: _weight(w, f"{where} ({dom})") for dom, w in weights.items()}
    levels: list[Level] = []
    level_cues: dict[str, dict[str, float]] = {}
    for i, entry in enumerate(data.get("levels") or []):
        code = entry.get("code") if isinstance(entry, dict) else None
        where = f"level {code!r}" if code else f"levels[{i}]"
        if not isinstance(code, str):
            raise CodebookError(f"{where}: missing code")
        if any(lv.code == code for lv in levels):
            raise CodebookError(f"level {code!r}: duplicate code")
        levels.append(Level(code, _text_field(entry, "en", where), _text_field(entry, "zh", where),
                            str(entry.get("isced", "")).strip() or "n/a"))
        for term, w in (entry.get("cues") or {}).items():
            level_cues.setdefault(str(term), {})[code] = _weight(w, f"{where} cue {term!r}")
    if not any(lv.code == "cross_level" for lv in levels):
        raise CodebookError("levels: the fallback level 'cross_level' is missing")
    scoring = data.get("scoring") or {}
    for key in _SCORING_KEYS:
        if key not in scoring:
            raise CodebookError(f"scoring: missing parameter {key!r}")
        _weight(scoring[key], f"scoring {key!r}")
    rules = data.get("rules") or {}
    for key in ("level_domains",):
        for dom in rules.get(key, []):
            if dom not in codes:
                raise CodebookError(f"rules {key}: unknown domain {dom!r}")
    for key in _OPTIONAL_SCORING:
        if key in scoring:
            _weight(scoring[key], f"scoring {key!r}")
    params = {k: float(scoring[k]) for k in _SCORING_KEYS}
    params.update({k: float(scoring.get(k, default)) for k, default in _OPTIONAL_SCORING.items()})
    if "text_share_weight" in rules:
        _weight(rules["text_share_weight"], "rules 'text_share_weight'")
    for key in ("generic_heading_cues", "staff_nouns", "across_level_cues"):
        value = rules.get(key, [])
        if not isinstance(value, list) or not all(isinstance(t, str) and t.strip() for t in value):
            raise CodebookError(f"rules {key}: must be a list of non-empty terms")
    return Codebook(tuple(domains), cues, tuple(levels), level_cues, params, dict(rules))


def load_codebook(path: Path | str | None = None) -> Codebook:
    """Load and validate the codebook YAML (default: the packaged ``taxonomy.yaml``)."""
    path = Path(path) if path is not None else CODEBOOK_PATH
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_UniqueKeyLoader)  # noqa: S506 (safe subclass)
    except yaml.YAMLError as exc:
        raise CodebookError(f"{path.name}: not valid YAML: {exc}") from exc
    return parse_codebook(data)


@lru_cache(maxsize=1)
def codebook() -> Codebook:
    """The packaged codebook (cached)."""
    return load_codebook()


def domain_codes() -> tuple[str, ...]:
    """All domain codes in codebook order."""
    return codebook().codes


def bilingual_label(code: str) -> str:
    """Figure label for a domain or level code, e.g. ``"Teachers & school leaders 教师与校长队伍"``."""
    book = codebook()
    for d in book.domains:
        if d.code == code:
            return f"{d.en} {d.zh}"
    for lv in book.levels:
        if lv.code == code:
            return f"{lv.en} {lv.zh}"
    raise KeyError(f"unknown taxonomy code {code!r}")


def levels_table() -> pd.DataFrame:
    """The level facet as a table: code, en, zh, isced."""
    return pd.DataFrame([vars(lv) for lv in codebook().levels], columns=["code", "en", "zh", "isced"])


# --------------------------------------------------------------------------- text preparation

_CJK = re.compile(r"[\u4e00-\u9fff]")
_URL = re.compile(r"(?:https?://|www\.)\S+")
_TAG = re.compile(r"<[^>]{0,200}>")
_PINYIN = re.compile(r"[a-zāáǎàēéěèīíǐìōóǒòūúǔùüǖǘǚǜ]+(?:\s+[a-zāáǎàēéěèīíǐìōóǒòūúǔùüǖǘǚǜ]+)*")
_CJK_GAP = re.compile(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])")


def _clean(value: Any) -> str:
    """Normalize (width, Traditional) and drop markup, URLs and stray pinyin / Latin noise."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    text = normalize(str(value)).text
    text = _TAG.sub(" ", _URL.sub(" ", text))
    text = _PINYIN.sub(" ", text)
    text = _CJK_GAP.sub("", text)
    return re.sub(r"\s+", " ", text).strip()


def _strip_number(text: str) -> str:
    return strip_marker(text.lstrip())


def split_heading(heading: Any, text: Any, max_derived: int = 40) -> tuple[str, str]:
    """Normalized ``(heading, body)``: the heading given, or the text before the first 。/：.

    A derived heading must be short (at most ``max_derived`` characters, the codebook's
    ``scoring.max_derived_heading``): a long first sentence of an item without a title
    is body text, not a title, and must not get the heading's weight.
    """
    head, body = _strip_number(_clean(heading)), _strip_number(_clean(text))
    if not head:
        m = re.match(r"([^。：:；;]{1," + str(max(int(max_derived), 1)) + r"})[。：:；;]", body)
        if m:
            head = m.group(1)
    head = head.strip(" 。：:；;")
    if head and body.startswith(head):
        body = body[len(head):].lstrip(" 。：:；;,，")
    return head, body


# --------------------------------------------------------------------------- cue rules

@dataclass
class RuleResult:
    """Rule scores for one task and the cue hits behind them."""

    scores: dict[str, float]
    heading_hits: Counter
    body_hits: Counter
    notes: list[str]
    forced_secondary: list[str]
    level_scores: dict[str, float]
    heading: str = ""

    def top(self) -> tuple[str, float, float]:
        """(best domain, its score, runner-up score)."""
        ranked = sorted(self.scores.items(), key=lambda kv: (-kv[1], kv[0]))
        second = ranked[1][1] if len(ranked) > 1 else 0.0
        return ranked[0][0], ranked[0][1], second


class CueRules:
    """The codebook's cue lexicon and boundary rules as a scorer."""

    def __init__(self, book: Codebook, heading_weight: float, body_cap: float):
        self.book = book
        self.heading_weight = heading_weight
        self.body_cap = body_cap
        # `other` is scored only when the codebook gives it positive cues (duties outside
        # education: 驻村, 文明城市 ...); its weight-0 entries are masks
        other_cued = any(w.get(OTHER, 0.0) > 0 for w in book.cues.values())
        self.codes = [c for c in book.codes if c != OTHER or other_cued]
        terms = sorted(set(book.cues) | set(book.level_cues), key=lambda t: (-len(t), t))
        self._pattern = re.compile("|".join(re.escape(t) for t in terms))
        rules = book.rules
        self.construction = set(rules.get("construction_cues", []))
        self.level_domains = list(rules.get("level_domains", []))
        self.higher_vocational = set(rules.get("higher_vocational_cues", []))
        self.senior_reform = set(rules.get("senior_reform_cues", []))
        self.staff_ratio = float(rules.get("staff_ratio", 0.6))
        self.double_reduction = str(rules.get("double_reduction_cue", "双减"))
        self.double_reduction_ratio = float(rules.get("double_reduction_ratio", 0.6))
        self.tie_ratio = float(rules.get("heading_tie_ratio", 1.0))
        self.admission = set(rules.get("admission_cues", []))
        self.admission_levels = list(rules.get("admission_levels", []))
        self.admission_ratio = float(rules.get("admission_ratio", 0.5))
        self.generic_heading = set(rules.get("generic_heading_cues", []))
        self.across_levels = set(rules.get("across_level_cues", ["全面改薄", "改薄", "布局规划", "布局调整", "教育设施"]))
        self.share_weight = float(rules.get("text_share_weight", 0.0))
        staff = sorted(rules.get("staff_nouns", []), key=lambda t: (-len(t), t))
        self._staff_after = re.compile("的?(?:" + "|".join(map(re.escape, staff)) + ")") if staff else None

    def _hits(self, text: str) -> Counter:
        return Counter(m.group(0) for m in self._pattern.finditer(text))

    def _head_factor(self, term: str) -> float:
        """Weight of a heading cue: ``heading_weight``, but generic headings (深化综合改革,
        统筹推进 ...) name a manner of working rather than an area, so their cues count
        like body cues and the body decides."""
        return 1.0 if term in self.generic_heading else self.heading_weight

    def _domain_score(self, hits_head: Counter, hits_body: Counter, domain: str) -> float:
        total = 0.0
        for term, n in hits_head.items():
            total += self.book.cues.get(term, {}).get(domain, 0.0) * self._head_factor(term) * n
        for term, n in hits_body.items():
            total += self.book.cues.get(term, {}).get(domain, 0.0) * min(n, self.body_cap)
        return total

    def contributions(self, res: RuleResult, domain: str) -> tuple[list[tuple[str, int, float]], list[tuple[str, int, float]]]:
        """Cues that scored for ``domain``: (term, count, points) for heading and for body."""
        def part(hits: Counter, head: bool, cap: float | None) -> list[tuple[str, int, float]]:
            out = []
            for term, n in hits.items():
                w = self.book.cues.get(term, {}).get(domain, 0.0)
                factor = self._head_factor(term) if head else 1.0
                if w > 0:
                    out.append((term, n, w * factor * (min(n, cap) if cap else n)))
            return sorted(out, key=lambda x: (-x[2], x[0]))
        return part(res.heading_hits, True, None), part(res.body_hits, False, self.body_cap)

    def score(self, heading: str, body: str) -> RuleResult:
        """Score every domain for one task and apply the codebook's boundary rules."""
        hh, bh = self._hits(heading), self._hits(body)
        scores = {c: self._domain_score(hh, bh, c) for c in self.codes}
        notes: list[str] = []
        forced: list[str] = []
        # Level facet scores (heading weighted like domains).
        # Same leftmost-longest hits as the domains, so a longer domain cue masks level cues inside it.
        level_scores: dict[str, float] = {}
        for hits, factor in ((hh, self.heading_weight), (bh, 1.0)):  # level facet unchanged
            for term, n in hits.items():
                for lv, w in self.book.level_cues.get(term, {}).items():
                    level_scores[lv] = level_scores.get(lv, 0.0) + w * factor * (n if factor != 1.0 else min(n, self.body_cap))
        if self.share_weight > 0:
            self._add_text_share(scores, body)
        res = RuleResult(scores, hh, bh, notes, forced, level_scores, heading)
        self._rule_build_for_level(res)
        self._rule_higher_vocational(res)
        self._rule_senior_reform(res)
        self._rule_staff_for_level(res)
        self._rule_admission_system(res)
        self._rule_double_reduction(res)
        self._rule_heading_tiebreak(res)
        return res

    def _add_text_share(self, scores: dict[str, float], body: str) -> None:
        """"The primary domain is the one that takes most of its text": each body sentence
        (split at 。；！？) goes to the domain its cues favour, and a domain gains
        ``text_share_weight`` × the share of body characters in its sentences."""
        sentences = [s for s in re.split(r"[。；;！？!?]", body) if s.strip()]
        total = sum(len(s) for s in sentences)
        if total <= 0:
            return
        chars: Counter = Counter()
        for sent in sentences:
            hits = self._hits(sent)
            local = {c: sum(self.book.cues.get(t, {}).get(c, 0.0) * n for t, n in hits.items()) for c in self.codes}
            best = max(local.values()) if local else 0.0
            winners = [c for c, v in local.items() if v == best]
            if best > 0 and len(winners) == 1:
                chars[winners[0]] += len(sent)
        for c, n in chars.items():
            if scores.get(c, 0.0) > 0:
                scores[c] += self.share_weight * n / total

    def _heading_score(self, res: RuleResult, domain: str, skip: Iterable[str] = ()) -> float:
        skip = set(skip)
        return sum(self.book.cues.get(t, {}).get(domain, 0.0) * self._head_factor(t) * n
                   for t, n in res.heading_hits.items() if t not in skip)

    def _staff_modifiers(self, res: RuleResult) -> set[str]:
        """Heading cues that only qualify a staff noun (特殊教育教师, 幼儿园园长, 职业院校的教师)."""
        if self._staff_after is None or not res.heading:
            return set()
        out = set()
        for term in res.heading_hits:
            start = res.heading.find(term)
            while start >= 0:
                if self._staff_after.match(res.heading, start + len(term)):
                    out.add(term)
                    break
                start = res.heading.find(term, start + 1)
        return out

    def _rule_staff_for_level(self, res: RuleResult) -> None:
        """Code what the task does: developing teachers or heads *for* one level is `teachers`.

        Fires when a level domain leads, the heading names staff at least as strongly
        as it names the level, and `teachers` is within ``staff_ratio`` of the lead.
        """
        scores = res.scores
        top, top_score, _ = res.top()
        if top not in self.level_domains or res.notes:
            return
        head_staff = self._heading_score(res, "teachers")
        # a level/group word that only qualifies the staff noun (特殊教育教师) does not name the level
        modifiers = self._staff_modifiers(res)
        if head_staff <= 0 or head_staff < self._heading_score(res, top, skip=modifiers):
            return
        if scores.get("teachers", 0.0) >= self.staff_ratio * top_score:
            scores["teachers"] = top_score + 1.0
            res.forced_secondary.append(top)
            res.notes.append(f"rule staff-for-one-level → teachers (+{top})")

    def _rule_admission_system(self, res: RuleResult) -> None:
        """Admissions and examination systems are `governance`, even for one level (中考招生, 高考招生)."""
        scores = res.scores
        top, top_score, _ = res.top()
        if top not in self.admission_levels or res.notes:
            return
        if not any(t in self.admission for t in res.heading_hits):
            return
        if scores.get("governance", 0.0) >= self.admission_ratio * top_score:
            scores["governance"] = top_score + 1.0
            res.forced_secondary.append(top)
            res.notes.append(f"rule admission/exam system → governance (+{top})")

    def _rule_double_reduction(self, res: RuleResult) -> None:
        """双减: the in-school side is `curriculum`, the training-sector side `private`.

        A task headed by 双减 alone (no other private cue in the heading) that also
        carries substantial in-school work is `curriculum`; a 双减 heading that names
        the training sector (校外, 培训机构 ...) is `private`.
        """
        cue = self.double_reduction
        if cue not in res.heading_hits and cue not in res.body_hits:
            return
        scores = res.scores
        top, _, _ = res.top()
        cur, pri = scores.get("curriculum", 0.0), scores.get("private", 0.0)
        head_private = self._heading_score(res, "private", skip=(cue,))
        head_school = self._heading_score(res, "curriculum", skip=(cue,))
        if cue not in res.heading_hits:
            return
        if top == "private" and head_private <= 0 and cur >= self.double_reduction_ratio * pri:
            scores["curriculum"] = pri + 1.0
            res.forced_secondary.append("private")
            res.notes.append("rule 双减 (in-school side) → curriculum")
        elif top == "curriculum" and head_private > 0 and head_school <= 0 \
                and pri >= self.double_reduction_ratio * cur:
            scores["private"] = cur + 1.0
            res.forced_secondary.append("curriculum")
            res.notes.append("rule 双减 (training-sector side) → private")

    def _rule_heading_tiebreak(self, res: RuleResult) -> None:
        """The heading breaks ties: near-equal leaders, only one of them named in the heading."""
        if res.notes or self.tie_ratio <= 1.0:
            return
        ranked = sorted(res.scores.items(), key=lambda kv: (-kv[1], kv[0]))
        (top, s1), (second, s2) = ranked[0], ranked[1]
        if s2 <= 0 or s1 > self.tie_ratio * s2:
            return
        if self._heading_score(res, top) <= 0 < self._heading_score(res, second):
            res.scores[second] = s1 + 0.5
            res.notes.append(f"rule heading breaks tie → {second}")

    def _rule_senior_reform(self, res: RuleResult) -> None:
        """Senior high's own reforms (选课走班, 新高考, 生涯规划) are `senior_secondary`, not `curriculum`."""
        scores = res.scores
        top, top_score, _ = res.top()
        if top != "curriculum":
            return
        head_senior = any(self.book.cues.get(t, {}).get("senior_secondary", 0) >= 2 for t in res.heading_hits)
        reform = sum(n for t, n in res.body_hits.items() if t in self.senior_reform)
        reform += sum(n for t, n in res.heading_hits.items() if t in self.senior_reform)
        if (head_senior and reform >= 1) or reform >= 3:
            scores["senior_secondary"] = top_score + 1.0
            res.forced_secondary.append("curriculum")
            res.notes.append("rule senior-high-reform → senior_secondary")

    def _rule_build_for_level(self, res: RuleResult) -> None:
        """Building/expanding schools for one level or group → that level, `infrastructure` secondary."""
        scores = res.scores
        build_head = [t for t in res.heading_hits if t in self.construction]
        build_body = [t for t in res.body_hits if t in self.construction]
        if not (build_head or build_body):
            return
        level_head = [d for d in self.level_domains
                      if any(self.book.cues.get(t, {}).get(d, 0) >= 2 for t in res.heading_hits)]
        infra = scores.get("infrastructure", 0.0)
        across = any(t in res.heading_hits for t in self.across_levels)
        if across:
            return
        top, top_score, _ = res.top()
        target = None
        if build_head and len(level_head) == 1:
            target = level_head[0]            # e.g. heading 新建改扩建7所普通高中
        elif top == "infrastructure":
            strong = [d for d in self.level_domains if scores.get(d, 0.0) >= 0.5 * infra]
            if len(strong) == 1:
                target = strong[0]
        if target is None:
            return
        if scores[target] <= max(scores.values()):
            scores[target] = max(scores.values()) + 1.0
        res.forced_secondary.append("infrastructure")
        res.notes.append(f"rule build-for-one-level → {target} (+infrastructure)")

    def _rule_higher_vocational(self, res: RuleResult) -> None:
        """Higher vocational colleges are `vocational`, even under a higher-education heading."""
        scores = res.scores
        top, _, _ = res.top()
        if top != "higher_lifelong":
            return
        hv_body = sum(n for t, n in res.body_hits.items() if t in self.higher_vocational)
        hv_head = sum(n for t, n in res.heading_hits.items() if t in self.higher_vocational)
        if hv_head + hv_body < 1:
            return
        voc_body = sum(self.book.cues.get(t, {}).get("vocational", 0) * min(n, self.body_cap)
                       for t, n in res.body_hits.items())
        hl_body = sum(self.book.cues.get(t, {}).get("higher_lifelong", 0) * min(n, self.body_cap)
                      for t, n in res.body_hits.items())
        # compare bodies (the heading may say 高等教育); one college named needs a body it dominates
        if hv_head or (hv_body >= 2 and voc_body >= hl_body) or voc_body > hl_body:
            scores["vocational"] = scores["higher_lifelong"] + 1.0
            res.forced_secondary.append("higher_lifelong")
            res.notes.append("rule higher-vocational → vocational")


# --------------------------------------------------------------------------- the coder

def _model_text(heading: str, body: str, heading_repeat: int) -> str:
    """Model input: heading repeated, then body; CJK only (digits, Latin and punctuation dropped)."""
    text = "。".join([heading] * heading_repeat + [body])
    return re.sub(r"[^\u4e00-\u9fff]+", " ", text).strip()


def _column(frame: pd.DataFrame, name: str) -> list[Any]:
    return list(frame[name]) if name in frame.columns else [""] * len(frame)


class TaskCoder(BaseEstimator, ClassifierMixin, TransformerMixin):
    """Code task units into codebook domains: cue rules + a TF-IDF/logistic-regression model.

    ``mode``: ``"blend"`` (rules decide when clear, else rule shares blended with the
    model), ``"rules"`` (rules only) or ``"model"`` (model only). Scoring
    parameters left as ``None`` come from the codebook's ``scoring`` section.
    ``fit(X, y)`` takes a frame with ``heading`` and ``text`` columns and the gold
    domains; ``predict`` returns domain codes; ``transform`` returns ``X`` with the
    :data:`TAXONOMY_COLUMNS` added.
    """

    def __init__(self, mode: str = "blend", heading_weight: float | None = None,
                 rules_weight: float | None = None, clear_min_score: float | None = None,
                 clear_ratio: float | None = None, C: float = 1.0, ngram_range: tuple[int, int] = (1, 2),
                 heading_repeat: int = 2, random_state: int = config.SEED, codebook_path: str | None = None):
        self.mode = mode
        self.heading_weight = heading_weight
        self.rules_weight = rules_weight
        self.clear_min_score = clear_min_score
        self.clear_ratio = clear_ratio
        self.C = C
        self.ngram_range = ngram_range
        self.heading_repeat = heading_repeat
        self.random_state = random_state
        self.codebook_path = codebook_path

    # -- fitting
    def _setup(self) -> None:
        if self.mode not in {"blend", "rules", "model"}:
            raise ValueError(f"mode must be 'blend', 'rules' or 'model', got {self.mode!r}")
        book = load_codebook(self.codebook_path) if self.codebook_path else codebook()
        sc = dict(book.scoring)
        for key in ("heading_weight", "rules_weight", "clear_min_score", "clear_ratio"):
            if getattr(self, key) is not None:
                sc[key] = float(getattr(self, key))
        self.codebook_ = book
        self.scoring_ = sc
        self.rules_ = CueRules(book, sc["heading_weight"], sc["body_cap"])
        self.codes_ = list(book.codes)

    def fit(self, X: pd.DataFrame, y: Iterable[str] | None = None) -> TaskCoder:
        """Fit the model part on coded units (``y`` defaults to ``X["domain"]``)."""
        self._setup()
        y = list(X["domain"] if y is None else y)
        unknown = sorted(set(y) - set(self.codes_))
        if unknown:
            raise ValueError(f"training labels not in the codebook: {unknown}")
        texts = [_model_text(*split_heading(h, t, self.scoring_['max_derived_heading']), self.heading_repeat)
                 for h, t in zip(_column(X, "heading"), _column(X, "text"))]
        self.vectorizer_ = TfidfVectorizer(analyzer="char", ngram_range=tuple(self.ngram_range),
                                           sublinear_tf=True, min_df=1)
        features = self.vectorizer_.fit_transform(texts)
        self.model_ = LogisticRegression(C=self.C, class_weight="balanced", max_iter=5000,
                                         random_state=self.random_state)
        self.model_.fit(features, y)
        self.classes_ = np.array(self.codes_)
        self.feature_names_ = self.vectorizer_.get_feature_names_out()
        return self

    # -- coding
    def _model_proba(self, texts: list[str]) -> np.ndarray:
        proba = np.zeros((len(texts), len(self.codes_)))
        if not texts:
            return proba
        raw = self.model_.predict_proba(self.vectorizer_.transform(texts))
        for j, cls in enumerate(self.model_.classes_):
            proba[:, self.codes_.index(cls)] = raw[:, j]
        return proba

    def _top_features(self, text: str, cls: str, k: int = 4) -> list[str]:
        if cls not in self.model_.classes_:
            return []
        row = self.vectorizer_.transform([text])
        coef = self.model_.coef_[list(self.model_.classes_).index(cls)]
        idx = row.indices
        contrib = row.data * coef[idx]
        order = np.argsort(-contrib, kind="stable")
        return [self.feature_names_[idx[i]] for i in order if contrib[i] > 0
                and len(self.feature_names_[idx[i]].strip()) > 1][:k]

    def _code_one(self, heading: Any, text: Any, proba: np.ndarray | None, mtext: str) -> dict[str, Any]:
        sc, rules = self.scoring_, self.rules_
        head, body = split_heading(heading, text, sc["max_derived_heading"])
        n_cjk = len(_CJK.findall(head + body))
        if n_cjk < 2:
            why = "empty text" if not (head + body).strip() else "no Chinese text to code"
            return {"domain": OTHER, "secondary_domains": "", "confidence": 0.05,
                    "evidence": f"empty: {why}", "level": "cross_level"}
        res = rules.score(head, body)
        codes = rules.codes
        raw = np.array([res.scores[c] for c in codes])
        total = raw.sum()
        prior = sc["prior"]
        p_rules = (raw + prior) / (total + prior * len(codes))
        top, top_score, second = res.top()
        clear = top_score >= sc["clear_min_score"] and top_score >= sc["clear_ratio"] * max(second, 1e-9)
        p_model = None
        if proba is not None:
            p_model = np.array([proba[self.codes_.index(c)] for c in codes])
        if self.mode == "rules" or (self.mode == "blend" and clear) or p_model is None:
            if total <= 0:
                return {"domain": OTHER, "secondary_domains": "", "confidence": 0.1,
                        "evidence": "rules: no cue of any domain found", "level": self._level(OTHER, res)}
            domain, how = top, "rules"
            conf = float(p_rules[codes.index(top)])
            if p_model is not None:
                blended = sc["rules_weight"] * p_rules + (1 - sc["rules_weight"]) * p_model
                conf = max(conf, float(blended[codes.index(top)]))
        elif self.mode == "model" or total <= 0 or top_score <= sc["other_max_score"]:
            # no cue, or only one weak generic cue (统筹, 改革): as if nothing were coded
            domain, how = codes[int(np.argmax(p_model))], "model"
            conf = float(p_model.max())
            if total <= 0 or top_score <= sc["other_max_score"]:
                conf = min(conf, 0.4)   # nothing in the codebook supports it
                if self.mode == "blend" and conf < sc["other_max_proba"]:
                    # no cue and a model guess barely above chance: the task acts on no single area
                    feats = ", ".join(self._top_features(mtext, domain)) or "none"
                    return {"domain": OTHER, "secondary_domains": "", "confidence": round(conf, 3),
                            "evidence": f"model: no codebook cue (or one weak generic cue) and the model is near chance "
                                        f"(best {domain} p={conf:.2f} < {sc['other_max_proba']:g}; "
                                        f"features {feats}) → {OTHER}",
                            "level": self._level(OTHER, res)}
        else:
            blended = sc["rules_weight"] * p_rules + (1 - sc["rules_weight"]) * p_model
            domain, how = codes[int(np.argmax(blended))], "blend"
            conf = float(blended.max())
        secondary = self._secondary(domain, res)
        evidence = self._evidence(how, domain, res, p_rules, p_model, codes, mtext, clear)
        return {"domain": domain, "secondary_domains": ";".join(secondary),
                "confidence": round(min(max(conf, 0.0), 1.0), 3), "evidence": evidence,
                "level": self._level(domain, res)}

    def _secondary(self, domain: str, res: RuleResult) -> list[str]:
        sc = self.scoring_
        top_score = max(res.scores.values())
        out: list[str] = []
        for d in res.forced_secondary:
            if d != domain and d not in out:
                out.append(d)
        threshold = max(sc["secondary_min"], sc["secondary_ratio"] * top_score)
        for d, s in sorted(res.scores.items(), key=lambda kv: (-kv[1], kv[0])):
            if d != domain and d != OTHER and d not in out and s >= threshold:
                out.append(d)
        return out[: int(sc["max_secondary"])]

    def _level(self, domain: str, res: RuleResult) -> str:
        ls = res.level_scores
        direct = {"preschool": "preschool", "compulsory": "compulsory",
                  "senior_secondary": "senior_secondary", "vocational": "vocational"}
        if domain in direct:
            return direct[domain]
        if domain == "higher_lifelong":
            return "higher" if ls.get("higher", 0) > ls.get("lifelong", 0) else "lifelong"
        total = sum(ls.values())
        if total <= 0:
            return "cross_level"
        best = max(sorted(ls), key=lambda k: ls[k])
        if ls[best] >= 3 and ls[best] >= 0.6 * total:
            return best
        return "cross_level"

    def _evidence(self, how: str, domain: str, res: RuleResult, p_rules: np.ndarray,
                  p_model: np.ndarray | None, codes: list[str], mtext: str, clear: bool) -> str:
        def cue_list(items: list[tuple[str, int, float]], k: int) -> str:
            return ", ".join(f"{t}(×{n})" if n > 1 else t for t, n, _ in items[:k])

        head, body = self.rules_.contributions(res, domain)
        parts = []
        if head:
            parts.append("heading " + cue_list(head, 4))
        if body:
            parts.append("body " + cue_list(body, 5))
        cues = "; ".join(parts) if parts else f"no cue for {domain}"
        score = res.scores.get(domain, 0.0)
        notes = ("; " + "; ".join(res.notes)) if res.notes else ""
        if how == "rules":
            top, top_score, second = res.top()
            return f"rules: {cues} (score {score:g} vs next {second:g}){notes}"
        feats = ", ".join(self._top_features(mtext, domain)) or "none"
        pm = float(p_model[codes.index(domain)]) if p_model is not None else 0.0
        if how == "model":
            extra = f"; cues {cues}" if parts else "; no codebook cue found"
            return f"model: p={pm:.2f}; top features {feats}{extra}"
        top = res.top()[0]
        pr = float(p_rules[codes.index(domain)])
        rule_view = "" if top == domain else f"; rules favoured {top}"
        return (f"blend: rules p={pr:.2f} ({cues}) + model p={pm:.2f} (features {feats}); "
                f"rules not clear{rule_view}{notes}")

    def transform(self, X: pd.DataFrame) -> pd.DataFrame:
        """``X`` with :data:`TAXONOMY_COLUMNS` added (other columns and the index pass through)."""
        if not isinstance(X, pd.DataFrame):
            raise TypeError("code_tasks/TaskCoder expects a pandas DataFrame with 'heading' and 'text' columns")
        if "heading" not in X.columns and "text" not in X.columns:
            raise ValueError("units need a 'text' and/or 'heading' column")
        if not hasattr(self, "rules_"):
            self._setup()
        heads, texts = _column(X, "heading"), _column(X, "text")
        use_model = self.mode != "rules" and hasattr(self, "model_")
        prepared = [split_heading(h, t, self.scoring_["max_derived_heading"]) for h, t in zip(heads, texts)]
        mtexts = [_model_text(h, b, self.heading_repeat) for h, b in prepared]
        probas = self._model_proba(mtexts) if use_model else None
        rows = [self._code_one(h, t, probas[i] if probas is not None else None, mtexts[i])
                for i, (h, t) in enumerate(zip(heads, texts))]
        out = X.copy()
        coded = pd.DataFrame(rows, index=X.index, columns=list(TAXONOMY_COLUMNS))
        for col in TAXONOMY_COLUMNS:
            out[col] = coded[col]
        return out

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        """Primary domain codes."""
        return self.transform(X)["domain"].to_numpy()


# --------------------------------------------------------------------------- training data

def build_training_data(units: pd.DataFrame | None = None) -> pd.DataFrame:
    """Coded task/safeguard units with their body text, from the gold files.

    Uses :func:`policylens.gold.gold_unit_texts` (cleaned corpus text once
    ``policylens.corpus`` exists, else the raw files). Rows are in document order.
    """
    if units is None:
        from policylens.gold import gold_unit_texts

        units = gold_unit_texts()
    frame = units[units["kind"].isin(CODED_KINDS)].copy()
    frame = frame.sort_values(["doc_id", "seq"], kind="stable") if "seq" in frame else frame
    return frame[list(TRAINING_COLUMNS)].reset_index(drop=True)


def write_training_data(path: Path | str | None = None) -> Path:
    """Regenerate ``data/taxonomy_training.csv`` (run after the corpus stage changes)."""
    path = Path(path) if path is not None else TRAINING_PATH
    build_training_data().to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
    return path


def load_training_data(path: Path | str | None = None) -> pd.DataFrame:
    """The shipped training data (columns :data:`TRAINING_COLUMNS`)."""
    path = Path(path) if path is not None else TRAINING_PATH
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


@lru_cache(maxsize=1)
def default_coder() -> TaskCoder:
    """A :class:`TaskCoder` fitted on the shipped training data (cached)."""
    train = load_training_data()
    return TaskCoder().fit(train, train["domain"])


def code_tasks(units: pd.DataFrame) -> pd.DataFrame:
    """Code task units: add ``domain``, ``secondary_domains``, ``confidence``, ``evidence``, ``level``.

    ``units`` is any frame with ``heading`` and ``text`` columns (e.g. from the
    structure stage, or scraped from another city's plan); text is normalized
    internally. Other columns and the index pass through unchanged.
    """
    return default_coder().transform(units)


if __name__ == "__main__":  # regenerate the shipped training data
    print(write_training_data())
