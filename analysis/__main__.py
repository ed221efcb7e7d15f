"""Command line: ``python -m analysis run INPUT --out DIR [--workers N] [--dask ADDRESS|local]``.

Runs :func:`analysis.pipeline.run`; prints a progress bar and a summary; exits
with status 2 and a one-line message naming the file, line and problem when the
input is bad.
"""

from __future__ import annotations

import argparse
import sys

from analysis.corpus import CorpusError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analysis",
                                     description="Framing measures over a corpus.")
    sub = parser.add_subparsers(dest="command", required=True)
    r = sub.add_parser("run", help="compute every measure for every article; write Parquet tables")
    r.add_argument("input", help="corpus folder (articles.csv + texts), or a .csv, .jsonl or "
                                 ".parquet file with article_id, outlet, text [, title, published, event]")
    r.add_argument("--out", required=True, help="folder for the Parquet tables")
    r.add_argument("--workers", type=int, default=1, help="local worker processes (default 1)")
    r.add_argument("--dask", metavar="ADDRESS|local",
                   help="run on a dask.distributed scheduler at ADDRESS, or on a LocalCluster")
    r.add_argument("--chunk-size", type=int, default=None, help="articles per chunk")
    r.add_argument("--sentiment", action="store_true",
                   help="also score target sentiment toward every mention (a transformer; slow)")
    r.add_argument("--no-progress", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)

    from analysis import pipeline

    if args.workers < 1:
        parser.error("--workers must be at least 1")
    try:
        summary = pipeline.run(args.input, args.out, workers=args.workers, dask=args.dask,
                               chunk_size=args.chunk_size or pipeline.CHUNK_SIZE,
                               sentiment=args.sentiment, progress=not args.no_progress)
    except CorpusError as exc:
        print(f"error: bad input: {exc}", file=sys.stderr)
        return 2
    print(summary.as_text())
    return 0


if __name__ == "__main__":
    sys.exit(main())
