"""An output folder replaced as a whole: build into a staging folder, swap it in when everything succeeded.

:func:`staged_output` yields a fresh staging folder beside the output folder
(``data/.processed.staging-<pid>-<random>``). When the ``with`` block ends
normally the staging folder takes the output folder's place in one step (Linux
``renameat2(RENAME_EXCHANGE)``; elsewhere two renames, with recovery of the
previous set if a crash falls between them); when it raises, the staging folder
is deleted and the output folder is untouched. So readers see the previous set
or the new one, never a mix. A lock file (``data/.processed.lock``) keeps two
builds from writing the same folder, and leftovers of killed builds are removed
by the next one. Folders are created with the process umask.
"""
from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path

#: Files that mark a folder as a build output (anything else is refused, so `--out ~/Desktop` cannot be wiped).
MARKERS = ("SCHEMA.md", "provenance.json")


class StagingError(RuntimeError):
    """The output folder cannot be replaced (another build holds it, or it is not a build output)."""


def _exchange(a: Path, b: Path) -> bool:
    """Atomically exchange two paths (Linux renameat2); False when the system cannot."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    if ctypes.get_errno() in (errno.EINVAL, errno.ENOSYS, errno.EPERM, errno.ENOTSUP):
        return False
    raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()), str(b))


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def leftovers(out: Path) -> list[Path]:
    """Staging and old folders of earlier builds of ``out`` that were killed or failed."""
    parent = out.parent
    return sorted([*parent.glob(f".{out.name}.staging-*"), *parent.glob(f".{out.name}.old-*")])


def _recover(out: Path) -> None:
    """Put back the previous set if a crash fell between the two renames; delete every leftover."""
    olds = sorted(out.parent.glob(f".{out.name}.old-*"))
    if not out.exists() and olds:
        os.rename(olds[0], out)
    for path in leftovers(out):
        shutil.rmtree(path, ignore_errors=True)


def _check_replaceable(out: Path) -> None:
    if not out.exists():
        return
    if not out.is_dir() or out.is_symlink():
        raise StagingError(f"{out}: not a folder; give --out a folder for the tables")
    entries = [p.name for p in out.iterdir()]
    if entries and not any(m in entries for m in MARKERS):
        raise StagingError(f"{out}: refusing to replace a folder that is not a build output "
                           f"(it has no {' or '.join(MARKERS)}); give --out an empty or new folder")


def swap_in(staging: Path, out: Path) -> None:
    """Make ``staging`` the new ``out``; the previous ``out`` is deleted."""
    if out.exists():
        if _exchange(staging, out):
            _fsync_dir(out.parent)
            shutil.rmtree(staging, ignore_errors=True)
            return
        old = out.parent / f".{out.name}.old-{os.getpid()}-{secrets.token_hex(4)}"
        os.rename(out, old)
        os.rename(staging, out)
        _fsync_dir(out.parent)
        shutil.rmtree(old, ignore_errors=True)
        return
    os.rename(staging, out)
    _fsync_dir(out.parent)


@contextlib.contextmanager
def staged_output(out: Path | str) -> Iterator[Path]:
    """Yield a staging folder that replaces ``out`` as a whole when the block succeeds."""
    import fcntl

    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    lock_path = out.parent / f".{out.name}.lock"
    with open(lock_path, "a+b") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise StagingError(f"{out}: another build is writing it (lock {lock_path.name}); "
                               "wait for it to finish") from None
        _recover(out)
        _check_replaceable(out)
        staging = out.parent / f".{out.name}.staging-{os.getpid()}-{secrets.token_hex(4)}"
        os.mkdir(staging)  # mode 0o777 & ~umask, like any folder the user makes
        try:
            yield staging
            for folder in [staging, *(p for p in staging.rglob("*") if p.is_dir())]:
                _fsync_dir(folder)
            swap_in(staging, out)
        finally:
            if staging.exists():
                shutil.rmtree(staging, ignore_errors=True)
