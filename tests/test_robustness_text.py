"""Property tests of the text-level (regex) functions on hostile input: offsets, labels, ratios.

No spaCy here, so these run many examples (see the hypothesis profiles in conftest).
"""

from __future__ import annotations

import re
from unittest import mock

import pandas as pd
from hypothesis import example, given, strategies as st

from analysis import boilerplate as bp
from analysis import corpus as corpus_mod
from analysis import quotes, readability, sentences
from analysis.core import units
from robust_text import (QUOTE_MARKS, assert_no_overlap, assert_spans_slice_back,
                         non_space_positions, texts, with_edge_cases)


def _covered(table) -> set[int]:
    return {i for s, e in zip(table["start"], table["end"]) for i in range(s, e)}


def _line_breaks_before(text: str, pos: int) -> int:
    head = text[:pos]
    return head.count("\n") + head.count("\r") - head.count("\r\n")


@given(texts)
@with_edge_cases
def test_paragraphs_and_lines_agree_and_cover_every_visible_character(text):
    paras = sentences.paragraphs(text)
    lines = bp.split_lines(text)
    assert_spans_slice_back(paras, text)
    assert_spans_slice_back(lines, text)
    assert_no_overlap(zip(paras["start"], paras["end"]))
    # boilerplate lines and sentence paragraphs are the same units (body_text offsets rely on it)
    assert paras[["start", "end", "text"]].values.tolist() == lines[["start", "end", "text"]].values.tolist()
    assert paras["paragraph"].tolist() == list(range(1, len(paras) + 1))
    for row in paras.itertuples():
        assert row.text and row.text == row.text.strip()
        assert "\n" not in row.text and "\r" not in row.text
    assert set(non_space_positions(text)) <= _covered(paras)
    # line numbers count CRLF, LF and lone CR as one break each
    assert lines["line_no"].tolist() == [1 + _line_breaks_before(text, s) for s in lines["start"]]


@given(texts, st.integers(2, 12), st.integers(3, 40))
@example('"' * 50 + " " + "word " * 10, 7, 12)
@example("x" * 1000, 200, 10_000)
def test_pieces_split_long_paragraphs_within_their_paragraph(text, max_run, max_piece):
    """Pieces (what spaCy parses) cover the paragraphs' visible characters, stay inside
    their paragraph, and respect both length limits (small limits here, to exercise the cuts)."""
    max_piece = max(max_piece, max_run + 1)
    with mock.patch.object(units, "MAX_RUN_CHARS", max_run), \
            mock.patch.object(units, "MAX_PIECE_CHARS", max_piece):
        pcs = sentences.pieces(text)
    paras = sentences.paragraphs(text)
    assert_spans_slice_back(pcs, text)
    assert_no_overlap(zip(pcs["start"], pcs["end"]))
    assert _covered(pcs) >= set(non_space_positions(text))
    bounds = dict(zip(paras["paragraph"], zip(paras["start"], paras["end"])))
    for row in pcs.itertuples():
        lo, hi = bounds[row.paragraph]
        assert lo <= row.start < row.end <= hi
        assert row.text == row.text.strip()
        assert len(row.text) <= max_piece
        assert max((len(w) for w in re.findall(r"\S+", row.text)), default=0) <= max_run


@given(texts)
@with_edge_cases
def test_segment_labels_every_line_once(text):
    seg = bp.segment(text)
    assert_spans_slice_back(seg, text)
    assert seg[["start", "end"]].values.tolist() == bp.split_lines(text)[["start", "end"]].values.tolist()
    assert set(seg["label"]) <= set(bp.LABELS)
    assert seg["reason"].map(lambda r: isinstance(r, str) and r != "").all()
    assert seg["p_body"].between(0, 1).all()
    ratios = [bp.boilerplate_ratio(seg, label) for label in bp.LABELS]
    assert all(0.0 <= r <= 1.0 for r in ratios)
    assert abs(sum(ratios) - 1.0) < 1e-9 if non_space_positions(text) else sum(ratios) == 0.0
    assert bp.boilerplate_ratio(text) == ratios[2]


