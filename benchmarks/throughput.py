"""Throughput of the full pipeline beside bare spaCy ``nlp.pipe`` on the same texts, in the same run.

    python benchmarks/throughput.py                          # 10,000 articles, checkpoints every 1,000
    python benchmarks/throughput.py --articles 2000 --every 500
    python benchmarks/throughput.py --sentiment 64           # also: with target sentiment, on 64 articles

Texts: the PolNeAR articles in ``$FRAMING_SHARED_DATA/polnear/{train,dev}/text/*.txt``
(real news), or the five seed articles when that folder is absent, repeated in
order until there are enough. Copy k of an article gets outlet ``<outlet>#k``,
so that copies are not taken for lines repeated across an outlet's articles
(which would turn every line into chrome and leave nothing to measure).

One process (a fresh one per run, so memory is the run's own), one worker:

1. bare ``nlp.pipe(texts, batch_size=64)`` over the raw texts of the first
   checkpoint's articles (the model's default components; docs dropped as they
   come; 64 per batch like the pipeline's chunks — spaCy's default of 1,000
   whole articles per batch holds gigabytes);
   then the same over their non-blank lines, one doc per line (the unit the
   pipeline parses, since its sentences never cross a line break);
2. :func:`analysis.pipeline.run` over all the articles (from a Parquet file,
   every table written), with checkpoints every ``--every`` articles: time so
   far and peak resident memory since the pipeline started (Linux VmHWM).

Printed: articles/s and words/s (whitespace words of the raw texts) of both on
the same first articles, in wall time and in the process's CPU time, their
ratio (target ≥ 0.8; CPU time is the fairer clock on a shared machine); then
each checkpoint (CPU ms per article staying flat = linear time) and how time
and peak memory grow from the first checkpoint to the last (memory target:
within 1.5×). With ``--sentiment N``, the pipeline with and without target
sentiment on the same N articles (not part of the 0.8 target).
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


def measure(n: int, every: int, sentiment: bool = False) -> dict:
    """Bare ``nlp.pipe`` over the first checkpoint's texts, then the pipeline over all ``n``.

    Checkpoints after every ``every`` articles (rounded up to whole chunks): the
    pipeline's cumulative wall and CPU time and the peak memory since it started;
    each is also printed to stderr as it is reached. With ``sentiment``: the
    pipeline without and with target sentiment on the same ``n`` articles instead.
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
        nlp = load_nlp()
        list(nlp.pipe(texts[:5]))  # warm up: model loaded
        out = {"articles": n, "words": sum(words), "checkpoints": []}
        if sentiment:
            for key, senti in (("plain", False), ("sentiment", True)):
                out[key] = timed(lambda: pipeline.run(src, Path(tmp) / key, progress=False,
                                                      sentiment=senti))
            return out

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


def _rates(n: int, words: int, wall: float, cpu: float) -> str:
    return (f"wall {wall:8.1f} s {n / wall:6.2f} articles/s {words / wall:7,.0f} words/s  |  "
            f"CPU {cpu:8.1f} s {n / cpu:6.2f} articles/s {words / cpu:7,.0f} words/s")


def report(r: dict) -> None:
    if "sentiment" in r:
        (pw, pc), (sw, sc) = r["plain"], r["sentiment"]
        n, w = r["articles"], r["words"]
        print(f"\ntarget sentiment, {n:,} articles ({w:,} words):")
        print(f"  pipeline            {_rates(n, w, pw, pc)}")
        print(f"  pipeline+sentiment  {_rates(n, w, sw, sc)}")
        print(f"  sentiment multiplies pipeline CPU time by {sc / pc:.2f}")
        return
    cps = r["checkpoints"]
    first = cps[0]
    print(f"\n{r['articles']:,} articles, {r['words']:,} words" + (f" ({r['failed']} failed)" if r.get("failed") else ""))
    print(f"  bare nlp.pipe, first {r['bare_articles']:,} articles: "
          + _rates(r["bare_articles"], r["bare_words"], r["bare_wall"], r["bare_cpu"]))
    print(f"  full pipeline, same {first['articles']:,} articles: "
          + _rates(first["articles"], first["words"], first["wall"], first["cpu"]))
    print(f"  ratio pipeline/bare throughput on those articles: wall {r['bare_wall'] / first['wall']:.3f}, "
          f"CPU {r['bare_cpu'] / first['cpu']:.3f}   (target >= 0.8)")
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
    ap.add_argument("--articles", type=int, default=10000, help="articles in the run (default 10,000)")
    ap.add_argument("--every", type=int, default=1000,
                    help="checkpoint every this many articles; bare nlp.pipe runs on the first checkpoint's")
    ap.add_argument("--sentiment", type=int, default=0, metavar="N",
                    help="also time the pipeline with and without target sentiment on N articles")
    ap.add_argument("--child", nargs=3, type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        n, every, senti = args.child
        print(json.dumps(measure(n, every, bool(senti))))
        return
    from analysis.nlp import model_name

    _, source = corpus_texts()
    print(f"texts: {source}, repeated in order; model: {model_name()}; one process, one worker", flush=True)
    env = dict(os.environ, PYTHONHASHSEED=os.environ.get("PYTHONHASHSEED", "0"), HF_HUB_OFFLINE="1")
    runs = [(args.articles, args.every, 0)] + ([(args.sentiment, args.sentiment, 1)] if args.sentiment else [])
    for n, every, senti in runs:
        cmd = [sys.executable, __file__, "--child", str(n), str(every), str(senti)]
        done = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, text=True)
        if done.returncode != 0:
            print(f"\n{n:,} articles{' with sentiment' if senti else ''}: failed (see stderr)")
            continue
        report(json.loads(done.stdout.strip().splitlines()[-1]))
        sys.stdout.flush()


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
