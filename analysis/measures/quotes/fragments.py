"""Whole quotation or fragment: a fitted decision over the attribution rules' evidence.

A direct quotation either frames a whole report — "“We will win,” she said", "She said:
“We will win.”" — or is a fragment of the writer's sentence, a mixed report: "She said the
plan “looks out for” workers", "“This is a test” for the mayor, said X". The
hand-written rule (:func:`analysis.measures.quotes.attribution.fragment_features`, feature
``rule``) reads this from the words around the marks; this module weighs the rule's verdict
together with the rest of that evidence (the punctuation that opens and closes the quotation,
the writer's words before and after it, its attribution and the attribution's other rows).

The model is a logistic regression over the features and their pairwise products (each
product a conjunction of two pieces of evidence, "the rule says whole *and* it continues a
quotation the rule calls a fragment"), fitted by ``scripts/train_fragment_model.py`` on
PolNeAR's train split (Newell, Margolin & Ruths 2018; its dev split is only scored) and chosen
by article-grouped cross-validation; the weights ship as ``data/fragment_model.csv`` and the
choice is recorded in ``data/fragment_model.md``. How to read it: :func:`whole_probability`
is the model's probability that the quotation is a whole one; below :data:`THRESHOLD` the row
is flagged ``fragment``.
"""

from __future__ import annotations

import csv
import functools
import math

from analysis import paths

MODEL_FILE = "fragment_model.csv"
#: A quotation is whole when its probability of being whole is at least this.
THRESHOLD = 0.5


@functools.lru_cache(maxsize=1)
def weights() -> tuple[float, dict[str, float], dict[tuple[str, str], float]]:
    """``(intercept, weight of each feature, weight of each pair of features)`` of the shipped model."""
    intercept, single, pairs = 0.0, {}, {}
    with paths.package_data(MODEL_FILE).open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            a, b, w = row["feature"], row["with"], float(row["weight"])
            if not a:
                intercept = w
            elif not b:
                single[a] = w
            else:
                pairs[(a, b) if a < b else (b, a)] = w
    return intercept, single, pairs


def whole_probability(features: dict[str, float]) -> float:
    """The probability that a quotation with these features (name -> value; absent = 0) frames a
    whole report rather than a fragment of the writer's sentence."""
    intercept, single, pairs = weights()
    on = sorted((k, v) for k, v in features.items() if v)
    z = intercept + sum(single.get(k, 0.0) * v for k, v in on)
    for i, (a, va) in enumerate(on):
        for b, vb in on[i + 1:]:
            w = pairs.get((a, b))
            if w:
                z += w * va * vb
    return 1.0 / (1.0 + math.exp(-z))


def is_whole(features: dict[str, float]) -> bool:
    """Whether the quotation frames a whole report (:func:`whole_probability` ≥ :data:`THRESHOLD`)."""
    return whole_probability(features) >= THRESHOLD
