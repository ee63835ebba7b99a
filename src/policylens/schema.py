"""The table registry: every table policylens writes, its key, and each field's type and meaning.

The registry is data, ``data/tables.yaml`` (one field per line, in column order), validated
by :class:`Registry` through :func:`policylens.rulefile.load_yaml`. It is the one contract of
``data/processed/``:

- :func:`policylens.io.write_table` refuses a frame that breaks it (columns, order, types,
  allowed values, key) and :func:`policylens.io.read_table` returns typed frames from it;
- :func:`markdown` generates ``data/processed/SCHEMA.md``;
- the header test compares every committed CSV with it.

Adding a column is one line in ``tables.yaml``, where the column stands.
"""
from __future__ import annotations

import math
import re
from functools import lru_cache
from pathlib import Path
from typing import Literal

import pandas as pd
from pydantic import field_validator, model_validator

from policylens import config
from policylens.rulefile import RuleModel, load_yaml

__all__ = ["Field", "Table", "Registry", "SchemaError", "registry", "table", "columns", "tables",
           "validate", "markdown", "DTYPES", "REGISTRY_PATH"]

#: The registry file.
REGISTRY_PATH = config.PACKAGE_DATA / "tables.yaml"

#: Field types: what a cell holds and how it is read back.
DTYPES: dict[str, str] = {
    "str": "text; an empty cell is the empty string",
    "int": "integer, never empty",
    "Int64": "integer, or empty (missing)",
    "float": "number; an empty cell is NaN",
    "bool": "True or False",
}

_NAME = re.compile(r"[a-z][a-z0-9_]*")


class SchemaError(ValueError):
    """A frame or file that breaks the registry; the message is ``file:line: reason``."""


class Field(RuleModel):
    """One column: name, type, meaning and (optionally) allowed values or unit."""

    name: str
    dtype: Literal["str", "int", "Int64", "float", "bool"]
    meaning: str
    values: tuple[str, ...] | None = None
    codes: str | None = None
    unit: str | None = None

    @field_validator("name")
    @classmethod
    def _snake_case(cls, name: str) -> str:
        if not _NAME.fullmatch(name):
            raise ValueError(f"field name {name!r} is not snake_case ASCII")
        return name

    @model_validator(mode="after")
    def _one_constraint(self) -> Field:
        if self.values is not None and self.codes is not None:
            raise ValueError(f"field {self.name!r}: give `values` or `codes`, not both")
        if (self.values is not None or self.codes is not None) and self.dtype != "str":
            raise ValueError(f"field {self.name!r}: `values`/`codes` apply to str fields only")
        return self

    def allowed(self) -> frozenset[str] | None:
        """The allowed non-empty values, or None when any value is allowed."""
        if self.values is not None:
            return frozenset(self.values)
        if self.codes is not None:
            from policylens.labels import codes

            return frozenset(codes(self.codes))
        return None


class Table(RuleModel):
    """One table: description, key fields (unique together; may be empty) and fields in column order."""

    description: str
    key: tuple[str, ...] = ()
    fields: tuple[Field, ...]

    @model_validator(mode="after")
    def _consistent(self) -> Table:
        names = [f.name for f in self.fields]
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise ValueError(f"fields listed twice: {dup}")
        missing = [k for k in self.key if k not in names]
        if missing:
            raise ValueError(f"key fields {missing} are not fields of the table")
        return self

    @property
    def columns(self) -> list[str]:
        """Column names in order."""
        return [f.name for f in self.fields]

    def field(self, name: str) -> Field:
        """The field called ``name``."""
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)


class Registry(RuleModel):
    """The whole registry file."""

    version: int
    tables: dict[str, Table]

    @field_validator("tables")
    @classmethod
    def _table_names(cls, tables: dict[str, Table]) -> dict[str, Table]:
        bad = [n for n in tables if not _NAME.fullmatch(n)]
        if bad:
            raise ValueError(f"table names must be snake_case ASCII: {bad}")
        return tables


