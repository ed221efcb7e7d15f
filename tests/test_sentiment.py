"""Target-dependent sentiment: known small sentences, the API contract, and NewsMTSC devtest."""

from __future__ import annotations

import json
import os

import numpy as np
import pandas as pd
import pytest

from analysis import paths
from analysis import sentiment as S

CRACKDOWN = "Critics condemned Assad's brutal crackdown, while praising the UN."


def span(sentence: str, mention: str) -> tuple[int, int]:
    start = sentence.index(mention)
    return start, start + len(mention)


def classify(pairs):
    return S.classify_targets([s for s, _ in pairs], [span(s, m) for s, m in pairs])


# --- known answers ---------------------------------------------------------------------------

KNOWN = [
    (CRACKDOWN, "Assad", "negative"),
    ("Police arrested the suspect, who is accused of murdering three children.", "the suspect",
     "negative"),
    ("The mayor thanked the firefighters for their heroic work saving dozens of lives.",
     "the firefighters", "positive"),
    ("Merkel will travel to Paris on Tuesday, a spokesman said.", "Merkel", "neutral"),
]


@pytest.mark.parametrize("sentence, mention, label", KNOWN)
def test_known_answers(sentence, mention, label):
    out = classify([(sentence, mention)])
    assert out["label"].iloc[0] == label, out.to_dict("records")


def test_same_sentence_differs_per_target():
    """The one criticised is judged negative, the one praised clearly less so.

    The shipped model calls "the UN" here neutral rather than positive (its positive class is
    its weakest, F1 0.68 on devtest_rw); the per-target property is what this test holds.
    """
    out = classify([(CRACKDOWN, "Assad"), (CRACKDOWN, "the UN")])
    assert out["label"].iloc[0] == "negative" and out["label"].iloc[1] != "negative", out.to_dict("records")
    assert out["score"].iloc[1] - out["score"].iloc[0] > 0.5


def test_second_two_target_sentence():
    s = "Obama praised the nurses but blamed the governor for the shortage of masks."
    out = classify([(s, "the nurses"), (s, "the governor")])
    assert out["label"].tolist() == ["positive", "negative"], out.to_dict("records")


# --- API contract ----------------------------------------------------------------------------

def test_contract_columns_lengths_ranges():
    pairs = [(s, m) for s, m, _ in KNOWN] * 3
    out = classify(pairs)
    assert list(out.columns) == S.COLUMNS
    assert len(out) == len(pairs)
    assert set(out["label"]) <= set(S.LABELS)
    probs = out[["p_negative", "p_neutral", "p_positive"]].to_numpy()
    assert np.allclose(probs.sum(1), 1.0, atol=1e-5)
    assert ((probs >= 0) & (probs <= 1)).all()
    assert out["score"].between(-1, 1).all()
    assert np.allclose(out["score"], out["p_positive"] - out["p_negative"])
    assert out["label"].tolist() == [S.LABELS[k] for k in probs.argmax(1)]
    assert out["target"].tolist() == [m for _, m in pairs]


def test_order_and_batching_do_not_change_results():
    pairs = [(s, m) for s, m, _ in KNOWN]
    one = classify(pairs)
    rev = classify(pairs[::-1]).iloc[::-1].reset_index(drop=True)
    small = S.classify_targets([s for s, _ in pairs], [span(s, m) for s, m in pairs], batch_size=1)
    for other in (rev, small):
        assert other["label"].tolist() == one["label"].tolist()
        assert np.allclose(other["score"], one["score"], atol=1e-4)


def test_long_sentence_keeps_a_window_around_the_target():
    filler = "The committee met again on Monday to review the budget figures. " * 30
    s = filler + "Protesters denounced the corrupt minister, calling him a liar and a thief."
    out = classify([(s, "the corrupt minister")])
    assert out["label"].iloc[0] == "negative"


def test_empty_input_gives_empty_table_with_columns():
    out = S.classify_targets([], [])
    assert list(out.columns) == S.COLUMNS
    assert len(out) == 0
    assert out["score"].dtype == float


