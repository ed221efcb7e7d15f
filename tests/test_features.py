"""The outlet profile: one tidy table per corpus, consistent with the measures it condenses."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.study import load as load_study
import pytest

from analysis import actor_sentiment, actors, corpus as corpus_mod, features, hedging, stats
from conftest import PAGE, write_corpus

#: No quotation: every line is kept (a clean page since the boilerplate gate; before it the model cut line 3).
QUIET = """Quiet Day in the Capital

The president of Syria, Bashar al-Assad, stayed in Damascus on Tuesday and held no meetings.
The Syrian government took no new measures, and the markets were calm across the country.
"""


def _fake_classify(sentences, spans):
    """Stand-in for the sentiment model: negative when the sentence says 'war', else neutral."""
    neg = np.array(["war" in s for s in sentences], dtype=float)
    return pd.DataFrame({"label": np.where(neg > 0, "negative", "neutral"), "score": -0.8 * neg,
                         "p_negative": 0.8 * neg + 0.1, "p_neutral": 0.9 - 0.8 * neg,
                         "p_positive": np.full(len(sentences), 0.1)})


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    folder = write_corpus(tmp_path_factory.mktemp("c"), {"a": PAGE.encode(), "b": QUIET.encode()})
    c = corpus_mod.load_corpus(folder)
    tables = features.measure_tables(c, sentiment=False)
    texts = dict(zip(c["article_id"], c["text"]))
    tables["sentiment"] = actor_sentiment.mention_sentiment(tables["mentions"], texts,
                                                            actors=load_study().main_actors, classify=_fake_classify)
    return c, tables, features.outlet_profile(c, tables)


def test_profile_is_tidy_and_complete(small):
    c, _, profile = small
    assert list(profile.columns) == features.PROFILE_COLUMNS
    assert set(profile["outlet"]) == set(c["outlet"])          # the quiet page is not lost
    assert not profile.duplicated(["outlet", "feature", "detail"]).any()
    assert (profile["n"] >= 0).all()
    for feature in ("articles", "body_words", "sentences", "boilerplate_ratio", "quotations",
                    "distinct_sources", "scare_quotes", "hedges_per_1000", "readability"):
        assert set(profile.loc[profile["feature"] == feature, "outlet"]) == set(c["outlet"]), feature


def test_shares_and_intervals_are_in_range(small):
    _, _, p = small
    shares = p[p["unit"].str.startswith("share")]
    assert shares["value"].dropna().between(0, 1).all()
    ci = p.dropna(subset=["ci_low", "ci_high"])
    assert len(ci) > 0
    assert (ci["ci_low"] <= ci["value"] + 1e-9).all() and (ci["value"] <= ci["ci_high"] + 1e-9).all()


def test_profile_agrees_with_the_measure_tables(small):
    c, tables, p = small
    get = p.set_index(["outlet", "feature", "detail"])["value"]
    for aid, outlet in zip(c["article_id"], c["outlet"]):
        q = tables["quotes"][tables["quotes"]["article_id"] == aid]
        assert get[(outlet, "quotations", "all")] == len(q)
        assert get[(outlet, "quotations", "direct")] == (q["kind"] == "direct").sum()
    # hedges per 1,000 own-voice words: the hedging module's own pooled rate
    rates = hedging.summary_rates(hedging.hedge_rates(c))
    for r in rates[(rates["voice"] == "own")].itertuples(index=False):
        assert get[(r.outlet, f"{r.group}_per_1000", "own")] == pytest.approx(r.per_1000, abs=1e-3)


def test_a_page_without_quotations_has_zero_counts_and_no_invented_shares(small):
    _, tables, p = small
    quiet = p[p["outlet"] == "Outlet b"].set_index(["feature", "detail"])
    assert quiet.loc[("quotations", "all"), "value"] == 0
    assert np.isnan(quiet.loc[("anonymous_share", ""), "value"])       # 0 of 0 is not 0 %
    assert quiet.loc[("quoted_share", "all"), "value"] == 0


def test_sentiment_rows_carry_voice_n_and_interval(small):
    _, tables, p = small
    s = p[p["feature"] == "sentiment"]
    assert len(s) > 0 and s["detail"].str.contains(" · own| · quoted").all()
    assert (s["n_of"] == "sentences").all() and (s["n"] >= 1).all()


def test_sentence_units_count_every_body_word_once(small):
    c, tables, _ = small
    units = tables["voice"]
    assert (units["own_words"] + units["quoted_words"] == units["words"]).all()
    assert (units["direct_words"] + units["indirect_words"] == units["quoted_words"]).all()
    assert set(units["article_id"]) == set(c["article_id"])


def test_bootstrap_ratio_is_deterministic_and_brackets_the_estimate():
    num, den = np.array([1, 0, 2, 0, 1.0]), np.array([10, 12, 8, 9, 11.0])
    lo, hi = stats.bootstrap_ratio_ci(num, den, scale=1000)
    assert (lo, hi) == stats.bootstrap_ratio_ci(num, den, scale=1000)
    assert lo <= 1000 * num.sum() / den.sum() <= hi
    assert np.isnan(stats.bootstrap_ratio_ci([1.0], [3.0])[0])
    with pytest.raises(ValueError, match="numerator has"):
        stats.bootstrap_ratio_ci([1, 2], [1])


def test_profile_has_label_voice_wire_and_parts(small):
    c, tables, p = small
    for feature in ("label_voice_share", "wire_share", "part_words", "part_hedges_per_1000"):
        assert set(p.loc[p["feature"] == feature, "outlet"]) == set(c["outlet"]), feature
    get = p.set_index(["outlet", "feature", "detail"])["value"]
    for outlet, g in tables["parts"].groupby("outlet"):
        assert get[(outlet, "part_words", "lead")] == g.loc[g["part"] == "lead", "words"].sum()
    w = tables["wire_share"].groupby("outlet")[["wire_words", "body_words"]].sum()
    for outlet, r in w.iterrows():
        assert abs(get[(outlet, "wire_share", "all")] - r["wire_words"] / r["body_words"]) < 1e-4
    shares = p[p["feature"] == "label_voice_share"].groupby("outlet")["value"].sum()
    assert ((shares.round(3) == 1) | shares.isna() | (shares == 0)).all()


def test_profile_validation_column_qualifies_only_its_feature(seed_corpus):
    tables = features.measure_tables(seed_corpus)
    plain = features.outlet_profile(seed_corpus, tables)
    marked = features.outlet_profile(seed_corpus, tables, validation={"hedges_per_1000": "seed F1 0.9, n = 59"})
    assert (plain["validation"] == "").all()
    hedges = marked["feature"] == "hedges_per_1000"
    assert hedges.any() and (marked.loc[hedges, "validation"] == "seed F1 0.9, n = 59").all()
    assert (marked.loc[~hedges, "validation"] == "").all()
    assert marked.drop(columns="validation").equals(plain.drop(columns="validation"))
