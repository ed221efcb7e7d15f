"""Measure ``sentiment`` (optional): the sentiment toward every actor mention, in its sentence.

The model is :func:`analysis.sentiment.classify_targets` (MiniLM, target marked,
fitted on NewsMTSC; see ``analysis/data/sentiment_model.md``); the join of
mentions to sentences is :func:`analysis.measures.actor_sentiment.mention_sentiment`.
Off by default: it needs the model file and multiplies the run time.
"""

from __future__ import annotations

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


def marks(tables) -> list[Mark]:
    return [Mark(int(r.start), int(r.end), "sentiment", "sentiment", f"s{i}",
                 ("vw-sentiment", f"vw-{r.sentiment}"),
                 tooltip(target=r.surface, actor=r.actor, sentiment=r.sentiment, score=f"{r.score:+.2f}",
                         voice=r.voice, quote_speaker=r.quote_speaker),
                 tag=f"{r.score:+.2f}".replace("-", "\u2212"), attrs={"data-sentiment": r.sentiment})
            for i, r in enumerate(tables["sentiment"].itertuples(index=False), 1)]


MEASURE = register(Measure(
    name="sentiment", tables={"sentiment": SENTIMENT}, run=run, needs=("mentions",), marks=marks,
    layer="sentiment", default=False, doc="target sentiment toward each mention"))