@pytest.mark.parametrize("spans, message", [
    ([(5, 3)], r"span 0 \(5, 3\) does not lie inside sentence 0"),
    ([(0, 99)], r"need 0 <= start < end <= 16"),
    ([(-1, 3)], r"does not lie inside"),
    ([(3, 3)], r"does not lie inside"),
    ([(5, 6)], r"covers only whitespace"),
    ([(0,)], r"need two integers"),
    ([(0.5, 3)], r"need two integers"),
    ([(0, 5), (0, 5)], r"got 1 sentences but 2 spans"),
])
def test_bad_spans_raise_clear_value_error(spans, message):
    with pytest.raises(ValueError, match=message):
        S.classify_targets(["Putin met Assad."], spans)


def test_one_string_instead_of_a_list_is_refused():
    with pytest.raises(TypeError, match="sequence of strings"):
        S.classify_targets("Putin met Assad.", [(0, 5)])


def test_mark_target_brackets_the_span():
    marked, a, b = S.mark_target(CRACKDOWN, *span(CRACKDOWN, "Assad"))
    assert marked[a:b] == "[Assad]"
    assert marked.replace("[", "").replace("]", "") == CRACKDOWN


# --- the model file and offline loading ------------------------------------------------------

def test_model_file_is_small_plain_arrays_with_provenance():
    path = paths.package_data(S.MODEL_FILE)
    assert path.stat().st_size < 2_000_000
    state, meta = S.load_state()          # allow_pickle=False: plain arrays only
    assert "train.jsonl" in meta["trained_on"] and "devtest" not in meta["trained_on"]
    assert meta["labels"] == list(S.LABELS)
    assert all(np.isfinite(v).all() for v in state.values())
    card = paths.package_data("sentiment_model.md").read_text(encoding="utf-8")
    assert "Hamborg" in card and "train.jsonl" in card


def test_encoder_loads_from_the_installed_package_offline():
    from analysis.encoder import load_encoder

    enc = load_encoder()                  # sockets are disabled for the whole test run
    assert os.environ["HF_HUB_OFFLINE"] == "1" and os.environ["TRANSFORMERS_OFFLINE"] == "1"
    assert "site-packages" in str(enc.path) and (enc.path / "model.safetensors").is_file()


# --- NewsMTSC devtest_rw (skips without the external data) -----------------------------------

#: Shipped model on devtest_rw: macro-F1 0.765 (VADER 0.512); issue 18 keeps it at 0.74 or above.
NEWSMTSC_MACRO_F1 = 0.74


@pytest.mark.shared_data
def test_newsmtsc_devtest_beats_threshold_and_vader(shared_data):
    from analysis.validation import sentiment as vs

    table = vs.evaluate("devtest_rw", shared_data)
    model, vader = vs.macro_f1(table, "target-model"), vs.macro_f1(table, "vader-sentence")
    print("\n" + table.to_string(index=False))
    assert model >= NEWSMTSC_MACRO_F1, table
    assert model >= vader + 0.08, table
    per_class = table[(table["system"] == "target-model") & (table["label"] != "macro")]
    assert (per_class["f1"] > 0.5).all(), per_class


@pytest.mark.shared_data
def test_newsmtsc_loader_offsets(shared_data):
    from analysis.validation import sentiment as vs

    data = vs.load_newsmtsc("devtest_rw", shared_data)
    assert len(data) == 1146 and data["sentence_id"].nunique() == 1067
    assert (data.apply(lambda r: r["sentence"][r["start"]:r["end"]], axis=1) == data["mention"]).all()
    assert set(data["label"]) == set(S.LABELS)


def test_missing_devset_raises_devsetmissing(tmp_path):
    from analysis.validation import DevSetMissing
    from analysis.validation import sentiment as vs

    with pytest.raises(DevSetMissing, match="newsmtsc"):
        vs.load_newsmtsc("devtest_rw", tmp_path)
    with pytest.raises(ValueError, match="unknown NewsMTSC split"):
        vs.load_newsmtsc("test", tmp_path)


