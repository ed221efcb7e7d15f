"""Property tests of the spaCy-based measures on hostile input, and of the per-corpus tables.

Every example is parsed, so these run fewer examples than the text-level tests (a quarter of
the profile's ``max_examples``; the fixed edge cases always run).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given, settings, strategies as st

from analysis import actors, boilerplate as bp, hedging, paths, quotes, readability, sentences
from robust_text import (FEW, assert_no_overlap, assert_offset_table, assert_spans_slice_back, hostile,
                         texts, with_edge_cases as edge_cases)

#: Hostile texts with the sentences news measures react to, so the paths past "nothing found" run.
NEWS = ['Assad said "the regime will win," according to officials.',
        "“We may talk,” Putin told reporters in Moscow.", "Analysts believe the rebels might lose.",
        "The Kremlin reportedly sent about 50 jets; he said: \"'terrorists' everywhere\"",
        "Reuters reports:", "“No,” she said. “Never.”"]
news_texts = st.builds(lambda parts: "\n".join(parts),
                       st.lists(st.one_of(st.sampled_from(NEWS), hostile, texts), max_size=6))


def with_edge_cases(test):
    return edge_cases(test, extra=["\r\n".join(NEWS), "\r".join(NEWS) + '"' * 9])


def _inside(text, s, e):
    return 0 <= s <= e <= len(text)


@FEW
@given(news_texts)
@with_edge_cases
def test_sentences_slice_back_in_order_within_paragraphs(text):
    sents = sentences.sentences(text)
    assert_offset_table(sents, sentences.COLUMNS, text)
    assert sents["sentence"].tolist() == list(range(1, len(sents) + 1))
    paras = sentences.paragraphs(text).set_index("paragraph")
    for row in sents.itertuples():
        assert row.text and row.text == row.text.strip()
        assert paras.at[row.paragraph, "start"] <= row.start < row.end <= paras.at[row.paragraph, "end"]


@FEW
@given(news_texts)
@with_edge_cases
def test_quotes_and_scare_quotes_offsets(text):
    q = quotes.extract_quotes(text)
    assert list(q.columns) == quotes.COLUMNS
    assert_spans_slice_back(q, text)
    assert q["quote_id"].is_unique
    assert set(q["kind"]) <= {"direct", "indirect"}
    assert set(q["speaker_type"]) <= set(quotes.SPEAKER_TYPES) | {""}
    for part in ("cue", "speaker", "channel"):
        for s, e, v in zip(q[f"{part}_start"], q[f"{part}_end"], q[part]):
            assert (s, e, v) == (-1, -1, "") or (_inside(text, s, e) and text[s:e] == v)
    assert_no_overlap(zip(*[q.loc[q["kind"] == "direct", c] for c in ("start", "end")]))
    assert (q["paragraph"] >= 1).all() and (q["sentence"] >= 0).all() and (q["attribution"] >= 0).all()
    scare = quotes.scare_quotes(text)
    assert list(scare.columns) == quotes.SCARE_COLUMNS
    assert_spans_slice_back(scare, text)
    # a scare quote is never also a direct quotation
    direct = set(zip(q.loc[q["kind"] == "direct", "start"], q.loc[q["kind"] == "direct", "end"]))
    assert not direct & set(zip(scare["start"], scare["end"]))


@FEW
@given(news_texts)
@with_edge_cases
def test_mentions_slice_back_inside_their_sentence(text):
    m = actors.find_mentions(text)
    assert_offset_table(m, actors.COLUMNS, text, value="surface")
    assert set(m["in_quote"]) <= {"no", "direct", "indirect"}
    assert set(m["source"]) <= {"registry", "ner"}
    for row in m.itertuples():
        assert row.actor and isinstance(row.label, str)
        if not pd.isna(row.sentence):
            assert row.sentence_start <= row.start < row.sentence_end


@FEW
@given(st.one_of(hostile, st.sampled_from(["Putin", "the regime", "Syrian President Bashar al-Assad",
                                           "\u202eAssad", "“Assad”", "\x00Kremlin", "a Western diplomat"])))
def test_resolve_returns_a_registry_actor_or_nothing(surface):
    actor, label = actors.resolve(surface)
    assert (actor is None) == (label is None)
    if actor is not None:
        assert actor in set(actors.registry()["actor"]) and isinstance(label, str) and label


@FEW
@given(news_texts)
@with_edge_cases
def test_hedges_slice_back_and_rates_are_consistent(text):
    h = hedging.find_hedges(text)
    assert_offset_table(h, hedging.COLUMNS, text, value="cue")
    assert set(h["category"]) <= set(hedging.CATEGORIES)
    assert set(h["uncertainty"]) <= set(hedging.UNCERTAINTY)
    assert set(h["in_quote"]) <= set(hedging.QUOTE_KINDS)
    assert ((h["sentence_start"] <= h["start"]) & (h["start"] < h["sentence_end"])).all()
    rates = hedging.article_rates(text)
    assert len(rates) == len(hedging.VOICES) * len(hedging.CATEGORIES)
    assert (rates[["count", "words", "sentences"]] >= 0).all().all()
    assert rates["count"].sum() == len(h)
    per = rates["per_1000"].dropna()
    assert (per >= 0).all()
    sents = sentences.sentences(text)
    verdicts = hedging.uncertain_sentences(sents)
    assert len(verdicts) == len(sents) and all(isinstance(v, bool) for v in verdicts)
    assert len(hedging.uncertain_sentences(sents, method="lexicon")) == len(sents)


@FEW
@given(news_texts)
@with_edge_cases
def test_readability_counts_and_shares(text):
    r = readability.readability(text)
    assert list(r) == readability.COLUMNS
    for c in ("sentences_textstat", "sentences_spacy", "words_textstat", "words", "syllables"):
        assert isinstance(r[c], int) and r[c] >= 0, c
    for c in ("polysyllable_share", "difficult_word_share"):
        assert math.isnan(r[c]) or 0 <= r[c] <= 1, c
    for c in ("mean_sentence_words", "mean_word_chars", "syllables_per_word"):
        assert math.isnan(r[c]) or r[c] >= 0, c
    assert all(isinstance(v, (int, float, np.integer, np.floating)) for v in r.values())


# --------------------------------------------------------------------------- per corpus

def _corpus(pages: list[str]) -> pd.DataFrame:
    n = len(pages)
    return pd.DataFrame({"article_id": [f"art-{i}" for i in range(n)],
                         "outlet": [f"Outlet {i % 2}" for i in range(n)], "text": pages})


@settings(max_examples=max(3, settings.default.max_examples // 10))
@given(st.lists(news_texts.filter(lambda t: t.strip()), min_size=1, max_size=3))
@example(["\ufeff\r\n".join(NEWS), '"' * 20, "\x00 \u202e", "  \n  "])
def test_every_article_appears_in_every_per_article_output(pages):
    corpus = _corpus(pages)
    ids = corpus["article_id"].tolist()
    seg = bp.segment_corpus(corpus)
    bodies = bp.corpus_bodies(corpus, seg)
    assert bodies["article_id"].tolist() == ids
    assert [len(b) for b in bodies["body"]] == [len(t) for t in pages]
    by_id = dict(zip(corpus["article_id"], corpus["text"]))
    for row in seg.itertuples():
        assert by_id[row.article_id][row.start:row.end] == row.text
    assert readability.article_readability(corpus, seg)["article_id"].tolist() == ids
    assert hedging.hedge_rates(corpus, seg)["article_id"].drop_duplicates().tolist() == ids
    q, scare, texts_by_id = quotes.corpus_quotes(corpus, seg)
    assert list(texts_by_id) == ids
    for table in (q, scare):
        assert set(table["article_id"]) <= set(ids)
        for row in table.itertuples():
            assert texts_by_id[row.article_id][row.start:row.end] == row.text
    ledger = quotes.speaker_ledger(q, texts_by_id)
    if len(ledger):
        assert ledger["share_of_body"].between(0, 1).all() and ledger["first_position"].between(0, 1).all()
        assert (ledger[["quotes", "direct", "indirect", "words_quoted", "body_words"]] >= 0).all().all()
    m = actors.corpus_mentions(corpus)
    for row in m.itertuples():
        assert by_id[row.article_id][row.start:row.end] == row.surface
    counts = actors.mention_counts(m, corpus, actors=("assad", "putin"))
    assert set(counts["outlet"]) == set(corpus["outlet"]) and (counts["mentions"] >= 0).all()
    labels = actors.label_table(corpus, m)
    assert labels["share"].between(0, 1).all()
    cues = hedging.corpus_cues(corpus, seg)
    for row in cues.itertuples():
        assert by_id[row.article_id][row.start:row.end] == row.cue


def test_empty_corpus_gives_empty_tables():
    """Regression: an empty corpus (e.g. an empty chunk of a larger one) raised pandas' "No
    objects to concatenate" from every per-corpus function."""
    corpus = _corpus([])
    seg = bp.segment_corpus(corpus)
    assert seg.empty and list(seg.columns[:2]) == ["article_id", "outlet"]
    assert bp.corpus_bodies(corpus, seg).empty
    assert readability.article_readability(corpus, seg).empty
    assert readability.outlet_readability(corpus, seg).empty
    q, scare, texts_by_id = quotes.corpus_quotes(corpus, seg)
    assert q.empty and scare.empty and texts_by_id == {}
    assert list(q.columns[2:]) == quotes.COLUMNS and list(scare.columns[2:]) == quotes.SCARE_COLUMNS
    m = actors.corpus_mentions(corpus)
    assert m.empty and list(m.columns[2:]) == actors.COLUMNS
    assert actors.label_table(corpus, m).empty
    cues = hedging.corpus_cues(corpus, seg)
    assert cues.empty and list(cues.columns[2:]) == hedging.COLUMNS
    assert hedging.hedge_rates(corpus, seg).empty
    assert hedging.corpus_sentences(corpus, seg).empty


