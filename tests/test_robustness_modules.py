"""Property tests of the later modules on hostile input: the article viewer, facts and events."""

from __future__ import annotations

import pandas as pd
from hypothesis import example, given, settings, strategies as st

from analysis import events, facts, viewer
from robust_text import FEW, assert_spans_slice_back, hostile, texts, with_edge_cases

#: Text an attacker might plant in a page, beside the news words.
MARKUP = ["<script>alert(1)</script>", "</span><b>", "&amp;", "&lt;", "<!--", "]]>", "\"'><img src=x>",
          "250,000 people were killed in 2011.", "Putin flew to Damascus on Jan. 7, 2020.",
          "About 50 jets flew 700 sorties, officials said."]
page = st.builds(lambda parts: "\n".join(parts),
                 st.lists(st.one_of(st.sampled_from(MARKUP), hostile, texts), max_size=6))
NO_SENTIMENT = tuple(layer for layer in viewer.LAYERS if layer != "sentiment")


@FEW
@given(page)
@with_edge_cases
def test_viewer_shows_the_text_exactly_and_never_as_markup(text):
    view = viewer.render(text, layers=NO_SENTIMENT)
    shown, marks = viewer.read_marks(view.html)
    # the page shows the article character for character: everything escaped, nothing lost
    assert shown == text
    if "<script" in text:
        assert "<script" not in view.html.split('class="vw-text"', 1)[1]
    for row in marks.itertuples():
        assert 0 <= row.start <= row.end <= len(shown)


@FEW
@given(page)
@with_edge_cases
def test_facts_slice_back(text):
    f = facts.extract_facts(text)
    assert list(f.columns) == facts.FACT_COLUMNS
    assert_spans_slice_back(f, text)
    for row in f.itertuples():
        assert row.sentence_start <= row.start and row.end <= row.sentence_end


@given(st.one_of(texts, st.from_regex(r"[\d,. ]{0,12}(?:million|thousand|billion)?", fullmatch=True)))
@example(",")
@example(",, million")
def test_number_and_date_values_never_raise(text):
    """Regression (found by the deep profile): a lone comma passed the numeral pattern and
    number_value raised ValueError from float("")."""
    value = facts.number_value(text)
    assert value is None or value >= 0
    date = facts.date_value(text)
    assert date is None or isinstance(date, str)


@settings(max_examples=max(3, settings.default.max_examples // 10))
@given(st.lists(page.filter(lambda t: t.strip()), min_size=2, max_size=4))
def test_every_article_gets_an_event_group(pages):
    corpus = pd.DataFrame({"article_id": [f"a{i}" for i in range(len(pages))],
                           "outlet": [f"O{i}" for i in range(len(pages))], "text": pages})
    grouping = events.group_events(corpus)
    assert sorted(grouping.groups()) == sorted(corpus["article_id"])
    n = len(pages)
    assert len(grouping.pairs) == n * (n - 1) // 2
    sims = grouping.pairs.select_dtypes("number")
    assert len(sims.columns) == 5 and sims.apply(lambda c: c.between(0, 1)).all().all()
