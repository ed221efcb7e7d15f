"""Boilerplate segmentation: known small pages, edge cases, seed gold and the benchmark."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import boilerplate as bp
from analysis.validation import boilerplate as vb
from conftest import PAGE



def test_small_page_labels_and_reasons():
    seg = bp.segment(PAGE)
    labels = dict(zip(seg["text"], seg["label"]))
    assert labels["Support Our Newsroom!"] == "boilerplate"
    assert labels["Leaders Meet in Moscow to Discuss the War"] == "furniture"
    assert labels["By Jane Doe"] == "furniture"
    assert [labels[t] for t in PAGE.splitlines()[6:9]] == ["body"] * 3
    assert labels["Sign up for our free weekly newsletter"] == "boilerplate"
    assert labels["Read more"] == "boilerplate"
    assert set(seg["reason"]) <= {"model", "cta-lexicon", "headline", "byline", "credit-lexicon",
                                  "caption-next-to-credit", "standfirst", "breadcrumb",
                                  "after-end-marker", "repeated-in-outlet", "long-prose", "clean-page"}


#: An article as a news API or an extractor gives it: no site chrome, short paragraphs, a quotation,
#: a signed quotation and an embedded tweet (the kinds of line the model, fitted on web pages, cut).
CLEAN = """Senate Passes Budget After Long Night

The Senate passed the budget early on Friday after a session that ran through the night.

"We got it done," the majority leader said.

Critics were unmoved.

“This is a bad deal for working families.” ― Jane Roe

The vote was 51 to 49.

What a night. Proud of this team. pic.twitter.com/abc123 — Sen. John Doe (@SenDoe) March 3, 2016

