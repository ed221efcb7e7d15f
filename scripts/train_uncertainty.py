"""Refit the sentence-uncertainty model on the Szeged Wikipedia corpus (training part only).

    python scripts/train_uncertainty.py [--data ../shared/data]

Reads ``szeged/wiki.xml``, keeps the documents of the fixed training part (see
:mod:`analysis.validation.hedging`: a document is held out when the SHA-256 of its id
is divisible by 5), chooses the regularisation and the threshold by document-grouped
cross-validation on that part, refits on all of it, and writes
``analysis/data/uncertainty_model.joblib`` (a logistic regression over the lexicon's
verdicts and the sentence's words; scikit-learn version pinned in requirements.txt;
load only files you trust — joblib files are pickles). The held-out documents and the
study's seeds are never used. Refit after every change to ``hedge_lexicon.csv`` or the
context rules: the model records the lexicon's digest and the tests check it.
"""

from __future__ import annotations

import argparse
import sys

from analysis import paths
from analysis.hedging import MODEL_FILE
from analysis.validation import DevSetMissing
from analysis.validation.hedging import fit_model, szeged_sentences


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=None, help="folder holding szeged/")
    args = ap.parse_args()
    try:
        sents = szeged_sentences(args.data)
    except DevSetMissing as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    train = sents[sents["split"] == "train"].reset_index(drop=True)
    print(f"training part: {train['doc_id'].nunique()} documents, {len(train)} sentences "
          f"({int(train['uncertain'].sum())} uncertain)", flush=True)
    model = fit_model(train)
    model["trained_on"] = (f"Szeged Uncertainty Corpus, Wikipedia (wiki.xml), training part: "
                           f"{train['doc_id'].nunique()} documents, {len(train)} sentences, "
                           f"{int(train['uncertain'].sum())} uncertain")
    import joblib
    import sklearn

    model["sklearn_version"] = sklearn.__version__
    target = paths.package_data(MODEL_FILE)
    joblib.dump(model, target, compress=3)
    print(f"wrote {target} ({target.stat().st_size // 1024} KiB): C={model['C']}, "
          f"threshold={model['threshold']}, cross-validated F1 {model['cv_f1']}; {model['trained_on']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
