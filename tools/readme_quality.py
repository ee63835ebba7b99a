"""Write the README's quality table from ``reports/quality.json`` (never type it by hand).

    python tools/readme_quality.py            # README table from the committed JSON
    python tools/readme_quality.py --update   # re-run every evaluation into reports/quality.json first
    python tools/readme_quality.py --update structure targets   # re-run only these stages
    python tools/readme_quality.py --check    # exit 1 when the README table differs from the JSON

``--update`` is ``policylens evaluate all --json > reports/quality.json`` (several minutes: the
taxonomy folds and the topic refits); the rest only reads the JSON. A test checks that the
README table is what this script writes from the committed JSON.
"""
from __future__ import annotations

import argparse
import json
import sys

from policylens import config
from policylens.evaluate import report
from policylens.io import write_bytes_atomic

README = config.ROOT / "README.md"


def main(argv: list[str] | None = None) -> int:
    """Update (or check) the README table; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--update", nargs="*", metavar="STAGE", default=None, choices=report.STAGES,
                        help="re-run the evaluations (all stages, or the ones named) into reports/quality.json")
    parser.add_argument("--check", action="store_true", help="exit 1 when the README table is out of date")
    args = parser.parse_args(argv)
    if args.update is not None:
        stages = tuple(args.update) or report.STAGES
        data = json.loads(report.QUALITY_JSON.read_text(encoding="utf-8")) if report.QUALITY_JSON.exists() else {}
        data.update(report.summaries(stages))
        write_bytes_atomic(report.dumps(data).encode("utf-8"), report.QUALITY_JSON)
    data = json.loads(report.QUALITY_JSON.read_text(encoding="utf-8"))
    text = README.read_text(encoding="utf-8")
    new = report.replace_block(text, report.markdown_table(data))
    if args.check:
        if new != text:
            print(f"{README}: the quality table differs from {report.QUALITY_JSON.name}; "
                  f"run python tools/readme_quality.py", file=sys.stderr)
            return 1
        return 0
    if new != text:
        write_bytes_atomic(new.encode("utf-8"), README)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
