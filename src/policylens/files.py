"""Atomic file writes: temporary sibling, ``fsync``, permissions from the umask, rename.

The one primitive every generated file goes through (:mod:`policylens.io` re-exports it). It
depends on nothing else in the package, so modules that only write files (the manifest,
the notebooks) do not depend on the table registry.
"""
from __future__ import annotations

import os
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

__all__ = ["atomic_writer", "file_mode", "write_bytes_atomic"]

_UMASK_LOCK = threading.Lock()


def file_mode() -> int:
    """Permissions of a new file under the current umask (``0o666 & ~umask``)."""
    with _UMASK_LOCK:  # os.umask can only be read by setting it
        mask = os.umask(0o022)
        os.umask(mask)
    return 0o666 & ~mask


def _fsync_dir(folder: Path) -> None:
    """Flush a directory entry to disk (a rename is durable only then); a no-op where unsupported."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@contextmanager
def atomic_writer(path: Path | str) -> Iterator[BinaryIO]:
    """A binary handle on a temporary sibling of ``path``, moved into place (fsync, umask permissions) when the
    block ends without an error, removed when it raises: a large table is streamed, never held as one string."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, file_mode())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


def write_bytes_atomic(data: bytes, path: Path | str) -> Path:
    """Write ``data`` to ``path`` atomically: temporary sibling, fsync, umask permissions, rename."""
    with atomic_writer(path) as fh:
        fh.write(data)
    return Path(path)
