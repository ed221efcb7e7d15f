"""Every measure over every article of a corpus, streamed in chunks, checkpointed, written as Parquet tables.

:func:`run` reads a corpus (see :func:`analysis.corpus.iter_articles` for the
accepted inputs), runs the engine's measures (:mod:`analysis.engine`) on each
article and writes one Parquet file per table into an output folder: the
tables of every registered measure (``lines``, ``quotes``, ``scare_quotes``,
``mentions``, ``sentences``, ``hedges``, ``hedge_rates``, ``readability``,
``voice``, and with ``sentiment=True`` the optional measures too: ``sentiment``,
``generic_frames``, ``frame_sentences`` and ``roles``; see each measure's module
in :mod:`analysis.measures`), and

``articles``
    one row per input row, in input order: metadata, ``status`` (``ok``,
    ``error``, or ``duplicate`` for a row repeating an earlier row exactly, which
    is not measured again) and every measure's per-article counts
    (:func:`article_count_columns`; 0 unless ``ok``).
``errors``
    one row per article that failed: the ``stage`` (the measure) where, the
    exception type and message; stage ``crash`` for an article whose worker
    process died measuring it (it exited, or was killed, also when measured alone
    in a fresh process). Such an article keeps its row in ``articles``
    (``status`` = ``error``) and has no rows in the measure tables; the run goes on.
``outlets``
    the outlet profile, :func:`analysis.profile.outlet_profile` of the tables
    written — the same profile the notebooks report.

Every table but ``outlets`` starts with ``article_id`` and ``outlet``; every
offset (``start``, ``end``, ``sentence_start`` …) indexes the raw article text.
On the data-folder layout the tables equal the per-corpus functions of each
module (``segment_corpus``, ``corpus_quotes``, ``corpus_mentions``,
``corpus_cues``, ``hedge_rates``, ``article_readability``); a test holds that.

**Parsing once.** The engine parses each chunk's articles (the pieces of their
body plus headline and standfirst) in one ``nlp.pipe`` stream and hands every
measure the article's :class:`analysis.core.parse.Parse`. The default measures
use every component of the model (tagger, parser, lemmatizer, NER).

**Streaming.** Articles are read, processed and written one chunk at a time
(``chunk_size`` articles), so memory stays flat as the corpus grows; only the
input rows' ids and lines, a few 8-byte hashes per article (to tell an exact
duplicate row) and 8-byte hashes of lines (for chrome repeated across an outlet's
articles) are held for the whole corpus. The profile at the end
reads back the per-sentence ``voice`` table and the per-article tables.

**Checkpoints.** Each finished chunk is written at once, durably, as its own
part files under ``<out>/.checkpoint/`` with a manifest of the run (a
fingerprint of the input, the code and the options) and a journal of the
finished chunks (:mod:`analysis.runstate`). A run that is killed is resumed by
running it again: the finished chunks are kept, the others computed; a
checkpoint of another input, other code or other options is refused
(:class:`RunError`). The final tables are assembled from the parts in input
order, so an interrupted and resumed run writes the same bytes as an
uninterrupted one, and a final check refuses to report success unless every
input row is in ``articles``.

**Workers.** ``workers=N`` runs chunks in N local processes; ``dask=`` runs them
on a ``dask.distributed`` cluster (an address, a ``Client``, or ``"local"`` for
a ``LocalCluster``). Each worker process loads the spaCy model once
(:func:`analysis.nlp.load_nlp` is cached per process). A chunk is written when
it is finished, in any order; the assembly restores input order, so every kind
of run writes identical tables. A chunk whose worker process dies (a local
process, or a Dask task the scheduler gives up on) is run again alone in a fresh
local process, and if that dies too, article by article, so that the article
that kills its process is found and recorded (stage ``crash``).
"""

from __future__ import annotations

import collections
import os
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.corpus import INPUT_OPTIONAL, INPUT_REQUIRED, CorpusError, iter_articles  # noqa: F401
from analysis.engine import ERROR_COLUMNS, count_columns, measure_records, select
from analysis.runstate import FORMAT, Checkpoint, RunError, code_fingerprint, fault, input_fingerprint  # noqa: F401

