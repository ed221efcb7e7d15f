"""Fitting the boilerplate segmenter's line model.

A gradient-boosted tree ensemble (scikit-learn's HistGradientBoostingClassifier,
shallow trees) over :data:`analysis.boilerplate.FEATURES`, fitted only on the
public extraction benchmark's pages, never on the study's seeds. Trees capture
what a linear model cannot here (a long line is body *unless* its neighbours
are menus). Page-grouped 5-fold cross-validation: line-level F1 of the
not-body class 0.956 for this model vs 0.951 for a logistic regression over the
same features (measured when the model was chosen).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis import boilerplate as bp

PARAMS = {"max_iter": 100, "max_depth": 3, "learning_rate": 0.1, "random_state": 0}


def fit(feats: pd.DataFrame, features=bp.FEATURES) -> dict:
    """Fit on lines with features and ``is_body``; return the model bundle used by ``segment``."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    clf = HistGradientBoostingClassifier(**PARAMS)
    clf.fit(feats[list(features)].to_numpy(dtype=float), feats["is_body"].to_numpy(dtype=bool))
    return {"features": list(features), "estimator": clf, "threshold": bp.THRESHOLD}


def cross_val_models(feats: pd.DataFrame, folds: int = 5, seed: int = 0) -> dict[str, dict]:
    """Page-grouped K-fold: for each page, a model fitted on the other folds' pages."""
    pages = np.array(sorted(feats["page_id"].unique()))
    rng = np.random.default_rng(seed)
    rng.shuffle(pages)
    out = {}
    for k in range(folds):
        held = set(pages[k::folds])
        model = fit(feats[~feats["page_id"].isin(held)])
        out.update({pid: model for pid in held})
    return out
