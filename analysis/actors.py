"""Actors — the per-text and per-corpus functions users call (see README).

The logic lives in :mod:`analysis.measures.actors.mentions` (documented there:
the registry, mention rules, labels, NER fallback); the measure is
:mod:`analysis.measures.actors`. :func:`find_mentions` takes a text as it is
and shares one parse per text with the other per-text functions;
:func:`corpus_mentions` goes through the engine.
"""

from __future__ import annotations

import pandas as pd

from analysis.core.article import LEAD_REASONS, kept_text
from analysis.core.speakers import SPEAKER_TYPES  # noqa: F401
from analysis.engine import measure_corpus, text_tables
from analysis.measures.actors import mentions as _impl
from analysis.measures.actors.mentions import (  # noqa: F401  (the documented API)
    ACTOR_TYPES, COLUMNS, FORMS, NER_LABELS, REGISTRY_COLUMNS, REGISTRY_FILE, SpeakerResolver, actor_info,
    adhoc_id, label_table, mention_counts, registry, resolve)

#: Furniture lines read with the body for actors: the story's own headline and standfirst.
KEEP_FURNITURE_REASONS = LEAD_REASONS


def find_mentions(text: str, quotes: pd.DataFrame | None = None, nlp=None, ner: bool = True) -> pd.DataFrame:
    """Every actor mention in ``text``, one row per mention (columns :data:`COLUMNS`).

    ``text`` is usually :func:`article_text` of a raw page (chrome blanked, same
    length), so ``start``/``end`` index the raw page: ``text[start:end] == surface``.
    ``sentence`` is the 1-based index of :func:`analysis.sentences.sentences`.
    ``quotes`` is a table with ``start``, ``end``, ``kind`` and ``actor`` (as
    :func:`analysis.quotes.extract_quotes` returns); when None, the quotations
    of ``text`` are found (with the same parse). A mention inside one gets
    ``in_quote`` = its kind (``direct`` wins) and ``quote_speaker`` = its actor.
    ``source`` is ``registry`` or ``ner`` (``ner=False`` skips ad-hoc actors).
    """
    if ner and quotes is None:
        return text_tables(text, ["mentions"], nlp)["mentions"]
    if quotes is None:
        quotes = text_tables(text, ["quotes"], nlp)["lead_quotes"]
    return _impl.find_mentions(text, quotes=quotes, nlp=nlp, ner=ner)


def article_text(raw: str, segments: pd.DataFrame | None = None) -> str:
    """The text actors are read from: body plus headline and standfirst, chrome blanked.

    Same length as ``raw`` (see :func:`analysis.boilerplate.body_text`), so
    offsets index the raw page.
    """
    from analysis.boilerplate import segment

    seg = segment(raw) if segments is None else segments
    return kept_text(raw, seg, reasons=LEAD_REASONS)


def corpus_mentions(corpus: pd.DataFrame, nlp=None, quotes: dict | None = None,
                    ner: bool = True, segments: pd.DataFrame | None = None) -> pd.DataFrame:
    """:func:`find_mentions` for every article of ``corpus`` (``article_id`` and ``outlet`` first).

    Text per article is :func:`article_text` (body + headline/standfirst), with
    boilerplate segmented per outlet; ``segments`` is an already computed
    :func:`analysis.boilerplate.segment_corpus` table. ``quotes`` and ``ner``
    are kept for compatibility: the engine finds each article's quotations
    itself, and ad-hoc (NER) actors are always included.
    """
    out = measure_corpus(corpus, ["mentions"], nlp=nlp,
                         given={"lines": segments} if segments is not None else None)["mentions"]
    out.attrs["quotes"] = "each article's quotations (analysis.quotes, on the same parse)"
    return out
