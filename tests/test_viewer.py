"""The article viewer: every layer's marks sit exactly where its measure's table says, nested
correctly, with all article text escaped; static pages and their index are written reproducibly."""

from __future__ import annotations

import re
from collections import Counter

import pandas as pd
import pytest

from analysis import actors, boilerplate, hedging, paths, quotes, viewer
from analysis.actor_sentiment import mention_sentiment

from conftest import PAGE, write_corpus
from test_actor_sentiment import fake_classify  # stand-in for the sentiment model

HOSTILE = ("Headline with <b>tags</b> & “quotes”\r\n\r\n"
           "The minister said that <script>window.__pwned = 1</script> was \"fine\" & safe, "
           "and Putin told reporters: “It is <img src=x onerror=alert(1)> a 'good' day.”\r\n"
           "Assad may have said nothing.\n")


@pytest.fixture(scope="module")
def seed(seed_corpus):
    """One seed article (CSM: every layer has rows), its measure tables computed directly, and its view."""
    row = seed_corpus.iloc[0]
    text = row["text"]
    seg = boilerplate.segment(text)
    body = boilerplate.body_text(text, seg)
    mentions = actors.find_mentions(actors.article_text(text, seg))
    tables = {
        "boilerplate": seg,
        "quotes": quotes.extract_quotes(body),
        "scare_quotes": quotes.scare_quotes(body),
        "mentions": mentions,
        "sentiment": mention_sentiment(mentions.assign(article_id="a"), {"a": text}, classify=fake_classify),
        "hedges": hedging.find_hedges(body),
    }
    view = viewer.render(row, classify=fake_classify)
    read_text, marks = viewer.read_marks(view.html)
    return {"text": text, "tables": tables, "view": view, "read_text": read_text, "marks": marks}


def _of(marks: pd.DataFrame, kind: str) -> pd.DataFrame:
    return marks[marks["kind"] == kind]


def _spans(df: pd.DataFrame, *extra) -> Counter:
    return Counter(zip(df["start"].astype(int), df["end"].astype(int), *(df[c] for c in extra)))


def test_the_view_text_is_the_raw_article_and_marks_sit_at_their_offsets(seed):
    text, marks = seed["text"], seed["marks"]
    assert seed["read_text"] == text
    assert (marks["start"] == marks["data_start"]).all() and (marks["end"] == marks["data_end"]).all()
    assert marks["contiguous"].all()
    # one article rendered alone: no corpus pass, so no passages shared with other outlets
    assert set(marks["layer"]) == set(viewer.LAYERS) - set(viewer.CORPUS_LAYERS)


def test_boilerplate_marks_match_segment(seed):
    seg = seed["tables"]["boilerplate"]
    assert _spans(_of(seed["marks"], "line"), "label") == _spans(seg, "label")


def test_quote_marks_match_extract_quotes(seed):
    q, marks = seed["tables"]["quotes"], seed["marks"]
    got = _of(marks, "quote")
    assert _spans(got, "id") == _spans(q, "quote_id")
    for kind in ("speaker", "cue", "channel"):
        s, e = q[f"{kind}_start"], q[f"{kind}_end"]
        ok = s.notna() & (pd.to_numeric(s, errors="coerce") >= 0)
        want = set(zip(s[ok].astype(int), e[ok].astype(int)))
        assert set(_spans(_of(marks, kind))) == want, kind
        assert len(_of(marks, kind)) == len(want)        # one mark per span, shared by its quotations
    # every quotation's speaker mark lists the quotation and shares its colour key
    spk = _of(marks, "speaker")
    for r in q[q["speaker_start"] >= 0].itertuples():
        m = spk[(spk["start"] == r.speaker_start) & (spk["end"] == r.speaker_end)].iloc[0]
        assert r.quote_id in m["quotes"].split()
        assert m["speaker"] == (r.actor or r.speaker)


def test_quote_tooltips_give_kind_actor_and_speaker_type(seed):
    q = seed["tables"]["quotes"]
    html = seed["view"].html
    r = q[q["actor"] == "putin"].iloc[0]
    assert f'data-id="{r.quote_id}"' in html
    tip = html.split(f'data-id="{r.quote_id}"', 1)[1].split("title=\"", 1)[1].split('"', 1)[0]
    assert f"kind: {r.kind}" in tip and "actor: putin" in tip and f"speaker type: {r.speaker_type}" in tip


def test_scare_mention_sentiment_and_hedge_marks_match_their_tables(seed):
    t, marks = seed["tables"], seed["marks"]
    assert _spans(_of(marks, "scare"), ) == _spans(t["scare_quotes"])
    assert _spans(_of(marks, "mention"), "actor", "label") == _spans(t["mentions"], "actor", "label")
    assert _spans(_of(marks, "sentiment"), "sentiment") == _spans(t["sentiment"], "sentiment")
    assert _spans(_of(marks, "hedge"), "category") == _spans(t["hedges"], "category")