def test_score_table_and_vader_rule():
    from analysis.validation import sentiment as vs

    t = vs.score(["negative", "neutral", "positive", "positive"],
                 ["negative", "positive", "positive", "neutral"])
    assert t["label"].tolist() == ["negative", "neutral", "positive", "macro"]
    assert t.set_index("label").loc["negative", "f1"] == 1.0
    assert t.set_index("label").loc["macro", "f1"] == pytest.approx((1 + 0 + 0.5) / 3, abs=1e-4)
    assert vs.vader_labels(["What a wonderful, brilliant day!", "This is a table.",
                            "A horrible, tragic disaster."]) == ["positive", "neutral", "negative"]


#: On the seed gold (205 main-actor mentions, conflict news, one annotator) the model's macro-F1 was
#: 0.539 (VADER 0.291, all-neutral 0.249) and 7.8 % of mentions got the opposite polarity; it over-reads
#: war vocabulary as negative (negative precision 0.33). Issue 18's target is 0.65: these floors hold what
#: is reached so a regression fails, and the write-up must say the measure is weak in this domain.
SEED_MACRO_F1 = 0.52
SEED_OPPOSITE_MAX = 0.09


def test_seed_gold_in_domain_score_and_baselines(seed_corpus):
    from analysis.validation import sentiment as vs

    t = vs.evaluate_seeds(seed_corpus)
    macro = t[t["label"] == "macro"].set_index("system")
    assert macro.loc["target-model", "n_gold"] == 205
    assert macro.loc["target-model", "f1"] >= SEED_MACRO_F1
    assert macro.loc["target-model", "f1"] > macro.loc["vader-sentence", "f1"] + 0.15
    assert macro.loc["target-model", "f1"] > macro.loc["all-neutral", "f1"] + 0.15
    assert macro.loc["target-model", "opposite_sign"] <= SEED_OPPOSITE_MAX


# --- BASIL dev: directed, unquoted bias spans as polarity toward a named target ---------------

@pytest.mark.parametrize("sentence, name, near, expected", [
    ("Michael Steele drew fierce criticism.", "Michael_Steele", None, "Michael Steele"),
    ("Critics said Mr. Steele was gaffe-prone.", "Michael_Steele", None, "Steele"),
    ("Only Michael spoke.", "Michael_Steele", None, "Michael"),
    ("The Obama administration denied it.", "Obama_administration", None, "Obama administration"),
    ("Aides to Obama denied it.", "Obama_administration", None, "Obama"),
    ("Republicans and Democrats met.", "House_Democrats", None, "Democrats"),
    ("The police arrived late.", "police", None, "police"),
    ("Steele met Steele's rival, then Steele left.", "Michael_Steele", 40, "Steele"),
])
def test_name_mention_general_rule(sentence, name, near, expected):
    from analysis.validation import sentiment as vs

    hit = vs.name_mention(sentence, name, near=near)
    assert hit is not None and sentence[hit[0]:hit[1]] == expected


def test_name_mention_takes_the_occurrence_nearest_the_span_and_refuses_pronouns():
    from analysis.validation import sentiment as vs

    s = "Steele met Steele's rival, then Steele left."
    assert vs.name_mention(s, "Michael_Steele") == (0, 6)
    assert vs.name_mention(s, "Michael_Steele", near=40) == (32, 38)
    assert vs.name_mention("He was criticised by the chairman.", "Michael_Steele") is None
    assert vs.name_mention("The steeled nerves held.", "Michael_Steele") is None   # case and word edge
    assert vs.name_mention("Al spoke.", "Al_Gore") is None                          # part too short


def test_polarity_agreement_counts_sign_and_neutral_misses():
    from analysis.validation import sentiment as vs

    r = vs.polarity_agreement(["negative", "negative", "negative", "positive"],
                              ["negative", "neutral", "positive", "positive"], "m")
    assert (r["agreement"], r["opposite_sign"]) == (0.5, 0.25)
    assert r["agreement_negative"] == pytest.approx(1 / 3, abs=1e-4) and r["agreement_positive"] == 1.0
    assert r["balanced_agreement"] == pytest.approx(2 / 3, abs=1e-4)
    with pytest.raises(ValueError, match="negative or positive only"):
        vs.polarity_agreement(["neutral"], ["neutral"])


