"""Measure ``sentences``: every body sentence, with its uncertainty verdicts (CoNLL-2010 task 1 sense).

The logic is :func:`analysis.measures.hedging.sentence_table`: the hedge
lexicon's cues and the shipped model's probability, read from each sentence as
parsed in its paragraph. ``model`` is the verdict the study reports.
"""

from __future__ import annotations

from analysis.engine.contract import Measure, Table, register
from analysis.measures import hedging

SENTENCES = Table((("sentence", "int"), ("paragraph", "int"), ("start", "int"), ("end", "int"), ("text", "str"),
                   ("cues", "str"), ("semantic", "bool"), ("discourse", "bool"), ("lexicon", "bool"),
                   ("p_model", "float"), ("model", "bool")))


def run(article, tables):
    return {"sentences": hedging.sentence_table(article.body, article.parse)}


def counts(article, tables) -> dict:
    s = tables["sentences"]
    return {"sentences": len(s), "uncertain_sentences": int(s["model"].sum())}


MEASURE = register(Measure(
    name="sentences", tables={"sentences": SENTENCES}, run=run, counts=counts,
    count_columns=("sentences", "uncertain_sentences"), doc="body sentences and their uncertainty"))