@lru_cache(maxsize=4)
def registry(path: Path | str | None = None) -> Registry:
    """The validated registry (default: the packaged ``tables.yaml``; cached)."""
    return load_yaml(REGISTRY_PATH if path is None else path, Registry)


def _name(name: str | Path) -> str:
    """Table name of ``units``, ``units.csv`` or a path to it."""
    stem = Path(name).name
    return stem[:-4] if stem.endswith(".csv") else stem


def table(name: str | Path) -> Table:
    """The registered table ``name`` (``"units"``, ``"units.csv"`` or a path ending in it)."""
    key = _name(name)
    tables_ = registry().tables
    if key not in tables_:
        raise KeyError(f"{key!r} is not a registered table (known: {', '.join(tables_)}); "
                       f"add it to {REGISTRY_PATH.name}")
    return tables_[key]


def is_registered(name: str | Path) -> bool:
    """Whether ``name`` (or the file name of a path) is a registered table."""
    return _name(name) in registry().tables


def columns(name: str | Path, *, exclude: tuple[str, ...] = ()) -> dict[str, str]:
    """``{column: meaning}`` of a table in column order, without the ``exclude`` columns.

    Stage modules can define their output schemas from it, e.g.
    ``TARGET_COLUMNS = schema.columns("targets", exclude=("doc_id", "unit_path", ...))``.
    """
    return {f.name: _render(f.meaning) for f in table(name).fields if f.name not in exclude}


def tables() -> dict[str, tuple[str, dict[str, str]]]:
    """``file name → (description, {column: meaning})`` for every registered table."""
    return {f"{name}.csv": (t.description, columns(name)) for name, t in registry().tables.items()}


_PLACEHOLDER = re.compile(r"\{thresholds\.([a-z_]+)\.([A-Za-z0-9_.]+)\}")


def _render(meaning: str) -> str:
    """Fill ``{thresholds.STAGE.NAME}`` placeholders from ``thresholds.yaml``."""
    if "{thresholds." not in meaning:
        return meaning
    from policylens.thresholds import threshold

    def fill(m: re.Match[str]) -> str:
        return threshold(m.group(1), m.group(2)).describe()

    return _PLACEHOLDER.sub(fill, meaning)


# --------------------------------------------------------------------------- validation

def _is_empty(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)) or value == ""


def _bad_cell(f: Field, value: object) -> str | None:
    """Why ``value`` does not fit field ``f`` (None when it does)."""
    empty = _is_empty(value)
    if f.dtype == "str":
        if empty:
            return None
        if not isinstance(value, str):
            return f"{value!r} is not text"
        allowed = f.allowed()
        if allowed is not None and value not in allowed:
            shown = sorted(allowed)
            more = f" … ({len(shown)} codes of '{f.codes}')" if len(shown) > 8 else ""
            return f"{value!r} is not an allowed value (expected one of {shown[:8]}{more})"
        return None
    if f.dtype == "bool":
        return None if isinstance(value, bool) or type(value).__name__ == "bool_" else f"{value!r} is not True/False"
    if empty:
        return None if f.dtype in ("Int64", "float") else "empty, but the field is an integer that is never empty"
    if isinstance(value, bool) or type(value).__name__ == "bool_":
        return f"{value!r} is a boolean, not a number"
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return f"{value!r} is not a number"
    if f.dtype in ("int", "Int64") and not number.is_integer():
        return f"{value!r} is not an integer"
    return None


def _first_bad_cell(f: Field, values: list) -> tuple[int, str] | None:
    """(row, reason) of the first cell of ``values`` that does not fit ``f``; each distinct cell is
    checked once (codes, kinds, years and flags repeat a few values over 100k rows; text columns gain nothing)."""
    try:
        first: dict = {}
        for i, key in enumerate(zip(map(type, values), values)):  # by type too: 1, 1.0 and True differ here
            first.setdefault(key, i)
    except TypeError:  # an unhashable cell: every row on its own
        first = {(type(v), i): i for i, v in enumerate(values)}
    for i in first.values():
        why = _bad_cell(f, values[i])
        if why:
            return i, why
    return None


