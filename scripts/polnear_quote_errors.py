"""The direct-quotation errors of the extractor on PolNeAR's train split, counted by cause.

Usage: ``python scripts/polnear_quote_errors.py [--split train] [--system extract_attributions]
[--listing /tmp/errors.csv]``. Prints the counts (:func:`analysis.validation.quotes.direct_errors`)
and, with ``--listing``, writes every error with its text to a file outside the repository (the
texts are PolNeAR's and are never committed). Rules are written on train; dev is only scored.
"""

from __future__ import annotations

import argparse
import sys

import pandas as pd

from analysis import quotes as q
from analysis.core.parse import Parse
from analysis.validation import quotes as vq

SYSTEMS = {"extract_quotes": q.extract_quotes, "extract_attributions": q.extract_attributions}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", default="train")
    ap.add_argument("--system", default="extract_attributions", choices=sorted(SYSTEMS))
    ap.add_argument("--root", default=None, help="the shared data folder (default: FRAMING_SHARED_DATA)")
    ap.add_argument("--listing", default=None, help="CSV of every error with its text (outside the repo)")
    args = ap.parse_args(argv)
    try:
        articles = vq.polnear_dev(args.root, split=args.split)
    except (FileNotFoundError, OSError) as exc:
        print(f"PolNeAR not available: {exc}", file=sys.stderr)
        return 1
    fn = SYSTEMS[args.system]
    preds = [fn(a["text"], Parse.of(a["text"])) for a in articles]
    errors = vq.direct_errors(articles, preds)
    print(f"{args.system} on PolNeAR {args.split} ({len(articles)} articles)")
    print(errors.groupby(["error", "cause"]).size().rename("n").to_string())
    print("of them in ''...'' quotations:", int(errors["typewriter"].sum()))
    if args.listing:
        texts = {a["name"]: a["text"] for a in articles}
        errors.assign(text=[texts[r.article][r.start:r.end] for r in errors.itertuples()]).to_csv(
            args.listing, index=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
