"""Label adoption: own word, a source's word, or a word held at a distance (analysis.measures.label_voice)."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.core.article import Article
from analysis.engine import measure_article, measure_corpus, select
from analysis.measures import label_voice as lv


def _voices(text: str) -> pd.DataFrame:
    """The label_voice rows of a plain text (all of it body: no boilerplate step)."""
    tables = measure_article(Article.plain(text), select(["label_voice"]), tables={"lines": pd.DataFrame()})
    t = tables["label_voice"]
    return t[t["designation"]]


@pytest.mark.parametrize("text, surface, voice", [
    ("Russia bombed the so-called rebels near Aleppo.\n", "rebels", "distanced"),
    ("The army shelled what Damascus calls terrorists in the north.\n", "terrorists", "distanced"),
    ("Russia bombed “moderate” rebels in the north.\n", "rebels", "distanced"),
    ("Russia bombed terrorists in the north.\n", "terrorists", "own"),
    ('The minister said: "We will crush the terrorists wherever they hide."\n', "terrorists", "reported"),
])
def test_voice_of_a_label(text, surface, voice):
    t = _voices(text)
    row = t[t["surface"].str.contains(surface)]
    assert len(row) == 1, t
    assert row["voice"].iloc[0] == voice, row.to_dict("records")
    r = row.iloc[0]
    if r["cue_start"] >= 0:                       # the cue is the text at its offsets
        assert text[r["cue_start"]:r["cue_end"]] == r["cue"]
    assert text[r["start"]:r["end"]] == r["surface"]


def test_a_name_is_no_designation():
    assert not lv.is_designation("President Vladimir Putin") and not lv.is_designation("the Kremlin")
    assert lv.is_designation("the regime") and lv.is_designation("“moderate” rebels")
    assert lv.is_designation("key ally Putin")


def test_span_edges_are_trimmed_of_quotation_marks():
    text = 'He said the plan was "utterly irresponsible." Then he left.\n'
    s = text.index('"utterly')
    spans = pd.DataFrame({"start": [s], "end": [text.index("Then") - 1]})
    quotes = pd.DataFrame(columns=["kind", "start", "end", "cue", "cue_start", "cue_end", "cue_lemma",
                                   "speaker", "actor"])
    out = lv.classify(text, spans, quotes, pd.DataFrame({"start": [], "end": []}))
    assert out["rule"].iloc[0] in lv.QUOTATION_MARK_RULES


def test_adoption_table_shares_sum_to_one():
    t = pd.DataFrame({"outlet": ["A", "A", "A", "B"], "actor": ["x"] * 4, "label": ["rebels"] * 4,
                      "designation": [True] * 4, "voice": ["own", "own", "reported", "distanced"]})
    out = lv.adoption_table(t)
    a = out[out["outlet"] == "A"].iloc[0]
    assert a["n"] == 3 and a["own"] == 2 and abs(a["share_own"] - 2 / 3) < 1e-9
    assert (out[[f"share_{v}" for v in lv.VOICES]].sum(axis=1).round(9) == 1).all()


# --------------------------------------------------------------------------- validation floors

@pytest.fixture(scope="module")
def seed_scores(seed_corpus):
    from analysis.validation import labels as vl

    tables = measure_corpus(seed_corpus, measures=["quotes"])
    return vl.evaluate_seeds(seed_corpus, tables)[0].set_index(["system", "label"])["f1"]


def test_seed_gold_floors(seed_scores):
    # measured: macro-F1 0.945 (own 0.951, reported 0.882, distanced 1.0 on n = 1), n = 59
    assert seed_scores[("label_voice", "macro")] >= 0.90
    assert seed_scores[("label_voice", "reported")] >= 0.85
    assert seed_scores[("label_voice", "own")] >= 0.93
    # beside the baselines of the same run (0.273 all own, 0.409 quotation marks)
    assert seed_scores[("label_voice", "macro")] > seed_scores[("quotation marks", "macro")] + 0.3
    assert seed_scores[("label_voice", "macro")] > seed_scores[("all own", "macro")] + 0.3


def test_basil_quote_floor(shared_data):
    from analysis.validation import labels as vl

    corpus, spans = vl.basil_spans(shared_data)
    tables = measure_corpus(corpus, measures=["quotes"])
    s = vl.evaluate_basil(corpus, spans, tables).set_index("system")["f1"]
    # measured: 0.805 (quotation-mark baseline 0.814, never quoted 0.0), n = 360 spans, 75 quoted
    assert s["label_voice"] >= 0.78
    assert s["label_voice"] > s["never quoted"]


def test_capitals_that_say_nothing():
    assert lv.is_designation("Rebels", case_free="first")
    assert not lv.is_designation("President Putin", case_free="first")
    assert lv.is_designation("Emboldened Syrian President", case_free="all")
    assert not lv.is_designation("Rebels") and not lv.is_designation("King Salman bin Abdulaziz")
    assert lv.headline_case("Rebels Might Have Lost Aleppo, Officials Say")
    assert not lv.headline_case("Rebels might have lost Aleppo, officials say")
