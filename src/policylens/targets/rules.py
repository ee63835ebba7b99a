"""Target rules and canonical indicators: ``data/target_rules.yaml`` and ``data/indicators.yaml``, compiled."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Literal

import pandas as pd
from pydantic import Field, RootModel

from policylens import config
from policylens.regexscan import bmp_scanner, scan, span_scanner
from policylens.rulefile import RuleFileError, RuleModel, compile_linear, load_yaml, read_yaml

RULES_PATH = config.PACKAGE_DATA / "target_rules.yaml"
INDICATORS_PATH = config.PACKAGE_DATA / "indicators.yaml"


# --------------------------------------------------------------------------- rules
@dataclass(frozen=True)
class Rules:
    """Compiled target rules (see ``data/target_rules.yaml``)."""

    units: tuple[tuple[str, str, str, str, bool], ...]   # (unit, canonical, kind, not_before, digits_only), longest first
    multipliers: dict[str, float]
    left: tuple[tuple[str, str, bool], ...]          # (word, comparator, adjacent)
    right: tuple[tuple[str, str, frozenset[str] | None], ...]
    approx: dict[str, str]
    range_seps: str
    between_words: str
    exclusions: tuple[tuple[re.Pattern[str], str], ...]
    quote_pairs: tuple[tuple[str, str], ...]
    max_quote: int
    word_internal_yi: str
    achieved: tuple[str, ...]
    strip_prefixes: tuple[re.Pattern[str], ...]
    strip_suffixes: tuple[re.Pattern[str], ...]
    allocation_verbs: tuple[str, ...]
    level_words: tuple[str, ...]
    achieved_unless_future: tuple[str, ...] = ()
    retrospective: tuple[str, ...] = ()
    future_re: re.Pattern[str] = field(repr=False, default=re.compile(r"(?!)"))
    resultative_re: re.Pattern[str] = field(repr=False, default=re.compile(r"(?!)"))
    reset_cues: tuple[str, ...] = ()
    retrospective_heading_re: re.Pattern[str] = field(repr=False, default=re.compile(r"(?!)"))
    section_end_re: re.Pattern[str] = field(repr=False, default=re.compile(r"(?!)"))
    retrospective_opener_re: re.Pattern[str] = field(repr=False, default=re.compile(r"(?!)"))
    baseline_from: str = ""
    baseline_to_re: re.Pattern[str] = field(repr=False, default=re.compile(r"(?!)"))
    coefficient_re: re.Pattern[str] = field(repr=False, default=re.compile(r"(?!)"))
    weak_right: frozenset[str] = frozenset()
    frame_words: frozenset[str] = frozenset()
    unit_re: re.Pattern[str] = field(repr=False, default=re.compile(""))
    conditional_before: str = ""
    forecast_cue_re: re.Pattern[str] = field(repr=False, default=re.compile(r"(?!)"))
    forecast_subject_re: re.Pattern[str] = field(repr=False, default=re.compile(r"(?!)"))
    ratio_re: re.Pattern[str] = field(repr=False, default=re.compile(r"(?!)"))
    ratio_cue_re: re.Pattern[str] = field(repr=False, default=re.compile(r"(?!)"))
    ratio_window: int = 14
    table_re: re.Pattern[str] = field(repr=False, default=re.compile(r"(?!)"))
    table_end_chars: str = ""
    table_label_stops: str = ""
    table_max_label: int = 40
    horizon_units: frozenset[str] = frozenset()
    horizon_gap: int = 20
    horizon_not_after: str = ""
    status_cues: tuple[tuple[str, str], ...] = ()   # (cue, status), longest first
    unit_factors: dict[str, float] = field(default_factory=dict)
    review_max_chars: int = 30
    approx_before: tuple[str, ...] = ()
    approx_after: frozenset[str] = frozenset()
    population_re: re.Pattern[str] = field(repr=False, default=re.compile(r"(?!)"))
    population_units: frozenset[str] = frozenset()
    progress_before_re: re.Pattern[str] = field(repr=False, default=re.compile(r"(?!)"))
    progress_after_re: re.Pattern[str] = field(repr=False, default=re.compile(r"(?!)"))   # 成 → 10 (a tenth is ten per cent)
    # Derived from the fields above in __post_init__ (not arguments: dataclasses.replace derives them anew).
    #: the exclusions as scanned: (pattern with the same spans that opens with its first characters,
    #: the same for texts without characters beyond the BMP, groups of strings a text with a match
    #: contains one of each); see :mod:`policylens.regexscan`
    exclusion_scans: tuple[tuple[re.Pattern[str], re.Pattern[str], tuple[tuple[str, ...], ...]], ...] = field(
        init=False, repr=False, compare=False)
    ratio_scan: re.Pattern[str] = field(init=False, repr=False, compare=False)   # span_scanner of ratio_re
    ratio_scan_bmp: re.Pattern[str] = field(init=False, repr=False, compare=False)   # its bmp_scanner
    #: ``units`` by their first character, in the same order (a unit can only start where its first character is)
    units_by_first: dict[str, tuple[tuple[str, str, str, str, bool], ...]] = field(
        init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "exclusion_scans", tuple(scan(pattern) for pattern, _reason in self.exclusions))
        object.__setattr__(self, "ratio_scan", span_scanner(self.ratio_re))
        object.__setattr__(self, "ratio_scan_bmp", bmp_scanner(self.ratio_scan))
        by_first: dict[str, list[tuple[str, str, str, str, bool]]] = {}
        for unit in self.units:
            by_first.setdefault(unit[0][0], []).append(unit)
        object.__setattr__(self, "units_by_first", {ch: tuple(units) for ch, units in by_first.items()})


# --------------------------------------------------------------------------- rule-file models
class UnitRule(RuleModel):
    """A counting word (所, 个, %, 平方米 …): a number followed by it is a candidate."""

    unit: str = Field(min_length=1)
    kind: str = "count"
    canonical: str | None = None
    not_before: str = ""
    digits_only: bool = False
    factor: float = 1.0
    reason: str = ""


class LeftComparator(RuleModel):
    """A comparator word before the number (达到, 不低于, 大于等于)."""

    word: str = Field(min_length=1)
    comparator: Literal[">=", "<=", "=", "<", ">"]
    adjacent: bool = False
    reason: str = ""


class RightComparator(RuleModel):
    """A comparator word after the unit (以上, 以内, 或者以上)."""

    word: str = Field(min_length=1)
    comparator: Literal[">=", "<=", "=", "<", ">"]
    units: list[str] | None = None
    weak: bool = False
    frame: bool = False
    reason: str = ""


class Comparators(RuleModel):
    """Comparator words on both sides of the number and the approximation suffixes."""

    left: list[LeftComparator]
    right: list[RightComparator]
    approx_suffix: dict[str, Literal[">=", "<=", "=", "<", ">"]] = {}


class Exclusion(RuleModel):
    """A span whose numbers are not quantities, with the reason."""

    pattern: str
    reason: str = Field(min_length=3)


class PastRules(RuleModel):
    """Cues of the past and the status quo (see :mod:`policylens.targets.past`)."""

    achieved_unless_future: list[str] = []
    retrospective_cues: list[str] = []
    future_cues: str = "(?!)"
    resultative: str = "(?!)"
    reset_cues: list[str] = []
    conditional_before: str = ""
    retrospective_heading: str = "(?!)"
    review_max_chars: int = 30
    retrospective_opener: str = "(?!)"
    section_end: str = "(?!)"


class HorizonRules(RuleModel):
    """A bare duration opening a verb phrase frames the quantity that follows."""

    units: list[str] = []
    max_gap: int = 20
    not_after: str = ""


class BaselineRules(RuleModel):
    """由/从 X 提高到 Y: X is the baseline of the change."""

    from_: str = Field("", alias="from")
    to: str = "(?!)"


class ForecastRules(RuleModel):
    """预计 + a demographic subject: a forecast, not a commitment."""

    cue: str = "(?!)"
    subject: str = "(?!)"


class RatioRules(RuleModel):
    """Staffing ratios (生师比不高于19:1)."""

    pattern: str = "(?!)"
    cue: str = "(?!)"
    window: int = 14


class TableRules(RuleModel):
    """Flattened indicator tables."""

    pattern: str = "(?!)"
    end_chars: str = ""
    label_stops: str = ""
    max_label: int = 40


class IndicatorStrip(RuleModel):
    """Wording stripped from indicator phrases."""

    prefixes: list[str] = []
    suffixes: list[str] = []
    allocation_verbs: list[str] = []


class ApproxWords(RuleModel):
    """Words that mark a number as approximate (the ``approx`` flag), before the number or after the unit."""

    before: list[str] = []
    after: list[str] = []


class ProgressRules(RuleModel):
    """Progress reports: a progress rate before the number, a share of the plan or a record after it."""

    before: str = "(?!)"
    after: str = "(?!)"
    reason: str = ""


class PopulationRules(RuleModel):
    """A count that states the size of a population (辖区适龄儿童近6200人) is the status quo."""

    subject: str = "(?!)"
    units: list[str] = []
    reason: str = ""


class StatusCue(RuleModel):
    """A cue that gives a quantity its status (achieved, baseline, forecast), with the reason."""

    cue: str = Field(min_length=1)
    status: Literal["achieved", "baseline", "forecast"]
    reason: str = ""


class TargetRuleFile(RuleModel):
    """``data/target_rules.yaml``."""

    units: list[UnitRule]
    multipliers: dict[str, float]
    comparators: Comparators
    range_separators: str = "-—–~至到"
    between_words: str = ""
    exclusions: list[Exclusion] = []
    quote_pairs: list[str] = []
    max_quote_chars: int = 40
    word_internal_yi: str = ""
    achieved_cues: list[str] = []
    status_cues: list[StatusCue] = []
    population: PopulationRules = PopulationRules()
    progress: ProgressRules = ProgressRules()
    approx_words: ApproxWords = ApproxWords()
    past: PastRules = PastRules()
    horizon: HorizonRules = HorizonRules()
    baseline: BaselineRules = BaselineRules()
    forecast: ForecastRules = ForecastRules()
    ratio: RatioRules = RatioRules()
    table_row: TableRules = TableRules()
    coefficient_words: str = "(?!)"
    indicator_strip: IndicatorStrip = IndicatorStrip()
    level_words: list[str] = []


class IndicatorEntry(RuleModel):
    """One canonical indicator of ``data/indicators.yaml``."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name_en: str = ""
    name_zh: str = ""
    synonyms: list[str] = []
    patterns: list[str] = Field(min_length=1)
    units: list[str] | None = None
    reason: str = ""