def test_nested_marks_nest_and_crossing_marks_split():
    text = "abcdefghij"
    marks = [viewer.Mark(0, 10, "boilerplate", "line", "l1"),
             viewer.Mark(2, 8, "quotes", "quote", "q1"),
             viewer.Mark(3, 5, "mentions", "mention", "m1"),
             viewer.Mark(3, 5, "sentiment", "sentiment", "s1"),   # same span: sentiment outside mention
             viewer.Mark(6, 9, "hedges", "hedge", "h1")]           # crosses the quote's end
    html = viewer.marked_html(text, marks)
    read, got = viewer.read_marks(f'<div class="vw-text">{html}</div>')
    assert read == text
    assert got["contiguous"].all()
    assert dict(zip(got["id"], zip(got["start"], got["end"]))) == {
        "l1": (0, 10), "q1": (2, 8), "m1": (3, 5), "s1": (3, 5), "h1": (6, 9)}
    assert got.set_index("id").loc["h1", "parts"] == 2
    assert html.index('data-id="s1"') < html.index('data-id="m1"')
    assert '<span class="vw-m" data-layer="hedges" data-kind="hedge" data-id="h1" data-start="6" ' \
           'data-end="9" data-part="1/2">gh</span></span>' in html


def test_marks_outside_the_text_are_an_error():
    with pytest.raises(ValueError, match="outside the text"):
        viewer.marked_html("abc", [viewer.Mark(1, 4, "hedges", "hedge", "h1")])


def test_all_article_text_is_escaped():
    view = viewer.render({"text": HOSTILE, "article_id": 'x"><script>', "outlet": "<i>O</i>",
                          "title": "<script>t</script>"}, classify=fake_classify)
    tags = set(re.findall(r"<([a-zA-Z][a-zA-Z0-9]*)", view.html))
    assert tags == {"div", "style", "b", "small", "label", "input", "span"}   # the viewer's own, none from the text
    text, marks = viewer.read_marks(view.html)
    assert text == HOSTILE                          # CR, &, < and > all survive as text
    assert "&lt;script&gt;window.__pwned" in view.html
    assert len(marks) and (marks["start"] == marks["data_start"]).all()


def test_sentiment_layer_is_left_out_with_a_note_when_the_model_is_absent(monkeypatch, tmp_path):
    monkeypatch.setattr(paths, "package_data", lambda name: tmp_path / name)
    assert viewer.sentiment_status()[0] is False
    view = viewer.render(PAGE)
    assert "sentiment" not in view.tables and "mentions" in view.tables
    assert view.notes and "sentiment_model.npz" in view.notes[0] and "not present" in view.html
    _, marks = viewer.read_marks(view.html)
    assert "sentiment" not in set(marks["layer"])
    assert 'data-layer="sentiment"' not in view.html


def test_sentiment_layer_uses_the_model_when_its_file_exists(monkeypatch, tmp_path):
    from analysis import sentiment

    (tmp_path / sentiment.MODEL_FILE).write_bytes(b"")
    monkeypatch.setattr(paths, "package_data", lambda name: tmp_path / name)
    monkeypatch.setattr(sentiment, "classify_targets", fake_classify)
    view = viewer.render(PAGE, layers=("mentions", "sentiment"))
    assert not view.notes and len(view.tables["sentiment"]) == len(view.tables["mentions"])
    _, marks = viewer.read_marks(view.html)
    assert _spans(_of(marks, "sentiment")) == _spans(view.tables["mentions"])


def test_layers_can_be_chosen_and_toggled():
    view = viewer.render(PAGE, layers=("boilerplate", "hedges"))
    assert set(view.tables) == {"boilerplate", "hedges"}
    assert view.html.count('type="checkbox"') == 2
    assert 'input[data-layer="hedges"]:not(:checked)' in view.html  # the pure-CSS switch
    with pytest.raises(ValueError, match="unknown layer"):
        viewer.render(PAGE, layers=("nope",))


def test_view_displays_in_jupyter_and_is_deterministic():
    a = viewer.render(PAGE, classify=fake_classify)
    b = viewer.render(PAGE, classify=fake_classify)
    assert a._repr_html_() == b._repr_html_() == str(a)
    assert "http://" not in a.html and "https://" not in a.html and "@import" not in a.html


def test_static_pages_and_index(tmp_path):
    folder = write_corpus(tmp_path / "corpus", {"a1": PAGE.encode(), "a2": HOSTILE.encode()},
                          extra={"a2": {"outlet": "Outlet <two>"}})
    from analysis.corpus import load_corpus

    corpus = load_corpus(folder)
    out = tmp_path / "pages"
    figures = viewer.write_pages(corpus, folder=out, classify=fake_classify)
    assert sorted(p.name for p in out.iterdir()) == ["a1.html", "a2.html", "index.html"]
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="a1.html"' in index and 'href="a2.html"' in index and "Outlet &lt;two&gt;" in index
    page = (out / "a2.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and viewer.CSP in page and "<script" not in page.lower()
    # the figures come from the measures
    a1 = figures.set_index("article_id").loc["a1"]
    assert a1["boilerplate_ratio"] == round(boilerplate.boilerplate_ratio(PAGE), 3)
    assert a1["mentions"] == len(actors.find_mentions(actors.article_text(PAGE)))
    assert f"{a1['hedges_per_1000']}" in index
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    viewer.write_pages(corpus, folder=out, classify=fake_classify)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_render_corpus_marks_passages_shared_between_outlets(seed_corpus):
    views = viewer.render_corpus(seed_corpus, layers=("shared_passages", "wire"))
    text = dict(zip(seed_corpus["article_id"], seed_corpus["text"]))
    found = 0
    for aid, view in views.items():
        read_text, marks = viewer.read_marks(view.html)
        assert read_text == text[aid]
        t = view.tables["shared_passages"]
        if not len(t):
            assert not len(marks) or "shared_passages" not in set(marks["layer"])
            continue
        got = marks[marks["layer"] == "shared_passages"]
        assert len(got) == len(t)
        assert set(zip(got["start"], got["end"])) == set(zip(t["start"], t["end"]))
        found += len(t)
    assert found >= 2
