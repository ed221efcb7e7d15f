"""Every notebook executes top to bottom, offline, and its figures are reproducible."""

from __future__ import annotations

import filecmp

import pytest

from analysis import notebooks, paths

NOTEBOOKS = sorted((paths.root() / "notebooks").glob("[0-9]*.ipynb"))

pytestmark = pytest.mark.notebooks


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Execute all notebooks twice into two fresh output folders."""
    outs = []
    for i in range(2):
        out = tmp_path_factory.mktemp(f"run{i}")
        for nb in NOTEBOOKS:
            notebooks.execute(nb, output_root=out)
        outs.append(out)
    return outs


def test_there_are_notebooks():
    assert NOTEBOOKS and NOTEBOOKS[0].name.startswith("00-")


def test_every_notebook_writes_its_figures(runs):
    figs = sorted(p.name for p in (runs[0] / "figures").iterdir())
    assert figs, "no figures written"
    for png in (p for p in figs if p.endswith(".png")):
        stem = png[:-4]
        assert f"{stem}.svg" in figs and f"{stem}.csv" in figs, f"{stem}: PNG without SVG/CSV"


def test_outputs_identical_on_second_run(runs):
    a, b = runs
    files_a = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    files_b = sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    assert files_a == files_b
    for rel in files_a:
        assert filecmp.cmp(a / rel, b / rel, shallow=False), f"{rel} differs between runs"


def test_a_failing_notebook_is_not_overwritten(tmp_path):
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("x = 1"), nbformat.v4.new_code_cell("raise ValueError('boom')")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = tmp_path / "99-broken.ipynb"
    nbformat.write(nb, path)
    before = path.read_bytes()
    with pytest.raises(notebooks.NotebookError, match="99-broken"):
        notebooks.run([path])
    assert path.read_bytes() == before


def test_notebook_kernels_are_offline(tmp_path):
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("import urllib.request\nurllib.request.urlopen('http://example.com')")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = tmp_path / "98-net.ipynb"
    nbformat.write(nb, path)
    with pytest.raises(notebooks.NotebookError, match="SocketBlocked|socket"):
        notebooks.execute(path, output_root=tmp_path)
