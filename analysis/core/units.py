"""Paragraphs, pieces and sentences with offsets — the units every measure reports in.

Sentences come from the spaCy parser (:mod:`analysis.nlp`), never crossing a
paragraph break: a paragraph is a run of non-blank lines, and in these flattened
pages one line is one paragraph (some outlets separate paragraphs by a single
newline), so every line break ends a sentence. Offsets index the text given,
which is usually :func:`analysis.boilerplate.body_text` of the raw page (same
length, chrome blanked), so they index the raw article too.
"""

from __future__ import annotations

import collections
import re

import pandas as pd


#: A line: a maximal run of characters other than line breaks (blank ones are skipped in Python: the
#: single pattern ``[^\r\n]*\S[^\r\n]*`` rescans a blank run from every position in it, time
#: quadratic in its length, and a body text's chrome lines are such runs, blanked to spaces).
_LINE_RE = re.compile(r"[^\r\n]+")

COLUMNS = ["sentence", "paragraph", "start", "end", "text"]

#: A paragraph longer than this is parsed in pieces of at most this many characters, cut at
#: whitespace: spaCy refuses a text over ``nlp.max_length`` (1,000,000 characters) and needs
#: about 1 GB of memory per 100,000 characters it parses at once.
MAX_PIECE_CHARS = 10_000
#: A run of more than this many characters without whitespace is cut every this many
#: characters before parsing: spaCy's tokenizer peels punctuation (quotation marks, commas,
#: emoji) off a token one character at a time, rescanning the token each time, so such a
#: run costs time quadratic in its length (explosion/spaCy#4362, #1768). No word is this long.
MAX_RUN_CHARS = 200


#: One paragraph or piece: ``paragraph`` (1-based), ``start``, ``end``, ``text`` (stripped).
Row = collections.namedtuple("Row", ["paragraph", "start", "end", "text"])


def paragraph_rows(text: str) -> list[Row]:
    rows = []
    for m in _LINE_RE.finditer(text):
        raw = m.group()
        stripped = raw.strip()
        if not stripped:
            continue
        lead = len(raw) - len(raw.lstrip())
        rows.append(Row(len(rows) + 1, m.start() + lead, m.start() + lead + len(stripped), stripped))
    return rows


def paragraphs(text: str) -> pd.DataFrame:
    """Non-blank lines as paragraphs: ``paragraph`` (1-based), ``start``, ``end``, ``text`` (stripped)."""
    return pd.DataFrame(paragraph_rows(text), columns=list(Row._fields))


def _piece_bounds(para: str) -> list[tuple[int, int]]:
    """``(start, end)`` of the pieces of one paragraph (see :data:`MAX_PIECE_CHARS`)."""
    n = len(para)
    if n <= MAX_RUN_CHARS:
        return [(0, n)]
    run_cuts = [c for m in re.finditer(r"\S{%d,}" % (MAX_RUN_CHARS + 1), para)
                for c in range(m.start() + MAX_RUN_CHARS, m.end(), MAX_RUN_CHARS)]
    bounds, pos, k = [], 0, 0
    while pos < n:
        while k < len(run_cuts) and run_cuts[k] <= pos:
            k += 1
        limit = min(n, pos + MAX_PIECE_CHARS)
        if k < len(run_cuts) and run_cuts[k] <= limit:
            cut = run_cuts[k]
        elif limit == n:
            cut = n
        else:  # the last whitespace before the limit (at most MAX_RUN_CHARS back)
            cut = limit
            while cut > pos and not para[cut - 1].isspace():
                cut -= 1
            cut = cut if cut > pos else limit
        bounds.append((pos, cut))
        pos = cut
    return bounds


def pieces(text: str) -> pd.DataFrame:
    """:func:`paragraphs`, with an over-long paragraph split into the pieces spaCy parses.

    Same columns; a split paragraph gives several rows with the same ``paragraph``
    number. Paragraphs of ordinary prose are one piece each.
    """
    return pd.DataFrame(piece_rows(text), columns=list(Row._fields))


def piece_rows(text: str) -> tuple[Row, ...]:
    """The paragraphs of ``text``, over-long ones cut into pieces: the texts spaCy parses.

    Each is a :data:`Row` whose ``start``/``end`` index ``text``; see :func:`pieces`.
    """
    rows = []
    for para in paragraph_rows(text):
        for a, b in _piece_bounds(para.text):
            raw = para.text[a:b]
            stripped = raw.strip()
            if stripped:
                start = para.start + a + len(raw) - len(raw.lstrip())
                rows.append(Row(para.paragraph, start, start + len(stripped), stripped))
    return tuple(rows)


def sentence_spans(para: Row, doc):
    """Yield ``(sent, start, text)`` for each non-blank sentence of one parsed piece.

    ``text`` is the sentence stripped and ``start`` its offset into the article
    (``para`` is the piece's :data:`Row`, ``doc`` its parse). Every measure that
    numbers sentences reads them here, so they agree on the offsets.
    """
    for sent in doc.sents:
        raw = para.text[sent.start_char:sent.end_char]  # == sent.text, without re-joining the tokens
        s = raw.strip()
        if s:
            yield sent, para.start + sent.start_char + (len(raw) - len(raw.lstrip())), s
