"""What a word is: the one definition behind every count of words in the library.

A word is a run of letters with inner apostrophes ("Assad's", "don’t") or a
number ("2011", "250,000", "3.5"); punctuation, symbols and whitespace are not
words. Body words, words in a voice (own / quoted), words per quotation and
per speaker, hedges per 1,000 words all count with :func:`word_spans`, so the
same quantity is the same number in every table. Textstat's formulas use its
own whitespace counts, reported under their own names (``words_textstat``).

How to read a count: ``count_words(body)`` of a page is its length in words;
``covered_words(text, spans)`` counts each word once however many spans cover
it (nested quotations are not counted twice). A word belongs to a span when
its first character lies inside it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np

#: Letters with inner apostrophes, or a number (digits with inner commas or points).
WORD_RE = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*|\d[\d,.]*\d|\d", re.UNICODE)


def word_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of every word of ``text``, in order."""
    return [(m.start(), m.end()) for m in WORD_RE.finditer(text)]


def word_starts(text: str) -> np.ndarray:
    """Start offsets of the words of ``text`` (an int array, ascending)."""
    return np.fromiter((m.start() for m in WORD_RE.finditer(text)), dtype=np.int64)


def count_words(text: str) -> int:
    """How many words ``text`` has."""
    return sum(1 for _ in WORD_RE.finditer(text))


def words(text: str) -> list[str]:
    """The words of ``text`` as strings."""
    return WORD_RE.findall(text)


def merge_spans(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """The union of ``spans`` as sorted, non-overlapping ``(start, end)`` pairs."""
    merged: list[list[int]] = []
    for s, e in sorted((int(s), int(e)) for s, e in spans):
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    return [(s, e) for s, e in merged]


def covered_words(text: str, spans: Iterable[tuple[int, int]], starts: np.ndarray | None = None) -> int:
    """Words of ``text`` whose first character lies in the union of ``spans``.

    ``starts`` is :func:`word_starts` of ``text`` where already computed.
    """
    pos = word_starts(text) if starts is None else starts
    total = 0
    for s, e in merge_spans(spans):
        total += int(np.searchsorted(pos, e, side="left") - np.searchsorted(pos, s, side="left"))
    return total
