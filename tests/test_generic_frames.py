"""Generic frames and narrative roles: shapes and offsets on small texts, floors on the dev half."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import analysis
from analysis import narrative_roles, news_frames
from analysis.encoder import DIM

TEXTS = [
    "Lawmakers clashed bitterly over the carbon tax. The opposition accused the minister of lying.\n"
    "The plan would cost households $400 a year, economists said.",
    "",
    "   \n  ",
    "Maria Lopez lost her home in the flood. \"We have nothing left,\" she said, holding her daughter.",
]

needs_model = pytest.mark.skipif(not news_frames.model_available(),
                                 reason="analysis/data/generic_frames_model.npz not built")


@needs_model
def test_one_row_per_text_with_bool_and_probability_columns():
    f = analysis.generic_frames(TEXTS)
    assert list(f.columns) == news_frames.FRAME_COLUMNS and len(f) == len(TEXTS)
    assert f["text_id"].tolist() == list(range(len(TEXTS)))
    for frame in news_frames.FRAMES:
        assert f[frame].dtype == bool
        assert ((f[f"p_{frame}"] >= 0) & (f[f"p_{frame}"] <= 1)).all()
    blank = f.iloc[[1, 2]]
    assert (blank["n_sentences"] == 0).all() and not blank[list(news_frames.FRAMES)].to_numpy().any()
    assert (blank[[f"p_{x}" for x in news_frames.FRAMES]].to_numpy() == 0).all()


@needs_model
def test_sentences_keep_offsets_into_their_text_and_evidence_is_among_them():
    s = analysis.frame_sentences(TEXTS)
    assert list(s.columns) == news_frames.SENTENCE_COLUMNS
    assert set(s["text_id"]) == {0, 3}
    for r in s.itertuples(index=False):
        assert TEXTS[r.text_id][r.start:r.end] == r.text
    f = analysis.generic_frames(TEXTS)
    ev = news_frames.frame_evidence(f, s, only_present=False)
    assert list(ev.columns) == news_frames.EVIDENCE_COLUMNS
    assert ev.groupby(["text_id", "frame"]).size().max() <= news_frames.TOP_K
    assert set(ev["frame"]) == set(news_frames.FRAMES)
    top = ev[ev["rank"] == 1].set_index(["text_id", "frame"])["sentence_p"]
    for (tid, frame), p in top.items():
        assert p == pytest.approx(s.loc[s["text_id"] == tid, f"sentence_p_{frame}"].max())
    for r in ev.itertuples(index=False):
        assert TEXTS[r.text_id][r.start:r.end] == r.text


def test_scores_are_the_mean_of_the_best_sentences():
    logits = np.array([[1.0, 0.0], [3.0, -1.0], [2.0, 5.0], [7.0, 7.0]])
    out = news_frames.top_k_mean(logits, [3, 0, 1], k=2)
    assert out[0].tolist() == [2.5, 2.5] and np.isneginf(out[1]).all() and out[2].tolist() == [7.0, 7.0]


def test_bad_input_is_refused():
    with pytest.raises(TypeError, match="not one string"):
        news_frames.generic_frames("a single text")
    with pytest.raises(TypeError, match="text 1 is int"):
        news_frames.generic_frames(["ok", 3])


def test_role_features_and_probabilities():
    rng = np.random.default_rng(0)
    x = narrative_roles.features(rng.normal(size=DIM), rng.normal(size=(3, DIM)))
    assert x.shape == (narrative_roles.N_FEATURES,) and x[-1] == 1.0
    none = narrative_roles.features(rng.normal(size=DIM), np.zeros((0, DIM)))
    assert none[-1] == 0.0 and not none[DIM:2 * DIM].any()
    model = {"W": rng.normal(size=(3, narrative_roles.N_FEATURES)).astype(np.float32), "b": np.zeros(3, np.float32),
             "meta": {"roles": ["victim", "hero", "villain"]}}
    p = narrative_roles.role_probabilities(np.stack([x, none]), model)
    assert p.shape == (2, 3) and np.allclose(p.sum(1), 1)
    z = np.stack([x, none]) @ model["W"].T
    assert p[0, 0] == pytest.approx(np.exp(z[0, 1]) / np.exp(z[0]).sum(), rel=1e-4)   # columns follow ROLES


@needs_model
def test_the_measure_marks_roles_at_a_mention_and_evidence_sentences():
    from analysis.core.article import Article
    from analysis.engine import measure_article, select
    from analysis.measures import generic_frames as gm

    text = ("Leaders Meet in Moscow\n\nVladimir Putin flew to Damascus on Tuesday to meet Bashar al-Assad, officials "
            "said, in his first trip abroad since the war began, and praised the deal.\nThe two leaders discussed the "
            "military campaign and a political transition, according to a statement released on Wednesday.\n"
            "Critics accused Assad of killing civilians; Putin said the plan would save lives.\n")
    tables = measure_article(Article(text=text), select(["generic_frames"]))
    roles = tables["roles"]
    assert len(roles) and (roles["role"].isin(narrative_roles.ROLES)).all()
    for r in roles.itertuples(index=False):
        assert text[r.start:r.end] == r.surface
    assert np.allclose(roles[["p_hero", "p_villain", "p_victim"]].sum(axis=1), 1)
    marks = gm.marks(tables)
    frames_present = [f for f in news_frames.FRAMES if tables["generic_frames"][f].iat[0]]
    assert {m.layer for m in marks} <= {"frames", "roles"}
    assert len([m for m in marks if m.layer == "roles"]) == len(roles)
    assert bool([m for m in marks if m.layer == "frames"]) == bool(frames_present)


def test_the_profile_counts_frames_and_roles():
    from analysis.profile import generic_frame_rows

    tables = {"generic_frames": pd.DataFrame({"article_id": ["a", "b"], "outlet": ["X", "X"],
                                              **{f: [True, f == "moral"] for f in news_frames.FRAMES}}),
              "roles": pd.DataFrame({"article_id": ["a", "b", "b"], "outlet": ["X"] * 3,
                                     "actor": ["putin", "putin", "assad"], "role": ["hero", "villain", "victim"]})}
    rows = pd.DataFrame(generic_frame_rows("X", {"a", "b"}, tables, None)).set_index(["feature", "detail"])
    assert rows.loc[("frame", "conflict"), "value"] == 0.5 and rows.loc[("frame", "moral"), "value"] == 1.0
    assert rows.loc[("narrative_role", "putin · hero"), "value"] == 0.5
    assert rows.loc[("narrative_role", "putin · hero"), "n"] == 2
    assert rows.loc[("narrative_role", "assad · victim"), "value"] == 1.0


# --- the Narrative Frames Corpus' dev half (skips without the external data) ---------------------------

@pytest.fixture(scope="module")
def dev(shared_data):
    from analysis.validation import narrative_frames as vnf

    articles = vnf.load_articles(shared_data)
    sent, vectors = vnf.dev_sentences(articles)
    return articles, sent, vectors


@pytest.mark.shared_data
def test_loader_reads_the_corpus_and_its_traps(shared_data):
    from analysis.validation import narrative_frames as vnf

    a = vnf.load_articles(shared_data)
    assert len(a) == 203 and a["id"].is_unique
    assert {f: int(a[f].sum()) for f in news_frames.FRAMES} == \
        {"conflict": 130, "resolution": 88, "economic": 68, "human_interest": 25, "moral": 21}
    roles = vnf.load_roles(shared_data)
    assert len(vnf.load_roles(shared_data, dedupe=False)) == 917 and len(roles) == 906
    assert set(roles["role"]) == set(narrative_roles.ROLES)


#: Achieved with seed 0 (5 outer × 5 inner folds): macro-F1 0.622 (conflict 0.799, resolution 0.628, economic
#: 0.697, human interest 0.394, moral 0.591); the baselines on the same folds: mean-pooled MiniLM + LR 0.542,
#: TF-IDF + LR 0.552, every frame 0.459 (notebook 60). Floors keep what is reached so a regression fails.
@pytest.mark.shared_data
def test_frames_cross_validated_macro_f1_floor(shared_data, dev):
    from analysis.validation import narrative_frames as vnf

    articles, sent, vectors = dev
    scores, _ = vnf.cross_validate_frames(articles, sent, vectors, vnf.question_labels(articles["id"], shared_data),
                                          seeds=(0,), baselines=False)
    f1 = scores.set_index("frame")["f1"]
    print("\n" + scores.to_string(index=False))
    assert f1["macro"] >= 0.60, scores
    assert f1["conflict"] >= 0.77 and f1["economic"] >= 0.67 and f1["moral"] >= 0.50, scores


#: Achieved with seed 0 (5 article-grouped folds): macro-F1 0.687, majority role per group 0.593.
@pytest.mark.shared_data
def test_roles_beat_the_majority_role_per_group(shared_data, dev):
    from analysis.validation import narrative_frames as vnf

    articles, sent, vectors = dev
    inst, X = vnf.role_instances(articles, vnf.load_roles(shared_data), sent, vectors)
    scores = vnf.cross_validate_roles(inst, X).set_index(["system", "role"])["f1"]
    assert scores[("model", "macro")] >= 0.66
    assert scores[("model", "macro")] >= scores[("majority-per-group", "macro")] + 0.06