#: Articles per chunk: the unit that is parsed in one ``nlp.pipe`` call and written at once.
CHUNK_SIZE = 64
#: spaCy batch size within a chunk (pieces per batch).
BATCH_SIZE = 256
#: Tables of the engine that stay in memory (the lead text's quotations, read by the actor measure).
INTERNAL_TABLES = ("lead_quotes",)
#: ``status`` of an ``articles`` row: measured, failed, or an exact repeat of an earlier input row.
STATUSES = ("ok", "error", "duplicate")
#: The ``errors`` row of an article whose worker process died measuring it.
CRASH_STAGE, CRASH_ERROR = "crash", "WorkerCrash"
CRASH_MESSAGE = ("the worker process died while measuring this article (it exited or was killed: a crash "
                 "in compiled code, the out-of-memory killer …), also when the article was measured alone "
                 "in a fresh process")


def tables_written(sentiment: bool = False) -> list[str]:
    """Names of the tables :func:`run` writes, in order (``outlets`` last)."""
    names = ["articles"] + [t for m in select(optional=sentiment) for t in m.tables if t not in INTERNAL_TABLES]
    return names + ["errors", "outlets"]


#: Tables written by :func:`run` with every optional measure.
TABLES = tuple(tables_written(sentiment=True))


def article_count_columns(sentiment: bool = False) -> list[str]:
    """The count columns of the ``articles`` table (each measure's ``counts``)."""
    return count_columns(select(optional=sentiment))


def process_chunk(records: list[dict], sentiment: bool = False, model: str | None = None,
                  batch_size: int = BATCH_SIZE) -> dict[str, pd.DataFrame]:
    """Every measure for ``records`` (dicts from :func:`analysis.corpus.iter_articles` plus ``context``).

    The engine's :func:`analysis.engine.measure_records`, on one thread: the
    unit of work a local process or a Dask worker runs; the spaCy model is
    loaded once per process. A record marked ``duplicate_of`` (an exact repeat
    of an earlier input row) is not measured: it gets its ``articles`` row, with
    ``status`` = ``duplicate``, and nothing else.
    """
    from threadpoolctl import threadpool_limits

    from analysis.nlp import load_nlp

    for rec in records:
        fault("measure", article=rec["article_id"])  # test-only hook (analysis.runstate.fault)
    todo = [r for r in records if not r.get("duplicate_of")]
    with threadpool_limits(limits=1):
        out = measure_records(todo, select(optional=sentiment), load_nlp(model), batch_size)
    for name in INTERNAL_TABLES:
        out.pop(name, None)
    if len(todo) < len(records):
        dups = {k: "duplicate" for k, r in enumerate(records) if r.get("duplicate_of")}
        out["articles"] = _interleave(records, out["articles"], dups)
    return out


def _placeholder(rec: dict, status: str, columns: list[str]) -> dict:
    """An ``articles`` row for a record that was not measured: its metadata, ``status``, counts 0."""
    row = dict.fromkeys(columns, 0)
    row.update({"article_id": rec["article_id"], "outlet": rec["outlet"], "title": rec.get("title", ""),
                "published": rec.get("published", ""), "event": rec.get("event", ""),
                "line": rec.get("line", 0) or 0, "status": status})
    return row


def _interleave(records: list[dict], measured: pd.DataFrame, others: dict[int, str]) -> pd.DataFrame:
    """``measured`` (the rows of the records not in ``others``, in order) with a placeholder row of status
    ``others[k]`` for each record ``k``, in input order."""
    cols = list(measured.columns)
    extra = pd.DataFrame([_placeholder(records[k], s, cols) for k, s in sorted(others.items())], columns=cols)
    if not len(measured):
        return extra
    pos = [k for k in range(len(records)) if k not in others] + sorted(others)
    both = pd.concat([measured, extra], ignore_index=True)
    return both.iloc[np.argsort(np.asarray(pos), kind="stable")].reset_index(drop=True)


# --------------------------------------------------------------------------------------
# the run
# --------------------------------------------------------------------------------------

