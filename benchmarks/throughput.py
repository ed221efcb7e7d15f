"""Throughput of the pipeline beside bare spaCy ``nlp.pipe`` on the same texts, in the same run.

    python benchmarks/throughput.py                          # the comparison, twice, then 10,000 articles
    python benchmarks/throughput.py --compare 128 --repeat 2 --articles 0    # the comparison only
    python benchmarks/throughput.py --compare 0 --articles 10000 --every 1000  # the growth run only

**The comparison** (``--compare N``, ``--repeat R`` times): on two corpora,

* ``polnear``: the first N PolNeAR articles (``$FRAMING_SHARED_DATA/polnear/{train,dev}/text``;
  real news, little chrome), and
* ``chrome``: chrome-heavy pages, the extraction benchmark's page texts
  (``$FRAMING_SHARED_DATA/extraction_benchmark/page-text.json``, English pages,
  menus, footers and all), or the five seed pages repeated when it is absent,

each of these runs in a fresh process, with 1 and with 2 worker processes:

``bare``
    ``nlp.pipe(texts, batch_size=64)`` over the raw texts with the pipeline as its
    package ships it (``load_nlp(stock=True)``: the model's default components,
    spaCy's own attribute ruler; docs dropped as they come), 64 texts a task —
    the library's pipeline gives the same documents with a faster attribute ruler
    (:mod:`analysis.core.attribute_rules`);
``default``
    the engine's unit of work (:func:`analysis.engine.measure_records` on
    chunks of 64 under one BLAS/OpenMP thread, as :func:`analysis.pipeline.process_chunk`
    runs it) with the default measures, after the corpus pass (``scan_context``);
``sentiment``
    the same plus target sentiment;
``all``
    every measure (``optional=True``: sentiment and generic frames).

Models are loaded and warmed on a short text before the clock starts, in every
worker. CPU time is that of the process plus its workers' tasks; on a shared
machine it is the fairer clock. Printed: articles/s in CPU and wall time and the
ratio of each run's throughput to bare ``nlp.pipe``'s with the same workers
(targets, CPU: default ≥ 0.90 on PolNeAR, > 1.0 on chrome-heavy pages since
the chrome is not parsed; sentiment ≥ 0.5) and, with ``--repeat`` above 1, each
ratio's median over the runs with its range: one ratio moves by several hundredths
between processes, so read the targets on the medians. Parquet writing is not in the
comparison (the growth run has it).

**The growth run** (``--articles N --every K``): one fresh process, one worker:
bare ``nlp.pipe`` over the first checkpoint's articles, then
:func:`analysis.pipeline.run` over all ``N`` (PolNeAR repeated in order; copy
k of an article gets outlet ``<outlet>#k``, so that copies are not taken for
lines repeated across an outlet's articles), every table written, with a
checkpoint every K articles: time so far and peak resident memory since the
pipeline started (Linux VmHWM). CPU ms per article staying flat = linear time;
memory target: peak at the last checkpoint within 1.5× of the first.
The pipeline's clock starts before its corpus pass (``scan_context`` over all
``N`` articles, before the first chunk), so the first checkpoint's time holds
the corpus pass of every article, not only of the first K: its ratio to bare
``nlp.pipe`` is the end-to-end one only when K = N (``--articles 1024 --every
1024``); in the 10,000-article run it understates the pipeline (the corpus
pass of 10,000 articles charged to the first 1,024).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def corpus_texts() -> tuple[list[tuple[str, str]], str]:
    """``[(outlet, text)]`` of the source articles and a description of where they came from."""
    from analysis import paths

    folder = paths.shared_data_dir() / "polnear"
    files = sorted(p for split in ("train", "dev") for p in (folder / split / "text").glob("*.txt"))
    if files:
        return ([(p.name.split("_", 1)[0], p.read_text(encoding="utf-8")) for p in files],
                f"{len(files)} PolNeAR articles (train + dev)")
    from analysis.corpus import load_corpus

    seeds = load_corpus()
    return list(zip(seeds["outlet"], seeds["text"])), "the 5 seed articles (PolNeAR not found)"


def write_corpus(n: int, path: Path) -> list[str]:
    """Write ``n`` articles (sources repeated in order) as Parquet; return the texts."""
    import pandas as pd

    sources, _ = corpus_texts()
    rows = [{"article_id": f"a{i:06d}", "outlet": f"{sources[i % len(sources)][0]}#{i // len(sources)}",
             "text": sources[i % len(sources)][1]} for i in range(n)]
    pd.DataFrame(rows).to_parquet(path, index=False)
    return [r["text"] for r in rows]


def peak_rss_mb() -> float:
    """Peak resident memory of this process since start or the last :func:`reset_peak` (Linux)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def reset_peak() -> None:
    """Start peak-memory accounting afresh (Linux: writing 5 to clear_refs resets VmHWM)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass


def timed(fn):
    w, c = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - w, time.process_time() - c


def _words(texts) -> int:
    return sum(len(t.split()) for t in texts)


def measure(n: int, every: int) -> dict:
    """Bare ``nlp.pipe`` over the first checkpoint's texts, then the pipeline over all ``n``.

    Checkpoints after every ``every`` articles (rounded up to whole chunks): the
    pipeline's cumulative wall and CPU time and the peak memory since it started;
    each is also printed to stderr as it is reached.
    """
    from analysis import pipeline
    from analysis.nlp import load_nlp
    from analysis.sentences import paragraph_rows

    chunk = pipeline.CHUNK_SIZE
    first = min(n, -(-every // chunk) * chunk)
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "corpus.parquet"
        texts = write_corpus(n, src)
        words = [len(t.split()) for t in texts]
        nlp = load_nlp(stock=True)  # bare spaCy: the pipeline as its package ships it
        list(nlp.pipe(texts[:5]))  # warm up: model loaded
        out = {"articles": n, "words": sum(words), "checkpoints": []}

        def bare_run():
            for _ in nlp.pipe(texts[:first], batch_size=chunk):
                pass
        out["bare_articles"], out["bare_words"] = first, sum(words[:first])
        out["bare_wall"], out["bare_cpu"] = timed(bare_run)
        out["bare_peak_rss_mb"] = peak_rss_mb()
        # the pipeline's own unit: each non-blank line parsed as its own doc
        lines = [p.text for t in texts[:first] for p in paragraph_rows(t)]

        def bare_lines():
            for _ in nlp.pipe(lines, batch_size=pipeline.BATCH_SIZE):
                pass
        out["bare_lines_wall"], out["bare_lines_cpu"] = timed(bare_lines)
        del lines
        del texts
        reset_peak()
        w0, c0 = time.perf_counter(), time.process_time()
        marks = iter(sorted({first, *range(every, n, every), n}))
        mark = next(marks)

        def checkpoint(done: int) -> None:
            nonlocal mark
            if done < mark:
                return
            cp = {"articles": done, "words": sum(words[:done]), "wall": time.perf_counter() - w0,
                  "cpu": time.process_time() - c0, "peak_rss_mb": peak_rss_mb()}
            out["checkpoints"].append(cp)
            print(f"checkpoint {done:,} articles: wall {cp['wall']:.0f} s, CPU {cp['cpu']:.0f} s, "
                  f"peak RSS {cp['peak_rss_mb']:,.0f} MB", file=sys.stderr, flush=True)
            while mark <= done:
                mark = next(marks, n + 1)

        summary = pipeline.run(src, Path(tmp) / "out", progress=False, on_chunk=checkpoint)
        out["failed"] = summary.failed
    return out


#: Runs of the comparison: name -> the measures (``None`` = the default ones).
CONFIGS = ("bare", "default", "sentiment", "all")
WARM_TEXT = ("Officials said on Tuesday that the president met the prime minister in the capital.\n"
             "\u201cWe will help,\u201d the minister said, according to Reuters.\n")


def chrome_texts() -> tuple[list[tuple[str, str]], str]:
    """``[(outlet, text)]`` of chrome-heavy pages: the extraction benchmark's English page texts, or the seeds."""
    from urllib.parse import urlparse

    from analysis import paths

    folder = paths.shared_data_dir() / "extraction_benchmark"
    if (folder / "page-text.json").is_file():
        from analysis.validation.boilerplate import benchmark_pages

        pages = benchmark_pages(folder.parent)
        pages = pages[pages["english"]]
        return ([(urlparse(u).netloc or "site", t) for u, t in zip(pages["url"], pages["page_text"])],
                f"{len(pages)} English pages of the extraction benchmark")
    from analysis.corpus import load_corpus

    seeds = load_corpus()
    return list(zip(seeds["outlet"], seeds["text"])), "the 5 seed pages (extraction benchmark not found)"