@st.composite
def _sentence_and_span(draw):
    s = draw(st.one_of(hostile, st.sampled_from(NEWS), st.just("Putin " + "“" * 3000 + " Assad")))
    visible = [i for i, c in enumerate(s) if not c.isspace()]
    if not visible:
        s, visible = s + "Assad", [len(s) + k for k in range(5)]
    a = draw(st.sampled_from(visible))
    b = draw(st.integers(a + 1, min(len(s), a + 40)))
    return s, (a, b)


@FEW
@given(st.lists(_sentence_and_span(), min_size=1, max_size=6))
def test_target_sentiment_one_row_per_target_with_probabilities(items):
    if not paths.package_data("sentiment_model.npz").is_file():
        pytest.skip("the target-sentiment model file is not there yet")
    from analysis import sentiment

    sents, spans = [s for s, _ in items], [sp for _, sp in items]
    t = sentiment.classify_targets(sents, spans)
    assert len(t) == len(items)
    assert t["target"].tolist() == [s[a:b] for s, (a, b) in items]
    assert set(t["label"]) <= set(sentiment.LABELS)
    assert t["score"].between(-1, 1).all()
    probs = t[["p_negative", "p_neutral", "p_positive"]]
    assert probs.apply(lambda c: c.between(0, 1)).all().all()
    assert np.allclose(probs.sum(axis=1), 1, atol=1e-5)


