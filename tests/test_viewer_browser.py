"""The viewer in a real browser: headless Chromium renders the pages offline, shows the marks
where the measures put them, shows `<script>` in an article as text, and logs no console error.

Chromium and ChromeDriver are Debian's packages (`chromium`, `chromium-driver`), installed by
`make test` (scripts/install_browser.sh). The test talks WebDriver to chromedriver over
127.0.0.1 with the standard library (no Selenium): only loopback connections are allowed
(pytest-socket's allow_hosts), the pages themselves are file:// URLs, and Chromium starts with
an empty profile and background networking off. Where Chromium is missing or cannot start,
the tests skip and say why.
"""

from __future__ import annotations

import base64
import http.client
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pandas as pd
import pytest

from analysis import viewer
from analysis.corpus import load_corpus

from conftest import PAGE, write_corpus
from test_actor_sentiment import fake_classify
from test_viewer import HOSTILE

CHROMIUM = os.environ.get("FRAMING_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("FRAMING_CHROMEDRIVER", "/usr/bin/chromedriver")
CHROME_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run",
               "--disable-dev-shm-usage", "--window-size=1200,1600"]
LOOPBACK = ["127.0.0.1", "::1", "localhost"]

pytestmark = pytest.mark.allow_hosts(LOOPBACK)

#: Every mark in the rendered DOM: its layer, id, kind, attributes, text and code-point offsets
#: in the text of .vw-text (a Range's text holds text nodes only, never the CSS tags).
JS_MARKS = """
const box = document.querySelector('.vw-text');
const cp = s => Array.from(s).length;
const out = [];
for (const el of box.querySelectorAll('[data-layer]')) {
  const r = document.createRange();
  r.setStart(box, 0); r.setEndBefore(el);
  const start = cp(r.toString());
  out.push([el.dataset.layer, el.dataset.id, el.dataset.kind, +el.dataset.start, +el.dataset.end,
            start, start + cp(el.textContent)]);
}
return {text: box.textContent, marks: out};
"""


