"""The interactive path in a real browser: `make lab` serves JupyterLab on 127.0.0.1 with a
token; headless Chromium opens a study notebook, runs its first cells on the project's kernel,
and their outputs appear — so a broken kernel, a missing extension or a notebook that only
works with a path hack fails here.

JupyterLab is started exactly as a researcher starts it (`make lab`), with the address, a
random token and the root folder overridden: the root is a copy of `notebooks/` in a temporary
folder, its saved outputs cleared (so what appears was computed here, nothing in the checkout
is saved over, and a notebook that finds the library or the data only by its own location
fails), the kernel writes its figures to a temporary output
folder, and Jupyter's settings and workspaces live in temporary folders too. The kernel is
offline (scripts/offline_kernel.py as PYTHONSTARTUP); the test itself may open connections to
127.0.0.1 only; every URL the page requests must be on that server.

Chromium and ChromeDriver as for the viewer's browser test (tests/test_viewer_browser.py,
installed by `make test`); where they are missing the test skips and says why. JupyterLab
failing to start or to run a notebook is a failure, never a skip.
"""

from __future__ import annotations

import http.client
import json
import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from analysis import paths
from test_viewer_browser import _free_port, browser  # noqa: F401  (the headless Chromium fixture)

ROOT = paths.root()
VENV = Path(sys.prefix)
HOST = "127.0.0.1"
NOTEBOOK = "00-corpus.ipynb"
START_TIMEOUT_S = 120
RUN_TIMEOUT_S = 300

pytestmark = pytest.mark.allow_hosts([HOST])

#: A scratch notebook: a progress bar and a slider, which need ipywidgets and its JupyterLab
#: extension (without them: "IProgress not found" on stderr and a plain-text repr).
WIDGETS = ("from tqdm.auto import tqdm\n"
           "for _ in tqdm(range(3), desc='steps'):\n"
           "    pass\n"
           "import ipywidgets\n"
           "ipywidgets.IntSlider(value=7, description='n')")

#: The text of every output area of the first ``n`` cells, and whether any is stderr or an error.
JS_OUTPUTS = """
const cells = Array.from(document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell'));
return cells.slice(0, arguments[0]).map(c => ({
  kind: c.classList.contains('jp-CodeCell') ? 'code' : 'other',
  prompt: (c.querySelector('.jp-InputPrompt') || {}).textContent || '',
  outputs: Array.from(c.querySelectorAll('.jp-OutputArea-output')).map(o => ({
    mime: o.dataset.mimeType || '', text: o.textContent.slice(0, 2000),
    tables: o.querySelectorAll('table').length,
    progress: o.querySelectorAll('.widget-hprogress, .widget-progress').length,
    sliders: o.querySelectorAll('.widget-slider, .widget-hslider').length})),
}));
"""


def _http(port: int, path: str, token: str):
    conn = http.client.HTTPConnection(HOST, port, timeout=10)
    try:
        conn.request("GET", path, headers={"Authorization": f"token {token}"})
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    base = tmp_path_factory.mktemp("lab")
    root = base / "root"
    (root / "notebooks").mkdir(parents=True)
    study = nbformat.read(ROOT / "notebooks" / NOTEBOOK, as_version=4)
    for cell in study.cells:                   # outputs can only come from running it here
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    nbformat.write(study, root / "notebooks" / NOTEBOOK)
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(WIDGETS)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, root / "notebooks" / "widgets.ipynb")
    for d in ("out", "config", "runtime", "ipython", "home"):
        (base / d).mkdir()
    port, token = _free_port(), secrets.token_hex(16)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    env.update(FRAMING_OUTPUT_DIR=str(base / "out"), JUPYTER_CONFIG_DIR=str(base / "config"),
               JUPYTER_RUNTIME_DIR=str(base / "runtime"), IPYTHONDIR=str(base / "ipython"),
               PYTHONSTARTUP=str(ROOT / "scripts" / "offline_kernel.py"))
    cmd = ["make", "-C", str(ROOT), "--no-print-directory", f"VENV={VENV}", "-o", str(VENV / ".installed"),
           "lab", f"LAB_IP={HOST}", f"LAB_PORT={port}", f"LAB_TOKEN={token}", f"LAB_ROOT={root}",
           "LAB_BROWSER=False", "LAB_ARGS=--ServerApp.port_retries=0"]
    log = open(base / "lab.log", "w")
    proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            if proc.poll() is not None:
                pytest.fail(f"`make lab` exited ({proc.returncode}):\n{(base / 'lab.log').read_text()[-3000:]}")
            try:
                if _http(port, "/api/status", token)[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"JupyterLab did not answer on {HOST}:{port} within {START_TIMEOUT_S} s:\n"
                            f"{(base / 'lab.log').read_text()[-3000:]}")
            time.sleep(0.5)
        yield {"port": port, "token": token, "root": root, "out": base / "out", "log": base / "lab.log"}
    finally:
        try:
            os.killpg(proc.pid, signal.SIGTERM)    # make and the JupyterLab it started (own session)
            proc.wait(30)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        log.close()


def _wait(what: str, fn, timeout: float, browser=None, tmp_path=None):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = fn()
        if last:
            return last
        time.sleep(0.5)
    if browser is not None and tmp_path is not None:
        (tmp_path / "failure.png").write_bytes(browser.screenshot())
    raise AssertionError(f"timed out waiting for {what} (screenshot in {tmp_path}); last: {last!r}")


