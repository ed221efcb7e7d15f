"""Measure ``quotes``: who speaks in the body, in whose words — and the scare quotes.

The logic is :mod:`analysis.measures.quotes.attribution` (quotation-mark
pairing, attribution by the dependency parse); speakers are typed from the
story's text and linked within it (one key per person) by
:func:`analysis.measures.actors.speakers.assign`, with registry actors
(:class:`analysis.measures.actors.SpeakerResolver`) as the override.
Two tables: ``quotes`` and ``scare_quotes`` of the body, offsets into the raw
page. A third, ``lead_quotes``, holds the quotations of the lead text (body +
headline and standfirst) that the actor measure reads; it is not written out.
"""

from __future__ import annotations

import pandas as pd

from analysis.core import words as core_words
from analysis.core.marks import N_SPEAKER_COLOURS, Mark, present, tooltip
from analysis.core.speakers import SPEAKER_TYPES
from analysis.engine.contract import Measure, Table, register
from analysis.measures.actors import speakers
from analysis.measures.actors.mentions import SpeakerResolver
from analysis.measures.quotes import attribution

QUOTES = Table((("quote_id", "str"), ("kind", "str"), ("fragment", "bool"), ("start", "int"), ("end", "int"),
                ("text", "str"), ("cue", "str"), ("cue_start", "int"), ("cue_end", "int"), ("cue_lemma", "str"),
                ("speaker", "str"), ("speaker_start", "int"), ("speaker_end", "int"), ("actor", "str"),
                ("speaker_type", "str"), ("channel", "str"), ("channel_start", "int"), ("channel_end", "int"),
                ("resolved_from", "str"), ("attribution", "int"), ("paragraph", "int"), ("sentence", "int")))
SCARE = Table((("start", "int"), ("end", "int"), ("text", "str"), ("inside_quote", "str"), ("paragraph", "int")))

#: One resolver per process: a cache of registry answers for speaker surfaces (a pure function).
_RESOLVER = SpeakerResolver()


def resolver() -> SpeakerResolver:
    """The process's speaker resolver (shared, so its cache of registry answers is too)."""
    return _RESOLVER


def _scare_typed(scare: pd.DataFrame) -> pd.DataFrame:
    if not len(scare):
        return scare
    return scare.astype({"start": "int64", "end": "int64", "paragraph": "int64"})


def run(article, tables):
    quotes, scare = attribution.extract(article.body, article.parse, _RESOLVER)
    same = article.lead_text == article.body
    lead = quotes if same else attribution.extract(article.lead_text, article.parse, _RESOLVER)[0]
    # speakers typed and linked over the whole story (descriptions anywhere in it count), built once
    story = speakers.ArticleSpeakers(article.lead_text, article.parse, quotes=speakers.direct_spans(lead))
    quotes = speakers.assign(article.lead_text, article.parse, quotes, _RESOLVER, story)
    lead = quotes if same else speakers.assign(article.lead_text, article.parse, lead, _RESOLVER, story)
    return {"quotes": quotes, "scare_quotes": _scare_typed(scare), "lead_quotes": lead}


def counts(article, tables) -> dict:
    """Quotations by kind, words inside them (overall and by speaker type), sources, scare quotes."""
    q, body = tables["quotes"], article.body
    starts = core_words.word_starts(body)
    spans = list(zip(q["start"].tolist(), q["end"].tolist()))
    kinds = q["kind"].tolist()
    out = {"quotes": len(q), "direct_quotes": kinds.count("direct"), "indirect_quotes": kinds.count("indirect"),
           "quoted_words": core_words.covered_words(body, spans, starts),
           "sources": len({a for a in q["actor"].tolist() if a}), "scare_quotes": len(tables["scare_quotes"])}
    stypes = q["speaker_type"].tolist()
    for t in SPEAKER_TYPES:
        out[f"quoted_words_{t}"] = core_words.covered_words(
            body, [sp for sp, st in zip(spans, stypes) if st == t], starts)
    return out


def speaker_key(row) -> str:
    """The speaker a quotation is coloured by: its actor id, else the speaker's words."""
    for v in (getattr(row, "actor", None), getattr(row, "speaker", None)):
        if present(v):
            return str(v)
    return ""


def speaker_colours(quotes: pd.DataFrame) -> dict[str, int]:
    """Colour index per speaker, in order of each speaker's first quotation."""
    keys: dict[str, int] = {}
    for row in quotes.sort_values(["start", "end"], kind="stable").itertuples(index=False):
        k = speaker_key(row)
        if k and k not in keys:
            keys[k] = len(keys) % N_SPEAKER_COLOURS
    return keys


def marks(tables) -> list[Mark]:
    """Quotations coloured by speaker, with speaker, channel and cue marked; scare quotes."""
    q = tables["quotes"]
    colours = speaker_colours(q)
    out, seen = [], {}
    for r in q.itertuples(index=False):
        key = speaker_key(r)
        col = f"vw-c{colours[key]}" if key else "vw-cnone"
        title = tooltip(kind=r.kind + (" (fragment)" if bool(r.fragment) else ""), actor=r.actor,
                        speaker_type=r.speaker_type, speaker=r.speaker, cue=r.cue, channel=r.channel,
                        resolved_from=r.resolved_from)
        out.append(Mark(int(r.start), int(r.end), "quotes", "quote", str(r.quote_id),
                        ("vw-quote", f"vw-{r.kind}", col), title, attrs={"data-speaker": key}))
        for kind in ("speaker", "channel", "cue"):
            s, e = getattr(r, f"{kind}_start"), getattr(r, f"{kind}_end")
            if not (present(s) and present(e)) or int(s) < 0 or int(e) <= int(s):
                continue
            mid = f"{kind}-{int(s)}-{int(e)}"
            if mid in seen:                       # one mark per span, listing every quotation it serves
                seen[mid].attrs["data-quotes"] += f" {r.quote_id}"
                continue
            m = Mark(int(s), int(e), "quotes", kind, mid, (f"vw-{kind}", col),
                     tooltip(**{kind: getattr(r, kind)}, actor=r.actor, speaker_type=r.speaker_type),
                     attrs={"data-quotes": str(r.quote_id), "data-speaker": key})
            seen[mid] = m
            out.append(m)
    out += [Mark(int(r.start), int(r.end), "scare_quotes", "scare", f"sq{i}", ("vw-scare",),
                 tooltip(scare_quote=r.text, inside_quote=r.inside_quote or "no"))
            for i, r in enumerate(tables["scare_quotes"].itertuples(index=False), 1)]
    return out


MEASURE = register(Measure(
    name="quotes", tables={"quotes": QUOTES, "scare_quotes": SCARE, "lead_quotes": QUOTES}, run=run,
    counts=counts, count_columns=("quotes", "direct_quotes", "indirect_quotes", "quoted_words", "sources",
                                  "scare_quotes", *[f"quoted_words_{t}" for t in SPEAKER_TYPES]),
    marks=marks, layer="quotes", doc="direct and indirect quotations, speakers, scare quotes"))
