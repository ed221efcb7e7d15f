"""Refit the boilerplate segmenter's line model on the extraction benchmark.

    python scripts/train_boilerplate.py [--data ../shared/data]

Writes ``analysis/data/boilerplate_model.joblib`` (scikit-learn version pinned in
requirements.txt; load only files you trust — joblib files are pickles). Uses only the benchmark's 102
development pages (labels derived as its README says), never the study's seeds.
"""

from __future__ import annotations

import argparse
import sys

from analysis import paths
from analysis.boilerplate import MODEL_FILE
from analysis.validation import DevSetMissing
from analysis.validation.boilerplate import benchmark_features, benchmark_pages
from analysis.validation.boilerplate_model import fit


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=None, help="folder holding extraction_benchmark/")
    args = ap.parse_args()
    try:
        pages = benchmark_pages(args.data)
    except DevSetMissing as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    feats = benchmark_features(pages)
    model = fit(feats)
    model["trained_on"] = (f"extraction_benchmark development pages: {len(pages)} pages, "
                           f"{len(feats)} non-blank lines ({int(feats['is_body'].sum())} body)")
    import joblib
    import sklearn

    model["sklearn_version"] = sklearn.__version__
    target = paths.package_data(MODEL_FILE)
    joblib.dump(model, target, compress=3)
    print(f"wrote {target} ({target.stat().st_size // 1024} KiB): {model['trained_on']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
