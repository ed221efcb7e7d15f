"""Measure ``parts``: the headline, standfirst and first paragraph reported apart from the rest of the body.

News is written as an inverted pyramid: the headline, the standfirst (dek) and
the first paragraph (the lead) carry what the outlet puts first, and most
readers read no further (Pöttker 2003, *News and its communicative quality:
the inverted pyramid — when and why did it appear?*, Journalism Studies 4(4);
Entman 1993 on salience). This measure cuts each article into
:data:`PARTS` — ``headline`` and ``standfirst`` (the lines the boilerplate
measure gives those reasons, :data:`analysis.core.article.LEAD_REASONS`),
``lead`` (the first paragraph of the body) and ``rest`` (the rest of the body)
— and counts in each what the other measures found there, by offset:

``words``; ``mentions`` (actor mentions) and ``designations`` (labels by a
common noun, :mod:`analysis.measures.label_voice`) with ``designations_own``,
``designations_reported``, ``designations_distanced``; ``hedges`` and
``boosters`` (:mod:`analysis.measures.hedging`'s lexicon; for the headline and
standfirst read here, the ``hedges`` table covering the body only);
``quoted_words`` (inside quotations of the lead text) and ``quotes`` (quotations
starting in the part).

One row per part and article, also for a part the page lacks (``present`` is
False, every count 0, ``start`` = ``end`` = 0). ``start``/``end`` span the
part's first to last character. Rates: per 1,000 words of the part (hedges), a
share of its words (quoted words); with one article per outlet a headline is
a handful of words, so read each rate with its ``words``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.core import words as core_words
from analysis.core.article import LEAD_REASONS, blank_outside
from analysis.core.marks import Mark, tooltip
from analysis.core.units import paragraph_rows
from analysis.engine.contract import Measure, Table, register
from analysis.measures import hedging
from analysis.measures.label_voice import VOICES

PARTS = ("headline", "standfirst", "lead", "rest")
COUNTS = ("words", "mentions", "designations", *[f"designations_{v}" for v in VOICES], "hedges", "boosters",
          "quoted_words", "quotes")
PARTS_TABLE = Table((("part", "str"), ("present", "bool"), ("start", "int"), ("end", "int"),
                     *[(c, "int") for c in COUNTS]), grain="article")


def part_spans(lines: pd.DataFrame | None, body: str) -> dict[str, list[tuple[int, int]]]:
    """``{part: [(start, end), …]}``: the lines of headline and standfirst, the lead paragraph, the rest."""
    out = {p: [] for p in PARTS}
    if lines is not None and len(lines) and "reason" in lines.columns:
        reasons, starts, ends = lines["reason"].tolist(), lines["start"].tolist(), lines["end"].tolist()
        for reason in LEAD_REASONS:
            out[reason] = [(int(s), int(e)) for r, s, e in zip(reasons, starts, ends) if r == reason]
    paras = paragraph_rows(body)
    if paras:
        out["lead"] = [(paras[0].start, paras[0].end)]
        out["rest"] = [(p.start, p.end) for p in paras[1:]]
    return out


def which_part(spans: dict[str, list[tuple[int, int]]], offsets) -> list[str]:
    """The part each offset lies in (``""`` outside every part): to give any table of offsets a ``part``."""
    flat = sorted((s, e, p) for p, ss in spans.items() for s, e in ss)
    offs = np.asarray(offsets if isinstance(offsets, np.ndarray) else list(offsets), dtype=np.int64)
    if not flat or not len(offs):
        return [""] * len(offs)
    starts = np.array([s for s, _, _ in flat], dtype=np.int64)
    ends = np.array([e for _, e, _ in flat], dtype=np.int64)
    k = np.searchsorted(starts, offs, side="right") - 1     # every offset at once
    inside = (k >= 0) & (offs < ends[np.maximum(k, 0)])
    names = [p for _, _, p in flat]
    return [names[j] if ok else "" for j, ok in zip(k.tolist(), inside.tolist())]


def part_of_rows(parts: pd.DataFrame, table: pd.DataFrame) -> list[str]:
    """The part (of a corpus ``parts`` table) each row of ``table`` (``article_id``, ``start``) starts in;
    ``""`` outside every part (e.g. a caption)."""
    spans = {aid: {p: [(int(s), int(e))] for p, s, e, ok in zip(g["part"], g["start"], g["end"], g["present"]) if ok}
             for aid, g in parts.groupby("article_id")}
    out = []
    for aid, start in zip(table["article_id"].tolist(), table["start"].tolist()):
        out.append(which_part(spans.get(aid, {}), [start])[0] if spans.get(aid) else "")
    return out


def part_table(text: str, body: str, lines, parse, mentions, labels, hedges, quotes) -> pd.DataFrame:
    """The ``parts`` table of one article (see the module docstring)."""
    spans = part_spans(lines, body)
    head = [sp for p in LEAD_REASONS for sp in spans[p]]
    head_cues = hedging.find_hedges(blank_outside(text, head), quotes=quotes, nlp=parse) if head else None
    cue_starts, cue_cats = hedges["start"].tolist(), hedges["category"].tolist()
    if head_cues is not None:  # the headline's and standfirst's cues first, then the body's
        cue_starts = head_cues["start"].tolist() + cue_starts
        cue_cats = head_cues["category"].tolist() + cue_cats
    wpos = core_words.word_starts(blank_outside(text, [sp for ss in spans.values() for sp in ss]))
    q_spans = list(zip(quotes["start"].tolist(), quotes["end"].tolist()))
    part_of = {
        "words": which_part(spans, wpos),
        "mentions": which_part(spans, mentions["start"].tolist()),
        "labels": which_part(spans, labels["start"].tolist()),
        "cues": which_part(spans, cue_starts),
        "quotes": which_part(spans, quotes["start"].tolist()),
    }
    quoted = np.zeros(len(wpos), dtype=bool)
    for s, e in q_spans:
        quoted |= (wpos >= s) & (wpos < e)
    desig = labels["designation"].to_numpy(dtype=bool)
    voice = labels["voice"].to_numpy()
    hedge = np.array([c in hedging.HEDGE_CATEGORIES for c in cue_cats], dtype=bool)
    boost = np.array([c == "booster" for c in cue_cats], dtype=bool)
    words_in, labels_in, cues_in = (np.array(part_of[k], dtype=object) for k in ("words", "labels", "cues"))
    rows = []
    for p in PARTS:
        w = np.asarray(words_in == p, dtype=bool)
        lab = np.asarray(labels_in == p, dtype=bool)
        cue = np.asarray(cues_in == p, dtype=bool)
        ss = spans[p]
        row = {"part": p, "present": bool(ss), "start": min(s for s, _ in ss) if ss else 0,
               "end": max(e for _, e in ss) if ss else 0, "words": int(w.sum()),
               "mentions": part_of["mentions"].count(p), "designations": int((lab & desig).sum())}
        for v in VOICES:
            row[f"designations_{v}"] = int((lab & desig & (voice == v)).sum())
        row.update({"hedges": int((cue & hedge).sum()), "boosters": int((cue & boost).sum()),
                    "quoted_words": int((w & quoted).sum()), "quotes": part_of["quotes"].count(p)})
        rows.append(row)
    return pd.DataFrame(rows, columns=PARTS_TABLE.names)


def run(article, tables):
    return {"parts": part_table(article.text, article.body, article.lines, article.parse, tables["mentions"],
                                tables["label_voice"], tables["hedges"], tables["lead_quotes"])}


def counts(article, tables) -> dict:
    t = tables["parts"]
    words = dict(zip(t["part"].tolist(), t["words"].tolist()))
    return {f"{p}_words": int(words[p]) for p in PARTS}


def marks(tables) -> list[Mark]:
    t = tables["parts"]
    return [Mark(int(r.start), int(r.end), "parts", "part", f"pt-{r.part}", ("vw-part", f"vw-pt-{r.part}"),
                 tooltip(part=r.part, words=r.words, designations=r.designations, hedges=r.hedges,
                         quoted_words=r.quoted_words), tag=str(r.part))
            for r in t[t["present"] & (t["part"] != "rest")].itertuples(index=False)]


MEASURE = register(Measure(
    name="parts", tables={"parts": PARTS_TABLE}, run=run,
    needs=("mentions", "label_voice", "hedges", "lead_quotes"), counts=counts,
    count_columns=tuple(f"{p}_words" for p in PARTS), marks=marks, layer="parts",
    doc="headline, standfirst, lead paragraph and rest of the body, each counted apart"))
