"""Fit the whole-quotation/fragment decision (:mod:`analysis.measures.quotes.fragments`) on PolNeAR train.

    python scripts/train_fragment_model.py [--data ../shared/data] [--folds 5] [--dry-run]

For every direct quotation the extractor finds on PolNeAR's train split (both scopes, the
study's ``speech`` and PolNeAR's ``attribution``), the evidence its ``fragment`` flag is decided
from (:func:`analysis.measures.quotes.attribution.fragment_features`) and the gold's reading
(:func:`analysis.validation.quotes.whole_labels`: whole direct quotation or part of a mixed
report; quotations no gold attribution covers are not learned from). Candidates — logistic
regression over the features alone or with their pairwise products, at several
regularisation strengths — are compared by article-grouped cross-validation on train, scored as
the notebook scores (direct-quotation overlap F1 of both scopes with the out-of-fold decisions
put in), beside the hand-written rule alone in the same run; the best mean F1 is refitted on all
of train and written to ``analysis/data/fragment_model.csv`` with its card
``fragment_model.md``. PolNeAR's dev split is never read here. The PolNeAR texts are
never written anywhere.
"""

from __future__ import annotations

import argparse
import sys

import numpy as np
import pandas as pd

from analysis import paths
from analysis.core.parse import Parse
from analysis.measures.quotes import attribution, fragments
from analysis.validation import quotes as vq

SCOPES = ("speech", "attribution")
#: The candidates: (pairwise products, C).
GRID = [(pairs, c) for pairs in (False, True) for c in (0.03, 0.1, 0.3, 1.0)]
CARD = "fragment_model.md"


def collect(articles: list[dict]) -> tuple[dict, dict]:
    """Per scope: every article's quotation table, and one evidence row per direct quotation."""
    tables = {s: [] for s in SCOPES}
    evidence = {s: [] for s in SCOPES}
    for k, art in enumerate(articles):
        parse = Parse.of(art["text"])
        for scope in SCOPES:
            ev: list = []
            tables[scope].append(attribution.extract(art["text"], parse, None, scope, evidence=ev)[0])
            labels = vq.whole_labels(art["attributions"], [(s, e) for s, e, _ in ev])
            evidence[scope].extend({"article": k, "start": s, "end": e, "label": y, "features": f}
                                   for (s, e, f), y in zip(ev, labels))
        if (k + 1) % 100 == 0:
            print(f"  {k + 1} articles", file=sys.stderr, flush=True)
    return tables, evidence


def direct_f1(articles: list[dict], tables: list[pd.DataFrame]) -> dict:
    """Direct-quotation scores as notebook 20 computes them (:func:`analysis.validation.quotes.score_polnear`)."""
    tally = vq.Tally()
    for art, pred in zip(articles, tables):
        gold = [g for g in art["attributions"] if g["direct"]]
        items = vq.outermost(vq.group_predictions(pred, ("direct",)))
        tally.add(art["text"], gold, [{**p, "actor": ""} for p in items])
    return tally.row()


def with_decisions(tables: list[pd.DataFrame], rows: list[dict], whole: np.ndarray) -> list[pd.DataFrame]:
    """The tables with each direct row's ``fragment`` flag replaced by a decision."""
    decided = {(r["article"], r["start"]): not w for r, w in zip(rows, whole)}
    out = []
    for k, tab in enumerate(tables):
        tab = tab.copy()
        tab["fragment"] = [decided.get((k, s), f) if kind == "direct" else f
                           for kind, s, f in zip(tab["kind"], tab["start"], tab["fragment"])]
        out.append(tab)
    return out


def design(rows: list[dict], names: list[str], pairs: bool) -> np.ndarray:
    x = np.array([[r["features"].get(n, 0.0) for n in names] for r in rows], dtype=float)
    if not pairs:
        return x
    i, j = np.triu_indices(len(names), k=1)
    return np.hstack([x, x[:, i] * x[:, j]])


def fit(rows: list[dict], names: list[str], pairs: bool, c: float):
    from sklearn.linear_model import LogisticRegression

    learn = [r for r in rows if r["label"] is not None]
    model = LogisticRegression(C=c, max_iter=5000)
    return model.fit(design(learn, names, pairs), [r["label"] for r in learn])


def cross_validate(articles, tables, evidence, names, folds: int) -> pd.DataFrame:
    from sklearn.model_selection import GroupKFold

    fold_of = {k: f for f, (_, test) in enumerate(GroupKFold(n_splits=folds).split(
        np.zeros(len(articles)), groups=np.arange(len(articles)))) for k in test}
    out = []
    rule = {s: direct_f1(articles, with_decisions(tables[s], evidence[s], np.array(
        [not r["features"]["rule"] for r in evidence[s]], dtype=bool))) for s in SCOPES}
    out.append({"candidate": "hand-written rule alone (reference)", "pairs": "", "C": np.nan,
                **{f"{m}_{s}": rule[s][m] for s in SCOPES for m in ("precision", "recall", "f1")}})
    for pairs, c in GRID:
        whole = {s: np.zeros(len(evidence[s]), dtype=bool) for s in SCOPES}
        for f in range(folds):
            model = fit([r for r in evidence["speech"] if fold_of[r["article"]] != f], names, pairs, c)
            for s in SCOPES:
                idx = [i for i, r in enumerate(evidence[s]) if fold_of[r["article"]] == f]
                if idx:
                    p = model.predict_proba(design([evidence[s][i] for i in idx], names, pairs))[:, 1]
                    whole[s][idx] = p >= fragments.THRESHOLD
        scores = {s: direct_f1(articles, with_decisions(tables[s], evidence[s], whole[s])) for s in SCOPES}
        out.append({"candidate": "logistic regression", "pairs": pairs, "C": c,
                    **{f"{m}_{s}": scores[s][m] for s in SCOPES for m in ("precision", "recall", "f1")}})
        print(f"  pairs={pairs} C={c}: " + " / ".join(f"{scores[s]['f1']:.4f}" for s in SCOPES),
              file=sys.stderr, flush=True)
    table = pd.DataFrame(out)
    table["mean_f1"] = (table["f1_speech"] + table["f1_attribution"]) / 2
    return table


