"""Readability — the per-text and per-corpus functions users call (see README).

The logic and how to read every formula are in :mod:`analysis.measures.readability`;
the measure is :mod:`analysis.measures.readability_measure`.
"""

from __future__ import annotations

import pandas as pd

from analysis.engine import measure_corpus
from analysis.measures.readability import (  # noqa: F401  (the documented API)
    COLUMNS, LANG, readability, syllable_table, textstat_sentences)


def article_readability(corpus: pd.DataFrame, segments: pd.DataFrame | None = None,
                        nlp=None) -> pd.DataFrame:
    """One row per article: ``article_id``, ``outlet`` and :func:`readability` of its body."""
    return measure_corpus(corpus, ["readability"], nlp=nlp,
                          given={"lines": segments} if segments is not None else None)["readability"]


def outlet_readability(corpus: pd.DataFrame, segments: pd.DataFrame | None = None,
                       nlp=None) -> pd.DataFrame:
    """One row per outlet: :func:`readability` of its articles' bodies pooled, plus ``articles``.

    Pooling (not averaging article scores) weights each sentence and word equally.
    """
    from analysis.boilerplate import corpus_bodies

    bodies = corpus_bodies(corpus, segments)
    rows = [{"outlet": outlet, "articles": len(group), **readability("\n\n".join(group["body"]), nlp)}
            for outlet, group in bodies.groupby("outlet", sort=True)]
    return pd.DataFrame(rows, columns=["outlet", "articles", *COLUMNS])
