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
