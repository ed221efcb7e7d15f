"""How much work a killed and resumed run redoes, and whether its tables are the uninterrupted run's.

    python benchmarks/resume.py                        # 1,000 articles, chunks of 64, one worker
    python benchmarks/resume.py --articles 300 --chunk-size 16 --seed 3

Texts as in ``benchmarks/throughput.py`` (PolNeAR's articles from
``$FRAMING_SHARED_DATA/polnear``, else the seeds, repeated; copy k of an article
under outlet ``<outlet>#k``), written as one Parquet file. Three commands
(``python -m analysis run``, each a fresh process):

1. the uninterrupted run;
2. the same run into another folder, killed with SIGKILL at a random moment:
   once a random number of chunks (1 … chunks − 2) is in the checkpoint's
   journal, after a further random fraction of one chunk's time (from run 1);
3. the same command again, which resumes it.

Printed: the chunks finished before the kill, the chunks the resumed run
computed (it should compute exactly the others), the chunks whose work was
lost and redone (those the killed run had started and not finished: at most
one with one worker), the CPU time of 2 + 3 beyond that of 1, in chunks'
worth of CPU time (the lost partial chunk, plus each command's start-up: the
model load, the reading of the whole input again and, for the chunk the run
died in, a separate process), and whether every table is byte-identical to
run 1's.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from throughput import corpus_texts, write_corpus  # noqa: E402


def children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def command(src: Path, out: Path, chunk: int, workers: int) -> list[str]:
    return [sys.executable, "-m", "analysis", "run", str(src), "--out", str(out), "--chunk-size", str(chunk),
            "--workers", str(workers), "--no-progress"]


def run(cmd: list[str]) -> tuple[float, float, str]:
    """Run to the end: (wall s, CPU s of it and its children, stdout)."""
    w, c = time.perf_counter(), children_cpu()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stderr}")
    return time.perf_counter() - w, children_cpu() - c, proc.stdout


def journal(out: Path) -> list[dict]:
    path = out / ".checkpoint" / "journal.jsonl"
    if not path.exists():
        return []
    lines = path.read_bytes().split(b"\n")[:-1]
    out = []
    for line in lines:
        try:
            out.append(json.loads(line))
        except ValueError:
            break
    return out


def killed_run(cmd: list[str], out: Path, after_chunks: int, extra: float) -> tuple[float, float, int]:
    """Start ``cmd``; once ``after_chunks`` chunks are journalled wait ``extra`` s more, then SIGKILL it.

    Returns (wall s, CPU s, the moment of the kill in s after the last journalled chunk).
    """
    w, c = time.perf_counter(), children_cpu()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    last = None
    while proc.poll() is None:
        n = sum(1 for e in journal(out) if "chunk" in e)
        if n >= after_chunks:
            last = time.perf_counter()
            time.sleep(extra)
            break
        time.sleep(0.05)
    if proc.poll() is not None:
        raise SystemExit("the run ended before it could be killed; use more articles or smaller chunks")
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    return time.perf_counter() - w, children_cpu() - c, time.perf_counter() - last


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--articles", type=int, default=1000)
    ap.add_argument("--chunk-size", type=int, default=64)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--seed", type=int, default=None, help="random seed for the kill (default: random)")
    args = ap.parse_args()
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(10**6)
    rng = random.Random(seed)
    chunks = -(-args.articles // args.chunk_size)
    if chunks < 3:
        raise SystemExit("need at least 3 chunks")
    _, where = corpus_texts()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        src = tmp / "corpus.parquet"
        write_corpus(args.articles, src)
        print(f"{args.articles:,} articles ({where}), {chunks} chunks of {args.chunk_size}, "
              f"{args.workers} worker(s), seed {seed}", flush=True)

        full_wall, full_cpu, _ = run(command(src, tmp / "full", args.chunk_size, args.workers))
        per_chunk_wall, per_chunk_cpu = full_wall / chunks, full_cpu / chunks
        print(f"1. uninterrupted: wall {full_wall:.1f} s, CPU {full_cpu:.1f} s "
              f"({per_chunk_cpu:.1f} s CPU per chunk)", flush=True)

        after = rng.randrange(1, chunks - 1)
        extra = rng.random() * per_chunk_wall
        out = tmp / "killed"
        k_wall, k_cpu, since = killed_run(command(src, out, args.chunk_size, args.workers), out, after, extra)
        entries = journal(out)
        finished = sorted({e["chunk"] for e in entries if "chunk" in e})
        open_ = set()
        for e in entries:
            if "start" in e:
                open_.add(e["start"])
            elif "chunk" in e or "stop" in e:
                open_.discard(e.get("chunk", e.get("stop")))
        print(f"2. killed {since:.1f} s after chunk {after} was journalled ({since / per_chunk_wall:.2f} of a "
              f"chunk's time): wall {k_wall:.1f} s, CPU {k_cpu:.1f} s; {len(finished)} chunks finished, "
              f"{len(open_)} started and not finished", flush=True)

        r_wall, r_cpu, printed = run(command(src, out, args.chunk_size, args.workers))
        line = next(ln for ln in printed.splitlines() if "chunks computed" in ln)
        computed = int(line.split(" of ")[0])
        print(f"3. resumed: wall {r_wall:.1f} s, CPU {r_cpu:.1f} s: {line.strip()}", flush=True)

        names = sorted(p.name for p in (tmp / "full").glob("*.parquet"))
        same = [n for n in names if (out / n).read_bytes() == (tmp / "full" / n).read_bytes()]
        overhead = (k_cpu + r_cpu - full_cpu) / per_chunk_cpu
        redone = computed - (chunks - len(finished) - len(open_))
        print(f"\nchunks finished before the kill: {len(finished)}; computed by the resumed run: {computed} "
              f"(= {chunks} - {len(finished)}: no finished chunk computed again)" if computed == chunks - len(finished)
              else f"\nchunks finished before the kill: {len(finished)}; computed by the resumed run: {computed}")
        print(f"chunks whose work was lost and redone: {redone} (started by the killed run, not finished)")
        lost = since / per_chunk_wall
        print(f"CPU of killed + resumed runs beyond the uninterrupted run: {k_cpu + r_cpu - full_cpu:.1f} s = "
              f"{overhead:.2f} chunks' worth: about {lost:.2f} the lost part of the chunk in progress (killed "
              f"{lost:.2f} of a chunk's time after the last finished one), the rest ({overhead - lost:.2f}) start-up "
              "(the second command's model load and reading of the input, and the separate process that runs "
              "the chunk the first one died in)")
        print(f"tables byte-identical to the uninterrupted run's: {len(same)} of {len(names)}"
              + ("" if len(same) == len(names) else f"; differ: {sorted(set(names) - set(same))}"))
        if len(same) != len(names) or redone > 1:
            sys.exit(1)


if __name__ == "__main__":
    main()