def weights_table(model, names: list[str], pairs: bool) -> pd.DataFrame:
    cols = [(n, "") for n in names]
    if pairs:
        i, j = np.triu_indices(len(names), k=1)
        cols += [(names[a], names[b]) for a, b in zip(i, j)]
    rows = [{"feature": "", "with": "", "weight": round(float(model.intercept_[0]), 6)}]
    rows += [{"feature": a, "with": b, "weight": round(float(w), 6)}
             for (a, b), w in zip(cols, model.coef_[0]) if abs(w) >= 5e-7]
    return pd.DataFrame(rows)


def card(table: pd.DataFrame, chosen: pd.Series, n: dict, weights: pd.DataFrame, folds: int) -> str:
    import sklearn

    grid = table.copy()
    grid["C"] = grid["C"].map(lambda c: "" if pd.isna(c) else f"{c:g}")
    cols = ["candidate", "pairs", "C"] + [f"{m}_{s}" for s in SCOPES for m in ("precision", "recall", "f1")] + ["mean_f1"]
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for r in grid[cols].itertuples(index=False):
        lines.append("| " + " | ".join(f"{v:.4f}" if isinstance(v, float) else str(v) for v in r) + " |")
    return f"""# Whole quotation or fragment (`fragment_model.csv`)

Written by `scripts/train_fragment_model.py` (re-run it to refit; it rewrites this card and the weights).

## What it does
Decides, for every direct quotation the extractor finds, whether it frames a whole report ("“We will win,” she
said") or is a fragment of the writer's sentence, a mixed report ("said the plan “looks out for” workers"): the
`fragment` column of the quotations table. API: `analysis.measures.quotes.fragments.whole_probability(features)`;
the features are `analysis.measures.quotes.attribution.fragment_features` (the hand-written rule's verdict among them).

## Data
- PolNeAR (Newell, Margolin & Ruths 2018) **train** split only: {n['articles']} articles; {n['rows']} direct
  quotations found by the extractor (study's `speech` scope), {n['labelled']} of them under a gold attribution
  ({n['whole']} whole, {n['labelled'] - n['whole']} part of a mixed report) — the rest have no gold to learn from.
  Labels: `analysis.validation.quotes.whole_labels`. The dev split is never read here (it is scored in notebook 20).
  No PolNeAR text is stored; only the weights.

## Method
Logistic regression (scikit-learn {sklearn.__version__}), features alone or with every pairwise product (a
conjunction of two pieces of evidence), threshold {fragments.THRESHOLD} on the probability of a whole quotation
(not tuned). Chosen by {folds}-fold cross-validation grouped by article on train, each candidate scored as the
notebook scores PolNeAR (direct-quotation overlap F1, both scopes, the out-of-fold decisions put into the
extractor's tables), beside the hand-written rule alone in the same run; the best mean F1 of the two scopes wins.
Chosen: pairs = {chosen['pairs']}, C = {chosen['C']:g}; {len(weights) - 1} non-zero weights.

## Selection (out-of-fold, PolNeAR train)
{chr(10).join(lines)}
"""


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=None, help="the shared data folder (default: FRAMING_SHARED_DATA)")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--dry-run", action="store_true", help="print the selection, write nothing")
    args = ap.parse_args(argv)
    try:
        articles = vq.polnear_dev(args.data, split="train")
    except (FileNotFoundError, OSError) as exc:
        print(f"PolNeAR train not available: {exc}", file=sys.stderr)
        return 2
    tables, evidence = collect(articles)
    names = sorted({k for s in SCOPES for r in evidence[s] for k in r["features"]})
    table = cross_validate(articles, tables, evidence, names, args.folds)
    print(table.round(4).to_string(index=False))
    chosen = table.iloc[1:].sort_values("mean_f1", ascending=False, kind="stable").iloc[0]
    model = fit(evidence["speech"], names, bool(chosen["pairs"]), float(chosen["C"]))
    weights = weights_table(model, names, bool(chosen["pairs"]))
    learn = [r for r in evidence["speech"] if r["label"] is not None]
    n = {"articles": len(articles), "rows": len(evidence["speech"]), "labelled": len(learn),
         "whole": sum(r["label"] for r in learn)}
    if args.dry_run:
        return 0
    weights.to_csv(paths.package_data(fragments.MODEL_FILE), index=False, lineterminator="\n")
    paths.package_data(CARD).write_text(card(table, chosen, n, weights, args.folds), encoding="utf-8")
    print(f"wrote {fragments.MODEL_FILE} ({len(weights)} rows) and {CARD}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
