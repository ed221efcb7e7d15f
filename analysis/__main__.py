"""Command line: ``python -m analysis run INPUT --out DIR [--workers N] [--dask ADDRESS|local] [--resume|--restart]``.

``python -m analysis actors INPUT --out registry.csv [--min-articles N] [--merges merges.csv]``
proposes an actor registry for a corpus (:func:`analysis.measures.actors.bootstrap.propose_registry`),
in the format of ``analysis/data/actors.csv``, to review and edit.

Runs :func:`analysis.pipeline.run`; prints a progress bar and a summary. A run
that was interrupted is resumed by running the same command again (the finished
chunks are kept in ``DIR/.checkpoint``). Exits with status 2 and a one-line
message when the input is bad (naming the file, line and problem), when ``DIR``
holds the checkpoint of another run (saying what differs), when ``DIR`` cannot
be written (the finished chunks are kept), or when the final check finds an
input row missing from ``articles``; with 130 when interrupted (Ctrl-C).
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
                   help="also run the optional measures: target sentiment toward every mention, generic "
                        "frames and narrative roles (transformers; slow)")
    again = r.add_mutually_exclusive_group()
    again.add_argument("--resume", action="store_true",
                       help="resume the interrupted run in --out (an error if there is none); without "
                            "--resume or --restart a matching checkpoint is resumed anyway")
    again.add_argument("--restart", action="store_true",
                       help="discard any checkpoint in --out and start the run over")
    r.add_argument("--no-progress", action="store_true", help="no progress bar")
    a = sub.add_parser("actors", help="propose an actor registry (actors.csv format) from a corpus")
    a.add_argument("input", help="corpus folder or file, as for run")
    a.add_argument("--out", required=True, help="CSV to write (the columns of analysis/data/actors.csv)")
    a.add_argument("--min-articles", type=int, default=2, help="keep actors seen in at least N articles")
    a.add_argument("--merges", help="CSV of alias,actor rows that pin or merge actors")
    args = parser.parse_args(argv)
    if args.command == "actors":
        return _actors(args)

    from analysis import pipeline

    if args.workers < 1:
        parser.error("--workers must be at least 1")
    if args.chunk_size is not None and args.chunk_size < 1:
        parser.error("--chunk-size must be at least 1")
    resume = True if args.resume else False if args.restart else None
    try:
        summary = pipeline.run(args.input, args.out, workers=args.workers, dask=args.dask,
                               chunk_size=args.chunk_size or pipeline.CHUNK_SIZE,
                               sentiment=args.sentiment, progress=not args.no_progress, resume=resume)
    except CorpusError as exc:
        print(f"error: bad input: {exc}", file=sys.stderr)
        return 2
    except pipeline.RunError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"\ninterrupted: the finished chunks are kept in {args.out}/.checkpoint; run the same command "
              "again to resume", file=sys.stderr)
        return 130
    print(summary.as_text())
    return 0


def _actors(args) -> int:
    from analysis.corpus import load_corpus
    from analysis.measures.actors import bootstrap

    try:
        corpus = load_corpus(args.input)
        merges = bootstrap.read_merges(args.merges) if args.merges else None
    except (CorpusError, ValueError, OSError) as exc:
        print(f"error: bad input: {exc}", file=sys.stderr)
        return 2
    table = bootstrap.propose_registry(corpus, min_articles=args.min_articles, merges=merges)
    table.to_csv(args.out, index=False)
    print(f"{table['actor'].nunique()} actors, {len(table)} aliases from {len(corpus)} articles -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
