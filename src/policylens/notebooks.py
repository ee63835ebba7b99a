"""Execute the numbered notebooks in place, reproducibly: ``python -m policylens.notebooks``.

Outputs are kept in the notebooks (readers see figures without running
anything; nbval compares them). Volatile metadata — execution timestamps,
kernel and Python versions — is not written, so re-running leaves the files
byte-identical.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from policylens import config
from policylens.io import write_bytes_atomic


def _scrub(nb) -> None:
    nb.metadata.pop("widgets", None)
    nb.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
    nb.metadata["language_info"] = {"name": "python", "pygments_lexer": "ipython3"}
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        cell.metadata.pop("ExecuteTime", None)


def execute(path: Path, timeout: int = 900) -> Path:
    """Run one notebook top to bottom in its folder and write it back atomically."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    env = {"PYTHONHASHSEED": "0", "MPLBACKEND": "module://matplotlib_inline.backend_inline"}
    os.environ.update(env)
    # the local kernel's start-up notice about TCP transport is not for readers: log errors only
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", record_timing=False,
                            extra_arguments=["--IPKernelApp.log_level=ERROR"],
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    _scrub(nb)
    text = nbformat.writes(nb) + "\n"
    write_bytes_atomic(text.encode("utf-8"), path)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m policylens.notebooks", description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path, help="notebooks (default: notebooks/[0-9]*.ipynb)")
    args = parser.parse_args(argv)
    paths = args.paths or sorted(config.NOTEBOOKS.glob("[0-9]*.ipynb"))
    from tqdm.auto import tqdm

    for path in tqdm(paths, desc="notebooks 笔记本", unit="nb"):
        try:
            execute(path)
        except Exception as exc:  # report which notebook failed, then stop
            print(f"error: {path}: {type(exc).__name__}: {str(exc)[:2000]}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