Follow Jo Reyes on Twitter @joreyes.
"""


def test_clean_page_keeps_every_line():
    seg = bp.segment(CLEAN)
    labels = dict(zip(seg["text"], seg["label"]))
    assert labels.pop("Senate Passes Budget After Long Night") == "furniture"
    assert labels.pop("Follow Jo Reyes on Twitter @joreyes.") == "boilerplate"  # a short call to action still goes
    assert set(labels.values()) == {"body"}
    assert set(seg["reason"]) == {"headline", "clean-page", "cta-lexicon"}
    # the same page without the gate, as before it: the short lines go
    old = bp.segment(CLEAN, min_sentence_share=None)
    assert (old["label"] == "boilerplate").sum() > 1


def test_page_evidence():
    lines = bp.split_lines(CLEAN)
    share, hit = bp.page_evidence(bp.line_features(lines))
    assert share == 1.0 and not hit  # the signed quotation, the tweet and the short CTA (it ends with a full stop) count as sentences
    menu = CLEAN + "Home\nPolitics\nWorld\nBusiness\nOpinion\nSports\nVideo\nPodcasts\n"
    share, hit = bp.page_evidence(bp.line_features(bp.split_lines(menu)))
    assert share < bp.CLEAN_MIN_SENTENCE_SHARE and not hit
    assert not bp.page_is_clean(bp.line_features(bp.split_lines(menu)))
    plea = CLEAN + "Sign up for our newsletter\n"
    assert bp.page_evidence(bp.line_features(bp.split_lines(plea)))[1]  # a chrome hit
    seg = bp.segment(plea)
    assert "clean-page" not in set(seg["reason"])


def test_offsets_slice_back_and_line_numbers():
    seg = bp.segment(PAGE)
    for r in seg.itertuples():
        assert PAGE[r.start:r.end] == r.text
        assert PAGE.splitlines()[r.line_no - 1].strip() == r.text


def test_crlf_and_lone_cr_give_same_labels_and_true_offsets():
    crlf = PAGE.replace("\n", "\r\n")
    cr = PAGE.replace("\n", "\r")
    base = bp.segment(PAGE)
    for variant in (crlf, cr):
        seg = bp.segment(variant)
        assert seg["label"].tolist() == base["label"].tolist()
        assert seg["line_no"].tolist() == base["line_no"].tolist()
        for r in seg.itertuples():
            assert variant[r.start:r.end] == r.text


def test_empty_and_blank_text():
    for text in ("", "   \n\n\t  \r\n"):
        seg = bp.segment(text)
        assert seg.empty and list(seg.columns) == ["line_no", "start", "end", "text", "label", "reason", "p_body"]
        assert bp.boilerplate_ratio(text) == 0.0
        assert bp.body_text(text) == "".join(c if c in "\r\n" else " " for c in text)


def test_page_with_no_body():
    chrome = "Subscribe now\nSign up for our newsletter\nPrivacy Policy\nFollow us on Twitter\nRead more\n"
    seg = bp.segment(chrome)
    assert (seg["label"] == "boilerplate").all()
    assert bp.boilerplate_ratio(chrome) == 1.0
    assert bp.body_text(chrome).strip() == ""


def test_very_long_line():
    sentence = "The president said that the talks with his ally had gone well for both of the two countries. "
    text = "Read more\n" + sentence * 20000 + "\nSubscribe today\n"
    seg = bp.segment(text)
    assert seg["label"].tolist() == ["boilerplate", "body", "boilerplate"]
    assert 0 < bp.boilerplate_ratio(text) < 0.01


def test_body_text_keeps_offsets():
    body = bp.body_text(PAGE)
    assert len(body) == len(PAGE)
    seg = bp.segment(PAGE)
    for r in seg.itertuples():
        piece = body[r.start:r.end]
        assert piece == (r.text if r.label == "body" else " " * len(r.text))
    assert [i for i, c in enumerate(body) if c == "\n"] == [i for i, c in enumerate(PAGE) if c == "\n"]


def test_end_marker_closes_the_article():
    text = PAGE.replace("Sign up", "Dear Reader,\n\nWe are a small newsroom and our reporting depends on "
                        "readers like you, who make it possible for us to keep going every day.\n\nSign up")
    seg = bp.segment(text)
    letter = seg[seg["text"].str.startswith("We are a small newsroom")]
    assert letter["label"].tolist() == ["boilerplate"] and letter["reason"].tolist() == ["after-end-marker"]


def test_lines_repeated_across_an_outlet_are_chrome():
    footer = "This story was produced by the Example Wire desk for partners"
    corpus = pd.DataFrame({
        "article_id": ["a", "b", "c"], "outlet": ["X", "X", "Y"],
        "text": [PAGE + footer + "\n", PAGE.replace("Moscow", "Sochi") + footer + "\n", PAGE + footer + "\n"]})
    seg = bp.segment_corpus(corpus)
    foot = seg[seg["text"] == footer].set_index("article_id")
    assert foot.loc["a", "reason"] == "repeated-in-outlet" and foot.loc["b", "label"] == "boilerplate"
    assert foot.loc["c", "reason"] != "repeated-in-outlet"  # only once in outlet Y
    assert set(seg["article_id"]) == {"a", "b", "c"}


def test_label_shares_cover_every_article_and_label():
    corpus = pd.DataFrame({"article_id": ["a", "b"], "outlet": ["X", "Y"], "text": [PAGE, "Read more\n"]})
    shares = bp.label_shares(bp.segment_corpus(corpus))
    assert len(shares) == 6
    assert shares.groupby("article_id")["share"].sum().round(6).tolist() == [1.0, 1.0]


def test_model_file_matches_features():
    model = bp.line_model()
    assert model["features"] == list(bp.FEATURES)
    assert model["estimator"].n_features_in_ == len(bp.FEATURES)
    assert "extraction_benchmark" in model["trained_on"]


def test_lexicon_has_sources():
    lex = bp.lexicon()
    assert (lex["source"].str.len() > 5).all() and (lex["note"].str.len() > 3).all()


# --- validation against human labels -------------------------------------------------

#: Achieved with the clean-page gate (0.980; the same without it, measured in the same run).
SEED_BOILERPLATE_F1 = 0.975


def test_seed_gold_boilerplate_f1(seed_corpus):
    scores, merged = vb.score_seeds(seed_corpus)
    s = scores.set_index(["system", "label"])
    assert s.loc[("segmenter", "boilerplate"), "f1"] >= SEED_BOILERPLATE_F1
    assert s.loc[("segmenter", "boilerplate"), "f1"] >= s.loc[("segmenter without the page gate", "boilerplate"), "f1"]
    assert s.loc[("segmenter", "body"), "f1"] >= 0.95
    assert s.loc[("segmenter", "furniture"), "f1"] >= 0.85
    assert len(merged) == 116  # every gold line scored


#: Cross-validated line-level F1 (not-body class) on the benchmark's 102 pages (0.956, the same
#: without the clean-page gate), and the margin over jusText measured in the same run.
BENCHMARK_F1 = 0.955
BENCHMARK_MARGIN = 0.05


@pytest.mark.shared_data
def test_benchmark_beats_justext(shared_data):
    pages = vb.benchmark_pages(shared_data)
    scores, _ = vb.score_benchmark(pages)
    s = scores[scores["subset"] == "all pages"].set_index("system")["f1"]
    assert s["segmenter (cross-validated)"] >= BENCHMARK_F1
    assert s["segmenter (cross-validated)"] >= s["jusText baseline"] + BENCHMARK_MARGIN
    assert s["segmenter (cross-validated)"] >= s["segmenter without the page gate (cross-validated)"]


#: Share of clean-text lines cut as boilerplate (issue: at most 1%), as achieved (BASIL dev 0.0022,
#: PolNeAR dev 0.0068, train 0.0081); without the page gate, in the same run, 0.057, 0.073, 0.088.
CLEAN_CUT_MAX = {"BASIL dev": 0.003, "PolNeAR dev": 0.008, "PolNeAR train": 0.009}


@pytest.mark.shared_data
def test_clean_text_keeps_its_lines(shared_data):
    scores, lines = vb.score_clean(vb.clean_corpora(shared_data))
    s = scores.set_index(["corpus", "system"])
    for name, ceiling in CLEAN_CUT_MAX.items():
        assert s.loc[(name, "segmenter"), "share_cut"] <= min(ceiling, 0.01)
        assert s.loc[(name, "segmenter"), "share_cut"] * 5 <= s.loc[(name, "segmenter without the page gate"),
                                                                   "share_cut"]
        assert s.loc[(name, "segmenter"), "share_cut"] < s.loc[(name, "jusText baseline"), "share_cut"]
    assert s.loc[("BASIL dev", "segmenter"), "articles"] == 210


@pytest.mark.shared_data
def test_page_gate_threshold_is_the_development_choice(shared_data):
    pages = vb.gate_pages(vb.clean_corpora(shared_data), vb.benchmark_pages(shared_data))
    assert vb.best_threshold(pages) == bp.CLEAN_MIN_SENTENCE_SHARE
    cv = vb.choose_gate(pages).groupby("set")[["errors", "errors_without_gate"]].sum()
    # held out, the gate removes most errors on clean text and costs the benchmark little
    clean = cv.drop(index="extraction benchmark")
    assert clean["errors"].sum() * 5 <= clean["errors_without_gate"].sum()
    bench = cv.loc["extraction benchmark"]
    assert bench["errors"] <= bench["errors_without_gate"] * 1.1