@dataclass
class RunSummary:
    """What a run did: every input row accounted for, chunks computed or resumed, time, rows per table."""

    out: Path
    #: input rows, each a row of ``articles``: ``ok``, ``failed`` (status error) or ``duplicates``
    articles: int = 0
    failed: int = 0
    duplicates: int = 0
    #: failed because the worker process died (``errors`` stage ``crash``)
    crashed: int = 0
    words: int = 0
    seconds: float = 0.0
    rows: dict = field(default_factory=dict)
    chunks: int = 0
    #: chunks finished by an earlier, interrupted run and kept
    chunks_resumed: int = 0
    #: chunks computed by this run; of them, run again in a separate process because a process died
    #: measuring them (a worker process, or the previous command itself)
    chunks_computed: int = 0
    chunks_recovered: int = 0
    #: articles and body words computed by this run (the rates are of these)
    computed_articles: int = 0
    computed_words: int = 0
    #: the output folder held this run, complete: nothing was computed
    already_complete: bool = False

    @property
    def ok(self) -> int:
        return self.articles - self.failed - self.duplicates

    def record(self) -> dict:
        """The summary as JSON-able data (kept in the manifest of a completed run)."""
        data = asdict(self)
        data.pop("out")
        return data

    def as_text(self) -> str:
        rate = self.computed_articles / self.seconds if self.seconds else float("nan")
        wrate = self.computed_words / self.seconds if self.seconds else float("nan")
        lines = [f"{self.articles} articles ({self.failed} failed, see errors.parquet; {self.duplicates} "
                 "skipped as duplicate input rows); every input row is in articles.parquet"]
        if self.already_complete:
            lines.append(f"the run in {self.out} was already complete: nothing computed")
        else:
            how = [f"{self.chunks_computed} of {self.chunks} chunks computed in {self.seconds:.1f} s"]
            if self.chunks_resumed:
                how.append(f"{self.chunks_resumed} resumed from the checkpoint")
            if self.chunks_recovered:
                how.append(f"{self.chunks_recovered} run again in a separate process, a process having died "
                           f"measuring it ({self.crashed} article(s) recorded as crashed)")
            lines.append(", ".join(how) + f": {rate:.2f} articles/s, {wrate:,.0f} body words/s")
        lines.append(f"tables in {self.out}:")
        lines += [f"  {name}.parquet  {n:,} rows" for name, n in self.rows.items()]
        return "\n".join(lines)


def _scan(path: Path, measures) -> tuple[dict, list[tuple[str, int, bool]]]:
    """First pass: check every record and let each measure's scanner see it (e.g. repeated chrome).

    Returns the scanners and every input row as ``(article_id, line, duplicate)``.
    """
    scanners = {m.name: m.scanner() for m in measures if m.scanner is not None}
    rows = []
    for rec in iter_articles(path, duplicates="mark"):
        dup = bool(rec.get("duplicate_of"))
        if not dup:  # a repeated article would make its own lines look like template chrome
            for s in scanners.values():
                s.add(rec["outlet"], rec["text"])
        rows.append((rec["article_id"], rec["line"], dup))
    if not rows:
        raise CorpusError(path, "no articles")
    for s in scanners.values():
        s.freeze()
    return scanners, rows


def _chunks(path: Path, scanners: dict, size: int, skip: set[int]) -> Iterator[tuple[int, list[dict]]]:
    """``(index, records)`` of every chunk not in ``skip``, each record with its ``context``."""
    chunk: list[dict] = []
    i = n = 0
    for rec in iter_articles(path, duplicates="mark"):
        if i not in skip:
            if not rec.get("duplicate_of"):
                rec["context"] = {name: s.of(rec["outlet"], rec["text"]) for name, s in scanners.items()}
            chunk.append(rec)
        n += 1
        if n == size:
            if i not in skip:
                yield i, chunk
            chunk, i, n = [], i + 1, 0
    if n and i not in skip:
        yield i, chunk


def _sentiment_precision(sentiment: bool) -> str | None:
    """The precision target sentiment will compute in (``fp32`` or ``bf16``, resolved as
    :func:`analysis.sentiment.resolve_precision` does: ``FRAMING_SENTIMENT_PRECISION``, default
    ``auto``); None without sentiment. Recorded in the checkpoint, so that a resume under another
    resolved precision (``auto`` on a machine with or without native bfloat16) is refused."""
    if not sentiment:
        return None
    from analysis.sentiment import resolve_precision

    return resolve_precision()