class WebDriver:
    """The few W3C WebDriver commands the tests need, over HTTP to a local chromedriver."""

    def __init__(self, port: int):
        self.port = port
        self.session = None

    def call(self, method: str, path: str, body: dict | None = None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            conn.request(method, path, json.dumps(body) if body is not None else None,
                         {"Content-Type": "application/json"})
            data = json.loads(conn.getresponse().read() or b"{}")
        finally:
            conn.close()
        value = data.get("value")
        if isinstance(value, dict) and value.get("error"):
            raise RuntimeError(f"{value['error']}: {value.get('message', '')[:500]}")
        return value

    def start(self, profile: str) -> None:
        caps = {"browserName": "chrome",
                "goog:chromeOptions": {"binary": CHROMIUM, "args": CHROME_ARGS + [f"--user-data-dir={profile}"]},
                "goog:loggingPrefs": {"browser": "ALL", "performance": "ALL"}}
        self.session = self.call("POST", "/session", {"capabilities": {"alwaysMatch": caps}})["sessionId"]

    def s(self, method: str, path: str, body: dict | None = None):
        return self.call(method, f"/session/{self.session}{path}", body)

    def get(self, url: str) -> None:
        self.s("POST", "/url", {"url": url})

    def run(self, script: str, *args):
        return self.s("POST", "/execute/sync", {"script": script, "args": list(args)})

    def screenshot(self) -> bytes:
        return base64.b64decode(self.s("GET", "/screenshot"))

    def log(self, kind: str) -> list[dict]:
        return self.s("POST", "/se/log", {"type": kind})

    def quit(self) -> None:
        if self.session:
            try:
                self.s("DELETE", "")
            except (RuntimeError, OSError):
                pass


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def browser():
    for exe in (CHROMIUM, CHROMEDRIVER):
        if not (Path(exe).exists() or shutil.which(exe)):
            pytest.skip(f"{exe} not found: headless Chromium is not installed here "
                        "(Debian packages chromium and chromium-driver; `make test` tries "
                        "scripts/install_browser.sh)")
    port = _free_port()
    proc = subprocess.Popen([CHROMEDRIVER, f"--port={port}"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    driver = WebDriver(port)
    profile = tempfile.mkdtemp(prefix="chromium-profile-")
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if driver.call("GET", "/status").get("ready"):
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or proc.poll() is not None:
                pytest.skip(f"chromedriver did not start on port {port}")
            time.sleep(0.2)
        try:
            driver.start(profile)
        except (RuntimeError, OSError) as exc:
            pytest.skip(f"headless Chromium could not be started: {exc}")
        yield driver
    finally:
        driver.quit()
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="module")
def site(tmp_path_factory, seed_corpus):
    """Static pages for one seed article and two small ones (one hostile), as `make figures` writes them."""
    tmp = tmp_path_factory.mktemp("site")
    small = load_corpus(write_corpus(tmp / "corpus", {"page": PAGE.encode(), "hostile": HOSTILE.encode()}))
    corpus = pd.concat([seed_corpus.iloc[:1], small], ignore_index=True)
    out = tmp / "articles"
    viewer.write_pages(corpus, folder=out, classify=fake_classify)
    return {"folder": out, "corpus": corpus}


def _open(browser, path: Path) -> None:
    browser.log("browser")                     # drop what earlier pages logged
    browser.log("performance")
    browser.get(path.resolve().as_uri())
    assert browser.run("return document.readyState") == "complete"


def _console_errors(browser) -> list[str]:
    return [e["message"] for e in browser.log("browser") if e.get("level") in ("SEVERE", "ERROR")]


def _requested_urls(browser) -> list[str]:
    urls = []
    for e in browser.log("performance"):
        msg = json.loads(e["message"])["message"]
        if msg.get("method") == "Network.requestWillBeSent":
            urls.append(msg["params"]["request"]["url"])
    return urls


def test_static_pages_open_offline_with_no_console_errors(browser, site):
    pages = sorted(site["folder"].glob("*.html"))
    assert len(pages) == len(site["corpus"]) + 1
    for page in pages:
        _open(browser, page)
        assert _console_errors(browser) == [], page.name
        urls = _requested_urls(browser)
        assert urls and all(u.startswith(("file:", "data:", "about:")) for u in urls), (page.name, urls)


def test_marked_spans_are_in_the_rendered_dom_where_the_measures_put_them(browser, site, tmp_path):
    row = site["corpus"].iloc[0]
    page = site["folder"] / f"{row['article_id']}.html"
    _open(browser, page)
    png = browser.screenshot()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 20_000
    (tmp_path / "screenshot.png").write_bytes(png)
    got = browser.run(JS_MARKS)
    assert got["text"] == row["text"]
    _, marks = viewer.read_marks(page.read_text(encoding="utf-8"))
    # every per-article layer is drawn; a corpus layer (passages shared with other outlets' pages) only when the
    # site's articles share a passage, which these three do not
    assert set(marks["layer"]) == set(viewer.LAYERS) - set(viewer.CORPUS_LAYERS)
    dom = pd.DataFrame(got["marks"], columns=["layer", "id", "kind", "data_start", "data_end", "start", "end"])
    joined = dom.groupby(["layer", "id"]).agg(start=("start", "min"), end=("end", "max"),
                                              data_start=("data_start", "first"), data_end=("data_end", "first"))
    assert len(joined) == len(marks)
    assert (joined["start"] == joined["data_start"]).all() and (joined["end"] == joined["data_end"]).all()
    want = marks.set_index(["layer", "id"])[["start", "end"]].sort_index()
    assert joined[["start", "end"]].sort_index().equals(want)


def test_script_in_an_article_is_text_and_does_not_run(browser, site, tmp_path):
    # the fragment alone, in a page with no Content-Security-Policy: only the escaping protects it
    view = viewer.render({"text": HOSTILE}, classify=fake_classify)
    page = tmp_path / "bare.html"
    page.write_text(f"<!DOCTYPE html><html><head><meta charset='utf-8'></head><body>{view.html}</body></html>",
                    encoding="utf-8")
    for path in (page, site["folder"] / "hostile.html"):
        _open(browser, path)
        assert browser.run("return window.__pwned === undefined") is True
        assert browser.run("return document.querySelectorAll('.vw-text script, .vw-text img, .vw-text b').length") == 0
        text = browser.run("return document.querySelector('.vw-text').textContent")
        assert text == HOSTILE
        assert "<script>window.__pwned = 1</script>" in text
        assert _console_errors(browser) == []


def test_layer_switches_hide_a_layer(browser, site):
    _open(browser, site["folder"] / "page.html")
    style = ("const el = document.querySelector('.vw-text [data-kind=mention]');"
             "return [getComputedStyle(el).backgroundColor, getComputedStyle(el, '::after').content];")
    on = browser.run(style)
    assert on[0] != "rgba(0, 0, 0, 0)" and on[1] not in ("none", "normal")
    browser.run("document.querySelector('input[data-layer=mentions]').click()")
    off = browser.run(style)
    assert off == ["rgba(0, 0, 0, 0)", "none"]


def test_the_console_check_sees_errors(browser, tmp_path):
    """Control: a page that breaks its own no-network policy does log an error the checks above would catch."""
    page = tmp_path / "bad.html"
    page.write_text(viewer.page_html("bad", '<img src="https://example.org/x.png" alt="">'), encoding="utf-8")
    _open(browser, page)
    errors = _console_errors(browser)
    assert errors and any("Content Security Policy" in e for e in errors)
