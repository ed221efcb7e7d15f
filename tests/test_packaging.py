"""pyproject.toml: run-time dependencies apart from notebook-only and test-only ones, every one
pinned in requirements.txt, and the command line installed as the `framing` console command."""

from __future__ import annotations

import ast
import importlib.metadata as md
import re
import subprocess
import sys
import tomllib
from pathlib import Path

from analysis import paths

ROOT = paths.root()
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
NOTEBOOK_ONLY = {"jupyterlab", "ipywidgets", "ipykernel", "nbconvert", "nbclient", "nbformat"}
TEST_ONLY = {"pytest", "pytest-socket", "hypothesis"}


def norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", re.split(r"[\s\[<>=!~;]", name.strip(), maxsplit=1)[0]).lower()


def runtime() -> set[str]:
    return {norm(d) for d in PROJECT["dependencies"]}


def extra(name: str) -> set[str]:
    return {norm(d) for d in PROJECT["optional-dependencies"][name]}


def library_imports() -> set[str]:
    """Top-level third-party modules imported anywhere in analysis/ (at module level or lazily)."""
    mods = set()
    for path in (ROOT / "analysis").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                mods |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                mods.add(node.module.split(".")[0])
    return {m for m in mods if m not in sys.stdlib_module_names and m != "analysis"}


def test_every_library_import_is_a_runtime_dependency():
    dists = md.packages_distributions()
    missing = {}
    for mod in sorted(library_imports()):
        names = {norm(d) for d in dists.get(mod, [])}
        assert names, f"analysis imports {mod!r}, which no installed distribution provides"
        if not names & runtime():
            missing[mod] = sorted(names)
    assert not missing, f"imported by analysis/ but not in [project] dependencies: {missing}"


def test_notebook_and_test_packages_are_extras_not_runtime():
    assert not runtime() & (NOTEBOOK_ONLY | TEST_ONLY), runtime() & (NOTEBOOK_ONLY | TEST_ONLY)
    assert extra("notebooks") == NOTEBOOK_ONLY
    assert TEST_ONLY <= extra("test") and "framing-analysis" in extra("test")   # tests run the notebooks
    assert not library_imports() & {"pytest", "pytest_socket", "hypothesis", "jupyterlab", "nbconvert",
                                    "nbclient", "nbformat", "ipywidgets"}


def test_every_dependency_is_pinned_in_requirements():
    pinned = {}
    for line in (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, version = line.partition("==")
            assert version, f"requirements.txt: {line!r} is not pinned with =="
            pinned[norm(name)] = version
    wanted = runtime() | extra("notebooks") | (extra("test") - {"framing-analysis"})
    assert not wanted - set(pinned), sorted(wanted - set(pinned))
    for name in wanted:                       # and it is the version installed here
        assert md.version(name).split("+")[0] == pinned[name].split("+")[0], name


def test_the_command_line_is_a_console_command(tmp_path):
    eps = [e for e in md.entry_points(group="console_scripts") if e.name == "framing"]
    assert [e.value for e in eps] == ["analysis.__main__:main"]
    exe = Path(sys.prefix) / "bin" / "framing"
    assert exe.is_file(), f"{exe} missing: run `make install`"
    help_ = subprocess.run([str(exe), "run", "--help"], capture_output=True, text=True, timeout=120)
    assert help_.returncode == 0 and "--out" in help_.stdout
    bad = subprocess.run([str(exe), "run", str(tmp_path / "missing.csv"), "--out", str(tmp_path / "out")],
                         capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and "bad input" in bad.stderr and "missing.csv" in bad.stderr
