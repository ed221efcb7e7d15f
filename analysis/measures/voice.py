"""Measure ``voice``: for each body sentence, whose words it holds, and its hedges and boosters by voice.

One row per sentence: ``words`` (:mod:`analysis.core.words`), ``own_words``
(outside every quotation — the outlet's own voice), ``quoted_words``,
``direct_words``, ``indirect_words``, ``quoted_<speaker type>`` (words inside
quotations of speakers of that type), and ``hedges_own``, ``hedges_quoted``,
``boosters_own``, ``boosters_quoted``. A word goes to the sentence and the
quotation holding its first character; where quotations nest or overlap, to the
first covering it (direct before indirect, then by position), so no word is
counted twice. This is the unit every bootstrap interval of the outlet profile
resamples (:mod:`analysis.profile`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.core import words as core_words
from analysis.core.speakers import SPEAKER_TYPES
from analysis.engine.contract import Measure, Table, register
from analysis.measures.hedging import HEDGE_CATEGORIES

WORD_COLUMNS = ("words", "own_words", "quoted_words", "direct_words", "indirect_words",
                *[f"quoted_{t}" for t in SPEAKER_TYPES],
                "hedges_own", "hedges_quoted", "boosters_own", "boosters_quoted")
VOICE = Table((("sentence", "int"), ("start", "int"), ("end", "int"), *[(c, "int") for c in WORD_COLUMNS]))


def sentence_voice(text: str, sents: pd.DataFrame, quotes: pd.DataFrame, cues: pd.DataFrame) -> pd.DataFrame:
    """The ``voice`` table of one body ``text`` from its sentences, quotations and cues."""
    pos = core_words.word_starts(text)
    starts = sents["start"].to_numpy(dtype=np.int64)
    n = len(sents)
    which = np.searchsorted(starts, pos, side="right") - 1
    inside = (which >= 0) & (pos < sents["end"].to_numpy(dtype=np.int64)[np.clip(which, 0, None)]) if n else \
        np.zeros(len(pos), dtype=bool)
    which, pos = which[inside], pos[inside]
    out = {"sentence": sents["sentence"].to_numpy(dtype=np.int64), "start": starts,
           "end": sents["end"].to_numpy(dtype=np.int64), "words": np.bincount(which, minlength=n)}
    q = quotes.assign(_rank=(quotes["kind"] != "direct").astype(int)).sort_values(["_rank", "start"])
    owner = np.full(len(pos), -1)
    for k, (s, e) in enumerate(zip(q["start"].tolist(), q["end"].tolist())):
        owner[(owner < 0) & (pos >= s) & (pos < e)] = k
    quoted = owner >= 0
    kinds = q["kind"].to_numpy()
    stypes = q["speaker_type"].fillna("").to_numpy()
    own = np.clip(owner, 0, None)
    out["own_words"] = np.bincount(which[~quoted], minlength=n)
    out["quoted_words"] = np.bincount(which[quoted], minlength=n)
    for kind in ("direct", "indirect"):
        hit = quoted & (kinds[own] == kind) if len(q) else quoted
        out[f"{kind}_words"] = np.bincount(which[hit], minlength=n)
    for t in SPEAKER_TYPES:
        hit = quoted & (stypes[own] == t) if len(q) else quoted
        out[f"quoted_{t}"] = np.bincount(which[hit], minlength=n)
    cpos = cues["start"].to_numpy(dtype=np.int64)
    cwhich = np.searchsorted(starts, cpos, side="right") - 1
    ok = cwhich >= 0
    cats = cues["category"].to_numpy()
    in_quote = cues["in_quote"].to_numpy()
    for group, members in (("hedges", HEDGE_CATEGORIES), ("boosters", ("booster",))):
        is_group = np.isin(cats, list(members))
        for voice, in_voice in (("own", in_quote == "no"), ("quoted", in_quote != "no")):
            out[f"{group}_{voice}"] = np.bincount(cwhich[ok & is_group & in_voice], minlength=n)
    return pd.DataFrame({c: np.asarray(out[c], dtype=np.int64) for c in VOICE.names})


def run(article, tables):
    return {"voice": sentence_voice(article.body, tables["sentences"], tables["quotes"], tables["hedges"])}


MEASURE = register(Measure(
    name="voice", tables={"voice": VOICE}, run=run, needs=("sentences", "quotes", "hedges"),
    doc="words of each sentence by voice, kind and speaker type"))
