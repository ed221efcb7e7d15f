"""Hedging — the per-text and per-corpus functions users call (see README).

The logic lives in :mod:`analysis.measures.hedging` (documented there: the
lexicon, its context rules, the sentence model); the measures are
:mod:`analysis.measures.hedges` and :mod:`analysis.measures.uncertainty`.
:func:`find_hedges` and :func:`article_rates` take a text as it is and share
one parse per text with the other per-text functions; the corpus tables go
through the engine.
"""

from __future__ import annotations

import pandas as pd

from analysis.engine import measure_corpus, text_tables
from analysis.engine.texts import text_article
from analysis.measures import hedging as _impl
from analysis.measures.hedging import (  # noqa: F401  (the documented API)
    CATEGORIES, COLUMNS, GENRES, HEDGE_CATEGORIES, LEXICON_FILE, MODEL_FILE, QUOTE_KINDS, UNCERTAINTY,
    VOICES, LexiconError, candidates, cues_in_doc, genre_features, lexicon, lexicon_sha256, model_info, model_verdicts,
    outlet_rates, quote_spans, sentence_features, sentence_table, sentence_uncertainty, summary_rates,
    uncertain_sentences)


def find_hedges(text: str, quotes: pd.DataFrame | None = None, nlp=None) -> pd.DataFrame:
    """One row per hedge/booster cue in ``text`` (columns :data:`COLUMNS`).

    ``category`` is one of :data:`CATEGORIES`, ``uncertainty`` the kind of
    uncertainty the cue signals ('semantic', 'discourse' or 'none').
    ``text[start:end] == cue``; ``sentence`` is the number of its sentence in
    :func:`analysis.sentences.sentences` of the same text. ``in_quote`` is
    'direct', 'indirect' or 'no' and ``quote_actor`` the quoted actor; the
    quotations are ``quotes`` when given, else those found in ``text``.
    """
    if quotes is None:
        return text_tables(text, ["hedges"], nlp)["hedges"]
    return _impl.find_hedges(text, quotes=quotes, nlp=_parse(text, nlp))


def article_rates(text: str, quotes: pd.DataFrame | None = None, nlp=None,
                  cues: pd.DataFrame | None = None) -> pd.DataFrame:
    """Cues per 1,000 words of one (body) text, by voice × category (see the measures module)."""
    if quotes is None and cues is None:
        return text_tables(text, ["hedges"], nlp)["hedge_rates"]
    if quotes is None:
        quotes = text_tables(text, ["quotes"], nlp)["quotes"]
    return _impl.article_rates(text, quotes=quotes, nlp=_parse(text, nlp), cues=cues)


def _parse(text, nlp):
    return nlp if nlp is not None else text_article(text).parse


def corpus_cues(corpus: pd.DataFrame, segments: pd.DataFrame | None = None,
                quotes: dict[str, pd.DataFrame] | None = None, nlp=None) -> pd.DataFrame:
    """:func:`find_hedges` of every article's body, with ``article_id`` and ``outlet`` first."""
    return _corpus(corpus, segments, nlp)["hedges"]


def corpus_sentences(corpus: pd.DataFrame, segments: pd.DataFrame | None = None, nlp=None) -> pd.DataFrame:
    """Every body sentence of every article with its uncertainty verdicts (the ``sentences`` measure)."""
    return _corpus(corpus, segments, nlp, "sentences")["sentences"]


def hedge_rates(corpus: pd.DataFrame, segments: pd.DataFrame | None = None,
                quotes: dict[str, pd.DataFrame] | None = None, nlp=None) -> pd.DataFrame:
    """:func:`article_rates` of every article's body: ``outlet, article_id, voice, category, count, …``."""
    t = _corpus(corpus, segments, nlp)["hedge_rates"]
    cols = list(t.columns)
    cols[0], cols[1] = "outlet", "article_id"
    return t[cols]


def _corpus(corpus, segments, nlp, name="hedges"):
    return measure_corpus(corpus, [name], nlp=nlp, given={"lines": segments} if segments is not None else None)