#: The shipped model on BASIL dev's directed, unquoted bias spans (343 sentence-target units of 66 events;
#: 295 negative, 48 positive): agreement 0.644, opposite sign 0.187, balanced agreement 0.610 (VADER 0.487 /
#: 0.347 / 0.501; the all-negative majority rule 0.860 / 0.140 / 0.500). Issue 18 asks for >= 0.75 and <= 0.15:
#: not reached (see the model card). These floors hold what is reached.
BASIL_N = 343
BASIL_AGREEMENT = 0.62
BASIL_OPPOSITE_MAX = 0.20
BASIL_BALANCED = 0.58


@pytest.mark.shared_data
def test_basil_bias_polarity_agreement_and_baselines(shared_data):
    from analysis.validation import sentiment as vs

    t = vs.evaluate_basil(shared_data).set_index("system")
    print("\n" + t.to_string())
    model, vader, majority = t.loc["target-model"], t.loc["vader-sentence"], t.loc["all-negative"]
    assert model["n"] == BASIL_N
    assert model["agreement"] >= BASIL_AGREEMENT and model["opposite_sign"] <= BASIL_OPPOSITE_MAX
    assert model["balanced_agreement"] >= BASIL_BALANCED > majority["balanced_agreement"]
    assert model["agreement"] > vader["agreement"] + 0.1 and model["opposite_sign"] < vader["opposite_sign"]


@pytest.mark.shared_data
def test_basil_units_locate_their_target_in_the_sentence(shared_data):
    from analysis.validation import sentiment as vs

    units = vs.load_basil_targets(shared_data)
    assert list(units.columns) == vs.BASIL_COLUMNS
    assert (units.apply(lambda r: r["sentence"][r["start"]:r["end"]], axis=1) == units["mention"]).all()
    assert set(units["label"]) == {"negative", "positive"} and set(units["quote"]) == {"no"}
    assert not units.duplicated(["doc", "para", "sent", "target"]).any()
    quoted_too = vs.load_basil_targets(shared_data, quote=None)
    assert len(quoted_too) > len(units)


# --- fitting from cached frozen-layer states (scripts/sentiment_adapter_cv.py) ----------------

def test_cached_states_round_trip_and_reproduce_the_shipped_predictions(tmp_path):
    from analysis.validation import sentiment as vs

    data = pd.DataFrame({"sentence": [CRACKDOWN, CRACKDOWN, KNOWN[2][0]]})
    data["start"], data["end"] = zip(*[span(CRACKDOWN, "Assad"), span(CRACKDOWN, "the UN"),
                                       span(KNOWN[2][0], "the firefighters")])
    states = vs.lower_states(data, S.FROZEN_LAYERS)
    vs.save_states(states, tmp_path / "s.npz")
    back = vs.load_states(tmp_path / "s.npz")
    assert all((a[0] == b[0]).all() and (a[1] == b[1]).all() for a, b in zip(states, back))
    model = S._model()
    cached = vs.predict_states(model["head"], back)
    direct = S.predict_proba(list(zip(data["sentence"], data["start"], data["end"])))
    assert np.abs(cached - direct).max() < 1e-5


def test_weighted_fit_with_unit_weights_is_the_plain_fit_and_init_starts_from_the_model():
    import torch

    from analysis.validation import sentiment as vs

    torch.set_num_threads(1)
    gen = torch.Generator().manual_seed(0)
    states = [(torch.randn(6, 384, generator=gen), torch.tensor([0, 1, 1, 0, 0, 0], dtype=torch.bool))
              for _ in range(12)]
    y = np.arange(12) % 3
    small = {"epochs": 1, "batch_size": 4}
    plain = S.adapter_state(vs.fit(states, y, small))
    unit = S.adapter_state(vs.fit(states, y, small, sample_weight=np.ones(12)))
    assert all(np.allclose(plain[k], unit[k], atol=1e-5) for k in plain)
    shipped = S.load_state()[0]
    tuned = S.adapter_state(vs.fit(states, y, {**small, "lr": 1e-9}, init=shipped))
    assert all(np.allclose(shipped[k], tuned[k], atol=1e-4) for k in shipped)
    assert not np.allclose(shipped["out.weight"], plain["out.weight"], atol=1e-2)