class IndicatorFile(RootModel[list[IndicatorEntry]]):
    """``data/indicators.yaml``: a list of canonical indicators, matched in order."""


def _compile(pattern: str, where: str, path: Path) -> re.Pattern[str]:
    """Compile a rule-file pattern with :func:`compile_linear`; errors name the file and line."""
    try:
        return compile_linear(pattern, where)
    except ValueError as exc:
        _, lines = read_yaml(path)
        loc = tuple(int(p) if p.isdigit() else p for p in re.split(r"[.\[\]]+", where) if p)
        line = next((lines[loc[:k]] for k in range(len(loc), 0, -1) if loc[:k] in lines), None)
        raise RuleFileError(path, str(exc), line) from exc


@lru_cache(maxsize=4)
def load_rules(path: Path | None = None) -> Rules:
    """Load, validate and compile ``target_rules.yaml`` (errors as ``file:line: reason``)."""
    path = Path(path or RULES_PATH)
    raw = load_yaml(path, TargetRuleFile)
    units = sorted(((u.unit, u.canonical or u.unit, u.kind, u.not_before, u.digits_only) for u in raw.units),
                   key=lambda u: -len(u[0]))
    exclusions = tuple((_compile(e.pattern, f"exclusions[{i}]", path), e.reason) for i, e in enumerate(raw.exclusions))
    comps = raw.comparators
    left = tuple(sorted(((c.word, c.comparator, c.adjacent) for c in comps.left), key=lambda c: -len(c[0])))
    right = tuple(sorted(((c.word, c.comparator, frozenset(c.units) if c.units else None) for c in comps.right),
                         key=lambda c: -len(c[0])))
    past = raw.past

    def comp(key: str, pattern: str) -> re.Pattern[str]:
        return _compile(pattern, key, path)

    strip = raw.indicator_strip
    unit_re = re.compile("|".join(re.escape(u[0]) for u in units))
    forecast, ratio, table = raw.forecast, raw.ratio, raw.table_row
    return Rules(
        units=tuple(units),
        multipliers=dict(raw.multipliers),
        left=left, right=right,
        approx=dict(comps.approx_suffix),
        range_seps=raw.range_separators,
        between_words=raw.between_words,
        unit_factors={u.unit: u.factor for u in raw.units if u.factor != 1.0},
        exclusions=exclusions,
        quote_pairs=tuple((p[0], p[1]) for p in raw.quote_pairs),
        max_quote=raw.max_quote_chars,
        word_internal_yi=raw.word_internal_yi,
        achieved=tuple(sorted(raw.achieved_cues, key=len, reverse=True)),
        strip_prefixes=tuple(comp(f"indicator_strip.prefixes[{i}]", p) for i, p in enumerate(strip.prefixes)),
        strip_suffixes=tuple(comp(f"indicator_strip.suffixes[{i}]", p) for i, p in enumerate(strip.suffixes)),
        allocation_verbs=tuple(strip.allocation_verbs),
        level_words=tuple(sorted(raw.level_words, key=len, reverse=True)),
        achieved_unless_future=tuple(past.achieved_unless_future),
        retrospective=tuple(sorted(past.retrospective_cues, key=len, reverse=True)),
        future_re=comp("past.future_cues", past.future_cues),
        resultative_re=comp("past.resultative", past.resultative),
        reset_cues=tuple(past.reset_cues),
        retrospective_heading_re=comp("past.retrospective_heading", past.retrospective_heading),
        review_max_chars=past.review_max_chars,
        approx_before=tuple(raw.approx_words.before),
        approx_after=frozenset(raw.approx_words.after),
        population_re=comp("population.subject", raw.population.subject),
        progress_before_re=comp("progress.before", raw.progress.before),
        progress_after_re=comp("progress.after", raw.progress.after),
        population_units=frozenset(raw.population.units),
        section_end_re=comp("past.section_end", past.section_end),
        retrospective_opener_re=comp("past.retrospective_opener", past.retrospective_opener),
        baseline_from=raw.baseline.from_,
        baseline_to_re=comp("baseline.to", raw.baseline.to),
        coefficient_re=comp("coefficient_words", raw.coefficient_words),
        weak_right=frozenset(c.word for c in comps.right if c.weak),
        frame_words=frozenset(c.word for c in comps.right if c.frame),
        unit_re=unit_re,
        conditional_before=past.conditional_before,
        forecast_cue_re=comp("forecast.cue", forecast.cue),
        forecast_subject_re=comp("forecast.subject", forecast.subject),
        ratio_re=comp("ratio.pattern", ratio.pattern),
        ratio_cue_re=comp("ratio.cue", ratio.cue),
        ratio_window=ratio.window,
        table_re=comp("table_row.pattern", table.pattern),
        table_end_chars=table.end_chars,
        table_label_stops=table.label_stops,
        table_max_label=table.max_label,
        horizon_units=frozenset(raw.horizon.units),
        horizon_gap=raw.horizon.max_gap,
        horizon_not_after=raw.horizon.not_after,
        status_cues=tuple(sorted(((c.cue, c.status) for c in raw.status_cues), key=lambda c: -len(c[0]))),
    )


