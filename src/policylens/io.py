"""Reading and writing the generated tables: typed by the registry, atomic, deterministic.

- :func:`write_table` / :func:`read_table` write and read a registered table of
  ``data/processed/`` (see :mod:`policylens.schema`): the writer refuses a frame that breaks the
  registry, the reader returns the registry's dtypes (no type is guessed from a column name).
- Every file is written to a temporary sibling, flushed to disk (``fsync``) and moved into place,
  so a crash never leaves a half-written file; it gets the permissions the umask gives a new file
  (``0o666 & ~umask``, like any other program's output), not the temporary file's ``0600``.
- Canonical CSVs are UTF-8 with ``\\n`` line ends and no index, so the same frame gives the same
  bytes on every machine, and text cells are written as they are (``quote == text[start:end]``).
- :func:`export_table` writes a copy for spreadsheets: UTF-8 with a BOM (so Excel reads the
  Chinese), and text cells that a spreadsheet would run as a formula (starting with ``=``, ``+``,
  ``-``, ``@``, tab or carriage return) prefixed with ``'``. Never use it for ``data/processed/``.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from policylens import config, schema
from policylens.files import atomic_writer, file_mode, write_bytes_atomic
from policylens.schema import SchemaError

__all__ = ["write_bytes_atomic", "write_csv", "read_csv", "write_table", "read_table", "export_table",
           "spreadsheet_safe", "file_mode", "SchemaError", "FORMULA_PREFIXES"]

#: First characters that make a spreadsheet cell a formula (OWASP "CSV injection").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

def spreadsheet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells starting a formula are prefixed with ``'``.

    Only text is changed; numbers (also negative ones) stay numbers. For exports that people
    open in a spreadsheet, never for the canonical tables.
    """
    out = frame.copy()
    for column in out.columns:
        values = out[column]
        if pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
            continue
        out[column] = [f"'{v}" if isinstance(v, str) and v.startswith(FORMULA_PREFIXES) else v for v in values]
    return out


def write_csv(frame: pd.DataFrame, path: Path | str, float_format: str = "%.6g", *, check: bool = True) -> Path:
    """Write a tidy table as CSV atomically (no index, ``\\n`` line ends, UTF-8 without BOM).

    When the file name is a registered table (``units.csv`` …) and ``check`` is true, the frame
    is validated against the registry first (:func:`policylens.schema.validate`).
    """
    path = Path(path)
    if check and schema.is_registered(path.name):
        _require(frame, path.name, str(path.name))
    with atomic_writer(path) as fh:  # streamed: a large table is never one string in memory
        frame.to_csv(fh, index=False, lineterminator="\n", float_format=float_format, encoding="utf-8")
    return path


def _require(frame: pd.DataFrame, name: str, where: str) -> None:
    problems = schema.validate(frame, name, where)
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise SchemaError(problems[0] + more)


def write_table(frame: pd.DataFrame, name: str, folder: Path | str | None = None,
                float_format: str = "%.6g") -> Path:
    """Validate ``frame`` against the registered table ``name`` and write ``folder/<name>.csv``."""
    stem = name.removesuffix(".csv")
    schema.table(stem)  # KeyError naming the registered tables when unknown
    _require(frame, stem, f"{stem}.csv")
    folder = Path(config.DATA_PROCESSED if folder is None else folder)
    return write_csv(frame, folder / f"{stem}.csv", float_format, check=False)


def _pandas_dtypes(spec: schema.Table) -> tuple[dict[str, str], dict[str, list[str]]]:
    """pandas dtypes and per-column NA markers of a registered table."""
    names = {"str": "str", "int": "int64", "Int64": "Int64", "float": "float64", "bool": "bool"}
    dtypes = {f.name: names[f.dtype] for f in spec.fields}
    na = {f.name: ([""] if f.dtype in ("Int64", "float") else []) for f in spec.fields}
    return dtypes, na


