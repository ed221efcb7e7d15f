"""The conflict-news contrast set (fitting data for target sentiment): well-formed and as its guideline says."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def cc():
    spec = importlib.util.spec_from_file_location("conflict_contrast", ROOT / "scripts" / "conflict_contrast.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def table(cc):
    return pd.read_csv(cc.DEFAULT, keep_default_na=False)


def test_set_passes_its_checks_and_is_rebuilt_from_its_sources(cc, table):
    assert cc.check(table) == []
    sources = sorted((ROOT / "data" / "training" / "conflict_contrast_src").glob("b*.txt"))
    pd.testing.assert_frame_equal(cc.parse(sources), table, check_dtype=False)


def test_size_balance_and_violent_vocabulary_across_labels(cc, table):
    assert len(table) >= 900
    share = table["label"].value_counts(normalize=True)
    assert 0.35 <= share["neutral"] <= 0.45
    assert 0.25 <= share["negative"] <= 0.35 and 0.25 <= share["positive"] <= 0.35
    violent = table["sentence"].map(cc.violent)
    assert violent.mean() >= 0.40
    assert table[violent]["label"].value_counts().min() >= 100
    # contrast groups: most groups carry more than one label
    assert (table.groupby("group_id")["label"].nunique() > 1).mean() >= 0.95


@pytest.mark.parametrize("bad, problem", [
    ({"end": 3}, "!="), ({"label": "mixed"}, "label"), ({"rule": "R99"}, "rule"),
    ({"sentence": "Troops loyal to Assad moved north on Sunday, officials said.", "start": 0, "end": 6,
      "target": "Troops"}, "banned"),
])
def test_check_catches_bad_rows(cc, table, bad, problem):
    broken = table.head(4).copy()
    for k, v in bad.items():
        broken.loc[0, k] = v
    assert any(problem in e for e in cc.check(broken))


def test_kappa_is_cohens(cc):
    assert cc.kappa(["a", "a", "b", "b"], ["a", "a", "b", "b"]) == 1.0
    assert cc.kappa(["a", "b", "a", "b"], ["a", "a", "b", "b"]) == pytest.approx(0.0)


#: The shipped model read directly (never fitted on the set): macro-F1 0.745 on the 926 items, VADER 0.573,
#: all-neutral 0.190 (same run). The set is easier than the seeds' prose (seed gold: 0.539 / 0.291), so this floor
#: guards the model's reading of explicit stance in conflict sentences; it says nothing about the seeds.
CONTRAST_MACRO_F1 = 0.74


def test_shipped_model_on_the_contrast_set_beats_vader(table):
    from analysis import sentiment as S
    from analysis.validation import sentiment as vs

    pred = S.classify_targets(table["sentence"].tolist(), list(zip(table["start"], table["end"])))["label"]
    model = vs.macro_f1(vs.score(table["label"].tolist(), pred.tolist(), "model"), "model")
    vader = vs.macro_f1(vs.score(table["label"].tolist(), vs.vader_labels(table["sentence"].tolist()), "v"), "v")
    assert model >= CONTRAST_MACRO_F1
    assert model > vader + 0.15