def run(input_path: Path | str, out: Path | str, workers: int = 1, dask=None,
        chunk_size: int = CHUNK_SIZE, sentiment: bool = False, model: str | None = None,
        progress: bool = True, on_chunk: Callable[[int], None] | None = None,
        resume: bool | None = None) -> RunSummary:
    """Compute every measure for every article of ``input_path``; write the tables into ``out``.

    ``input_path``: see :func:`iter_articles`. ``workers``: local processes (1 =
    this process). ``dask``: a scheduler address, a ``dask.distributed.Client``,
    or ``"local"`` for a ``LocalCluster`` of ``workers`` processes. ``sentiment``
    adds the (slow, transformer-based) target sentiment of every mention.
    ``on_chunk(n)`` is called after each chunk is written with the input rows
    done so far (those of resumed chunks included).

    ``resume``: None (default) resumes the checkpoint in ``out`` when it is of
    this run (same input, code and options) and starts afresh when there is
    none; True requires one; False discards it and starts over. Changing
    ``workers`` or ``dask`` between a run and its resume is safe.

    Raises :class:`analysis.corpus.CorpusError` on bad input before anything is
    written, and :class:`RunError` when the checkpoint belongs to another run,
    the output folder cannot be written (the finished chunks are kept), or the
    final check finds an input row missing from ``articles``. Returns a
    :class:`RunSummary`.
    """
    from functools import partial

    from analysis.nlp import model_name

    input_path, out = Path(input_path), Path(out)
    if chunk_size < 1:
        raise ValueError(f"chunk_size must be at least 1, not {chunk_size}")
    t0 = time.perf_counter()
    scanners, rows = _scan(input_path, select(optional=sentiment))
    names = [n for n in tables_written(sentiment) if n != "outlets"]
    chosen = model or model_name()
    manifest = {"format": FORMAT, "input": {**input_fingerprint(input_path), "rows": len(rows)},
                "code": code_fingerprint(sentiment, chosen),
                "options": {"sentiment": bool(sentiment), "chunk_size": int(chunk_size), "model": chosen,
                            "sentiment_precision": _sentiment_precision(sentiment)},
                "chunks": -(-len(rows) // chunk_size), "tables": names}
    state = Checkpoint.open(out, manifest, resume)
    summary = RunSummary(out, chunks=manifest["chunks"])
    if state.complete is not None:
        changed = state.intact()
        if changed:
            raise RunError(f"{out} holds this run, complete, but {', '.join(changed)} changed or went missing "
                           "since; run with --restart to compute the tables again")
        kept = ("articles", "failed", "duplicates", "crashed", "words", "rows", "chunks")
        done = {k: v for k, v in state.complete["summary"].items() if k in kept}
        return RunSummary(out, **done, already_complete=True, seconds=time.perf_counter() - t0)
    state.begin()
    summary.chunks_resumed = len(state.done)
    sizes = [min(chunk_size, len(rows) - i * chunk_size) for i in range(summary.chunks)]
    done_rows = sum(sizes[i] for i in state.done)

    def write(i: int, result: dict[str, pd.DataFrame], recovered: bool = False) -> None:
        nonlocal done_rows
        state.write_chunk(i, _complete(result, names))
        arts = result["articles"]
        summary.chunks_computed += 1
        summary.chunks_recovered += recovered
        summary.computed_articles += int((arts["status"] != "duplicate").sum())
        summary.computed_words += int(arts["body_words"].sum()) if "body_words" in arts else 0
        done_rows += len(arts)
        bar.update(len(arts))
        if on_chunk is not None:
            on_chunk(done_rows)

    task = partial(process_chunk, sentiment=sentiment, model=model)
    bar = _progress(len(rows), progress, initial=done_rows)
    try:
        with _Runner(task, workers, dask) as runner:
            _compute(_chunks(input_path, scanners, chunk_size, set(state.done)), state, runner, task, write)
    finally:
        bar.close()
    summary.rows = state.assemble(names, _row_check(rows, chunk_size))
    _check_accounting(out, summary)
    profile = _profile(out, sentiment)
    state.write_table("outlets", profile)
    summary.rows["outlets"] = len(profile)
    summary.seconds = time.perf_counter() - t0
    state.finish(names + ["outlets"], summary.record())
    return summary


def _complete(result: dict[str, pd.DataFrame], names: list[str]) -> dict[str, pd.DataFrame]:
    """Every table of ``names`` (a table the engine did not return: no rows, its key columns)."""
    return {n: result[n] if n in result else pd.DataFrame(columns=ERROR_COLUMNS if n == "errors"
                                                         else ["article_id", "outlet"]) for n in names}


def _row_check(rows: list[tuple[str, int, bool]], size: int):
    """A check for the assembly: each chunk's ``articles`` rows are exactly its input rows."""

    def check(name: str, i: int, table) -> None:
        if name != "articles":
            return
        want = rows[i * size:(i + 1) * size]
        got = list(zip(table.column("article_id").to_pylist(), table.column("line").to_pylist(),
                       table.column("status").to_pylist()))
        have = {(a, line) for a, line, _ in got}
        missing = [(a, line) for a, line, _ in want if (a, line) not in have]
        if missing or [(a, line) for a, line, _ in got] != [(a, line) for a, line, _ in want]:
            shown = ", ".join(f"line {line} ({a})" for a, line in missing[:5]) or "rows out of order"
            raise RunError(f"refusing to report success: chunk {i} of the articles table does not hold its "
                           f"{len(want)} input rows ({len(got)} rows; missing: {shown}); the run is not complete")
        for (a, line, dup), (_, _, status) in zip(want, got):
            if status not in STATUSES or (status == "duplicate") != dup:
                raise RunError(f"refusing to report success: input line {line} ({a}) has status {status!r} in "
                               "the articles table; the run is not complete")

    return check


def _check_accounting(out: Path, summary: RunSummary) -> None:
    """Every input row is done, failed (with its ``errors`` row) or a duplicate: fill in the summary's counts."""
    arts = pd.read_parquet(out / "articles.parquet", columns=["article_id", "status", "body_words"]
                           if "body_words" in _columns(out / "articles.parquet") else ["article_id", "status"])
    errors = pd.read_parquet(out / "errors.parquet", columns=["article_id", "stage"])
    failed = arts.loc[arts["status"] == "error", "article_id"]
    if collections.Counter(failed) != collections.Counter(errors["article_id"]):
        raise RunError("refusing to report success: the errors table does not match the articles whose status "
                       "is error; the run is not complete")
    summary.articles = len(arts)
    summary.failed = len(failed)
    summary.duplicates = int((arts["status"] == "duplicate").sum())
    summary.crashed = int((errors["stage"] == CRASH_STAGE).sum())
    summary.words = int(arts["body_words"].sum()) if "body_words" in arts else 0


def _columns(path: Path) -> list[str]:
    import pyarrow.parquet as pq

    return pq.read_schema(path).names


def _profile(out: Path, sentiment: bool) -> pd.DataFrame:
    """The outlet profile (:func:`analysis.profile.outlet_profile`) from the tables just written."""
    from analysis.profile import outlet_profile

    need = ["articles", "voice", "quotes", "scare_quotes", "mentions", "readability"] + (
        ["sentiment", "generic_frames", "roles"] if sentiment else [])
    return outlet_profile({n: pd.read_parquet(out / f"{n}.parquet") for n in need})


def _progress(total: int, enabled: bool, initial: int = 0):
    from tqdm import tqdm

    return tqdm(total=total, initial=initial, unit="article", disable=not enabled, file=sys.stderr)


# --------------------------------------------------------------------------------------
# running chunks: here, in local processes or on Dask; and when a worker process dies
# --------------------------------------------------------------------------------------

def _compute(chunks: Iterator[tuple[int, list[dict]]], state: Checkpoint, runner: _Runner, task: Callable,
             write: Callable) -> None:
    """Run every chunk, at most ``runner.window`` at a time; ``write`` each as it finishes.

    A chunk whose worker process died is run again alone (:func:`_recover`); so
    is the chunk the previous command died in while measuring it in its own
    process (``state.suspect``).
    """
    _Scheduler(state, runner, task, write).run(chunks)


class _Scheduler:
    def __init__(self, state: Checkpoint, runner: _Runner, task: Callable, write: Callable):
        self.state, self.runner, self.write = state, runner, write
        self.iso = _Isolated(task)  # a separate process for chunks run again, replaced after each death
        self.pending: dict = {}
        self.lost: list[tuple[int, list[dict]]] = []
        self.current: int | None = None  # the chunk being measured in this process

    def run(self, chunks: Iterator[tuple[int, list[dict]]]) -> None:
        runner, suspect, more = self.runner, self.state.suspect, True
        try:
            while True:
                while more and not self.lost and len(self.pending) < runner.window:
                    item = next(chunks, None)
                    if item is None:
                        more = False
                        break
                    i, recs = item
                    if i in suspect:
                        self.write(i, _recover(recs, self.iso), recovered=True)
                        continue
                    if runner.mode == "here":
                        self.state.start(i)
                        self.current = i
                    try:
                        self.pending[runner.submit(recs)] = (i, recs)
                    except Exception as exc:  # a pool already broken refuses new work
                        if not runner.died(exc):
                            raise
                        self.lost.append((i, recs))
                if not self.pending and not self.lost:
                    return
                self._collect(runner.wait(list(self.pending)))
                if self.lost and runner.mode == "pool":  # a broken pool takes every chunk in it down
                    self._collect(runner.wait(list(self.pending), every=True))
                    runner.replace_pool()
                for i, recs in sorted(self.lost, key=lambda x: x[0]):
                    self.write(i, _recover(recs, self.iso), recovered=True)
                self.lost.clear()
        except BaseException:
            if self.current is not None:  # alive to see it: not the chunk's fault
                self.state.stop(self.current)
            raise
        finally:
            self.iso.close()

    def _collect(self, futures: list) -> None:
        for fut in futures:
            i, recs = self.pending.pop(fut)
            exc = self.runner.exception(fut)
            if exc is None:
                self.write(i, fut.result())
            elif self.runner.died(exc):
                self.lost.append((i, recs))
            else:
                raise exc


class _Died(Exception):
    """The isolated worker process died."""


class _Isolated:
    """One fresh local worker process at a time, replaced after it dies."""

    def __init__(self, task: Callable):
        self.task = task
        self.pool = None

    def run(self, records: list[dict]) -> dict[str, pd.DataFrame]:
        from concurrent.futures.process import BrokenProcessPool

        if self.pool is None:
            self.pool = _spawn_pool(1)
        try:
            return self.pool.submit(self.task, records).result()
        except BrokenProcessPool:
            self.close()
            raise _Died from None

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None


def _recover(records: list[dict], iso: _Isolated) -> dict[str, pd.DataFrame]:
    """A chunk whose worker process died: run it again alone in a separate process; if that dies too,
    article by article (a fresh process after each death), each article that kills its process
    recorded in ``errors`` with stage ``crash``."""
    try:
        return iso.run(records)  # not this chunk's fault (another chunk's, or a kill): the same tables
    except _Died:
        pass
    results: list[dict | None] = []
    for rec in records:
        try:
            results.append(iso.run([rec]))
        except _Died:
            results.append(None)
    template = next((r for r in results if r is not None), None) or iso.run([])
    return _merge_isolated(records, results, template)


def _merge_isolated(records: list[dict], results: list[dict | None], template: dict) -> dict[str, pd.DataFrame]:
    """One chunk's tables from its articles' own results, ``None`` for an article that crashed its process."""
    out = {}
    for name, empty in template.items():
        if name in ("articles", "errors"):
            continue
        frames = [r[name] for r in results if r is not None and len(r[name])]
        out[name] = pd.concat(frames, ignore_index=True) if frames else empty
    arts, errs = [], []
    cols = list(template["articles"].columns)
    for rec, res in zip(records, results):
        if res is None:
            arts.append(pd.DataFrame([_placeholder(rec, "error", cols)], columns=cols))
            errs.append(pd.DataFrame([[rec["article_id"], rec["outlet"], rec.get("line", 0) or 0, CRASH_STAGE,
                                       CRASH_ERROR, CRASH_MESSAGE]], columns=ERROR_COLUMNS))
        else:
            arts.append(res["articles"])
            if len(res["errors"]):
                errs.append(res["errors"])
    out["articles"] = pd.concat(arts, ignore_index=True)
    out["errors"] = pd.concat(errs, ignore_index=True) if errs else template["errors"]
    return out


def _spawn_pool(n: int):
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    return ProcessPoolExecutor(n, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_exit_with_parent, initargs=(os.getpid(),))


def _exit_with_parent(parent: int) -> None:
    """Worker initializer: end this worker process once the command that started it is gone.

    A killed command (SIGKILL, the out-of-memory killer) cannot shut its pool
    down, and its workers would otherwise wait for work forever, holding their memory.
    """
    import threading

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


class _Now:
    """A finished 'future' for in-process runs."""

    def __init__(self, value):
        self.value = value

    def result(self):
        return self.value


class _Runner:
    """Where chunks run: ``here`` (this process), a local process ``pool``, or ``dask``.

    ``submit(records)`` (a future of ``task(records)``), ``wait(futures)`` (those finished), ``exception(future)``,
    ``died(exc)`` (the worker process was lost), ``window`` (chunks in flight).
    """

    def __init__(self, task: Callable, workers: int, dask):
        self.task = task
        self.workers = max(1, int(workers))
        self.dask = dask
        self.mode = "dask" if dask is not None else "pool" if self.workers > 1 else "here"
        self._close: list[Callable] = []
        self.pool = None
        self.client = None
        self.window = 1

    def __enter__(self):
        if self.mode == "dask":
            self.client = self._dask_client()
            self.window = 2 * self._n_dask_workers(self.client)
        elif self.mode == "pool":
            self.pool = _spawn_pool(self.workers)
            self.window = 2 * self.workers
        return self

    def submit(self, records: list[dict]):
        if self.mode == "dask":
            return self.client.submit(self.task, records, pure=False)
        if self.mode == "pool":
            if self.pool is None:
                self.pool = _spawn_pool(self.workers)
            return self.pool.submit(self.task, records)
        return _Now(self.task(records))

    def wait(self, futures: list, every: bool = False) -> list:
        if self.mode == "here" or not futures:
            return list(futures)
        if self.mode == "pool":
            import concurrent.futures as cf

            done, _ = cf.wait(futures, return_when=cf.ALL_COMPLETED if every else cf.FIRST_COMPLETED)
        else:
            from distributed import wait

            done = wait(futures, return_when="ALL_COMPLETED" if every else "FIRST_COMPLETED").done
        order = {f: k for k, f in enumerate(futures)}
        return sorted(done, key=order.__getitem__)

    def exception(self, fut):
        return None if self.mode == "here" else fut.exception()

    def died(self, exc: BaseException) -> bool:
        from concurrent.futures.process import BrokenProcessPool

        if isinstance(exc, BrokenProcessPool):
            return True
        if self.mode == "dask":
            from distributed.scheduler import KilledWorker

            return isinstance(exc, KilledWorker)
        return False

    def replace_pool(self) -> None:
        """Drop a broken pool; the next chunk starts a fresh one."""
        self.pool.shutdown(wait=True, cancel_futures=True)
        self.pool = None

    def _dask_client(self):
        from dask.distributed import Client, LocalCluster

        if isinstance(self.dask, Client):
            return self.dask
        if self.dask == "local":
            cluster = LocalCluster(n_workers=self.workers, threads_per_worker=1, processes=True,
                                   dashboard_address=None)
            self._close.append(cluster.close)
            client = Client(cluster)
        else:
            client = Client(self.dask)
        self._close.insert(0, client.close)
        return client

    @staticmethod
    def _n_dask_workers(client) -> int:
        return max(1, sum(w.get("nthreads", 1) for w in client.scheduler_info()["workers"].values()))

    def __exit__(self, *exc):
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
        for close in self._close:
            close()
        return False