@dataclass(frozen=True)
class Indicator:
    """One canonical indicator of ``data/indicators.yaml``."""

    id: str
    name_en: str
    name_zh: str
    patterns: tuple[re.Pattern[str], ...]
    units: frozenset[str] | None
    synonyms: tuple[str, ...] = ()


@lru_cache(maxsize=4)
def load_indicators(path: Path | None = None) -> tuple[Indicator, ...]:
    """Load and validate the canonical indicators, in matching order."""
    path = Path(path or INDICATORS_PATH)
    entries = load_yaml(path, IndicatorFile).root
    return tuple(Indicator(
        id=e.id, name_en=e.name_en, name_zh=e.name_zh,
        patterns=tuple(_compile(p, f"{e.id}.patterns[{i}]", path) for i, p in enumerate(e.patterns)),
        units=frozenset(e.units) if e.units else None,
        synonyms=tuple(e.synonyms),
    ) for e in entries)


def indicator_id_for(indicator: str | None, unit: str | None = None) -> str | None:
    """Canonical id of an indicator phrase (first matching entry), or None."""
    if not indicator:
        return None
    for ind in load_indicators():
        if ind.units is not None and unit is not None and unit not in ind.units:
            continue
        if any(p.search(indicator) for p in ind.patterns):
            return ind.id
    return None


def load_national_targets() -> pd.DataFrame:
    """National targets and actual rates (indicator_id, year, value, kind, source)."""
    return pd.read_csv(config.PACKAGE_DATA / "national_targets.csv", encoding="utf-8")
