"""Measure ``hedges``: every hedge and booster cue of the body, and cues per 1,000 words by voice.

The logic is :mod:`analysis.measures.hedging` (lexicon ``data/hedge_lexicon.csv``
with context rules). Two tables: ``hedges`` (one row per cue, with the
quotation it sits in) and ``hedge_rates`` (voice × category per article).
"""

from __future__ import annotations

from analysis.core.marks import Mark, tooltip
from analysis.engine.contract import Measure, Table, register
from analysis.measures import hedging

_KINDS = {"start": "int", "end": "int", "sentence": "int", "sentence_start": "int", "sentence_end": "int"}
HEDGES = Table(tuple((c, _KINDS.get(c, "str")) for c in hedging.COLUMNS))
RATES = Table((("voice", "str"), ("category", "str"), ("count", "int"), ("words", "int"), ("sentences", "int"),
               ("per_1000", "float")), grain="article")


def run(article, tables):
    cues = hedging.find_hedges(article.body, quotes=tables["quotes"], nlp=article.parse)
    rates = hedging.article_rates(article.body, quotes=tables["quotes"], nlp=article.parse, cues=cues)
    return {"hedges": cues.reindex(columns=HEDGES.names), "hedge_rates": rates}


def counts(article, tables) -> dict:
    out = {"hedges_own": 0, "hedges_quoted": 0, "boosters_own": 0, "boosters_quoted": 0,
           "words_own": 0, "words_quoted": 0}
    r = tables["hedge_rates"]
    for voice, cat, n, words in zip(r["voice"].tolist(), r["category"].tolist(), r["count"].tolist(),
                                    r["words"].tolist()):
        out[f"words_{voice}"] = int(words)
        if cat in hedging.HEDGE_CATEGORIES:
            out[f"hedges_{voice}"] += int(n)
        elif cat == "booster":
            out[f"boosters_{voice}"] += int(n)
    return out


def marks(tables) -> list[Mark]:
    return [Mark(int(r.start), int(r.end), "hedges", "hedge", f"h{i}", ("vw-hedge", f"vw-h-{r.category}"),
                 tooltip(cue=r.cue, category=r.category, uncertainty=r.uncertainty, in_quote=r.in_quote,
                         quote_actor=r.quote_actor, rule=r.rule),
                 attrs={"data-category": r.category})
            for i, r in enumerate(tables["hedges"].itertuples(index=False), 1)]


MEASURE = register(Measure(
    name="hedges", tables={"hedges": HEDGES, "hedge_rates": RATES}, run=run, needs=("quotes",),
    counts=counts, count_columns=("hedges_own", "hedges_quoted", "boosters_own", "boosters_quoted",
                                  "words_own", "words_quoted"),
    marks=marks, layer="hedges", doc="hedges and boosters by voice"))
