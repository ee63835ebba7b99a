"""Acceptance thresholds, read from the one file that defines them (``data/thresholds.yaml``).

The evaluation commands, the tests, the notebooks and the README table read the bars from
here; no threshold is written twice::

    from policylens import thresholds
    assert figures["f1"] >= thresholds.minimum("targets", "gold.f1")
"""
from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path

from pydantic import field_validator, model_validator

from policylens import config
from policylens.rulefile import RuleModel, load_yaml

__all__ = ["Threshold", "ThresholdFile", "THRESHOLDS_PATH", "STAGES", "load", "threshold", "for_set", "minimum",
           "maximum", "passes"]

THRESHOLDS_PATH = config.PACKAGE_DATA / "thresholds.yaml"
#: Stages that have thresholds (the stages of ``policylens evaluate``).
STAGES = ("structure", "taxonomy", "targets", "topics")


class Threshold(RuleModel):
    """A bar: a figure must be >= ``min`` or <= ``max`` (exactly one), over ``scope``, for ``reason``."""

    min: float | None = None
    max: float | None = None
    scope: str
    reason: str

    @model_validator(mode="after")
    def _one_bound(self) -> Threshold:
        if (self.min is None) == (self.max is None):
            raise ValueError("give exactly one of min and max")
        return self

    def passes(self, value: float) -> bool:
        """Whether ``value`` clears the bar (NaN never does)."""
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return False
        return value >= self.min if self.min is not None else value <= self.max  # type: ignore[operator]

    def describe(self) -> str:
        """``">= 0.80"`` or ``"<= 0"``."""
        return f">= {self.min:.2f}" if self.min is not None else f"<= {self.max:g}"


class ThresholdFile(RuleModel):
    """``thresholds.yaml``: stage → name → threshold."""

    version: int
    structure: dict[str, Threshold]
    taxonomy: dict[str, Threshold]
    targets: dict[str, Threshold]
    topics: dict[str, Threshold]

    @field_validator("structure", "taxonomy", "targets", "topics")
    @classmethod
    def _names(cls, entries: dict[str, Threshold]) -> dict[str, Threshold]:
        for name in entries:
            parts = name.split(".")
            if not all(p and p.replace("_", "").isalnum() and p.isascii() for p in parts):
                raise ValueError(f"threshold name {name!r}: use ascii `set.figure`")
        return entries


@lru_cache(maxsize=4)
def load(path: Path | str | None = None) -> ThresholdFile:
    """The validated threshold file (default: the packaged one; cached)."""
    return load_yaml(THRESHOLDS_PATH if path is None else path, ThresholdFile)


def threshold(stage: str, name: str) -> Threshold:
    """The threshold ``name`` of ``stage`` (KeyError naming the known ones when absent)."""
    if stage not in STAGES:
        raise KeyError(f"unknown stage {stage!r} (known: {', '.join(STAGES)})")
    entries: dict[str, Threshold] = getattr(load(), stage)
    if name not in entries:
        raise KeyError(f"no threshold {stage}.{name} in {THRESHOLDS_PATH.name} (known: {', '.join(entries)})")
    return entries[name]


def for_set(stage: str, set_name: str) -> dict[str, Threshold]:
    """The thresholds ``<set_name>.<figure>`` of ``stage`` as ``{figure: threshold}``."""
    if stage not in STAGES:
        raise KeyError(f"unknown stage {stage!r} (known: {', '.join(STAGES)})")
    prefix = f"{set_name}."
    return {name[len(prefix):]: bar for name, bar in getattr(load(), stage).items() if name.startswith(prefix)}


def minimum(stage: str, name: str) -> float:
    """The lower bar of ``stage``/``name`` (KeyError when it is an upper bar)."""
    bar = threshold(stage, name)
    if bar.min is None:
        raise KeyError(f"{stage}.{name} is an upper bar (max), not a minimum")
    return bar.min


def maximum(stage: str, name: str) -> float:
    """The upper bar of ``stage``/``name`` (KeyError when it is a lower bar)."""
    bar = threshold(stage, name)
    if bar.max is None:
        raise KeyError(f"{stage}.{name} is a lower bar (min), not a maximum")
    return bar.max


def passes(stage: str, name: str, value: float) -> bool:
    """Whether ``value`` clears the threshold ``stage``/``name``."""
    return threshold(stage, name).passes(value)
