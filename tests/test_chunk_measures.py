"""Chunk-level measures (``Measure.run_chunk``): one call for a chunk's articles, the same tables as ``run``.

Target sentiment sends every mention of a chunk through the encoder together; its
tables must be the ones the per-article ``run`` gives (exactly with a stand-in
classifier; with the real model up to float rounding, labels identical), and an
article that breaks the chunk call is found by running article by article.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis import paths
from analysis.core.article import Article
from analysis.engine import measure_article, measure_corpus, measure_records, records_of, scan_context, select

TEXT = ("Assad met Russia's envoy on Tuesday and smiled.\n"
        "\u201cRussia saved our country,\u201d Assad said.\n"
        "Critics say Assad is isolated.\n")


def stand_in(calls: list):
    """A deterministic classifier of each (sentence, span) alone, recording how often it is called."""
    def classify(sentences, spans):
        calls.append(len(sentences))
        rows = []
        for s, (a, b) in zip(sentences, spans):
            if "BREAKS" in s:
                raise RuntimeError("this sentence breaks the classifier")
            p = (len(s) % 7 + 1) / 10, ((a * 31 + b) % 5 + 1) / 10
            rows.append({"label": "negative" if p[0] > p[1] else "positive", "score": p[1] - p[0],
                         "p_negative": p[0], "p_neutral": 1 - p[0] - p[1], "p_positive": p[1]})
        return pd.DataFrame(rows, columns=["label", "score", "p_negative", "p_neutral", "p_positive"])
    return classify


def per_article(corpus: pd.DataFrame) -> pd.DataFrame:
    """The sentiment table built article by article through the measure's ``run``."""
    recs = records_of(corpus)
    measures = select(["sentiment"])
    parts = []
    for rec, ctx in zip(recs, scan_context(recs, measures)):
        art = Article(text=rec["text"], article_id=rec["article_id"], outlet=rec["outlet"], context=ctx)
        t = measure_article(art, measures)["sentiment"]
        t.insert(0, "outlet", rec["outlet"])
        t.insert(0, "article_id", rec["article_id"])
        parts.append(t)
    out = pd.concat(parts, ignore_index=True)
    return out.astype({"article_id": "str", "outlet": "str"})


@pytest.fixture
def calls(monkeypatch):
    from analysis import sentiment

    seen: list = []
    monkeypatch.setattr(sentiment, "classify_targets", stand_in(seen))
    return seen


def test_sentiment_measure_declares_a_chunk_run():
    (m,) = [m for m in select(optional=True) if m.name == "sentiment"]
    assert m.run_chunk is not None
    assert all(m.run_chunk is None for m in select())  # the default measures run article by article


def test_chunk_run_gives_the_per_article_tables(seed_corpus, calls):
    chunk = measure_corpus(seed_corpus, ["sentiment"])["sentiment"]
    assert len(calls) == 1 and calls[0] == len(chunk) > 20  # one classifier call for the whole chunk
    calls.clear()
    alone = per_article(seed_corpus)
    assert len(calls) == len(seed_corpus)
    pd.testing.assert_frame_equal(chunk.astype({"article_id": "str", "outlet": "str"}), alone)


def test_chunks_of_two_give_the_same_table(seed_corpus, calls):
    one = measure_corpus(seed_corpus, ["sentiment"])["sentiment"]
    two = measure_corpus(seed_corpus, ["sentiment"], chunk_size=2)["sentiment"]
    assert len(calls) == 1 + 3
    pd.testing.assert_frame_equal(one, two)


def test_an_article_that_breaks_the_chunk_call_is_found(calls):
    recs = [{"article_id": "a", "outlet": "X", "text": TEXT},
            {"article_id": "b", "outlet": "Y", "text": "Assad BREAKS the classifier here.\n"},
            {"article_id": "c", "outlet": "Z", "text": TEXT.replace("Tuesday", "Monday")}]
    out = measure_records(recs, select(["sentiment"]))
    arts = out["articles"].set_index("article_id")
    assert arts["status"].to_dict() == {"a": "ok", "b": "error", "c": "ok"}
    assert out["errors"][["article_id", "stage"]].values.tolist() == [["b", "sentiment"]]
    assert sorted(set(out["sentiment"]["article_id"])) == ["a", "c"]
    assert len(out["sentiment"]) == 2 * len(measure_records(recs[:1], select(["sentiment"]))["sentiment"])


