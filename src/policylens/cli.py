"""The ``policylens`` command line: the one front door of the pipeline.

``policylens build``            rebuild ``data/processed/`` from ``data/raw/`` (see :mod:`policylens.build`)
``policylens evaluate STAGE``   print a stage's quality figures (``all`` runs every stage)
``policylens notebooks``        re-execute the notebooks in place
``policylens targets PATH``     print the quantitative targets of any text file

``python -m policylens.build``, ``python -m policylens.evaluate`` and
``python -m policylens.notebooks`` delegate here. ``policylens`` is on the PATH
inside the project's ``.venv`` (``.venv/bin/policylens …``, or activate ``.venv`` first).

Every error prints one line ``policylens: error: file:line: reason`` and exits
non-zero (2 for unreadable input or usage, 1 when a build left documents out,
130 on Ctrl-C); ``--debug`` (anywhere on the line) shows the traceback instead.

A stage adds a subcommand by writing ``_add_<name>(subparsers)`` that
registers its parser with ``set_defaults(func=...)`` and appending it to
:data:`SUBCOMMANDS` (or calling :func:`register`); ``func(args) -> int`` does the work.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import traceback
from collections.abc import Callable
from pathlib import Path

from policylens.ingest.commands import add_add, add_check  # light: imports the ingest stage lazily

SubcommandAdder = Callable[[argparse._SubParsersAction], None]


class InputError(Exception):
    """A file the command cannot read; the message names the file, line and reason."""


def read_text(path: str | Path) -> str:
    """Decode a text file as the corpus stage does (UTF-8 ± BOM, GB18030/GBK, UTF-16)."""
    from policylens.corpus import CorpusError, read_raw

    try:
        return read_raw(path).text
    except CorpusError as exc:
        raise InputError(str(exc)) from exc


# --------------------------------------------------------------------------
# targets


def _cmd_targets(args: argparse.Namespace) -> int:
    from policylens.targets import extract_targets, records  # keep --help fast

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


# --------------------------------------------------------------------------
# build


def _cmd_build(args: argparse.Namespace) -> int:
    from policylens import config
    from policylens.cache import LastBuild, build_stamp

    raw = Path(args.raw or config.DATA_RAW)
    out = Path(args.out or config.DATA_PROCESSED)
    last = LastBuild(out, args.cache_dir)
    stamp = build_stamp(raw, out, args.strict) if not args.no_cache else ""
    record = last.load() if stamp else None
    if record and record.get("stamp") == stamp:  # nothing changed: no stage to run, no library to load
        errors, warnings = record["errors"], record.get("warnings", [])
        if not args.quiet:
            print("\n".join(["", "build summary 构建摘要",
                              "  " + "  ".join(f"{k} {v}" for k, v in record["counts"].items()),
                              "  nothing changed since the last build (raw files, manifest, code, rule files and "
                              "outputs as they were): no stage run",
                              *(f"  note: {n}" for n in record["notes"])]), file=sys.stderr)
    else:
        from policylens.build import BuildFailed, run_build
        from policylens.cache import Cache

        cache = Cache(args.cache_dir, enabled=not args.no_cache)
        try:
            report = run_build(out, raw, progress=not args.quiet, jobs=args.jobs, strict=args.strict,
                               scheduler=args.scheduler, address=args.address, cache=cache)
        except BuildFailed as exc:  # --strict: every document error, then why nothing was replaced
            for message in exc.errors:
                print(f"policylens: error: {message}", file=sys.stderr)
            print(f"policylens: error: {exc}", file=sys.stderr)
            return 1
        errors, warnings = report.errors, report.warnings
        if not args.quiet:
            print(report.summary(), file=sys.stderr)
        if not args.no_cache:
            last.save({"stamp": build_stamp(raw, out, args.strict), "errors": errors, "warnings": warnings,
                       "counts": report.counts,
                       "notes": report.notes})
    for message in warnings:
        print(f"policylens: warning: {message}", file=sys.stderr)
    for message in errors:
        print(f"policylens: error: {message}", file=sys.stderr)
    print(f"built {_shown(out)} ({len(errors)} error(s), {len(warnings)} warning(s))")
    return 1 if errors else 0


def _shown(path: Path) -> str:
    """``path`` relative to the working directory when inside it (no machine paths in messages)."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


