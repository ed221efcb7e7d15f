"""Boilerplate — the per-text and per-corpus functions users call (see README).

The logic lives in :mod:`analysis.measures.boilerplate` (documented there:
labels, signals, model); the measure is :mod:`analysis.measures.lines`. This
module keeps the documented names: :func:`segment`, :func:`boilerplate_ratio`,
:func:`body_text`, and the corpus tables :func:`segment_corpus` and
:func:`corpus_bodies`, which go through the engine.
"""

from __future__ import annotations

import pandas as pd

from analysis.engine import measure_corpus
from analysis.measures.boilerplate import (  # noqa: F401  (the documented API)
    LABELS, LEXICON_FILE, MODEL_FILE, RepeatedLines, body_probability, body_text, boilerplate_ratio, line_model,
    stopwords, FEATURES, THRESHOLD, CLEAN_MIN_SENTENCE_SHARE, CLEAN_CUT_MAX_WORDS, page_evidence, page_is_clean,
    label_shares, lexicon, line_features, normalise_line, segment, split_lines, template_lines)


def segment_corpus(corpus: pd.DataFrame, model: dict | None = None,
                   min_sentence_share: float | None = CLEAN_MIN_SENTENCE_SHARE) -> pd.DataFrame:
    """:func:`segment` for every article, with lines repeated across an outlet's articles as chrome.

    A line (normalised for case and spacing, at least 3 words) that appears in
    two or more articles of the same outlet is chrome (template text). One row
    per non-blank line with ``article_id`` and ``outlet`` first (an article with
    no non-blank line has no row; :func:`corpus_bodies` has one for every
    article). ``model`` replaces the shipped line model; ``min_sentence_share``
    the clean-page gate's threshold (``None``: no gate, see :func:`segment`).
    """
    if model is None and min_sentence_share == CLEAN_MIN_SENTENCE_SHARE:
        return measure_corpus(corpus, ["lines"])["lines"]
    rep = RepeatedLines()
    for row in corpus.itertuples(index=False):
        rep.add(row.outlet, row.text)
    rep.freeze()
    parts = []
    for row in corpus.itertuples(index=False):
        seg = segment(row.text, repeated=rep.of(row.outlet, row.text), model=model,
                      min_sentence_share=min_sentence_share)
        seg.insert(0, "outlet", row.outlet)
        seg.insert(0, "article_id", row.article_id)
        parts.append(seg)
    if not parts:
        seg = segment("")
        return seg.reindex(columns=["article_id", "outlet", *seg.columns])
    return pd.concat(parts, ignore_index=True)


def corpus_bodies(corpus: pd.DataFrame, segments: pd.DataFrame | None = None) -> pd.DataFrame:
    """Each article's :func:`body_text`: columns ``article_id``, ``outlet``, ``body`` (every article)."""
    seg = segment_corpus(corpus) if segments is None else segments
    by_article = dict(tuple(seg.groupby("article_id", sort=False)))
    empty = seg.iloc[0:0]
    bodies = [body_text(row.text, by_article.get(row.article_id, empty))
              for row in corpus.itertuples(index=False)]
    return corpus[["article_id", "outlet"]].assign(body=bodies).reset_index(drop=True)
