"""A content-hash cache for the build: an unchanged input is never recomputed.

A stage's result is stored under a key that hashes everything it depends on:

* the stage's **inputs**: the raw file's bytes and its manifest row (for the
  per-document stages), or the keys of the stage results it reads;
* the stage's **code**: the source of the policylens modules it imports,
  transitively (found by reading their ``import`` statements), plus the glue
  (``document.py``, ``build.py``, ``cache.py``);
* the stage's **data**: every file of ``policylens/data/`` whose name its code
  mentions (``cleaning_rules.yaml`` for the corpus stage, ``taxonomy.yaml`` for
  the tasks…); a data file no module mentions counts for every stage;
* the versions of Python and of the libraries whose results the stages keep.

So editing ``taxonomy.yaml`` recomputes the tasks (and what reads them: targets,
topics) but not the cleaning or the outline units; editing ``structure.py``
recomputes units and everything after. Entries live in ``config.BUILD_CACHE``
(``.cache/build/`` under the repository, gitignored), one pickle per stage and key,
written atomically; an unreadable or foreign entry is a miss, never an error.
Delete the folder (or build with ``--no-cache``) to start afresh.

The evaluations the notebooks show are kept the same way (stages ``eval_*``,
:meth:`Cache.memo`): their key adds the content of the folders they read (the
raw corpus, the gold data), so a notebook reads a stored evaluation until its
code, rules, gold data, corpus or libraries change.
"""
from __future__ import annotations

import functools
import hashlib
import json
import os
import pickle
import re
import sys
import tempfile
from collections import Counter
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

from policylens import config

#: Bump when the layout of cached payloads changes.
FORMAT = 1
#: Modules whose code every stage's results go through.
GLUE = ("policylens.document", "policylens.plan_stages", "policylens.build", "policylens.cache")
#: The modules each stage calls (their imports are followed).
STAGE_MODULES: dict[str, tuple[str, ...]] = {
    "clean": ("policylens.corpus",),
    "units": ("policylens.structure",),
    "tasks": ("policylens.taxonomy",),
    "targets": ("policylens.targets",),
    "quantities": ("policylens.targets",),
    "tokens": ("policylens.tokens",),
    "topics": ("policylens.topics",),
    "keyness": ("policylens.topics",),
    "schema": ("policylens.schema",),
    # the evaluations the notebooks show (inputs: the raw corpus, the gold data; see Cache.memo)
    "eval_structure": ("policylens.evaluate.structure",),
    "eval_taxonomy": ("policylens.evaluate.taxonomy",),
    "eval_targets": ("policylens.evaluate.targets",),
}
#: Libraries whose versions are part of every key.
LIBRARIES = ("numpy", "pandas", "scikit-learn", "scipy", "jieba", "opencc-python-reimplemented", "opencc", "cn2an",
             "pyyaml", "pydantic", "charset-normalizer")

MISSING = object()


def digest(*parts: Any) -> str:
    """sha256 of the parts (bytes as they are, anything else as canonical JSON)."""
    h = hashlib.sha256()
    for part in parts:
        data = part if isinstance(part, bytes) else json.dumps(part, sort_keys=True, default=str,
                                                               ensure_ascii=False).encode("utf-8")
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


def _module_files(name: str) -> list[Path]:
    """Source files of a policylens module (every file of a package)."""
    rel = name.split(".")[1:]
    base = config.PACKAGE_DIR.joinpath(*rel)
    if base.is_dir():
        return sorted(base.rglob("*.py"))
    path = base.with_suffix(".py")
    return [path] if path.exists() else []


_IMPORT = re.compile(r"^[ \t]*(?:from[ \t]+(\.*[\w.]*)[ \t]+import[ \t]+(\([^)]*\)|[^\n#]*)|import[ \t]+([^\n#]+))",
                     re.MULTILINE)


def _imports(path: Path) -> set[str]:
    """policylens modules imported anywhere in ``path`` (module level or inside functions)."""
    package = ".".join(path.relative_to(config.PACKAGE_DIR.parent).parent.parts)
    try:
        source = path.read_text(encoding="utf-8")
    except (OSError, ValueError):
        return set()
    found: set[str] = set()
    for m in _IMPORT.finditer(source):
        if m.group(3):  # import policylens.x, policylens.y as z
            found.update(n.split()[0] for n in m.group(3).split(",") if n.strip().startswith("policylens."))
            continue
        base, names = m.group(1), [n.split()[0] for n in m.group(2).strip("() \t\n").split(",") if n.split()]
        if base.startswith("."):  # relative import: `from .rules import x` inside policylens/targets/
            level = len(base) - len(base.lstrip("."))
            parts = package.split(".")
            parts = parts[: len(parts) - level + 1]
            base = ".".join(parts + ([base.lstrip(".")] if base.lstrip(".") else []))
        if not base.startswith("policylens"):
            continue
        found.add(base)
        found.update(f"{base}.{name}" for name in names)  # `from policylens import corpus`
    return {m for m in found if m != "policylens" and _module_files(m)}