def _add_build(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("build", help="rebuild data/processed/ from data/raw/",
                              description="Read every plan of the manifest, run every stage, and replace the "
                                          "output folder as a whole when every stage succeeded.")
    p.add_argument("--raw", type=Path, default=None, help="raw folder with manifest.csv (default: data/raw)")
    p.add_argument("--out", type=Path, default=None, help="output folder (default: data/processed)")
    p.add_argument("--jobs", "-j", type=_positive, default=None,
                   help="worker processes for the per-document stages (default: the machine's cores)")
    p.add_argument("--strict", action="store_true",
                   help="any document error fails the build and leaves the outputs as they were")
    p.add_argument("--scheduler", choices=("local", "dask"), default="local",
                   help="local processes (default) or dask.distributed")
    p.add_argument("--address", default=None,
                   help="with --scheduler dask: the scheduler (tcp://host:8786); default: a LocalCluster on "
                        "127.0.0.1 started and stopped by this command")
    p.add_argument("--no-cache", action="store_true", help="recompute every stage (the cache is not read or written)")
    p.add_argument("--cache-dir", type=Path, default=None, help="cache folder (default: .cache/build)")
    p.add_argument("--quiet", action="store_true", help="no progress bars and no summary")
    p.set_defaults(func=_cmd_build)


# --------------------------------------------------------------------------
# evaluate


def _cmd_evaluate(args: argparse.Namespace) -> int:
    from policylens.evaluate import main as evaluate

    return int(evaluate([args.stage, *args.options, *(["--strict"] if args.strict else [])]) or 0)


def _add_evaluate(subparsers: argparse._SubParsersAction) -> None:
    from policylens.evaluate import STAGES

    p = subparsers.add_parser("evaluate", help="print a stage's quality figures against the gold data",
                              description="Print quality figures (--json: the machine-readable summary the README "
                                          "table is generated from). Exits 0 when the evaluation ran, whatever "
                                          "the figures (with --strict: 1 when any figure is below its threshold). "
                                          "Options after STAGE go to the stage (policylens evaluate STAGE -h).")
    p.add_argument("stage", choices=(*STAGES, "all"), help="which stage (all: every stage)")
    p.add_argument("--strict", action="store_true", help="exit 1 when any threshold is missed")
    p.add_argument("options", nargs=argparse.REMAINDER, help="options of the stage's evaluation")
    p.set_defaults(func=_cmd_evaluate)


# --------------------------------------------------------------------------
# notebooks


def _cmd_notebooks(args: argparse.Namespace) -> int:
    from policylens.notebooks import main as run_notebooks

    return int(run_notebooks(args.options) or 0)


def _add_notebooks(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("notebooks", help="re-execute the notebooks in place and write reports/figures/",
                              description="Execute the numbered notebooks reproducibly (policylens.notebooks).")
    p.add_argument("options", nargs=argparse.REMAINDER, help="notebook paths (default: every numbered notebook)")
    p.set_defaults(func=_cmd_notebooks)


#: Registered subcommands, in help order: an adder, or ``(name, adder)`` for a subcommand whose parser is
#: costly to build (it imports its stage), which is then built only when that subcommand runs or for ``--help``.
SUBCOMMANDS: list[SubcommandAdder | tuple[str, SubcommandAdder]] = [
    ("build", _add_build), ("evaluate", _add_evaluate), ("notebooks", _add_notebooks), ("targets", _add_targets)]
SUBCOMMANDS += [("add", add_add), ("check", add_check)]  # policylens.ingest


def register(add: SubcommandAdder, name: str | None = None) -> SubcommandAdder:
    """Add a subcommand (usable as a decorator); it shows in ``policylens --help`` in registration order."""
    entry = (name, add) if name else add
    if entry not in SUBCOMMANDS:
        SUBCOMMANDS.append(entry)
    return add


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The argument parser with every registered subcommand (with ``command``: only the named ones it needs)."""
    parser = argparse.ArgumentParser(prog="policylens", description="Analyse Chinese city education plans.",
                                     epilog="--debug (anywhere): show tracebacks instead of one-line errors.")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    names = {entry[0] for entry in SUBCOMMANDS if isinstance(entry, tuple)}
    for entry in SUBCOMMANDS:
        name, add = entry if isinstance(entry, tuple) else (None, entry)
        if command in names and name is not None and name != command:
            continue
        add(subparsers)
    return parser


# --------------------------------------------------------------------------
# errors as one line


def _where(exc: BaseException) -> str:
    """``file:line`` for an error: the input it names, else the line of policylens that raised it."""
    path = getattr(exc, "path", None) or getattr(exc, "filename", None)
    if path and str(path) in str(exc):
        return ""  # the message already names the file (CorpusError, RuleFileError)
    if path:
        line = getattr(exc, "line", None) or getattr(exc, "lineno", None)
        return f"{path}:{line}" if line else f"{path}"
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if "policylens" in f.filename]
    if not frames:
        frames = traceback.extract_tb(exc.__traceback__)[-1:]
    if not frames:
        return "policylens"
    frame = frames[-1]
    name = Path(frame.filename)
    parts = name.parts
    shown = "/".join(parts[parts.index("policylens"):]) if "policylens" in parts else name.name
    return f"{shown}:{frame.lineno}"


def error_line(exc: BaseException) -> str:
    """The one line ``policylens: error: file:line: reason`` for ``exc``."""
    where = _where(exc)
    reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if not isinstance(exc, (InputError, OSError)) and type(exc).__module__ == "builtins":
        reason = f"{type(exc).__name__}: {reason}"
    return f"policylens: error: {where + ': ' if where else ''}{reason}"


def main(argv: list[str] | None = None) -> int:
    """Run a subcommand; return its exit code (2 for usage or input errors, 130 on Ctrl-C)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv or os.environ.get("POLICYLENS_DEBUG") == "1"
    argv = [a for a in argv if a != "--debug"]
    command = next((a for a in argv if not a.startswith("-")), None)
    parser = build_parser(command)
    try:
        args, extra = parser.parse_known_args(argv)
        if extra and hasattr(args, "options"):  # leading options of a forwarding subcommand (notebooks --sync-only)
            args.options = [*extra, *args.options]
        elif extra:
            parser.error(f"unrecognized arguments: {' '.join(extra)}")
        if not getattr(args, "func", None):
            parser.print_help(sys.stderr)
            return 2
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        if debug:
            raise
        print("policylens: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. `policylens targets plan.txt | head`
        sys.stderr.close()
        return 0
    except SystemExit:
        raise
    except InputError as exc:
        if debug:
            raise
        print(f"policylens: error: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # one line, not a traceback, unless --debug
        if debug:
            raise
        print(error_line(exc) + " (run with --debug for the traceback)", file=sys.stderr)
        return 2 if isinstance(exc, (OSError, ValueError)) else 1


if __name__ == "__main__":
    raise SystemExit(main())
