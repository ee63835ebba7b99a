"""The committed notebooks are thin, executed, clean and free of machine traces."""
from __future__ import annotations

import json
import re

import pytest

from policylens import config

NOTEBOOKS = sorted(config.NOTEBOOKS.glob("[0-9]*.ipynb"))


def test_notebooks_are_numbered_and_present():
    names = [p.name for p in NOTEBOOKS]
    assert names and names[0] == "01_corpus_overview.ipynb"
    assert [n[:2] for n in names] == [f"{i:02d}" for i in range(1, len(names) + 1)]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_executed_and_clean(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert all(c["execution_count"] for c in code), "not executed top to bottom: run `make notebooks`"
    counts = [c["execution_count"] for c in code]
    assert counts == list(range(1, len(code) + 1))
    outputs = [o for c in code for o in c["outputs"]]
    assert not [o for o in outputs if o["output_type"] == "error"]
    assert not [o for o in outputs if o.get("name") == "stderr"], "a cell wrote to stderr (a warning?)"
    text = json.dumps(nb, ensure_ascii=False)
    assert not re.search(r"/(work|root|home|tmp)/", text), "absolute machine path stored"
    assert "Glyph" not in text and "missing from font" not in text
    assert "execution" not in json.dumps([c["metadata"] for c in nb["cells"]])


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_thin(path):
    """Notebooks import from policylens and read data/processed; no function or class definitions."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    source = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    assert "from policylens" in source or "import policylens" in source
    assert not re.search(r"^\s*(def|class) ", source, re.M)
    prose = [c for c in nb["cells"] if c["cell_type"] == "markdown"]
    assert len(prose) >= 4
