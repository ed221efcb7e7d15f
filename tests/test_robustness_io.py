"""Input and output safety: corpus errors name file and line; writes are atomic; raw data is never written.

The basic corpus errors (missing column, duplicate id, truncated row, path outside
the folder, Latin-1 and UTF-16 article files) are in tests/test_corpus.py; these
add the line numbers and the cases it does not cover.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from hypothesis import given, strategies as st  # noqa: E402

from analysis import paths, plotting  # noqa: E402
from analysis.corpus import CorpusError, load_corpus  # noqa: E402
from conftest import write_corpus  # noqa: E402

GOOD = "Assad flew to Moscow.\n\nHe met Putin.\n".encode()


def error_of(folder) -> CorpusError:
    with pytest.raises(CorpusError) as info:
        load_corpus(folder)
    return info.value


# --------------------------------------------------------------------------- corpus input

def test_latin1_article_names_its_line_and_the_csv_line(tmp_path):
    text = "Assad in Moscow.\r\nSecond line.\nCaf\u00e9 au lait.\n".encode("latin-1")
    folder = write_corpus(tmp_path, {"a1": GOOD, "a2": text})
    err = error_of(folder)
    assert err.path.name == "a2.txt" and err.line == 3
    assert "a2.txt, line 3" in str(err) and "not UTF-8" in str(err) and "0xe9" in str(err)
    assert "listed on line 3 of articles.csv" in str(err)


def test_utf16_article_names_the_csv_line(tmp_path):
    folder = write_corpus(tmp_path, {"a1": "Assad in Moscow.".encode("utf-16")})
    msg = str(error_of(folder))
    assert "a1.txt" in msg and "UTF-16" in msg and "listed on line 2 of articles.csv" in msg


def test_empty_article_names_the_csv_line(tmp_path):
    folder = write_corpus(tmp_path, {"a1": GOOD, "a2": "\ufeff \r\n".encode()})
    msg = str(error_of(folder))
    assert "a2.txt" in msg and "empty text" in msg and "line 3 of articles.csv" in msg


@pytest.mark.parametrize("encoding, problem", [("latin-1", "0xe9"), ("utf-16", "UTF-16")])
def test_metadata_not_utf8(tmp_path, encoding, problem):
    folder = write_corpus(tmp_path, {"a1": GOOD}, extra={"a1": {"title": "Caf\u00e9"}},
                          header=("article_id", "file", "outlet", "title"))
    meta = folder / "articles.csv"
    meta.write_bytes(meta.read_text(encoding="utf-8").encode(encoding))
    err = error_of(folder)
    assert err.path == meta and "not UTF-8" in str(err) and problem in str(err)
    assert err.line == (2 if encoding == "latin-1" else 1)
    assert f"articles.csv, line {err.line}" in str(err)


def test_unterminated_quote_in_csv_names_a_line(tmp_path):
    folder = write_corpus(tmp_path, {"a1": GOOD, "a2": GOOD})
    meta = folder / "articles.csv"
    meta.write_text(meta.read_text().replace("a2,articles", 'a2,"articles'))
    err = error_of(folder)
    assert err.path == meta and err.line is not None and err.line >= 3
    assert f"articles.csv, line {err.line}" in str(err)


def test_absolute_path_is_outside_the_folder(tmp_path):
    (tmp_path / "secret.txt").write_bytes(GOOD)
    folder = write_corpus(tmp_path / "c", {"a1": GOOD}, extra={"a1": {"file": str(tmp_path / "secret.txt")}})
    err = error_of(folder)
    assert err.line == 2 and "outside the corpus folder" in str(err)


def test_symlink_leaving_the_folder_is_outside(tmp_path):
    (tmp_path / "secret.txt").write_bytes(GOOD)
    folder = write_corpus(tmp_path / "c", {"a1": GOOD})
    (folder / "articles" / "a1.txt").unlink()
    (folder / "articles" / "a1.txt").symlink_to(tmp_path / "secret.txt")
    err = error_of(folder)
    assert err.line == 2 and "outside the corpus folder" in str(err)


@pytest.mark.parametrize("sep", ["\u2028", "\u2029", "\x85", "\x0c", "\x0b", "\x1c", "\x1d", "\x1e"])
def test_unicode_line_separator_in_a_field_is_not_a_row_break(tmp_path, sep):
    """Regression: the metadata was split with str.splitlines, which also breaks at U+2028,
    NEL, form feed …, so a title holding one was rejected as a truncated row and every later
    CSV line number was off by one."""
    title = f"Leaders{sep}meet"
    folder = write_corpus(tmp_path, {"a1": GOOD, "a2": GOOD}, extra={"a1": {"title": title}},
                          header=("article_id", "file", "outlet", "title"))
    corpus = load_corpus(folder)
    assert corpus["title"].tolist() == [title, ""]
    # and a later error still names the line an editor shows
    (folder / "articles" / "a2.txt").write_bytes(b"\xe9")
    assert "listed on line 3 of articles.csv" in str(error_of(folder))


@given(st.lists(st.text(st.characters(exclude_categories=("Cs",)), max_size=30), min_size=1, max_size=5))
def test_any_unicode_metadata_loads_intact(titles):
    """Titles and outlets of any Unicode (commas, quotes, CR/LF, NUL, BOM…) round-trip."""
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as tmp:
        arts = {f"a{i}": GOOD for i in range(len(titles))}
        extra = {f"a{i}": {"title": t, "outlet": "O" + t} for i, t in enumerate(titles)}
        folder = write_corpus(Path(tmp), arts, extra=extra,
                              header=("article_id", "file", "outlet", "title", "sha256"))
        corpus = load_corpus(folder)
    assert corpus["article_id"].tolist() == list(arts)
    assert corpus["title"].tolist() == [t.strip() for t in titles]
    assert corpus["text"].tolist() == [GOOD.decode()] * len(titles)


def test_bom_and_crlf_kept_byte_for_byte(tmp_path):
    raw = "\ufeffAssad said \"yes\".\r\nPutin\rnodded.\r\n".encode()
    folder = write_corpus(tmp_path, {"a1": raw})
    assert load_corpus(folder)["text"].iat[0].encode() == raw


# --------------------------------------------------------------------------- output safety

def _figure():
    fig, ax = plt.subplots()
    ax.plot([1, 2], [3, 4])
    return fig


@pytest.mark.parametrize("crash", [RuntimeError("disk full"), KeyboardInterrupt()])
def test_crash_mid_write_keeps_the_old_table_and_no_partial_file(tmp_path, monkeypatch, crash):
    target = tmp_path / "results" / "t.csv"
    plotting.save_table(pd.DataFrame({"x": [1, 2]}), target)
    before = target.read_bytes()

    def half_write(self, path, *args, **kwargs):
        with open(path, "w") as fh:
            fh.write("x\n1\n")  # half of the table …
        raise crash            # … then the crash

    monkeypatch.setattr(pd.DataFrame, "to_csv", half_write)
    with pytest.raises(type(crash)):
        plotting.save_table(pd.DataFrame({"x": range(1000)}), target)
    assert target.read_bytes() == before
    assert sorted(p.name for p in target.parent.iterdir()) == ["t.csv", "t.md"]  # no temporaries


def test_crash_mid_figure_leaves_no_file(tmp_path, monkeypatch):
    fig = _figure()

    def half_save(path, *args, **kwargs):
        with open(path, "wb") as fh:
            fh.write(b"\x89PNG\r\n")
        raise OSError("killed")

    monkeypatch.setattr(fig, "savefig", half_save)
    with pytest.raises(OSError):
        plotting.save_figure(fig, "f", data=pd.DataFrame({"x": [1]}), folder=tmp_path / "figures")
    assert list((tmp_path / "figures").iterdir()) == []
    plt.close(fig)


def test_killed_process_never_leaves_a_partial_target(tmp_path):
    """A process killed (SIGKILL, no cleanup) in the middle of writing leaves the old file
    whole; only a hidden temporary file may remain."""
    target = tmp_path / "t.csv"
    target.write_text("old\n")
    script = textwrap.dedent(f"""
        import os, signal
        import pandas as pd
        from analysis import plotting
        def half(self, path, *a, **k):
            open(path, "w").write("partial")
            os.kill(os.getpid(), signal.SIGKILL)
        pd.DataFrame.to_csv = half
        plotting.save_table(pd.DataFrame({{"x": [1]}}), {str(target)!r})
    """)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True)
    assert proc.returncode == -9
    assert target.read_text() == "old\n"
    assert all(p.name == "t.csv" or p.name.startswith(".t.csv.") for p in tmp_path.iterdir())


@pytest.mark.parametrize("relative", ["articles/new.csv", "articles.csv", "annotations/x.csv",
                                      "../data/articles/x.csv"])
def test_outputs_never_land_in_the_raw_data(relative, monkeypatch, tmp_path):
    """Regression: save_table / save_figure wrote wherever they were pointed, raw data included."""
    before = {p: p.read_bytes() for p in paths.data_dir().rglob("*") if p.is_file()}
    target = paths.data_dir() / relative
    with pytest.raises(ValueError, match="raw data"):
        plotting.save_table(pd.DataFrame({"x": [1]}), target)
    fig = _figure()
    with pytest.raises(ValueError, match="raw data"):
        plotting.save_figure(fig, "x", folder=target.parent)
    plt.close(fig)
    after = {p: p.read_bytes() for p in paths.data_dir().rglob("*") if p.is_file()}
    assert after == before
    # an output folder pointed at the data folder is refused too
    monkeypatch.setenv("FRAMING_OUTPUT_DIR", str(paths.data_dir()))
    with pytest.raises(ValueError, match="raw data"):
        plotting.save_table(pd.DataFrame({"x": [1]}), paths.results_dir() / "t.csv")

