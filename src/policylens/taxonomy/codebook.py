"""The codebook (``data/taxonomy.yaml``): pydantic models, loading and bilingual labels.

The YAML is read through :func:`policylens.rulefile.load_yaml` with :class:`CodebookFile`
(``extra="forbid"``: a misspelt key is an error). Cross-entry checks run at load time: a cue
belongs to one domain (terms that signal several go to ``shared_cues`` with explicit
weights), codes are unique, and every domain code a rule or a shared cue names exists.
Errors are :class:`~policylens.rulefile.RuleFileError` as ``file:line: reason``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import yaml
from pydantic import Field, StrictFloat, StrictInt, ValidationError, field_validator, model_validator

from policylens import config
from policylens.rulefile import FAST_LOADER, RuleFileError, RuleModel, load_yaml

if TYPE_CHECKING:
    import pandas as pd

CODEBOOK_PATH = config.PACKAGE_DATA / "taxonomy.yaml"
OTHER = "other"

#: A codebook error is a rule-file error (``file:line: reason``); the old name stays importable.
CodebookError = RuleFileError

Weight = Annotated[StrictInt | StrictFloat, Field(ge=0)]
Term = Annotated[str, Field(min_length=1, pattern=r"\S")]
Code = Annotated[str, Field(pattern=r"^[a-z][a-z_]*$")]
Text = Annotated[str, Field(min_length=1, pattern=r"\S")]


class ScoringSection(RuleModel):
    """Scoring parameters of the cue rules and the blend (see the comments in the YAML)."""

    heading_weight: Weight
    body_cap: Weight
    prior: Weight
    clear_min_score: Weight
    clear_ratio: Weight
    rules_weight: Weight
    secondary_ratio: Weight
    secondary_min: Weight
    max_secondary: Weight
    other_max_proba: Weight
    other_max_score: Weight = 0.0
    max_derived_heading: Weight = 40.0
    review_below: Weight = 0.0


class RulesSection(RuleModel):
    """Parameters and cue lists of the codebook's boundary rules (each explained in the YAML)."""

    construction_cues: list[Term] = []
    level_domains: list[Code] = []
    senior_reform_cues: list[Term] = []
    staff_ratio: Weight = 0.6
    double_reduction_cue: Term = "双减"
    double_reduction_ratio: Weight = 0.6
    heading_tie_ratio: Weight = 1.0
    admission_cues: list[Term] = []
    admission_levels: list[Code] = []
    admission_ratio: Weight = 0.5
    across_level_cues: list[Term] = ["全面改薄", "改薄", "布局规划", "布局调整", "教育设施"]
    text_share_weight: Weight = 0.0
    generic_heading_cues: list[Term] = []
    staff_nouns: list[Term] = []
    higher_vocational_cues: list[Term] = []
    school_sport_cues: list[Term] = []
    school_sport_ratio: Weight = 0.5
    work_item_verbs: list[Term] = []
    work_item_adverbs: list[Term] = []


class DomainEntry(RuleModel):
    """One domain: code, bilingual names, definition, boundary rules and weighted cues."""

    code: Code
    en: Text
    zh: Text
    definition: Text
    boundary: list[str] = []
    cues: dict[Term, Weight] = {}

    @field_validator("cues", mode="before")
    @classmethod
    def _none_is_empty(cls, value: Any) -> Any:
        return {} if value is None else value


class LevelEntry(RuleModel):
    """One value of the education-level facet with its ISCED alignment and cues."""

    code: Code
    en: Text
    zh: Text
    isced: str = "n/a"
    cues: dict[Term, Weight] = {}


