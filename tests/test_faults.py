"""Long runs that survive faults (issue 21).

The command is killed with SIGKILL mid-chunk, halfway through writing a part file, between a chunk's
parts and its journal line, and halfway through the final assembly, and resumed each time (switching
between one and two worker processes); a Dask worker is killed mid-task; a worker process crashes on
one article; the disk fills up; the output folder cannot be created. After each, the tables are
compared byte for byte with an uninterrupted run's. A checkpoint of another run is refused, saying why;
every input row is accounted for in ``articles``.

Faults are injected with the test-only hook ``$FRAMING_FAULT`` (:func:`analysis.runstate.fault`).
"""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from analysis import pipeline, runstate
from analysis.runstate import RunError

from test_pipeline import SMALL, _write_jsonl

CHUNK = 2
#: Nine short articles (three copies of test_pipeline's SMALL, each copy its own outlets): five chunks of 2.
ROWS = [dict(r, article_id=f"{r['article_id']}-{k}", outlet=f"{r['outlet']}#{k}") for k in range(3) for r in SMALL]
CHUNKS = 5


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """The input and the tables of an uninterrupted run (in this process)."""
    folder = tmp_path_factory.mktemp("faults")
    src = _write_jsonl(folder / "corpus.jsonl", ROWS)
    ref = folder / "reference"
    summary = pipeline.run(src, ref, chunk_size=CHUNK, progress=False)
    assert summary.chunks_computed == CHUNKS and summary.rows["quotes"] > 0
    return src, ref


def same_tables(out: Path, ref: Path) -> None:
    names = sorted(p.name for p in ref.glob("*.parquet"))
    assert sorted(p.name for p in out.glob("*.parquet")) == names
    for name in names:
        assert (out / name).read_bytes() == (ref / name).read_bytes(), name


