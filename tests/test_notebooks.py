"""The committed notebooks are thin, executed, clean, free of machine traces, and agree with their text twins."""
from __future__ import annotations

import ast
import json
import os
import re
import stat

import jupytext
import nbformat
import pytest

from policylens import config
from policylens import notebooks as nbrun

NOTEBOOKS = sorted(config.NOTEBOOKS.glob("[0-9]*.ipynb"))
TWINS = sorted(config.NOTEBOOKS.glob("[0-9]*.py"))


def test_notebooks_are_numbered_and_present():
    names = [p.name for p in NOTEBOOKS]
    assert names and names[0] == "01_corpus_overview.ipynb"
    assert [n[:2] for n in names] == [f"{i:02d}" for i in range(1, len(names) + 1)]


def test_every_notebook_has_a_text_twin():
    assert [p.stem for p in TWINS] == [p.stem for p in NOTEBOOKS]
    assert not list((config.ROOT / "tools").glob("make_notebook_*.py")), "the twins replace the generator scripts"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_twin_and_notebook_agree(path):
    """Same cells, same sources: edit the .py twin, then `python -m policylens.notebooks --sync-only` (or run it)."""
    twin = jupytext.read(nbrun.twin_of(path), fmt=nbrun.TWIN_FORMAT)
    notebook = nbformat.read(path, as_version=4)
    assert nbrun.cell_sources(twin) == nbrun.cell_sources(notebook), f"{path.name} differs from its twin"
    assert nbrun.synced(path) == notebook, "syncing would change the notebook"


def test_sync_keeps_outputs_of_unchanged_cells(tmp_path):
    source = NOTEBOOKS[0]
    notebook, twin = tmp_path / source.name, tmp_path / nbrun.twin_of(source).name
    notebook.write_bytes(source.read_bytes())
    text = nbrun.twin_of(source).read_text(encoding="utf-8")
    twin.write_text(text, encoding="utf-8")
    assert nbrun.sync(notebook) is False and notebook.read_bytes() == source.read_bytes()

    twin.write_text(text + '\n# %% [markdown]\n# A new closing note 新的结语\n', encoding="utf-8")
    assert nbrun.sync(notebook) is True
    old, new = nbformat.read(source, as_version=4), nbformat.read(notebook, as_version=4)
    assert new.cells[:-1] == old.cells and new.cells[-1].source == "A new closing note 新的结语"
    first = notebook.read_bytes()
    notebook.write_bytes(source.read_bytes())
    nbrun.sync(notebook)
    assert notebook.read_bytes() == first, "new cells get deterministic ids"


def test_a_twin_alone_makes_a_notebook(tmp_path):
    twin = tmp_path / "01_new.py"
    twin.write_text('# %% [markdown]\n# # A new notebook 新笔记本\n\n# %%\nx = 1\n', encoding="utf-8")
    assert nbrun.notebook_paths(tmp_path) == [tmp_path / "01_new.ipynb"]
    assert nbrun.sync(tmp_path / "01_new.ipynb")
    nb = nbformat.read(tmp_path / "01_new.ipynb", as_version=4)
    nbformat.validate(nb)
    assert [c.cell_type for c in nb.cells] == ["markdown", "code"] and nb.metadata["kernelspec"]["name"] == "python3"


