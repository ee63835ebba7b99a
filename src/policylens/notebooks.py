"""Execute the numbered notebooks in place, reproducibly: ``python -m policylens.notebooks``.

Each notebook ``notebooks/NN_name.ipynb`` has a jupytext twin ``NN_name.py``
(``py:percent``) that holds its cell sources: the twin is what people edit and
review. Before a notebook runs, :func:`sync` copies the twin's cells into the
``.ipynb`` (outputs of unchanged cells are kept), so editing the ``.py`` is enough.

Outputs are kept in the notebooks (readers see figures without running
anything; nbval compares them). Volatile metadata — execution timestamps,
kernel and Python versions — is not written, so re-running leaves the files
byte-identical. The kernel talks over IPC sockets (no loopback TCP port), and
matplotlib, IPython and Jupyter keep their caches and runtime files in the
project cache folder (``config.CACHE``), not in the home folder.

Notebooks run side by side (``--jobs``, default the machine's cores), each in its
own process and kernel. A notebook whose twin, policylens package, ``data/``
files and installed libraries are those of its last run here, and whose file and
figures (``reports/figures/NN_*``) are as that run left them, is not run again
(``--force`` runs it anyway). The evaluations notebooks show are read from the
project cache (:meth:`policylens.cache.Cache.memo`), so a notebook whose code
changed does not refit them either.
"""
from __future__ import annotations

import argparse
import contextlib
import functools
import hashlib
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from policylens import config
from policylens.io import write_bytes_atomic

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
TWIN_FORMAT = "py:percent"
#: Unix socket paths are limited to about 107 bytes; longer cache paths fall back to a private temp folder.
_MAX_SOCKET_PATH = 90


def twin_of(path: Path) -> Path:
    """The jupytext twin (``.py``) of a notebook, or the notebook (``.ipynb``) of a twin."""
    path = Path(path)
    return path.with_suffix(".ipynb" if path.suffix == ".py" else ".py")


_JUPYTEXT_CELL_KEYS = ("lines_to_next_cell", "lines_to_end_of_cell_marker", "cell_marker")


def _scrub(nb) -> None:
    nb.metadata.pop("widgets", None)
    nb.metadata.pop("jupytext", None)
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nb.metadata["language_info"] = {"name": "python", "pygments_lexer": "ipython3"}
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        cell.metadata.pop("ExecuteTime", None)
        for key in _JUPYTEXT_CELL_KEYS:   # layout hints of the text twin, not notebook content
            cell.metadata.pop(key, None)


def _stable_ids(nb, kept: set[str], stem: str) -> None:
    """Give cells that are new (ids not in ``kept``) ids derived from their position and source."""
    seen: set[str] = set()
    for index, cell in enumerate(nb.cells):
        cell_id = cell.get("id")
        if cell_id not in kept or cell_id in seen:
            digest = hashlib.sha256(f"{stem}\0{index}\0{cell.source}".encode()).hexdigest()
            cell_id = next(digest[i:i + 8] for i in range(0, len(digest) - 8) if digest[i:i + 8] not in seen)
            cell["id"] = cell_id
        seen.add(cell_id)


def synced(path: Path):
    """The notebook ``path`` with its cells taken from its twin (outputs of unchanged cells kept)."""
    import jupytext
    import nbformat
    from jupytext.combine import combine_inputs_with_outputs

    path = Path(path)
    twin = twin_of(path)
    if not twin.exists():
        raise FileNotFoundError(f"{twin}: the notebook's jupytext twin is missing "
                                f"(create it with `jupytext --to {TWIN_FORMAT} {path.name}`)")
    source = jupytext.read(twin, fmt=TWIN_FORMAT)
    if path.exists():
        old = nbformat.read(path, as_version=4)
        nb = combine_inputs_with_outputs(source, old, fmt=TWIN_FORMAT)
        kept = {cell.get("id") for cell in old.cells}
    else:
        nb = nbformat.v4.new_notebook(cells=source.cells)
        kept = set()
    _stable_ids(nb, kept, path.stem)
    _scrub(nb)
    return nb


def _serialize(nb) -> bytes:
    import nbformat

    return (nbformat.writes(nb) + "\n").encode("utf-8")


def _write(data: bytes, path: Path) -> None:
    write_bytes_atomic(data, path)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(path, 0o666 & ~umask)   # a new file's usual mode, not the temp file's 0600


def sync(path: Path) -> bool:
    """Write the twin's cell sources into ``path`` (an ``.ipynb``); return whether it changed."""
    path = Path(path)
    data = _serialize(synced(path))
    if path.exists() and path.read_bytes() == data:
        return False
    _write(data, path)
    return True


def cell_sources(nb) -> list[tuple[str, str]]:
    """``(cell_type, source)`` of every cell: what a twin and its notebook must agree on."""
    return [(cell.cell_type, cell.source) for cell in nb.cells]


