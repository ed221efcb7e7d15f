"""Measure ``mentions``: every actor mention in the lead text (body + headline and standfirst).

The logic is :mod:`analysis.measures.actors.mentions` (registry aliases, mention
rules on the parse, spaCy entities as ad-hoc actors). The actor registry it reads
is the study's data file (``analysis/data/actors.csv``); a user's own registry
in the same format replaces it. A mention inside a quotation of the lead text
(the ``lead_quotes`` of the quotes measure) carries that quotation's kind and
speaker.
"""

from __future__ import annotations

from analysis.core.marks import Mark, tooltip
from analysis.engine.contract import Measure, Table, register
from analysis.measures.actors.mentions import SpeakerResolver, find_mentions  # noqa: F401

MENTIONS = Table((("actor", "str"), ("actor_type", "str"), ("surface", "str"), ("label", "str"),
                  ("start", "int"), ("end", "int"), ("sentence", "Int64"), ("sentence_start", "Int64"),
                  ("sentence_end", "Int64"), ("in_quote", "str"), ("quote_speaker", "any"), ("source", "str")))


def run(article, tables):
    return {"mentions": find_mentions(article.lead_text, quotes=tables["lead_quotes"], nlp=article.parse)}


def counts(article, tables) -> dict:
    return {"mentions": len(tables["mentions"])}


def marks(tables) -> list[Mark]:
    return [Mark(int(r.start), int(r.end), "mentions", "mention", f"m{i}", ("vw-mention",),
                 tooltip(actor=r.actor, actor_type=r.actor_type, label=r.label, in_quote=r.in_quote,
                         quote_speaker=r.quote_speaker, source=r.source),
                 tag=f"{r.actor} · {r.label}" if r.label != r.actor else str(r.actor),
                 attrs={"data-actor": r.actor, "data-label": r.label})
            for i, r in enumerate(tables["mentions"].itertuples(index=False), 1)]


MEASURE = register(Measure(
    name="mentions", tables={"mentions": MENTIONS}, run=run, needs=("lead_quotes",), counts=counts,
    count_columns=("mentions",), marks=marks, layer="mentions", doc="actor mentions and their labels"))
