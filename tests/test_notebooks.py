"""`make figures` as a new user runs it, in two copies of the project in different directories.

Each copy runs every notebook through the Makefile (`jupyter nbconvert --to notebook --execute
--inplace`, one rule per notebook) with this test's virtual environment; one copy runs them
serially, the other two at a time (`make -j2`) and logs what each kernel opens. Then:

- the saved notebooks, figures, tables, numbers and report are byte-identical between the two,
  and name no path of the machine (the copies', the venv's, the home folder);
- a second `make figures` has nothing to do, and a change re-runs just the notebooks downstream;
- the Makefile's rules declare what the notebooks really read, and every committed output;
- a failing notebook is not overwritten and its stamp is not written; kernels cannot connect out.
"""

from __future__ import annotations

import filecmp
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from analysis import paths

ROOT = paths.root()
VENV = Path(sys.prefix)
INSTALLED = VENV / ".installed"          # the Makefile's install stamp for this venv
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))
OUTPUT_DIRS = ("notebooks", "figures", "results", "report")
SKIP_PARTS = {".git", ".venv", "build", "__pycache__", ".pytest_cache", ".hypothesis", ".ipynb_checkpoints"}
TIMEOUT_S = 3600

pytestmark = pytest.mark.notebooks


def _project_files() -> list[Path]:
    """The project's files as a fresh clone has them (tracked and new, not ignored)."""
    if (ROOT / ".git").exists() and shutil.which("git"):
        out = subprocess.run(["git", "-C", str(ROOT), "ls-files", "-z", "--cached", "--others",
                              "--exclude-standard"], capture_output=True, check=True).stdout
        rels = [Path(p) for p in out.decode().split("\0") if p]
    else:
        rels = [p.relative_to(ROOT) for p in ROOT.rglob("*") if p.is_file()]
    return [r for r in rels if not SKIP_PARTS & set(r.parts) and not r.parts[0].endswith(".egg-info")
            and (ROOT / r).is_file()]


def copy_project(dest: Path) -> Path:
    for rel in _project_files():
        (dest / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / rel, dest / rel)      # keeps mtimes, as a checkout's are all old
    return dest


def _env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "FRAMING_OUTPUT_DIR", "MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    env["FRAMING_SHARED_DATA"] = str(paths.shared_data_dir())
    env.update(extra)
    return env


def make_cmd(copy: Path, *args: str) -> list[str]:
    # -o: the venv's install stamp counts as old, so the copy's newer requirements.txt does not
    # make it reinstall this venv, and nothing is re-run on account of it.
    return ["make", "-C", str(copy), "--no-print-directory", f"VENV={VENV}", "-o", str(INSTALLED), *args]


def make(copy: Path, *args: str, env: dict | None = None, check: bool = True) -> subprocess.CompletedProcess:
    proc = subprocess.run(make_cmd(copy, *args), env=env or _env(), capture_output=True, text=True,
                          timeout=TIMEOUT_S)
    if check and proc.returncode != 0:
        raise AssertionError(f"make {' '.join(args)} failed ({proc.returncode}):\n{proc.stdout[-4000:]}\n"
                             f"{proc.stderr[-4000:]}")
    return proc


def notebook_rules(copy: Path) -> dict[str, dict[str, list[str]]]:
    rules = {}
    for line in make(copy, "-s", "notebook-rules").stdout.splitlines():
        name, inputs, outputs = line.split("\t")
        rules[name] = {"inputs": inputs.split(), "outputs": outputs.split()}
    return rules


def executed(proc: subprocess.CompletedProcess) -> list[str]:
    """The notebooks a make run executed (from the nbconvert commands it printed)."""
    return re.findall(r"nbconvert --to notebook --execute --inplace .*?(notebooks/[\w.-]+\.ipynb)", proc.stdout)


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """`make figures` in /…/a/x (serial) and /…/b/deeper/y (-j2, kernels' file opens logged), at once."""
    base = tmp_path_factory.mktemp("clones")
    a = copy_project(base / "a" / "x")
    b = copy_project(base / "b" / "deeper" / "y")
    audit = base / "audit"
    audit.mkdir()
    env_b = _env(FRAMING_AUDIT_DIR=str(audit), FRAMING_AUDIT_GUARD=str(b / "scripts" / "offline_kernel.py"))
    procs = {
        "a": subprocess.Popen(make_cmd(a, "figures"), env=_env(), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True),
        "b": subprocess.Popen(make_cmd(b, "-j2", "figures", f"KERNEL_STARTUP={ROOT / 'tests' / 'notebook_audit.py'}"),
                              env=env_b, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True),
    }
    done = {}
    for key, proc in procs.items():
        out, err = proc.communicate(timeout=TIMEOUT_S)
        done[key] = subprocess.CompletedProcess(proc.args, proc.returncode, out, err)
    for key, proc in done.items():
        assert proc.returncode == 0, f"make figures in copy {key} failed:\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}"
    return {"a": a, "b": b, "audit": audit, "procs": done}