def test_abstain_turns_unsure_polar_predictions_neutral():
    from analysis.validation import sentiment as vs

    p = np.array([[0.6, 0.3, 0.1], [0.45, 0.2, 0.35], [0.2, 0.7, 0.1], [0.1, 0.35, 0.55]])
    assert vs.abstain(p, 0.0).tolist() == [0, 0, 1, 2]
    assert vs.abstain(p, 0.5).tolist() == [0, 1, 1, 2]
    assert vs.abstain(p, 0.58).tolist() == [0, 1, 1, 1]


def test_abstention_curve_scores_each_confidence_floor():
    from analysis.validation import sentiment as vs

    gold = ["neutral", "neutral", "positive", "negative"]
    p = np.array([[0.55, 0.4, 0.05],    # a hesitant negative for a neutral mention: mended by a floor of 0.6
                  [0.1, 0.8, 0.1], [0.05, 0.1, 0.85], [0.9, 0.05, 0.05]])
    t = vs.abstention_curve(gold, p, floors=(0.0, 0.6, 0.88)).set_index("floor")
    assert t.loc[0.0, "f1"] < 1.0 and t.loc[0.6, "f1"] == 1.0
    assert t.loc[0.88, "f1"] < 1.0          # the confident positive (0.85) is abstained on too
    assert t["n_polar"].tolist() == [3, 2, 1] and (t["opposite_sign"] == 0).all() and (t["n"] == 4).all()
    swapped = vs.abstention_curve(["positive"], np.array([[0.9, 0.05, 0.05]]), floors=(0.0, 0.95))
    assert swapped["opposite_sign"].tolist() == [1.0, 0.0]
    with pytest.raises(ValueError, match="shape"):
        vs.abstention_curve(gold, p[:, :2])


def test_precision_is_chosen_by_argument_then_environment(monkeypatch):
    monkeypatch.setenv(S.PRECISION_ENV, "fp32")
    assert S.resolve_precision() == "fp32"
    assert S.resolve_precision("bf16") == "bf16"
    monkeypatch.setenv(S.PRECISION_ENV, "auto")
    assert S.resolve_precision() == ("bf16" if S.cpu_has_bf16() else "fp32")
    monkeypatch.setenv(S.PRECISION_ENV, "fp16")
    with pytest.raises(ValueError, match="FRAMING_SENTIMENT_PRECISION"):
        S.resolve_precision()


@pytest.mark.shared_data
@pytest.mark.skipif(not S.cpu_has_bf16(), reason="this CPU has no native bfloat16 (AMX / AVX512-BF16)")
def test_bfloat16_keeps_the_devtest_score_and_labels(shared_data):
    # bf16 is kept only while NewsMTSC devtest macro-F1 stays within 0.005 of fp32 (issue 20)
    from analysis.validation import sentiment as vs

    data = vs.load_newsmtsc("devtest_rw", shared_data)
    items = list(zip(data["sentence"], data["start"], data["end"]))
    p32, p16 = S.predict_proba(items, precision="fp32"), S.predict_proba(items, precision="bf16")
    f1 = {k: vs.macro_f1(vs.score(data["label"].tolist(), list(np.array(S.LABELS)[p.argmax(1)])), "model")
          for k, p in (("fp32", p32), ("bf16", p16))}
    assert abs(f1["bf16"] - f1["fp32"]) <= 0.005, f1
    assert (p32.argmax(1) == p16.argmax(1)).mean() >= 0.995
    assert np.abs(p32 - p16).max() < 0.05
