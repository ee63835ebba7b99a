"""Project paths, defined once.

Every path the library, the notebooks and the tests use comes from here. The
repository root is found from the package location (editable install, src
layout); ``POLICYLENS_ROOT`` overrides it, e.g. to build into a scratch folder.
"""
from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PACKAGE_DATA = PACKAGE_DIR / "data"


def _find_root() -> Path:
    env = os.environ.get("POLICYLENS_ROOT")
    if env:
        return Path(env).resolve()
    candidate = PACKAGE_DIR.parents[1]
    if (candidate / "pyproject.toml").exists():
        return candidate
    return Path.cwd()


ROOT = _find_root()
DATA = ROOT / "data"
DATA_RAW = DATA / "raw"
DATA_PROCESSED = DATA / "processed"
DATA_EXTERNAL = DATA / "external"
GOLD = DATA_EXTERNAL / "gold"
#: Developer-written evaluation sets in the style of plans outside the corpus (read by ``policylens evaluate``).
EVAL = DATA / "eval"
MANIFEST = DATA_RAW / "manifest.csv"
NOTEBOOKS = ROOT / "notebooks"
FIGURES = ROOT / "reports" / "figures"
#: Caches and runtime files of tools (matplotlib, IPython, Jupyter kernels): never read as input, gitignored.
CACHE = ROOT / ".cache"
#: Content-hash cache of the build's stage results (policylens.cache); delete it to start afresh.
BUILD_CACHE = CACHE / "build"
#: ``../shared`` beside the repository, where the corpus and gold data are published.
SHARED = ROOT.parent / "shared"

SEED = 0
