"""Time bounds and size extremes: no measure is worse than linear on adversarial input.

Bounds are generous (CPU seconds, so a busy machine does not fail them) but a quadratic
implementation misses them by far: each input is sized so that the quadratic versions these
tests caught took minutes. The 5 MB paragraph and the 10,000 lines are explicit examples,
run through the regex-level functions in full; spaCy-based measures see the adversarial
shapes at a size their parse handles in seconds (a full parse of 5 MB takes many minutes,
which is the cost of the parse itself, not of a measure).
"""

from __future__ import annotations

import time

import pytest
import spacy

from analysis import boilerplate as bp
from analysis import quotes, readability, sentences
from analysis.nlp import load_nlp
from robust_text import assert_spans_slice_back


def cpu_seconds(fn, *args) -> float:
    t = time.process_time()
    fn(*args)
    return time.process_time() - t


ADVERSARIAL = {
    "double quotes": '"' * 20_000,
    "spaced quotes": '" ' * 20_000,
    "curly openers": "“" * 20_000,
    "mixed marks": "“\"”'‘’«»„" * 3_000,
    "unclosed singles": '"' + "'a " * 20_000 + '"',
    "credit parentheses": "(photo: " * 10_000,
    "slashes and spaces": ("/" + " " * 40) * 2_000,
    "dots": ". " * 20_000,
    "apostrophes": "a'" * 20_000,
    "one long word": "x" * 60_000,
}


@pytest.mark.parametrize("name", sorted(ADVERSARIAL))
def test_regex_level_functions_are_linear_on_adversarial_text(name):
    text = ADVERSARIAL[name]
    for fn in (bp.segment, quotes.quotation_spans, sentences.paragraphs, sentences.pieces,
               readability.textstat_sentences):
        assert cpu_seconds(fn, text) < 10, (name, fn.__name__)


def test_unclosed_single_quotes_are_linear():
    """Regression: each unclosed ' inside a quotation rescanned to its end (quadratic:
    8,000 of them took 14 s)."""
    text = '"' + "'a " * 40_000 + '"'
    assert cpu_seconds(quotes.quotation_spans, text) < 5


@pytest.mark.parametrize("run", ['"' * 12_000, "“\"”'‘’«»„\U0001F600" * 1_200])
def test_spacy_measures_are_linear_on_long_punctuation_runs(run):
    """Regression: spaCy's tokenizer peels such a run one character at a time, rescanning it
    each time (12,000 quotation marks: 20-27 s CPU to split into sentences; 72,000: half an
    hour). Runs are now cut into pieces of :data:`analysis.sentences.MAX_RUN_CHARS` before
    parsing (3 s, most of it parsing 12,000 one-character tokens)."""
    text = f"Assad said {run} in Moscow.\n"
    t = time.process_time()
    sents = sentences.sentences(text)
    assert time.process_time() - t < 12
    assert_spans_slice_back(sents, text)
    assert cpu_seconds(readability.readability, text) < 12


def test_paragraph_longer_than_spacy_max_length_is_parsed_in_pieces():
    """Regression: a paragraph over ``nlp.max_length`` characters made spaCy raise E088 in
    every spaCy-based measure. Checked with a small max_length on a blank pipeline (a real
    parse of 1,000,000 characters takes minutes); :data:`MAX_PIECE_CHARS` is far below the
    real limit."""
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.max_length = 2 * sentences.MAX_PIECE_CHARS
    text = "Assad met Putin in Moscow. " * 2_000  # one paragraph of 54,000 characters
    sents = sentences.sentences(text, nlp=nlp)
    assert_spans_slice_back(sents, text)
    assert sents["paragraph"].eq(1).all()
    # a sentence is cut only where a piece ends
    n_pieces = len(sentences.pieces(text))
    assert n_pieces > 1 and 2_000 <= len(sents) <= 2_000 + n_pieces
    assert sentences.MAX_PIECE_CHARS * 10 <= load_nlp().max_length


def test_five_megabyte_paragraph():
    """One 5 MB paragraph through the regex-level functions (segment, body text, ratio,
    quotation pairing, paragraphs/pieces)."""
    unit = 'Officials said "the talks were useful" and analysts may disagree. '
    text = unit * (5_000_000 // len(unit))
    t = time.process_time()
    seg = bp.segment(text)
    assert len(seg) == 1 and seg["end"].iat[0] == len(text.rstrip())
    body = bp.body_text(text, seg)
    assert len(body) == len(text)
    assert 0.0 <= bp.boilerplate_ratio(seg) <= 1.0
    spans = quotes.quotation_spans(text)
    assert len(spans) == text.count('"') // 2
    pcs = sentences.pieces(text)
    assert pcs["text"].str.len().max() <= sentences.MAX_PIECE_CHARS
    assert_spans_slice_back(pcs.head(50), text)
    assert time.process_time() - t < 120


def test_ten_thousand_short_lines():
    """10,000 short lines (LF, CRLF and lone CR mixed): every line is labelled once, at its offset."""
    ends = ["\n", "\r\n", "\r"]
    text = "".join(f"Line {i} of the page{ends[i % 3]}" for i in range(10_000))
    t = time.process_time()
    seg = bp.segment(text)
    assert len(seg) == 10_000
    assert seg["line_no"].tolist() == list(range(1, 10_001))
    assert_spans_slice_back(seg, text)
    assert len(bp.body_text(text, seg)) == len(text)
    assert len(sentences.paragraphs(text)) == 10_000
    assert time.process_time() - t < 60
