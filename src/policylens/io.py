"""Atomic, deterministic writes of generated tables.

A file is written to a temporary sibling and moved into place, so a crash
never leaves a half-written table; CSVs are UTF-8 with ``\\n`` line ends and
no index, so the same frame gives the same bytes on every machine.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pandas as pd


def write_bytes_atomic(data: bytes, path: Path | str) -> Path:
    """Write ``data`` to ``path`` atomically."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def write_csv(frame: pd.DataFrame, path: Path | str, float_format: str = "%.6g") -> Path:
    """Write a tidy table as CSV atomically (no index, ``\\n`` line ends)."""
    text = frame.to_csv(index=False, lineterminator="\n", float_format=float_format)
    return write_bytes_atomic(text.encode("utf-8"), path)


def read_csv(path: Path | str) -> pd.DataFrame:
    """Read a table written by :func:`write_csv`.

    Empty cells are NaN in numeric columns and ``""`` in text columns; ``*_year``
    columns are nullable integers.
    """
    frame = pd.read_csv(path, encoding="utf-8", keep_default_na=False, na_values=[""])
    for column in frame.columns:
        if not pd.api.types.is_numeric_dtype(frame[column]) and not pd.api.types.is_bool_dtype(frame[column]):
            frame[column] = frame[column].fillna("")
        elif frame[column].isna().all():
            frame[column] = ""
        elif column.endswith("_year"):
            frame[column] = frame[column].astype("Int64")
    return frame