def cache_env(cache: Path | None = None) -> dict[str, str]:
    """Environment variables that keep matplotlib, IPython and Jupyter state in the project cache."""
    cache = Path(cache or config.CACHE)
    return {
        "PYTHONHASHSEED": "0",
        "MPLBACKEND": "module://matplotlib_inline.backend_inline",
        "MPLCONFIGDIR": str(cache / "matplotlib"),
        "IPYTHONDIR": str(cache / "ipython"),
        "JUPYTER_CONFIG_DIR": str(cache / "jupyter" / "config"),
        "JUPYTER_DATA_DIR": str(cache / "jupyter" / "data"),
        "JUPYTER_RUNTIME_DIR": str(cache / "jupyter" / "runtime"),
    }


_CACHE_DIRS = ("MPLCONFIGDIR", "IPYTHONDIR", "JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR")


def kernel_env(cache: Path | None = None) -> dict[str, str]:
    """:func:`cache_env` plus an absolute ``PYTHONPATH`` led by this policylens.

    A kernel runs in the notebook's folder, where a relative ``PYTHONPATH=src``
    would miss; it must import the same policylens as the process that starts it
    (and so write figures into the same checkout).
    """
    paths = [str(config.PACKAGE_DIR.parent), *[str(Path(p).resolve()) for p in
                                               os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]]
    return {**cache_env(cache), "PYTHONPATH": os.pathsep.join(dict.fromkeys(paths))}


def make_cache_dirs(env: dict[str, str]) -> None:
    """Create the cache folders that ``env`` names."""
    for key in _CACHE_DIRS:
        if key in env:
            Path(env[key]).mkdir(parents=True, exist_ok=True)


@contextlib.contextmanager
def _environment(env: dict[str, str]) -> Iterator[None]:
    """Set ``env`` for this process and the kernels it starts; restore the old values after."""
    old = {key: os.environ.get(key) for key in env}
    make_cache_dirs(env)
    os.environ.update(env)
    try:
        yield
    finally:
        for key, value in old.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@contextlib.contextmanager
def _kernel_manager(cache: Path) -> Iterator:
    """A kernel manager whose kernel listens on IPC (Unix domain) sockets in a private folder under ``cache``."""
    from jupyter_client.manager import AsyncKernelManager

    if os.name != "posix":    # no Unix sockets: the default (loopback TCP) transport
        yield AsyncKernelManager(kernel_name=KERNELSPEC["name"])
        return
    (cache / "kernels").mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="k", dir=cache / "kernels"))
    if len(str(folder / "kernel-00000")) > _MAX_SOCKET_PATH:
        folder.rmdir()
        folder = Path(tempfile.mkdtemp(prefix="policylens-"))
    try:
        yield AsyncKernelManager(kernel_name=KERNELSPEC["name"], transport="ipc", ip=str(folder / "kernel"))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def execute(path: Path, timeout: int = 900, cache: Path | None = None) -> Path:
    """Sync ``path`` from its twin, run it top to bottom in its folder and write it back atomically."""
    from nbclient import NotebookClient

    path = Path(path)
    if path.suffix == ".py":
        path = twin_of(path)
    cache = Path(cache or config.CACHE)
    nb = synced(path)
    with _environment(kernel_env(cache)), _kernel_manager(cache) as km:
        # the local kernel's start-up notices are not for readers: log errors only
        client = NotebookClient(nb, km=km, timeout=timeout,
                                kernel_name=KERNELSPEC["name"], record_timing=False,
                                extra_arguments=["--IPKernelApp.log_level=ERROR"],
                                resources={"metadata": {"path": str(path.parent)}})
        client.execute()
    _scrub(nb)
    _write(_serialize(nb), path)
    return path


def notebook_paths(folder: Path | None = None) -> list[Path]:
    """The numbered notebooks of ``folder`` (default ``config.NOTEBOOKS``), counting twins without an ``.ipynb`` yet."""
    folder = Path(folder or config.NOTEBOOKS)
    return sorted({p.with_suffix(".ipynb") for p in [*folder.glob("[0-9]*.ipynb"), *folder.glob("[0-9]*.py")]})


# --------------------------------------------------------------------------
# "nothing changed": a notebook whose inputs and outputs are as its last run left them is not run again


@functools.lru_cache(maxsize=1)
def _library_versions() -> list[tuple[str, str]]:
    from importlib.metadata import distributions

    return sorted({(str(d.metadata["Name"]).lower(), d.version) for d in distributions() if d.metadata["Name"]})


def _package_state() -> list[tuple[str, str]]:
    from policylens.cache import file_hash

    return [(p.relative_to(config.PACKAGE_DIR).as_posix(), file_hash(p)) for p in sorted(config.PACKAGE_DIR.rglob("*"))
            if p.is_file() and "__pycache__" not in p.parts]