def test_articles_without_mentions_get_empty_tables(calls):
    recs = [{"article_id": "a", "outlet": "X", "text": "Nothing to see here.\n"},
            {"article_id": "b", "outlet": "X", "text": "\n"}]
    out = measure_records(recs, select(["sentiment"]))
    assert not len(out["sentiment"]) and not calls
    assert (out["articles"]["status"] == "ok").all()


# --- the real model --------------------------------------------------------------------------

def _real_model():
    if not paths.package_data("sentiment_model.npz").is_file():
        pytest.skip("the sentiment model file is not installed")
    try:
        from analysis.encoder import model_dir

        model_dir()
    except RuntimeError as exc:
        pytest.skip(str(exc))


def test_real_model_chunk_run_matches_per_article(seed_corpus):
    _real_model()
    corpus = seed_corpus.head(2)
    chunk = measure_corpus(corpus, ["sentiment"])["sentiment"].astype({"article_id": "str", "outlet": "str"})
    alone = per_article(corpus)
    probs = ["score", "p_negative", "p_neutral", "p_positive"]
    assert len(chunk) > 10
    pd.testing.assert_frame_equal(chunk.drop(columns=probs), alone.drop(columns=probs))
    # batches of other inputs move the probabilities by float rounding only
    np.testing.assert_allclose(chunk[probs].to_numpy(), alone[probs].to_numpy(), rtol=0, atol=1e-5)


def test_repeated_items_are_encoded_once_and_score_alike():
    _real_model()
    from analysis import sentiment as S

    items = [("Critics condemned Assad's brutal crackdown.", 18, 23), ("Putin met Assad in Moscow.", 0, 5)]
    lower, head, tokenizer = S.build(*S.load_state())
    calls = []

    def counting(ids, att):
        calls.append(ids.shape[0])
        return lower(ids, att)

    p = S.predict_proba(items * 3, {"lower": counting, "head": head, "tokenizer": tokenizer})
    assert sum(calls) == 2
    assert (p[:2] == p[2:4]).all() and (p[:2] == p[4:]).all()


# --- generic frames: one embedding call for a chunk's sentences and actor names ----------------

def test_frames_chunk_run_embeds_once_and_matches_per_article(seed_corpus, monkeypatch):
    from analysis import embeddings, news_frames

    if not news_frames.model_available():
        pytest.skip("analysis/data/generic_frames_model.npz not built")
    _real_model()
    real, calls = embeddings.embed_sentences, []

    def counting(sentences, *a, **k):
        calls.append(len(sentences))
        return real(sentences, *a, **k)

    monkeypatch.setattr(embeddings, "embed_sentences", counting)
    corpus = seed_corpus.head(3)
    chunk = measure_corpus(corpus, ["generic_frames"])
    assert len(calls) == 1  # every sentence and actor name of the chunk in one call
    recs = records_of(corpus)
    measures = select(["generic_frames"])
    for name in ("generic_frames", "frame_sentences", "roles"):
        parts = []
        for rec, ctx in zip(recs, scan_context(recs, measures)):
            art = Article(text=rec["text"], article_id=rec["article_id"], outlet=rec["outlet"], context=ctx)
            parts.append(measure_article(art, measures)[name].assign(article_id=rec["article_id"]))
        alone = pd.concat(parts, ignore_index=True)
        got = chunk[name].drop(columns=["outlet"])
        got = got[["article_id"] + [c for c in got.columns if c != "article_id"]]
        alone = alone[got.columns].astype({"article_id": "str"})
        probs = [c for c in got.columns if c.startswith(("p_", "sentence_p_"))]
        assert len(got) == len(alone) and len(got)
        pd.testing.assert_frame_equal(got.drop(columns=probs).astype({"article_id": "str"}).reset_index(drop=True),
                                      alone.drop(columns=probs).reset_index(drop=True))
        np.testing.assert_allclose(got[probs].to_numpy(float), alone[probs].to_numpy(float), rtol=0, atol=1e-5)
