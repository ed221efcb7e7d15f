"""Fact extraction, alignment, coverage and contradictions: known answers and the seed gold."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import facts
from analysis.validation import facts as vfacts

# --------------------------------------------------------------------------- values


@pytest.mark.parametrize("text, value", [
    ("250,000", 250000), ("a quarter of a million", 250000), ("half a million", 500000),
    ("three", 3), ("twenty-five thousand", 25000), ("1.5 million", 1500000), ("700", 700)])
def test_number_value(text, value):
    assert facts.number_value(text) == value


@pytest.mark.parametrize("text, value", [
    ("2011", "2011"), ("March 2001", "2001-03"), ("Sept. 30", "--09-30"),
    ("October 3, 1941", "1941-10-03"), ("1980s", "1980s")])
def test_date_value(text, value):
    assert facts.date_value(text) == value


def test_values_agree():
    assert facts.values_agree("number", "700", "690") and not facts.values_agree("number", "50", "35")
    assert not facts.values_agree("date", "2011", "2001-03")
    assert facts.values_agree("date", "2015", "--09-30") and facts.values_agree("date", "1980s", "1984")
    assert not facts.values_agree("date", "1980s", "2015")


# --------------------------------------------------------------------------- extraction

TEXT_A = ("The war began in 2011 and has killed a quarter of a million people, the United Nations says.\n"
          "Russian jets have flown over 700 sorties against 690 targets since the air campaign began Sept. 30.\n"
          "The two leaders held three rounds of talks; the first was private. All three agreed on Tuesday.\n"
          "It was a two-front war in the 8th-century city, and millions fled.\n")
TEXT_B = ("Since the conflict started in 2011, some 250,000 people have been left dead.\n"
          "Russia's warplanes carried out 700 missions on 690 targets after airstrikes started on Sept. 30.\n")
TEXT_C = ("The uprising broke out in 2001, and 35,000 people have been killed.\n"
          "Aircraft flew 700 missions.\n")


def test_extract_known_facts_with_offsets():
    f = facts.extract_facts(TEXT_A, mentions=pd.DataFrame(columns=["actor", "actor_type", "start", "end"]))
    assert f["text"].tolist() == ["2011", "a quarter of a million", "700", "690", "Sept. 30", "three"]
    for r in f.itertuples(index=False):
        assert TEXT_A[r.start:r.end] == r.text
        assert TEXT_A[r.sentence_start:r.sentence_end] == r.sentence
    by = f.set_index("text")
    assert by.loc["a quarter of a million", "key"] == "number:people/kill"
    assert by.loc["700", "key"] == "number:sortie" and by.loc["700", "qualifier"] == "over"
    assert by.loc["2011", "key"] == "date:war" and by.loc["Sept. 30", "key"] == "date:intervention"
    assert by.loc["three", "unit_class"] == "talks"


def _synthetic_facts(texts: dict[str, str], groups: dict[str, str]) -> pd.DataFrame:
    corpus = pd.DataFrame({"article_id": list(texts), "outlet": [f"Outlet {k}" for k in texts],
                           "text": list(texts.values())})
    bodies = corpus.rename(columns={"text": "body"})
    return facts.align_facts(facts.corpus_facts(corpus, bodies=bodies, events=groups, claims=False))


def test_align_paraphrases_and_flag_contradictions():
    a = _synthetic_facts({"A": TEXT_A, "B": TEXT_B, "C": TEXT_C}, {"A": "E1", "B": "E1", "C": "E1"})
    fid = a.set_index(["article_id", "text"])["fact_id"]
    assert fid["A", "a quarter of a million"] == fid["B", "250,000"] == fid["C", "35,000"]
    assert fid["A", "700"] == fid["B", "700"] == fid["C", "700"]       # sorties = missions
    assert fid["A", "Sept. 30"] == fid["B", "Sept. 30"]
    assert fid["A", "2011"] == fid["B", "2011"] == fid["C", "2001"]   # war = conflict = uprising
    c = facts.contradictions(a)
    pairs = {(r.fact_id, frozenset([r.value_a, r.value_b])) for r in c.itertuples()}
    assert ("date:war", frozenset(["2011", "2001"])) in pairs
    assert (fid["A", "a quarter of a million"], frozenset(["250000", "35000"])) in pairs
    assert not any(r.fact_id == fid["A", "700"] for r in c.itertuples())
    cov = facts.coverage(a)
    assert len(cov) == 3 * a["fact_id"].nunique()
    cell = cov[(cov["article_id"] == "C") & (cov["fact_id"] == fid["A", "Sept. 30"])].iloc[0]
    assert not cell["present"] and cell["offsets"] == ""
    m = facts.coverage_matrix(a, min_articles=2)
    assert m.shape[0] == 3 and m.dtypes.eq(bool).all()


def test_counts_in_different_events_are_different_facts():
    a = _synthetic_facts({"A": TEXT_A, "C": TEXT_C}, {"A": "E1", "C": "E2"})
    fid = a.set_index(["article_id", "text"])["fact_id"]
    assert fid["A", "700"] != fid["C", "700"]
    assert fid["A", "2011"] == fid["C", "2001"]  # dates of past events align across events
    assert set(facts.contradictions(a)["fact_id"]) == {"date:war"}


def test_fact_classes_have_sources():
    t = facts.fact_classes()
    assert (t["source"].str.len() > 10).all() and not t["lemma"].duplicated().any()


# --------------------------------------------------------------------------- seed gold


def test_gold_offsets_match_text(seed_corpus):
    gold = vfacts.gold_facts()
    text = seed_corpus.set_index("article_id")["text"]
    for r in gold.itertuples(index=False):
        assert text[r.article_id][r.start:r.end] == r.text
    assert set(gold["kind"]) == {"number", "date"} and set(gold["contradiction"]) == {"yes", "no"}


@pytest.fixture(scope="module")
def seed_scores(seed_corpus):
    return vfacts.validate(seed_corpus).set_index(["scope", "measure", "kind"])


def test_seed_extraction(seed_scores):
    # measured: gold scope P = R = F1 = 1.00 (n = 25); predicted body F1 0.980 (1 chrome date)
    assert seed_scores.loc[("gold", "extraction", "all"), "f1"] >= 0.95
    assert seed_scores.loc[("predicted", "extraction", "all"), "f1"] >= 0.95
    assert seed_scores.loc[("gold", "extraction", "all"), "value_agrees"] >= 24


def test_seed_alignment_and_contradictions(seed_scores):
    # measured: pair P = R = F1 = 1.00 (18 gold links) in both scopes; the 2001 typo is flagged
    for scope in ("gold", "predicted"):
        assert seed_scores.loc[(scope, "alignment_pairs", "all"), "f1"] >= 0.95
        assert seed_scores.loc[(scope, "contradictions", "all"), "recall"] == 1.0


def test_seed_facts_per_outlet(seed_corpus):
    a = vfacts.seed_predictions(seed_corpus, scope="predicted", claims=True)
    cov = facts.coverage(a, seed_corpus)
    sorties = cov[cov["fact_id"].str.startswith("number:sortie")]
    assert set(sorties.loc[sorties["present"], "outlet"]) == {"inContext", "Rise News"}
    c = facts.contradictions(a)
    assert "Haaretz" in set(c["outlet_a"]) | set(c["outlet_b"])
    assert set(c["fact_id"]) == {"date:war"}
    text = seed_corpus.set_index("article_id")["text"]
    for r in a.itertuples(index=False):
        assert text[r.article_id][r.start:r.end] == r.text