@functools.cache
def module_closure(roots: tuple[str, ...]) -> tuple[Path, ...]:
    """Every source file the root modules import, transitively."""
    seen: set[str] = set()
    todo = list(roots)
    files: set[Path] = set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        for path in _module_files(name):
            files.add(path)
            todo.extend(_imports(path) - seen)
    return tuple(sorted(files))


def _data_files() -> list[Path]:
    return sorted(p for p in config.PACKAGE_DATA.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


@functools.cache
def _file_hash(path: Path, mtime_ns: int, size: int) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def file_hash(path: Path) -> str:
    """sha256 of a file's bytes (memoized per modification time)."""
    st = path.stat()
    return _file_hash(path, st.st_mtime_ns, st.st_size)


def _library_versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": sys.version.split()[0]}
    for name in LIBRARIES:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            continue
    return out


@lru_cache(maxsize=1)
def library_versions() -> tuple[tuple[str, str], ...]:
    """``(name, version)`` of Python and the libraries in :data:`LIBRARIES` that are installed."""
    return tuple(sorted(_library_versions().items()))


def _sources() -> dict[Path, str]:
    return {p: p.read_text(encoding="utf-8", errors="replace") for p in sorted(config.PACKAGE_DIR.rglob("*.py"))
            if "data" not in p.relative_to(config.PACKAGE_DIR).parts}


def stage_files(stage: str, sources: dict[Path, str] | None = None) -> dict[str, list[Path]]:
    """The code and data files a stage's results depend on."""
    every = sources if sources is not None else _sources()
    code = set(module_closure(STAGE_MODULES[stage]))
    mine = [every.get(p, "") for p in code]
    for glue in GLUE:  # hashed, but their mentions of data files do not count
        code.update(_module_files(glue))
    data = [f for f in _data_files()
            if any(f.name in s for s in mine) or not any(f.name in s for s in every.values())]
    return {"code": sorted(code), "data": data}


def _package_signature() -> str:
    """Hash of the path, size and modification time of every file of the package (cheap: no reads)."""
    stats = []
    for path in sorted(config.PACKAGE_DIR.rglob("*")):
        if "__pycache__" in path.parts or not path.is_file():
            continue
        st = path.stat()
        stats.append((path.relative_to(config.PACKAGE_DIR).as_posix(), st.st_size, st.st_mtime_ns))
    return digest(FORMAT, stats, library_versions())


def stage_fingerprint(stage: str, sources: dict[Path, str] | None = None) -> str:
    """Hash of a stage's code, data files and library versions (the part of its key that is not input)."""
    files = stage_files(stage, sources)
    rel = [(str(p.relative_to(config.PACKAGE_DIR)), file_hash(p)) for p in files["code"] + files["data"]]
    return digest(FORMAT, stage, rel, library_versions())


class Cache:
    """Stage results on disk, keyed by content hash; counts hits and misses per stage."""

    def __init__(self, root: Path | str | None = None, enabled: bool = True):
        self.root = Path(root) if root is not None else config.BUILD_CACHE
        self.enabled = enabled
        self.hits: Counter[str] = Counter()
        self.misses: Counter[str] = Counter()
        self._fingerprints: dict[str, str] = {}

    def fingerprint(self, stage: str) -> str:
        """:func:`stage_fingerprint`, computed once per build.

        Reading the imports of every module takes a while, so the fingerprints are
        also kept on disk under a signature of the package files' sizes and
        modification times: any touched file means computing them afresh.
        """
        if stage not in self._fingerprints:
            memo = self.root / "fingerprints" / f"{_package_signature()}.json"
            if not self._fingerprints and self.enabled:
                try:
                    self._fingerprints = json.loads(memo.read_text(encoding="utf-8"))
                except (OSError, ValueError):
                    self._fingerprints = {}
            if stage not in self._fingerprints:
                sources = _sources()
                self._fingerprints.update({s: stage_fingerprint(s, sources) for s in STAGE_MODULES})
                if self.enabled:
                    self._store(memo, json.dumps(self._fingerprints, sort_keys=True).encode("utf-8"))
        return self._fingerprints[stage]

    def _store(self, path: Path, data: bytes) -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(data)
                os.replace(tmp, path)
            finally:
                Path(tmp).unlink(missing_ok=True)
        except OSError:
            return

    def key(self, stage: str, *inputs: Any) -> str:
        """The key of a stage's result for these inputs."""
        return digest(self.fingerprint(stage), *inputs)

    def _path(self, stage: str, key: str) -> Path:
        return self.root / stage / key[:2] / f"{key}.pkl"

    def has(self, stage: str, key: str) -> bool:
        """True when an entry exists (it may still turn out unreadable: :meth:`get` decides)."""
        return self.enabled and self._path(stage, key).is_file()

    def get(self, stage: str, key: str) -> Any:
        """The stored result, or :data:`MISSING`; counts a hit or a miss."""
        if self.enabled:
            try:
                with open(self._path(stage, key), "rb") as fh:
                    fmt, got_stage, got_key, payload = pickle.load(fh)
                if (fmt, got_stage, got_key) == (FORMAT, stage, key):
                    self.hits[stage] += 1
                    return payload
            except Exception:  # missing, truncated, foreign or from another version: recompute
                pass
        self.misses[stage] += 1
        return MISSING

    def put(self, stage: str, key: str, payload: Any) -> None:
        """Store a result atomically (a failure to store is not an error: the cache is an optimization)."""
        if self.enabled:
            data = pickle.dumps((FORMAT, stage, key, payload), protocol=pickle.HIGHEST_PROTOCOL)
            self._store(self._path(stage, key), data)

    def memo(self, stage: str, compute: Callable[[], Any], *inputs: Any) -> Any:
        """The stored result of ``stage`` for ``inputs``, or ``compute()`` stored under that key.

        ``inputs`` must name everything the result depends on outside the stage's code and
        package data (which :meth:`fingerprint` covers): e.g. :func:`folder_state` of the folders
        it reads, and its parameters.
        """
        key = self.key(stage, *inputs)
        payload = self.get(stage, key)
        if payload is MISSING:
            payload = compute()
            self.put(stage, key, payload)
        return payload


# --------------------------------------------------------------------------
# "nothing changed": the whole build skipped without loading a library


def _tree_state(folder: Path, hash_files: bool) -> list[tuple[str, str]]:
    """Every entry under ``folder``: content hash (or size and time) of regular files, the kind of anything else."""
    import stat

    out: list[tuple[str, str]] = []
    if not folder.is_dir():
        return [("", "missing")]
    for path in sorted(folder.rglob("*")):
        try:
            st = path.lstat()
        except OSError:
            out.append((path.relative_to(folder).as_posix(), "unreadable"))
            continue
        rel = path.relative_to(folder).as_posix()
        if stat.S_ISREG(st.st_mode):
            if hash_files:
                try:
                    out.append((rel, hashlib.sha256(path.read_bytes()).hexdigest()))
                except OSError:
                    out.append((rel, "unreadable"))
            else:
                out.append((rel, f"{st.st_size}:{st.st_mtime_ns}"))
        elif not stat.S_ISDIR(st.st_mode):
            out.append((rel, f"mode {stat.S_IFMT(st.st_mode)}"))  # never opened: FIFOs, sockets, links
    return out


def folder_state(folder: Path) -> list[tuple[str, str]]:
    """Relative path and content hash of every file under ``folder`` (``[("", "missing")]`` without it)."""
    return _tree_state(Path(folder), True)


def build_stamp(raw_dir: Path, out: Path, strict: bool = False) -> str:
    """Hash of everything a build reads (raw folder contents, package files, libraries) and of its outputs."""
    raw_dir, out = Path(raw_dir).resolve(), Path(out).resolve()
    return digest(FORMAT, str(raw_dir), str(out), strict, _package_signature(), _tree_state(raw_dir, True),
                  _tree_state(out, False))


class LastBuild:
    """The record of the last complete build of an output folder (kept in the cache folder)."""

    def __init__(self, out: Path, root: Path | str | None = None):
        root = Path(root) if root is not None else config.BUILD_CACHE
        self.path = root / "last" / f"{digest(str(Path(out).resolve()))}.json"

    def load(self) -> dict | None:
        """The stored record, or None."""
        try:
            return json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def save(self, record: dict) -> None:
        """Store the record (atomically; a failure is not an error)."""
        Cache(self.path.parent.parent)._store(self.path, json.dumps(record, ensure_ascii=False).encode("utf-8"))