def validate(frame: pd.DataFrame, name: str | Path, where: str | None = None) -> list[str]:
    """Every way ``frame`` breaks the registered table ``name``, as ``where:line: reason`` lines.

    ``line`` is the CSV line the row would be written on (header = line 1). An empty list
    means the frame fits: same columns in the same order, cells of the right type, allowed
    values only, key unique.
    """
    spec = table(name)
    where = where or f"{_name(name)}.csv"
    got, want = list(frame.columns), spec.columns
    if got != want:
        extra = [c for c in got if c not in want]
        missing = [c for c in want if c not in got]
        detail = []
        if missing:
            detail.append(f"missing {missing}")
        if extra:
            detail.append(f"not registered {extra} (add them to {REGISTRY_PATH.name})")
        if not detail:
            detail.append(f"order differs: expected {want}")
        return [f"{where}:1: columns do not match the registry: " + "; ".join(detail)]
    problems: list[str] = []
    for f in spec.fields:
        bad = _first_bad_cell(f, frame[f.name].tolist())
        if bad:  # one problem per column is enough to fix it
            problems.append(f"{where}:{bad[0] + 2}: column {f.name}: {bad[1]}")
    if spec.key and len(frame):
        dup = frame.duplicated(list(spec.key), keep="first").to_numpy().nonzero()[0]
        if len(dup):
            values = frame[list(spec.key)].iloc[int(dup[0])].tolist()
            key = ", ".join(f"{k}={v!r}" if isinstance(v, str) else f"{k}={v}" for k, v in zip(spec.key, values))
            problems.append(f"{where}:{int(dup[0]) + 2}: key ({key}) repeats an earlier row "
                            f"({len(dup)} duplicate row(s))")
    return problems


# --------------------------------------------------------------------------- SCHEMA.md

def markdown() -> str:
    """The data dictionary of ``data/processed/`` as Markdown (written as ``SCHEMA.md``)."""
    lines = ["# data/processed: data dictionary", "",
             "Generated by the build from the table registry `src/policylens/data/tables.yaml`; "
             "do not edit by hand.",
             "Cleaned texts are in `clean/<doc_id>.txt`. CSVs are UTF-8, comma-separated, with a header; "
             "read them typed with `policylens.io.read_table(name)`.", "",
             "Types: " + "; ".join(f"`{k}` {v}" for k, v in DTYPES.items()) + ".", ""]
    for name, spec in registry().tables.items():
        description = spec.description[0].upper() + spec.description[1:]
        key = (f"Key: {', '.join(f'`{k}`' for k in spec.key)}." if spec.key
               else "Key: none (rows are identified by their order).")
        lines += [f"## {name}.csv", "", f"{description}. {key}", "",
                  "| column | type | meaning | values / unit |", "|---|---|---|---|"]
        for f in spec.fields:
            if f.values is not None:
                extra = ", ".join(f"`{v}`" for v in f.values)
            elif f.codes is not None:
                from policylens.labels import codes

                known = codes(f.codes)
                extra = (", ".join(f"`{c}`" for c in known) if len(known) <= 12
                         else f"one of the {len(known)} `{f.codes}` codes (`policylens.labels.codes('{f.codes}')`)")
            else:
                extra = f.unit or ""
            lines.append(f"| `{f.name}` | {f.dtype} | {_render(f.meaning).replace('|', '/')} | "
                         f"{extra.replace('|', '/')} |")
        lines.append("")
    return "\n".join(lines)


def check_registry() -> list[str]:
    """Problems of the registry itself that pydantic cannot see (unknown label kinds), as lines."""
    from policylens.labels import kinds

    out = []
    known = set(kinds())
    for name, spec in registry().tables.items():
        for f in spec.fields:
            if f.codes is not None and f.codes not in known:
                out.append(f"{REGISTRY_PATH}: table {name}, field {f.name}: unknown label kind {f.codes!r} "
                           f"(known: {sorted(known)})")
    return out


__all__ += ["is_registered", "check_registry"]
