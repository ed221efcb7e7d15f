"""What each default measure costs beside the parse, in CPU time, on PolNeAR articles.

    python benchmarks/measure_costs.py                    # 128 articles
    python benchmarks/measure_costs.py --articles 64 --root /path/to/shared/data

The first N PolNeAR articles (``<root>/polnear/{train,dev}/text/*.txt``; ``--root``
defaults to ``$FRAMING_SHARED_DATA`` or ``../shared/data`` beside the project) go
through the engine's own steps, each timed on its own with ``time.process_time``
(one BLAS/OpenMP thread, no profiler):

* ``corpus pass``: :func:`analysis.engine.scan_context` over every article;
* each parse-free measure (``lines``): :func:`analysis.engine.run.prepare` with
  that measure alone, which also sets the article's body and lead text;
* ``parse``: :func:`analysis.engine.run.prepare` with the measures that read the
  parse — the parse-free ones have run already, so this is one ``nlp.pipe``
  stream over every article's pieces, as in :func:`analysis.engine.measure_records`;
* each measure that reads the parse, in registry order, article by article
  through :func:`analysis.engine.measure_article` with the tables of the
  earlier measures (so each measure's table checks are in its own time);
* ``articles counts``: every measure's ``counts``.

Printed: ms per article and the ratio to the parse's CPU time in this run, and
the measures' total over the parse. With ``--whole``, :func:`analysis.engine.measure_records`
also runs on the same articles (chunks of 64, as the pipeline runs it), for its
total beside the sum of the steps. The engine is used as it is; nothing in it
is changed or patched. Which code ran is printed (``analysis`` package path),
so the same script can time another checkout: ``PYTHONPATH=/other/checkout``.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.append(str(ROOT))  # after PYTHONPATH: PYTHONPATH=<checkout> times that checkout's code


def default_root() -> Path:
    env = os.environ.get("FRAMING_SHARED_DATA")
    return Path(env) if env else ROOT.parent / "shared" / "data"


def polnear_records(root: Path, n: int) -> list[dict]:
    """The first ``n`` PolNeAR articles (train then dev, by file name) as engine input records."""
    folder = root / "polnear"
    files = sorted(p for split in ("train", "dev") for p in (folder / split / "text").glob("*.txt"))[:n]
    return [{"article_id": p.stem, "outlet": p.name.split("_", 1)[0], "text": p.read_text(encoding="utf-8"),
             "line": i + 1, "title": "", "published": "", "event": ""} for i, p in enumerate(files)]


def article_of(rec: dict):
    """The engine's :class:`~analysis.core.article.Article` for an input record (as ``measure_records`` makes it)."""
    from analysis.core.article import Article

    meta = {k: rec.get(k, "") for k in ("title", "published", "event", "line")}
    return Article(text=str(rec["text"]), article_id=str(rec["article_id"]), outlet=str(rec["outlet"]),
                   meta=meta, context=dict(rec.get("context", {})), given=dict(rec.get("given", {})))


def costs(recs: list[dict], measures=None, whole: bool = False) -> list[tuple[str, float]]:
    """``[(step, CPU seconds)]`` for ``recs`` (see the module docstring); the parse is named ``parse``."""
    from analysis.engine import measure_article, measure_records, scan_context, select
    from analysis.engine.run import prepare
    from analysis.nlp import load_nlp

    measures = select() if measures is None else tuple(measures)
    nlp = load_nlp()
    warm = article_of({"article_id": "warm", "outlet": "warm", "text": "Officials said on Tuesday that "
                       "the minister met the president.\n\u201cWe will help,\u201d she said.\n"})
    measure_article(warm, measures)  # models and word lists loaded before any clock starts
    out: list[tuple[str, float]] = []

    def clock(name, fn):
        c = time.process_time()
        res = fn()
        out.append((name, time.process_time() - c))
        return res

    ctx = clock("corpus pass", lambda: scan_context(recs, measures))
    for rec, c in zip(recs, ctx):
        rec["context"] = c
    arts = [article_of(r) for r in recs]
    tables: dict[str, dict] = {a.article_id: {} for a in arts}
    errors: dict = {}
    for m in (m for m in measures if not m.parse):
        def early(m=m):
            for a in arts:
                tables[a.article_id].update(prepare([a], [m], errors=errors).get(a.article_id, {}))
        clock(m.name, early)
    clock("parse", lambda: prepare(arts, [m for m in measures if m.parse], nlp, errors=errors))
    if errors:
        raise RuntimeError(f"{len(errors)} articles failed: {list(errors.items())[:3]}")
    for m in (m for m in measures if m.parse):
        def one(m=m):
            for a in arts:
                tables[a.article_id].update(measure_article(a, [m], tables[a.article_id]))
        clock(m.name, one)

    def counts():
        for a in arts:
            for m in measures:
                if m.counts is not None:
                    m.counts(a, tables[a.article_id])
    clock("articles counts", counts)
    if whole:
        for r in recs:
            r.pop("context", None)

        def run_whole():
            for rec, c in zip(recs, scan_context(recs, measures)):
                rec["context"] = c
            for i in range(0, len(recs), 64):
                done = measure_records(recs[i:i + 64], measures, nlp)
                if (done["articles"]["status"] != "ok").any():
                    raise RuntimeError(done["errors"].head(3).to_dict("records"))
        clock("measure_records (whole)", run_whole)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--articles", type=int, default=128, help="PolNeAR articles (default 128)")
    ap.add_argument("--root", type=Path, default=None,
                    help="the shared-data folder (default $FRAMING_SHARED_DATA or ../shared/data)")
    ap.add_argument("--whole", action="store_true",
                    help="also time measure_records on the same articles (chunks of 64)")
    args = ap.parse_args()
    root = args.root or default_root()
    recs = polnear_records(root, args.articles)
    if not recs:
        print(f"skipped: no PolNeAR texts under {root / 'polnear'} (give --root or set FRAMING_SHARED_DATA)")
        return 0
    from threadpoolctl import threadpool_limits

    import analysis

    with threadpool_limits(limits=1):
        steps = costs(recs, whole=args.whole)
    n = len(recs)
    parse = dict(steps)["parse"]
    print(f"code: {Path(analysis.__file__).parent}; {n} PolNeAR articles; "
          f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; load average "
          f"{', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print(f"  {'step':26s} {'ms/article':>10s} {'/ parse':>8s}")
    total = 0.0
    for name, sec in steps:
        if name not in ("parse", "measure_records (whole)"):
            total += sec
        print(f"  {name:26s} {1000 * sec / n:10.2f} {sec / parse:8.3f}")
    print(f"  {'measures together':26s} {1000 * total / n:10.2f} {total / parse:8.3f}")
    print(f"  parse + measures: bare-parse share {parse / (parse + total):.3f} "
          f"(the pipeline's throughput ratio to its own parse)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
