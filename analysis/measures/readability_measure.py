"""Measure ``readability``: textstat's formulas and the counts behind them, one row per article body.

The logic is :func:`analysis.measures.readability.readability` (see that module
for how textstat counts and where it misleads). ``words`` is the library's word
count (:mod:`analysis.core.words`); ``words_textstat`` is textstat's own.
"""

from __future__ import annotations

import pandas as pd

from analysis.engine.contract import Measure, Table, register
from analysis.measures import readability

_KINDS = {"sentences_textstat": "int", "sentences_spacy": "int", "words_textstat": "int", "words": "int",
          "syllables": "int"}
READABILITY = Table(tuple((c, _KINDS.get(c, "float")) for c in readability.COLUMNS), grain="article")


def run(article, tables):
    return {"readability": pd.DataFrame([readability.readability(article.body, article.parse)],
                                        columns=readability.COLUMNS)}


def counts(article, tables) -> dict:
    r = tables["readability"]
    return {k: int(r[k].iat[0]) for k in ("words_textstat", "sentences_textstat", "syllables")}


MEASURE = register(Measure(
    name="readability", tables={"readability": READABILITY}, run=run, counts=counts,
    count_columns=("words_textstat", "sentences_textstat", "syllables"), doc="readability formulas"))