def _output_files(copy: Path) -> list[Path]:
    return sorted(p.relative_to(copy) for d in OUTPUT_DIRS for p in (copy / d).rglob("*")
                  if p.is_file() and not SKIP_PARTS & set(p.relative_to(copy).parts))


def test_there_are_notebooks():
    assert NOTEBOOKS and NOTEBOOKS[0].name.startswith("00-")


def test_make_figures_runs_every_notebook_with_nbconvert(runs):
    for key in ("a", "b"):
        ran = executed(runs["procs"][key])
        assert sorted(ran) == sorted(f"notebooks/{p.name}" for p in NOTEBOOKS), (key, ran)
    # serially, in numeric order
    assert executed(runs["procs"]["a"]) == [f"notebooks/{p.name}" for p in NOTEBOOKS]


def test_outputs_are_byte_identical_in_another_directory(runs):
    a, b = runs["a"], runs["b"]
    files = _output_files(a)
    assert files == _output_files(b)
    assert any(f.suffix == ".ipynb" for f in files) and any(f.parts[0] == "results" for f in files)
    differ = [str(f) for f in files if not filecmp.cmp(a / f, b / f, shallow=False)]
    assert not differ, f"differ between {a} and {b}: {differ}"


def test_outputs_name_no_path_of_the_machine(runs):
    needles = {str(runs["a"]), str(runs["b"]), str(VENV), str(VENV.resolve()), str(ROOT),
               str(Path.home()), str(runs["a"].parent.parent.parent)}
    needles = {n for n in needles if len(n) > 1}
    for copy in (runs["a"], runs["b"]):
        for rel in _output_files(copy):
            if rel.suffix in (".png",):
                continue
            text = (copy / rel).read_text(encoding="utf-8")
            found = sorted(n for n in needles if n in text)
            assert not found, f"{rel} contains {found}"
            assert "PosixPath(" not in text and "site-packages" not in text, rel