def journal(out: Path) -> tuple[list[int], list[int]]:
    """(finished chunks, started chunks) in the journal of ``out``'s checkpoint, in journal order."""
    path = out / runstate.STATE_DIR / runstate.JOURNAL
    entries = [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []
    return [e["chunk"] for e in entries if "chunk" in e], [e["start"] for e in entries if "start" in e]


def manifest(out: Path) -> dict:
    return json.loads((out / runstate.STATE_DIR / runstate.MANIFEST).read_text())


def cli(src: Path, out: Path, *args: str, fault: str | None = None) -> subprocess.CompletedProcess:
    """``python -m analysis run`` in a subprocess of its own session; ``fault`` sets ``$FRAMING_FAULT``."""
    env = {k: v for k, v in os.environ.items() if k != runstate.FAULT_ENV}
    if fault:
        env[runstate.FAULT_ENV] = fault
    t0 = time.perf_counter()
    cmd = [sys.executable, "-m", "analysis", "run", str(src), "--out", str(out), "--chunk-size", str(CHUNK),
           "--no-progress", *args]
    with subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          start_new_session=True) as child:
        try:
            stdout, stderr = child.communicate(timeout=300)
        finally:
            try:  # a killed command's worker processes end themselves; make sure of it
                os.killpg(child.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
    proc = subprocess.CompletedProcess(cmd, child.returncode, stdout, stderr)
    print(f"[timing] {' '.join(args) or 'run'} fault={fault}: rc {proc.returncode}, "
          f"{time.perf_counter() - t0:.1f} s")
    return proc


def computed(proc: subprocess.CompletedProcess) -> tuple[int, int]:
    """(chunks computed, chunks resumed) from the summary the command printed."""
    line = next(ln for ln in proc.stdout.splitlines() if "chunks computed" in ln)
    done = int(line.split(" of ")[0])
    resumed = int(line.split(", ")[1].split(" resumed")[0]) if "resumed" in line else 0
    return done, resumed


def test_killed_runs_resume_to_identical_tables(corpus, tmp_path):
    """SIGKILL at four points, each resumed by the next command (one or two workers): identical bytes."""
    src, ref = corpus
    out = tmp_path / "out"
    # 1. mid-chunk, measuring the second chunk's first article (one process): chunk 0 is kept
    p = cli(src, out, fault="kill@measure:article=a3-0")
    assert p.returncode == -signal.SIGKILL, p.stderr
    done, started = journal(out)
    assert done == [0] and started == [0, 1] and not (out / "articles.parquet").exists()
    # 2. resumed with two workers; killed halfway through writing a part file of chunk 3
    p = cli(src, out, "--workers", "2", fault="kill@part:chunk=3,table=quotes")
    assert p.returncode == -signal.SIGKILL, p.stderr
    done, _ = journal(out)
    assert 3 not in done and {0, 1} <= set(done)  # chunk 1, the one the first command died in, is done
    part = out / runstate.STATE_DIR / runstate.PARTS / "000003"
    assert (part / ".quotes.parquet.tmp").exists() and not (part / "quotes.parquet").exists()
    # 3. one worker again; killed after the next chunk's parts are in place but before its journal line
    before, k = set(done), min(set(range(CHUNKS)) - set(done))
    p = cli(src, out, fault=f"kill@journal:chunk={k}")
    assert p.returncode == -signal.SIGKILL, p.stderr
    done, _ = journal(out)
    assert k not in done and set(done) == before
    assert (out / runstate.STATE_DIR / runstate.PARTS / f"{k:06d}" / "quotes.parquet").exists()
    # 4. killed halfway through assembling the final tables
    p = cli(src, out, fault="kill@assemble:table=mentions")
    assert p.returncode == -signal.SIGKILL, p.stderr
    assert sorted(journal(out)[0]) == list(range(CHUNKS)) and "complete" not in manifest(out)
    assert (out / "articles.parquet").exists() and (out / ".mentions.parquet.partial").exists()
    # 5. resumed (--resume: there must be a checkpoint): nothing left to compute, the tables assembled
    #    again, identical to the uninterrupted run's
    p = cli(src, out, "--resume")
    assert p.returncode == 0, p.stderr
    assert computed(p) == (0, CHUNKS)
    same_tables(out, ref)
    assert "complete" in manifest(out)
    assert sorted(q.name for q in (out / runstate.STATE_DIR).iterdir()) == [runstate.MANIFEST]
    assert not list(out.glob(".*.partial"))


def interrupt_after(chunks: int):
    """An ``on_chunk`` that stops the run (as Ctrl-C would) once ``chunks`` chunks are written."""
    seen = []

    def on_chunk(done: int) -> None:
        seen.append(done)
        if len(seen) == chunks:
            raise KeyboardInterrupt

    return on_chunk


def test_an_interrupted_run_resumes_to_identical_tables(corpus, tmp_path):
    src, ref = corpus
    out = tmp_path / "out"
    with pytest.raises(KeyboardInterrupt):
        pipeline.run(src, out, chunk_size=CHUNK, progress=False, on_chunk=interrupt_after(2))
    assert journal(out)[0] == [0, 1]
    with open(out / runstate.STATE_DIR / runstate.JOURNAL, "ab") as fh:  # a line torn by a kill
        fh.write(b'{"chunk":2,"tables":{"arti')
    summary = pipeline.run(src, out, chunk_size=CHUNK, progress=False)
    assert (summary.chunks_resumed, summary.chunks_computed, summary.chunks_recovered) == (2, 3, 0)
    assert summary.articles == len(ROWS) and summary.failed == 0
    same_tables(out, ref)


def test_a_checkpoint_of_another_run_is_refused_with_the_reason(corpus, tmp_path):
    src, ref = corpus
    out = tmp_path / "out"
    with pytest.raises(KeyboardInterrupt):
        pipeline.run(src, out, chunk_size=CHUNK, progress=False, on_chunk=interrupt_after(1))
    with pytest.raises(RunError, match=r"other options \(chunk_size 2 there, 3 here\).*--restart"):
        pipeline.run(src, out, chunk_size=3, progress=False)
    with pytest.raises(RunError, match=r"other options \(sentiment False there, True here\)"):
        pipeline.run(src, out, chunk_size=CHUNK, sentiment=True, progress=False)
    other = _write_jsonl(tmp_path / "other.jsonl", ROWS[:-1])
    with pytest.raises(RunError, match=r"other input \(.*corpus\.jsonl, 9 rows.*other\.jsonl, 8 rows"):
        pipeline.run(other, out, chunk_size=CHUNK, progress=False)
    # the code changed since: the manifest names the file
    path = out / runstate.STATE_DIR / runstate.MANIFEST
    data = manifest(out)
    data["code"]["files"]["analysis/pipeline.py"] = "0" * 16
    data["code"]["sha256"] = "0" * 64
    path.write_text(json.dumps(data))
    with pytest.raises(RunError, match=r"another version of the library \(changed: analysis/pipeline\.py\)"):
        pipeline.run(src, out, chunk_size=CHUNK, progress=False)
    assert journal(out)[0] == [0]  # refusing touched nothing
    with pytest.raises(RunError, match="nothing to resume"):
        pipeline.run(src, tmp_path / "empty", chunk_size=CHUNK, progress=False, resume=True)
    summary = pipeline.run(src, out, chunk_size=CHUNK, progress=False, resume=False)  # --restart
    assert summary.chunks_resumed == 0 and summary.chunks_computed == CHUNKS
    same_tables(out, ref)


def test_a_sentiment_run_resumed_under_another_precision_is_refused(corpus, tmp_path, monkeypatch):
    """The resolved sentiment precision (fp32 / bf16) is part of a --sentiment checkpoint's options."""
    src, _ = corpus
    out = tmp_path / "out"
    with pytest.raises(KeyboardInterrupt):
        pipeline.run(src, out, chunk_size=CHUNK, progress=False, on_chunk=interrupt_after(1))
    assert manifest(out)["options"].get("sentiment_precision") is None  # no sentiment: nothing to record

    # the checkpoint as a --sentiment run in bf16 would have left it (computing sentiment here is slow)
    path = out / runstate.STATE_DIR / runstate.MANIFEST
    data = manifest(out)
    data["options"].update(sentiment=True, sentiment_precision="bf16")
    data["code"] = runstate.code_fingerprint(True, data["options"]["model"])
    path.write_text(json.dumps(data))

    class Computed(Exception):
        pass

    def no_compute(*args, **kwargs):
        raise Computed

    monkeypatch.setattr(pipeline, "process_chunk", no_compute)
    monkeypatch.setenv("FRAMING_SENTIMENT_PRECISION", "fp32")
    with pytest.raises(RunError, match=r"other options \(sentiment_precision 'bf16' there, 'fp32' here\)"):
        pipeline.run(src, out, chunk_size=CHUNK, sentiment=True, progress=False)
    assert journal(out)[0] == [0]  # refusing touched nothing
    monkeypatch.setenv("FRAMING_SENTIMENT_PRECISION", "bf16")  # the same precision: resumed
    with pytest.raises(Computed):
        pipeline.run(src, out, chunk_size=CHUNK, sentiment=True, progress=False)


def test_the_cli_refuses_with_exit_2(corpus, tmp_path, capsys):
    from analysis.__main__ import main

    src, _ = corpus
    out = tmp_path / "out"
    with pytest.raises(KeyboardInterrupt):
        pipeline.run(src, out, chunk_size=CHUNK, progress=False, on_chunk=interrupt_after(1))
    assert main(["run", str(src), "--out", str(out), "--chunk-size", "3", "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "chunk_size 2 there, 3 here" in err and "--restart" in err
    assert main(["run", str(src), "--out", str(tmp_path / "new"), "--resume", "--no-progress"]) == 2
    assert "nothing to resume" in capsys.readouterr().err


def test_a_complete_run_is_not_computed_again(corpus, tmp_path):
    src, ref = corpus
    out = tmp_path / "out"
    pipeline.run(src, out, chunk_size=CHUNK, progress=False)
    again = pipeline.run(src, out, chunk_size=CHUNK, progress=False)
    assert again.already_complete and again.chunks_computed == 0 and again.articles == len(ROWS)
    assert "already complete" in again.as_text()
    same_tables(out, ref)
    (out / "quotes.parquet").write_bytes(b"changed")
    with pytest.raises(RunError, match=r"quotes\.parquet changed or went missing.*--restart"):
        pipeline.run(src, out, chunk_size=CHUNK, progress=False)
    pipeline.run(src, out, chunk_size=CHUNK, progress=False, resume=False)
    same_tables(out, ref)


def test_a_full_disk_gives_a_clear_error_and_keeps_the_finished_parts(corpus, tmp_path, monkeypatch, capsys):
    """fsync reports ENOSPC writing chunk 2's part files (as a full disk may): exit 2, a message naming the
    folder and the problem, the finished parts intact, the run resumable."""
    from analysis.__main__ import main

    src, ref = corpus
    out = tmp_path / "out"
    real = os.fsync

    def fsync(fd):
        if "/parts/000002" in os.readlink(f"/proc/self/fd/{fd}"):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    args = ["run", str(src), "--out", str(out), "--chunk-size", str(CHUNK), "--no-progress"]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "No space left on device (ENOSPC)" in err and str(out) in err
    assert "2 of 5 chunks are finished and kept" in err and "run the same command again to resume" in err
    monkeypatch.setattr(os, "fsync", real)
    assert journal(out)[0] == [0, 1]
    parts = out / runstate.STATE_DIR / runstate.PARTS
    assert sorted(p.name for p in parts.iterdir()) == ["000000", "000001"]  # the failed chunk's part is gone
    for line in (out / runstate.STATE_DIR / runstate.JOURNAL).read_text().splitlines():
        entry = json.loads(line)
        for name, (rows, size, digest) in entry.get("tables", {}).items():
            assert runstate.sha256_file(parts / f"{entry['chunk']:06d}" / f"{name}.parquet") == digest
    assert main(args) == 0
    printed = capsys.readouterr().out
    assert "3 of 5 chunks computed in" in printed and "2 resumed" in printed
    assert "run again" not in printed  # the chunk the disk failed on was not the chunk's fault: no separate process
    same_tables(out, ref)


def test_an_output_folder_that_cannot_be_created_is_a_clear_error(corpus, tmp_path, capsys):
    from analysis.__main__ import main

    src, _ = corpus
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder")
    assert main(["run", str(src), "--out", str(blocker / "out"), "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert "cannot create the output folder" in err and str(blocker / "out") in err
    assert main(["run", str(src), "--out", str(blocker), "--no-progress"]) == 2
    assert "it is a file, not a folder" in capsys.readouterr().err


def test_duplicate_input_rows_are_skipped_and_accounted_for(corpus, tmp_path):
    from analysis.corpus import CorpusError

    src, ref = corpus
    rows = ROWS[:4] + [ROWS[1]] + ROWS[4:] + [ROWS[1], ROWS[8]]  # a2-0 twice more, a3-2 once more
    out = tmp_path / "out"
    summary = pipeline.run(_write_jsonl(tmp_path / "dups.jsonl", rows), out, chunk_size=CHUNK, progress=False)
    assert (summary.articles, summary.duplicates, summary.failed, summary.ok) == (12, 3, 0, 9)
    assert "3 skipped as duplicate input rows" in summary.as_text()
    arts = pd.read_parquet(out / "articles.parquet")
    assert arts["line"].tolist() == list(range(1, 13))  # every input row, in input order
    assert arts.loc[arts["status"] == "duplicate", ["article_id", "line"]].values.tolist() == [
        ["a2-0", 5], ["a2-0", 11], ["a3-2", 12]]
    # measured once: the measure tables and the profile are the duplicate-free run's
    for name in ("quotes", "lines", "mentions", "readability", "errors", "outlets"):
        pd.testing.assert_frame_equal(pd.read_parquet(out / f"{name}.parquet"), pd.read_parquet(ref / f"{name}.parquet"))
    ok = arts[arts["status"] != "duplicate"].drop(columns="line").reset_index(drop=True)
    pd.testing.assert_frame_equal(ok, pd.read_parquet(ref / "articles.parquet").drop(columns="line"))
    # the same id with other content is still refused, naming what differs
    clash = ROWS[:3] + [dict(ROWS[0], text="Another text.")]
    with pytest.raises(CorpusError, match=r"duplicate article_id 'a1-0' \(first on line 1\) with other "
                                          r"content \(text differ\)"):
        pipeline.run(_write_jsonl(tmp_path / "clash.jsonl", clash), tmp_path / "clash", progress=False)


def test_the_final_check_refuses_success_when_a_row_is_missing(corpus, tmp_path, monkeypatch):
    src, _ = corpus
    real = pipeline.process_chunk

    def loses_a_row(records, **kw):
        out = real(records, **kw)
        if any(r["article_id"] == "a1-1" for r in records):
            out["articles"] = out["articles"][out["articles"]["article_id"] != "a1-1"]
        return out

    monkeypatch.setattr(pipeline, "process_chunk", loses_a_row)
    out = tmp_path / "out"
    with pytest.raises(RunError, match=r"refusing to report success: chunk 1 .* missing: line 4 \(a1-1\)"):
        pipeline.run(src, out, chunk_size=CHUNK, progress=False)
    assert "complete" not in manifest(out)


def test_a_worker_process_crash_is_recorded_and_the_run_goes_on(corpus, tmp_path, monkeypatch):
    """os._exit in a worker process while it measures a3-1: BrokenProcessPool; the chunks in the pool
    are run again alone, then article by article; a3-1 is recorded (stage crash), the rest is intact."""
    src, ref = corpus
    monkeypatch.setenv(runstate.FAULT_ENV, "exit@measure:article=a3-1")
    out = tmp_path / "out"
    summary = pipeline.run(src, out, chunk_size=CHUNK, progress=False, workers=2)
    assert (summary.articles, summary.failed, summary.crashed) == (len(ROWS), 1, 1)
    assert summary.chunks_recovered >= 1
    errors = pd.read_parquet(out / "errors.parquet")
    assert errors[["article_id", "line", "stage", "error"]].values.tolist() == [["a3-1", 6, "crash", "WorkerCrash"]]
    arts = pd.read_parquet(out / "articles.parquet")
    assert arts.loc[arts["article_id"] == "a3-1", "status"].item() == "error"
    want = pd.read_parquet(ref / "articles.parquet")
    pd.testing.assert_frame_equal(arts[arts["article_id"] != "a3-1"].reset_index(drop=True),
                                  want[want["article_id"] != "a3-1"].reset_index(drop=True))
    for name in ("lines", "quotes", "mentions", "sentences", "hedges", "readability", "voice"):
        got, want = pd.read_parquet(out / f"{name}.parquet"), pd.read_parquet(ref / f"{name}.parquet")
        pd.testing.assert_frame_equal(got, want[want["article_id"] != "a3-1"].reset_index(drop=True))


def test_a_crash_in_the_commands_own_process_is_recorded_on_resume(corpus, tmp_path):
    """One worker (measures in the command's process): the crash ends the command; run again, the chunk
    it died in is run in a separate process, where the article is found and recorded."""
    src, _ = corpus
    out = tmp_path / "out"
    p = cli(src, out, fault="exit@measure:article=a3-1")
    assert p.returncode == 70
    p = cli(src, out, fault="exit@measure:article=a3-1")
    assert p.returncode == 0, p.stderr
    assert "1 failed" in p.stdout
    assert pd.read_parquet(out / "errors.parquet")[["article_id", "stage"]].values.tolist() == [["a3-1", "crash"]]


@pytest.mark.allow_hosts(["127.0.0.1"])
def test_a_lost_dask_worker_is_rescheduled_and_each_chunk_written_once(corpus, tmp_path, monkeypatch):
    """A run interrupted in this process is resumed on a LocalCluster of two worker processes on
    127.0.0.1, one of which SIGKILLs itself mid-task (once): Dask reschedules the task, the writer
    writes each chunk once, the tables are the uninterrupted run's. Then an article that crashes every
    worker it meets: the scheduler gives its task up (KilledWorker), the chunk is run locally, article
    by article, and the article is recorded."""
    import dask
    from dask.distributed import Client, LocalCluster

    src, ref = corpus
    out = tmp_path / "dask"
    with pytest.raises(KeyboardInterrupt):
        pipeline.run(src, out, chunk_size=CHUNK, progress=False, on_chunk=interrupt_after(1))
    fired = tmp_path / "fired"
    monkeypatch.setenv(runstate.FAULT_ENV, f"kill@measure:article=a2-1,once={fired};exit@measure:article=boom")
    written = []
    real = runstate.Checkpoint.write_chunk

    def write_chunk(self, i, tables):
        written.append(i)
        return real(self, i, tables)

    monkeypatch.setattr(runstate.Checkpoint, "write_chunk", write_chunk)
    # one death of a task is rescheduled, the second gives it up (the default, 3, only takes longer)
    with dask.config.set({"distributed.scheduler.allowed-failures": 1}), \
            LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                         dashboard_address=None) as cluster, Client(cluster) as client:
        pids = set(client.run(os.getpid).values())
        summary = pipeline.run(src, out, chunk_size=CHUNK, dask=client, progress=False)
        assert fired.exists()  # a worker was killed while measuring a2-1 …
        assert set(client.run(os.getpid).values()) != pids  # … and the nanny started a new one
        assert sorted(written) == list(range(1, CHUNKS))  # every chunk not resumed written exactly once
        assert (summary.chunks_resumed, summary.chunks_computed, summary.failed) == (1, CHUNKS - 1, 0)
        same_tables(out, ref)

        rows = ROWS[:4] + [{"article_id": "boom", "outlet": "Other", "text": "It crashes every worker."}]
        crash = pipeline.run(_write_jsonl(tmp_path / "crash.jsonl", rows), tmp_path / "crash", chunk_size=CHUNK,
                             dask=client, progress=False)
    assert (crash.articles, crash.failed, crash.crashed, crash.chunks_recovered >= 1) == (5, 1, 1, True)
    errors = pd.read_parquet(tmp_path / "crash" / "errors.parquet")
    assert errors[["article_id", "stage"]].values.tolist() == [["boom", "crash"]]
    arts = pd.read_parquet(tmp_path / "crash" / "articles.parquet")
    assert arts["status"].tolist() == ["ok"] * 4 + ["error"]