def _find(browser, css: str) -> str:
    found = browser.s("POST", "/element", {"using": "css selector", "value": css})
    return next(iter(found.values()))


def _click(browser, css: str) -> None:
    browser.s("POST", f"/element/{_find(browser, css)}/click", {})


def _kernel_idle(lab, path: str) -> bool:
    status, body = _http(lab["port"], "/api/sessions", lab["token"])
    sessions = [s for s in json.loads(body) if s.get("path", "").endswith(path)] if status == 200 else []
    return bool(sessions) and sessions[0]["kernel"]["execution_state"] == "idle"


def _open_notebook(browser, lab, name: str, tmp_path):
    browser.log("browser")
    browser.log("performance")
    browser.get(f"http://{HOST}:{lab['port']}/lab/tree/notebooks/{name}?token={lab['token']}")
    _wait(f"{name} to open", lambda: browser.run(
        "return document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell').length"),
        RUN_TIMEOUT_S, browser, tmp_path)
    _wait(f"the kernel of {name} to be idle", lambda: _kernel_idle(lab, f"notebooks/{name}"),
          RUN_TIMEOUT_S, browser, tmp_path)
    # the first cell is the active one; each click runs it and selects the next
    _click(browser, ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell")


def _run_cells(browser, n: int) -> None:
    for _ in range(n):
        _click(browser, '.jp-NotebookPanel:not(.lm-mod-hidden) [data-command="notebook:run-cell-and-select-next"]')
        time.sleep(0.3)


def _requested_hosts(browser) -> set[str]:
    urls = set()
    for e in browser.log("performance"):
        msg = json.loads(e["message"])["message"]
        if msg.get("method") in ("Network.requestWillBeSent", "Network.webSocketCreated"):
            urls.add(msg["params"].get("request", {}).get("url") or msg["params"].get("url", ""))
    return urls


def test_jupyterlab_runs_a_study_notebook_on_the_projects_kernel(browser, lab, tmp_path):
    _open_notebook(browser, lab, NOTEBOOK, tmp_path)
    nb = nbformat.read(lab["root"] / "notebooks" / NOTEBOOK, as_version=4)
    n = next(i for i, c in enumerate(nb.cells) if i >= 3 and c.cell_type == "code") + 1   # two code cells

    _run_cells(browser, n)

    def done():
        cells = browser.run(JS_OUTPUTS, n)
        code = [c for c in cells if c["kind"] == "code"]
        finished = len(code) == 2 and all(c["prompt"].strip() not in ("[ ]:", "[*]:", "") for c in code)
        return cells if finished and all(c["outputs"] for c in code) else None

    cells = _wait("the first two code cells to run", done, RUN_TIMEOUT_S, browser, tmp_path)
    (tmp_path / "notebook.png").write_bytes(browser.screenshot())
    code = [c for c in cells if c["kind"] == "code"]
    assert [c["prompt"].strip() for c in code] == ["[1]:", "[2]:"]
    for c in code:
        assert not [o for o in c["outputs"] if "stderr" in o["mime"] or "error" in o["mime"]], c
        assert c["outputs"][0]["tables"] == 1, c                 # a DataFrame, rendered as HTML
    first = code[0]["outputs"][0]["text"]
    for outlet in ("Haaretz", "The Moscow Times", "Rise News", "inContext", "Christian Science Monitor"):
        assert outlet in first
    assert _kernel_idle(lab, f"notebooks/{NOTEBOOK}")
    # no prompt to fetch Jupyter news (scripts/jupyterlab-overrides.json, installed by make install)
    assert "Jupyter news" not in browser.run("return document.body.innerText")
    bad = {u for u in _requested_hosts(browser)
           if not u.startswith((f"http://{HOST}:{lab['port']}/", f"ws://{HOST}:{lab['port']}/", "data:", "blob:",
                                "about:"))}
    assert not bad, f"the page requested addresses off this server: {sorted(bad)[:5]}"


def test_widgets_render_in_jupyterlab(browser, lab, tmp_path):
    """ipywidgets and its JupyterLab extension: tqdm shows a progress bar, not a warning."""
    _open_notebook(browser, lab, "widgets.ipynb", tmp_path)
    _run_cells(browser, 1)

    def ran():
        cells = browser.run(JS_OUTPUTS, 1)
        return cells if cells and cells[0]["prompt"].strip() == "[1]:" and cells[0]["outputs"] else None

    _wait("the widgets cell to run", ran, RUN_TIMEOUT_S, browser, tmp_path)

    def rendered():
        outs = browser.run(JS_OUTPUTS, 1)[0]["outputs"]
        return outs if sum(o["progress"] for o in outs) and sum(o["sliders"] for o in outs) else None

    try:                                        # once it has run, the widgets render at once
        outs = _wait("a progress bar and a slider to render", rendered, 30, browser, tmp_path)
    except AssertionError as exc:
        raise AssertionError(f"{exc}\noutputs: {browser.run(JS_OUTPUTS, 1)}") from None
    assert not [o for o in outs if "stderr" in o["mime"]], outs     # no "IProgress not found"
    assert not any("IntSlider(" in o["text"] for o in outs), outs  # a widget, not its text repr
