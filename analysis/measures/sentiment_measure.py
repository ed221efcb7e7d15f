"""Measure ``sentiment`` (optional): the sentiment toward every actor mention, in its sentence.

The model is :func:`analysis.sentiment.classify_targets` (MiniLM, target marked,
fitted on NewsMTSC; see ``analysis/data/sentiment_model.md``); the join of
mentions to sentences is :func:`analysis.measures.actor_sentiment.mention_sentiment`.
Off by default: it needs the model file and multiplies the run time. For a
chunk of articles the engine calls :func:`run_chunk`: all their mentions go
through the encoder together (the same rows as :func:`run` article by article).
"""

from __future__ import annotations

import pandas as pd

from analysis.core.marks import Mark, tooltip
from analysis.engine.contract import Measure, Table, register
from analysis.measures import actor_sentiment
from analysis.measures.actors.measure import MENTIONS

SENTIMENT = Table(MENTIONS.columns + (("sentence_text", "str"), ("voice", "str"), ("sentiment", "str"),
                                      ("score", "float"), ("p_negative", "float"), ("p_neutral", "float"),
                                      ("p_positive", "float")))


def run(article, tables, classify=None):
    from analysis import sentiment  # looked up at call time, so a stand-in classifier can replace it

    m = tables["mentions"].assign(article_id=article.article_id)
    out = actor_sentiment.mention_sentiment(m, {article.article_id: article.text},
                                            classify=classify or sentiment.classify_targets)
    return {"sentiment": out.drop(columns=["article_id"]).reindex(columns=SENTIMENT.names)}


def run_chunk(articles, tables, classify=None):
    """:func:`run` for a chunk's articles at once: every mention of every article in one
    classifier call (one encoder stream, length-bucketed batches), split back per article."""
    from analysis import sentiment

    keys = [str(k) for k in range(len(articles))]
    parts = [t["mentions"].assign(article_id=k) for k, t in zip(keys, tables) if len(t["mentions"])]
    if not parts:
        return [{"sentiment": SENTIMENT.empty()} for _ in articles]
    m = parts[0] if len(parts) == 1 else pd.concat(parts, ignore_index=True)
    out = actor_sentiment.mention_sentiment(m, {k: a.text for k, a in zip(keys, articles)},
                                            classify=classify or sentiment.classify_targets)
    by = dict(tuple(out.groupby("article_id", sort=False)))
    empty = out.iloc[0:0]
    return [{"sentiment": by.get(k, empty).drop(columns=["article_id"]).reindex(columns=SENTIMENT.names)}
            for k in keys]


def marks(tables) -> list[Mark]:
    return [Mark(int(r.start), int(r.end), "sentiment", "sentiment", f"s{i}",
                 ("vw-sentiment", f"vw-{r.sentiment}"),
                 tooltip(target=r.surface, actor=r.actor, sentiment=r.sentiment, score=f"{r.score:+.2f}",
                         voice=r.voice, quote_speaker=r.quote_speaker),
                 tag=f"{r.score:+.2f}".replace("-", "\u2212"), attrs={"data-sentiment": r.sentiment})
            for i, r in enumerate(tables["sentiment"].itertuples(index=False), 1)]


MEASURE = register(Measure(
    name="sentiment", tables={"sentiment": SENTIMENT}, run=run, run_chunk=run_chunk, needs=("mentions",), marks=marks,
    layer="sentiment", default=False, doc="target sentiment toward each mention"))