def read_table(name: str, folder: Path | str | None = None, *, validate: bool = False) -> pd.DataFrame:
    """Read the registered table ``name`` from ``folder`` (default ``data/processed/``), typed by the registry.

    ``str`` columns hold ``""`` for empty cells, ``float`` columns NaN, ``Int64`` columns ``<NA>``.
    A header that differs from the registry, or a cell that is not of its column's type, raises
    :class:`SchemaError` (``file:line: reason``). ``validate=True`` also checks allowed values and the key.
    """
    spec = schema.table(name)
    stem = name.removesuffix(".csv")
    path = Path(config.DATA_PROCESSED if folder is None else folder) / f"{stem}.csv"
    return _read_registered(path, spec, stem, validate)


def _read_registered(path: Path, spec: schema.Table, name: str, validate: bool) -> pd.DataFrame:
    header = pd.read_csv(path, nrows=0, encoding="utf-8").columns.tolist()
    if header != spec.columns:
        missing = [c for c in spec.columns if c not in header]
        extra = [c for c in header if c not in spec.columns]
        raise SchemaError(f"{path}:1: header does not match the registry table {name!r} "
                          f"(missing {missing}, not registered {extra}); rebuild or update tables.yaml")
    dtypes, na = _pandas_dtypes(spec)
    try:
        frame = pd.read_csv(path, encoding="utf-8", dtype=dtypes, keep_default_na=False, na_values=na)
    except (ValueError, TypeError) as exc:
        raise SchemaError(_first_bad_cell(path, spec) or f"{path}: a cell does not fit its column's type "
                          f"in the registry ({exc})") from exc
    if validate:
        _require(frame, name, str(path))
    return frame


def _first_bad_cell(path: Path, spec: schema.Table) -> str | None:
    """``file:line: reason`` of the first cell that does not parse as its registered type."""
    raw = pd.read_csv(path, encoding="utf-8", dtype=str, keep_default_na=False)
    for f in spec.fields:
        if f.dtype == "str":
            continue
        for i, cell in enumerate(raw[f.name].tolist()):
            if cell == "" and f.dtype in ("Int64", "float"):
                continue
            if f.dtype == "bool":
                ok = cell in ("True", "False")
            else:
                try:
                    number = float(cell)
                    ok = f.dtype == "float" or number.is_integer()
                except ValueError:
                    ok = False
            if not ok:
                return f"{path}:{i + 2}: column {f.name}: {cell!r} is not of type {f.dtype} ({schema.DTYPES[f.dtype]})"
    return None


def read_csv(path: Path | str) -> pd.DataFrame:
    """Read a CSV written by :func:`write_csv`.

    A registered table (by file name) is read typed by the registry (:func:`read_table`). Any other
    file is read with pandas' own type inference; empty text cells are ``""``.
    """
    path = Path(path)
    if schema.is_registered(path.name):
        name = path.name.removesuffix(".csv")
        return _read_registered(path, schema.table(name), name, validate=False)
    frame = pd.read_csv(path, encoding="utf-8", keep_default_na=False, na_values=[""])
    for column in frame.columns:
        if not pd.api.types.is_numeric_dtype(frame[column]) and not pd.api.types.is_bool_dtype(frame[column]):
            frame[column] = frame[column].fillna("")
    return frame


def export_table(frame: pd.DataFrame | str, path: Path | str, *, folder: Path | str | None = None,
                 float_format: str = "%.6g") -> Path:
    """Write a spreadsheet-safe copy of a table (a frame, or a registered table's name) to ``path``.

    UTF-8 with a byte-order mark (Excel then reads Chinese correctly), formula-starting text
    cells prefixed with ``'`` (:func:`spreadsheet_safe`). The copy is for reading in a
    spreadsheet; the canonical tables in ``data/processed/`` stay unchanged.
    """
    path = Path(path)
    if path.resolve().parent == config.DATA_PROCESSED.resolve() and path.suffix == ".csv":
        raise ValueError(f"{path}: spreadsheet exports do not go into data/processed/ "
                         f"(the canonical tables keep their text unchanged); choose another folder")
    if isinstance(frame, str):
        frame = read_table(frame, folder)
    text = spreadsheet_safe(frame).to_csv(index=False, lineterminator="\n", float_format=float_format)
    return write_bytes_atomic(text.encode("utf-8-sig"), path)