def test_saved_notebooks_hold_no_warnings_errors_or_timings(runs):
    for path in sorted((runs["a"] / "notebooks").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            assert "execution" not in cell.get("metadata", {}), f"{path.name}: cell timings stored"
            for out in cell.get("outputs", []):
                assert out["output_type"] != "error", f"{path.name}: an error output"
                assert not (out["output_type"] == "stream" and out["name"] == "stderr"), \
                    f"{path.name}: stderr output (a warning?): {''.join(out['text'])[:300]}"
                assert "application/vnd.jupyter.widget-view+json" not in out.get("data", {}), \
                    f"{path.name}: a widget (random model id) in a batch run"
        codes = [c.execution_count for c in nb.cells if c.cell_type == "code"]
        assert codes == list(range(1, len(codes) + 1)), f"{path.name}: not run top to bottom once"


def test_every_notebook_writes_its_figures(runs):
    figs = sorted(p.name for p in (runs["a"] / "figures").iterdir())
    assert figs, "no figures written"
    for png in (p for p in figs if p.endswith(".png")):
        stem = png[:-4]
        assert f"{stem}.svg" in figs and f"{stem}.csv" in figs, f"{stem}: PNG without SVG/CSV"


def test_a_second_make_figures_has_nothing_to_do(runs):
    for key in ("a", "b"):
        assert make(runs[key], "-q", "figures", check=False).returncode == 0, f"copy {key} not up to date"
    proc = make(runs["a"], "figures")
    assert executed(proc) == [] and "Nothing to be done" in proc.stdout


def test_a_change_re_runs_only_the_notebooks_downstream(runs):
    a = runs["a"]

    def would_run(path: str) -> set[str]:
        return {Path(p).stem for p in executed(make(a, "-n", "-W", path, "figures"))}

    every = {p.stem for p in NOTEBOOKS}
    assert would_run("analysis/readability.py") == every               # the library: all of them
    assert would_run("data/articles.csv") == every
    assert would_run("report/templates/findings.md") == {"90-report"}
    assert would_run("notebooks/00-corpus.ipynb") == {"00-corpus"}
    assert would_run("notebooks/30-actors.ipynb") == {"30-actors", "90-report"}   # its numbers
    assert would_run("data/annotations/quotes_gold.csv") == {"20-quotes", "61-labels-wire", "90-report"}
    assert would_run("data/annotations/label_adoption_gold.csv") == {"61-labels-wire"}
    assert would_run("data/annotations/boilerplate_gold.csv") == {"10-boilerplate", "50-comparison",
                                                                  "90-report"}
    # a missing output makes its notebook run again
    (a / "figures" / "00-raw-length.svg").rename(a / "00-raw-length.svg")
    try:
        assert {Path(p).stem for p in executed(make(a, "-n", "figures"))} == {"00-corpus"}
    finally:
        (a / "00-raw-length.svg").rename(a / "figures" / "00-raw-length.svg")


def test_rules_declare_every_committed_output_once(runs):
    rules = notebook_rules(runs["a"])
    assert sorted(rules) == [p.stem for p in NOTEBOOKS]
    owners: dict[str, set[str]] = {}
    for name, rule in rules.items():
        for out in rule["outputs"]:
            owners.setdefault(out, set()).add(name)
    committed = [str(r) for r in _project_files()
                 if r.parts[0] in ("figures", "results", "report") and r.parts[:2] != ("report", "templates")]
    undeclared = sorted(set(committed) - set(owners))
    if undeclared and not paths.shared_data_dir().is_dir():
        pytest.skip(f"the development sets are absent, so their validation outputs are not declared: {undeclared}")
    assert not undeclared, f"outputs no notebook rule declares: {undeclared}"
    shared_outputs = {o for o, n in owners.items() if len(n) > 1}
    assert shared_outputs <= {"results/numbers.json"}, shared_outputs


def test_rules_declare_what_each_notebook_reads(runs):
    """Every project or development-set file a kernel opened for reading is a declared input
    (or an output of a notebook this one waits for, or its own output)."""
    b = runs["b"]
    shared = paths.shared_data_dir().resolve()
    rules = notebook_rules(b)
    producers: dict[str, set[str]] = {}
    for name, rule in rules.items():
        for out in rule["outputs"]:
            producers.setdefault(out, set()).add(name)
    logs = {p.stem: p for p in runs["audit"].glob("*.log")}
    assert sorted(logs) == sorted(rules), "a notebook's kernel wrote no audit log"
    for name, log in logs.items():
        declared = {str((b / i).resolve()) if not Path(i).is_absolute() else str(Path(i).resolve())
                    for i in rules[name]["inputs"]}
        reads = set()
        for line in log.read_text(encoding="utf-8").splitlines():
            entry = json.loads(line)
            path = Path(entry["path"]).resolve()
            if entry["write"] or not path.is_file() or "__pycache__" in path.parts:
                continue
            if path.is_relative_to(b.resolve()) or path.is_relative_to(shared):
                reads.add(path)
        assert any(p.suffix != ".py" for p in reads), f"{name}: the audit saw it read no data"
        undeclared = []
        for path in sorted(reads):
            if str(path) in declared:
                continue
            rel = str(path.relative_to(b.resolve())) if path.is_relative_to(b.resolve()) else None
            made_by = producers.get(rel, set())
            if name in made_by or any(f"build/notebooks/{p}" in rules[name]["inputs"] for p in made_by):
                continue
            undeclared.append(str(path))
        assert not undeclared, f"{name} reads files its rule does not declare: {undeclared}"


def test_a_failing_notebook_is_not_overwritten_and_kernels_cannot_connect(tmp_path):
    """Through the Makefile's own rule: a cell that opens a connection fails (the kernel is offline),
    so nbconvert writes nothing, the stamp stays unwritten, and make says why."""
    copy = copy_project(tmp_path / "broken")
    nb_path = copy / "notebooks" / "00-corpus.ipynb"
    nb = nbformat.read(nb_path, as_version=4)
    nb.cells.insert(1, nbformat.v4.new_code_cell("import socket\nsocket.create_connection(('127.0.0.1', 9), timeout=5)"))
    nbformat.write(nb, nb_path)
    before = nb_path.read_bytes()
    proc = make(copy, "00-corpus", check=False)
    assert proc.returncode != 0
    assert "network access is switched off" in proc.stdout + proc.stderr
    assert nb_path.read_bytes() == before
    assert not (copy / "build" / "notebooks" / "00-corpus").exists()
    assert make(copy, "-q", "00-corpus", check=False).returncode != 0
