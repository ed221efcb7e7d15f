"""Throughput of the full pipeline beside bare spaCy ``nlp.pipe`` on the same texts, in the same run.

    python benchmarks/throughput.py                      # 1,000 and 10,000 articles
    python benchmarks/throughput.py --sizes 200 2000     # smaller
    python benchmarks/throughput.py --sentiment 100      # also: the pipeline with target sentiment

Texts: the PolNeAR articles in ``$FRAMING_SHARED_DATA/polnear/{train,dev}/text/*.txt``
(real news), or the five seed articles when that folder is absent, repeated in
order until there are enough. Copy k of an article gets outlet
``<outlet>#k``, so that copies do not count as lines repeated across an
outlet's articles (which would turn every line into chrome and leave nothing
to measure).

Each size runs in its own process (so peak memory is that size's own):

1. bare ``nlp.pipe(texts, batch_size=64)`` over the raw article texts, the
   model's default components, docs thrown away as they come (64 articles per
   batch, as the pipeline's chunks; spaCy's default of 1,000 whole articles per
   batch holds gigabytes);
2. :func:`analysis.pipeline.run` over the same texts (as a Parquet file), one
   worker, writing every table.

Printed per size: articles/s and words/s (whitespace words of the raw texts) of
both, in wall time and in CPU time of the process, the ratio pipeline ÷ bare
(≥ 0.7 is the target; CPU time is the fairer clock on a shared machine), and
the peak resident memory of the process during the pipeline run. Then how pipeline time grows from the
smallest to the largest size (time per article should stay flat: linear time)
and how peak memory grows (within 1.5× is the target).
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


def measure(n: int, bare: bool, sentiment: bool) -> dict:
    """Run one size in this process; return its figures."""
    from analysis import pipeline
    from analysis.nlp import load_nlp

    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "corpus.parquet"
        texts = write_corpus(n, src)
        words = sum(len(t.split()) for t in texts)
        nlp = load_nlp()
        list(nlp.pipe(texts[:5]))  # warm up: model loaded, caches built
        out = {"articles": n, "words": words}
        if bare:
            def bare_run():
                for _ in nlp.pipe(texts, batch_size=pipeline.CHUNK_SIZE):
                    pass
            out["bare_wall"], out["bare_cpu"] = timed(bare_run)
            out["bare_peak_rss_mb"] = peak_rss_mb()
        del texts
        summary = {}
        reset_peak()

        def pipe_run():
            summary["s"] = pipeline.run(src, Path(tmp) / "out", progress=False, sentiment=sentiment)
        out["pipeline_wall"], out["pipeline_cpu"] = timed(pipe_run)
        out["failed"] = summary["s"].failed
        out["peak_rss_mb"] = peak_rss_mb()
    return out


def report(r: dict) -> None:
    n, w = r["articles"], r["words"]
    print(f"\n{n:,} articles, {w:,} words"
          + (f"  ({r['failed']} failed)" if r.get("failed") else ""))
    for name in ("bare", "pipeline"):
        if f"{name}_wall" not in r:
            continue
        wall, cpu = r[f"{name}_wall"], r[f"{name}_cpu"]
        label = "bare nlp.pipe" if name == "bare" else "full pipeline"
        print(f"  {label:14s} wall {wall:8.1f} s  {n / wall:6.2f} articles/s  {w / wall:8,.0f} words/s"
              f"   |  CPU {cpu:8.1f} s  {n / cpu:6.2f} articles/s  {w / cpu:8,.0f} words/s")
    if "bare_wall" in r:
        print(f"  ratio pipeline/bare throughput: wall {r['bare_wall'] / r['pipeline_wall']:.3f}, "
              f"CPU {r['bare_cpu'] / r['pipeline_cpu']:.3f}")
    print(f"  peak memory (RSS) of the pipeline run {r['peak_rss_mb']:,.0f} MB"
          + (f" (bare nlp.pipe: {r['bare_peak_rss_mb']:,.0f} MB)" if "bare_peak_rss_mb" in r else ""))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--bare-up-to", type=int, default=None,
                    help="run bare nlp.pipe only for sizes up to this (default: every size)")
    ap.add_argument("--sentiment", type=int, default=0, metavar="N",
                    help="also time the pipeline with target sentiment on N articles")
    ap.add_argument("--child", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--child-bare", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--child-sentiment", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(measure(args.child, args.child_bare, args.child_sentiment)))
        return
    from analysis.nlp import model_name

    _, source = corpus_texts()
    print(f"texts: {source}, repeated in order; model: "
          f"{model_name()}; one process, one worker")
    env = dict(os.environ, PYTHONHASHSEED=os.environ.get("PYTHONHASHSEED", "0"), HF_HUB_OFFLINE="1")
    runs = [(n, args.bare_up_to is None or n <= args.bare_up_to, False) for n in args.sizes]
    if args.sentiment:
        runs.append((args.sentiment, False, True))
    results = []
    for n, bare, senti in runs:
        cmd = [sys.executable, __file__, "--child", str(n)] + (["--child-bare"] if bare else []) \
            + (["--child-sentiment"] if senti else [])
        done = subprocess.run(cmd, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            print(f"\n{n:,} articles{' with sentiment' if senti else ''}: failed\n{done.stderr[-2000:]}")
            continue
        r = json.loads(done.stdout.strip().splitlines()[-1])
        r["sentiment"] = senti
        if senti:
            print("\nwith target sentiment (--sentiment):", end="")
        report(r)
        if not senti:
            results.append(r)
        sys.stdout.flush()
    if len(results) >= 2:
        a, b = results[0], results[-1]
        per_a = a["pipeline_cpu"] / a["articles"]
        per_b = b["pipeline_cpu"] / b["articles"]
        print(f"\ngrowth {a['articles']:,} → {b['articles']:,} articles (×{b['articles'] / a['articles']:.0f}): "
              f"pipeline time ×{b['pipeline_wall'] / a['pipeline_wall']:.2f} wall, "
              f"×{b['pipeline_cpu'] / a['pipeline_cpu']:.2f} CPU; CPU per article "
              f"{per_a * 1000:.0f} → {per_b * 1000:.0f} ms (×{per_b / per_a:.2f}); "
              f"peak memory ×{b['peak_rss_mb'] / a['peak_rss_mb']:.2f}")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