def run_inputs(path: Path, figures_dir: Path | None = None) -> str:
    """Hash of what a notebook's run depends on: its cells (its twin's bytes), the policylens package, every
    file under ``data/`` (raw corpus, processed tables, gold and evaluation sets), Python and every installed
    library's version."""
    from policylens.cache import digest, file_hash, folder_state

    twin = twin_of(path)
    return digest("notebook-run", 1, twin.name, file_hash(twin), KERNELSPEC, sys.version, _package_state(),
                  folder_state(config.DATA), _library_versions(), str(Path(figures_dir or config.FIGURES).resolve()))


def run_outputs(path: Path, figures_dir: Path | None = None) -> dict[str, str]:
    """Content hashes of a notebook file and of the figures named after its number (``NN_*.png``)."""
    from policylens.cache import file_hash

    path = Path(path)
    figures_dir = Path(figures_dir or config.FIGURES)
    prefix = path.stem.split("_")[0] + "_"
    found = {path.name: file_hash(path) if path.is_file() else "missing"}
    found.update({p.name: file_hash(p) for p in sorted(figures_dir.glob(f"{prefix}*")) if p.is_file()})
    return found


def _record_path(path: Path, cache: Path) -> Path:
    from policylens.cache import digest

    return cache / "notebooks" / f"{digest(str(Path(path).resolve()))[:16]}.json"


def up_to_date(path: Path, cache: Path | None = None) -> bool:
    """True when ``path`` was last executed with the same inputs and its file and figures are as that run left them."""
    import json

    cache = Path(cache or config.CACHE)
    try:
        record = json.loads(_record_path(path, cache).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return record == {"inputs": run_inputs(path), "outputs": run_outputs(path)}


def execute_and_record(path: Path, timeout: int = 900, cache: Path | None = None) -> Path:
    """:func:`execute`, then remember its inputs and outputs for :func:`up_to_date`."""
    import json

    cache = Path(cache or config.CACHE)
    path = execute(path, timeout=timeout, cache=cache)
    record = {"inputs": run_inputs(path), "outputs": run_outputs(path)}
    write_bytes_atomic(json.dumps(record, sort_keys=True).encode("utf-8"), _record_path(path, cache))
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m policylens.notebooks", description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path,
                        help="notebooks or their .py twins (default: notebooks/[0-9]*.ipynb)")
    parser.add_argument("--sync-only", action="store_true",
                        help="copy each twin's cells into its .ipynb without executing")
    parser.add_argument("--force", action="store_true",
                        help="execute every notebook, also those whose inputs and outputs are unchanged since their "
                             "last run here")
    parser.add_argument("--jobs", "-j", type=int, default=0, metavar="N",
                        help="notebooks executed at once, each in its own kernel (default: the machine's cores, "
                             "at most 4)")
    args = parser.parse_args(argv)
    paths = [twin_of(p) if p.suffix == ".py" else p for p in args.paths]
    paths = paths or notebook_paths()
    if args.sync_only:
        for path in paths:
            print(f"{path.name}: {'synced from' if sync(path) else 'already matches'} {twin_of(path).name}")
        return 0
    from tqdm.auto import tqdm

    if not args.force:
        current = [p for p in paths if up_to_date(p)]
        for path in current:
            print(f"{path.name}: up to date (same cells, package, data/ and libraries as its last run; "
                  "--force runs it again)")
        paths = [p for p in paths if p not in current]
    if not paths:
        return 0
    jobs = max(1, min(args.jobs or default_jobs(), len(paths)))
    if jobs == 1:
        for path in tqdm(paths, desc="notebooks 笔记本", unit="nb"):
            try:
                execute_and_record(path)
            except Exception as exc:  # report which notebook failed, then stop
                return _failed(path, exc)
        return 0
    import concurrent.futures as cf
    import multiprocessing

    # one process per running notebook (each drives its own kernel); a failure cancels the ones not started
    with cf.ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
        running = {pool.submit(execute_and_record, path, cache=config.CACHE): path for path in paths}
        for future in tqdm(cf.as_completed(running), total=len(running), desc="notebooks 笔记本", unit="nb"):
            try:
                future.result()
            except Exception as exc:
                for other in running:
                    other.cancel()
                return _failed(running[future], exc)
    return 0


def default_jobs() -> int:
    """Notebooks run at once by default: the machine's cores (at most 4: each kernel holds its data)."""
    return max(1, min(4, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1))


def _failed(path: Path, exc: BaseException) -> int:
    print(f"error: {path}: {type(exc).__name__}: {str(exc)[:2000]}", file=sys.stderr)
    return 1


if __name__ == "__main__":  # `python -m policylens.notebooks` = `policylens notebooks`
    from policylens.cli import main as cli_main

    raise SystemExit(cli_main(["notebooks", *sys.argv[1:]]))
