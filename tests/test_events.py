"""Event grouping from text alone: the seeds (against the metadata) and a synthetic corpus."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import events
from analysis.corpus import load_corpus

from conftest import write_corpus

MOSCOW_TIMES = "004_34f04b0bf20ad696"


@pytest.fixture(scope="module")
def seed_grouping(seed_corpus):
    return events.group_events(seed_corpus)


def test_seeds_split_into_the_two_reported_events(seed_corpus, seed_grouping):
    groups = seed_grouping.groups()
    assert groups[MOSCOW_TIMES] != groups["000_a171095bff777f6a"]
    assert len({g for a, g in groups.items() if a != MOSCOW_TIMES}) == 1
    agree = events.agreement_with(seed_grouping, seed_corpus.set_index("article_id")["event"])
    assert agree["exact"] and agree["adjusted_rand"] == pytest.approx(1.0)


def test_seed_pair_table_separates_with_margin(seed_grouping):
    p = seed_grouping.pairs
    assert list(p.columns) == events.PAIR_COLUMNS and len(p) == 10
    cross = p[(p["article_a"] == MOSCOW_TIMES) | (p["article_b"] == MOSCOW_TIMES)]
    within = p.drop(cross.index)
    assert within["same_event"].all() and not cross["same_event"].any()
    # measured: within-event combined 0.51-0.64, across 0.21-0.31
    assert within["combined"].min() > events.THRESHOLD + 0.05
    assert cross["combined"].max() < events.THRESHOLD - 0.05
    assert (cross["date_agreement"] == 0).all()


def test_articles_table_has_evidence_with_offsets(seed_corpus, seed_grouping):
    a = seed_grouping.articles
    assert list(a.columns) == events.ARTICLE_COLUMNS
    assert a.set_index("article_id").loc[MOSCOW_TIMES, "anchor_year"] == 2017
    assert "damascus" in a.set_index("article_id").loc[MOSCOW_TIMES, "places"]
    text = seed_corpus.set_index("article_id")["text"]
    for r in seed_grouping.evidence.itertuples(index=False):
        assert text[r.article_id][r.start:r.end] == r.text


def test_similarity_matrix_is_symmetric_with_unit_diagonal(seed_corpus, seed_grouping):
    m = events.similarity_matrix(seed_grouping, labels=seed_corpus.set_index("article_id")["outlet"])
    assert m.shape == (5, 5) and (m.values == m.values.T).all()
    assert (m.values.diagonal() == 1).all() and "The Moscow Times" in m.index
    with pytest.raises(ValueError):
        events.similarity_matrix(seed_grouping, "event")


# Two events × two paraphrased articles, written for this test. Bodies are given directly: the
# method is tested here, the chrome segmenter in test_boilerplate (it is not tuned for 3-line pages).
SYNTHETIC = {
    "a1": "Heavy rain flooded the Spanish city of Valencia on Monday, killing twelve people and forcing "
          "thousands from their homes, regional officials in Valencia said.\n"
          "Emergency services rescued residents from rooftops as the Turia river burst its banks in March 2019, "
          "the worst flooding the region has seen in decades.\n"
          "Prime Minister Pedro Sanchez promised aid to the flooded districts of Valencia.\n",
    "a2": "Twelve people died when torrential rain swamped Valencia on Monday, officials said, as the Turia "
          "overflowed and thousands of residents fled their homes.\n"
          "Rescue teams lifted people from rooftops across Valencia; Pedro Sanchez pledged emergency aid "
          "after the March 2019 floods.\n",
    "b1": "Chancellor Olaf Scholz met President Joe Biden in Washington on Friday to discuss energy prices and "
          "trade, the White House said in 2023.\n"
          "The two leaders agreed to coordinate subsidies for electric cars, Scholz told reporters in Washington.\n"
          "Biden praised Germany's support for Ukraine during the talks at the White House.\n",
    "b2": "German Chancellor Olaf Scholz held talks with Joe Biden at the White House on Friday in 2023, "
          "focusing on trade disputes and energy costs.\n"
          "Biden and Scholz said they would align their support for electric vehicles; the meeting in "
          "Washington lasted two hours.\n",
}


def test_synthetic_two_events_two_paraphrases(tmp_path):
    folder = write_corpus(tmp_path, {k: v.encode() for k, v in SYNTHETIC.items()},
                          extra={k: {"event": k[0]} for k in SYNTHETIC})
    corpus = load_corpus(folder)
    g = events.group_events(corpus, bodies=corpus.rename(columns={"text": "body"}))
    groups = g.groups()
    assert groups["a1"] == groups["a2"] != groups["b1"] == groups["b2"]
    assert events.agreement_with(g, corpus.set_index("article_id")["event"])["exact"]
    p = g.pairs.set_index(["article_a", "article_b"])
    assert p.loc[("a1", "a2"), "combined"] > p.loc[("a1", "b1"), "combined"]


def test_single_article_and_no_years():
    corpus = pd.DataFrame({"article_id": ["x"], "outlet": ["O"],
                           "text": ["The minister met the mayor in Lyon to talk about buses and trams.\n"]})
    bodies = corpus.assign(body=corpus["text"])[["article_id", "outlet", "body"]]
    g = events.group_events(corpus, bodies=bodies)
    assert g.groups() == {"x": "E1"} and g.pairs.empty
    assert events.date_agreement(None, 2015) == 0.5 and events.date_agreement(2015, 2015) == 1.0


# --- BASIL dev: real multi-outlet coverage of another story ------------------------------------

@pytest.fixture(scope="module")
def basil(shared_data):
    from analysis.validation import events as ve

    corpus = ve.basil_corpus(shared_data)
    return corpus, events.similarities(corpus, corpus[["article_id", "outlet"]].assign(body=corpus["text"]))


def test_basil_dev_grouping_beats_tfidf_at_its_best_threshold(basil):
    """Defaults chosen by leave-one-year-out CV (notebook 50): whole-set ARI 1.0 vs TF-IDF's best 0.883."""
    from analysis.events import cluster
    from analysis.validation import events as ve

    corpus, sims = basil
    ari = ve.adjusted_rand(cluster(sims.combined(events.WEIGHTS), events.THRESHOLD), corpus["event"])
    tfidf_best = ve.sweep(sims.tfidf, corpus["event"])["ari"].max()
    assert ari >= 0.90
    assert ari >= tfidf_best + 0.05


def test_basil_missing_raises_clearly(tmp_path):
    from analysis.validation import DevSetMissing
    from analysis.validation import events as ve

    with pytest.raises(DevSetMissing, match="basil_dev"):
        ve.basil_corpus(tmp_path)