def sources(corpus: str) -> tuple[list[tuple[str, str]], str]:
    return corpus_texts() if corpus == "polnear" else chrome_texts()


def records(corpus: str, n: int) -> list[dict]:
    """``n`` input records of ``corpus`` (sources repeated in order, copy k under outlet ``<outlet>#k``)."""
    src, _ = sources(corpus)
    return [{"article_id": f"a{i:06d}", "outlet": f"{src[i % len(src)][0]}#{i // len(src)}",
             "text": src[i % len(src)][1], "line": i + 1, "title": "", "published": "", "event": ""}
            for i in range(n)]


def chosen(config: str):
    from analysis.engine import select

    if config == "all":
        return select(optional=True)
    names = [m.name for m in select()] + (["sentiment"] if config == "sentiment" else [])
    return select(names)


def chunk_task(config: str, recs: list[dict]) -> tuple[int, float]:
    """One task of a comparison run: its articles, and the CPU seconds it took in its process."""
    from threadpoolctl import threadpool_limits

    from analysis.engine import measure_records
    from analysis.nlp import load_nlp

    c = time.process_time()
    if config == "bare":
        for _ in load_nlp(stock=True).pipe([r["text"] for r in recs], batch_size=len(recs)):
            pass
        return len(recs), time.process_time() - c
    with threadpool_limits(limits=1):
        out = measure_records(recs, chosen(config), load_nlp())
    failed = int((out["articles"]["status"] != "ok").sum())
    if failed:
        raise RuntimeError(f"{failed} articles failed: {out['errors'].head(3).to_dict('records')}")
    return len(recs), time.process_time() - c


