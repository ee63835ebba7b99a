"""``policylens add`` and ``policylens check`` (registered in :data:`policylens.cli.SUBCOMMANDS`)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path


def _table(fields: dict) -> str:
    rows = [("field", "value", "status", "evidence")]
    rows += [(f.name, f.value, f.status, f.evidence) for f in fields.values()]
    width = [max(len(r[i]) for r in rows) if i < 3 else 0 for i in range(4)]
    return "\n".join("  " + "  ".join(c.ljust(width[i]) if i < 3 else c for i, c in enumerate(r)) for r in rows)


def _cmd_add(args: argparse.Namespace) -> int:
    from policylens import config
    from policylens.ingest.add import Known, add_file, expand

    raw_dir = Path(args.raw or config.DATA_RAW)
    raw_dir.mkdir(parents=True, exist_ok=True)
    overrides = {"city": args.city, "county": args.county, "year": args.year, "doc_type": args.doc_type,
                 "admin_level": args.admin_level, "title": args.title, "issuing_body": args.issuing_body,
                 "doc_id": args.doc_id}
    files = expand(args.paths)
    if not files:
        print("policylens: error: no files to add", file=sys.stderr)
        return 2
    known = Known.from_raw(raw_dir)
    status = 0
    for path in files:
        result = add_file(path, raw_dir=raw_dir, overrides=overrides, known=known, dry_run=args.dry_run)
        if result.error:
            print(f"policylens: error: {result.error}", file=sys.stderr)
            status = 1
            continue
        if result.duplicate:
            print(f"policylens: {result.duplicate}", file=sys.stderr)
            continue
        verb = "would add" if args.dry_run else "added"
        print(f"{verb} {path} as {result.doc_id} (status: read = stated in the document, inferred = reasoned, "
              f"listed in the manifest's `inferred` column until confirmed by a flag; given = flag)")
        print(_table(result.fields))
    return status


def add_add(subparsers: argparse._SubParsersAction) -> None:
    """Register ``policylens add``."""
    from policylens.ingest.formats import supported_list
    from policylens.manifest import ADMIN_LEVELS, DOC_TYPES

    p = subparsers.add_parser("add", help="add plan files (.txt .html .pdf .docx) to data/raw/ and the manifest",
                              description="Copy each plan into data/raw/ unchanged, extract its text, infer its "
                                          "metadata with evidence, and append a manifest row. Supported: "
                                          + supported_list() + ". Flags override what is inferred.")
    p.add_argument("paths", nargs="+", metavar="PATH", help="files or folders")
    p.add_argument("--city", help="city (or county/district) name, e.g. 包头市")
    p.add_argument("--county", help="county / district name, e.g. 东兴市")
    p.add_argument("--year", help="plan year (2018) or period (2018-2020)")
    p.add_argument("--doc-type", choices=list(DOC_TYPES))
    p.add_argument("--admin-level", choices=list(ADMIN_LEVELS))
    p.add_argument("--title")
    p.add_argument("--issuing-body")
    p.add_argument("--doc-id", help="document id (default: made from place and years)")
    p.add_argument("--raw", help="raw folder (default data/raw/)")
    p.add_argument("--dry-run", action="store_true", help="show what would be added; change nothing")
    p.set_defaults(func=_cmd_add)


def _cmd_check(args: argparse.Namespace) -> int:
    from policylens import config
    from policylens.ingest.add import check

    raw_dir = Path(args.raw or config.DATA_RAW)
    problems = check(raw_dir / "manifest.csv", raw_dir)
    for line in problems:
        print(f"policylens: error: {line}", file=sys.stderr)
    if not problems:
        print(f"{raw_dir / 'manifest.csv'}: every row valid, every raw file described")
    return 1 if problems else 0


def add_check(subparsers: argparse._SubParsersAction) -> None:
    """Register ``policylens check``."""
    p = subparsers.add_parser("check", help="report every manifest and data/raw/ problem at once",
                              description="Validate data/raw/manifest.csv and the raw folder: each problem on one "
                                          "line with file, line, column and the fix.")
    p.add_argument("--raw", help="raw folder (default data/raw/)")
    p.set_defaults(func=_cmd_check)