@FEW
@given(news_texts.filter(lambda t: t.strip()), st.data())
def test_mention_quote_and_sentence_lookup_matches_the_definition(text, data):
    """Regression for the sorted lookups in find_mentions (each mention used to scan every
    sentence and every quotation: quadratic): for any quotes table — unsorted, overlapping,
    nested — a mention's sentence is the one holding its start, and its quotation is the
    direct one before an indirect one, then the narrowest, then the first in the table."""
    n = len(text)
    spans = data.draw(st.lists(st.tuples(st.integers(0, n), st.integers(0, n),
                                         st.sampled_from(["direct", "indirect"]),
                                         st.sampled_from(["", "putin", "assad", "x"])), max_size=8))
    table = pd.DataFrame([(min(a, b), max(a, b), k, who) for a, b, k, who in spans],
                         columns=["start", "end", "kind", "actor"])
    m = actors.find_mentions(text, quotes=table, ner=False)
    sents = sentences.sentences(text)
    for row in m.itertuples():
        holding = sents[(sents["start"] <= row.start) & (row.start < sents["end"])]
        assert (pd.isna(row.sentence) and holding.empty) or row.sentence == holding["sentence"].iat[0]
        inside = [(k != "direct", e - s, i, k, who) for i, (s, e, k, who) in enumerate(table.itertuples(index=False))
                  if s <= row.start and row.end <= e]
        speaker = None if pd.isna(row.quote_speaker) else row.quote_speaker
        if not inside:
            assert (row.in_quote, speaker) == ("no", None)
        else:
            _, _, _, kind, who = min(inside)
            assert (row.in_quote, speaker) == (kind, who or None)


def test_colon_block_quote_does_not_swallow_a_quotation():
    """Regression (found by the deep profile): after "Reuters reports:", a next paragraph that
    holds its own attributed quotation became one direct quotation containing the other, so
    the same words counted for two speakers."""
    text = 'Reuters reports:\nAssad said "the regime will win," according to officials.'
    q = quotes.extract_quotes(text)
    direct = q[q["kind"] == "direct"]
    assert_no_overlap(zip(direct["start"], direct["end"]))
    assert direct["text"].tolist() == ["the regime will win,"]
    # the convention itself still holds for a paragraph without marks
    q = quotes.extract_quotes("Reuters reports:\nThe talks in Moscow were useful and frank.")
    assert q.loc[q["kind"] == "direct", "text"].tolist() == ["The talks in Moscow were useful and frank."]