def warm(config: str) -> None:
    """Load and exercise the models ``config`` needs (outside the clock)."""
    from analysis.engine import scan_context

    rec = {"article_id": "warm", "outlet": "warm", "text": WARM_TEXT, "line": 1, "title": "", "published": "",
           "event": ""}
    rec["context"] = scan_context([rec], chosen(config) if config != "bare" else ())[0]
    chunk_task(config, [rec])


def compare(corpus: str, n: int, workers: int, config: str) -> dict:
    """One comparison run, timed from the corpus pass to the last chunk's tables."""
    from analysis.engine import scan_context
    from analysis.pipeline import CHUNK_SIZE

    recs = records(corpus, n)
    words = _words(r["text"] for r in recs)
    pool = None
    if workers > 1:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=warm, initargs=(config,))
        list(pool.map(time.sleep, [0.5] * (2 * workers)))  # every worker started and warmed
    else:
        warm(config)
    w, c = time.perf_counter(), time.process_time()
    if config != "bare":
        for rec, ctx in zip(recs, scan_context(recs, chosen(config))):
            rec["context"] = ctx
    chunks = [recs[i:i + CHUNK_SIZE] for i in range(0, n, CHUNK_SIZE)]
    done = list(pool.map(chunk_task, [config] * len(chunks), chunks)) if pool else \
        [chunk_task(config, ch) for ch in chunks]
    wall = time.perf_counter() - w
    cpu = time.process_time() - c + (sum(t for _, t in done) if pool else 0.0)
    if pool:
        pool.shutdown()
    return {"corpus": corpus, "workers": workers, "config": config, "articles": sum(k for k, _ in done),
            "words": words, "wall": wall, "cpu": cpu}