@given(texts)
@with_edge_cases
def test_body_text_keeps_length_breaks_and_body_characters(text):
    seg = bp.segment(text)
    body = bp.body_text(text, seg)
    assert len(body) == len(text)
    keep = _covered(seg[seg["label"] == "body"])
    for i, (raw, out) in enumerate(zip(text, body)):
        if raw in "\r\n" or i in keep:
            assert out == raw
        else:
            assert out == " "
    # the body's own lines are the body lines of the raw page, at the same offsets
    body_lines = bp.split_lines(body)
    assert body_lines[["start", "end"]].values.tolist() == \
        seg.loc[seg["label"] == "body", ["start", "end"]].values.tolist()


@given(st.lists(texts, min_size=1, max_size=4))
def test_label_shares_are_shares(pages):
    corpus = pd.DataFrame({"article_id": [f"a{i}" for i in range(len(pages))],
                           "outlet": ["X"] * len(pages), "text": pages})
    seg = bp.segment_corpus(corpus)
    shares = bp.label_shares(seg)
    assert shares["share"].between(0, 1).all()
    assert (shares["chars"] >= 0).all() and (shares["lines"] >= 0).all()
    for _, g in shares.groupby("article_id"):
        assert sorted(g["label"]) == sorted(bp.LABELS)
        total = g["share"].sum()
        assert abs(total - 1) < 1e-9 or total == 0
    bodies = bp.corpus_bodies(corpus, seg)
    assert bodies["article_id"].tolist() == corpus["article_id"].tolist()
    assert [len(b) for b in bodies["body"]] == [len(t) for t in pages]


def _is_quote_mark(ch: str) -> bool:
    return ch in quotes.OPEN_DOUBLE + quotes.CLOSE_DOUBLE + '"'


@given(texts)
@with_edge_cases
def test_quotation_spans_pair_marks_without_overlap(text):
    spans = quotes.quotation_spans(text)
    marks = []
    for sp in spans:
        assert 0 <= sp.open_mark < sp.start < sp.end <= len(text)
        assert _is_quote_mark(text[sp.open_mark])
        content = text[sp.start:sp.end]
        assert content == content.strip() and content
        if sp.close_mark is not None:
            assert sp.end <= sp.close_mark < len(text) and _is_quote_mark(text[sp.close_mark])
        marks.append((sp.open_mark, (sp.close_mark + 1) if sp.close_mark is not None else sp.end))
        for a, b in sp.inner:
            assert sp.start <= a < b <= sp.end
        assert_no_overlap(sp.inner)
    assert_no_overlap(marks)
    assert [m[0] for m in marks] == sorted(m[0] for m in marks)


@given(st.lists(st.sampled_from(QUOTE_MARKS + [" ", "a", "\n"]), max_size=300).map("".join))
def test_quotation_spans_on_only_marks(text):
    """Text made (almost) only of quotation marks: every span still pairs real marks."""
    for sp in quotes.quotation_spans(text):
        assert _is_quote_mark(text[sp.open_mark]) and text[sp.start:sp.end].strip()


@given(texts)
@with_edge_cases
def test_textstat_sentences_are_pieces_of_the_text(text):
    flat = " ".join(text.split())
    for s in readability.textstat_sentences(text):
        assert s and s == s.strip() and s in flat


@given(st.lists(texts.filter(lambda t: t.strip()), min_size=1, max_size=4))
def test_describe_counts_are_non_negative_and_per_article(pages):
    corpus = pd.DataFrame({c: [""] * len(pages) for c in corpus_mod.COLUMNS})
    corpus["article_id"] = [f"a{i}" for i in range(len(pages))]
    corpus["text"] = pages
    d = corpus_mod.describe(corpus)
    assert d["article_id"].tolist() == corpus["article_id"].tolist()
    assert d["raw_chars"].tolist() == [len(t) for t in pages]
    for col in ("raw_words", "lines", "nonblank_lines"):
        assert (d[col] >= 0).all()
    assert (d["nonblank_lines"] <= d["lines"]).all()
