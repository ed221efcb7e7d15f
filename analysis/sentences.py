"""Sentences and paragraphs with offsets — the units every measure reports in.

Sentences come from the spaCy parser, never crossing a paragraph break: a
paragraph is a run of non-blank lines, and in these flattened pages one line is
one paragraph, so every line break ends a sentence. Offsets index the text
given (usually :func:`analysis.boilerplate.body_text` of the raw page: same
length, chrome blanked), so they index the raw article too. The logic lives in
:mod:`analysis.core.units` (paragraphs, pieces) and :mod:`analysis.core.parse`
(the parse, looked up once per article).
"""

from analysis.core.parse import SENTENCE_COLUMNS as COLUMNS  # noqa: F401
from analysis.core.parse import Parse, docs, sentences  # noqa: F401
from analysis.core.units import (MAX_PIECE_CHARS, MAX_RUN_CHARS, Row, paragraph_rows,  # noqa: F401
                                 paragraphs, piece_rows, pieces, sentence_spans)
