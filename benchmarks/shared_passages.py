"""Passages shared between outlets (MinHash/LSH) on synthetic corpora of growing size.

    python benchmarks/shared_passages.py                  # 1,000, 2,000 and 4,000 articles
    python benchmarks/shared_passages.py --sizes 500 1000  # a quick look

Each corpus has articles of 600 words drawn from a 20,000-word vocabulary (Zipf-like
frequencies, so common words recur as in news), spread over 20 outlets; every tenth
article carries a 40-word passage copied from an earlier article of another outlet,
one word changed. For each size this prints the CPU seconds of the corpus pass
(:class:`analysis.measures.wire.reuse.SharedPassages`: ``add`` every article, ``freeze``,
``of`` every article), the seconds per 1,000 articles (flat ⇒ linear growth), the peak
memory Python allocated (``tracemalloc``), the recall of the copied passages, and how
many articles have a passage at all (the copiers and their sources: about twice
``copied``; more would be spurious matches). The target: linear growth, all copied
passages found, no spurious ones.
"""

from __future__ import annotations

import argparse
import time
import tracemalloc

import numpy as np


def corpus(n: int, seed: int = 0) -> tuple[list[str], list[str], set[int]]:
    rng = np.random.default_rng(seed)
    letters = np.array(list("abcdefghijklmnopqrstuvwxyz"))
    vocab = np.array(sorted({"".join(rng.choice(letters, int(rng.integers(3, 9)))) for _ in range(21_000)})[:20_000])
    vocab = vocab[rng.permutation(len(vocab))]
    p = 1.0 / np.arange(1, len(vocab) + 1)
    p /= p.sum()
    words = [list(rng.choice(vocab, 600, p=p)) for _ in range(n)]
    outlets = [f"outlet{i % 20}" for i in range(n)]
    copied = set()
    for i in range(10, n, 10):
        j = int(rng.integers(0, i))
        if outlets[j] == outlets[i]:
            j = (j + 1) % i
        piece = words[j][200:240]
        piece[20] = "edited"
        words[i][300:300] = piece
        copied.add(i)
    return [" ".join(w) for w in words], outlets, copied


def run(n: int) -> dict:
    from analysis.measures.wire.reuse import SharedPassages

    texts, outlets, copied = corpus(n)
    tracemalloc.start()
    t = time.process_time()
    sp = SharedPassages()
    for o, x in zip(outlets, texts):
        sp.add(o, x)
    sp.freeze()
    found = {i: {p["other"] for p in sp.of(o, x)} for i, (o, x) in enumerate(zip(outlets, texts))}
    found = {i for i, others in found.items() if others}
    secs = time.process_time() - t
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return {"articles": n, "cpu_s": round(secs, 1), "s_per_1000": round(1000 * secs / n, 2),
            "peak_mb": round(peak, 1), "recall": round(len(found & copied) / len(copied), 3),
            "copied": len(copied), "with_passages": len(found)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 2000, 4000])
    args = ap.parse_args()
    for n in args.sizes:
        print(run(n), flush=True)


if __name__ == "__main__":
    main()
