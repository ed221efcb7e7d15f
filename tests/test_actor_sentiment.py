"""Joining actor mentions with target sentiment: voice, offsets, and summaries with their n."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.stats import bootstrap_ci

from analysis import actor_sentiment as asent
from analysis import actors

TEXT = ("Assad met Russia's envoy on Tuesday and smiled.\n"
        "“Russia saved our country,” Assad said.\n"
        "Critics say Assad is isolated.\n")


def fake_classify(sentences, spans):
    """Stand-in classifier: positive when the sentence has 'saved' or 'smiled', else negative."""
    rows = []
    for s, (a, b) in zip(sentences, spans):
        assert 0 <= a < b <= len(s)
        pos = "saved" in s or "smiled" in s
        rows.append({"label": "positive" if pos else "negative", "score": 0.8 if pos else -0.6})
    return pd.DataFrame(rows, columns=["label", "score"])


@pytest.fixture(scope="module")
def table():
    mentions = actors.find_mentions(TEXT).assign(article_id="a", outlet="X")
    return asent.mention_sentiment(mentions, {"a": TEXT}, classify=fake_classify)


def test_each_mention_keeps_offsets_sentence_and_voice(table):
    for r in table.itertuples():
        assert TEXT[r.start:r.end] == r.surface
        assert TEXT[int(r.sentence_start):int(r.sentence_end)] == r.sentence_text
    russia = table[table["actor"] == "russia"].sort_values("start")
    assert russia["voice"].tolist() == ["own", "quoted"]
    assert russia["quote_speaker"].tolist()[1] == "assad"
    assad = table[table["actor"] == "assad"].sort_values("start")
    assert assad["voice"].tolist() == ["own", "own", "quoted"]  # the last inside what critics say


def test_summary_counts_sentences_once_and_brackets_the_mean(table):
    summary = asent.sentiment_summary(table)
    assad_own = summary[(summary["actor"] == "assad") & (summary["voice"] == "own")].iloc[0]
    assert assad_own["n_sentences"] == 2 and assad_own["n_mentions"] == 2
    assert assad_own["mean_score"] == pytest.approx((0.8 + 0.8) / 2, abs=1e-4)
    assert assad_own["ci_low"] <= assad_own["mean_score"] <= assad_own["ci_high"]
    single = summary[summary["n_sentences"] == 1]
    assert len(single) and single["ci_low"].isna().all()  # no interval from one sentence


def test_bootstrap_is_reproducible():
    v = np.array([0.1, -0.5, 0.3, 0.9, -0.2])
    assert bootstrap_ci(v) == bootstrap_ci(v)
    lo, hi = bootstrap_ci(v)
    assert lo < v.mean() < hi