def test_caches_stay_in_the_project(tmp_path):
    env = nbrun.cache_env(tmp_path)
    for key in ("MPLCONFIGDIR", "IPYTHONDIR", "JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR"):
        assert env[key].startswith(str(tmp_path)), key
    assert str(config.CACHE.relative_to(config.ROOT)) == ".cache"
    assert ".cache/" in (config.ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()


FOUNDING_IDS = ("baotou", "zhuzhou", "cangzhou", "qingdao", "x-guangxi")


@pytest.mark.parametrize("twin", TWINS, ids=lambda p: p.name)
def test_notebooks_take_any_corpus(twin):
    """No founding-plan id anywhere in a twin (nor a founding city in code), no counts in checks (issue 12).

    Checks in cells test invariants that hold for any corpus; founding-corpus findings live in tests/test_findings.py.
    """
    text = twin.read_text(encoding="utf-8")
    assert not [i for i in FOUNDING_IDS if i in text], "a founding-plan id: compute it from the data instead"
    for cell in jupytext.read(twin, fmt=nbrun.TWIN_FORMAT).cells:
        if cell.cell_type != "code":
            continue
        assert not [i for i in FOUNDING_IDS if i in cell.source.lower()], cell.source
        for node in ast.walk(ast.parse(cell.source)):
            if isinstance(node, ast.Assert):
                counts = [c.value for c in ast.walk(node) if isinstance(c, ast.Constant)
                          and type(c.value) is int and c.value >= 2]
                assert not counts, f"a hard-coded count {counts} in a check: {ast.unparse(node)}"


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


def test_execution_uses_ipc_and_the_project_cache(tmp_path):
    """A kernel over Unix sockets (no loopback TCP port), caches under the cache folder, mode from the umask."""
    if os.name != "posix":
        pytest.skip("IPC transport needs Unix domain sockets")
    cache = tmp_path / ".cache"
    twin = tmp_path / "01_probe.py"
    twin.write_text("# %% [markdown]\n# # Probe 探针\n\n# %%\nimport os\n\n"
                    "from ipykernel.kernelapp import IPKernelApp\n\n"
                    f"print(IPKernelApp.instance().transport, os.environ['MPLCONFIGDIR'] == {str(cache / 'matplotlib')!r})\n",
                    encoding="utf-8")
    umask = os.umask(0o022)
    try:
        path = nbrun.execute(tmp_path / "01_probe.ipynb", timeout=120, cache=cache)
    finally:
        os.umask(umask)
    nb = nbformat.read(path, as_version=4)
    assert nb.cells[1].outputs[0]["text"] == "ipc True\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    assert (cache / "matplotlib").is_dir() and (cache / "ipython").is_dir()
    assert not list((cache / "kernels").iterdir()), "socket files are removed after the run"


def test_notebooks_run_side_by_side_and_a_failure_names_its_notebook(tmp_path, capsys, monkeypatch):
    """``--jobs 2``: each notebook in its own process and kernel; a failing cell's notebook is named, exit 1."""
    if os.name != "posix":
        pytest.skip("IPC transport needs Unix domain sockets")
    monkeypatch.setattr(config, "CACHE", tmp_path / ".cache")
    (tmp_path / "01_ok.py").write_text("# %% [markdown]\n# # Fine 正常\n\n# %%\nprint(6 * 7)\n", encoding="utf-8")
    (tmp_path / "02_bad.py").write_text("# %% [markdown]\n# # Broken 出错\n\n# %%\nraise ValueError('坏')\n",
                                        encoding="utf-8")
    assert nbrun.main([str(tmp_path / "01_ok.py"), "--jobs", "2"]) == 0
    assert nbformat.read(tmp_path / "01_ok.ipynb", as_version=4).cells[1].outputs[0]["text"] == "42\n"
    assert nbrun.main([str(tmp_path / "01_ok.py"), str(tmp_path / "02_bad.py"), "-j", "2"]) == 1
    assert "02_bad.ipynb" in capsys.readouterr().err
    assert (tmp_path / ".cache" / "kernels").is_dir(), "the workers use the caller's cache folder"
    assert nbrun.default_jobs() >= 1


def test_a_notebook_runs_again_only_when_what_it_reads_or_wrote_changed(tmp_path, capsys, monkeypatch):
    """The record of a notebook's last run: its twin, the package, data/, libraries; its file and its NN_ figures."""
    data, figures = tmp_path / "data", tmp_path / "figures"
    (data / "processed").mkdir(parents=True)
    (data / "processed" / "tasks.csv").write_text("doc_id,domain\n甲,teachers\n", encoding="utf-8")
    figures.mkdir()
    monkeypatch.setattr(config, "DATA", data)
    monkeypatch.setattr(config, "FIGURES", figures)
    monkeypatch.setattr(config, "CACHE", tmp_path / ".cache")
    runs: list[str] = []

    def fake_execute(path, timeout=900, cache=None):  # the bookkeeping, without a kernel
        nbrun.sync(path)
        (figures / "07_plot.png").write_bytes(b"png")
        runs.append(path.name)
        return path

    monkeypatch.setattr(nbrun, "execute", fake_execute)
    twin = tmp_path / "07_probe.py"
    twin.write_text("# %% [markdown]\n# # Probe 探针\n\n# %%\nx = 1\n", encoding="utf-8")
    notebook = twin.with_suffix(".ipynb")
    assert not nbrun.up_to_date(notebook)
    assert nbrun.main([str(twin), "-j", "1"]) == 0 and runs == ["07_probe.ipynb"]
    assert nbrun.up_to_date(notebook)
    assert nbrun.main([str(twin), "-j", "1"]) == 0 and len(runs) == 1
    assert "07_probe.ipynb: up to date" in capsys.readouterr().out
    assert nbrun.main([str(twin), "-j", "1", "--force"]) == 0 and len(runs) == 2

    for change in (lambda: (figures / "07_plot.png").write_bytes(b"other"),          # a figure it wrote
                   lambda: (figures / "07_plot.png").unlink(),
                   lambda: notebook.write_bytes(notebook.read_bytes() + b"\n"),       # its file
                   lambda: twin.write_text(twin.read_text(encoding="utf-8") + "y = 2\n", encoding="utf-8"),
                   lambda: (data / "processed" / "tasks.csv").write_text("doc_id,domain\n乙,party\n", encoding="utf-8")):
        change()
        assert not nbrun.up_to_date(notebook)
        nbrun.execute_and_record(notebook)
        assert nbrun.up_to_date(notebook)
    (figures / "08_other.png").write_bytes(b"another notebook's figure")
    assert nbrun.up_to_date(notebook)
