"""Event-paired outlet comparison: known small tables, and the pipeline on BASIL dev."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis import paired

MEASURES = {"quoted share": ("quoted_words", "words", 1.0)}


def _table(n_events: int = 30, seed: int = 0) -> pd.DataFrame:
    """Outlet A quotes 10 points more than B in every event; events differ a lot from each other."""
    rng = np.random.default_rng(seed)
    rows = []
    for e in range(n_events):
        base = rng.uniform(0.1, 0.6)  # the event's own level: cancels in a paired difference
        for outlet, shift in (("A", 0.10), ("B", 0.0), ("C", 0.0)):
            rows.append({"event": f"e{e}", "outlet": outlet, "words": 1000,
                         "quoted_words": int(1000 * (base + shift))})
    rows.append({"event": "lonely", "outlet": "A", "words": 1000, "quoted_words": 1000})  # not complete
    return pd.DataFrame(rows)


def test_complete_events_leave_out_partial_coverage():
    t = _table()
    assert "lonely" not in paired.complete_events(t)
    assert len(paired.complete_events(t)) == 30
    assert "lonely" in paired.complete_events(t, outlets=["A"])


def test_paired_difference_recovers_a_constant_shift():
    d = paired.paired_differences(_table(), MEASURES).set_index(["outlet_a", "outlet_b"])
    ab = d.loc[("A", "B")]
    assert ab["difference"] == pytest.approx(0.10, abs=0.002)
    assert ab["ci_low"] > 0.09 and ab["ci_high"] < 0.11  # paired: the events' spread cancels
    assert ab["events_a_higher"] == 1.0 and ab["n_events"] == 30
    bc = d.loc[("B", "C")]
    assert bc["difference"] == 0 and bc["n_compared"] == 0 and np.isnan(bc["events_a_higher"])


def test_rates_are_wider_than_the_paired_difference():
    r = paired.paired_rates(_table(), MEASURES).set_index("outlet")
    assert r.loc["A", "n_events"] == 30 and r.loc["A", "n_articles"] == 30  # the lonely article is out
    width = r["ci_high"] - r["ci_low"]
    d = paired.paired_differences(_table(), MEASURES).set_index(["outlet_a", "outlet_b"]).loc[("A", "B")]
    assert (width > 5 * (d["ci_high"] - d["ci_low"])).all()
    assert r.loc["B", "ci_low"] < r.loc["B", "value"] < r.loc["B", "ci_high"]


def test_deterministic_and_errors():
    a = paired.paired_rates(_table(), MEASURES)
    pd.testing.assert_frame_equal(a, paired.paired_rates(_table(), MEASURES))
    with pytest.raises(ValueError, match="no event is covered"):
        paired.paired_rates(_table()[lambda t: t["event"] == "lonely"].assign(outlet="A").pipe(
            lambda t: pd.concat([t, t.assign(outlet="B", event="other")])), MEASURES)
    with pytest.raises(ValueError, match="not in the article table"):
        paired.paired_rates(_table(), {"x": ("missing", "words", 1.0)})


def test_article_table_needs_the_event_column():
    tables = {"articles": pd.DataFrame({"article_id": ["a"], "outlet": ["X"], "status": ["ok"]})}
    with pytest.raises(ValueError, match="no 'event' column"):
        paired.article_table(tables, pd.DataFrame({"article_id": ["a"]}))


def test_sentiment_columns_average_per_sentence():
    s = pd.DataFrame({"article_id": ["a", "a", "a", "b"], "actor": ["x", "x", "x", "x"],
                      "sentence": [0, 0, 1, 0], "score": [1.0, 0.0, -1.0, 0.5],
                      "voice": ["own", "own", "own", "quoted"]})
    c = paired.sentiment_columns(s)
    assert c.loc["a", "sentiment_x"] == pytest.approx(-0.5) and c.loc["a", "sentiment_x_n"] == 2
    assert "b" not in c.index  # quoted voice only


def test_article_table_sums_sentences_and_keeps_readability():
    tables = {
        "articles": pd.DataFrame({"article_id": ["a", "b", "c"], "outlet": ["X", "Y", "Y"],
                                  "status": ["ok", "ok", "error"]}),
        "voice": pd.DataFrame({"article_id": ["a", "a", "b"], "outlet": ["X", "X", "Y"], "sentence": [0, 1, 0],
                               "start": [0, 5, 0], "end": [4, 9, 4], "words": [10, 20, 5],
                               "quoted_words": [0, 8, 5]}),
        "readability": pd.DataFrame({"article_id": ["a", "b"], "outlet": ["X", "Y"], "words": [31, 6],
                                     "flesch_reading_ease": [60.0, 40.0]}),
    }
    corpus = pd.DataFrame({"article_id": ["a", "b", "c"], "event": ["e", "e", "e"]})
    t = paired.article_table(tables, corpus).set_index("article_id")
    assert list(t.index) == ["a", "b"]  # the failed article is left out
    assert t.loc["a", "words"] == 30 and t.loc["a", "readability_words"] == 31
    assert t.loc["a", "sentences"] == 2 and t.loc["b", "flesch_reading_ease"] == 40.0
    r = paired.paired_rates(t.reset_index(), {"fre": ("flesch_reading_ease", "articles", 1.0)})
    assert r.set_index("outlet")["value"].to_dict() == {"X": 60.0, "Y": 40.0}


@pytest.mark.shared_data
def test_basil_dev_is_seventy_complete_events(shared_data):
    from analysis.validation.events import BASIL_OUTLETS, basil_corpus

    corpus = basil_corpus(shared_data)
    assert sorted(corpus["outlet"].unique()) == sorted(BASIL_OUTLETS.values())  # one name per outlet, any case
    assert len(paired.complete_events(corpus)) == 70 and len(corpus) == 210
