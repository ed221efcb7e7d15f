"""Sentences and paragraphs with offsets — the units every measure reports in.

Sentences come from the spaCy parser (:mod:`analysis.nlp`), never crossing a
paragraph break: a paragraph is a run of non-blank lines, and in these flattened
pages one line is one paragraph (some outlets separate paragraphs by a single
newline), so every line break ends a sentence. Offsets index the text given,
which is usually :func:`analysis.boilerplate.body_text` of the raw page (same
length, chrome blanked), so they index the raw article too.
"""

from __future__ import annotations

import re

import pandas as pd

from analysis.nlp import load_nlp

_PARA_RE = re.compile(r"[^\r\n]*\S[^\r\n]*")

COLUMNS = ["sentence", "paragraph", "start", "end", "text"]


def paragraphs(text: str) -> pd.DataFrame:
    """Non-blank lines as paragraphs: ``paragraph`` (1-based), ``start``, ``end``, ``text`` (stripped)."""
    rows = []
    for m in _PARA_RE.finditer(text):
        raw = m.group()
        lead = len(raw) - len(raw.lstrip())
        stripped = raw.strip()
        rows.append((len(rows) + 1, m.start() + lead, m.start() + lead + len(stripped), stripped))
    return pd.DataFrame(rows, columns=["paragraph", "start", "end", "text"])


def docs(text: str, nlp=None):
    """Yield ``(paragraph_row, doc)`` for each paragraph, parsed in one ``nlp.pipe`` batch."""
    nlp = nlp or load_nlp()
    paras = paragraphs(text)
    for row, doc in zip(paras.itertuples(index=False), nlp.pipe(paras["text"].tolist())):
        yield row, doc


def sentences(text: str, nlp=None) -> pd.DataFrame:
    """One row per sentence: ``sentence`` (1-based), ``paragraph``, ``start``, ``end``, ``text``."""
    rows = []
    for para, doc in docs(text, nlp):
        for sent in doc.sents:
            s = sent.text.strip()
            if not s:
                continue
            start = para.start + sent.start_char + (len(sent.text) - len(sent.text.lstrip()))
            rows.append((len(rows) + 1, para.paragraph, start, start + len(s), s))
    return pd.DataFrame(rows, columns=COLUMNS)