def compare_all(n: int, repeat: int, configs=CONFIGS, corpora=("polnear", "chrome"), workers_list=(1, 2)) -> None:
    """The comparison table, ``repeat`` times; each run in a fresh process (``configs`` of :data:`CONFIGS`,
    on ``corpora``; ``bare`` always runs first, since the ratios are to it)."""
    configs = ("bare",) + tuple(c for c in CONFIGS if c in configs and c != "bare")
    ratios: dict[tuple[str, int, str], list[float]] = {}
    env = dict(os.environ, PYTHONHASHSEED=os.environ.get("PYTHONHASHSEED", "0"), HF_HUB_OFFLINE="1")
    for corpus in corpora:
        print(f"{corpus}: {sources(corpus)[1]}, {n} articles (sources repeated in order when fewer)", flush=True)
    for rep in range(1, repeat + 1):
        print(f"\ncomparison, run {rep} of {repeat} (load average at start: "
              f"{', '.join(f'{x:.1f}' for x in os.getloadavg())})", flush=True)
        print("  corpus   workers run        articles  CPU s  articles/s CPU  wall s  articles/s wall  "
              "ratio to bare: CPU   wall", flush=True)
        for corpus in corpora:
            for workers in workers_list:
                bare = None
                for config in configs:
                    cmd = [sys.executable, __file__, "--compare-child", corpus, str(n), str(workers), config]
                    done = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, text=True)
                    if done.returncode != 0:
                        print(f"  {corpus:8s} {workers:7d} {config:10s} failed (see stderr)", flush=True)
                        continue
                    r = json.loads(done.stdout.strip().splitlines()[-1])
                    bare = r if config == "bare" else bare
                    ratio = (f"{bare['cpu'] / r['cpu']:17.3f} {bare['wall'] / r['wall']:6.3f}" if bare else "")
                    if bare and config != "bare":
                        ratios.setdefault((corpus, workers, config), []).append(bare["cpu"] / r["cpu"])
                    print(f"  {corpus:8s} {workers:7d} {config:10s} {r['articles']:8d} {r['cpu']:6.1f} "
                          f"{r['articles'] / r['cpu']:15.2f} {r['wall']:7.1f} {r['articles'] / r['wall']:16.2f}  "
                          f"{ratio}", flush=True)
    if repeat > 1:
        print_medians(ratios)


def print_medians(ratios: dict[tuple[str, int, str], list[float]]) -> None:
    """The median CPU-time ratio to bare ``nlp.pipe`` of each run over the repeats, with its range: a single
    ratio moves by several hundredths between processes (bare ``nlp.pipe``'s own CPU time does), so the
    targets are read on the medians."""
    import statistics

    print("\nmedian CPU-time ratio to bare over the runs (min-max, runs)", flush=True)
    for (corpus, workers, config), xs in ratios.items():
        print(f"  {corpus:8s} {workers:7d} {config:10s} {statistics.median(xs):6.3f} "
              f"({min(xs):.3f}-{max(xs):.3f}, {len(xs)})", flush=True)


def _rates(n: int, words: int, wall: float, cpu: float) -> str:
    return (f"wall {wall:8.1f} s {n / wall:6.2f} articles/s {words / wall:7,.0f} words/s  |  "
            f"CPU {cpu:8.1f} s {n / cpu:6.2f} articles/s {words / cpu:7,.0f} words/s")


