"""Quotes — the per-text and per-corpus functions users call (see README).

The logic lives in :mod:`analysis.measures.quotes.attribution` (documented
there: direct and indirect quotations, attribution, speakers, scare quotes);
the measure is :mod:`analysis.measures.quotes`. :func:`extract_quotes` and
:func:`scare_quotes` take a text as it is (all of it body) and share one parse
per text with the other per-text functions; :func:`corpus_quotes` goes through
the engine.
"""

from __future__ import annotations

import pandas as pd

from analysis.core.parse import Parse, parse_of
from analysis.core.speakers import SPEAKER_TYPES  # noqa: F401
from analysis.engine import measure_corpus, text_tables
from analysis.measures.actors import speakers
from analysis.measures.quotes import attribution
from analysis.measures.quotes.measure import MEASURE, resolver, speaker_colours, speaker_key  # noqa: F401
from analysis.measures.quotes.attribution import (  # noqa: F401  (the documented API)
    ATTRIBUTION_CUES_FILE, ATTRIBUTION_MIN_SHARE, SCOPES, CLOSE_DOUBLE, CLOSE_SINGLE, COLUMNS, DERIVED_MIN_SHARE, DERIVED_OBJECT_MIN_SHARE,
    OPEN_DOUBLE, OPEN_SINGLE, REPORTING_VERBS_FILE, REPRINT_MAX_PARAGRAPHS, SCARE_COLUMNS, SCARE_MAX_WORDS,
    attribution_cues, quotation_spans, reporting_verbs, reprint_evidence, speaker_ledger, typewriter_marks)


def extract_quotes(text: str, nlp=None) -> pd.DataFrame:
    """One row per quotation of ``text`` (columns :data:`COLUMNS`; see the module docstring).

    ``attribution`` groups rows that share one act of speaking (a quotation
    interrupted by its attribution gives two direct rows with one attribution
    id). ``resolved_from`` gives the antecedent of a pronoun speaker. ``nlp``
    is an :class:`analysis.core.parse.Parse` of the text or a spaCy pipeline.
    """
    return text_tables(text, ["quotes"], nlp)["quotes"]


def extract_attributions(text: str, nlp=None) -> pd.DataFrame:
    """:func:`extract_quotes` in the ``"attribution"`` scope: PolNeAR's broader notion of a
    report, which also takes in beliefs, intentions and evaluations ("wants to", "endorsed",
    "the two discussed …"); the study's measure keeps to speech. For scoring against PolNeAR."""
    parse = parse_of(text, nlp)
    found = attribution.extract(text, parse, resolver(), scope="attribution")[0]
    return speakers.assign(text, parse, found, resolver())


def scare_quotes(text: str, nlp=None) -> pd.DataFrame:
    """Short quoted terms with no speaker that modify a noun; columns :data:`SCARE_COLUMNS`."""
    return text_tables(text, ["quotes"], nlp)["scare_quotes"]


def corpus_quotes(corpus: pd.DataFrame, segments: pd.DataFrame | None = None
                  ) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, str]]:
    """Quotations and scare quotes of every article's body (offsets into the raw text).

    Returns ``(quotes, scare, bodies)``: the two tables with ``article_id`` and
    ``outlet`` first, and each article's body text (for :func:`speaker_ledger`).
    ``segments`` is :func:`analysis.boilerplate.segment_corpus` output (computed
    when not given).
    """
    from analysis.boilerplate import corpus_bodies

    tables = measure_corpus(corpus, ["quotes"], given={"lines": segments} if segments is not None else None)
    bodies = corpus_bodies(corpus, segments if segments is not None else tables["lines"])
    return tables["quotes"], tables["scare_quotes"], dict(zip(bodies["article_id"], bodies["body"]))


__all__ = ["extract_quotes", "extract_attributions", "scare_quotes", "corpus_quotes", "speaker_ledger", "quotation_spans",
           "reporting_verbs", "attribution_cues", "reprint_evidence", "typewriter_marks", "COLUMNS", "SCARE_COLUMNS", "SPEAKER_TYPES", "Parse"]
