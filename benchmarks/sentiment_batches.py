"""Target sentiment's encoder settings, measured: torch threads × worker processes × batch size.

    python benchmarks/sentiment_batches.py                    # 48 PolNeAR articles' mentions
    python benchmarks/sentiment_batches.py --articles 96 --batch 32 64 128

The inputs are the (sentence, target span) items the ``sentiment`` measure sends
to :func:`analysis.sentiment.predict_proba` for the first ``--articles`` PolNeAR
articles (``$FRAMING_SHARED_DATA/polnear``; the seed articles when absent),
deduplicated as the measure does. Each setting runs in fresh processes: ``P``
processes (1 or 2, the pipeline's ``workers``) each score all the items at once
with ``torch.set_num_threads(T)``; printed are items per second of wall time
(all processes together, the throughput a user sees) and per CPU second (the
fairer clock on a shared machine), and the largest difference of the
probabilities from the first setting's (batch composition moves them by float
rounding only). The pipeline runs torch with one thread per worker process
(:func:`analysis.pipeline.process_chunk` holds the BLAS/OpenMP pools, torch's
among them, to one thread) and batches of :data:`analysis.sentiment.BATCH_SIZE`:
on this shared two-core machine one thread was the faster setting by far (see
README, "Throughput").
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def items_of(n: int) -> list[tuple[str, int, int]]:
    """The distinct sentiment inputs of the first ``n`` articles (through the engine's mentions)."""
    import pandas as pd

    sys.path.insert(0, str(ROOT / "benchmarks"))
    from throughput import corpus_texts

    from analysis.engine import measure_corpus

    sources, _ = corpus_texts()
    corpus = pd.DataFrame([{"article_id": f"a{i:05d}", "outlet": f"{o}#{i}", "text": t}
                           for i, (o, t) in enumerate(sources[:n])])
    tables = measure_corpus(corpus, ["mentions"])
    m = tables["mentions"]
    m = m[m["sentence_start"].notna()]
    texts = dict(zip(corpus["article_id"], corpus["text"]))
    items = [(texts[a][int(s):int(e)], int(st) - int(s), int(en) - int(s))
             for a, s, e, st, en in zip(m["article_id"], m["sentence_start"], m["sentence_end"], m["start"], m["end"])]
    return list(dict.fromkeys(items))


def child(path: str, threads: int, batch: int) -> None:
    import numpy as np
    import torch

    from analysis import sentiment

    torch.set_num_threads(threads)
    items = [tuple(x) for x in json.loads(Path(path).read_text())]
    sentiment.predict_proba(items[:8], batch_size=batch)  # model loaded, warm
    w, c = time.perf_counter(), time.process_time()
    p = sentiment.predict_proba(items, batch_size=batch)
    w, c = time.perf_counter() - w, time.process_time() - c
    out = Path(path).with_suffix(f".{os.getpid()}.npy")
    np.save(out, p)
    print(json.dumps({"wall": w, "cpu": c, "probs": str(out)}))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--articles", type=int, default=48)
    ap.add_argument("--batch", type=int, nargs="+", default=[32, 64, 128])
    ap.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    ap.add_argument("--cache", default="/tmp", help="folder for the items file")
    args = ap.parse_args()
    if args.child:
        child(args.child[0], int(args.child[1]), int(args.child[2]))
        return
    import numpy as np

    path = Path(args.cache) / f"sentiment_items_{args.articles}.json"
    if not path.is_file():
        path.write_text(json.dumps(items_of(args.articles)))
    n = len(json.loads(path.read_text()))
    print(f"{n:,} distinct (sentence, target) items from {args.articles} articles; os.cpu_count() = {os.cpu_count()}")
    print("threads  processes  batch  items/s (wall, all processes)  items/s per CPU s  max |dp| vs first")
    env = dict(os.environ, PYTHONHASHSEED="0", HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    first = None
    for batch in args.batch:
        for threads in (1, 2):
            for procs in (1, 2):
                w0 = time.perf_counter()
                runs = [subprocess.Popen([sys.executable, __file__, "--child", str(path), str(threads), str(batch)],
                                         env=env, stdout=subprocess.PIPE, text=True) for _ in range(procs)]
                outs = [json.loads(r.communicate()[0].strip().splitlines()[-1]) for r in runs]
                wall = max(o["wall"] for o in outs)
                cpu = sum(o["cpu"] for o in outs)
                p = np.load(outs[0]["probs"])
                for o in outs:
                    Path(o["probs"]).unlink()
                first = p if first is None else first
                print(f"{threads:7d} {procs:10d} {batch:6d} {procs * n / wall:30,.1f} {procs * n / cpu:18,.1f} "
                      f"{np.abs(p - first).max():18.1e}   (setting took {time.perf_counter() - w0:.0f} s wall)",
                      flush=True)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
