"""Sentiment toward each actor mention, in the outlet's own voice or a quoted one.

Joins :mod:`analysis.actors` (who is mentioned, where, and whether inside a
quotation and whose) with :func:`analysis.sentiment.classify_targets`
(sentiment toward a target span in its sentence; Hamborg & Donnay 2021's
target-dependent task). Every judgement keeps the mention's offsets and its
sentence, so each cell of a summary can be traced back to sentences — and the
study never blames an outlet for what its sources said: ``voice`` is ``own``
outside quotations and ``quoted`` inside them (with ``quote_speaker``).

How to read :func:`sentiment_summary`: ``mean_score`` is the mean of the
classifier's score (P(positive) − P(negative), in [−1, 1]) over the *sentences*
that mention the actor in that voice — a sentence mentioning the actor twice
counts once — with a percentile bootstrap interval over those sentences
(Efron & Tibshirani 1993). With a handful of sentences per cell, intervals are
wide: read them, not the point estimates.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from analysis.stats import bootstrap_ci

VOICES = ("own", "quoted")


def mention_sentiment(mentions: pd.DataFrame, texts: Mapping[str, str],
                      actors: tuple[str, ...] | None = None, classify=None) -> pd.DataFrame:
    """One row per actor mention with the sentiment toward it.

    ``mentions`` is :func:`analysis.actors.corpus_mentions` output (with
    ``article_id``, ``sentence_start``/``sentence_end``, ``in_quote``,
    ``quote_speaker``); ``texts`` maps article_id to the text the offsets
    index (the raw article). ``actors`` restricts the actors (default: all).
    ``classify`` defaults to :func:`analysis.sentiment.classify_targets`.
    Adds ``sentence_text``, ``voice``, ``sentiment`` (label), ``score`` and the
    class probabilities.
    """
    if classify is None:
        from analysis.sentiment import classify_targets as classify
    m = mentions if actors is None else mentions[mentions["actor"].isin(actors)]
    m = m[m["sentence_start"].notna()].reset_index(drop=True)
    sentences = [texts[a][int(s):int(e)] for a, s, e in zip(m["article_id"], m["sentence_start"], m["sentence_end"])]
    spans = [(int(st) - int(s), int(en) - int(s)) for st, en, s in zip(m["start"], m["end"], m["sentence_start"])]
    res = classify(sentences, spans).reset_index(drop=True)
    out = m.copy()
    out["sentence_text"] = sentences
    out["voice"] = np.where(out["in_quote"] == "no", "own", "quoted")
    out["sentiment"] = res["label"].to_numpy()
    out["score"] = res["score"].to_numpy()
    for col in ("p_negative", "p_neutral", "p_positive"):
        if col in res:
            out[col] = res[col].to_numpy()
    return out


def sentiment_summary(ms: pd.DataFrame, by: tuple[str, ...] = ("outlet", "actor", "voice")) -> pd.DataFrame:
    """Mean sentiment per group with its n and a bootstrap interval over sentences.

    Columns: the ``by`` keys, ``n_mentions``, ``n_sentences``, ``mean_score``,
    ``ci_low``, ``ci_high``, ``share_negative``, ``share_positive`` (of mentions).
    """
    rows = []
    for key, g in ms.groupby(list(by), sort=True):
        per_sentence = g.groupby(["article_id", "sentence"])["score"].mean().to_numpy()
        lo, hi = bootstrap_ci(per_sentence)
        rows.append({**dict(zip(by, key if isinstance(key, tuple) else (key,))),
                     "n_mentions": len(g), "n_sentences": len(per_sentence),
                     "mean_score": round(float(per_sentence.mean()), 4),
                     "ci_low": round(lo, 4), "ci_high": round(hi, 4),
                     "share_negative": round(float((g["sentiment"] == "negative").mean()), 4),
                     "share_positive": round(float((g["sentiment"] == "positive").mean()), 4)})
    return pd.DataFrame(rows)