def report(r: dict) -> None:
    cps = r["checkpoints"]
    first = cps[0]
    print(f"\n{r['articles']:,} articles, {r['words']:,} words" + (f" ({r['failed']} failed)" if r.get("failed") else ""))
    print(f"  bare nlp.pipe, first {r['bare_articles']:,} articles: "
          + _rates(r["bare_articles"], r["bare_words"], r["bare_wall"], r["bare_cpu"]))
    print(f"  full pipeline, same {first['articles']:,} articles: "
          + _rates(first["articles"], first["words"], first["wall"], first["cpu"]))
    print(f"  ratio pipeline/bare throughput on those articles: wall {r['bare_wall'] / first['wall']:.3f}, "
          f"CPU {r['bare_cpu'] / first['cpu']:.3f}" + ("   (end to end: corpus pass, Parquet, profile)"
                                                       if first is cps[-1] else
                                                       f"   (includes the corpus pass over all {r['articles']:,})"))
    if "bare_lines_wall" in r:
        print(f"  bare nlp.pipe over their non-blank lines, one doc each (the pipeline's parse unit): "
              + _rates(r["bare_articles"], r["bare_words"], r["bare_lines_wall"], r["bare_lines_cpu"]))
        print(f"  ratio pipeline/bare-by-lines: wall {r['bare_lines_wall'] / first['wall']:.3f}, "
              f"CPU {r['bare_lines_cpu'] / first['cpu']:.3f}")
    print("  pipeline as it went:  articles   wall s    CPU s  CPU ms/article  words/s (CPU)  peak RSS MB")
    for cp in cps:
        print(f"                      {cp['articles']:8,} {cp['wall']:8.0f} {cp['cpu']:8.0f} "
              f"{1000 * cp['cpu'] / cp['articles']:15.0f} {cp['words'] / cp['cpu']:14,.0f} {cp['peak_rss_mb']:12,.0f}")
    last = cps[-1]
    if last is not first:
        k = last["articles"] / first["articles"]
        print(f"  growth {first['articles']:,} -> {last['articles']:,} articles (x{k:.2f}): time x{last['wall'] / first['wall']:.2f} wall, "
              f"x{last['cpu'] / first['cpu']:.2f} CPU; CPU per article x{(last['cpu'] / last['articles']) / (first['cpu'] / first['articles']):.2f}; "
              f"peak memory x{last['peak_rss_mb'] / first['peak_rss_mb']:.2f} (target <= 1.5)")
    print(f"  peak memory of bare nlp.pipe (batches of {pipeline_chunk()} articles): {r['bare_peak_rss_mb']:,.0f} MB")


def pipeline_chunk() -> int:
    from analysis import pipeline

    return pipeline.CHUNK_SIZE


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--compare", type=int, default=128, metavar="N",
                    help="articles per corpus in the comparison (default 128; 0: no comparison)")
    ap.add_argument("--repeat", type=int, default=2, help="times the whole comparison runs (default 2)")
    ap.add_argument("--articles", type=int, default=10000,
                    help="articles in the growth run (default 10,000; 0: no growth run)")
    ap.add_argument("--every", type=int, default=1000,
                    help="checkpoint every this many articles; bare nlp.pipe runs on the first checkpoint's")
    ap.add_argument("--configs", default=",".join(CONFIGS),
                    help=f"runs of the comparison, comma-separated (default {','.join(CONFIGS)}; bare always runs)")
    ap.add_argument("--corpora", default="polnear,chrome", help="corpora of the comparison (default polnear,chrome)")
    ap.add_argument("--workers", default="1,2", help="worker processes of the comparison runs (default 1,2)")
    ap.add_argument("--child", nargs=2, type=int, help=argparse.SUPPRESS)
    ap.add_argument("--compare-child", nargs=4, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(measure(*args.child)))
        return
    if args.compare_child:
        corpus, n, workers, config = args.compare_child
        print(json.dumps(compare(corpus, int(n), int(workers), config)))
        return
    from analysis.nlp import model_name

    print(f"model: {model_name()}; os.cpu_count() = {os.cpu_count()}; {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
          flush=True)
    if args.compare:
        compare_all(args.compare, args.repeat, tuple(args.configs.split(",")), tuple(args.corpora.split(",")),
                    tuple(int(w) for w in args.workers.split(",")))
    if not args.articles:
        return
    _, source = corpus_texts()
    print(f"\ngrowth run: {source}, repeated in order; one process, one worker", flush=True)
    env = dict(os.environ, PYTHONHASHSEED=os.environ.get("PYTHONHASHSEED", "0"), HF_HUB_OFFLINE="1")
    cmd = [sys.executable, __file__, "--child", str(args.articles), str(args.every)]
    done = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, text=True)
    if done.returncode != 0:
        print(f"\n{args.articles:,} articles: failed (see stderr)")
        return
    report(json.loads(done.stdout.strip().splitlines()[-1]))


sys.path.insert(0, str(ROOT))  # also in the comparison's spawned workers (module __mp_main__)

if __name__ == "__main__":
    main()
