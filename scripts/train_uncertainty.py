"""Refit the sentence-uncertainty model on the news gold and the Szeged Wikipedia training part.

    python scripts/train_uncertainty.py [--data ../shared/data]

Reads the 600 hand-labelled news sentences (``data/annotations/news_uncertainty_*``,
texts re-read from PolNeAR and BASIL dev and checked against their hashes) and the
training part of ``szeged/wiki.xml`` (a document is held out when the SHA-256 of its
id is divisible by 5; held-out documents and the study's seeds are never used).
Chooses the feature scheme (pooled or domain-augmented), the regularisation and a
threshold per genre by document-grouped cross-validation
(:mod:`analysis.validation.uncertainty_model`), refits on everything and writes
``analysis/data/uncertainty_model.joblib`` (scikit-learn version pinned in
requirements.txt; load only files you trust — joblib files are pickles). Refit after
every change to ``hedge_lexicon.csv`` or the context rules: the model records the
lexicon's digest and the tests check it.
"""

from __future__ import annotations

import argparse
import sys

import pandas as pd

from analysis import paths
from analysis.hedging import MODEL_FILE
from analysis.validation import DevSetMissing
from analysis.validation.hedging import szeged_sentences
from analysis.validation.news_uncertainty import news_sentences
from analysis.validation.uncertainty_model import CONFIGS, featurise, fit_model, nested_scores

CARD = """# Sentence-uncertainty model (`uncertainty_model.joblib`)

Written by `scripts/train_uncertainty.py` (re-run it to refit; it rewrites this card).

## What it does
Whether a sentence is uncertain in the CoNLL-2010 task 1 sense (it holds a hedge cue), as adapted for news
in `data/annotations/news_uncertainty_guideline.md`. API: `analysis.hedging.sentence_uncertainty(sentences)`,
`uncertain_sentences`, and the `sentences` table of every article (`model` column).

## Data
- {trained_on}.
- The news texts are re-read from `../shared/data` and checked against their hashes (never committed).
  The Szeged held-out documents (SHA-256 of the id divisible by 5) and the seed articles are never used.

## Method
- Features: the hedge lexicon's verdicts of the sentence (kept cues, their category and uncertainty type, candidates
  a context rule dropped); lexicon digest `{lexicon_sha256}`.
- Logistic regression (scikit-learn {sklearn_version}). Scheme `{scheme}`, C = {C}; thresholds per genre {thresholds}.
  "augmented" is domain augmentation (Daume III 2007): each feature once shared and once marked with the genre.
- Chosen by document-grouped {folds}-fold cross-validation over news and Wikipedia together (thresholds chosen by an
  inner cross-validation inside the training folds): selection table below.

## Selection (out-of-fold F1, thresholds chosen inside the training folds)
{selection}

## Nested cross-validation (the configuration too chosen inside each training fold), baselines on the same folds
{nested}

Keywords (Wikipedia): the 30 most frequent one-word Szeged cues of the training folds; keywords (news): the 30 most
frequent one-word first cues of the news training folds; lexicon: a kept semantic cue (news: or a discourse cue).

## Limits
- 600 news sentences from two US-politics corpora (PolNeAR, BASIL); annotators were model helpers (agreement on 150
  units: kappa 0.951). Conflict reporting, translated and state-media prose are outside the news sample.
- Sentence-level only: which words carry the uncertainty is the lexicon's `hedges` table, not this model.
"""


def markdown(table: pd.DataFrame) -> str:
    cols = list(table.columns)
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    lines += ["| " + " | ".join(str(v) for v in row) + " |" for row in table.itertuples(index=False)]
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=None, help="folder holding szeged/, polnear/ and basil_dev/")
    args = ap.parse_args()
    try:
        sents = szeged_sentences(args.data)
        news = news_sentences(args.data)
    except DevSetMissing as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    wiki = sents[sents["split"] == "train"].reset_index(drop=True)
    print(f"news gold: {news['doc_id'].nunique()} documents, {len(news)} sentences "
          f"({int(news['uncertain'].sum())} uncertain); Wikipedia training part: {wiki['doc_id'].nunique()} "
          f"documents, {len(wiki)} sentences ({int(wiki['uncertain'].sum())} uncertain)", flush=True)
    model = fit_model(news, wiki)
    model["trained_on"] = (f"news gold (PolNeAR + BASIL dev): {len(news)} sentences, "
                           f"{int(news['uncertain'].sum())} uncertain; Szeged Uncertainty Corpus, Wikipedia "
                           f"(wiki.xml), training part: {wiki['doc_id'].nunique()} documents, {len(wiki)} "
                           f"sentences, {int(wiki['uncertain'].sum())} uncertain")
    import joblib
    import sklearn

    model["sklearn_version"] = sklearn.__version__
    target = paths.package_data(MODEL_FILE)
    joblib.dump(model, target, compress=3)
    print("nested cross-validation (about 8 minutes on two cores) ...", flush=True)
    scores, _ = nested_scores(news, wiki, featurise(news["text"]), featurise(wiki["text"]), configs=CONFIGS)
    print(scores.to_string(index=False))
    selection = pd.DataFrame(model["cv"])[["scheme", "C", "genre", "n_gold", "n_pred", "precision", "recall", "f1"]]
    card = CARD.format(trained_on=model["trained_on"], lexicon_sha256=model["lexicon_sha256"][:12],
                       sklearn_version=model["sklearn_version"], scheme=model["scheme"], C=model["C"],
                       thresholds=model["thresholds"], folds=5, selection=markdown(selection),
                       nested=markdown(scores))
    target.with_suffix(".md").write_text(card, encoding="utf-8")
    print(f"wrote {target} ({target.stat().st_size // 1024} KiB): {model['scheme']}, C={model['C']}, "
          f"thresholds={model['thresholds']}; {model['trained_on']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