class CodebookFile(RuleModel):
    """The whole ``taxonomy.yaml``; cross-entry checks run after the fields validate."""

    version: int
    scoring: ScoringSection
    rules: RulesSection = RulesSection()
    domains: list[DomainEntry] = Field(min_length=1)
    shared_cues: dict[Term, dict[Code, Weight]] = {}
    levels: list[LevelEntry] = Field(min_length=1)

    @model_validator(mode="after")
    def _cross_checks(self) -> CodebookFile:
        codes: list[str] = []
        owner: dict[str, str] = {}
        for d in self.domains:
            if d.code in codes:
                raise ValueError(f"domain {d.code!r}: duplicate code")
            codes.append(d.code)
            for term in d.cues:
                if term in owner:
                    raise ValueError(f"cue {term!r} is assigned to both {owner[term]!r} and {d.code!r}; assign it "
                                     f"once or move it to shared_cues with explicit per-domain weights")
                owner[term] = d.code
        if OTHER not in codes:
            raise ValueError(f"the fallback domain {OTHER!r} is missing")
        for term, weights in self.shared_cues.items():
            if term in owner:
                raise ValueError(f"shared cue {term!r} is also listed under domain {owner[term]!r}; list it once")
            if not weights:
                raise ValueError(f"shared cue {term!r}: needs explicit per-domain weights {{domain: weight}}")
            for dom in weights:
                if dom not in codes:
                    raise ValueError(f"shared cue {term!r}: unknown domain {dom!r}")
        for key in ("level_domains", "admission_levels"):
            for dom in getattr(self.rules, key):
                if dom not in codes:
                    raise ValueError(f"rules {key}: unknown domain {dom!r}")
        level_codes = [lv.code for lv in self.levels]
        dup = sorted({c for c in level_codes if level_codes.count(c) > 1})
        if dup:
            raise ValueError(f"level {dup[0]!r}: duplicate code")
        if "cross_level" not in level_codes:
            raise ValueError("levels: the fallback level 'cross_level' is missing")
        return self


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
        """Domain codes in codebook order."""
        return tuple(d.code for d in self.domains)

    def domain(self, code: str) -> Domain:
        """The domain with this code (KeyError when unknown)."""
        for d in self.domains:
            if d.code == code:
                return d
        raise KeyError(f"unknown domain code {code!r}")


def _from_model(model: CodebookFile) -> Codebook:
    cues: dict[str, dict[str, float]] = {}
    for d in model.domains:
        for term, w in d.cues.items():
            cues[term] = {d.code: float(w)}
    for term, weights in model.shared_cues.items():
        cues[term] = {dom: float(w) for dom, w in weights.items()}
    level_cues: dict[str, dict[str, float]] = {}
    for lv in model.levels:
        for term, w in lv.cues.items():
            level_cues.setdefault(term, {})[lv.code] = float(w)
    domains = tuple(Domain(d.code, d.en.strip(), d.zh.strip(), d.definition.strip(), tuple(d.boundary))
                    for d in model.domains)
    levels = tuple(Level(lv.code, lv.en.strip(), lv.zh.strip(), lv.isced.strip() or "n/a") for lv in model.levels)
    scoring = {k: float(v) for k, v in model.scoring.model_dump().items()}
    return Codebook(domains, cues, levels, level_cues, scoring, model.rules.model_dump())


def parse_codebook(data: Any, source: str = "<codebook>") -> Codebook:
    """Validate an already parsed codebook mapping (errors name ``source``)."""
    try:
        return _from_model(CodebookFile.model_validate(data))
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        raise RuleFileError(source, f"{where}: {err['msg']}" if where else err["msg"]) from exc


def _check_duplicate_keys(path: Path) -> None:
    """PyYAML keeps the last of two equal keys silently; a codebook must not (a cue listed twice)."""
    try:
        node = yaml.compose(path.read_text(encoding="utf-8"), Loader=FAST_LOADER)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return  # load_yaml reports these with file and line
    stack = [node] if node is not None else []
    while stack:
        current = stack.pop()
        if isinstance(current, yaml.MappingNode):
            seen: set[str] = set()
            for key, value in current.value:
                if key.value in seen:
                    raise RuleFileError(path, f"duplicate key {key.value!r}", key.start_mark.line + 1)
                seen.add(key.value)
                stack.append(value)
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)


def load_codebook(path: Path | str | None = None) -> Codebook:
    """Load and validate the codebook YAML (default: the packaged ``taxonomy.yaml``)."""
    path = Path(path) if path is not None else CODEBOOK_PATH
    _check_duplicate_keys(path)
    return _from_model(load_yaml(path, CodebookFile))


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
    import pandas as pd

    return pd.DataFrame([vars(lv) for lv in codebook().levels], columns=["code", "en", "zh", "isced"])
