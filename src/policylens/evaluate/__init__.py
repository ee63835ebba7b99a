"""Quality measurements against the gold data, one submodule per stage.

``policylens evaluate STAGE [options]`` (or :func:`main`) prints a stage's figures, with
STAGE one of :data:`STAGES` or ``all``; ``--json`` prints the stage's summary as JSON instead
(:mod:`policylens.evaluate.report`), ``--strict`` makes a missed acceptance threshold
(``thresholds.yaml``) exit 1. Without ``--strict`` the exit status is 0 whenever the evaluation
ran, whatever the figures (``make evaluate``).
"""
from __future__ import annotations

import importlib
import sys

STAGES = ("structure", "taxonomy", "targets", "topics", "alignment")

USAGE = (f"usage: policylens evaluate {{{','.join(STAGES)},all}} [--json] [--strict] [stage options]\n"
         "  --json    print the stage's figures, thresholds and pass/fail as JSON (all: one document)\n"
         "  --strict  exit 1 when a figure misses its threshold in thresholds.yaml\n"
         "  policylens evaluate STAGE -h lists the stage's own options")


def json_summary(stages: tuple[str, ...]) -> str:
    """The JSON text of the summaries of ``stages`` (one stage: its summary; several: keyed by stage)."""
    from policylens.evaluate import report

    data = report.summaries(stages)
    return report.dumps(data[stages[0]] if len(stages) == 1 else data)


def main(argv: list[str] | None = None) -> int:
    """Run ``STAGE|all [--json] [--strict] [stage options]``; return the exit status.

    0 when the evaluation ran (with ``--strict``: and every threshold was met), 1 when
    ``--strict`` and a threshold was missed, 2 for a usage error.
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in {"-h", "--help"}:
        print(USAGE)
        return 0 if argv else 2
    stage, options = argv[0], argv[1:]
    if stage not in (*STAGES, "all"):
        print(f"policylens evaluate: error: unknown stage {stage!r}\n{USAGE}", file=sys.stderr)
        return 2
    strict = "--strict" in options
    as_json = "--json" in options
    options = [o for o in options if o not in {"--strict", "--json"}]
    if as_json:
        from policylens.evaluate.report import SUMMARIES

        stages = tuple(SUMMARIES) if stage == "all" else (stage,)
        if stage != "all" and stage not in SUMMARIES:
            print(f"policylens evaluate: error: {stage} has no JSON summary", file=sys.stderr)
            return 2
        text = json_summary(stages)
        sys.stdout.write(text)
        if not strict:
            return 0
        import json

        data = json.loads(text)
        per_stage = [data] if len(stages) == 1 else list(data.values())
        return 1 if any(s.get("pass") is False for d in per_stage for s in d.values()) else 0
    missed = []
    for name in STAGES if stage == "all" else (stage,):
        if stage == "all":
            print(f"== {name} ==", flush=True)
        module = importlib.import_module(f"policylens.evaluate.{name}")
        if int(module.main(list(options)) or 0):
            missed.append(name)
        sys.stdout.flush()
    if missed and stage == "all":
        print(f"below an acceptance threshold: {', '.join(missed)}")
    return 1 if missed and strict else 0
