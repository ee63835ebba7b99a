"""Quantitative targets: every numeric commitment of a plan as a normalized record.

``extract_targets(text_or_plan, plan_year)`` finds numbers followed by a counting word
(94%, 9所, 2万个, 1.5亿元, 一项, 两期), resolves Chinese numerals and multipliers,
reads the comparator (达到 → ``>=``, 以内 → ``<=``, 余/多 → ``>``, ranges …), the
indicator the number measures and the target year, and drops numbers that are
not commitments (dates, document and section numbers, ordinals, slogans, plan
periods, scope terms, past achievements).

What counts is data, not code: counting words, comparator words, exclusion
patterns and protected terms live in ``data/target_rules.yaml`` (each with a
reason); canonical indicators in ``data/indicators.yaml``.

The package is split by pipeline step: :mod:`~policylens.targets.rules` (rule
files), :mod:`~policylens.targets.numbers` (number candidates and exclusion
masks), :mod:`~policylens.targets.tables` (flattened indicator tables),
:mod:`~policylens.targets.past` (past, baseline and forecast),
:mod:`~policylens.targets.annotate` (comparators, lists, quotes, indicators) and
:mod:`~policylens.targets.records` (typed rows, :func:`extract_quantities`) and
:mod:`~policylens.targets.results` (``quantities.csv`` rows, targets against later results).

The input may be raw scraped text: it is normalized internally with
:func:`policylens.normalize.normalize` (a 1:1 character map), and offsets are
mapped back, so ``text[start:end] == quote`` always holds for the text as
given. Every step is a bounded look-around of a regex hit, so the run time is
linear in the length of the text.
"""
from __future__ import annotations

from policylens.targets.numbers import cn_number
from policylens.targets.records import (
    QUANTITY_COLUMNS,
    TARGET_COLUMNS,
    extract_quantities,
    extract_targets,
    records,
    targets_of,
)
from policylens.targets.results import RESULT_COLUMNS, plan_quantities, targets_vs_results
from policylens.targets.rules import (
    Indicator,
    Rules,
    indicator_id_for,
    load_indicators,
    load_national_targets,
    load_rules,
)

__all__ = [
    "QUANTITY_COLUMNS", "TARGET_COLUMNS", "Indicator", "extract_quantities", "Rules", "cn_number", "extract_targets", "indicator_id_for",
    "load_indicators", "load_national_targets", "load_rules", "records",
    "RESULT_COLUMNS", "plan_quantities", "targets_of", "targets_vs_results",
]
