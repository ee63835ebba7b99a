"""The ``policylens`` command line: one subcommand per pipeline stage.

``policylens targets PATH [--format csv|json] [--plan-year N]`` prints the
quantitative targets of any text file (UTF-8 with or without BOM, GB18030/GBK or UTF-16).

A stage adds a subcommand by writing ``_add_<name>(subparsers)`` that
registers its parser with ``set_defaults(func=...)`` and listing it in
:data:`SUBCOMMANDS`; ``func(args) -> int`` does the work.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path


class InputError(Exception):
    """A file the command cannot read; the message names the file, line and reason."""


def read_text(path: str | Path) -> str:
    """Decode a text file as the corpus stage does (UTF-8 ± BOM, GB18030/GBK, UTF-16)."""
    from policylens.corpus import CorpusError, read_raw

    try:
        return read_raw(path).text
    except CorpusError as exc:
        raise InputError(str(exc)) from exc


def _cmd_targets(args: argparse.Namespace) -> int:
    from policylens.targets import extract_targets, records  # noqa: WPS433 (keep --help fast)

    text = read_text(args.path)
    if args.format == "json":
        json.dump(records(text, args.plan_year), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        extract_targets(text, args.plan_year).to_csv(sys.stdout, index=False, lineterminator="\n")
    return 0


def _add_targets(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("targets", help="extract the quantitative targets of a text file",
                              description="Print one record per quantitative target (see policylens.targets).")
    p.add_argument("path", help="text file (UTF-8 with or without BOM, GB18030/GBK or UTF-16)")
    p.add_argument("--format", choices=("csv", "json"), default="csv", help="output format (default csv)")
    p.add_argument("--plan-year", type=int, default=None,
                   help="year of an annual plan: target year of targets whose sentence names none")
    p.set_defaults(func=_cmd_targets)


#: Registered subcommands, in help order.
SUBCOMMANDS: tuple[Callable[[argparse._SubParsersAction], None], ...] = (_add_targets,)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every registered subcommand."""
    parser = argparse.ArgumentParser(prog="policylens", description="Analyse Chinese city education plans.")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for add in SUBCOMMANDS:
        add(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run a subcommand; return its exit code (2 for usage or input errors)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return 2
    try:
        return int(args.func(args) or 0)
    except InputError as exc:
        print(f"policylens: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # e.g. `policylens targets plan.txt | head`
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
