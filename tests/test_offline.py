"""Nothing downloads at run time: sockets are off, textstat and spaCy still work."""

from __future__ import annotations

import socket
import urllib.request

import pytest


def test_network_is_switched_off():
    with pytest.raises(Exception, match="socket"):
        urllib.request.urlopen("http://example.com", timeout=2)
    with pytest.raises(Exception):
        socket.socket(socket.AF_INET, socket.SOCK_STREAM)


def test_textstat_counts_syllables_offline_from_cmudict(monkeypatch):
    import nltk

    def no_download(*args, **kwargs):
        raise AssertionError("nltk.download called: textstat tried to fetch cmudict")

    monkeypatch.setattr(nltk, "download", no_download)
    from analysis.textstat_offline import enable

    ts = enable()
    # CMUdict values (pyphen alone would give different counts for these words)
    assert ts.syllable_count("Syrian") == 3            # S IH1 R IY0 AH0 N
    assert ts.syllable_count("beginning") == 3
    assert ts.syllable_count("Assad flew to Moscow") == 6
    assert ts.flesch_reading_ease("Assad flew to Moscow. He met Putin.") > 50


def test_textstat_without_the_fix_would_need_the_network():
    """Guard the guard: textstat's own loader does try to download (so the fix matters)."""
    from textstat.backend.utils import _get_cmudict

    import inspect

    assert "nltk.download" in inspect.getsource(_get_cmudict)


def test_spacy_pipeline_loads_from_package():
    from analysis.nlp import load_nlp

    nlp = load_nlp()
    doc = nlp("Syrian President Bashar al-Assad flew to Moscow on Tuesday.")
    assert any(e.text == "Bashar al-Assad" and e.label_ == "PERSON" for e in doc.ents)


def test_missing_spacy_model_gives_install_hint():
    from analysis.nlp import load_nlp

    with pytest.raises(RuntimeError, match="never downloads"):
        load_nlp("no_such_pipeline_xyz")
